"""Shared figure style: the Okabe-Ito palette, the course Figure class, PNG bytes."""

from __future__ import annotations

import functools
import io
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure


# Okabe & Ito (2008), a palette that stays distinct under the common colour-vision deficiencies.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}


WIDTH = 9.0  # inches: fills a notebook's output area without being scaled down much


DPI = 100


PNG_METADATA = {"Software": None}  # no version string, so the PNGs do not change with matplotlib


# Each category gets a colour and a marker shape, so colour is never the only cue.
CATEGORY_STYLE = {
    "japan_nato": ("Japan–NATO", OKABE_ITO["vermillion"], "o"),
    "nato": ("NATO", OKABE_ITO["blue"], "s"),
    "partnerships": ("NATO partnerships", OKABE_ITO["bluish_green"], "^"),
}


KIND_STYLE = {
    "setting": ("setting (where and when)", OKABE_ITO["orange"], ".."),
    "report": ("report (from the meeting)", OKABE_ITO["blue"], ""),
    "background": ("background (older joint texts)", OKABE_ITO["sky_blue"], "//"),
}


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@functools.cache
def _figure_class() -> type[Figure]:
    """A Figure that shows itself as a PNG in Jupyter even when pyplot was never imported."""
    from matplotlib.figure import Figure

    class CourseFigure(Figure):
        """A matplotlib Figure with a PNG repr, a text description and its data as a table."""

        description: str = ""
        data: pd.DataFrame | None = None

        def _repr_png_(self) -> bytes:
            return _png_bytes(self)

        def _repr_html_(self) -> str:
            return figure_html(self)

        def __repr__(self) -> str:
            title = self.get_suptitle() or "figure"
            if self.description:
                return f"Figure: {title}. {self.description}"
            return f"<Figure: {title}>"

    return CourseFigure


def describe(fig: Figure, description: str, data: pd.DataFrame) -> Figure:
    """Give a figure its text alternative: a short description and the data it draws."""
    fig.description = description  # type: ignore[attr-defined]
    fig.data = data  # type: ignore[attr-defined]
    return fig


def figure_html(fig: Figure) -> str:
    """Return the figure as an <img> with its description as alt text, and a data table."""
    import base64
    import html

    title = html.escape(fig.get_suptitle() or "Figure")
    description = html.escape(getattr(fig, "description", "") or title, quote=True)
    png = base64.b64encode(_png_bytes(fig)).decode("ascii")
    data = getattr(fig, "data", None)
    table = ""
    if data is not None:
        frame = data.astype(object).where(data.notna(), "—")
        table = (
            '<details class="jn-figure-data"><summary>Read the data of this figure as a table'
            "</summary>" + frame.to_html(index=False, border=0, escape=True) + "</details>"
        )
    return (
        f'<figure class="jn-figure" style="margin: 0"><img src="data:image/png;base64,{png}" '
        f'alt="{description}" style="max-width: 100%; height: auto">'
        f"<figcaption>{description}</figcaption>{table}</figure>"
    )


def _new_figure(height: float) -> Figure:
    return _figure_class()(figsize=(WIDTH, height), dpi=DPI)


def _png_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata=PNG_METADATA, facecolor="white")
    return buffer.getvalue()


def _date_text(date: pd.Timestamp, precision: str = "day") -> str:
    # Built by hand: strftime's month names follow the locale, and outputs must not.
    month = _MONTHS[date.month - 1]
    return f"{month} {date.year}" if precision == "month" else f"{date.day} {month} {date.year}"


def _decimal_year(date: pd.Timestamp) -> float:
    start = pd.Timestamp(year=date.year, month=1, day=1)
    days = (pd.Timestamp(year=date.year + 1, month=1, day=1) - start).days
    return float(date.year + (date - start).days / days)
