"""The partner-frameworks figure (from the article's claims) and facts by topic (SVG)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from japan_nato.dataset.tables import load_context, load_facts, load_glossary, load_timeline
from japan_nato.figures.style import (
    GREY,
    KIND_STYLE,
    OKABE_ITO,
    WIDTH,
    CourseFigure,
    LegendEntry,
    draw_legend,
)
from japan_nato.figures.svg import Svg, text_width

# The frameworks the chart shows, by their glossary terms; launch years and sizes come from data.
FRAMEWORK_TERMS = (
    "Partnership for Peace",
    "Euro-Atlantic Partnership Council",
    "Mediterranean Dialogue",
    "Istanbul Cooperation Initiative",
    "partners across the globe",
)


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


def framework_table(
    context: pd.DataFrame | None = None,
    glossary: pd.DataFrame | None = None,
    timeline: pd.DataFrame | None = None,
    *,
    data_dir: Path,
) -> pd.DataFrame:
    """NATO's partner frameworks with launch year and size where the course data states them."""
    context = load_context(data_dir) if context is None else context
    glossary = load_glossary(data_dir) if glossary is None else glossary
    timeline = load_timeline(data_dir) if timeline is None else timeline
    frameworks = context[context["topic"].astype(str) == "frameworks"]
    claims = list(
        zip(frameworks["claim"].astype(str), frameworks["context_id"].astype(str), strict=True)
    )
    partnerships = timeline[timeline["category"].astype(str) == "partnerships"].sort_values("date")
    # (label, date, id), earliest first: plain tuples, read once for all five frameworks.
    events = [
        (str(label), date, str(event_id))
        for label, date, event_id in zip(
            partnerships["label"], partnerships["date"], partnerships["event_id"], strict=True
        )
    ]
    rows = []
    for term in FRAMEWORK_TERMS:
        match = glossary[glossary["term"].astype(str) == term]
        abbreviation = None
        if len(match) and not pd.isna(match["abbreviation"].iloc[0]):
            abbreviation = str(match["abbreviation"].iloc[0])
        names = [term] + ([abbreviation] if abbreviation else [])
        year, year_source = _launch_year(names, events, claims)
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
    names: list[str], events: list[tuple[str, pd.Timestamp, str]], claims: list[tuple[str, str]]
) -> tuple[int | None, str | None]:
    for label, date, event_id in events:
        if _mentions(label, names):
            return int(date.year), event_id
    for claim, context_id in claims:
        for sentence in re.split(r"(?<=\.)\s+", claim):
            year = re.search(r"\b(19|20)\d\d\b", sentence)
            if year and _mentions(sentence, names) and _LAUNCH_WORDS.search(sentence):
                return int(year.group(0)), context_id
    return None, None


def _member_count(names: list[str], claims: list[tuple[str, str]]) -> tuple[int | None, str | None]:
    for claim, context_id in claims:
        if not _mentions(claim, names):
            continue
        for sentence in re.split(r"(?<=\.)\s+", claim):
            found = _COUNT.search(sentence)
            if found and (_mentions(sentence, names) or sentence.startswith("It ")):
                word = found.group(1).lower()
                return (int(word) if word.isdigit() else _NUMBER_WORDS[word]), context_id
    for claim, context_id in claims:
        listing = _LISTING.search(claim)
        if listing and _mentions(claim, names):
            items = re.split(r",\s*(?:and\s+)?|\s+and\s+", listing.group(1))
            return len([i for i in items if i.strip()]), context_id
    return None, None


LEFT, RIGHT = 20.0, WIDTH - 20.0


def _nice_step(span: float, most: int = 6) -> float:
    """The smallest of 1, 2, 5, 10, 20, 25, 50, ... that cuts span into at most `most` steps."""
    step = 1.0
    while True:
        for factor in (1.0, 2.0, 2.5, 5.0):
            if span / (step * factor) <= most:
                return step * factor
        step *= 10


