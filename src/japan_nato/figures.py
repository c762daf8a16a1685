"""The course's figures: the Japan-NATO timeline, NATO's partner frameworks, facts by topic.

How notebooks store figures: a figure cell displays the figure as a PNG (each function returns a
matplotlib Figure that renders itself with ``_repr_png_``, whether or not pyplot is loaded) and is
tagged ``nbval-ignore-output``. PNG bytes depend on the matplotlib and FreeType versions and the
fonts installed, and the first matplotlib import on a fresh machine may print a font-cache notice to
stderr; either would make strict nbval fail for reasons that have nothing to do with the course.
So the notebooks keep the picture for readers, nbval only checks that the cell runs, and
tests/test_figures.py checks what matters — the title, axis labels, number of events, bars and
legend entries, and that no labels overlap — from the Figure objects, not from pixels.
matplotlib is imported inside the functions, so ``import japan_nato`` never loads it.
"""

from __future__ import annotations

import functools
import io
import itertools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from japan_nato import data

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
# The two events the course contrasts: the meeting and the article's dateline (timeline ids).
MEETING_EVENT = "T21"
ARTICLE_EVENT = "T22"
# The frameworks the chart shows, by their glossary terms; launch years and sizes come from data.
FRAMEWORK_TERMS = (
    "Partnership for Peace",
    "Euro-Atlantic Partnership Council",
    "Mediterranean Dialogue",
    "Istanbul Cooperation Initiative",
    "partners across the globe",
)

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}
_LAUNCH_WORDS = re.compile(r"\b(launch\w*|set up|start\w*|establish\w*|initiat\w*|creat\w*)\b")
_COUNT = re.compile(
    r"\b(\d+|" + "|".join(_NUMBER_WORDS) + r")\b[- ](?:[A-Za-z]+ ){0,2}?"
    r"(members|countries|partners|states|nations)\b",
    re.IGNORECASE,
)
_ITEM = r"(?:the )?[A-Z][^,.;:]*"
_LISTING = re.compile(rf"\b(?:lists|are|:)\s+((?:{_ITEM}, )+{_ITEM},? and {_ITEM})\.")


@functools.cache
def _figure_class() -> type:
    """A Figure that shows itself as a PNG in Jupyter even when pyplot was never imported."""
    from matplotlib.figure import Figure

    class CourseFigure(Figure):
        """A matplotlib Figure with a PNG repr and a fixed text repr."""

        def _repr_png_(self) -> bytes:
            return _png_bytes(self)

        def __repr__(self) -> str:
            title = self.get_suptitle() or "figure"
            return f"<Figure: {title}>"

    return CourseFigure


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
    return date.year + (date - start).days / days


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


# --------------------------------------------------------------------------- timeline


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
    from matplotlib.lines import Line2D

    events = data.load_timeline() if timeline is None else timeline.copy()
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
    marked_ids = {event["event_id"] for event in marked.values()}
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
    ax.set_ylim(high, low)  # time runs down the page
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
        ax.text(
            0.02,
            middle + 0.2,
            f"{b - a:.0f} years left out",
            fontsize=7.5,
            color="#555555",
            va="center",
        )
    ax.set_ylabel("Year")
    ax.set_title(
        "Each label is linked to its date on the axis; bold: the meeting and the article",
        fontsize=9,
        loc="left",
    )

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
    if zoom:
        zoom_ax = fig.add_axes((left, foot / height, width, zoom_h / height))
        _zoom_panel(zoom_ax, events, marked["meeting"], marked["article"])
    fig.suptitle("Japan and NATO: milestones", fontsize=13, fontweight="bold", y=1 - 0.12 / height)
    return fig


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


# --------------------------------------------------------------------------- frameworks


