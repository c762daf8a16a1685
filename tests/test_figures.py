"""Figures: checked by structure (titles, labels, counts, legends, no overlaps), never by pixels.

The checks read the figure's drawing (its elements, with the text boxes the layout estimated);
tests/browser/test_screen.py measures the same text in Chromium.
"""

from __future__ import annotations

import base64
import html
import re
import subprocess
import sys
from itertools import combinations

import pandas as pd
import pytest

from japan_nato import dataset as data
from japan_nato import figures
from japan_nato.figures.svg import Box, text_width
from tests.support.course_data import COURSE_DATA


def _texts(fig, role: str = "") -> list[str]:
    return [e.text for e in fig.drawing.texts(role)]


def _roles(fig, prefix: str) -> list[str]:
    return [e.role for e in fig.drawing.find(prefix)]


def _overlaps(fig) -> list[tuple[str, str]]:
    texts = [e for e in fig.drawing.texts() if e.text]
    return [(a.text, b.text) for a, b in combinations(texts, 2) if a.box.overlaps(b.box)]


def _outside(fig) -> list[str]:
    card = Box(0, 0, fig.drawing.width, fig.drawing.height)
    return [
        e.text
        for e in fig.drawing.texts()
        if e.box.left < card.left
        or e.box.right > card.right
        or e.box.top < card.top
        or e.box.bottom > card.bottom
    ]


