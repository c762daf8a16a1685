"""The Japan-NATO timeline figure, its zoom panel and its label layout."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure
from japan_nato.dataset.tables import load_timeline
from japan_nato.figures.style import (
    _MONTHS,
    CATEGORY_STYLE,
    OKABE_ITO,
    _date_text,
    _decimal_year,
    _new_figure,
    describe,
)

# The two events the course contrasts: the meeting and the article's dateline (timeline ids).
MEETING_EVENT = "T21"


ARTICLE_EVENT = "T22"


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


def timeline_figure(timeline: pd.DataFrame | None = None) -> Figure:
    """Japan–NATO milestones on a date axis, coloured by category, with the Madrid week zoomed."""
    events = load_timeline() if timeline is None else timeline.copy()
    events = events.sort_values(["date", "event_id"], kind="stable").reset_index(drop=True)
    marked = {
        key: events[events["event_id"] == event_id].iloc[0]
        for key, event_id in (("meeting", MEETING_EVENT), ("article", ARTICLE_EVENT))
        if (events["event_id"] == event_id).any()
    }
    zoom = len(marked) == 2

    # Layout in inches, so a label row is the same height whatever the number of events.
    row = 0.2
    main_h = max(3.0, row * len(events) + 0.4)
    zoom_h = 2.0 if zoom else 0.0
    head, between, foot = 1.25, (0.95 if zoom else 0.0), 0.55
    height = head + main_h + between + zoom_h + foot
    fig = _new_figure(height)
    left, width = 0.1, 0.88
    ax = fig.add_axes((left, (foot + zoom_h + between) / height, width, main_h / height))

    years = [_decimal_year(d) for d in events["date"]]
    scale = _TimeScale(years)
    positions = [scale(y) for y in years]
    low = min(positions, default=2000.0) - 1.5
    high = max(positions, default=2000.0) + 1.5
    gap = row * (high - low) / main_h
    slots = _spread(positions, gap, low + gap / 2, high - gap / 2)
    _draw_events(ax, events, positions, slots, {e["event_id"] for e in marked.values()})
    ax.set_ylim(high, low)  # time runs down the page
    _draw_time_axis(ax, scale, years, low, high)
    ax.set_ylabel("Year")
    ax.set_title(
        "Each label is linked to its date on the axis; bold: the meeting and the article",
        fontsize=9,
        loc="left",
    )

    _draw_legend(fig, events, height)
    if zoom:
        zoom_ax = fig.add_axes((left, foot / height, width, zoom_h / height))
        _zoom_panel(zoom_ax, events, marked["meeting"], marked["article"])
    fig.suptitle("Japan and NATO: milestones", fontsize=13, fontweight="bold", y=1 - 0.12 / height)
    return describe(fig, _timeline_description(events, zoom), _timeline_data(events))


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


def _draw_events(
    ax: Any, events: pd.DataFrame, positions: list[float], slots: list[float], marked_ids: set[str]
) -> None:
    """Draw each event's marker on the axis, its connector and its label in its slot."""
    for event, position, slot in zip(events.itertuples(index=False), positions, slots, strict=True):
        _, colour, marker = _category_style(event.category)
        after = bool(getattr(event, "after_article", False))
        ax.plot(
            [0.0, 0.035, 0.07],
            [position, slot, slot],
            color=colour,
            linewidth=0.8,
            alpha=0.8,
            gid=f"connector:{event.event_id}",
        )
        ax.plot(
            [0.0],
            [position],
            marker=marker,
            markersize=7,
            color=colour,
            markerfacecolor="white" if after else colour,
            markeredgewidth=1.4,
            linestyle="none",
            gid=f"event:{event.event_id}",
            clip_on=False,
            zorder=3,
        )
        ax.text(
            0.08,
            slot,
            f"{_date_text(event.date, str(getattr(event, 'precision', 'day')))}   {event.label}",
            va="center",
            ha="left",
            fontsize=8.5,
            fontweight="bold" if event.event_id in marked_ids else "normal",
            fontstyle="italic" if after else "normal",
            gid=f"label:{event.event_id}",
        )