def framework_table(
    context: pd.DataFrame | None = None,
    glossary: pd.DataFrame | None = None,
    timeline: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """NATO's partner frameworks with launch year and size where the course data states them."""
    context = data.load_context() if context is None else context
    glossary = data.load_glossary() if glossary is None else glossary
    timeline = data.load_timeline() if timeline is None else timeline
    claims = context[context["topic"].astype(str) == "frameworks"]
    partnership_events = timeline[timeline["category"].astype(str) == "partnerships"]
    rows = []
    for term in FRAMEWORK_TERMS:
        match = glossary[glossary["term"].astype(str) == term]
        abbreviation = None
        if len(match) and not pd.isna(match["abbreviation"].iloc[0]):
            abbreviation = str(match["abbreviation"].iloc[0])
        names = [term] + ([abbreviation] if abbreviation else [])
        year, year_source = _launch_year(names, partnership_events, claims)
        members, members_source = _member_count(names, claims)
        rows.append(
            {
                "framework": term,
                "abbreviation": abbreviation,
                "launched": year,
                "launched_source": year_source,
                "members": members,
                "members_source": members_source,
            }
        )
    table = pd.DataFrame(rows)
    table["launched"] = table["launched"].astype("Int64")
    table["members"] = table["members"].astype("Int64")
    return table


def _mentions(text: str, names: list[str]) -> bool:
    return any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text) for n in names)


def _launch_year(
    names: list[str], events: pd.DataFrame, claims: pd.DataFrame
) -> tuple[int | None, str | None]:
    for row in events.sort_values("date").itertuples(index=False):
        if _mentions(str(row.label), names):
            return int(row.date.year), str(row.event_id)
    for row in claims.itertuples(index=False):
        for sentence in re.split(r"(?<=\.)\s+", str(row.claim)):
            year = re.search(r"\b(19|20)\d\d\b", sentence)
            if year and _mentions(sentence, names) and _LAUNCH_WORDS.search(sentence):
                return int(year.group(0)), str(row.context_id)
    return None, None


def _member_count(names: list[str], claims: pd.DataFrame) -> tuple[int | None, str | None]:
    for row in claims.itertuples(index=False):
        claim = str(row.claim)
        if not _mentions(claim, names):
            continue
        for sentence in re.split(r"(?<=\.)\s+", claim):
            found = _COUNT.search(sentence)
            if found and (_mentions(sentence, names) or sentence.startswith("It ")):
                word = found.group(1).lower()
                return (int(word) if word.isdigit() else _NUMBER_WORDS[word]), str(row.context_id)
    for row in claims.itertuples(index=False):
        claim = str(row.claim)
        listing = _LISTING.search(claim)
        if listing and _mentions(claim, names):
            items = re.split(r",\s*(?:and\s+)?|\s+and\s+", listing.group(1))
            return len([i for i in items if i.strip()]), str(row.context_id)
    return None, None


