"""Answer-parsing primitives shared by the question types."""

from __future__ import annotations

import math
import numbers
import random
import re
import unicodedata
from functools import lru_cache
from typing import Any

from japan_nato.errors import InvalidAnswer as InvalidAnswer  # re-exported for the types

LETTERS = "ABCDEFGH"


# Longer strings are never a real answer; refusing them early keeps check() fast.
MAX_ANSWER_CHARS = 1000


# Commas a Japanese IME types; NFKC turns the full-width comma into "," but not these.
_LIST_SEPARATORS = re.compile(r"[,、､，﹐﹑]")


def clean(text: str) -> str:
    """Return text as NFKC without format characters (zero-width space, BOM, ZWJ, soft hyphen)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def split_items(text: str) -> list[str]:
    """Split a typed list on commas, full-width commas and the ideographic comma 、."""
    return _LIST_SEPARATORS.split(clean(text))


def as_number(value: Any) -> float | None:
    """Return value as a float when it is a real number (numpy and pandas too, not bools)."""
    if is_bool(value):
        return None
    if isinstance(value, numbers.Real):
        return float(value)
    return None


def is_bool(value: Any) -> bool:
    """True for a bool or a numpy bool (what a pandas comparison gives)."""
    if isinstance(value, bool):
        return True
    kind = type(value)
    return kind.__module__ == "numpy" and kind.__name__ in ("bool_", "bool")


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Return text folded for comparison: NFKC, casefold, no punctuation, single spaces."""
    # Cached: the set-up check folds every option of every bank, and answers repeat.
    text = clean(text).casefold()
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
    try:
        return _describe(value)
    except Exception:  # a hostile object (a str subclass whose methods raise) must not escape
        return "That answer"


def _describe(value: Any) -> str:
    if isinstance(value, str):
        text = str.__str__(value)  # the plain string, whatever a subclass overrides
        if not str.strip(text):
            return "An empty answer"
        short = text if len(text) <= 40 else text[:40] + "…"
        return f"“{short}”"
    if is_bool(value):
        return str(bool(value))
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    name = type(value).__name__
    if not isinstance(name, str) or not name.isidentifier():
        return "That answer"
    return f"{'An' if name[0].lower() in 'aeiou' else 'A'} {name} value"


def as_text(value: Any, what: str = "a letter or a text") -> str:
    """Return value as a usable string, or raise InvalidAnswer."""
    if value is None:
        raise InvalidAnswer("No answer was given.")
    if not isinstance(value, str):
        raise InvalidAnswer(f"{describe_answer(value)} is not {what}.")
    # A plain copy: a str subclass's own methods are never called.
    plain: str = str.__str__(value)
    if len(plain) > MAX_ANSWER_CHARS:
        raise InvalidAnswer("That answer is far too long.")
    plain = clean(plain)
    if not plain.strip():
        raise InvalidAnswer("The answer is empty.")
    return plain


def split_list(value: Any) -> list[Any]:
    """Return a list answer as a list; a string 'A, C' is split on commas."""
    if isinstance(value, str):
        value = str.__str__(value)
        if len(value) > MAX_ANSWER_CHARS:
            raise InvalidAnswer("That answer is far too long.")
        values: list[Any] = [part for part in split_items(value) if part.strip()]
    elif isinstance(value, list | tuple):
        if len(value) > len(LETTERS):
            raise InvalidAnswer(f"{len(value)} entries are more than there are to choose from.")
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
