"""Learner wording of values, kinds and type mistakes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from japan_nato.exercises.values import _is_bool, _is_mask, _is_number, _show


def _wrong_type(value: object, expected: object) -> str:
    text = f"Expected {_kind(expected)}, got {_kind(value)}."
    tip = _type_tip(value, expected)
    return f"{text} {tip}" if tip else text


def _kind(obj: object) -> str:
    if obj is None:
        return "None"
    if isinstance(obj, pd.DataFrame):
        return "a pandas DataFrame"
    if isinstance(obj, pd.Series):
        return "a pandas Series"
    if isinstance(obj, pd.Index):
        return "a pandas Index"
    if isinstance(obj, np.ndarray):
        return "a NumPy array"
    if _is_bool(obj):
        return "a boolean (True or False)"
    if _is_number(obj):
        return "a number"
    if isinstance(obj, str):
        return "a string"
    if isinstance(obj, list | tuple):
        return "a list"
    if isinstance(obj, dict):
        return "a dict"
    if isinstance(obj, set | frozenset):
        return "a set"
    if isinstance(obj, Iterator):
        return "a generator (or other one-shot iterator)"
    if callable(obj):
        return "a function"
    return f"a {type(obj).__name__} object"


def _type_tip(value: object, expected: object) -> str:
    if value is None:
        return (
            "Pass the result itself: assignments, print() and methods called with "
            "inplace=True give None."
        )
    if isinstance(value, Iterator):
        return "Turn it into a list with `list(...)`, or keep the pandas object."
    if callable(value) and not isinstance(value, pd.DataFrame | pd.Series):
        return "Did you forget the brackets? Call the method: `value_counts()`, not `value_counts`."
    if isinstance(expected, pd.DataFrame) and isinstance(value, pd.Series) and _is_mask(value):
        return "That is a True/False mask: put it in square brackets to keep rows, `df[mask]`."
    if isinstance(expected, pd.DataFrame) and isinstance(value, pd.Series):
        return (
            "Double brackets `df[['col']]` keep a DataFrame; `.reset_index()` turns a "
            "counted Series into a table."
        )
    if isinstance(expected, pd.Series) and isinstance(value, pd.DataFrame):
        if value.shape[1] == 1:
            return "Your DataFrame has one column; single brackets `df['col']` give a Series."
        return "Select one column with single brackets, `df['col']`, to get a Series."
    if isinstance(expected, pd.Series) and isinstance(value, list | tuple | np.ndarray | pd.Index):
        return "`.tolist()`, `.unique()` and `list(...)` drop the index; keep the pandas Series."
    if isinstance(expected, list | tuple) and isinstance(value, pd.Series | pd.Index | np.ndarray):
        return "Turn it into a plain list with `.tolist()`."
    if _is_number(expected) and isinstance(value, str):
        return "A number has no quotes."
    if _is_number(expected) and isinstance(value, pd.Series | pd.DataFrame | list | tuple):
        size = len(value)
        if size == 1:
            return "It holds one value; take it out with `.iloc[0]` or `.item()`."
        return "Count or pick a single number, e.g. with `len(...)` or `.sum()`."
    return ""


def _names(values: list[Any], quote: bool = True, total: int | None = None) -> str:
    """Name the first few values, then "and N more" (total: how many there are in all)."""
    shown = [_show(v) if quote else str(v) for v in values[:_MAX_SHOWN]]
    rest = (len(values) if total is None else total) - len(shown)
    if rest > 0:
        return ", ".join(shown) + f" and {rest} more"
    if len(shown) > 1:
        return ", ".join(shown[:-1]) + " and " + shown[-1]
    return shown[0] if shown else ""


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


_MAX_SHOWN = 5  # how many labels or items a message names before "and N more"