def frameworks_figure() -> Figure:
    """NATO's partner frameworks: when each was launched and how many members it has."""
    table = framework_table()
    fig = _new_figure(4.6)
    grid = fig.add_gridspec(1, 2, width_ratios=[1.25, 1], wspace=0.08, left=0.34, right=0.97)
    ax_year = fig.add_subplot(grid[0])
    ax_size = fig.add_subplot(grid[1], sharey=ax_year)
    positions = list(range(len(table)))
    labels = [
        str(r.framework) if pd.isna(r.abbreviation) else f"{r.framework} ({r.abbreviation})"
        for r in table.itertuples(index=False)
    ]
    known_years = table["launched"].dropna()
    year_low = int(known_years.min()) - 4 if len(known_years) else 1990
    year_high = int(known_years.max()) + 4 if len(known_years) else 2025
    for y, row in zip(positions, table.itertuples(index=False), strict=True):
        if pd.isna(row.launched):
            ax_year.text(
                (year_low + year_high) / 2,
                y,
                "launch year not in the course data",
                ha="center",
                va="center",
                fontsize=8,
                fontstyle="italic",
                color="#555555",
            )
            continue
        ax_year.plot(
            [row.launched],
            [y],
            marker="o",
            markersize=8,
            color=OKABE_ITO["bluish_green"],
            linestyle="none",
            gid=f"launch:{row.framework}",
        )
        ax_year.annotate(
            f"{row.launched}  ({row.launched_source})",
            (row.launched, y),
            xytext=(8, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
        )
    ax_year.set_xlim(year_low, year_high + 6)
    ax_year.set_yticks(positions, labels, fontsize=9)
    ax_year.invert_yaxis()
    ax_year.set_xlabel("Launched (year)")
    ax_year.grid(axis="x", color="#dddddd", linewidth=0.8)
    ax_year.set_axisbelow(True)

    sizes = table["members"]
    largest = int(sizes.max()) if sizes.notna().any() else 1
    for y, row in zip(positions, table.itertuples(index=False), strict=True):
        if pd.isna(row.members):
            ax_size.text(
                largest * 0.05,
                y,
                "no count in the course data",
                va="center",
                fontsize=8,
                fontstyle="italic",
                color="#555555",
            )
            continue
        ax_size.barh(
            [y],
            [row.members],
            color=OKABE_ITO["blue"],
            height=0.55,
            gid=f"members:{row.framework}",
        )
        ax_size.annotate(
            f"{row.members}  ({row.members_source})",
            (row.members, y),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
        )
    ax_size.set_xlim(0, largest * 1.35)
    ax_size.tick_params(axis="y", left=False, labelleft=False)
    ax_size.set_xlabel("Members (as the source counts them)")
    for axis in (ax_year, ax_size):
        for side in ("top", "right"):
            axis.spines[side].set_visible(False)
    fig.suptitle("NATO's partnership frameworks", fontsize=13, fontweight="bold")
    fig.text(
        0.5,
        0.01,
        "In brackets: the row of context.csv or timeline.csv each number comes from. "
        "The EAPC count includes the Allies.",
        ha="center",
        fontsize=8,
        color="#333333",
    )
    fig.subplots_adjust(top=0.88, bottom=0.17)
    return fig


# --------------------------------------------------------------------------- facts


def facts_by_topic_figure(facts: pd.DataFrame | None = None) -> Figure:
    """Horizontal bars: the article's facts per topic, split by kind."""
    facts = data.load_facts() if facts is None else facts
    counts = pd.crosstab(facts["topic"].astype(str), facts["kind"].astype(str))
    kinds = [k for k in KIND_STYLE if k in counts.columns] + sorted(
        k for k in counts.columns if k not in KIND_STYLE
    )
    counts = counts.reindex(columns=kinds, fill_value=0)
    totals = counts.sum(axis=1)
    order = sorted(counts.index, key=lambda topic: (-int(totals[topic]), topic))
    counts = counts.loc[order]

    fig = _new_figure(max(3.5, 0.42 * len(counts) + 1.8))
    ax = fig.add_subplot()
    positions = list(range(len(counts)))
    left = [0] * len(counts)
    for kind in kinds:
        name, colour, hatch = KIND_STYLE.get(kind, (kind, OKABE_ITO["yellow"], "xx"))
        values = [int(v) for v in counts[kind]]
        bars = ax.barh(
            positions,
            values,
            left=left,
            height=0.65,
            color=colour,
            hatch=hatch,
            edgecolor="white",
            linewidth=0.8,
            label=name,
            gid=f"kind:{kind}",
        )
        ax.bar_label(
            bars,
            labels=[str(v) if v else "" for v in values],
            label_type="center",
            fontsize=8.5,
            color="black",
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, total in zip(positions, left, strict=True):
        ax.text(total + 0.1, y, f"{total}", va="center", fontsize=9, fontweight="bold")
    ax.set_yticks(positions, list(counts.index))
    ax.invert_yaxis()
    ax.set_xlim(0, max(left, default=1) + 1)
    ax.set_xlabel("Number of facts in facts.csv")
    ax.set_ylabel("Topic")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(title="Kind of fact", loc="lower right", fontsize=8.5, title_fontsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.suptitle(
        f"The article's {int(totals.sum())} facts by topic and kind",
        fontsize=13,
        fontweight="bold",
    )
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- files


FIGURES = {
    "timeline.png": timeline_figure,
    "frameworks.png": frameworks_figure,
    "facts_by_topic.png": facts_by_topic_figure,
}


def save_all(directory: str | Path) -> list[Path]:
    """Write the three figures as PNGs into directory; return their paths."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in FIGURES.items():
        path = target / name
        path.write_bytes(_png_bytes(make()))
        written.append(path)
    return written