def _axis(
    svg: Svg, left: float, right: float, y: float, low: float, high: float, step: float
) -> None:
    """A horizontal axis line from left to right at y, with ticks every step from low to high."""
    svg.line(left, y, right, y, "#000000", stroke_width=1)
    value = math.ceil(low / step) * step
    while value <= high + 1e-9:
        x = left + (value - low) / (high - low) * (right - left)
        svg.line(x, y, x, y + 5, "#000000", stroke_width=1)
        svg.text(x, y + 17, f"{value:g}", 12, anchor="middle", role="tick")
        value += step


def _room_for(low: float, value: float, label: str, size: float, width: float, pad: float) -> float:
    """The axis maximum that leaves room for label after value, in a panel width pixels wide."""
    free = width - pad - text_width(label, size)
    return low + (value - low) * width / max(free, 1.0)


def frameworks_figure(*, data_dir: Path) -> CourseFigure:
    """NATO's partner frameworks: when each was launched and how many members it has."""
    table = framework_table(data_dir=data_dir)
    title = "NATO's partnership frameworks"
    svg = Svg(WIDTH)
    svg.text(WIDTH / 2, 24, title, 18, anchor="middle", bold=True, role="title")
    labels = [
        str(r.framework) if pd.isna(r.abbreviation) else f"{r.framework} ({r.abbreviation})"
        for r in table.itertuples(index=False)
    ]
    row, top = 56.0, 56.0
    bottom = top + row * max(len(table), 1)
    label_right = LEFT + max((text_width(label, 13) for label in labels), default=0.0)
    for i, label in enumerate(labels):
        svg.text(label_right, top + row * (i + 0.5), label, 13, anchor="end", role="framework")
    panels = RIGHT - label_right - 16
    year_left = label_right + 16
    year_right = year_left + panels * 1.25 / 2.25 - 16
    size_left = year_right + 32
    _draw_launch_years(svg, table, (year_left, year_right), top, row, bottom)
    _draw_member_counts(svg, table, (size_left, RIGHT), top, row, bottom)
    svg.text(
        WIDTH / 2,
        bottom + 66,
        "In brackets: the row of context.csv or timeline.csv each number comes from. "
        "The EAPC count includes the Allies.",
        11,
        anchor="middle",
        colour="#333333",
        role="footnote",
    )
    svg.height = bottom + 86
    known = table.dropna(subset=["launched"])
    description = (
        f"Two bar charts of NATO's {len(table)} partnership frameworks: the year each was "
        "launched and how many members it has, where the course data states it."
    )
    if len(known):
        first = known.sort_values("launched").iloc[0]
        description += f" The oldest is the {first['framework']} ({int(first['launched'])})."
    data = table[["framework", "abbreviation", "launched", "members"]]
    return CourseFigure(title, svg, description, data)


def _value_notes(table: pd.DataFrame, column: str) -> dict[int, str]:
    """Each row's known value with the row it comes from ("2004  (C57)"), by row position."""
    values, sources = table[column], table[f"{column}_source"]
    return {
        i: f"{values.iloc[i]}  ({sources.iloc[i]})"
        for i in range(len(table))
        if not pd.isna(values.iloc[i])
    }


