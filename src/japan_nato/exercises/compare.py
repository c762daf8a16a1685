"""Compare a learner's value with the expected one and say what differs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from japan_nato.exercises.columns import (
    first_in_order,
    label_gaps,
    label_sets_fast,
    same_labels,
    same_rows,
    sort_order,
)
from japan_nato.exercises.describe import _MAX_SHOWN, _names, _plural, _wrong_type
from japan_nato.exercises.values import (
    _is_bool,
    _is_integer,
    _is_mask,
    _is_missing,
    _is_number,
    _key,
    _key_or_repr,
    _same,
    _show,
    _sort_key,
)


@dataclass(frozen=True)
class Compare:
    """How an answer is compared with the expected value."""

    check_order: bool = True
    check_index: bool = False
    check_dtype: bool = False
    check_names: bool = True
    rtol: float = 1e-7


def _compare(value: object, expected: object, opts: Compare) -> str | None:
    """Return None when value matches expected, else what differs (never the answer)."""
    if isinstance(expected, pd.DataFrame):
        return _compare_frame(value, expected, opts)
    if isinstance(expected, pd.Series):
        return _compare_series(value, expected, opts)
    if isinstance(expected, list | tuple):
        return _compare_sequence(value, expected, opts)
    if isinstance(expected, str):
        return _compare_text(value, expected)
    if _is_bool(expected):
        return _compare_bool(value, expected)
    if _is_number(expected):
        return _compare_number(value, expected, opts)
    return _compare_other(value, expected)


def _compare_frame(value: object, expected: pd.DataFrame, opts: Compare) -> str | None:
    if not isinstance(value, pd.DataFrame):
        return _wrong_type(value, expected)
    got_cols, exp_cols = list(value.columns), list(expected.columns)
    if len(set(map(_key, got_cols))) != len(got_cols):
        return "Your DataFrame has duplicate column names; give each column its own name."
    missing = [c for c in exp_cols if _key(c) not in set(map(_key, got_cols))]
    extra = [c for c in got_cols if _key(c) not in set(map(_key, exp_cols))]
    if missing or extra:
        lines = [f"Your DataFrame has {len(got_cols)} columns; expected {len(exp_cols)}."]
        if missing:
            lines.append(f"- missing {_plural(len(missing), 'column')}: {_names(missing)}")
        if extra:
            lines.append(f"- unexpected {_plural(len(extra), 'column')}: {_names(extra)}")
        return "\n".join(lines)
    if opts.check_order and list(map(_key, got_cols)) != list(map(_key, exp_cols)):
        return (
            "You have the right columns, in a different order. "
            f"Expected the order {_names(exp_cols)}."
        )
    by_key = {_key(c): c for c in got_cols}
    got = value[[by_key[_key(c)] for c in exp_cols]]
    got.columns = exp_cols
    return _compare_table(got, expected, opts, series=False)


def _compare_series(value: object, expected: pd.Series, opts: Compare) -> str | None:
    if not isinstance(value, pd.Series):
        return _wrong_type(value, expected)
    problem = _compare_table(
        value.to_frame(name="value"), expected.to_frame(name="value"), opts, series=True
    )
    renamed = opts.check_names and _key_or_repr(value.name) != _key_or_repr(expected.name)
    if problem is None and renamed:
        return (
            f"The values are right, but your Series is named {_show(value.name)}; "
            f"expected {_show(expected.name)}. `.rename(...)` changes a Series' name."
        )
    if problem is not None and renamed:
        problem += (
            f"\n\nYour Series is named {_show(value.name)}; expected {_show(expected.name)}. "
            "Did you pick the right column?"
        )
    if problem is not None and _is_mask(value) and not _is_mask(expected):
        problem += (
            "\n\nYour Series holds True/False: a mask. Use it to select rows, "
            "`df.loc[mask, 'column']`."
        )
    return problem


def _compare_table(
    got: pd.DataFrame, exp: pd.DataFrame, opts: Compare, *, series: bool
) -> str | None:
    noun = "value" if series else "row"
    if len(got) != len(exp):
        text = f"Expected {_plural(len(exp), noun)}, got {len(got)}."
        if len(got) == 0:
            text += " Nothing was kept: check the spelling and upper/lower case of your filter."
        elif not series and len(got) > len(exp):
            text += " Too many rows: is a condition of your filter missing?"
        elif not series:
            text += " Too few rows: check each condition and the values you compare with."
        if opts.check_index:
            detail = _label_difference(got.index, exp.index)
            if detail:
                text += "\n" + detail
        return text
    names = [str(c) for c in exp.columns]
    if opts.check_index:
        problem = _compare_by_label(got, exp, names, opts, series)
    else:
        problem = _compare_by_position(got, exp, names, opts, series)
    if problem is not None:
        return problem
    if opts.check_dtype:
        for name, g, e in zip(names, got.dtypes, exp.dtypes, strict=True):
            if str(g) != str(e):
                where = "Your values have" if series else f"Column {_show(name)} has"
                return f"{where} dtype {g}; expected {e}. `.astype(...)` converts."
    if opts.check_names and opts.check_index and list(got.index.names) != list(exp.index.names):
        return (
            f"The values are right, but the index is named {_names(list(got.index.names))}; "
            f"expected {_names(list(exp.index.names))}."
        )
    return None


def _compare_by_label(
    got: pd.DataFrame, exp: pd.DataFrame, names: list[str], opts: Compare, series: bool
) -> str | None:
    got_labels, exp_labels = got.index, exp.index
    order = _label_order(got_labels, exp_labels)
    if order is None:
        # Duplicate or unhashable labels cannot be aligned: compare position by position.
        same = same_labels(got_labels, exp_labels)
        if same is None:
            same = [_key_or_repr(x) for x in got_labels] == [_key_or_repr(x) for x in exp_labels]
        if not same:
            return "The index labels differ from the expected ones (compare your index)."
        return _compare_by_position(got, exp, names, opts, series)
    where, in_exp = order
    if where is None:
        return "The index labels differ.\n" + _label_difference(got_labels, exp_labels, in_exp)
    diffs = _differences(got.iloc[where], exp, opts.rtol)
    if diffs:
        return _describe_differences(diffs, names, exp_labels, series, by_label=True)
    if opts.check_order:
        # Order is the sequence of values, so rows that tie may come in any order.
        if _differences(got, exp, opts.rtol):
            return (
                f"Your {'values' if series else 'rows'} are right but in a different order. "
                "Check how the prompt asks you to sort them."
            )
    return None


def _label_order(
    got: pd.Index, exp: pd.Index
) -> tuple[np.ndarray | None, np.ndarray | None] | None:
    """Return (where each expected label is in got, where each of got's labels is in exp).

    The first is None when the two sets of labels differ; the second (-1: not expected) is
    None when it was not needed. None instead of the pair when labels repeat or cannot be
    hashed. Both indexes have the same length.
    """
    if label_sets_fast(got, exp):
        # Only the expected labels are hashed (pandas keeps their table from check to check);
        # got's labels are looked up in it once, and hashed themselves only if some differ.
        if got.equals(exp):  # the usual right answer: one vectorised pass
            return (np.arange(len(exp)), None) if exp.is_unique else None
        if not exp.is_unique:
            return None
        in_exp = cast(np.ndarray, exp.get_indexer(got))
        if (in_exp >= 0).all():
            where = np.full(len(exp), -1, dtype=np.intp)
            where[in_exp] = np.arange(len(got))
            # Every label found and none twice: the same labels in another order.
            return (where, in_exp) if (where >= 0).all() else None
        return (None, in_exp) if got.is_unique else None
    try:
        got_pos = {_key(label): i for i, label in enumerate(got)}
        exp_keys = [_key(label) for label in exp]
    except TypeError:
        return None
    if len(got_pos) != len(got) or len(set(exp_keys)) != len(exp_keys):
        return None
    if set(got_pos) != set(exp_keys):
        return None, None
    return np.array([got_pos[k] for k in exp_keys], dtype=int), None


def _compare_by_position(
    got: pd.DataFrame, exp: pd.DataFrame, names: list[str], opts: Compare, series: bool
) -> str | None:
    if not opts.check_order:
        got, exp = _sorted_rows(got), _sorted_rows(exp)
    diffs = _differences(got, exp, opts.rtol)
    if not diffs:
        return None
    if opts.check_order and not _differences(_sorted_rows(got), _sorted_rows(exp), opts.rtol):
        return (
            f"Your {'values' if series else 'rows'} are right but in a different order. "
            "Check how the prompt asks you to sort them."
        )
    return _describe_differences(diffs, names, None if opts.check_order else [], series, False)


def _differences(got: pd.DataFrame, exp: pd.DataFrame, rtol: float) -> dict[int, np.ndarray]:
    """Map column number -> row positions where the values differ."""
    out: dict[int, np.ndarray] = {}
    for j in range(exp.shape[1]):
        g, e = got.iloc[:, j], exp.iloc[:, j]
        same = same_rows(g, e, rtol)
        if same is not None:
            rows = np.flatnonzero(~same)
        else:
            pairs = zip(g.tolist(), e.tolist(), strict=True)
            rows = np.array([i for i, (a, b) in enumerate(pairs) if not _same(a, b, rtol)], int)
        if rows.size:
            out[j] = rows
    return out


def _describe_differences(
    diffs: dict[int, np.ndarray],
    names: list[str],
    labels: pd.Index | list[Any] | None,
    series: bool,
    by_label: bool,
) -> str:
    lines = []
    for j, rows in diffs.items():
        count = _plural(len(rows), "value") + (" differs" if len(rows) == 1 else " differ")
        where = "" if series else f" in column {_show(names[j])}"
        if by_label and isinstance(labels, pd.Index):
            at = f": at {_names(list(labels.take(rows[:_MAX_SHOWN])), total=len(rows))}"
        elif labels is None:
            positions = _names(rows[:_MAX_SHOWN].tolist(), quote=False, total=len(rows))
            at = f": at {'position' if len(rows) == 1 else 'positions'} {positions} (from 0)"
        else:
            at = ""
        lines.append(f"{count}{where}{at}.")
    if len(lines) == 1:
        return lines[0][0].upper() + lines[0][1:]
    return "Some values differ:\n" + "\n".join(f"- {line}" for line in lines)


def _sorted_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the rows sorted by values._sort_key, column by column."""
    order: np.ndarray | list[int] | None = sort_order(frame)
    if order is None:
        rows = list(zip(*(frame.iloc[:, j].tolist() for j in range(frame.shape[1])), strict=True))
        order = sorted(range(len(rows)), key=lambda i: tuple(_sort_key(v) for v in rows[i]))
    return frame.iloc[order]


def _label_difference(got: pd.Index, exp: pd.Index, in_exp: np.ndarray | None = None) -> str:
    """Name the first few missing and unexpected labels (in_exp: exp.get_indexer(got), if known)."""
    try:
        missing, extra, kind = label_gaps(got, exp, in_exp)
    except TypeError:
        return ""
    # The first few in sorted order, so that the order of the expected labels (often the
    # answer's ranking) stays hidden; only those few are selected, never all of them sorted.
    lines = []
    if len(missing):
        shown = _names(first_in_order(missing, _MAX_SHOWN, kind), total=len(missing))
        lines.append(f"- missing {_plural(len(missing), 'label')}: {shown}")
    if len(extra):
        shown = _names(first_in_order(extra, _MAX_SHOWN, kind), total=len(extra))
        lines.append(f"- unexpected {_plural(len(extra), 'label')}: {shown}")
    return "\n".join(lines)


def _compare_sequence(
    value: object, expected: list[Any] | tuple[Any, ...], opts: Compare
) -> str | None:
    if not isinstance(value, list | tuple):
        return _wrong_type(value, expected)
    got, exp = list(value), list(expected)
    if len(got) != len(exp):
        return f"Expected {_plural(len(exp), 'item')}, got {len(got)}."
    if opts.check_order:
        wrong = [
            i for i, (a, b) in enumerate(zip(got, exp, strict=True)) if not _same(a, b, opts.rtol)
        ]
        if not wrong:
            return None
        if _multiset_equal(got, exp, opts.rtol):
            return "Your items are right but in a different order. Check how to sort them."
        noun = "item differs" if len(wrong) == 1 else "items differ"
        return f"{len(wrong)} {noun}: at {'position' if len(wrong) == 1 else 'positions'} " + (
            f"{_names(wrong, quote=False)} (from 0)."
        )
    unmatched = _unmatched(got, exp, opts.rtol)
    if not unmatched:
        return None
    verb = "is" if len(unmatched) == 1 else "are"
    return f"{_plural(len(unmatched), 'item')} of yours {verb} not expected: {_names(unmatched)}."


def _unmatched(got: list[Any], exp: list[Any], rtol: float) -> list[Any]:
    pool = list(exp)
    left = []
    for item in got:
        for i, candidate in enumerate(pool):
            if _same(item, candidate, rtol):
                del pool[i]
                break
        else:
            left.append(item)
    return left


def _multiset_equal(got: list[Any], exp: list[Any], rtol: float) -> bool:
    return not _unmatched(got, exp, rtol)


def _compare_text(value: object, expected: str) -> str | None:
    if not isinstance(value, str):
        return _wrong_type(value, expected)
    if value == expected:
        return None
    if " ".join(value.split()).casefold() == " ".join(expected.split()).casefold():
        return "Almost: check upper and lower case, and spaces."
    return f"Your text {_show(value)} is not the expected one."


def _compare_bool(value: object, expected: object) -> str | None:
    if not _is_bool(value):
        return _wrong_type(value, expected)
    return None if bool(value) == bool(expected) else "That is not the right answer."


def _compare_number(value: object, expected: object, opts: Compare) -> str | None:
    if _is_bool(value) or not _is_number(value):
        return _wrong_type(value, expected)
    if _same(value, expected, opts.rtol):
        if opts.check_dtype and _is_integer(expected) and not _is_integer(value):
            return "Right value, but expected a whole number (an int), not a float."
        return None
    if _is_missing(value):
        return "Your number is missing (NaN): check what you computed."
    direction = "larger" if float(value) > float(expected) else "smaller"  # type: ignore[arg-type]
    return f"Your number, {_show(value)}, is not the expected one: it is {direction}."


def _compare_other(value: object, expected: object) -> str | None:
    if type(value) is not type(expected) and not isinstance(value, type(expected)):
        return _wrong_type(value, expected)
    return None if _same(value, expected, 0.0) else "Your value is not the expected one."
