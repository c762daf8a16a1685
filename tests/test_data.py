"""The course data: the article, its facts and the context tables load, validate and trace."""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import pandas as pd
import pytest

from japan_nato import dataset as data
from japan_nato.dataset.paths import data_dir
from japan_nato.errors import DataError
from tests.support.course_data import COURSE_DATA

from .conftest import SHARED

# Article sentences that state no fact of their own, with the reason.
NO_FACT_SENTENCES = {
    "Japan and NATO": "a section heading",
}


def test_article_is_byte_identical_to_the_published_text():
    source = SHARED / "source" / "article.txt"
    if not source.exists():
        pytest.skip("the shared source copy is not beside this checkout")
    assert (data_dir() / "article.txt").read_bytes() == source.read_bytes()


def test_article_keeps_curly_quotes_and_dashes():
    article = data.load_article(COURSE_DATA)
    assert "“suits a new era" in article
    assert "NATO)’s" in article
    assert "—" in article


def test_every_quote_occurs_verbatim_in_the_article():
    article = data.load_article(COURSE_DATA)
    facts = data.load_facts(COURSE_DATA)
    assert len(facts) >= 30
    missing = [
        fid for fid, quote in zip(facts.fact_id, facts.quote, strict=True) if quote not in article
    ]
    assert missing == []


def test_every_sentence_of_substance_is_covered_by_a_fact():
    article = data.load_article(COURSE_DATA)
    spans = []
    for quote in data.load_facts(COURSE_DATA).quote:
        start = article.index(quote)
        spans.append((start, start + len(quote)))
    uncovered = [
        s.text
        for s in data.article_sentences(COURSE_DATA)
        if s.text not in NO_FACT_SENTENCES
        and not any(start < s.end and end > s.start for start, end in spans)
    ]
    assert uncovered == []


def test_loaders_return_typed_frames():
    facts = data.load_facts(COURSE_DATA)
    assert isinstance(facts.topic.dtype, pd.CategoricalDtype)
    assert facts.fact_id.dtype == "string"
    assert facts.fact_id.is_unique
    timeline = data.load_timeline(COURSE_DATA)
    assert pd.api.types.is_datetime64_any_dtype(timeline.date)
    assert timeline.date.is_monotonic_increasing
    context = data.load_context(COURSE_DATA)
    assert set(context.relation.cat.categories) == {"confirms", "corrects", "clarifies", "adds"}
    assert context.after_article.dtype == bool
    glossary = data.load_glossary(COURSE_DATA)
    for term in ("IPCP", "ITPP", "PfP", "HADR"):
        assert term in set(glossary.abbreviation.dropna()), term


def test_the_meeting_is_on_its_real_date_in_the_timeline():
    timeline = data.load_timeline(COURSE_DATA)
    meeting = timeline[timeline.label.str.contains("Stoltenberg", case=False)]
    assert not meeting.empty
    assert (meeting.date == pd.Timestamp("2022-06-29")).any()


def test_context_corrects_the_both_have_an_ipcp_sentence_and_clarifies_the_dateline():
    context = data.load_context(COURSE_DATA)
    facts = data.load_facts(COURSE_DATA).set_index("fact_id")

    def quotes(relation: str) -> str:
        rows = context[context.relation == relation]
        return " ".join(facts.loc[fid, "quote"] for fid in rows.fact_id.dropna())

    assert "Both NATO and Japan have" in quotes("corrects")
    # The dateline is true: it dates the report. A source clarifies it, it does not correct it.
    assert "5 July 2022" in quotes("clarifies")
    assert "5 July 2022" not in quotes("corrects")


@pytest.mark.parametrize("table", ["context", "timeline", "glossary"])
def test_every_source_row_says_its_kind_and_whether_its_link_is_a_page(table):
    frame = getattr(data, f"load_{table}")(COURSE_DATA)
    assert set(frame.source_kind.dropna()) <= {"primary", "wire", "press", "secondary"}
    assert frame.source_kind.notna().all()
    home = frame.source_url.str.fullmatch(r"https?://[^/]+/?")
    # A home-page address must never pass for the page the excerpt was read on.
    wrong = frame.loc[frame.url_is_page == home].iloc[:, 0].tolist()
    assert wrong == []


