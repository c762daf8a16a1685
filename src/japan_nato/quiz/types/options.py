"""What single choice and multiple select share: lettered options, each with its feedback."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from japan_nato.quiz.answers import LETTERS
from japan_nato.quiz.model import Option, Question
from japan_nato.quiz.types.fields import _choice_lines, _options_from_raw


@dataclass(frozen=True, kw_only=True)
class LetteredOptions(Question):
    """A question answered by choosing among lettered options (not a type by itself)."""

    options: tuple[Option, ...]

    def display_lines(self) -> list[str]:
        """Return the lettered options."""
        return _choice_lines(self.options)

    def wrong_answer_feedback(self) -> list[tuple[str, str]]:
        """Return each wrong option with its feedback."""
        options = enumerate(self.options)
        return [(f"{LETTERS[i]}. {o.text}", o.feedback) for i, o in options if not o.correct]

    def choices(self) -> tuple[tuple[str, str], ...]:
        """Return (letter, text) of each option, as shown."""
        return tuple((LETTERS[i], o.text) for i, o in enumerate(self.options))

    def correct_keys(self) -> tuple[str, ...]:
        """Return the letters of the right options, as shown."""
        return tuple(LETTERS[i] for i, o in enumerate(self.options) if o.correct)

    def wrong_feedback_by_key(self) -> dict[str, str]:
        """Return each wrong option's letter with its feedback."""
        return {LETTERS[i]: o.feedback for i, o in enumerate(self.options) if not o.correct}

    @classmethod
    def from_raw(cls, common: dict[str, Any], raw: Mapping[str, Any]) -> Self:
        """Build from validated TOML data."""
        return cls(**common, options=_options_from_raw(raw))
