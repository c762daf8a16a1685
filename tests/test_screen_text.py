"""What the screen says: evidence sources and renderings, and the learner's progress table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from japan_nato import dataset as data
from japan_nato.api import progress
from japan_nato.views.progress_table import progress_html, progress_text
from tests.support.course_data import COURSE_DATA


def _row(table: pd.DataFrame, page: bool) -> pd.Series:
    return table[table["url_is_page"] == page].iloc[0]


def test_evidence_without_a_page_url_has_no_link() -> None:
    for table, id_field in (
        (data.load_context(COURSE_DATA), "context_id"),
        (data.load_timeline(COURSE_DATA), "event_id"),
        (data.load_glossary(COURSE_DATA), "term_id"),
    ):
        if not (~table["url_is_page"].astype(bool)).any():
            continue
        row = _row(table, False)
        found = data.evidence(row[id_field], COURSE_DATA)
        assert found.url_is_page is False
        assert "<a " not in found.html()
        assert f"Source: {found.source_name} (no link recorded)" in str(found)
        assert "(no link recorded)" in found.html()
        assert row["source_url"] not in str(found)


def test_evidence_with_a_page_url_links_to_it() -> None:
    row = _row(data.load_context(COURSE_DATA), True)
    found = data.evidence(row["context_id"], COURSE_DATA)
    assert found.url_is_page is True
    assert f'<a href="{row["source_url"]}"' in found.html()
    assert f"<{row['source_url']}>" in str(found)


def test_the_course_rendering_is_not_drawn_as_a_verbatim_quote() -> None:
    context = data.load_context(COURSE_DATA)
    rendered = context[context["source_name"].str.contains("rendering")].iloc[0]
    found = data.evidence(rendered["context_id"], COURSE_DATA)
    assert '<mark class="jn-rendering">' in found.html()
    assert "not a verbatim quote" in found.html() and "not a verbatim quote" in str(found)
    article = data.evidence(data.load_facts(COURSE_DATA).iloc[0]["fact_id"], COURSE_DATA)
    assert "<mark>" in article.html() and "jn-rendering" not in article.html()


class _Store:
    def __init__(self, correct: dict[str, set[str]]) -> None:
        self.correct = correct

    def attempts(self, bank: str | None = None) -> pd.DataFrame:
        ids = sorted(self.correct.get(bank or "", set()))
        return pd.DataFrame({"question_id": ids})

    def correct_ids(self, bank: str) -> set[str]:
        return self.correct.get(bank, set())


def test_progress_reads_as_a_learner_table(tmp_path: Path) -> None:
    from japan_nato.quiz import load_bank

    bank = load_bank("01_reading_the_source", COURSE_DATA)
    everything = {q.id for q in bank.questions}
    frame = progress(store=_Store({"01_reading_the_source": everything}))
    assert list(frame.columns) == ["bank", "title", "questions", "attempted", "correct"]
    text = repr(frame)
    lines = text.splitlines()
    assert lines[0] == "Your progress"
    assert "01_reading_the_source" not in text, "no slug"
    done = next(line for line in lines if line.startswith("01 · "))
    total = len(everything)
    assert f"{total} of {total} (100 %)" in done and done.endswith("✓ done")
    other = next(line for line in lines if line.startswith("02 · "))
    assert "(0 %)" in other and "✓" not in other
    page = frame._repr_html_()
    assert "<caption" in page and "text-align: left" in page and "✓ done" in page
    assert "01_reading_the_source" not in page and "<NA>" not in page
    assert progress_text(frame) == text and progress_html(frame) == page
