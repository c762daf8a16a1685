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


def certainly_same(got: pd.Series, exp: pd.Series, rtol: float) -> np.ndarray | None:
    """Return a mask of the rows whose values are certainly equal (as values._same says)."""
    kinds = (_kind(got), _kind(exp))
    if kinds == ("number", "number"):
        a = got.to_numpy(dtype=float, na_value=np.nan)
        b = exp.to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore", over="ignore"):
            # math.isclose(a, b, rel_tol=rtol, abs_tol=1e-12), elementwise.
            tolerance = np.maximum(rtol * np.maximum(np.abs(a), np.abs(b)), 1e-12)
            close = (a == b) | (np.abs(a - b) <= tolerance)
        return cast(np.ndarray, close | (np.isnan(a) & np.isnan(b)))
    if kinds in (("bool", "bool"), ("text", "text")):
        return np.asarray(got.to_numpy(dtype=object) == exp.to_numpy(dtype=object), dtype=bool)
    return None


def sort_order(frame: pd.DataFrame) -> np.ndarray | None:
    """Return the row order values._sort_key gives, when every column is numbers or booleans."""
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
        else:
            return None
    # np.lexsort sorts by the last key first, and is stable like list.sort.
    flat = [key for pair in reversed(keys) for key in reversed(pair)]
    return np.lexsort(flat) if flat else np.arange(len(frame))


def label_sets_fast(got: pd.Index, exp: pd.Index) -> bool:
    """True when both indexes hold plain numbers or plain texts, so pandas can match them."""
    if got.hasnans or exp.hasnans:
        return False  # NaN labels are never equal as Python keys; the slow path keeps that rule
    kinds = (_kind(got), _kind(exp))
    return kinds in (("number", "number"), ("text", "text"))


def first_in_order(values: pd.Index, count: int) -> list[object]:
    """Return the count smallest values by values._sort_key, without sorting them all."""
    kind = _kind(values)
    if kind == "number":
        return list(values.sort_values(na_position="last")[:count])
    if kind == "text":
        # Plain strings order as themselves: no key function called two million times.
        return heapq.nsmallest(count, values.to_numpy(dtype=object))
    return heapq.nsmallest(count, values, key=_sort_key)


def labels_not_in(labels: pd.Index, other: pd.Index) -> pd.Index:
    """Return the labels that other does not have (compared as values._key compares them)."""
    if label_sets_fast(labels, other):
        if other.is_unique:  # one hash lookup per label: faster than isin on string arrays
            return labels[other.get_indexer(labels) < 0]
        return labels[~labels.isin(other)]
    keys = {_key(x) for x in other}
    return pd.Index([x for x in labels if _key(x) not in keys], dtype=object)
