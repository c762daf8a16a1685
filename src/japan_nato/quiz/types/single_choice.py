"""single_choice: pick the one right option."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from japan_nato.quiz.answers import LETTERS, letter_range, pick
from japan_nato.quiz.model import Result
from japan_nato.quiz.types.fields import _option_problems
from japan_nato.quiz.types.options import LetteredOptions


@dataclass(frozen=True, kw_only=True)
class SingleChoice(LetteredOptions):
    """Pick the one right option."""

    type_name: ClassVar[str] = "single_choice"
    type_label: ClassVar[str] = "single choice"
    fields: ClassVar[tuple[str, ...]] = ("options",)

    def parse(self, answer: Any) -> int:
        """Return the index of the chosen option."""
        return pick(answer, tuple(o.text for o in self.options), "option")

    def grade(self, parsed: int) -> Result:
        """Right if the chosen option is the correct one."""
        option = self.options[parsed]
        if option.correct:
            return self._result(True)
        return self._result(False, option.feedback, chosen_wrong=(option.text,))

    def format_answer(self, parsed: int) -> str:
        """Return the chosen option's text."""
        return self.options[parsed].text

    def answer_help(self) -> str:
        """Say what a valid answer looks like."""
        return (
            f"Choose one option: type its letter ({letter_range(len(self.options))}) or its text."
        )

    def correct_answer(self) -> str:
        """Return the right option with its letter."""
        index = next(i for i, o in enumerate(self.options) if o.correct)
        return f"{LETTERS[index]}. {self.options[index].text}"

    def buttons_help(self) -> str:
        """Say how to answer with the radio buttons."""
        return "Pick one of the options above, then press Check."

    def terminal_help(self) -> str:
        """Say how to type an answer in the terminal."""
        return f"Type a letter (A–{LETTERS[len(self.options) - 1]}) or the option's text."

    def example_answers(self) -> tuple[Any, Any]:
        """Return the right option's text and a wrong option's text."""
        right = next(o.text for o in self.options if o.correct)
        return right, next(o.text for o in self.options if not o.correct)

    def chosen_labels(self, parsed: int) -> list[str]:
        """Return the chosen option's letter."""
        return [LETTERS[parsed]]

    @classmethod
    def field_problems(cls, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Check the options and that exactly one is correct."""
        problems = _option_problems(raw, 2, 6)
        options = raw.get("options")
        if isinstance(options, list) and all(isinstance(o, dict) for o in options):
            count = sum(1 for o in options if o.get("correct") is True)
            if count != 1:
                problems.append(("options", f"exactly one option must be correct, found {count}"))
        return problems
