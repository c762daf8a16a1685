"""What a learner is told, by mode and try; shuffled options; feedback per misplacement."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from japan_nato.api import quiz
from japan_nato.dataset.paths import data_dir
from japan_nato.errors import DataError
from japan_nato.instructor.answer_key import answer_key
from japan_nato.quiz import LETTERS, Quiz, bank_problems, load_bank
from japan_nato.quiz.policy import SAVED_TITLE, TRY_AGAIN
from japan_nato.quiz.types.fields import option_order
from tests.quiz_helpers import TEST_BANK, memory_store, recorded, write_bank
from tests.support.course_data import COURSE_DATA

EXAM_BANK = TEST_BANK.replace("[bank]\n", 'mode = "exam"\n\n[bank]\n', 1)


@pytest.fixture(scope="module")
def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("policy") / "data"
    shutil.copytree(data_dir(), target)
    write_bank(target, "99_test", TEST_BANK)
    write_bank(target, "98_exam", EXAM_BANK)
    return target


@dataclass(frozen=True)
class FakeRound:
    label: str = "Vote 1"
    note: str = "Answer on your own."


def test_a_first_wrong_try_gives_the_option_feedback_and_try_again(shared_dir: Path) -> None:
    q = quiz("99_test", data_dir=shared_dir, store=memory_store())
    first = q.answer("t-single", "Gamma")
    assert not first.correct
    assert "Gamma is third." in first.message and TRY_AGAIN in first.message
    assert "Alpha is the first letter." not in first.message  # no explanation to copy
    assert q.can_retry("t-single")
    second = q.answer("t-single", "Beta")
    assert "Beta is second." in second.message
    assert "Alpha is the first letter." in second.message
    assert not q.can_retry("t-single")


def test_a_right_answer_and_show_answer_give_the_explanation(shared_dir: Path) -> None:
    q = quiz("99_test", data_dir=shared_dir, store=memory_store())
    assert "Alpha is the first letter." in q.answer("t-single", "Alpha").message
    shown = q.reveal("t-multi").sentence()
    assert "Red and orange are warm colours." in shown
    assert q.question("t-multi").correct_answer() in shown


def test_a_vote_records_the_answer_but_shows_no_verdict(shared_dir: Path) -> None:
    store = memory_store()
    heard = []
    q = Quiz(
        load_bank("99_test", shared_dir),
        store,
        shared_dir,
        rounds=lambda qid, bank: FakeRound() if qid == "t-single" else None,
        on_answer=lambda bank, question, answer, result: heard.append(result.correct),
    )
    told = q.answer("t-single", "Alpha")
    assert q.mode_for("t-single") == "vote" and q.mode_for("t-tf") == "practice"
    assert told.feedback.correct is None
    assert told.message == "Vote 1: vote recorded. Answer on your own."
    assert "✓" not in told.message and "Alpha is" not in told.message
    assert recorded(store)[-1]["correct"] is True and heard == [True]  # the room gets the grade
    assert "after the round" in q.reveal("t-single").sentence()


def test_an_exam_defers_all_feedback_to_submit(shared_dir: Path) -> None:
    q = quiz("98_exam", data_dir=shared_dir, store=memory_store())
    assert q.mode == "exam"
    assert "Exam mode" in q.text() and "Score:" not in q.text()
    saved = q.answer("t-single", "Gamma")
    assert saved.feedback.title == SAVED_TITLE and "Gamma is third" not in saved.message
    q.answer("t-tf", True)
    assert "submit" in q.reveal("t-tf").sentence()
    graded = q.submit()
    assert list(graded) == ["t-single", "t-tf"]
    assert "Gamma is third." in graded["t-single"].message
    assert "Alpha is the first letter." in graded["t-single"].message
    assert graded["t-tf"].correct
    assert q.mode == "practice"


@pytest.mark.parametrize(
    ("mode", "words"), [("vote", "vote is per round"), ("quiz", "must be 'practice' or 'exam'")]
)
def test_a_bank_mode_other_than_practice_or_exam_is_refused(
    data_copy: Path, mode: str, words: str
) -> None:
    write_bank(data_copy, "99_test", f'mode = "{mode}"\n' + TEST_BANK)
    problems = bank_problems("99_test", data_copy)
    assert [(p.line, p.column) for p in problems] == [(1, "mode")]
    assert words in problems[0].message


def test_options_show_in_a_seeded_order_that_every_surface_shares() -> None:
    bank = load_bank("01_reading_the_source", COURSE_DATA)
    question = next(q for q in bank.questions if q.id == "src-who-met")
    order = option_order(question.id, len(question.options))
    assert order != sorted(order)
    assert [o.position for o in question.options] == order
    key = question.correct_keys()[0]
    assert f"{key}. " in question.correct_answer()
    assert question.check(key).correct
    lines = question.display_lines()
    assert lines[LETTERS.index(key)].endswith(next(o.text for o in question.options if o.correct))
    assert question.correct_answer() in answer_key(COURSE_DATA, "01_reading_the_source")


def test_progress_keeps_option_text_in_file_order(shared_dir: Path) -> None:
    store = memory_store()
    q = quiz("99_test", data_dir=shared_dir, store=store)
    # Shown order: Red, Blue, Orange, Green; the file lists Green, Red, Blue, Orange.
    q.answer("t-multi", ["Orange", "Green"])
    assert recorded(store)[-1]["answer"] == "Green; Orange"


def test_real_banks_explain_misplacements_and_common_wrong_answers() -> None:
    days = next(
        q
        for q in load_bank("01_reading_the_source", COURSE_DATA).questions
        if q.id == "src-days-between"
    )
    assert "You counted both days" in days.check("7").message
    assert "You counted both days" in days.check(" 7 days").message
    assert "June has 30 days" in days.check(5).message
    ipcp = {q.id: q for q in load_bank("03_the_ipcp", COURSE_DATA).questions}
    match = ipcp["ipcp-terms-match"]
    swapped = dict(match.pairs)
    swapped["IPCP"], swapped["ITPP"] = swapped["ITPP"], swapped["IPCP"]
    told = match.check(swapped).message
    assert "That is the ITPP." in told and "replaced the 2014 programme" in told
    order = ipcp["ipcp-milestones-order"]
    items = list(order.items)
    items[0], items[1] = items[1], items[0]
    assert "The shared values came first" in order.check(items).message


@pytest.mark.parametrize(
    ("old", "new", "column", "words"),
    [
        (
            'explanation = "Cats meow, dogs woof, cows moo."',
            'explanation = "Cats meow."\nmisplaced = [{ term = "cat", definition = "meow", '
            'feedback = "x" }]',
            "misplaced[0].definition",
            "right definition",
        ),
        (
            'explanation = "Cats meow, dogs woof, cows moo."',
            'explanation = "Cats meow."\nmisplaced = [{ term = "bird", feedback = "x" }]',
            "misplaced[0].term",
            "not one of the terms",
        ),
        (
            'items = ["one", "two", "three", "four"]',
            'items = ["one", "two", "three", "four"]\n'
            'misplaced = [{ item = "one", before = "two", feedback = "x" }]',
            "misplaced[0].before",
            "comes after the item",
        ),
        (
            'explanation = "Six days."',
            'explanation = "Six days."\n\n[[questions.wrong_answers]]\nanswer = "6"\n'
            'feedback = "x"',
            "wrong_answers[0].answer",
            "accepted as the right answer",
        ),
        (
            'explanation = "It is the IPCP."',
            'explanation = "It is the IPCP."\n\n[[questions.wrong_answers]]\nanswer = "ITPP"',
            "wrong_answers[0].feedback",
            "non-empty string",
        ),
    ],
)
def test_broken_feedback_tables_are_named_with_their_line(
    data_copy: Path, old: str, new: str, column: str, words: str
) -> None:
    assert old in TEST_BANK
    write_bank(data_copy, "99_test", TEST_BANK.replace(old, new))
    problems = [p for p in bank_problems("99_test", data_copy) if words in p.message]
    assert problems, words
    assert problems[0].column.endswith(column)
    assert problems[0].line is not None
    with pytest.raises(DataError, match=words):
        load_bank("99_test", data_copy)


def test_the_card_places_try_again_show_answer_and_the_exam_submit(shared_dir: Path) -> None:
    from japan_nato.views.quiz_widget import QuizWidget

    widget = QuizWidget(quiz("99_test", data_dir=shared_dir, store=memory_store()))
    card = widget.cards["t-single"]
    card.set_answer("Gamma")
    card.check_button.click()
    assert "Try again" in card.below and "Alpha is the first" not in card.below
    card.answer_button.click()
    assert "Alpha is the first letter." in card.below
    assert widget.submit_button is None

    exam = QuizWidget(quiz("98_exam", data_dir=shared_dir, store=memory_store()))
    card = exam.cards["t-single"]
    assert card.check_button.description == "Save"
    card.set_answer("Alpha")
    card.check_button.click()
    assert "Answer saved." in card.below and "✓" not in card.status
    assert "Answered:" in exam.score_line.value and "correct" not in exam.score_line.value
    assert exam.submit_button is not None
    exam.submit_button.click()
    assert "✓ Correct." in card.below and "✓ Answered correctly" in card.status
    assert "1 of" in exam.score_line.value and exam.submit_button.disabled


def test_the_terminal_asks_again_and_gives_an_exam_its_feedback_at_the_end(
    shared_dir: Path,
) -> None:
    import io

    from japan_nato.views.terminal import run_terminal_quiz

    q = quiz("99_test", data_dir=shared_dir, store=memory_store())
    out = io.StringIO()
    run_terminal_quiz(q, io.StringIO("C\nB\n"), out)  # Gamma, then Alpha (shown as B)
    text = out.getvalue()
    assert "Try again" in text and "Alpha is the first letter." in text

    exam = quiz("98_exam", data_dir=shared_dir, store=memory_store())
    out = io.StringIO()
    run_terminal_quiz(exam, io.StringIO("C\n"), out)
    text = out.getvalue()
    saved, graded = text.split("End of input")
    assert "Answer saved." in saved and "Gamma is third." not in saved
    assert "1. [t-single] ✗ Not quite. Gamma is third." in graded
