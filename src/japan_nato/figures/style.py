"""Shared figure style: the Okabe-Ito palette, category and kind styles, the course Figure."""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field

import pandas as pd

from japan_nato.figures.svg import Svg
from japan_nato.table_html import table_html

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


WIDTH = 900  # the width of every figure's viewBox, in pixels: about a notebook's output area


GREY = "#555555"


# Each category gets a colour and a marker shape, so colour is never the only cue.
CATEGORY_STYLE = {
    "japan_nato": ("Japan–NATO", OKABE_ITO["vermillion"], "o"),
    "nato": ("NATO", OKABE_ITO["blue"], "s"),
    "partnerships": ("NATO partnerships", OKABE_ITO["bluish_green"], "^"),
}


# Each kind gets a colour and a fill pattern ("" solid, ".." dots, "//" stripes, "xx" cross).
KIND_STYLE = {
    "setting": ("setting (where and when)", OKABE_ITO["orange"], ".."),
    "report": ("report (from the meeting)", OKABE_ITO["blue"], ""),
    "background": ("background (older joint texts)", OKABE_ITO["sky_blue"], "//"),
}


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class CourseFigure:
    """A course figure: its drawing, a text description and its data as a table."""

    title: str
    drawing: Svg
    description: str = ""
    data: pd.DataFrame | None = None
    _svg: str | None = field(default=None, repr=False)

    @property
    def svg(self) -> str:
        """The SVG text, rendered once and kept."""
        if self._svg is None:
            self._svg = self.drawing.render()
        return self._svg

    def _repr_html_(self) -> str:
        return figure_html(self)

    def __repr__(self) -> str:
        if self.description:
            return f"Figure: {self.title}. {self.description}"
        return f"<Figure: {self.title}>"


def figure_html(fig: CourseFigure) -> str:
    """Return the figure as an <img> with its description as alt text, and a data table."""
    description = html.escape(fig.description or fig.title, quote=True)
    # An <img> with a data URI: JupyterLab's sanitizer keeps it in untrusted notebooks, where it
    # strips inline <svg> and refuses image/svg+xml outputs.
    encoded = base64.b64encode(fig.svg.encode("utf-8")).decode("ascii")
    table = ""
    if fig.data is not None:
        table = (
            '<details class="jn-figure-data"><summary>Read the data of this figure as a table'
            "</summary>" + table_html(fig.data, index=False, whole=True) + "</details>"
        )
    return (
        f'<figure class="jn-figure" style="margin: 0">'
        f'<img src="data:image/svg+xml;base64,{encoded}" alt="{description}" '
        f'style="width: 100%; max-width: {fig.drawing.width}px; height: auto">'
        f"<figcaption>{description}</figcaption>{table}</figure>"
    )


def _date_text(date: pd.Timestamp, precision: str = "day") -> str:
    # Built by hand: strftime's month names follow the locale, and outputs must not.
    month = _MONTHS[date.month - 1]
    return f"{month} {date.year}" if precision == "month" else f"{date.day} {month} {date.year}"


def _decimal_year(date: pd.Timestamp) -> float:
    start = pd.Timestamp(year=date.year, month=1, day=1)
    days = (pd.Timestamp(year=date.year + 1, month=1, day=1) - start).days
    return float(date.year + (date - start).days / days)


@dataclass(frozen=True)
class LegendEntry:
    """One legend entry: its label and how its swatch is drawn."""

    label: str
    colour: str
    marker: str = ""  # a marker shape, or "" for a line or a filled box
    filled: bool = True
    dash: str = ""  # for a line swatch: "" solid, else an SVG dash array
    fill: str = ""  # for a box swatch: a fill (a colour or a pattern url)


def draw_legend(
    svg: Svg,
    entries: list[LegendEntry],
    y: float,
    left: float,
    right: float,
    role: str,
    size: float,
) -> float:
    """Draw entries in rows centred between left and right, from y down; return the last row's y."""
    from japan_nato.figures.svg import text_width

    gap = 1.6 * size
    swatches = [(1.2 if e.marker else 2.2) * size for e in entries]
    widths = [
        s + 0.5 * size + text_width(e.label, size) for s, e in zip(swatches, entries, strict=True)
    ]
    rows: list[list[int]] = [[]]
    used = 0.0
    for i, width in enumerate(widths):
        if rows[-1] and used + gap + width > right - left:
            rows.append([])
            used = 0.0
        used += (gap if rows[-1] else 0.0) + width
        rows[-1].append(i)
    for number, row in enumerate(rows):
        row_y = y + number * 1.7 * size
        total = sum(widths[i] for i in row) + gap * (len(row) - 1)
        x = (left + right - total) / 2
        for i in row:
            entry, swatch = entries[i], swatches[i]
            middle = x + swatch / 2
            if entry.marker:
                svg.marker(
                    entry.marker,
                    middle,
                    row_y,
                    0.75 * size,
                    entry.colour,
                    entry.filled,
                    role + "-mark",
                )
            elif entry.fill:
                svg.rect(
                    x,
                    row_y - 0.45 * size,
                    swatch,
                    0.9 * size,
                    entry.fill,
                    role + "-mark",
                    stroke="#ffffff",
                    stroke_width=0.8,
                )
            else:
                svg.line(
                    x,
                    row_y,
                    x + swatch,
                    row_y,
                    entry.colour,
                    role + "-mark",
                    stroke_width=2.5,
                    stroke_dasharray=entry.dash or None,
                )
            svg.text(x + swatch + 0.5 * size, row_y, entry.label, size, role=role)
            x += widths[i] + gap
    return y + (len(rows) - 1) * 1.7 * size
