"""The review quiz: missed questions first, a seeded sample after, answers under their bank."""

from __future__ import annotations

from pathlib import Path

import pytest

from japan_nato.api import review_quiz
from japan_nato.progress import ProgressStore
from japan_nato.quiz import Quiz, bank_names, load_bank
from japan_nato.quiz.review import EXCLUDED_BANKS, OWN_BANK, ReviewQuiz, missed_questions
from tests.support.course_data import COURSE_DATA


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ProgressStore:
    """A fresh progress store in a temp file, also set as the default."""
    path = tmp_path / "progress.sqlite"
    monkeypatch.setenv("JAPAN_NATO_PROGRESS", str(path))
    with ProgressStore(path) as opened:
        yield opened


def _pool() -> dict[str, str]:
    """Return question id -> bank for every bank the review draws on."""
    return {
        question.id: name
        for name in bank_names(COURSE_DATA)
        if name not in EXCLUDED_BANKS
        for question in load_bank(name, COURSE_DATA).questions
    }


def _wrong_answer(quiz: Quiz, question_id: str) -> object:
    """Return a well-formed answer that is wrong for a choice or true/false question."""
    question = quiz.question(question_id)
    for candidate in (*"ABCDEF", True, False):
        result = question.check(candidate)
        if result.valid and not result.correct:
            return candidate
    raise AssertionError(f"no simple wrong answer found for {question_id}")


def _right_answer(quiz: Quiz, question_id: str) -> object:
    """Return a right answer for a choice or true/false question."""
    question = quiz.question(question_id)
    for candidate in (*"ABCDEF", True, False):
        if question.check(candidate).correct:
            return candidate
    raise AssertionError(f"no simple right answer found for {question_id}")


def _single_choice_ids(count: int) -> list[tuple[str, str]]:
    """Return (bank, id) of count single-choice questions, spread over the banks first."""
    per_bank = [
        [
            (name, q.id)
            for q in load_bank(name, COURSE_DATA).questions
            if q.type_name == "single_choice"
        ]
        for name in bank_names(COURSE_DATA)
        if name not in EXCLUDED_BANKS
    ]
    spread = [
        pair
        for rank in range(max(map(len, per_bank)))
        for ids in per_bank
        for pair in ids[rank : rank + 1]
    ]
    assert len(spread) >= count, "not enough single-choice questions in the banks"
    return spread[:count]


def test_review_is_a_quiz_of_the_requested_size(store: ProgressStore) -> None:
    review = review_quiz(size=5, store=store)
    assert isinstance(review, Quiz) and isinstance(review, ReviewQuiz)
    assert len(review.questions) == 5
    assert len({q.id for q in review.questions}) == 5
    assert review.missed == []


def test_review_never_draws_on_its_own_or_the_practice_bank(store: ProgressStore) -> None:
    pool = _pool()
    review = review_quiz(size=len(pool) + 10, store=store)
    assert len(review.questions) == len(pool)
    assert {q.id for q in review.questions} == set(pool)
    for name in EXCLUDED_BANKS & set(bank_names(COURSE_DATA)):
        excluded = {q.id for q in load_bank(name, COURSE_DATA).questions}
        assert not excluded & {q.id for q in review.questions}
    assert OWN_BANK in EXCLUDED_BANKS


def test_sample_is_deterministic_for_a_seed(store: ProgressStore) -> None:
    first = [q.id for q in review_quiz(size=8, seed=7, store=store).questions]
    again = [q.id for q in review_quiz(size=8, seed=7, store=store).questions]
    other = [q.id for q in review_quiz(size=8, seed=8, store=store).questions]
    assert first == again
    assert first != other
    assert (
        review_quiz(size=8, seed=7, store=store).text()
        == review_quiz(size=8, seed=7, store=store).text()
    )


def test_missed_questions_come_first_in_first_miss_order(store: ProgressStore) -> None:
    targets = _single_choice_ids(3)
    for name, qid in reversed(targets):
        store.record(name, qid, "x", False)
    # The last one missed is then answered right: it is no longer "missed".
    name, qid = targets[0]
    store.record(name, qid, "y", True)
    expected = [qid for _, qid in reversed(targets[1:])]
    assert [key[1] for key in missed_questions(store)] == expected

    review = review_quiz(size=6, store=store)
    assert [q.id for q in review.questions[: len(expected)]] == expected
    assert review.missed == expected
    assert len(review.questions) == 6
    assert "Asked again because you missed them before" in review.text()