def test_wire_press_and_secondary_rows_are_counted_as_the_readme_says():
    readme = (data_dir().parent / "README.md").read_text(encoding="utf-8")
    counts = {}
    for table in ("context", "timeline", "glossary"):
        for kind, n in (
            getattr(data, f"load_{table}")(COURSE_DATA).source_kind.value_counts().items()
        ):
            counts[kind] = counts.get(kind, 0) + int(n)
    not_primary = counts.get("wire", 0) + counts.get("press", 0) + counts.get("secondary", 0)
    assert f"{not_primary} of {sum(counts.values())} source rows" in readme


def test_the_story_to_2026_is_in_the_data_with_its_sources():
    timeline = data.load_timeline(COURSE_DATA).set_index("event_id")
    refs = set(timeline.facts_ref) | set(data.load_context(COURSE_DATA).facts_ref)
    for row in ("I1", "I2", "I3", "I4", "I5", "I6", "I9", "I11", "I12", "I13", "I17"):
        assert row in refs, row
    after = timeline[timeline.date > pd.Timestamp("2024-07-31")]
    assert after.after_article.all()
    assert (after.date <= pd.Timestamp("2026-12-31")).all()
    # Ankara was scheduled; the course must not report an outcome. Its date has passed, so the
    # label a learner reads on the timeline says so too, not "(scheduled)".
    ankara = after[after.label.str.contains("Ankara")]
    assert len(ankara) == 1
    assert "unverified" in ankara.description.iloc[0].lower()
    assert "unverified" in ankara.label.iloc[0] and "scheduled" not in ankara.label.iloc[0]


def test_the_verified_facts_sheet_copy_is_current():
    shared = SHARED / "FACTS.md"
    if not shared.exists():
        pytest.skip("the project's shared folder is not beside this checkout")
    assert (data_dir() / "verified-facts.md").read_bytes() == shared.read_bytes()


def test_context_excerpts_are_found_in_the_verified_facts_sheet():
    sheet = data_dir() / "verified-facts.md"
    rows = {}
    for line in sheet.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| ([A-I]\d{1,2}) \|", line)
        if match:
            rows[match.group(1)] = " ".join(line.split())
    for table in ("context", "timeline", "glossary"):
        frame = getattr(data, f"load_{table}")(COURSE_DATA)
        for _, row in frame.iterrows():
            excerpt = " ".join(row.excerpt.split())
            assert row.facts_ref in rows, (table, row.iloc[0], row.facts_ref)
            assert excerpt in rows[row.facts_ref], (table, row.iloc[0])


def test_loading_is_cached_and_returns_independent_copies():
    first = data.load_facts(COURSE_DATA)
    first.loc[0, "statement"] = "changed by a learner"
    start = time.perf_counter()
    second = data.load_facts(COURSE_DATA)
    assert second.loc[0, "statement"] != "changed by a learner"
    assert time.perf_counter() - start < 1.0


def test_cache_notices_an_edited_file(data_copy: Path):
    before = len(data.load_facts(data_copy))
    path = data_copy / "facts.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")
    assert len(data.load_facts(data_copy)) == before - 1