def test_figures_never_import_matplotlib():
    code = (
        "import sys, japan_nato.figures as f\n"
        "from japan_nato.dataset.paths import data_dir\n"
        "for make in f.FIGURES.values(): make(data_dir=data_dir())._repr_html_()\n"
        "f.timeline_figure(f.timeline_figure.__globals__['load_timeline'](data_dir()).head(3),\n"
        "    data_dir=data_dir())._repr_html_()\n"
        "assert 'matplotlib' not in sys.modules, 'a figure imported matplotlib'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.fixture(scope="module")
def timeline():
    return data.load_timeline(COURSE_DATA)


@pytest.fixture(scope="module")
def timeline_fig():
    return figures.timeline_figure(data_dir=COURSE_DATA)


@pytest.fixture(scope="module", params=list(figures.FIGURES), ids=list(figures.FIGURES))
def each_figure(request):
    return figures.FIGURES[request.param](data_dir=COURSE_DATA)


def test_timeline_shows_every_event_with_a_dated_label(timeline_fig, timeline):
    assert timeline_fig.title == "Japan and NATO: milestones"
    assert _texts(timeline_fig, "title") == ["Japan and NATO: milestones"]
    assert _texts(timeline_fig, "axis-label") == ["Year"]
    assert sorted(_roles(timeline_fig, "event:")) == sorted(
        f"event:{i}" for i in timeline["event_id"]
    )
    labels = {e.role: e.text for e in timeline_fig.drawing.texts("label:")}
    assert len(labels) == len(timeline)
    for row in timeline.itertuples():
        assert labels[f"label:{row.event_id}"].endswith(row.label)
        assert str(row.date.year) in labels[f"label:{row.event_id}"]


def test_no_label_overlaps_another_or_leaves_the_figure(each_figure):
    assert _overlaps(each_figure) == []
    assert _outside(each_figure) == []


def test_timeline_legend_names_categories_and_the_after_article_style(timeline_fig):
    assert _texts(timeline_fig, "legend") == [
        "Japan–NATO",
        "NATO",
        "NATO partnerships",
        "after the article (italic)",
    ]
    marks = timeline_fig.drawing.find("legend-mark")
    shapes = [m.tag for m in marks]
    assert len(set(shapes[:3])) == 3, "each category needs its own marker shape, not only colour"
    assert {m.attr("stroke") for m in marks[:3]} <= set(figures.OKABE_ITO.values())
    assert marks[3].attr("fill") == "white", "after the article: an open marker"


def test_timeline_marks_the_meeting_and_the_article_date(timeline_fig, timeline):
    marks = {e.role: e for e in timeline_fig.drawing.find("mark:")}
    meeting, article = marks["mark:T21"], marks["mark:T22"]
    assert meeting.attr("stroke-dasharray") != article.attr("stroke-dasharray")
    assert _texts(timeline_fig, "zoom-legend") == [
        "meeting: 29 Jun 2022",
        "article's dateline: 5 Jul 2022",
    ]
    assert "6 days apart" in _texts(timeline_fig, "zoom-title")[0]
    in_window = timeline[(timeline["date"] >= "2022-06-27") & (timeline["date"] <= "2022-07-10")]
    zoomed = [r for r in _roles(timeline_fig, "zoom:")]
    assert sorted(zoomed) == sorted(f"zoom:{i}" for i in in_window["event_id"])
    bold = [e.text for e in timeline_fig.drawing.texts("label:") if e.attr("font-weight") == "bold"]
    assert len(bold) == 2 and "Kishida meets Stoltenberg" in bold[0]
    after = timeline[timeline["after_article"]]
    italic = [e.role for e in timeline_fig.drawing.texts("label:") if e.attr("font-style")]
    assert sorted(italic) == sorted(f"label:{i}" for i in after["event_id"])


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
    fig = figures.timeline_figure(small, data_dir=COURSE_DATA)
    assert fig.drawing.find("zoom") == []
    assert len(_roles(fig, "event:")) == 3
    assert "Jun 2000   two" in _texts(fig)
    assert _overlaps(fig) == [] and _outside(fig) == []


def test_long_empty_stretches_are_shortened_and_marked(timeline_fig):
    assert any("years left out" in t for t in _texts(timeline_fig, "break-note"))
    ticks = _texts(timeline_fig, "tick")
    assert "1995" in ticks and "2020" in ticks and "1970" not in ticks


def test_framework_numbers_come_from_the_data():
    table = figures.framework_table(data_dir=COURSE_DATA).set_index("framework")
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
    context = data.load_context(COURSE_DATA)
    row = context["claim"].str.contains("started the Mediterranean Dialogue")
    context.loc[row, "claim"] = context.loc[row, "claim"].str.replace("seven", "eight")
    context.loc[row, "claim"] = context.loc[row, "claim"].str.replace("1994", "1995")
    table = figures.framework_table(context=context, data_dir=COURSE_DATA).set_index("framework")
    assert table.loc["Mediterranean Dialogue", "members"] == 8
    assert table.loc["Mediterranean Dialogue", "launched"] == 1995


def test_frameworks_figure_structure():
    fig = figures.frameworks_figure(data_dir=COURSE_DATA)
    table = figures.framework_table(data_dir=COURSE_DATA)
    assert fig.title == "NATO's partnership frameworks" == _texts(fig, "title")[0]
    years_label, sizes_label = _texts(fig, "axis-label")
    assert years_label == "Launched (year)" and sizes_label.startswith("Members")
    rows = _texts(fig, "framework")
    assert rows[0] == "Partnership for Peace (PfP)" and rows[-1] == "partners across the globe"
    assert len(_roles(fig, "launch:")) == table["launched"].notna().sum()
    assert len(_roles(fig, "members:")) == table["members"].notna().sum()
    assert "no count in the course data" in _texts(fig, "missing")
    assert "launch year not in the course data" in _texts(fig, "missing")
    assert any("50  (C56)" in t for t in _texts(fig, "value"))


def test_facts_by_topic_bars_add_up_to_the_facts():
    facts = data.load_facts(COURSE_DATA)
    fig = figures.facts_by_topic_figure(data_dir=COURSE_DATA)
    assert fig.title == f"The article's {len(facts)} facts by topic and kind"
    assert _texts(fig, "axis-label") == ["Topic", "Number of facts in facts.csv"]
    topics = _texts(fig, "topic")
    counts = facts["topic"].astype(str).value_counts()
    assert sorted(topics) == sorted(counts.index)
    assert [counts[t] for t in topics] == sorted(counts, reverse=True)
    assert [int(t) for t in _texts(fig, "total")] == [counts[t] for t in topics]
    assert sum(int(t) for t in _texts(fig, "count")) == len(facts)
    assert _texts(fig, "legend") == [name for name, _, _ in figures.KIND_STYLE.values()]
    bars = fig.drawing.find("kind:")
    fills = {e.role: e.attr("fill") for e in bars}
    assert len(set(fills.values())) == 3
    patterns = [f for f in fills.values() if f.startswith("url(#")]
    assert len(patterns) == 2, "kinds differ by pattern too, not colour alone"
    for fill in patterns:
        assert f'id="{fill[5:-1]}"' in fig.svg


def test_facts_by_topic_on_a_small_table():
    small = pd.DataFrame({"topic": ["a", "b", "b"], "kind": ["report", "report", "setting"]})
    fig = figures.facts_by_topic_figure(small, data_dir=COURSE_DATA)
    assert _texts(fig, "topic") == ["b", "a"]
    assert "The article's 3 facts" in fig.title
    assert _overlaps(fig) == [] and _outside(fig) == []


def test_figures_render_to_svg_deterministically(tmp_path):
    paths = figures.save_all(tmp_path / "out", COURSE_DATA)
    assert [p.name for p in paths] == ["timeline.svg", "frameworks.svg", "facts_by_topic.svg"]
    first = [p.read_text(encoding="utf-8") for p in paths]
    assert all(t.startswith("<svg ") and t.rstrip().endswith("</svg>") for t in first)
    assert figures.timeline_figure(data_dir=COURSE_DATA).svg == first[0]
    for text in first:
        numbers = re.findall(r'="(-?\d+(?:\.\d+)?)"', text)
        assert numbers and all(len(n.partition(".")[2]) <= 1 for n in numbers), "unrounded"
        assert "matplotlib" not in text and "/tmp" not in text
        widths = re.search(r'viewBox="0 0 (\d+) (\d+(?:\.\d)?)"', text)
        assert widths and int(widths.group(1)) == figures.WIDTH


def test_figures_show_themselves_in_jupyter_with_a_fixed_text():
    fig = figures.facts_by_topic_figure(data_dir=COURSE_DATA)
    assert not hasattr(fig, "_repr_png_"), "one rendering only: the <img> in the HTML"
    assert repr(fig).startswith(f"Figure: {fig.title}. ")
    assert "facts per topic" in repr(fig)
    assert fig._repr_html_() == fig._repr_html_()
    assert fig.drawing.height < 1000


def test_a_figure_is_rendered_once(monkeypatch):
    fig = figures.frameworks_figure(data_dir=COURSE_DATA)
    calls = []
    render = fig.drawing.render
    monkeypatch.setattr(fig.drawing, "render", lambda: calls.append(1) or render())
    fig._repr_html_()
    fig._repr_html_()
    assert fig.svg and len(calls) == 1


def test_each_figure_has_a_text_alternative_and_its_data(each_figure) -> None:
    fig = each_figure
    assert len(fig.description) > 40 and fig.description in repr(fig)
    assert len(fig.data) >= 3
    page = fig._repr_html_()
    assert f'alt="{html.escape(fig.description, quote=True)}"' in page
    assert "<details" in page and "<table" in page and "<NA>" not in page
    assert page.count("<tr>") >= len(fig.data)
    assert "<svg" not in page, "inline <svg> is stripped in untrusted notebooks"
    encoded = re.search(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)
    assert encoded and base64.b64decode(encoded.group(1)).decode("utf-8") == fig.svg


def test_text_width_estimate_grows_with_text_size_and_weight():
    assert text_width("Japan", 12) < text_width("Japan and NATO", 12)
    assert text_width("Japan", 12) < text_width("Japan", 14) < text_width("Japan", 14, bold=True)
    assert text_width("MW", 10) > text_width("il", 10)


def test_a_figure_data_table_is_a_learner_table_in_full(each_figure) -> None:
    # The same table as every notebook DataFrame: text left, no index, nothing cut off.
    fig = each_figure
    table = fig._repr_html_().split('<details class="jn-figure-data">', 1)[1]
    assert "text-align:left" in table and 'scope="row"' not in table
    with pd.option_context("display.max_rows", 2, "display.max_colwidth", 5):
        full = fig._repr_html_().split('<details class="jn-figure-data">', 1)[1]
    assert full.count("<tr>") == len(fig.data) + 1 and "…" not in full
