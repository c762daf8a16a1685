"""short_answer: type a short text or a number."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    pass
from japan_nato.quiz.answers import (
    InvalidAnswer,
    as_number,
    as_text,
    describe_answer,
    normalise,
)
from japan_nato.quiz.model import Question, Result
from japan_nato.quiz.types.fields import _string_list_problems

NUMBER_PATTERN = re.compile(r"[-+]?\d+(?:[.,]\d+)*")


@dataclass(frozen=True, kw_only=True)
class ShortAnswer(Question):
    """Type a short text or a number."""

    type_name: ClassVar[str] = "short_answer"
    type_label: ClassVar[str] = "short answer"
    fields: ClassVar[tuple[str, ...]] = ("answers", "number", "tolerance", "feedback")

    answers: tuple[str, ...] = ()
    number: float | None = None
    tolerance: float = 0.0
    feedback: str = ""

    def parse(self, answer: Any) -> str | float:
        """Return the normalised text, or the number."""
        # numpy and pandas scalars (np.int64(6)) are numbers too.
        number_given = as_number(answer)
        if number_given is not None and not math.isfinite(number_given):
            raise InvalidAnswer(f"{describe_answer(answer)} is not a usable answer.")
        if self.number is None:
            if number_given is not None:
                answer = (
                    f"{number_given:g}"
                    if number_given != int(number_given)
                    else (str(int(number_given)))
                )
            text = normalise(as_text(answer, "text"))
            if not text:
                raise InvalidAnswer("The answer has no letters or digits.")
            return text
        if number_given is not None:
            value = number_given
        else:
            text = as_text(answer, "a number")
            found = NUMBER_PATTERN.findall(unicodedata.normalize("NFKC", text))
            if len(found) != 1:
                raise InvalidAnswer(f"{describe_answer(text)} does not contain exactly one number.")
            number = found[0]
            # "1,400" is a thousands separator; "2,5" a decimal comma.
            if re.fullmatch(r"[-+]?\d{1,3}(?:,\d{3})+", number):
                number = number.replace(",", "")
            value = float(number.replace(",", "."))
        if not math.isfinite(value):
            raise InvalidAnswer(f"{describe_answer(value)} is not a usable number.")
        return value

    def grade(self, parsed: str | float) -> Result:
        """Right if the text is accepted, or the number within tolerance."""
        if isinstance(parsed, float):
            correct = abs(parsed - float(self.number or 0)) <= self.tolerance + 1e-9
        else:
            correct = parsed in {normalise(a) for a in self.answers}
        if correct:
            return self._result(True)
        return self._result(False, self.feedback, chosen_wrong=(self.format_answer(parsed)[:80],))

    def format_answer(self, parsed: str | float) -> str:
        """Return the normalised text or the number."""
        if isinstance(parsed, float):
            return f"{parsed:g}"
        return parsed

    def answer_help(self) -> str:
        """Say what a valid answer looks like."""
        if self.number is not None:
            return "Type a number in digits, e.g. 12."
        return "Type a short text answer (case, spacing and punctuation do not matter)."

    def display_lines(self) -> list[str]:
        """Say what to type."""
        return ["(Type a number.)" if self.number is not None else "(Type a short answer.)"]

    def correct_answer(self) -> str:
        """Return the accepted answers or the number."""
        if self.number is not None:
            number = f"{self.number:g}"
            return f"{number} (± {self.tolerance:g})" if self.tolerance else number
        return " / ".join(self.answers)

    def wrong_answer_feedback(self) -> list[tuple[str, str]]:
        """Return the feedback for any answer that is not accepted, if the bank gives one."""
        return [("any other answer", self.feedback)] if self.feedback else []

    def example_answers(self) -> tuple[Any, Any]:
        """Return an accepted answer and one that is well formed but wrong."""
        if self.number is not None:
            return self.number, self.number + self.tolerance + 100
        return self.answers[0], "certainly not the answer"

    @classmethod
    def field_problems(cls, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Check that exactly one of answers and number is given, and their types."""
        has_answers = "answers" in raw
        has_number = "number" in raw
        if has_answers == has_number:
            return [("answers", "give either answers = [...] or number = ..., not both or none")]
        problems = []
        if has_answers:
            problems += _string_list_problems(raw, "answers", 1, 20)
            if "tolerance" in raw:
                problems.append(("tolerance", "only goes with number"))
        else:
            number = raw["number"]
            if not isinstance(number, int | float) or isinstance(number, bool):
                problems.append(("number", "must be a number"))
            elif not math.isfinite(number):
                problems.append(("number", "must be finite"))
            tolerance = raw.get("tolerance", 0)
            if (
                not isinstance(tolerance, int | float)
                or isinstance(tolerance, bool)
                or not 0 <= tolerance < math.inf
            ):
                problems.append(("tolerance", "must be a number >= 0"))
        if not isinstance(raw.get("feedback", ""), str):
            problems.append(("feedback", "must be a string"))
        return problems

    @classmethod
    def from_raw(cls, common: dict[str, Any], raw: Mapping[str, Any]) -> ShortAnswer:
        """Build from validated TOML data."""
        number = raw.get("number")
        return cls(
            **common,
            answers=tuple(raw.get("answers", ())),
            number=None if number is None else float(number),
            tolerance=float(raw.get("tolerance", 0)),
            feedback=raw.get("feedback", ""),
        )