def _draw_time_axis(
    ax: Any, scale: _TimeScale, years: list[float], low: float, high: float
) -> None:
    """Draw the year axis with its ticks and the marks of the left-out stretches."""
    ax.set_xlim(0.0, 1.0)
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_position(("data", 0.0))
    ticks = [
        y
        for y in range(int(min(years, default=2000)) // 5 * 5, int(max(years, default=2000)) + 6, 5)
        if low <= scale(y) <= high and not scale.in_break(y)
    ]
    ax.set_yticks([scale(y) for y in ticks], [str(y) for y in ticks])
    for a, b in scale.breaks:
        middle = scale((a + b) / 2)
        ax.plot([-0.012, 0.012], [middle - 0.25, middle + 0.25], color="black", clip_on=False)
        ax.plot([-0.012, 0.012], [middle + 0.15, middle + 0.65], color="black", clip_on=False)
        # Right-aligned: on the left the note ran into the label of the first event after it.
        ax.text(
            0.99,
            middle + 0.2,
            f"{b - a:.0f} years left out",
            fontsize=7.5,
            color="#555555",
            va="center",
            ha="right",
        )


def _draw_legend(fig: Figure, events: pd.DataFrame, height: float) -> None:
    """Draw the legend of the categories present, and the after-the-article style."""
    from matplotlib.lines import Line2D

    present = set(events["category"].astype(str))
    handles = [
        Line2D([], [], color=colour, marker=marker, linestyle="none", markersize=7, label=name)
        for category, (name, colour, marker) in CATEGORY_STYLE.items()
        if category in present
    ]
    handles.append(
        Line2D(
            [],
            [],
            color=OKABE_ITO["black"],
            marker="o",
            markerfacecolor="white",
            linestyle="none",
            markersize=7,
            label="after the article (italic)",
        )
    )
    fig.legend(
        handles=handles,
        loc="upper center",
        ncol=len(handles),
        fontsize=9,
        frameon=False,
        bbox_to_anchor=(0.5, 1 - 0.5 / height),
    )


def _category_style(category: object) -> tuple[str, str, str]:
    return CATEGORY_STYLE.get(str(category), (str(category), OKABE_ITO["black"], "D"))


def _zoom_panel(ax: Any, events: pd.DataFrame, meeting: Any, article: Any) -> None:
    """The days around the meeting and the article, with both dates marked."""
    first, last = sorted([meeting["date"], article["date"]])
    start, end = first - pd.Timedelta(days=2), last + pd.Timedelta(days=5)
    window = events[(events["date"] >= start) & (events["date"] <= end)]
    per_day = window.groupby("date").size()
    top = int(per_day.max()) if len(per_day) else 1

    def day(date: pd.Timestamp) -> float:
        return float((date - start).days)

    level: dict[pd.Timestamp, int] = {}
    for event in window.itertuples(index=False):
        # The first event of a day at the top, so each column reads downwards in id order.
        y = top - 1 - level.get(event.date, 0)
        level[event.date] = level.get(event.date, 0) + 1
        _, colour, marker = _category_style(event.category)
        ax.plot(
            [day(event.date)],
            [y],
            marker=marker,
            color=colour,
            markersize=6,
            linestyle="none",
            gid=f"zoom:{event.event_id}",
        )
        ax.text(day(event.date) + 0.15, y, event.label, va="center", fontsize=8)
    for role, event, style, colour in (
        ("meeting", meeting, "-", OKABE_ITO["orange"]),
        ("article's dateline", article, "--", OKABE_ITO["reddish_purple"]),
    ):
        ax.axvline(
            day(event["date"]),
            color=colour,
            linestyle=style,
            linewidth=2,
            label=f"{role}: {_date_text(event['date'])}",
            zorder=0,
            gid=f"mark:{event['event_id']}",
        )
    ax.set_ylim(-0.7, top - 0.3)
    ax.set_yticks([])
    ax.set_xlim(-0.3, day(end))
    ticks = pd.date_range(start, end, freq="D")
    ax.set_xticks([day(t) for t in ticks], [f"{t.day} {_MONTHS[t.month - 1]}" for t in ticks])
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel(f"Date ({first.year})")
    ax.set_title(
        f"Zoom: the meeting and the article's dateline are {(last - first).days} days apart",
        fontsize=10,
        loc="left",
    )
    ax.legend(loc="lower right", fontsize=8, framealpha=1)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