def test_missed_questions_are_capped_by_size(store: ProgressStore) -> None:
    targets = _single_choice_ids(3)
    for name, qid in targets:
        store.record(name, qid, "x", False)
    review = review_quiz(size=2, store=store)
    assert [q.id for q in review.questions] == [qid for _, qid in targets[:2]]


def test_missed_questions_from_a_removed_bank_are_skipped(store: ProgressStore) -> None:
    store.record("no_such_bank", "gone-question", "x", False)
    review = review_quiz(size=4, store=store)
    assert "gone-question" not in {q.id for q in review.questions}
    assert len(review.questions) == 4


def test_answers_are_recorded_under_each_question_bank(store: ProgressStore) -> None:
    review = review_quiz(size=len(_pool()), store=store)
    pool = _pool()
    banks_seen: set[str] = set()
    for question in review.questions:
        if question.type_name != "single_choice" or pool[question.id] in banks_seen:
            continue
        banks_seen.add(pool[question.id])
        result = review.answer(question.id, _right_answer(review, question.id))
        assert result.correct
        assert review.bank_of(question.id) == pool[question.id]
        assert question.id in store.correct_ids(pool[question.id])
        assert question.id in review.done()
    assert banks_seen
    attempts = store.attempts()
    assert "review" not in set(attempts["bank"])
    assert {pool[qid] for qid in attempts["question_id"]} == set(attempts["bank"])
    # The notebook's own quiz sees the answers given in the review.
    for name in banks_seen:
        own = Quiz(load_bank(name, COURSE_DATA), store, COURSE_DATA)
        assert own.done()


def test_a_wrong_review_answer_is_asked_again_next_time(store: ProgressStore) -> None:
    review = review_quiz(size=8, seed=1, store=store)
    question = next(q for q in review.questions if q.type_name == "single_choice")
    result = review.answer(question.id, _wrong_answer(review, question.id))
    assert result.valid and not result.correct
    again = review_quiz(size=8, seed=1, store=store)
    assert again.questions[0].id == question.id
    assert again.missed == [question.id]


def test_invalid_answers_are_not_recorded(store: ProgressStore) -> None:
    review = review_quiz(size=3, store=store)
    result = review.answer(review.questions[0].id, None)
    assert not result.valid
    assert store.count() == 0


def test_text_names_banks_and_how_to_answer(store: ProgressStore) -> None:
    text = review_quiz(size=4, store=store).text()
    assert text.startswith("Quiz: Review: questions from the whole course (review), 4 questions")
    assert "No missed questions recorded yet" in text
    before_questions = text.split("\n1. ", 1)[0]
    assert "q = review_quiz()" in before_questions
    assert "0x" not in text


def test_default_store_follows_the_environment(store: ProgressStore) -> None:
    review = review_quiz(size=2)
    qid = review.questions[0].id
    review.answer(qid, _wrong_answer(review, qid))
    assert store.count() == 1


def test_size_must_be_positive(store: ProgressStore) -> None:
    with pytest.raises(ValueError, match=r"review_quiz\(size=0\).*1 or more") as caught:
        review_quiz(size=0, store=store)
    # In a notebook it is one line, not a traceback into the package.
    assert caught.value._render_traceback_() == [f"UsageError: {caught.value}"]


def test_widget_records_under_the_question_bank(store: ProgressStore) -> None:
    pytest.importorskip("ipywidgets")
    from japan_nato.views.quiz_widget import QuizWidget

    review = review_quiz(size=len(_pool()), store=store)
    question = next(q for q in review.questions if q.type_name == "single_choice")
    view = QuizWidget(review)
    card = view.cards[question.id]
    card.set_answer(_right_answer(review, question.id))
    card.check_button.click()
    assert card.last_result is not None and card.last_result.correct
    assert question.id in store.correct_ids(review.bank_of(question.id))
    assert "1 of" in view.score_line.value


def test_title_says_how_many_are_asked_again(store: ProgressStore) -> None:
    name, qid = _single_choice_ids(1)[0]
    store.record(name, qid, "x", False)
    review = review_quiz(size=3, store=store)
    assert review.title.endswith("(1 missed before, asked again first)")
