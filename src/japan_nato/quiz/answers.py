"""Answer-parsing primitives shared by the question types."""

from __future__ import annotations

import math
import random
import unicodedata
from typing import TYPE_CHECKING, Any

from japan_nato.errors import InvalidAnswer as InvalidAnswer  # re-exported for the types

if TYPE_CHECKING:
    pass


LETTERS = "ABCDEFGH"


# Longer strings are never a real answer; refusing them early keeps check() fast.
MAX_ANSWER_CHARS = 1000


def normalise(text: str) -> str:
    """Return text folded for comparison: NFKC, casefold, no punctuation, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Pd":
            kept.append(" ")  # "Japan-NATO" and "Japan NATO" should compare equal
        elif not category.startswith("P"):
            kept.append(char)
    return " ".join("".join(kept).split())


def letter_range(count: int) -> str:
    """Return the letters of count options as a range, e.g. 'A–D'."""
    return f"A–{LETTERS[count - 1]}"


def describe_answer(value: Any) -> str:
    """Describe a learner's answer briefly, without echoing huge values."""
    if value is None:
        return "None"
    if isinstance(value, str):
        if not value.strip():
            return "An empty answer"
        short = value if len(value) <= 40 else value[:40] + "…"
        return f"“{short}”"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    name = type(value).__name__
    return f"{'An' if name[0].lower() in 'aeiou' else 'A'} {name} value"


def as_text(value: Any, what: str = "a letter or a text") -> str:
    """Return value as a usable string, or raise InvalidAnswer."""
    if value is None:
        raise InvalidAnswer("No answer was given.")
    if not isinstance(value, str):
        raise InvalidAnswer(f"{describe_answer(value)} is not {what}.")
    if len(value) > MAX_ANSWER_CHARS:
        raise InvalidAnswer("That answer is far too long.")
    if not value.strip():
        raise InvalidAnswer("The answer is empty.")
    return value


def split_list(value: Any) -> list[Any]:
    """Return a list answer as a list; a string 'A, C' is split on commas."""
    if isinstance(value, str):
        if len(value) > MAX_ANSWER_CHARS:
            raise InvalidAnswer("That answer is far too long.")
        values: list[Any] = [part for part in value.split(",") if part.strip()]
    elif isinstance(value, list | tuple):
        values = list(value)
    elif value is None:
        raise InvalidAnswer("No answer was given.")
    else:
        raise InvalidAnswer(f"{describe_answer(value)} is not a list.")
    if len(values) > len(LETTERS):
        raise InvalidAnswer(f"{len(values)} entries are more than there are to choose from.")
    return values


def pick(value: Any, texts: tuple[str, ...], noun: str) -> int:
    """Return the index of the text or letter value names among texts."""
    raw = as_text(value)
    wanted = normalise(raw)
    for index, text in enumerate(texts):
        if normalise(text) == wanted:
            return index
    if len(wanted) == 1 and wanted.upper() in LETTERS[: len(texts)]:
        return LETTERS.index(wanted.upper())
    raise InvalidAnswer(f"{describe_answer(raw)} is not one of the {noun}s.")


def seeded_order(question_id: str, count: int) -> list[int]:
    """Return a fixed shuffled order of range(count), never the identity, seeded by the id."""
    order = list(range(count))
    # A str seed is hashed with SHA-512, so the order is the same in every process.
    random.Random(question_id).shuffle(order)
    if order == sorted(order) and count > 1:
        order = order[1:] + order[:1]
    return order
