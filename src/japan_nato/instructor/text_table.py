"""Plain text for instructors' terminals: tables and notes in 80 columns, no control codes."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import cast

import pandas as pd


def safe_text(value: object) -> str:
    """Return value as text without control characters (ESC, BEL, C1, bidi overrides).

    Exports come from learners: a raw ESC or OSC sequence could retitle or clear the
    instructor's terminal, hide rows or write the clipboard.
    """
    text = str(value)
    return "".join(
        " " if char in "\t\n\r" else char
        for char in text
        if unicodedata.category(char) not in ("Cc", "Cf") or char in "\t\n\r"
    )


def bullet(text: str, width: int = 80, mark: str = "- ") -> str:
    """Return text wrapped to width as one list item (words never broken)."""
    import textwrap

    return textwrap.fill(
        text,
        width,
        initial_indent=mark,
        subsequent_indent=" " * len(mark),
        break_long_words=False,
    )


def format_table(frame: pd.DataFrame, *, percent: Iterable[str] = (), max_width: int = 60) -> str:
    """Return frame as a plain-text table: text left-aligned, numbers right-aligned."""
    if frame.empty:
        return "  (none)"
    percent = set(percent)
    columns = list(frame.columns)
    cells: list[list[str]] = [[str(column) for column in columns]]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) or c in percent for c in columns]
    for row in frame.itertuples(index=False):
        line = []
        for column, value in zip(columns, row, strict=True):
            line.append(_cell(value, column in percent, max_width))
        cells.append(line)
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    lines = []
    for row in cells:
        padded = [
            value.rjust(width) if right else value.ljust(width)
            for value, width, right in zip(row, widths, numeric, strict=True)
        ]
        lines.append("  " + "  ".join(padded).rstrip())
    lines.insert(1, "  " + "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _cell(value: object, is_percent: bool, max_width: int) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "-"
    if is_percent:
        return f"{float(cast(float, value)):.0f}%"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = " ".join(safe_text(value).split()) or "-"
    return text if len(text) <= max_width else text[: max_width - 1] + "…"
