"""DataFrames in a notebook: text left and wrapping, numbers right, "—" for missing, no overflow."""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from japan_nato.views.progress_table import ProgressTable
from japan_nato.views.tables import MISSING, frame_html
from tests.support.fresh_python import run_json


class Cells(HTMLParser):
    """Collects each table cell's tag, style and visible text, and the wrapper's style."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[dict[str, str]] = []
        self.divs: list[str] = []
        self.paragraphs: list[str] = []
        self._open: dict[str, str] | None = None
        self._in_p = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        style = dict(attrs).get("style") or ""
        if tag in ("td", "th"):
            self._open = {"tag": tag, "style": style, "text": ""}
        elif tag == "div":
            self.divs.append(style)
        elif tag == "p":
            self._in_p = True
            self.paragraphs.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._open is not None:
            self.cells.append(self._open)
            self._open = None
        elif tag == "p":
            self._in_p = False

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open["text"] += data
        if self._in_p:
            self.paragraphs[-1] += data


def parse(frame: pd.DataFrame) -> Cells:
    """Render frame with the learner formatter and parse the result."""
    text = frame_html(frame)
    assert text is not None
    parser = Cells()
    parser.feed(text)
    return parser


def column_cells(parsed: Cells, frame: pd.DataFrame, name: str) -> list[dict[str, str]]:
    """The body cells of one column (the header row and the index cell skipped)."""
    width = frame.shape[1] + 1
    position = 1 + list(frame.columns).index(name)
    return [parsed.cells[i] for i in range(width + position, len(parsed.cells), width)]


def align(cell: dict[str, str]) -> str:
    return next(p.split(":")[1] for p in cell["style"].split(";") if p.startswith("text-align"))


FRAME = pd.DataFrame(
    {
        "statement": ["Japan attended the Madrid summit " * 4, "Short <b>bold</b> & more", None],
        "count": [3, 12, 7],
        "share": [0.5, np.nan, 0.25],
        "late": pd.array([1, None, 2], dtype="Int64"),
        "when": pd.to_datetime(["2022-06-29", None, "2023-07-12"]),
        "tags": pd.Series(["a", None, "c"], dtype=object),
    }
)


def test_text_is_left_aligned_and_wraps_numbers_are_right_aligned() -> None:
    parsed = parse(FRAME)
    statements = column_cells(parsed, FRAME, "statement")
    assert {align(c) for c in statements} == {"left"}
    assert all("white-space:normal" in c["style"] and "max-width" in c["style"] for c in statements)
    assert {align(c) for c in column_cells(parsed, FRAME, "count")} == {"right"}
    assert {align(c) for c in column_cells(parsed, FRAME, "share")} == {"right"}
    headers = {c["text"]: align(c) for c in parsed.cells if c["tag"] == "th" and c["text"]}
    assert headers["statement"] == "left" and headers["count"] == "right"


def test_missing_values_show_a_dash_and_the_data_keeps_them() -> None:
    before = FRAME.copy()
    parsed = parse(FRAME)
    texts = [c["text"] for c in parsed.cells]
    for shown in ("None", "NaN", "nan", "<NA>", "NaT"):
        assert shown not in texts
    second_row = [c["text"] for c in parsed.cells[7 * 2 : 7 * 3]]
    assert second_row == ["1", "Short <b>bold</b> & more", "12", *[MISSING] * 4]
    assert column_cells(parsed, FRAME, "statement")[2]["text"] == MISSING
    pd.testing.assert_frame_equal(FRAME, before)
    assert FRAME["late"].isna().sum() == 1 and FRAME["tags"][1] is None


def test_values_are_formatted_as_pandas_shows_them() -> None:
    parsed = parse(FRAME)
    assert [c["text"] for c in column_cells(parsed, FRAME, "share")] == ["0.50", MISSING, "0.25"]
    assert [c["text"] for c in column_cells(parsed, FRAME, "when")][0] == "2022-06-29"


def test_markup_in_values_and_labels_is_shown_as_text() -> None:
    frame = pd.DataFrame({"<i>col</i>": ["a < b & c > d"]}, index=["<row>"])
    text = frame_html(frame)
    assert text is not None
    assert "&lt;i&gt;col&lt;/i&gt;" in text and "<i>" not in text
    assert "a &lt; b &amp; c &gt; d" in text and "&lt;row&gt;" in text


def test_a_wide_frame_scrolls_inside_its_wrapper() -> None:
    wide = pd.DataFrame({f"column_{i}": ["some words " * 8] for i in range(15)})
    parsed = parse(wide)
    assert "overflow-x: auto" in parsed.divs[0] and "max-width: 100%" in parsed.divs[0]
    assert 'tabindex="0"' in (frame_html(wide) or "")  # the keyboard can scroll it
    assert "table-layout: auto" in (frame_html(wide) or "")


def test_long_frames_keep_pandas_truncation_and_the_dimensions_note() -> None:
    long = pd.DataFrame({"n": range(100), "word": ["x"] * 100})
    parsed = parse(long)
    index = [c["text"] for c in parsed.cells[3::3]]  # the first cell of each body row
    assert index == ["0", "1", "2", "3", "4", "…", "95", "96", "97", "98", "99"]
    assert parsed.paragraphs == ["100 rows × 2 columns"]
    assert parse(long.head()).paragraphs == []
    with pd.option_context("display.max_rows", None):
        assert len(parse(long).cells) == 3 + 100 * 3


def test_wide_frames_keep_pandas_column_truncation() -> None:
    wide = pd.DataFrame([range(50)], columns=[f"c{i}" for i in range(50)])
    with pd.option_context("display.max_columns", 20):
        parsed = parse(wide)
    heads = [c["text"] for c in parsed.cells[:22]]
    assert heads[1:3] == ["c0", "c1"] and heads[11] == "…" and heads[-1] == "c49"
    assert parsed.paragraphs == ["1 rows × 50 columns"]


def test_an_empty_result_says_it_has_no_rows() -> None:
    frame = pd.DataFrame({"fact_id": ["A01"]})
    assert parse(frame[frame["fact_id"] == "Z99"]).paragraphs == ["0 rows × 1 columns"]


def test_grouped_columns_show_one_header_row_per_level() -> None:
    frame = pd.DataFrame({"topic": ["a", "a", "b"], "n": [1, 2, 3]})
    grouped = frame.groupby("topic").agg({"n": ["count", "sum"]})
    parsed = parse(grouped)
    assert [c["text"] for c in parsed.cells[:6]] == ["", "n", "n", "topic", "count", "sum"]
    assert parsed.cells[0]["tag"] == "td" and parsed.cells[3]["tag"] == "th"
    assert [c["text"] for c in parsed.cells[6:9]] == ["a", "2", "3"]


def test_max_colwidth_is_honoured_and_none_shows_whole_text() -> None:
    frame = pd.DataFrame({"quote": ["word " * 30]})
    short = column_cells(parse(frame), frame, "quote")[0]["text"]
    assert len(short) == 50 and short.endswith("...")
    with pd.option_context("display.max_colwidth", None):
        assert column_cells(parse(frame), frame, "quote")[0]["text"] == "word " * 30


def test_the_progress_table_keeps_its_own_html() -> None:
    frame = ProgressTable(
        pd.DataFrame([{"bank": "01_x", "title": "X", "questions": 2, "attempted": 1, "correct": 1}])
    )
    assert frame_html(frame) == frame._repr_html_()
    assert 'class="jn-progress"' in (frame_html(frame) or "")


def test_html_repr_switched_off_gives_none() -> None:
    with pd.option_context("display.notebook_repr_html", False):
        assert frame_html(FRAME) is None


def test_a_learner_function_installs_it_in_ipython_and_text_stays_the_same() -> None:
    # A fresh interpreter, as a kernel is: IPython loaded first, then the course.
    code = """
    import json
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    import pandas as pd
    import japan_nato
    own, _ = shell.display_formatter.format(pd.DataFrame({"a": [None]}))
    facts = japan_nato.load_facts()
    data, _ = shell.display_formatter.format(facts)
    japan_nato.load_facts()  # again: still one formatter, still ours
    again, _ = shell.display_formatter.format(facts)
    print(json.dumps({
        "html": data["text/html"].startswith('<div class="jn-table"'),
        "plain": data["text/plain"] == repr(facts),
        "same": again == data,
        "own": "—" in own["text/html"],
    }))
    """
    assert run_json(code) == {
        "html": True,
        "plain": True,
        "same": True,
        "own": True,
    }


def test_a_learner_function_outside_ipython_never_imports_it() -> None:
    code = (
        "import json, sys, japan_nato; japan_nato.load_facts(); "
        "print(json.dumps('IPython' in sys.modules))"
    )
    assert run_json(code) is False


def test_a_frame_the_formatter_cannot_render_still_shows_pandas_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from japan_nato import table_html
    from japan_nato.views import tables

    def broken(column: pd.Series) -> list[str | None]:
        raise TypeError("a value no formatter expected")

    monkeypatch.setattr(table_html, "_cell_texts", broken)
    shown = tables._printer(FRAME)
    assert shown == pd.DataFrame._repr_html_(FRAME)
