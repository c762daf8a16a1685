"""Evidence for a fact id: the article sentence or the source excerpt."""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from japan_nato.dataset.article import load_article, split_sentences
from japan_nato.dataset.paths import ID_FIELDS, _dir_stamp
from japan_nato.dataset.tables import _table_cached
from japan_nato.errors import UnknownId


@dataclass(frozen=True, repr=False)
class Evidence:
    """The text that supports a fact: an article sentence or a primary-source excerpt."""

    fact_id: str
    statement: str
    text: str
    start: int
    end: int
    source_name: str
    source_url: str
    url_is_page: bool = True  # False when the URL is only the site's home page

    @property
    def rendering(self) -> bool:
        """True when the excerpt is the course's English rendering, not a verbatim quote."""
        return "rendering" in self.source_name.casefold()

    @property
    def quote(self) -> str:
        """The supporting span inside `text`."""
        return self.text[self.start : self.end]

    def html(self) -> str:
        """Return escaped HTML with the supporting span marked."""
        before, quote, after = (
            html.escape(self.text[: self.start]),
            html.escape(self.quote),
            html.escape(self.text[self.end :]),
        )
        name = html.escape(self.source_name)
        if self.url_is_page:
            url = html.escape(self.source_url, quote=True)
            source = (
                f'<a href="{url}" target="_blank" rel="noopener" '
                f'style="color: #0B5CAD; text-decoration: underline">{name}</a>'
            )
        else:
            source = f"{name} (no link recorded)"
        if self.rendering:
            marked = f'<mark class="jn-rendering">{quote}</mark>'
            label = (
                '<p class="jn-rendering-label"><em>English rendering by the course, '
                "not a verbatim quote.</em></p>"
            )
        else:
            marked, label = f"<mark>{quote}</mark>", ""
        return (
            f'<div class="jn-evidence"><p><strong>{html.escape(self.fact_id)}</strong>: '
            f"{html.escape(self.statement)}</p>"
            f"<blockquote>{before}{marked}{after}</blockquote>{label}"
            f"<p>Source: {source}</p></div>"
        )

    def _repr_html_(self) -> str:
        return self.html()

    def __str__(self) -> str:
        marked = f"{self.text[: self.start]}[{self.quote}]{self.text[self.end :]}"
        if self.url_is_page:
            source = f"Source: {self.source_name} <{self.source_url}>"
        else:
            source = f"Source: {self.source_name} (no link recorded)"
        if self.rendering:
            source = "(English rendering by the course, not a verbatim quote.)\n  " + source
        return f"{self.fact_id}: {self.statement}\n  > {marked}\n  {source}"

    def __repr__(self) -> str:
        return str(self)


@lru_cache(maxsize=32)
def _rows_by_id(directory: Path, name: str, stamp: tuple[Any, ...]) -> dict[str, dict[str, Any]]:
    # Read once per state of the data folder: notebooks look evidence up many times.
    frame = _table_cached(directory, name, stamp)
    return {row[ID_FIELDS[name]]: row for row in frame.to_dict("records")}


def _is_page(row: dict[str, Any]) -> bool:
    """Whether a row's URL is the page of its excerpt (a missing flag counts as a page)."""
    value = row.get("url_is_page")
    return True if value is None or value is pd.NA else bool(value)


def evidence(fact_id: str, data_dir: Path) -> Evidence:
    """Return the article sentence(s) or source excerpt that support a fact id."""
    if not isinstance(fact_id, str):
        raise UnknownId(f"{fact_id!r} is not a fact id; ids look like A01, C01, T01 or G01")
    fact_id = fact_id.strip()
    directory = data_dir
    stamp = _dir_stamp(directory)
    if fact_id.startswith("A"):
        facts = _rows_by_id(directory, "facts", stamp)
        if fact_id in facts:
            row = facts[fact_id]
            article = load_article(data_dir)
            start = article.index(row["quote"])
            end = start + len(row["quote"])
            inside = [s for s in split_sentences(article) if s.start < end and s.end > start]
            first, last = inside[0].start, inside[-1].end
            return Evidence(
                fact_id,
                row["statement"],
                article[first:last],
                start - first,
                end - first,
                "The Diplomatic Insight, Madrid, 5 July 2022 (the article)",
                "https://thediplomaticinsight.com/japanese-prime-minister-meets-natos-secretary-general/",
            )
    for name, statement_column in (
        ("context", "claim"),
        ("timeline", "description"),
        ("glossary", "definition"),
    ):
        table = _rows_by_id(directory, name, stamp)
        if fact_id in table:
            row = table[fact_id]
            excerpt = row["excerpt"]
            return Evidence(
                fact_id,
                row[statement_column],
                excerpt,
                0,
                len(excerpt),
                row["source_name"],
                row["source_url"],
                _is_page(row),
            )
    raise UnknownId(
        f"no fact, context, timeline or glossary entry with id {fact_id!r}; ids look like "
        "A01 (article facts), C01 (context), T01 (timeline) or G01 (glossary)"
    )
