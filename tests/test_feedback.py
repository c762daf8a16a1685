"""One Feedback value for quiz answers, exercise checks and set-up checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from japan_nato.feedback import PALETTE, Feedback
from japan_nato.quiz import Quiz, load_bank
from japan_nato.quiz.policy import TRY_AGAIN
from tests.quiz_helpers import TEST_BANK, memory_store, recorded, write_bank
from tests.support.course_data import COURSE_DATA


@pytest.fixture
def test_quiz(data_copy: Path) -> Quiz:
    write_bank(data_copy, "99_test", TEST_BANK)
    return Quiz(load_bank("99_test", data_copy), memory_store(), COURSE_DATA)


def test_a_wrong_answer_keeps_its_parts_apart(test_quiz: Quiz) -> None:
    first = test_quiz.answer("t-multi", ["Red", "Blue"]).feedback
    assert (first.explanation, first.text) == ("", TRY_AGAIN)  # the first try: no explanation
    result = test_quiz.answer("t-multi", ["Red", "Blue"])
    told = result.feedback
    assert (told.correct, told.title) == (False, "Not quite.")
    assert told.score == "1 of 2 choices right, and 1 wrong choice."
    assert told.option_feedback == "Blue is a cool colour. You missed 1 right option."
    assert told.explanation == "Red and orange are warm colours."
    assert result.message == " ".join(
        ["✗ Not quite.", told.score, told.option_feedback, told.explanation]
    )


def test_an_invalid_answer_has_a_reason_and_help_per_surface(test_quiz: Quiz) -> None:
    question = test_quiz.question("t-multi")
    result = question.check("Z")
    assert result.feedback.reason == result.reason == "“Z” is not one of the options."
    assert result.message == f"{result.reason} {question.answer_help()}"
    on_buttons = result.with_help(question.buttons_help())
    assert on_buttons.message == f"{result.reason} Tick one or more boxes, then press Check."
    assert result.feedback.state == "invalid"


def test_the_answer_is_parsed_once_and_its_canonical_text_recorded(test_quiz: Quiz) -> None:
    result = test_quiz.answer("t-single", "b")  # the letter of "Alpha"
    assert result.answer_text == "Alpha"
    assert recorded(test_quiz.store)[-1]["answer"] == "Alpha"


def test_card_and_exercise_html_share_one_palette_and_escape() -> None:
    wrong = Feedback(False, "Not quite.", explanation="<b>why</b>")
    card = wrong.card_html()
    assert "jn-wrong" in card and PALETTE["not-yet"] in card and "&lt;b&gt;" in card
    assert PALETTE["not-yet"] in Feedback(False, "Not yet", "x")._repr_html_()
    invalid = Feedback(False, "", reason="No answer was given.", help="Pick one.")
    assert "⚠ No answer was given. Pick one." in invalid.card_html()
    assert PALETTE["invalid"] in invalid.card_html()


def test_set_up_checks_are_feedback_lines() -> None:
    from japan_nato.api import check_setup

    report = check_setup()
    assert all(isinstance(line, Feedback) for line in report.checks)
    assert str(report.checks[0]) == "✓ Python 3.11 or newer"
