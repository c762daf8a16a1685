"""Learner progress: every checked answer, kept in a SQLite file (sqlite3 loads on first use)."""

from japan_nato.progress.location import (
    ENV_LEARNER,
    ENV_PATH,
    GENERIC_NAMES,
    clean_name,
    default_learner,
    default_path,
    is_generic_name,
)
from japan_nato.progress.migrations import ATTEMPT_COLUMNS, MIGRATIONS, SCHEMA_VERSION, Migration
from japan_nato.progress.store import MAX_ANSWER_CHARS, ProgressStore, answer_json, get_store

__all__ = [
    "ATTEMPT_COLUMNS",
    "ENV_LEARNER",
    "ENV_PATH",
    "GENERIC_NAMES",
    "MAX_ANSWER_CHARS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Migration",
    "ProgressStore",
    "answer_json",
    "clean_name",
    "default_learner",
    "default_path",
    "get_store",
    "is_generic_name",
]
