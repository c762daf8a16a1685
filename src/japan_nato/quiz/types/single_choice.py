"""single_choice: pick the one right option."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from japan_nato.quiz.answers import LETTERS, letter_range, pick
from japan_nato.quiz.model import Option, Question, Result
from japan_nato.quiz.types.fields import _choice_lines, _option_problems, _options_from_raw


@dataclass(frozen=True, kw_only=True)
class SingleChoice(Question):
    """Pick the one right option."""

    type_name: ClassVar[str] = "single_choice"
    type_label: ClassVar[str] = "single choice"
    fields: ClassVar[tuple[str, ...]] = ("options",)

    options: tuple[Option, ...]

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

    def display_lines(self) -> list[str]:
        """Return the lettered options."""
        return _choice_lines(self.options)

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

    def wrong_answer_feedback(self) -> list[tuple[str, str]]:
        """Return each wrong option with its feedback."""
        options = enumerate(self.options)
        return [(f"{LETTERS[i]}. {o.text}", o.feedback) for i, o in options if not o.correct]

    def example_answers(self) -> tuple[Any, Any]:
        """Return the right option's text and a wrong option's text."""
        right = next(o.text for o in self.options if o.correct)
        return right, next(o.text for o in self.options if not o.correct)

    def choices(self) -> tuple[tuple[str, str], ...]:
        """Return (letter, text) of each option, as shown."""
        return tuple((LETTERS[i], o.text) for i, o in enumerate(self.options))

    def correct_keys(self) -> tuple[str, ...]:
        """Return the letters of the right options, as shown."""
        return tuple(LETTERS[i] for i, o in enumerate(self.options) if o.correct)

    def wrong_feedback_by_key(self) -> dict[str, str]:
        """Return each wrong option's letter with its feedback."""
        return {LETTERS[i]: o.feedback for i, o in enumerate(self.options) if not o.correct}

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

    @classmethod
    def from_raw(cls, common: dict[str, Any], raw: Mapping[str, Any]) -> SingleChoice:
        """Build from validated TOML data."""
        return cls(**common, options=_options_from_raw(raw))
