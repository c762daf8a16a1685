"""The feedback policy: what a learner is told about an answer, by mode and attempt."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from japan_nato.feedback import Feedback
from japan_nato.quiz.model import WRONG_TITLE, Question, Result

# practice: feedback at once; vote: a peer-instruction round is open (no right/wrong);
# exam: nothing until the learner submits the whole form.
MODES = ("practice", "vote", "exam")

TRY_AGAIN = "Try again, or press Show answer."
VOTE_TITLE = "Vote recorded."
SAVED_TITLE = "Answer saved."
SAVED_TEXT = "You see the feedback when you submit the whole form."
ANSWER_TITLE = "The answer:"
# Wrong tries after which the explanation is shown without asking.
EXPLAIN_AFTER = 2


class OpenRound(Protocol):
    """A peer-instruction round open on a question (room.client.Round is one)."""

    @property
    def label(self) -> str: ...

    @property
    def note(self) -> str: ...


# (question id, bank) -> the round open on that question, or None.
RoundProvider = Callable[[str, str], "OpenRound | None"]


def no_round(question_id: str, bank: str) -> OpenRound | None:
    """The default provider: no peer-instruction round is ever open."""
    return None


def shape(result: Result, mode: str, wrong_tries: int, round_: OpenRound | None = None) -> Result:
    """Return the result with the feedback the mode allows; wrong_tries counts this one."""
    if not result.valid:
        return result
    if mode == "vote":
        note = round_.note if round_ is not None else ""
        title = f"{round_.label}: {VOTE_TITLE.lower()}" if round_ is not None else VOTE_TITLE
        return replace(result, feedback=Feedback(None, title, text=note))
    if mode == "exam":
        return replace(result, feedback=Feedback(None, SAVED_TITLE, text=SAVED_TEXT))
    if result.correct or wrong_tries >= EXPLAIN_AFTER:
        return result
    told = result.feedback
    first_try = Feedback(
        False,
        WRONG_TITLE,
        score=told.score,
        option_feedback=told.option_feedback,
        text=TRY_AGAIN,
    )
    return replace(result, feedback=first_try)


def answer_feedback(question: Question) -> Feedback:
    """Return the right answer and the explanation, as "Show answer" gives them."""
    return Feedback(
        None,
        ANSWER_TITLE,
        score=question.correct_answer() + ".",
        explanation=question.explanation,
    )


def withheld(mode: str) -> Feedback:
    """Return what "Show answer" says while the mode keeps the answer back."""
    if mode == "vote":
        return Feedback(None, "The answer is shown after the round.")
    return Feedback(None, "The answers are shown after you submit the form.")
