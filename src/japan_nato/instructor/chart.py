"""The report's chart: percent correct per question, one panel per notebook (an SVG file)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from japan_nato.figures.style import OKABE_ITO, LegendEntry, draw_legend
from japan_nato.figures.svg import Svg, text_width
from japan_nato.instructor.text_table import safe_text

if TYPE_CHECKING:
    import pandas as pd

    from japan_nato.instructor.report import Report

# Labels longer than this are cut in the chart, so one huge id cannot squeeze the bars.
_MAX_LABEL = 40
# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
_BLUE, _ORANGE = OKABE_ITO["blue"], OKABE_ITO["orange"]
WIDTH = 1000.0
_LEFT, _RIGHT = 70.0, WIDTH - 20.0
_STRIPES = (
    '<pattern id="jn-eventually" width="8" height="8" patternUnits="userSpaceOnUse" '
    f'patternTransform="rotate(45)"><rect x="0" y="0" width="8" height="8" fill="{_ORANGE}"/>'
    '<rect x="0" y="0" width="2" height="8" fill="#000000"/></pattern>'
)


def _chart_label(text: str) -> str:
    """A chart label: no control characters, one line, cut to _MAX_LABEL."""
    text = " ".join(safe_text(text).split())
    if len(text) > _MAX_LABEL:
        text = text[: _MAX_LABEL - 1] + "…"
    return text


def plot(report: Report, path: str | Path) -> Path:
    """Write percent correct per question as an SVG file, one panel per notebook; return its path.

    A name that does not end in .svg gets that suffix instead (the chart is always SVG).
    """
    target = Path(path)
    if target.suffix.lower() != ".svg":
        target = target.with_suffix(".svg")
    target.write_text(chart_drawing(report).render(), encoding="utf-8")
    return target


def chart_drawing(report: Report) -> Svg:
    """The report's chart as a drawing (`.render()` gives the SVG text)."""
    table = report.per_question[report.per_question["learners"] > 0]
    banks = list(dict.fromkeys(table["bank"]))
    svg = Svg(WIDTH)
    svg.defs.append(_STRIPES)
    y = 26.0
    if report.name_warnings:
        svg.text(
            WIDTH / 2,
            y,
            "WARNING: some names may merge several learners (see the report)",
            16,
            anchor="middle",
            bold=True,
            colour=OKABE_ITO["vermillion"],
            role="warning",
        )
        y += 26
    title = f"Percent correct per question ({report.learners} learner(s))"
    svg.text(WIDTH / 2, y, title, 16, anchor="middle", bold=True, role="title")
    y += 30
    if not banks:
        svg.text(WIDTH / 2, y + 60, "No answers in the exports", 14, anchor="middle", role="empty")
        svg.height = y + 120
        return svg
    # Bounded: the whole course (seven notebooks) fits in about 1,500 pixels.
    panel = max(110.0, min(190.0, 1330.0 / len(banks)))
    for bank in banks:
        _panel(svg, table[table["bank"] == bank], _chart_label(str(bank)), y, panel)
        y += panel
    svg.text(
        (_LEFT + _RIGHT) / 2,
        y + 4,
        "Question, numbered in course order (Q1 = the notebook's first)",
        12,
        anchor="middle",
        role="axis-label",
    )
    entries = [
        LegendEntry("at the first attempt", _BLUE, fill=_BLUE),
        LegendEntry("eventually", _ORANGE, fill="url(#jn-eventually)"),
    ]
    svg.text(WIDTH / 2, y + 30, "Correct", 12, anchor="middle", bold=True, role="legend-title")
    svg.height = draw_legend(svg, entries, y + 52, _LEFT, _RIGHT, "legend", 12) + 22
    return svg


def _panel(svg: Svg, part: pd.DataFrame, bank: str, top: float, height: float) -> None:
    """One notebook's panel: its title, the 0-100 % axis and two bars per question."""
    svg.text(_LEFT, top + 8, f"Notebook {bank}", 13, role="panel-title")
    svg.text(_LEFT - 8, top + 8, "% correct", 11, anchor="end", role="axis-label")
    plot_top, plot_bottom = top + 40, top + height - 40

    def to_y(percent: float) -> float:
        return plot_bottom - percent / 100 * (plot_bottom - plot_top)

    for percent in range(0, 101, 25):
        y = to_y(percent)
        svg.line(_LEFT, y, _RIGHT, y, "#bbbbbb", stroke_width=1, stroke_dasharray="2 3")
        svg.text(_LEFT - 8, y, f"{percent}%", 11, anchor="end", role="tick")
    svg.line(_LEFT, plot_bottom, _RIGHT, plot_bottom, "#000000", stroke_width=1)
    slot = (_RIGHT - _LEFT) / max(len(part), 1)
    bar = 0.38 * slot
    labelled = len(part) <= 12 and text_width("100%", 10) <= bar + 4
    step = max(1, math.ceil((text_width(f"Q{len(part)}", 11) + 6) / slot))
    rows = zip(part["number"], part["percent_correct"], part["percent_eventually"], strict=True)
    for i, (number, first, eventually) in enumerate(rows):
        middle = _LEFT + slot * (i + 0.5)
        for x, value, fill, role in (
            (middle - bar, first, _BLUE, "first"),
            (middle, eventually, "url(#jn-eventually)", "eventually"),
        ):
            value = 0.0 if value != value else float(value)  # NaN: no answers, no bar
            svg.rect(
                x,
                to_y(value),
                bar,
                plot_bottom - to_y(value),
                fill,
                f"bar:{role}",
                stroke="#000000" if role == "eventually" else None,
                stroke_width=0.5,
            )
            if labelled:
                # Printed values: the chart can be read without telling the colours apart.
                svg.text(
                    x + bar / 2, to_y(value) - 9, f"{value:.0f}%", 10, anchor="middle", role="value"
                )
        if i % step == 0:
            svg.text(middle, plot_bottom + 14, f"Q{number}", 11, anchor="middle", role="question")
