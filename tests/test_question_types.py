"""Every registered question type is complete: controls, terminal parser, key lines, examples."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from japan_nato.instructor.answer_key import answer_key
from japan_nato.progress import ProgressStore
from japan_nato.quiz import HELP_SURFACES, QUESTION_TYPES, Question, Quiz, bank_names, load_bank
from japan_nato.views.controls import CONTROL_BUILDERS
from japan_nato.views.terminal import TERMINAL_PARSERS, run_terminal_quiz
from tests.quiz_helpers import TEST_BANK, write_bank
from tests.support.course_data import COURSE_DATA


@pytest.fixture(scope="module")
def questions(tmp_path_factory: pytest.TempPathFactory) -> list[Question]:
    """The test bank's questions and every course question."""
    import shutil

    from japan_nato.dataset.paths import data_dir

    copy = tmp_path_factory.mktemp("types") / "data"
    shutil.copytree(data_dir(), copy)
    write_bank(copy, "99_test", TEST_BANK)
    return [q for name in bank_names(copy) for q in load_bank(name, copy).questions]


def test_every_type_has_a_control_and_a_terminal_parser() -> None:
    assert set(CONTROL_BUILDERS) == set(QUESTION_TYPES)
    assert set(TERMINAL_PARSERS) == set(QUESTION_TYPES)


def test_the_test_bank_has_every_type(questions: list[Question]) -> None:
    assert {q.type_name for q in questions} == set(QUESTION_TYPES)


@pytest.mark.parametrize("type_name", sorted(QUESTION_TYPES))
def test_each_type_is_complete(type_name: str, questions: list[Question]) -> None:
    of_type = [q for q in questions if q.type_name == type_name]
    for question in of_type:
        right, wrong = question.example_answers()
        assert question.check(right).correct, question.id
        result = question.check(wrong)
        assert result.valid and not result.correct, question.id
        assert question.correct_answer().strip(), question.id
        assert all(question.help(surface).strip() for surface in HELP_SURFACES), question.id
        for answer, told in question.wrong_answer_feedback():
            assert answer.strip() and told.strip(), question.id
        CONTROL_BUILDERS[type_name](question)  # builds without error
        typed = TERMINAL_PARSERS[type_name](question, "A")
        assert question.check(typed) is not None


def test_the_answer_key_asks_each_type_for_its_lines() -> None:
    key = answer_key(COURSE_DATA, "00_start_here")
    question = load_bank("00_start_here", COURSE_DATA).questions[0]
    assert question.correct_answer().split(".")[0] in key
    for answer, _ in question.wrong_answer_feedback():
        assert answer.split(".")[0] in key


def test_an_invalid_terminal_answer_gets_terminal_help_only(
    data_copy: Path, tmp_path: Path
) -> None:
    write_bank(data_copy, "99_test", TEST_BANK)
    bank = load_bank("99_test", data_copy)
    multi = next(q for q in bank.questions if q.type_name == "multiple_select")
    one = Quiz(
        type(bank)(bank.name, bank.title, bank.notebook, bank.objectives, (multi,)),
        ProgressStore(tmp_path / "progress.sqlite"),
        COURSE_DATA,
    )
    out = io.StringIO()
    run_terminal_quiz(one, io.StringIO("Z, Y\n\n"), out)
    text = out.getvalue()
    assert "is not one of the options." in text
    # Said once, with the question; the error points back to it instead of repeating it.
    assert text.count(multi.terminal_help()) == 1
    assert "See how to answer above." in text
    assert 'e.g. ["' not in text  # the help for code (lists in Python) is not shown here
