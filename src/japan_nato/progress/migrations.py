"""The progress schema: named migrations applied in one recorded transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3


ATTEMPT_COLUMNS = [
    "bank",
    "question_id",
    "objective",
    "answer",
    "correct",
    "chosen_wrong",
    "answered_at",
]


@dataclass(frozen=True)
class Migration:
    """One named, recorded step of the progress schema."""

    version: int
    name: str
    statements: tuple[str, ...]


# Append only: a file at version N gets migrations N+1.. applied in one transaction.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "create_answers",
        (
            """CREATE TABLE schema_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )""",
            """CREATE TABLE answers (
                id INTEGER PRIMARY KEY,
                bank TEXT NOT NULL,
                question_id TEXT NOT NULL,
                answer TEXT NOT NULL,          -- JSON
                correct INTEGER NOT NULL,
                answered_at TEXT NOT NULL      -- UTC, ISO 8601
            )""",
            "CREATE INDEX answers_bank_question ON answers (bank, question_id)",
        ),
    ),
    Migration(
        2,
        "add_objective_and_chosen_wrong",
        (
            "ALTER TABLE answers ADD COLUMN objective TEXT NOT NULL DEFAULT ''",
            # JSON list of the wrong option texts a learner picked (for the instructor report)
            "ALTER TABLE answers ADD COLUMN chosen_wrong TEXT NOT NULL DEFAULT '[]'",
        ),
    ),
    Migration(
        3,
        "create_learner",
        (
            # One row at most: the name the learner chose for hand-ins (and the workshop room).
            """CREATE TABLE learner (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                name TEXT NOT NULL,
                set_at TEXT NOT NULL           -- UTC, ISO 8601
            )""",
        ),
    ),
)


SCHEMA_VERSION = MIGRATIONS[-1].version


class _Corrupt(Exception):
    """The file is not a usable progress database."""


class _TooNew(Exception):
    """The file was written by a newer japan_nato."""


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply the missing migrations in one transaction; raise _Corrupt for a foreign schema."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise _TooNew(
                f"it was written by a newer japan_nato (schema version {version}, this one "
                f"knows up to {SCHEMA_VERSION}); upgrade japan_nato"
            )
        if version == 0:
            tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
            if tables:
                names = ", ".join(sorted(row[0] for row in tables))
                raise _Corrupt(f"not a japan_nato progress file (it has tables: {names})")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for migration in MIGRATIONS:
            if migration.version <= version:
                continue
            for statement in migration.statements:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, now),
            )
            conn.execute(f"PRAGMA user_version = {migration.version:d}")
        columns = {row[1] for row in conn.execute("PRAGMA table_info(answers)")}
        missing = set(ATTEMPT_COLUMNS) - columns
        if missing:
            raise _Corrupt(f"the answers table lacks columns {', '.join(sorted(missing))}")
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise


def _rollback(conn: sqlite3.Connection) -> None:
    import sqlite3

    try:
        conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass  # the transaction is already gone; the original error is the one to report
