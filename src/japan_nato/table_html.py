"""DataFrames as HTML a learner reads: text left and wrapping, numbers right, "—" for missing.

Used for every DataFrame a notebook shows (views/tables.py installs it in IPython) and for the
data table under each figure. JupyterLab right-aligns every table cell, and a notebook opened
from a fresh clone is untrusted: its stored HTML loses every `<style>` block and most inline
CSS. What survives there (checked in JupyterLab 4.6 in Chromium) is a short list of inline
properties: text-align, vertical-align, white-space, width/min-width/max-width, overflow(-x),
padding, margin, table-layout, opacity, font-weight. So each cell carries its own inline style,
colours come from the theme (dark theme included), and the table sits in a wrapper that scrolls
sideways instead of the page.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
from pandas.api import types as ptypes

MISSING = "—"
# tabindex lets the keyboard scroll a wide table; an untrusted notebook drops it (and role).
WRAPPER = 'class="jn-table" tabindex="0" style="max-width: 100%; overflow-x: auto"'
TABLE = 'style="table-layout: auto; border-collapse: collapse; margin: 0 0 4px 0; width: auto"'
# Short inline styles: every cell carries one, since untrusted output keeps no <style> block.
# Short text (ids, dates, topics) stays on one line; long text wraps between 14em and 32em, so
# a frame with many text columns stays readable (it scrolls) instead of one word a line.
SHORT_TEXT = "text-align:left;vertical-align:top;white-space:nowrap"
TEXT = "text-align:left;vertical-align:top;white-space:normal;min-width:14em;max-width:32em"
NUMBER = "text-align:right;vertical-align:top;white-space:nowrap"
GAP = "text-align:center;vertical-align:top"
SHORT = 24  # characters: text at most this long is not wrapped


def _option(name: str) -> Any:
    return pd.get_option(f"display.{name}")


def _is_number(values: pd.Series | pd.Index) -> bool:
    """Whether values are numbers (shown right-aligned); booleans count as text."""
    return bool(ptypes.is_numeric_dtype(values.dtype) and not ptypes.is_bool_dtype(values.dtype))


def _missing_mark(value: Any) -> str:
    """The "—" shown for a missing value; its tooltip names what pandas holds there."""
    if value is None or value is pd.NA:
        name = repr(value)
    else:
        name = "NaN" if isinstance(value, float) else str(value)
    return (
        f'<span title="missing value ({html.escape(name)})" style="opacity: 0.7">{MISSING}</span>'
    )


def _float_texts(values: list[Any], precision: int) -> list[str | None]:
    """Floats with one number of decimals per column, as pandas shows them (None if missing)."""
    texts = [None if pd.isna(v) else f"{v:.{precision}f}" for v in values]
    decimals = max(
        (len(t.split(".")[1].rstrip("0")) for t in texts if t is not None and "." in t), default=0
    )
    decimals = max(decimals, 1)
    return [None if t is None else f"{float(t):.{decimals}f}" for t in texts]


def _cell_texts(column: pd.Series, clip: bool = True) -> list[str | None]:
    """The text of each value of a column (None where missing), clipped to max_colwidth."""
    values = column.tolist()
    if ptypes.is_float_dtype(column.dtype):
        return _float_texts(values, int(_option("precision")))
    if ptypes.is_datetime64_any_dtype(column.dtype):
        stamps = [v for v in values if not pd.isna(v)]
        dates_only = all(v == v.normalize() for v in stamps)
        return [
            None if pd.isna(v) else (v.strftime("%Y-%m-%d") if dates_only else str(v))
            for v in values
        ]
    width = _option("max_colwidth") if clip else None
    texts: list[str | None] = []
    for value in values:
        if ptypes.is_scalar(value) and pd.isna(value):
            texts.append(None)
            continue
        text = str(value)
        if width is not None and len(text) > width:
            text = text[: max(width - 3, 0)] + "..."
        texts.append(text)
    return texts


def _style(values: pd.Series | pd.Index, texts: list[str | None]) -> str:
    """A column's cell style: numbers right, text left; only long text wraps."""
    if _is_number(values):
        return NUMBER
    longest = max((len(t) for t in texts if t is not None), default=0)
    return SHORT_TEXT if longest <= SHORT else TEXT


def _cells(column: pd.Series, clip: bool = True) -> tuple[str, list[str]]:
    """A column's style and one HTML cell per value: escaped, "—" where missing."""
    texts = _cell_texts(column, clip)
    style = _style(column, texts)
    cells = [
        f'<td style="{style}">'
        + (_missing_mark(value) if text is None else html.escape(text))
        + "</td>"
        for value, text in zip(column.tolist(), texts, strict=True)
    ]
    return style, cells


