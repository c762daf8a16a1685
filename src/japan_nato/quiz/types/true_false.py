"""true_false: say whether a statement is true."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from japan_nato.quiz.answers import InvalidAnswer, as_text, describe_answer, is_bool, normalise
from japan_nato.quiz.model import Question, Result

TRUE_WORDS = {"true": True, "t": True, "yes": True, "false": False, "f": False, "no": False}


@dataclass(frozen=True, kw_only=True)
class TrueFalse(Question):
    """Say whether a statement is true."""

    type_name: ClassVar[str] = "true_false"
    type_label: ClassVar[str] = "true or false"
    fields: ClassVar[tuple[str, ...]] = ("answer", "feedback")

    answer: bool
    feedback: str

    def parse(self, answer: Any) -> bool:
        """Return the answer as a bool."""
        if is_bool(answer):
            return bool(answer)
        word = normalise(as_text(answer, "True or False"))
        if word not in TRUE_WORDS:
            raise InvalidAnswer(f"{describe_answer(answer)} is not True or False.")
        return TRUE_WORDS[word]

    def grade(self, parsed: bool) -> Result:
        """Right if it matches the answer."""
        if parsed == self.answer:
            return self._result(True)
        return self._result(False, self.feedback, chosen_wrong=(str(parsed),))

    def format_answer(self, parsed: bool) -> str:
        """Return 'True' or 'False'."""
        return str(parsed)

    def answer_help(self) -> str:
        """Say what a valid answer looks like."""
        return 'Answer True or False (the strings "true"/"false", "yes"/"no" work too).'

    def display_lines(self) -> list[str]:
        """Return the two choices."""
        return ["True or False?"]

    def correct_answer(self) -> str:
        """Return 'True' or 'False'."""
        return str(self.answer)

    def buttons_help(self) -> str:
        """Say how to answer with the two radio buttons."""
        return "Pick True or False, then press Check."

    def wrong_answer_feedback(self) -> list[tuple[str, str]]:
        """Return the wrong value with its feedback."""
        return [(str(not self.answer), self.feedback)]

    def example_answers(self) -> tuple[Any, Any]:
        """Return the right value and the wrong one."""
        return self.answer, not self.answer

    def choices(self) -> tuple[tuple[str, str], ...]:
        """Return the two choices."""
        return (("true", "True"), ("false", "False"))

    def correct_keys(self) -> tuple[str, ...]:
        """Return the key of the right value."""
        return ("true" if self.answer else "false",)

    def wrong_feedback_by_key(self) -> dict[str, str]:
        """Return the wrong value's key with its feedback."""
        return {"false" if self.answer else "true": self.feedback}

    def chosen_labels(self, parsed: bool) -> list[str]:
        """Return "true" or "false"."""
        return ["true" if parsed else "false"]

    @classmethod
    def field_problems(cls, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Check answer and feedback."""
        problems = []
        if not isinstance(raw.get("answer"), bool):
            problems.append(("answer", "must be true or false"))
        if not isinstance(raw.get("feedback"), str) or not raw["feedback"].strip():
            problems.append(("feedback", "must say why the other value is wrong"))
        return problems

    @classmethod
    def from_raw(cls, common: dict[str, Any], raw: Mapping[str, Any]) -> TrueFalse:
        """Build from validated TOML data."""
        return cls(**common, answer=raw["answer"], feedback=raw["feedback"])
