"""The package's own exceptions: what a learner sees when a call goes wrong."""

from __future__ import annotations

import pytest

import japan_nato
from japan_nato.errors import InvalidAnswer, JapanNatoError, UnknownId
from tests.support.course_data import COURSE_DATA


def test_an_unknown_exercise_is_an_unknown_id_and_a_key_error() -> None:
    with pytest.raises(UnknownId) as caught:
        japan_nato.exercise("nope")
    assert isinstance(caught.value, KeyError)
    # The message reads as a sentence, not as a quoted key.
    assert str(caught.value).startswith("no exercise 'nope'")
    assert caught.value._render_traceback_()[0].startswith("UnknownId: no exercise 'nope'")


def test_unknown_evidence_is_an_unknown_id() -> None:
    with pytest.raises(UnknownId, match="Z01"):
        japan_nato.evidence("Z01")


def test_an_unknown_question_is_an_unknown_id_naming_the_valid_ones(tmp_path) -> None:
    from japan_nato.progress import ProgressStore

    quiz = japan_nato.quiz("00_start_here", store=ProgressStore(tmp_path / "p.sqlite"))
    with pytest.raises(UnknownId, match="Valid ids"):
        quiz.question("no-such-question")


def test_invalid_answer_is_public_and_says_what_was_wrong() -> None:
    assert japan_nato.InvalidAnswer is InvalidAnswer
    assert issubclass(InvalidAnswer, JapanNatoError) and issubclass(InvalidAnswer, ValueError)
    bank = japan_nato.quiz.__module__  # the api function; the core parses through the type
    assert bank == "japan_nato.api"
    from japan_nato.quiz import load_bank

    question = load_bank("00_start_here", COURSE_DATA).questions[0]
    with pytest.raises(InvalidAnswer):
        question.parse(None)
