"""The course data: the article, the tables described by datapackage.json, and evidence."""

from japan_nato.dataset.article import Sentence, article_sentences, load_article, split_sentences
from japan_nato.dataset.evidence import Evidence, evidence
from japan_nato.dataset.paths import ID_FIELDS, TABLES
from japan_nato.dataset.tables import (
    all_fact_ids,
    data_problems,
    load_context,
    load_facts,
    load_glossary,
    load_timeline,
    table_schema,
)

__all__ = [
    "ID_FIELDS",
    "TABLES",
    "Evidence",
    "Sentence",
    "all_fact_ids",
    "article_sentences",
    "data_problems",
    "evidence",
    "load_article",
    "load_context",
    "load_facts",
    "load_glossary",
    "load_timeline",
    "split_sentences",
    "table_schema",
]