def _draw_launch_years(
    svg: Svg,
    table: pd.DataFrame,
    span: tuple[float, float],
    top: float,
    row: float,
    bottom: float,
) -> None:
    """Draw each framework's launch year as a dot, with the row it comes from."""
    left, right = span
    known_years = table["launched"].dropna()
    low = int(known_years.min()) - 4 if len(known_years) else 1990
    high = float(int(known_years.max()) + 10 if len(known_years) else 2025)
    notes = _value_notes(table, "launched")
    for i, note in notes.items():
        high = max(high, _room_for(low, int(table["launched"].iloc[i]), note, 12, right - left, 14))

    def to_x(year: float) -> float:
        return left + (year - low) / (high - low) * (right - left)

    step = _nice_step(high - low)
    year = math.ceil(low / step) * step
    while year <= high:
        svg.line(to_x(year), top, to_x(year), bottom, "#dddddd", stroke_width=1)
        year += step
    svg.line(left, top, left, bottom, "#000000", stroke_width=1)
    _axis(svg, left, right, bottom, low, high, step)
    svg.text(
        (left + right) / 2, bottom + 38, "Launched (year)", 13, anchor="middle", role="axis-label"
    )
    for i, r in enumerate(table.itertuples(index=False)):
        y = top + row * (i + 0.5)
        if pd.isna(r.launched):
            svg.text(
                (left + right) / 2,
                y,
                "launch year not in the course data",
                11,
                anchor="middle",
                italic=True,
                colour=GREY,
                role="missing",
            )
            continue
        x = to_x(int(r.launched))
        svg.marker("o", x, y, 12, OKABE_ITO["bluish_green"], role=f"launch:{r.framework}")
        svg.text(x + 10, y, notes[i], 12, role="value")


def _draw_member_counts(
    svg: Svg,
    table: pd.DataFrame,
    span: tuple[float, float],
    top: float,
    row: float,
    bottom: float,
) -> None:
    """Draw each framework's member count as a bar, with the row it comes from."""
    left, right = span
    sizes = table["members"]
    high = float(int(sizes.max()) * 1.2 if sizes.notna().any() else 1)
    notes = _value_notes(table, "members")
    for i, note in notes.items():
        high = max(high, _room_for(0, int(sizes.iloc[i]), note, 12, right - left, 10))

    def to_x(value: float) -> float:
        return left + value / high * (right - left)

    svg.line(left, top, left, bottom, "#000000", stroke_width=1)
    _axis(svg, left, right, bottom, 0, high, _nice_step(high))
    label = "Members (as the source counts them)"
    svg.text(
        min((left + right) / 2, RIGHT - text_width(label, 13) / 2),  # kept inside the card
        bottom + 38,
        label,
        13,
        anchor="middle",
        role="axis-label",
    )
    for i, r in enumerate(table.itertuples(index=False)):
        y = top + row * (i + 0.5)
        if pd.isna(r.members):
            svg.text(
                left + 8,
                y,
                "no count in the course data",
                11,
                italic=True,
                colour=GREY,
                role="missing",
            )
            continue
        end = to_x(int(r.members))
        svg.rect(
            left,
            y - 0.55 * row / 2,
            end - left,
            0.55 * row,
            OKABE_ITO["blue"],
            f"members:{r.framework}",
        )
        svg.text(end + 6, y, notes[i], 12, role="value")


def _pattern(svg: Svg, name: str, colour: str, hatch: str) -> str:
    """Define a fill for colour with a pattern on top (dots, stripes, cross); return the fill."""
    if not hatch:
        return colour
    ident = f"jn-fill-{len(svg.defs)}"
    if hatch.startswith("."):
        mark = '<circle cx="3" cy="3" r="1.2" fill="#ffffff"/>'
        size, turn = 6, ""
    elif hatch.startswith("/"):
        mark = '<rect x="0" y="0" width="2" height="8" fill="#ffffff"/>'
        size, turn = 8, ' patternTransform="rotate(45)"'
    else:
        mark = (
            '<rect x="0" y="0" width="1.5" height="8" fill="#ffffff"/>'
            '<rect x="0" y="0" width="8" height="1.5" fill="#ffffff"/>'
        )
        size, turn = 8, ' patternTransform="rotate(45)"'
    svg.defs.append(
        f'<pattern id="{ident}" width="{size}" height="{size}" patternUnits="userSpaceOnUse"{turn}>'
        f'<rect x="0" y="0" width="{size}" height="{size}" fill="{colour}"/>{mark}</pattern>'
    )
    return f"url(#{ident})"


