"""Value predicates, tolerant equality and sort keys for comparison."""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd


def _is_bool(x: object) -> bool:
    return isinstance(x, bool | np.bool_)


def _is_number(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool | np.bool_)


def _is_integer(x: object) -> bool:
    return isinstance(x, numbers.Integral)


def _is_mask(series: pd.Series) -> bool:
    return bool(pd.api.types.is_bool_dtype(series.dtype))


def _is_missing(x: object) -> bool:
    if x is None or x is pd.NA or x is pd.NaT:
        return True
    try:
        return bool(pd.api.types.is_scalar(x) and pd.isna(x))
    except (TypeError, ValueError):
        return False


def _same(a: object, b: object, rtol: float) -> bool:
    a_missing, b_missing = _is_missing(a), _is_missing(b)
    if a_missing or b_missing:
        return a_missing and b_missing
    if _is_number(a) and _is_number(b):
        try:
            return math.isclose(float(a), float(b), rel_tol=rtol, abs_tol=1e-12)  # type: ignore[arg-type]
        except (OverflowError, TypeError, ValueError):
            return False
    if _is_number(a) != _is_number(b) and not (_is_bool(a) or _is_bool(b)):
        return False
    try:
        result = a == b
        return bool(result) if isinstance(result, bool | np.bool_) else False
    except Exception:  # noqa: BLE001 - a learner's __eq__ may fail
        return False


def _key(x: object) -> object:
    """A hashable key that treats numpy scalars like Python ones."""
    if isinstance(x, np.generic):
        x = x.item()
    hash(x)
    return x


def _key_or_repr(x: object) -> object:
    try:
        return _key(x)
    except TypeError:
        return _show(x, 200)


def _sort_key(x: object) -> tuple[int, float, str]:
    if _is_missing(x):
        return (1, 0.0, "")
    if _is_number(x):
        try:
            return (0, float(x), "")  # type: ignore[arg-type]
        except (OverflowError, TypeError, ValueError):
            pass
    return (2, 0.0, _show(x, 200))


def _show(value: object, limit: int = 40) -> str:
    """A short, safe rendering of a learner's value for a message."""
    try:
        text = repr(value.item() if isinstance(value, np.generic) else value)
    except Exception:  # noqa: BLE001 - a learner's __repr__ may fail
        text = f"<{type(value).__name__}>"
    text = text.replace("`", "'").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
