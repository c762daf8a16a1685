"""Figures: checked by structure (titles, labels, counts, legends, no overlaps), never by pixels."""

from __future__ import annotations

import html
import subprocess
import sys
from itertools import combinations

import pandas as pd
import pytest

from japan_nato import dataset as data
from japan_nato import figures


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def _gids(ax, prefix: str) -> list[str]:
    return [a.get_gid() for a in ax.get_children() if str(a.get_gid()).startswith(prefix)]


def _legend_labels(legend) -> list[str]:
    return [t.get_text() for t in legend.get_texts()]


def test_importing_figures_does_not_import_matplotlib():
    code = (
        "import sys, japan_nato.figures as f; assert 'matplotlib' not in sys.modules; "
        "f.facts_by_topic_figure(); assert 'matplotlib' in sys.modules; "
        "assert 'matplotlib.pyplot' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.fixture(scope="module")
def timeline():
    return data.load_timeline()


@pytest.fixture(scope="module")
def timeline_fig():
    return figures.timeline_figure()


def test_timeline_shows_every_event_with_a_dated_label(timeline_fig, timeline):
    main = timeline_fig.axes[0]
    assert timeline_fig.get_suptitle() == "Japan and NATO: milestones"
    assert main.get_ylabel() == "Year"
    assert sorted(_gids(main, "event:")) == sorted(f"event:{i}" for i in timeline["event_id"])
    labels = {
        t.get_gid(): t.get_text() for t in main.texts if str(t.get_gid()).startswith("label:")
    }
    assert len(labels) == len(timeline)
    for row in timeline.itertuples():
        assert labels[f"label:{row.event_id}"].endswith(row.label)
        assert str(row.date.year) in labels[f"label:{row.event_id}"]


def test_timeline_labels_do_not_overlap(timeline_fig):
    timeline_fig.draw_without_rendering()
    for ax in timeline_fig.axes:
        boxes = [t.get_window_extent() for t in ax.texts if t.get_text()]
        overlapping = [(a, b) for a, b in combinations(boxes, 2) if a.overlaps(b)]
        assert overlapping == []


def test_timeline_legend_names_categories_and_the_after_article_style(timeline_fig):
    legend = timeline_fig.legends[0]
    assert _legend_labels(legend) == [
        "Japan–NATO",
        "NATO",
        "NATO partnerships",
        "after the article (italic)",
    ]
    markers = [h.get_marker() for h in legend.legend_handles]
    assert len(set(markers[:3])) == 3, "each category needs its own marker shape, not only colour"
    colours = {h.get_color() for h in legend.legend_handles[:3]}
    assert colours <= set(figures.OKABE_ITO.values())


def test_timeline_marks_the_meeting_and_the_article_date(timeline_fig, timeline):
    zoom = timeline_fig.axes[1]
    marks = {line.get_gid(): line for line in zoom.get_lines() if line.get_gid()}
    meeting, article = marks["mark:T21"], marks["mark:T22"]
    assert meeting.get_linestyle() != article.get_linestyle()
    assert _legend_labels(zoom.get_legend()) == [
        "meeting: 29 Jun 2022",
        "article's dateline: 5 Jul 2022",
    ]
    assert "6 days apart" in zoom.get_title(loc="left")
    in_window = timeline[(timeline["date"] >= "2022-06-27") & (timeline["date"] <= "2022-07-10")]
    assert sorted(_gids(zoom, "zoom:")) == sorted(f"zoom:{i}" for i in in_window["event_id"])
    bold = [t.get_text() for t in timeline_fig.axes[0].texts if t.get_fontweight() == "bold"]
    assert len(bold) == 2 and "Kishida meets Stoltenberg" in bold[0]


def test_timeline_of_other_events_has_no_zoom_panel():
    small = pd.DataFrame(
        {
            "event_id": ["T01", "T02", "T03"],
            "date": pd.to_datetime(["1999-01-01", "2000-06-01", "2000-06-02"]),
            "precision": ["day", "month", "day"],
            "category": ["nato", "japan_nato", "other"],
            "label": ["one", "two", "three"],
            "after_article": [False, False, True],
        }
    )
    fig = figures.timeline_figure(small)
    assert len(fig.axes) == 1
    assert len(_gids(fig.axes[0], "event:")) == 3
    assert "Jun 2000   two" in _texts(fig.axes[0])


def test_long_empty_stretches_are_shortened_and_marked(timeline_fig):
    main = timeline_fig.axes[0]
    assert any("years left out" in t for t in _texts(main))
    ticks = [t.get_text() for t in main.get_yticklabels()]
    assert "1995" in ticks and "2020" in ticks and "1970" not in ticks


def test_framework_numbers_come_from_the_data():
    table = figures.framework_table().set_index("framework")
    eapc = table.loc["Euro-Atlantic Partnership Council"]
    assert (eapc["launched"], eapc["members"]) == (1997, 50)
    assert table.loc["Mediterranean Dialogue", "members"] == 7
    assert table.loc["Istanbul Cooperation Initiative", "launched"] == 2004
    assert table.loc["Istanbul Cooperation Initiative", "members"] == 4
    assert table.loc["Partnership for Peace", "launched"] == 1994
    assert table.loc["partners across the globe", "members"] == 9
    # Not in the data, so left out rather than filled in.
    assert pd.isna(table.loc["Partnership for Peace", "members"])
    assert pd.isna(table.loc["partners across the globe", "launched"])
    # Each number names its source row.
    assert table["launched_source"].dropna().str.fullmatch(r"[CT]\d\d").all()


def test_framework_numbers_follow_edits_to_the_data():
    context = data.load_context()
    row = context["claim"].str.contains("started the Mediterranean Dialogue")
    context.loc[row, "claim"] = context.loc[row, "claim"].str.replace("seven", "eight")
    context.loc[row, "claim"] = context.loc[row, "claim"].str.replace("1994", "1995")
    table = figures.framework_table(context=context).set_index("framework")
    assert table.loc["Mediterranean Dialogue", "members"] == 8
    assert table.loc["Mediterranean Dialogue", "launched"] == 1995


def test_frameworks_figure_structure():
    fig = figures.frameworks_figure()
    table = figures.framework_table()
    years, sizes = fig.axes
    assert fig.get_suptitle() == "NATO's partnership frameworks"
    assert years.get_xlabel() == "Launched (year)"
    assert sizes.get_xlabel().startswith("Members")
    ticks = [t.get_text() for t in years.get_yticklabels()]
    assert ticks[0] == "Partnership for Peace (PfP)" and ticks[-1] == "partners across the globe"
    assert len(_gids(years, "launch:")) == table["launched"].notna().sum()
    assert len(_gids(sizes, "members:")) == table["members"].notna().sum()
    assert "no count in the course data" in _texts(sizes)
    assert "launch year not in the course data" in _texts(years)
    assert any("50  (C56)" in t for t in _texts(sizes))


def test_facts_by_topic_bars_add_up_to_the_facts():
    facts = data.load_facts()
    fig = figures.facts_by_topic_figure()
    ax = fig.axes[0]
    assert fig.get_suptitle() == f"The article's {len(facts)} facts by topic and kind"
    assert ax.get_xlabel() == "Number of facts in facts.csv" and ax.get_ylabel() == "Topic"
    topics = [t.get_text() for t in ax.get_yticklabels()]
    counts = facts["topic"].astype(str).value_counts()
    assert sorted(topics) == sorted(counts.index)
    assert [counts[t] for t in topics] == sorted(counts, reverse=True)
    bars = [p for p in ax.patches if str(p.get_gid()).startswith("kind:")]
    assert len(bars) == 3 * len(topics)
    assert sum(p.get_width() for p in bars) == len(facts)
    assert _legend_labels(ax.get_legend()) == [name for name, _, _ in figures.KIND_STYLE.values()]
    hatches = {p.get_hatch() for p in bars}
    assert len(hatches) == 3, "kinds differ by pattern too, not colour alone"


def test_facts_by_topic_on_a_small_table():
    small = pd.DataFrame({"topic": ["a", "b", "b"], "kind": ["report", "report", "setting"]})
    ax = figures.facts_by_topic_figure(small).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b", "a"]
    assert "The article's 3 facts" in ax.figure.get_suptitle()


def test_figures_render_to_png_deterministically(tmp_path):
    paths = figures.save_all(tmp_path / "out")
    assert [p.name for p in paths] == ["timeline.png", "frameworks.png", "facts_by_topic.png"]
    first = [p.read_bytes() for p in paths]
    assert all(b.startswith(b"\x89PNG") for b in first)
    assert all(b"matplotlib" not in b for b in first)
    assert figures._png_bytes(figures.timeline_figure()) == first[0]


def test_figures_show_themselves_in_jupyter_with_a_fixed_text():
    fig = figures.facts_by_topic_figure()
    assert fig._repr_png_().startswith(b"\x89PNG")
    assert repr(fig).startswith(f"Figure: {fig.get_suptitle()}. ")
    assert "facts per topic" in repr(fig)
    width, height = fig.get_size_inches()
    assert width == figures.WIDTH and height < 12


@pytest.mark.parametrize("make", list(figures.FIGURES.values()), ids=list(figures.FIGURES))
def test_each_figure_has_a_text_alternative_and_its_data(make) -> None:
    fig = make()
    assert len(fig.description) > 40 and fig.description in repr(fig)
    assert len(fig.data) >= 3
    page = fig._repr_html_()
    assert f'alt="{html.escape(fig.description, quote=True)}"' in page
    assert "<details" in page and "<table" in page and "<NA>" not in page
    assert page.count("<tr>") >= len(fig.data)
