"""The partner-frameworks figure (from the article's claims) and facts by topic."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure
from japan_nato.dataset.tables import load_context, load_facts, load_glossary, load_timeline
from japan_nato.figures.style import KIND_STYLE, OKABE_ITO, _new_figure, describe

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
) -> pd.DataFrame:
    """NATO's partner frameworks with launch year and size where the course data states them."""
    context = load_context() if context is None else context
    glossary = load_glossary() if glossary is None else glossary
    timeline = load_timeline() if timeline is None else timeline
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
    _draw_launch_years(ax_year, table, positions, labels)
    _draw_member_counts(ax_size, table, positions)
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
    known = table.dropna(subset=["launched"])
    description = (
        f"Two bar charts of NATO's {len(table)} partnership frameworks: the year each was "
        "launched and how many members it has, where the course data states it."
    )
    if len(known):
        first = known.sort_values("launched").iloc[0]
        description += f" The oldest is the {first['framework']} ({int(first['launched'])})."
    data = table[["framework", "abbreviation", "launched", "members"]]
    return describe(fig, description, data)


def _draw_launch_years(
    ax_year: Any, table: pd.DataFrame, positions: list[int], labels: list[str]
) -> None:
    """Draw each framework's launch year as a dot, with the row it comes from."""
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


def _draw_member_counts(ax_size: Any, table: pd.DataFrame, positions: list[int]) -> None:
    """Draw each framework's member count as a bar, with the row it comes from."""
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


def facts_by_topic_figure(facts: pd.DataFrame | None = None) -> Figure:
    """Horizontal bars: the article's facts per topic, split by kind."""
    facts = load_facts() if facts is None else facts
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
    ax.xaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]
    ax.legend(title="Kind of fact", loc="lower right", fontsize=8.5, title_fontsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.suptitle(
        f"The article's {int(totals.sum())} facts by topic and kind",
        fontsize=13,
        fontweight="bold",
    )
    fig.tight_layout()
    total = int(totals.sum())
    description = f"Horizontal bars: the article's {total} facts per topic, split by kind."
    if len(counts):
        top = counts.index[0]
        description += f" The largest topic is {top}, with {int(totals[top])} facts."
    data = counts.assign(total=totals.loc[order]).reset_index(names="topic")
    return describe(fig, description, data)
