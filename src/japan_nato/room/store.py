"""The room's store: every answer and every peer-instruction round, in SQLite with WAL."""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BUSY_TIMEOUT_MS = 10_000
MAX_TEXT = 2_000
PHASES = ("vote1", "vote2", "closed")

# The stored row: what the pre/post and item-analysis work needs too (learner, bank, question,
# chosen options, correct, attempt, round, time).
ANSWER_FIELDS = (
    "id",
    "uid",
    "learner",
    "bank",
    "question_id",
    "objective",
    "answer",
    "options",
    "chosen_wrong",
    "correct",
    "attempt",
    "round_id",
    "vote",
    "answered_at",
    "received_at",
)

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS answers (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL,             -- made by the learner's client; a resend is ignored
        learner TEXT NOT NULL,         -- the hub user name, from the token, never from the body
        bank TEXT NOT NULL,
        question_id TEXT NOT NULL,
        objective TEXT NOT NULL DEFAULT '',
        answer TEXT NOT NULL,          -- the canonical answer text
        options TEXT NOT NULL,         -- JSON list: chosen letters, true/false, or the text
        chosen_wrong TEXT NOT NULL DEFAULT '[]',  -- JSON list: wrong option texts (as the report)
        correct INTEGER NOT NULL,
        attempt INTEGER NOT NULL,      -- 1 = the learner's first try at this question
        round_id INTEGER,              -- a peer-instruction round, or NULL
        vote INTEGER,                  -- 1 or 2 within that round, or NULL
        answered_at TEXT NOT NULL,     -- UTC ISO 8601, in the learner's kernel
        received_at TEXT NOT NULL,     -- UTC ISO 8601, at the service
        UNIQUE (learner, uid)
    )""",
    "CREATE INDEX IF NOT EXISTS answers_question ON answers (bank, question_id)",
    "CREATE INDEX IF NOT EXISTS answers_learner ON answers (learner)",
    """CREATE TABLE IF NOT EXISTS rounds (
        id INTEGER PRIMARY KEY,
        bank TEXT NOT NULL,
        question_id TEXT NOT NULL,
        phase TEXT NOT NULL,           -- vote1, vote2 or closed
        opened_at TEXT NOT NULL,
        revote_at TEXT,
        closed_at TEXT
    )""",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS learners (
        learner TEXT PRIMARY KEY,
        display_name TEXT NOT NULL DEFAULT '',
        first_seen TEXT NOT NULL
    )""",
)


class RoomError(ValueError):
    """A request the store refuses, with a message for the caller."""


@dataclass(frozen=True)
class Round:
    """A peer-instruction round on one question."""

    id: int
    bank: str
    question_id: str
    phase: str
    opened_at: str
    revote_at: str | None = None
    closed_at: str | None = None

    @property
    def vote(self) -> int | None:
        """1 or 2 while the round takes votes, else None."""
        return {"vote1": 1, "vote2": 2}.get(self.phase)

    def as_dict(self) -> dict[str, Any]:
        """Return the round as JSON-ready data."""
        return {
            "id": self.id,
            "bank": self.bank,
            "question_id": self.question_id,
            "phase": self.phase,
            "vote": self.vote,
            "opened_at": self.opened_at,
            "revote_at": self.revote_at,
            "closed_at": self.closed_at,
        }