def _edit_csv(path: Path, row_index: int, column: str, value: str) -> int:
    """Set one cell of a CSV; return the file line of that row."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
        header = list(rows[0].keys())
    rows[row_index][column] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    # Line of the row = header line + preceding rows' lines.
    text = path.read_text(encoding="utf-8")
    return _line_of_row(text, row_index)


def _line_of_row(text: str, row_index: int) -> int:
    reader = csv.reader(text.splitlines(keepends=True))
    next(reader)
    line = reader.line_num + 1
    for i, _ in enumerate(reader):
        if i == row_index:
            return line
        line = reader.line_num + 1
    raise AssertionError("row not found")


@pytest.mark.parametrize(
    ("table", "column", "value", "words"),
    [
        ("facts", "fact_id", "", "required"),
        ("facts", "topic", "gossip", "not one of"),
        ("facts", "quote", "a sentence the article never wrote", "not found verbatim"),
        ("timeline", "date", "2022-13-45", "not a date"),
        ("context", "fact_id", "A99", "is not a fact_id in facts.csv"),
        ("context", "relation", "", "required"),
    ],
)
def test_broken_cells_name_file_line_and_column(data_copy, table, column, value, words):
    line = _edit_csv(data_copy / f"{table}.csv", 3, column, value)
    loader = getattr(data, f"load_{table}")
    with pytest.raises(DataError) as caught:
        loader(data_copy)
    message = str(caught.value)
    assert f"{table}.csv:{line}: {column}:" in message
    assert words in message


def test_duplicate_id_names_both_lines(data_copy):
    path = data_copy / "facts.csv"
    first_id = data.load_facts(data_copy).fact_id.iloc[0]
    line = _edit_csv(path, 2, "fact_id", first_id)
    with pytest.raises(DataError) as caught:
        data.load_facts(data_copy)
    assert f"facts.csv:{line}: fact_id: '{first_id}' repeats line 2" in str(caught.value)


def test_missing_column_is_named(data_copy):
    path = data_copy / "glossary.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns=["definition"])
    frame.to_csv(path, index=False)
    with pytest.raises(DataError, match=r"glossary.csv:1: definition: required column is missing"):
        data.load_glossary(data_copy)


def test_missing_file_is_named(data_copy):
    (data_copy / "timeline.csv").unlink()
    with pytest.raises(DataError, match=r"timeline.csv: -: file not found"):
        data.load_timeline(data_copy)


def test_data_problems_lists_every_problem_at_once(data_copy):
    _edit_csv(data_copy / "facts.csv", 1, "topic", "gossip")
    _edit_csv(data_copy / "timeline.csv", 1, "date", "yesterday")
    problems, _ = data.data_problems(data_copy)
    files = {p.file for p in problems}
    assert {"facts.csv", "timeline.csv"} <= files


def test_evidence_marks_the_quote_inside_its_sentence():
    facts = data.load_facts(COURSE_DATA)
    row = facts.iloc[0]
    found = data.evidence(row.fact_id, COURSE_DATA)
    assert found.quote == row.quote
    assert found.text in data.load_article(COURSE_DATA)
    assert "<mark>" in found.html()
    assert row.fact_id in str(found)


def test_evidence_of_a_source_fact_gives_the_excerpt_and_link():
    row = data.load_context(COURSE_DATA).iloc[0]
    found = data.evidence(row.context_id, COURSE_DATA)
    assert found.text == row.excerpt
    assert found.source_url.startswith("http")
    assert html_escaped_once(found.html())


def html_escaped_once(markup: str) -> bool:
    return "&amp;amp;" not in markup


def test_evidence_of_an_unknown_id_raises_key_error():
    with pytest.raises(KeyError, match="Z99"):
        data.evidence("Z99", COURSE_DATA)


def test_sentences_join_wrapped_lines_and_split_headings():
    sentences = [s.text for s in data.split_sentences("A heading\nFirst one. Second\nwraps here.")]
    assert sentences == ["A heading", "First one.", "Second\nwraps here."]


def test_frictionless_validates_the_data_package():
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(data_dir() / "datapackage.json"))
    errors = [err.message for task in report.tasks for err in task.errors]
    assert report.valid, errors[:10]


def test_errors_show_in_a_notebook_as_their_message_not_a_traceback(data_copy):
    (data_copy / "timeline.csv").unlink()
    with pytest.raises(DataError) as caught:
        data.load_timeline(data_copy)
    assert caught.value._render_traceback_() == ["DataError: timeline.csv: -: file not found"]
