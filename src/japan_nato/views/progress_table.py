"""progress() as a learner reads it: notebook, answered, correct, percent, a done mark."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

DONE = "✓ done"


def _rows(frame: pd.DataFrame) -> list[dict[str, str]]:
    """One display row per bank: notebook title (numbered), answered, correct with percent."""
    rows = []
    for record in frame.to_dict("records"):
        total = int(record["questions"])
        correct = int(record["correct"])
        number = str(record["bank"]).split("_", 1)[0]
        percent = round(100 * correct / total) if total else 0
        rows.append(
            {
                "Notebook": f"{number} · {record['title']}",
                "Answered": f"{int(record['attempted'])} of {total}",
                "Correct": f"{correct} of {total} ({percent} %)",
                "Done": DONE if total and correct == total else "",
            }
        )
    return rows


def progress_text(frame: pd.DataFrame) -> str:
    """Return the progress table as aligned plain text (no index, no slug)."""
    rows = _rows(frame)
    if not rows:
        return "Your progress: no quizzes found."
    heads = list(rows[0])
    widths = {h: max(len(h), *(len(r[h]) for r in rows)) for h in heads}
    lines = ["Your progress", "  ".join(h.ljust(widths[h]) for h in heads).rstrip()]
    lines += ["  ".join(r[h].ljust(widths[h]) for h in heads).rstrip() for r in rows]
    return "\n".join(lines)


def progress_html(frame: pd.DataFrame) -> str:
    """Return the progress table as a small left-aligned HTML table that wraps on narrow screens."""
    rows = _rows(frame)
    cell = 'style="text-align: left; padding: 2px 10px 2px 0; vertical-align: top"'
    head = "".join(f'<th scope="col" {cell}>{h}</th>' for h in (rows[0] if rows else ()))
    body = "".join(
        "<tr>" + "".join(f"<td {cell}>{html.escape(v)}</td>" for v in r.values()) + "</tr>"
        for r in rows
    )
    return (
        '<div class="jn-progress" style="max-width: 100%; overflow-x: auto">'
        '<table style="border-collapse: collapse; table-layout: auto; max-width: 100%">'
        f'<caption style="text-align: left; font-weight: bold">Your progress</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


class ProgressTable(pd.DataFrame):
    """The progress DataFrame (same columns), shown to a learner as a friendly table."""

    @property
    def _constructor(self) -> Any:
        return pd.DataFrame  # slices and computations are plain DataFrames again

    def _repr_html_(self) -> str:
        return progress_html(self)

    def __repr__(self) -> str:
        return progress_text(self)