def now() -> str:
    """Return the current UTC time in ISO 8601 with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _text(value: Any, name: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise RoomError(f"{name} must be a non-empty string")
    return value[:limit]


class RoomStore:
    """Answers, rounds and learners' chosen names in one SQLite file (WAL)."""

    def __init__(self, path: str | Path) -> None:
        """Open or create the store at path (":memory:" for a throwaway one)."""
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            self.path,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        with self._lock:
            for statement in SCHEMA:
                self._conn.execute(statement)
        self._version = 0

    def secret(self, name: str) -> str:
        """Return a random value made once and kept in the file (stable across restarts)."""
        import secrets

        with self._lock:
            self._conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                (name, secrets.token_hex(32)),
            )
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (name,)).fetchone()
            return str(row[0])

    @property
    def version(self) -> int:
        """A number that grows with every change (for caching the dashboard)."""
        return self._version

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()

    # -- answers ---------------------------------------------------------------------

    def add_answers(self, learner: str, items: list[dict[str, Any]]) -> list[str]:
        """Store a learner's answers (resends are ignored); return the uids now stored."""
        learner = _text(learner, "learner", limit=200)
        if not isinstance(items, list):
            raise RoomError("answers must be a list")
        rows = [self._answer_row(learner, item) for item in items]
        stamp = now()
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.execute(
                    "INSERT OR IGNORE INTO learners (learner, first_seen) VALUES (?, ?)",
                    (learner, stamp),
                )
                for row in rows:
                    attempt = row["attempt"]
                    if attempt is None:
                        attempt = (
                            1
                            + self._conn.execute(
                                "SELECT COUNT(*) FROM answers WHERE learner = ? AND bank = ? AND"
                                " question_id = ?",
                                (learner, row["bank"], row["question_id"]),
                            ).fetchone()[0]
                        )
                    self._conn.execute(
                        "INSERT OR IGNORE INTO answers (uid, learner, bank, question_id,"
                        " objective, answer, options, chosen_wrong, correct, attempt, round_id,"
                        " vote, answered_at, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (
                            row["uid"],
                            learner,
                            row["bank"],
                            row["question_id"],
                            row["objective"],
                            row["answer"],
                            row["options"],
                            row["chosen_wrong"],
                            row["correct"],
                            attempt,
                            row["round_id"],
                            row["vote"],
                            row["answered_at"],
                            stamp,
                        ),
                    )
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._version += 1
        return [row["uid"] for row in rows]

    def _answer_row(self, learner: str, item: Any) -> dict[str, Any]:
        if not isinstance(item, dict):
            raise RoomError("each answer must be an object")
        options = item.get("options", [])
        if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
            raise RoomError("options must be a list of strings")
        wrong = item.get("chosen_wrong", [])
        if not isinstance(wrong, list) or not all(isinstance(o, str) for o in wrong):
            raise RoomError("chosen_wrong must be a list of strings")
        attempt = item.get("attempt")
        if attempt is not None and (not isinstance(attempt, int) or attempt < 1):
            raise RoomError("attempt must be a whole number from 1")
        round_id, vote = item.get("round_id"), item.get("vote")
        if round_id is not None:
            if not isinstance(round_id, int) or vote not in (1, 2):
                raise RoomError("a round answer needs a round_id and a vote of 1 or 2")
            found = self.round(round_id)
            if found is None or found.question_id != item.get("question_id"):
                raise RoomError(f"round {round_id} is not a round on this question")
            # The card's idea of the phase may be a few seconds old (it caches the round):
            # which vote an answer belongs to is decided here, by when it was given.
            given = item.get("answered_at")
            when: str = given if isinstance(given, str) and given else now()
            vote = 2 if found.revote_at is not None and when >= found.revote_at else 1
        else:
            # The card may not know about the round (or asked before it opened): an answer
            # given while a round is open on its question is a vote in that round.
            round_id, vote = self._round_at(item.get("question_id"), item.get("answered_at"))
        return {
            "uid": _text(item.get("uid"), "uid", limit=64),
            "bank": _text(item.get("bank"), "bank", limit=100),
            "question_id": _text(item.get("question_id"), "question_id", limit=100),
            "objective": _text(item.get("objective"), "objective", required=False, limit=100),
            "answer": _text(item.get("answer", ""), "answer", required=False),
            "options": json.dumps([o[:MAX_TEXT] for o in options[:20]], ensure_ascii=False),
            "chosen_wrong": json.dumps([o[:MAX_TEXT] for o in wrong[:20]], ensure_ascii=False),
            "correct": int(bool(item.get("correct"))),
            "attempt": attempt,
            "round_id": round_id,
            "vote": vote,
            "answered_at": _text(item.get("answered_at") or now(), "answered_at", limit=40),
        }

    def _round_at(self, question_id: Any, answered_at: Any) -> tuple[int | None, int | None]:
        """Return (round id, vote) of the round open on a question at a time, else Nones."""
        if not isinstance(question_id, str):
            return None, None
        when = answered_at if isinstance(answered_at, str) and answered_at else now()
        for found in reversed(self._round_rows("WHERE question_id = ?", (question_id,))):
            if found.opened_at <= when and (found.closed_at is None or when < found.closed_at):
                vote = 2 if found.revote_at is not None and when >= found.revote_at else 1
                return found.id, vote
        return None, None

    def answers(self, learner: str | None = None) -> list[dict[str, Any]]:
        """Return every stored answer (or one learner's), oldest first, as dicts."""
        sql = f"SELECT {', '.join(ANSWER_FIELDS)} FROM answers"
        params: tuple[Any, ...] = ()
        if learner is not None:
            sql += " WHERE learner = ?"
            params = (learner,)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY id", params).fetchall()
        out = []
        for row in rows:
            record = dict(zip(ANSWER_FIELDS, row, strict=True))
            record["options"] = json.loads(record["options"])
            record["chosen_wrong"] = json.loads(record["chosen_wrong"])
            record["correct"] = bool(record["correct"])
            out.append(record)
        return out

    def count(self) -> int:
        """Return how many answers are stored."""
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0])

    # -- learners' chosen names --------------------------------------------------------

    def set_display_name(self, learner: str, name: str) -> str:
        """Record the name a learner wants shown to the instructor; return it as stored."""
        learner = _text(learner, "learner", limit=200)
        shown = " ".join(_text(name, "name", limit=60).split())
        with self._lock:
            self._conn.execute(
                "INSERT INTO learners (learner, display_name, first_seen) VALUES (?, ?, ?)"
                " ON CONFLICT(learner) DO UPDATE SET display_name = excluded.display_name",
                (learner, shown, now()),
            )
            self._version += 1
        return shown

    def display_names(self) -> dict[str, str]:
        """Return learner -> chosen display name (only those who chose one)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT learner, display_name FROM learners WHERE display_name != ''"
            ).fetchall()
        return dict(rows)

    # -- rounds ------------------------------------------------------------------------

    def _round_rows(self, where: str, params: tuple[Any, ...]) -> list[Round]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, bank, question_id, phase, opened_at, revote_at, closed_at FROM rounds"
                f" {where} ORDER BY id",
                params,
            ).fetchall()
        return [Round(*row) for row in rows]

    def round(self, round_id: int) -> Round | None:
        """Return one round, or None."""
        found = self._round_rows("WHERE id = ?", (round_id,))
        return found[0] if found else None

    def rounds(self) -> list[Round]:
        """Return every round, oldest first."""
        return self._round_rows("", ())

    def open_rounds(self) -> list[Round]:
        """Return the rounds that take votes now."""
        return self._round_rows("WHERE phase != 'closed'", ())

    def open_round(self, bank: str, question_id: str) -> Round:
        """Open a round on a question (closing any open one on it); return it."""
        bank = _text(bank, "bank", limit=100)
        question_id = _text(question_id, "question_id", limit=100)
        stamp = now()
        with self._lock:
            self._conn.execute(
                "UPDATE rounds SET phase = 'closed', closed_at = ? WHERE question_id = ? AND"
                " phase != 'closed'",
                (stamp, question_id),
            )
            cursor = self._conn.execute(
                "INSERT INTO rounds (bank, question_id, phase, opened_at) VALUES (?, ?, ?, ?)",
                (bank, question_id, "vote1", stamp),
            )
            self._version += 1
            new_id = int(cursor.lastrowid or 0)
        found = self.round(new_id)
        assert found is not None
        return found

    def advance_round(self, round_id: int, action: str) -> Round:
        """Move a round on: "revote" starts vote 2, "close" ends it; return it."""
        current = self.round(round_id)
        if current is None:
            raise RoomError(f"no round {round_id}")
        stamp = now()
        if action == "revote" and current.phase == "vote1":
            sql, params = (
                "UPDATE rounds SET phase = 'vote2', revote_at = ? WHERE id = ?",
                (stamp, round_id),
            )
        elif action == "close" and current.phase != "closed":
            sql, params = (
                "UPDATE rounds SET phase = 'closed', closed_at = ? WHERE id = ?",
                (stamp, round_id),
            )
        else:
            raise RoomError(f"cannot {action} round {round_id}: it is in phase {current.phase}")
        with self._lock:
            self._conn.execute(sql, params)
            self._version += 1
        found = self.round(round_id)
        assert found is not None
        return found
