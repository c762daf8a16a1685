"""The quiz values: Option, Result, the Question base class, Bank, the store protocol."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:
    import pandas as pd
from japan_nato.feedback import Feedback
from japan_nato.quiz.answers import InvalidAnswer, describe_answer

CORRECT_TITLE = "Correct."  # shown as "✓ Correct."


WRONG_TITLE = "Not quite."  # shown as "✗ Not quite."


class ProgressStoreLike(Protocol):
    """What a quiz needs from a progress store (see progress_db.ProgressStore)."""

    def record(
        self,
        bank: str,
        question_id: str,
        answer: str,
        correct: bool,
        *,
        objective: str = "",
        chosen_wrong: tuple[str, ...] = (),
    ) -> None: ...

    def correct_ids(self, bank: str) -> set[str]: ...

    def attempts(self, bank: str | None = None) -> pd.DataFrame: ...


@dataclass(frozen=True)
class Option:
    """One option of a choice question."""

    text: str
    correct: bool = False
    feedback: str = ""
    position: int = 0  # its place in the bank file; options are shown in a seeded order


@dataclass(frozen=True)
class Result:
    """The outcome of checking one answer: the grade, and feedback a view places as it is."""

    question_id: str
    correct: bool
    feedback: Feedback
    fact_ids: tuple[str, ...]
    valid: bool = True
    right: int | None = None
    total: int | None = None
    chosen_wrong: tuple[str, ...] = ()
    answer_text: str = ""  # the canonical text of the answer, from its one parse ("" if invalid)

    @property
    def message(self) -> str:
        """The learner-facing feedback on one line."""
        return self.feedback.sentence()

    @property
    def reason(self) -> str:
        """For an answer that is not well formed: what was wrong, without the help."""
        return self.feedback.reason

    def with_help(self, help_text: str) -> Result:
        """Return the result with an invalid answer's help worded for another surface."""
        if self.valid:
            return self
        return replace(self, feedback=self.feedback.with_help(help_text))

    def __str__(self) -> str:
        return self.message

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # In a notebook a learner sees the feedback, not the dataclass fields.
        printer.text(self.message)


# Where a learner answers: q.answer() in code, a card's buttons, or the terminal quiz.
HELP_SURFACES = ("code", "buttons", "terminal")


@dataclass(frozen=True, kw_only=True)
class Question:
    """Fields common to every question type; subclasses define the rest."""

    type_name: ClassVar[str] = ""
    type_label: ClassVar[str] = ""
    fields: ClassVar[tuple[str, ...]] = ()

    id: str
    prompt: str
    objective: str
    fact_ids: tuple[str, ...]
    explanation: str
    hint: str = ""

    def check(self, answer: Any) -> Result:
        """Check a learner's answer; never raises, whatever the answer is."""
        try:
            parsed = self.parse(answer)
            # The one parse also gives the canonical text that the progress store records.
            return replace(self.grade(parsed), answer_text=self.format_answer(parsed))
        except InvalidAnswer as err:
            return self._invalid(str(err))
        except Exception:  # an odd object (say, one whose __eq__ raises) must not break check()
            return self._invalid(f"{describe_answer(answer)} could not be read as an answer.")

    def answer_text(self, answer: Any) -> str:
        """Return a valid answer in a canonical plain-text form (for the progress store)."""
        result = self.check(answer)
        return result.answer_text if result.valid else describe_answer(answer)

    def _invalid(self, reason: str) -> Result:
        feedback = Feedback(False, "", reason=reason, help=self.answer_help())
        return Result(
            question_id=self.id,
            correct=False,
            feedback=feedback,
            fact_ids=self.fact_ids,
            valid=False,
        )

    def _result(
        self,
        correct: bool,
        feedback: str = "",
        *,
        score: str = "",
        right: int | None = None,
        total: int | None = None,
        chosen_wrong: tuple[str, ...] = (),
    ) -> Result:
        told = Feedback(
            correct,
            CORRECT_TITLE if correct else WRONG_TITLE,
            score=score,
            option_feedback="" if correct else feedback,
            explanation=self.explanation,
        )
        return Result(
            question_id=self.id,
            correct=correct,
            feedback=told,
            fact_ids=self.fact_ids,
            right=right,
            total=total,
            chosen_wrong=chosen_wrong,
        )

    # Each type implements these.
    def parse(self, answer: Any) -> Any:
        """Return the answer in a canonical form, or raise InvalidAnswer."""
        raise NotImplementedError

    def grade(self, parsed: Any) -> Result:
        """Return the Result for a parsed answer."""
        raise NotImplementedError

    def format_answer(self, parsed: Any) -> str:
        """Return a parsed answer as plain text."""
        raise NotImplementedError

    def answer_help(self) -> str:
        """Say what a valid answer looks like."""
        raise NotImplementedError

    def buttons_help(self) -> str:
        """Say how to answer with the card's own controls (default: as in code)."""
        return self.answer_help()

    def terminal_help(self) -> str:
        """Say how to type an answer in the terminal quiz (default: as in code)."""
        return self.answer_help()

    def help(self, surface: str) -> str:
        """Return the how-to-answer text for a surface: "code", "buttons" or "terminal"."""
        if surface == "code":
            return self.answer_help()
        if surface == "buttons":
            return self.buttons_help()
        if surface == "terminal":
            return self.terminal_help()
        raise ValueError(f"unknown surface {surface!r}; surfaces: {', '.join(HELP_SURFACES)}")

    def display_lines(self) -> list[str]:
        """Return the lines that show this question's choices in the text version."""
        raise NotImplementedError

    def wrong_answer_feedback(self) -> list[tuple[str, str]]:
        """Return (a wrong answer, what the learner is told) for the answer key (default: none)."""
        return []

    def choices(self) -> tuple[tuple[str, str], ...]:
        """Return (key, text) of each choice as shown, for tallies (default: none, free answer)."""
        return ()

    def correct_keys(self) -> tuple[str, ...]:
        """Return the keys of the right choices (default: none)."""
        return ()

    def wrong_feedback_by_key(self) -> dict[str, str]:
        """Return what a wrong choice's key tells the learner (default: nothing)."""
        return {}

    def chosen_labels(self, parsed: Any) -> list[str]:
        """Return the choice keys a parsed answer picked (default: its canonical text)."""
        return [self.format_answer(parsed)]

    def example_answers(self) -> tuple[Any, Any]:
        """Return (a right answer, a well-formed wrong answer) in the plainest accepted form."""
        raise NotImplementedError

    def correct_answer(self) -> str:
        """Return the right answer as plain text (for answer keys)."""
        raise NotImplementedError

    @classmethod
    def field_problems(cls, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Return (field, message) pairs for the type's own fields."""
        raise NotImplementedError

    @classmethod
    def from_raw(cls, common: dict[str, Any], raw: Mapping[str, Any]) -> Question:
        """Build the question from validated TOML data."""
        raise NotImplementedError


@dataclass(frozen=True)
class Bank:
    """A validated question bank."""

    name: str
    title: str
    notebook: str
    objectives: dict[str, str]
    questions: tuple[Question, ...]
    mode: str = "practice"  # "practice" (feedback at once) or "exam" (feedback on submit)
