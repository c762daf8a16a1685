"""Vectorised column checks for large tables: rows that are certainly the same, row order, labels.

Each helper either answers for a whole column at C speed or returns None, and the caller falls
back to the value-by-value rules of values.py; a fast answer never differs from the slow one.
"""

from __future__ import annotations

import heapq
from typing import cast

import numpy as np
import pandas as pd

from japan_nato.exercises.values import _key, _sort_key


def _kind(column: pd.Series | pd.Index) -> str:
    """Return 'number', 'bool', 'text' or 'other' for a column's values."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return "other"
    if pd.api.types.is_bool_dtype(dtype):
        # A nullable boolean column with <NA> has no plain True/False comparison.
        return "other" if column.isna().any() else "bool"
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return "number"
    if pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype):
        if not column.isna().any() and pd.api.types.infer_dtype(column, skipna=False) == "string":
            return "text"
    return "other"


def same_rows(got: pd.Series, exp: pd.Series, rtol: float) -> np.ndarray | None:
    """Return a mask of the rows whose values are equal as values._same says, or None."""
    kinds = (_kind(got), _kind(exp))
    if kinds == ("number", "number"):
        a = got.to_numpy(dtype=float, na_value=np.nan)
        b = exp.to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore", over="ignore"):
            # math.isclose(a, b, rel_tol=rtol, abs_tol=1e-12), elementwise: an infinity is
            # close only to itself.
            tolerance = np.maximum(rtol * np.maximum(np.abs(a), np.abs(b)), 1e-12)
            near = np.isfinite(a) & np.isfinite(b) & (np.abs(a - b) <= tolerance)
            close = (a == b) | near
        return cast(np.ndarray, close | (np.isnan(a) & np.isnan(b)))
    if kinds in (("bool", "bool"), ("text", "text")):
        return np.asarray(got.to_numpy(dtype=object) == exp.to_numpy(dtype=object), dtype=bool)
    return None


def sort_order(frame: pd.DataFrame) -> np.ndarray | None:
    """Return the row order values._sort_key gives, when columns hold numbers, bools or text."""
    keys = []
    for j in range(frame.shape[1]):
        column = frame.iloc[:, j]
        kind = _kind(column)
        if kind == "number":
            values = column.to_numpy(dtype=float, na_value=np.nan)
            missing = np.isnan(values)
            # _sort_key: numbers by value first, then missing values.
            keys.append((missing.astype(int), np.where(missing, 0.0, values)))
        elif kind == "bool":
            keys.append((np.zeros(len(column), dtype=int), column.to_numpy(dtype=float)))
        elif kind == "text":
            keys.append((np.zeros(len(column), dtype=int), _text_ranks(column)))
        else:
            return None
    # np.lexsort sorts by the last key first, and is stable like list.sort.
    flat = [key for pair in reversed(keys) for key in reversed(pair)]
    return np.lexsort(flat) if flat else np.arange(len(frame))


def _text_ranks(column: pd.Series) -> np.ndarray:
    """Rank each text by values._sort_key, computing the key once per distinct text."""
    codes, uniques = pd.factorize(column)
    keys = np.array([_sort_key(text)[2] for text in uniques], dtype=object)
    # Texts whose keys are equal (cut at the same length) share a rank, so ties stay stable.
    _, ranks = np.unique(keys, return_inverse=True)
    return cast(np.ndarray, ranks.reshape(-1)[codes])


def label_sets_fast(got: pd.Index, exp: pd.Index) -> bool:
    """True when both indexes hold plain numbers or plain texts, so pandas can match them."""
    if got.hasnans or exp.hasnans:
        return False  # NaN labels are never equal as Python keys; the slow path keeps that rule
    kinds = (_kind(got), _kind(exp))
    return kinds in (("number", "number"), ("text", "text"))


def first_in_order(values: np.ndarray, count: int, kind: str) -> list[object]:
    """Return the count smallest values by values._sort_key, without sorting them all.

    kind is what _kind says of the column the values come from ('number', 'text', ...).
    """
    if kind == "number":
        numbers = values.astype(float)
        if len(numbers) > count:
            # Only the few smallest are picked out, then sorted (missing values last).
            cut = np.argpartition(np.where(np.isnan(numbers), np.inf, numbers), count)[:count]
            values, numbers = values[cut], numbers[cut]
        order = np.lexsort((numbers, np.isnan(numbers)))
        return list(values[order][:count])
    if kind == "text":
        # Plain strings order as themselves: no key function called two million times.
        return heapq.nsmallest(count, _at_most_smallest(values, count).tolist())
    return heapq.nsmallest(count, values.tolist(), key=_sort_key)


def _at_most_smallest(texts: np.ndarray, count: int) -> np.ndarray:
    """Return the texts no larger than a bound on the count-th smallest (one C pass, not Python)."""
    if len(texts) <= 100 * count:
        return texts
    # The count-th smallest of a sample is never below the count-th smallest of all.
    bound = heapq.nsmallest(count, texts[:: len(texts) // (20 * count)].tolist())[-1]
    return np.asarray(texts[texts <= bound])


def label_gaps(
    got: pd.Index, exp: pd.Index, in_exp: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, str]:
    """Return (exp's labels that got lacks, got's labels that exp lacks, their kind).

    Labels are compared as values._key compares them. in_exp, when given, is
    exp.get_indexer(got) already computed (exp's labels unique): the labels are then matched
    once, not once for each direction.
    """
    fast = label_sets_fast(got, exp)
    if not fast:
        got_keys, exp_keys = {_key(x) for x in got}, {_key(x) for x in exp}
        missing = [x for x in exp if _key(x) not in got_keys]
        extra = [x for x in got if _key(x) not in exp_keys]
        return _objects(missing), _objects(extra), "other"
    kind = _kind(exp)
    if in_exp is None and exp.is_unique:
        in_exp = cast(np.ndarray, exp.get_indexer(got))
    if in_exp is None:
        return _values(exp)[~exp.isin(got)], _values(got)[~got.isin(exp)], kind
    found = in_exp >= 0
    hit = np.zeros(len(exp), dtype=bool)
    hit[in_exp[found]] = True
    return _values(exp)[~hit], _values(got)[~found], kind


def same_labels(got: pd.Index, exp: pd.Index) -> bool | None:
    """Return whether the labels are equal position by position, or None if that needs keys."""
    if len(got) != len(exp) or not label_sets_fast(got, exp):
        return None
    if _kind(got) == "text":
        return bool((got.to_numpy(dtype=object) == exp.to_numpy(dtype=object)).all())
    if got.dtype == exp.dtype:  # numbers of one dtype compare exactly, as Python numbers do
        return bool(got.equals(exp))
    return None


def _values(index: pd.Index) -> np.ndarray:
    """The labels as a NumPy array (plain NumPy numbers keep their dtype, the rest are objects)."""
    if isinstance(index.dtype, np.dtype) and index.dtype.kind in "iuf":
        return np.asarray(index.to_numpy())
    return np.asarray(index.to_numpy(dtype=object))


def _objects(labels: list[object]) -> np.ndarray:
    out = np.empty(len(labels), dtype=object)
    out[:] = labels
    return out