def _limits(frame: pd.DataFrame) -> tuple[int | None, int | None]:
    """How many rows and columns to show from each end, or None for all (pandas' own rules)."""
    rows, cols = frame.shape
    max_rows, min_rows, max_cols = _option("max_rows"), _option("min_rows"), _option("max_columns")
    half_rows = None
    if max_rows and rows > max_rows:
        fitted = min(min_rows, max_rows) if min_rows else max_rows
        half_rows = max(fitted // 2, 1)
    half_cols = max(max_cols // 2, 1) if max_cols and cols > max_cols else None
    return half_rows, half_cols


def _shown(frame: pd.DataFrame, half_rows: int | None, half_cols: int | None) -> pd.DataFrame:
    """The part of the frame on screen: its first and last rows and columns when truncated."""
    if half_cols is not None:
        frame = pd.concat([frame.iloc[:, :half_cols], frame.iloc[:, -half_cols:]], axis=1)
    if half_rows is not None:
        frame = pd.concat([frame.iloc[:half_rows], frame.iloc[-half_rows:]])
    return frame


def _labels(index: pd.Index) -> list[list[str]]:
    """Each index entry as a list of level labels (one label for a flat index)."""
    if isinstance(index, pd.MultiIndex):
        return [[str(part) for part in entry] for entry in index]
    return [[str(entry)] for entry in index]


def table_html(frame: pd.DataFrame, *, index: bool = True, whole: bool = False) -> str:
    """Return a DataFrame as a learner-readable HTML table.

    index=False leaves out the row labels; whole=True shows every row, column and character
    (pandas' display limits apply otherwise, as in its own table).
    """
    half_rows, half_cols = (None, None) if whole else _limits(frame)
    shown = _shown(frame, half_rows, half_cols)
    levels = shown.index.nlevels if index else 0
    row_labels = _labels(shown.index) if index else [[] for _ in range(len(shown))]
    index_style = _style(shown.index, [" ".join(labels) for labels in row_labels] or [""])
    styles, columns = [], []
    for position in range(shown.shape[1]):
        style, cells = _cells(shown.iloc[:, position], clip=not whole)
        styles.append(style)
        columns.append(cells)

    head_rows = []
    column_labels = _labels(shown.columns)
    names = (
        [html.escape(str(n)) if n is not None else "" for n in shown.index.names] if index else []
    )
    for level in range(shown.columns.nlevels):
        corner = ""
        for name in names:
            shown_name = name if level == shown.columns.nlevels - 1 else ""
            # An empty corner is a plain cell: a header without text confuses screen readers.
            tag = "th" if shown_name else "td"
            corner += f'<{tag} style="{SHORT_TEXT}">{shown_name}</{tag}>'
        heads = []
        for position, label in enumerate(column_labels):
            if half_cols is not None and position == half_cols:
                heads.append(f'<th style="{GAP}">…</th>')
            heads.append(
                f'<th scope="col" style="{styles[position]}">{html.escape(label[level])}</th>'
            )
        head_rows.append(f"<tr>{corner}{''.join(heads)}</tr>")

    body_rows = []
    for row, labels in enumerate(row_labels):
        if half_rows is not None and row == half_rows:
            gap = f'<td style="{GAP}">…</td>'
            width = levels + shown.shape[1] + (half_cols is not None)
            body_rows.append(f"<tr>{gap * width}</tr>")
        cells = [
            f'<th scope="row" style="{index_style}">{html.escape(label)}</th>' for label in labels
        ]
        for position, column in enumerate(columns):
            if half_cols is not None and position == half_cols:
                cells.append(f'<td style="{GAP}">…</td>')
            cells.append(column[row])
        body_rows.append(f"<tr>{''.join(cells)}</tr>")

    dimensions = ""
    show = _option("show_dimensions")
    # An empty result (a filter that matched nothing) says so instead of showing a bare header.
    if show is True or (show == "truncate" and (half_rows or half_cols)) or frame.empty:
        rows, cols = frame.shape
        dimensions = f"<p>{rows} rows × {cols} columns</p>"
    return (
        # One row a line, so a stored notebook's diff shows which rows changed.
        f"<div {WRAPPER}><table {TABLE}>\n<thead>\n{''.join(r + chr(10) for r in head_rows)}"
        f"</thead>\n<tbody>\n{''.join(r + chr(10) for r in body_rows)}</tbody>\n</table></div>"
        f"{dimensions}"
    )
