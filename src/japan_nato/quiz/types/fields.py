"""Field checks and helpers shared by several question types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from japan_nato.quiz.answers import LETTERS, normalise, seeded_order
from japan_nato.quiz.model import Option


def option_order(question_id: str, count: int) -> list[int]:
    """Return the file positions of a question's options in the order they are shown."""
    return seeded_order(question_id, count)


def _options_from_raw(raw: Mapping[str, Any]) -> tuple[Option, ...]:
    """Return the options in their shown (seeded) order, each knowing its file position."""
    items = raw["options"]
    return tuple(
        Option(
            text=str(items[i]["text"]),
            correct=bool(items[i].get("correct", False)),
            feedback=str(items[i].get("feedback", "")),
            position=i,
        )
        for i in option_order(str(raw["id"]), len(items))
    )


def _option_problems(raw: Mapping[str, Any], low: int, high: int) -> list[tuple[str, str]]:
    """Check an options list: count, text, unique, flags, feedback on wrong ones."""
    options = raw.get("options")
    if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
        return [("options", 'must be a list of tables like { text = "...", correct = true }')]
    problems = []
    if not low <= len(options) <= high:
        problems.append(("options", f"must have {low} to {high} options, found {len(options)}"))
    seen: set[str] = set()
    for index, option in enumerate(options):
        where = f"options[{index}]"
        unknown = sorted(set(option) - {"text", "correct", "feedback"})
        if unknown:
            problems.append((where, f"unknown field(s): {', '.join(unknown)}"))
        text = option.get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append((f"{where}.text", "must be a non-empty string"))
            continue
        if normalise(text) in seen:
            problems.append((f"{where}.text", f"duplicate option “{text}”"))
        if len(normalise(text)) == 1 and normalise(text).isalpha():
            # "B" would be read as the letter of the second option.
            problems.append((f"{where}.text", "a one-letter option is confused with its letter"))
        seen.add(normalise(text))
        correct = option.get("correct", False)
        if not isinstance(correct, bool):
            problems.append((f"{where}.correct", "must be true or false"))
        feedback = option.get("feedback", "")
        if not isinstance(feedback, str):
            problems.append((f"{where}.feedback", "must be a string"))
        elif correct is not True and not feedback.strip():
            problems.append(
                (f"{where}.feedback", f"wrong option “{text}” needs feedback naming the mistake")
            )
    return problems


def _choice_lines(options: tuple[Option, ...]) -> list[str]:
    return [f"{LETTERS[i]}. {option.text}" for i, option in enumerate(options)]


def _string_list_problems(
    raw: Mapping[str, Any], name: str, low: int, high: int
) -> list[tuple[str, str]]:
    values = raw.get(name)
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        return [(name, "must be a list of non-empty strings")]
    problems = []
    if not low <= len(values) <= high:
        problems.append((name, f"must have {low} to {high} entries, found {len(values)}"))
    if len({normalise(v) for v in values}) != len(values):
        problems.append((name, "entries must be different from each other"))
    return problems