def facts_by_topic_figure(facts: pd.DataFrame | None = None, *, data_dir: Path) -> CourseFigure:
    """Horizontal bars: the article's facts per topic, split by kind."""
    facts = load_facts(data_dir) if facts is None else facts
    counts = pd.crosstab(facts["topic"].astype(str), facts["kind"].astype(str))
    kinds = [k for k in KIND_STYLE if k in counts.columns] + sorted(
        k for k in counts.columns if k not in KIND_STYLE
    )
    counts = counts.reindex(columns=kinds, fill_value=0)
    totals = counts.sum(axis=1)
    order = sorted(counts.index, key=lambda topic: (-int(totals[topic]), topic))
    counts = counts.loc[order]
    total = int(totals.sum())
    title = f"The article's {total} facts by topic and kind"

    svg = Svg(WIDTH)
    svg.text(WIDTH / 2, 24, title, 18, anchor="middle", bold=True, role="title")
    row, top = 44.0, 64.0
    bottom = top + row * max(len(counts), 1)
    label_right = LEFT + max([text_width(t, 13) for t in counts.index] + [text_width("Topic", 13)])
    svg.text(label_right, top - 14, "Topic", 13, anchor="end", bold=True, role="axis-label")
    left = label_right + 12
    high = float(max(totals, default=0) + 1)
    for topic in counts.index:
        high = max(
            high, _room_for(0, int(totals[topic]), str(int(totals[topic])), 12, RIGHT - left, 8)
        )

    def to_x(value: float) -> float:
        return left + value / high * (RIGHT - left)

    styles = {kind: KIND_STYLE.get(kind, (kind, OKABE_ITO["yellow"], "xx")) for kind in kinds}
    fills = {
        kind: _pattern(svg, kind, colour, hatch) for kind, (_, colour, hatch) in styles.items()
    }
    for i, topic in enumerate(counts.index):
        y = top + row * (i + 0.5)
        svg.text(label_right, y, str(topic), 13, anchor="end", role="topic")
        start = 0
        for kind in kinds:
            value = int(counts.loc[topic, kind])
            if value:
                x0, x1 = to_x(start), to_x(start + value)
                svg.rect(
                    x0,
                    y - 0.65 * row / 2,
                    x1 - x0,
                    0.65 * row,
                    fills[kind],
                    f"kind:{kind}",
                    stroke="#ffffff",
                    stroke_width=1,
                )
                width = text_width(str(value), 11) + 6
                svg.rect((x0 + x1 - width) / 2, y - 8, width, 16, "#ffffff", rx=3)
                svg.text((x0 + x1) / 2, y, str(value), 11, anchor="middle", role="count")
            start += value
        svg.text(to_x(start) + 8, y, str(start), 12, bold=True, role="total")
    svg.line(left, top, left, bottom, "#000000", stroke_width=1)
    _axis(svg, left, RIGHT, bottom, 0, high, max(1.0, _nice_step(high, 10)))
    svg.text(
        (left + RIGHT) / 2,
        bottom + 38,
        "Number of facts in facts.csv",
        13,
        anchor="middle",
        role="axis-label",
    )
    svg.text(
        WIDTH / 2, bottom + 66, "Kind of fact", 12, anchor="middle", bold=True, role="legend-title"
    )
    entries = [
        LegendEntry(name, colour, fill=fills[kind]) for kind, (name, colour, _) in styles.items()
    ]
    last = draw_legend(svg, entries, bottom + 88, LEFT, RIGHT, "legend", 12)
    svg.height = last + 22

    description = f"Horizontal bars: the article's {total} facts per topic, split by kind."
    if len(counts):
        top_topic = counts.index[0]
        description += f" The largest topic is {top_topic}, with {int(totals[top_topic])} facts."
    data = counts.assign(total=totals.loc[order]).reset_index(names="topic")
    return CourseFigure(title, svg, description, data)
