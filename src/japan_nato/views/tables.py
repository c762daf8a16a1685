"""Every DataFrame a notebook shows, as a learner table (the HTML is table_html.py's)."""

from __future__ import annotations

import sys

import pandas as pd

from japan_nato.table_html import MISSING, table_html

__all__ = ["MISSING", "frame_html", "install"]


def frame_html(frame: pd.DataFrame) -> str | None:
    """Return the learner-readable HTML table of a DataFrame (None when HTML repr is off)."""
    if type(frame)._repr_html_ is not pd.DataFrame._repr_html_:
        return frame._repr_html_()  # a subclass with its own table (e.g. progress()) keeps it
    if not pd.get_option("display.notebook_repr_html"):
        return None
    return table_html(frame)


def install() -> bool:
    """Show DataFrames as learner tables in the running IPython shell; True if installed."""
    if "IPython" not in sys.modules:
        return False  # not in a notebook or IPython: nothing to install into
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return False
    formatter = shell.display_formatter.formatters["text/html"]
    if formatter.type_printers.get(pd.DataFrame) is not _printer:
        formatter.for_type(pd.DataFrame, _printer)
    return True


def _printer(frame: pd.DataFrame) -> str | None:
    """frame_html, or pandas' own table should a frame ever defeat it: a table is always shown."""
    try:
        return frame_html(frame)
    except Exception:  # noqa: BLE001 - the learner's frame, whatever it holds, must display
        return pd.DataFrame._repr_html_(frame)
