"""short_answer: type a short text or a number."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

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
    fields: ClassVar[tuple[str, ...]] = (
        "answers",
        "number",
        "tolerance",
        "feedback",
        "wrong_answers",
    )

    answers: tuple[str, ...] = ()
    number: float | None = None
    tolerance: float = 0.0
    feedback: str = ""
    # (a common wrong answer as written in the bank, what it tells the learner)
    wrong_answers: tuple[tuple[str, str], ...] = ()

    def _wrong_feedback(self, parsed: str | float) -> str:
        """Return the feedback for a known wrong answer, else the general feedback."""
        for wrong, feedback in self.wrong_answers:
            try:
                if self.parse(wrong) == parsed:
                    return feedback
            except InvalidAnswer:
                continue
        return self.feedback

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
        return self._result(
            False, self._wrong_feedback(parsed), chosen_wrong=(self.format_answer(parsed)[:80],)
        )

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
        known = list(self.wrong_answers)
        return known + ([("any other answer", self.feedback)] if self.feedback else [])

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
        return problems + _wrong_answer_problems(raw)

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
            wrong_answers=tuple(
                (_as_text(w["answer"]), w["feedback"]) for w in raw.get("wrong_answers", [])
            ),
        )


def _as_text(value: Any) -> str:
    """A wrong answer as a learner could type it ("7", not "7.0")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _wrong_answer_problems(raw: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Check [[questions.wrong_answers]]: an answer that is not accepted, and its feedback."""
    entries = raw.get("wrong_answers", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        return [("wrong_answers", 'must be a list of { answer = "...", feedback = "..." } tables')]
    problems: list[tuple[str, str]] = []
    accepted = {normalise(a) for a in raw.get("answers", []) if isinstance(a, str)}
    number = raw.get("number")
    for index, entry in enumerate(entries):
        where = f"wrong_answers[{index}]"
        unknown = sorted(set(entry) - {"answer", "feedback"})
        if unknown:
            problems.append((where, f"unknown field(s): {', '.join(unknown)}"))
        answer = entry.get("answer")
        if isinstance(answer, bool) or not isinstance(answer, str | int | float):
            problems.append((f"{where}.answer", "must be a string or a number"))
        elif isinstance(number, int | float) and not isinstance(number, bool):
            found = NUMBER_PATTERN.findall(str(answer))
            tolerance = raw.get("tolerance", 0)
            if len(found) != 1:
                problems.append((f"{where}.answer", "must contain exactly one number"))
            elif isinstance(tolerance, int | float) and abs(float(found[0]) - number) <= tolerance:
                problems.append((f"{where}.answer", "is accepted as the right answer"))
        elif normalise(str(answer)) in accepted:
            problems.append((f"{where}.answer", "is one of the accepted answers"))
        feedback = entry.get("feedback")
        if not isinstance(feedback, str) or not feedback.strip():
            problems.append((f"{where}.feedback", "must be a non-empty string"))
    return problems
