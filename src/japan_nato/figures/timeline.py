"""The Japan-NATO timeline figure, its zoom panel and its label layout (SVG)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import pandas as pd

from japan_nato.dataset.tables import load_timeline
from japan_nato.figures.style import (
    _MONTHS,
    CATEGORY_STYLE,
    GREY,
    OKABE_ITO,
    WIDTH,
    CourseFigure,
    LegendEntry,
    _date_text,
    _decimal_year,
    draw_legend,
)
from japan_nato.figures.svg import Svg, text_width

# The two events the course contrasts: the meeting and the article's dateline (timeline ids).
MEETING_EVENT = "T21"


ARTICLE_EVENT = "T22"


TITLE = "Japan and NATO: milestones"


# Layout, in pixels of the viewBox.
AXIS_X = 90.0  # the time axis (and the left edge of the zoom panel)
RIGHT = WIDTH - 20.0
ROW = 20.0  # one label row of the main panel
LABEL_SIZE = 11.5
ZOOM_ROW = 26.0


def _spread(targets: list[float], gap: float, low: float, high: float) -> list[float]:
    """Positions closest to the sorted targets, at least gap apart, kept within [low, high]."""
    n = len(targets)
    if n == 0:
        return []
    # With z_i = y_i - i*gap the gap constraint becomes z increasing: isotonic regression (PAV).
    blocks: list[list[float]] = []  # [mean, weight]
    for i, t in enumerate(targets):
        blocks.append([t - i * gap, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean2, w2 = blocks.pop()
            mean1, w1 = blocks.pop()
            blocks.append([(mean1 * w1 + mean2 * w2) / (w1 + w2), w1 + w2])
    z = [mean for mean, weight in blocks for _ in range(int(weight))]
    ys = [z_i + i * gap for i, z_i in enumerate(z)]
    for i in range(n):
        ys[i] = max(ys[i], low + i * gap)
    for i in range(n - 1, -1, -1):
        ys[i] = min(ys[i], high - (n - 1 - i) * gap)
    return ys


class _TimeScale:
    """Decimal years -> axis positions, with long empty stretches shortened to a marked break."""

    def __init__(self, years: list[float], longest: float = 12.0, kept: float = 2.5) -> None:
        distinct = sorted(set(years))
        self.breaks = [(a, b) for a, b in itertools.pairwise(distinct) if b - a > longest]
        self.kept = kept

    def __call__(self, year: float) -> float:
        shift = 0.0
        for a, b in self.breaks:
            if year >= b:
                shift += (b - a) - self.kept
            elif year > a:
                shift += (year - a) * (1 - self.kept / (b - a))
        return year - shift

    def in_break(self, year: float) -> bool:
        return any(a < year < b for a, b in self.breaks)


def timeline_figure(timeline: pd.DataFrame | None = None, *, data_dir: Path) -> CourseFigure:
    """Japan–NATO milestones on a date axis, coloured by category, with the Madrid week zoomed."""
    events = load_timeline(data_dir) if timeline is None else timeline.copy()
    events = events.sort_values(["date", "event_id"], kind="stable").reset_index(drop=True)
    marked = {
        key: events[events["event_id"] == event_id].iloc[0]
        for key, event_id in (("meeting", MEETING_EVENT), ("article", ARTICLE_EVENT))
        if (events["event_id"] == event_id).any()
    }
    zoom = len(marked) == 2

    svg = Svg(WIDTH)
    svg.text(WIDTH / 2, 22, TITLE, 18, anchor="middle", bold=True, role="title")
    _draw_legend(svg, events)
    svg.text(
        AXIS_X,
        80,
        "Each label is linked to its date on the axis; bold: the meeting and the article",
        12,
        role="subtitle",
    )
    svg.text(AXIS_X - 10, 92, "Year", 12, anchor="end", role="axis-label")
    top = 110.0
    bottom = top + max(300.0, ROW * len(events) + 40.0)
    _draw_main_panel(svg, events, {e["event_id"] for e in marked.values()}, top, bottom)
    svg.height = bottom + 20.0
    if zoom:
        svg.height = _zoom_panel(svg, events, marked["meeting"], marked["article"], bottom + 50.0)
    return CourseFigure(TITLE, svg, _timeline_description(events, zoom), _timeline_data(events))


def _draw_main_panel(
    svg: Svg, events: pd.DataFrame, marked_ids: set[str], top: float, bottom: float
) -> None:
    """The time axis with its ticks and breaks, each event's marker, connector and label."""
    years = [_decimal_year(d) for d in events["date"]]
    scale = _TimeScale(years)
    positions = [scale(y) for y in years]
    low = min(positions, default=2000.0) - 1.5
    high = max(positions, default=2000.0) + 1.5

    def to_y(position: float) -> float:
        return top + (position - low) / (high - low) * (bottom - top)

    svg.line(AXIS_X, top, AXIS_X, bottom, "#000000", stroke_width=1)
    ticks = [
        y
        for y in range(int(min(years, default=2000)) // 5 * 5, int(max(years, default=2000)) + 6, 5)
        if low <= scale(y) <= high and not scale.in_break(y)
    ]
    for year in ticks:
        y = to_y(scale(year))
        svg.line(AXIS_X - 5, y, AXIS_X, y, "#000000", stroke_width=1)
        svg.text(AXIS_X - 9, y, str(year), 12, anchor="end", role="tick")
    for a, b in scale.breaks:
        middle = to_y(scale((a + b) / 2))
        for offset in (-4.0, 4.0):
            svg.line(
                AXIS_X - 8,
                middle + offset + 4,
                AXIS_X + 8,
                middle + offset - 4,
                "#000000",
                "break",
                stroke_width=1.5,
            )
        # Right-aligned: on the left the note ran into the label of the first event after it.
        svg.text(
            RIGHT,
            middle,
            f"{b - a:.0f} years left out",
            11,
            anchor="end",
            colour=GREY,
            role="break-note",
        )

    targets = [to_y(p) for p in positions]
    slots = _spread(targets, ROW, top + ROW / 2, bottom - ROW / 2)
    for event, y, slot in zip(events.itertuples(index=False), targets, slots, strict=True):
        _, colour, shape = _category_style(event.category)
        after = bool(getattr(event, "after_article", False))
        svg.polyline(
            [(AXIS_X, y), (AXIS_X + 30, slot), (AXIS_X + 58, slot)],
            colour,
            f"connector:{event.event_id}",
            stroke_width=1,
            stroke_opacity=0.85,
        )
    for event, y in zip(events.itertuples(index=False), targets, strict=True):
        _, colour, shape = _category_style(event.category)
        after = bool(getattr(event, "after_article", False))
        svg.marker(shape, AXIS_X, y, 9, colour, filled=not after, role=f"event:{event.event_id}")
    for event, slot in zip(events.itertuples(index=False), slots, strict=True):
        after = bool(getattr(event, "after_article", False))
        date = _date_text(event.date, str(getattr(event, "precision", "day")))
        svg.text(
            AXIS_X + 64,
            slot,
            f"{date}   {event.label}",
            LABEL_SIZE,
            bold=event.event_id in marked_ids,
            italic=after,
            role=f"label:{event.event_id}",
        )


def _draw_legend(svg: Svg, events: pd.DataFrame) -> None:
    """Draw the legend of the categories present, and the after-the-article style."""
    present = set(events["category"].astype(str))
    entries = [
        LegendEntry(name, colour, marker)
        for category, (name, colour, marker) in CATEGORY_STYLE.items()
        if category in present
    ]
    entries.append(LegendEntry("after the article (italic)", OKABE_ITO["black"], "o", False))
    draw_legend(svg, entries, 50, 20, RIGHT, "legend", 13)


def _timeline_description(events: pd.DataFrame, zoom: bool) -> str:
    """One or two sentences that say what the timeline shows."""
    if not len(events):
        return "An empty timeline: no events."
    first, last = events["date"].iloc[0].year, events["date"].iloc[-1].year
    text = (
        f"A timeline of {len(events)} Japan–NATO milestones from {first} to {last}, "
        "coloured and shaped by category (Japan–NATO, NATO, NATO partnerships)."
    )
    if zoom:
        text += " A lower panel zooms in on the week from the Madrid meeting to the article."
    return text


def _timeline_data(events: pd.DataFrame) -> pd.DataFrame:
    """The timeline's events as a table: date (as written), category, event."""
    precision = events["precision"] if "precision" in events else ["day"] * len(events)
    return pd.DataFrame(
        {
            "date": [_date_text(d, str(p)) for d, p in zip(events["date"], precision, strict=True)],
            "category": [_category_style(c)[0] for c in events["category"]],
            "event": events["label"].astype(str).tolist(),
        }
    )


def _category_style(category: object) -> tuple[str, str, str]:
    return CATEGORY_STYLE.get(str(category), (str(category), OKABE_ITO["black"], "D"))


def _zoom_panel(svg: Svg, events: pd.DataFrame, meeting: Any, article: Any, y0: float) -> float:
    """The days around the meeting and the article, with both dates marked; return the bottom."""
    first, last = sorted([meeting["date"], article["date"]])
    start, end = first - pd.Timedelta(days=2), last + pd.Timedelta(days=5)
    window = events[(events["date"] >= start) & (events["date"] <= end)]
    per_day = window.groupby("date").size()
    levels = int(per_day.max()) if len(per_day) else 1

    svg.text(
        AXIS_X,
        y0,
        f"Zoom: the meeting and the article's dateline are {(last - first).days} days apart",
        13,
        role="zoom-title",
    )
    marks = (
        ("meeting", meeting, "", OKABE_ITO["orange"]),
        ("article's dateline", article, "7 4", OKABE_ITO["reddish_purple"]),
    )
    entries = [
        LegendEntry(f"{role}: {_date_text(event['date'])}", colour, dash=dash)
        for role, event, dash, colour in marks
    ]
    legend_y = draw_legend(svg, entries, y0 + 26, AXIS_X, RIGHT, "zoom-legend", 12)
    top = legend_y + 22
    bottom = top + levels * ZOOM_ROW
    span = float((end - start).days) + 0.3

    def to_x(date: pd.Timestamp) -> float:
        return AXIS_X + (float((date - start).days) + 0.3) / span * (RIGHT - AXIS_X)

    for _, event, dash, colour in marks:
        x = to_x(event["date"])
        svg.line(
            x,
            top - 6,
            x,
            bottom,
            colour,
            f"mark:{event['event_id']}",
            stroke_width=2.5,
            stroke_dasharray=dash or None,
        )
    level: dict[pd.Timestamp, int] = {}
    for event in window.itertuples(index=False):
        # The first event of a day at the top, so each column reads downwards in id order.
        y = top + ZOOM_ROW * (level.get(event.date, 0) + 0.5)
        level[event.date] = level.get(event.date, 0) + 1
        _, colour, shape = _category_style(event.category)
        x = to_x(event.date)
        svg.marker(shape, x, y, 8, colour, role=f"zoom:{event.event_id}")
        svg.text(x + 8, y, str(event.label), 11, role=f"zoom-label:{event.event_id}")

    svg.line(AXIS_X, bottom, RIGHT, bottom, "#000000", stroke_width=1)
    days = list(pd.date_range(start, end, freq="D"))
    spacing = (RIGHT - AXIS_X) / span
    step = max(1, math.ceil((text_width("30 Jun", 11) + 8) / spacing))
    for day in days[::step]:
        x = to_x(day)
        svg.line(x, bottom, x, bottom + 5, "#000000", stroke_width=1)
        svg.text(
            x,
            bottom + 16,
            f"{day.day} {_MONTHS[day.month - 1]}",
            11,
            anchor="middle",
            role="zoom-tick",
        )
    svg.text(
        (AXIS_X + RIGHT) / 2,
        bottom + 38,
        f"Date ({first.year})",
        12,
        anchor="middle",
        role="zoom-axis-label",
    )
    return bottom + 56
