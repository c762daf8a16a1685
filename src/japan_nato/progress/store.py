"""ProgressStore: every checked answer, in SQLite (or in memory as a fallback)."""

from __future__ import annotations

import json
import os
import reprlib
import sys
import threading
import warnings
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import pandas as pd

from japan_nato.errors import ProgressError

if TYPE_CHECKING:
    import sqlite3
from japan_nato.progress.export import EXPORT_COLUMNS
from japan_nato.progress.location import ENV_PATH, clean_name, default_learner, default_path
from japan_nato.progress.migrations import (
    ATTEMPT_COLUMNS,
    _Corrupt,
    _rollback,
    _TooNew,
)
from japan_nato.progress.recovery import (
    _empty_memory,
    _memory_copy,
    _move_aside,
    _open_file,
    foreign_reason,
)

MAX_ANSWER_CHARS = 2_000


_FIX_HINT = (
    f"To save progress, set the environment variable {ENV_PATH} to a file in a folder you "
    f"can write to, e.g. {ENV_PATH}=~/japan_nato_progress.sqlite, and restart the kernel."
)


class ProgressStore:
    """Answers recorded in a SQLite file, or in memory when the file cannot be used."""

    path: Path | None
    warning: str | None

    def __init__(self, path: str | Path | None = None, *, memory: bool = False) -> None:
        """Open (creating, upgrading or recovering) the store at path, or at default_path().

        memory=True keeps the answers in memory only and touches no file (see in_memory()).
        """
        requested = Path(path).expanduser() if path is not None else default_path()
        # Absolute once: a later chdir must not move the store (links are not resolved).
        self.requested_path = Path(":memory:") if memory else Path(os.path.abspath(requested))
        self.path = None
        self.warning = None
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._retry: Path | None = None  # a file that was locked at open: try it again later
        self._conn = _empty_memory() if memory else self._open(self.requested_path)
        self._identity = None if memory else self._file_identity()

    @classmethod
    def in_memory(cls) -> ProgressStore:
        """Return a store that keeps its answers in memory only (nothing is written to disk)."""
        return cls(memory=True)

    # -- opening -------------------------------------------------------------------------

    def _open(self, path: Path) -> sqlite3.Connection:
        import sqlite3

        if path.is_symlink():
            target = os.readlink(path)
            return self._fall_back(
                path,
                f"it is a symbolic link (to {target}); the store does not follow links, so "
                "nothing was read or created through it: give the real file's path",
                read=False,
            )
        foreign = foreign_reason(path) if path.is_file() else None
        if foreign is not None:
            return self._fall_back(
                path,
                f"it is not a japan_nato progress file: {foreign}. It was left untouched",
                read=False,
            )
        unwritable = _unwritable(path)
        if unwritable is not None:
            return self._fall_back(path, unwritable)
        try:
            conn = _open_file(path)
        except _TooNew as exc:
            return self._fall_back(path, str(exc))
        except _Corrupt as exc:
            try:
                moved = _move_aside(path)
            except OSError as move_exc:
                return self._fall_back(
                    path, f"it is damaged ({exc}) and could not be moved aside ({move_exc})"
                )
            try:
                conn = _open_file(path)
            except (_Corrupt, _TooNew, sqlite3.Error, OSError) as again:
                return self._fall_back(path, f"a fresh store could not be started ({again})")
            where = f"moved to {moved}" if moved else "already moved aside by another process"
            self._warn(
                f"The progress file {path} could not be read ({exc}); it was {where} and kept. "
                "A fresh progress store was started; earlier answers are in the moved file."
            )
        except (sqlite3.Error, OSError) as exc:
            reason = _reason(exc)
            if "locked" in reason:
                # Another process holds the file for now: keep answers in memory, try again.
                self._retry = path
                conn = _memory_copy(path)
                self._warn(
                    f"The progress file {path} is locked by another process ({reason}). "
                    "Answers are kept in memory for now and saved to the file as soon as it "
                    "is free."
                )
                return conn
            if path.parent.is_dir() and not os.access(path.parent, os.W_OK):
                reason += f" (the folder {path.parent} is read-only)"
            return self._fall_back(path, reason)
        self.path = path
        return conn

    def _fall_back(self, path: Path, reason: str, *, read: bool = True) -> sqlite3.Connection:
        conn = _memory_copy(path) if read else _empty_memory()
        self.path = None
        earlier = ""
        if conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]:
            earlier = "Earlier answers were read from it, but new ones are not written to it. "
        self._warn(
            f"Cannot use the progress file {path}: {reason}. {earlier}"
            "Progress will NOT be saved: answers are kept in memory only until this "
            f"process ends. {_FIX_HINT}"
        )
        return conn

    def _file_identity(self) -> tuple[int, int] | None:
        if self.path is None:
            return None
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return (info.st_dev, info.st_ino)

    def _check_file(self) -> None:
        """Notice a file deleted or replaced under us, or a lock that is gone; reconnect."""
        import sqlite3

        if self._retry is not None:
            try:
                # A short wait: an answer must not hang while another process holds the lock.
                fresh = _open_file(self._retry, busy_ms=200)
            except (sqlite3.Error, OSError, _Corrupt, _TooNew):
                return  # still locked (or unusable): answers stay in memory for now
            moved = self._carry_over(fresh)
            self.path, self._retry = self._retry, None
            self._identity = self._file_identity()
            self._warn(
                f"The progress file {self.path} is free again; {moved} answer(s) kept in memory "
                "meanwhile were saved to it."
            )
            return
        if self.path is None or self._identity is None:
            return
        if self._file_identity() == self._identity:
            return
        try:
            fresh = _open_file(self.path)
        except (sqlite3.Error, OSError, _Corrupt, _TooNew) as exc:
            self._conn = self._fall_back(
                self.path, f"it was deleted and cannot be made again ({exc})"
            )
            return
        moved = self._carry_over(fresh)
        self._identity = self._file_identity()
        self._warn(
            f"The progress file {self.path} was deleted (or replaced) while this process ran. "
            f"It was made again, with the {moved} answer(s) this process could still read."
        )

    def _carry_over(self, fresh: sqlite3.Connection) -> int:
        """Copy every answer of the current connection into fresh, switch to it; return count."""
        import sqlite3

        old = self._conn
        columns = ", ".join(ATTEMPT_COLUMNS)
        rows: list[tuple[Any, ...]] = []
        if old is not None:
            try:
                rows = old.execute(f"SELECT {columns} FROM answers ORDER BY id").fetchall()
            except sqlite3.Error:
                rows = []
        have = {tuple(row) for row in fresh.execute(f"SELECT {columns} FROM answers").fetchall()}
        missing = [row for row in rows if tuple(row) not in have]
        marks = ", ".join("?" for _ in ATTEMPT_COLUMNS)
        fresh.execute("BEGIN IMMEDIATE")
        fresh.executemany(f"INSERT INTO answers ({columns}) VALUES ({marks})", missing)
        fresh.execute("COMMIT")
        if old is not None:
            old.close()
        self._conn = fresh
        return len(missing)

    def _warn(self, message: str) -> None:
        self.warning = message if self.warning is None else f"{self.warning}\n{message}"
        warnings.warn(message, UserWarning, stacklevel=_caller_level())

    # -- queries -------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ProgressError(f"the progress store {self._where()} is closed")
        return self._conn

    def _where(self) -> str:
        return str(self.path) if self.path is not None else "(in memory)"

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import sqlite3

        with self._lock:
            try:
                return self._connection().execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise ProgressError(
                    f"cannot read the progress store {self._where()}: {_reason(exc)}"
                ) from exc

    def _write(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        import sqlite3

        with self._lock:
            self._connection()
            self._check_file()
            conn = self._connection()
            try:
                # IMMEDIATE takes the write lock up front, so concurrent writers queue on
                # busy_timeout instead of failing with a deadlock on lock upgrade.
                conn.execute("BEGIN IMMEDIATE")
                try:
                    count = conn.execute(sql, params).rowcount
                    conn.execute("COMMIT")
                except BaseException:
                    _rollback(conn)
                    raise
            except sqlite3.Error as exc:
                raise ProgressError(
                    f"cannot write to the progress store {self._where()}: {_reason(exc)}"
                ) from exc
            return count

    def record(
        self,
        bank: str,
        question_id: str,
        answer: Any,
        correct: bool,
        *,
        objective: str = "",
        chosen_wrong: Iterable[str] = (),
    ) -> None:
        """Record one checked answer."""
        for name, value in (("bank", bank), ("question_id", question_id)):
            if not isinstance(value, str) or not value:
                raise ProgressError(f"record(): {name} must be a non-empty string, got {value!r}")
        wrong = [_clip(str(text)) for text in chosen_wrong]
        self._write(
            "INSERT INTO answers (bank, question_id, objective, answer, correct, chosen_wrong,"
            " answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                bank,
                question_id,
                str(objective or ""),
                answer_json(answer),
                int(bool(correct)),
                json.dumps(wrong, ensure_ascii=False),
                datetime.now(UTC).isoformat(timespec="microseconds"),
            ),
        )

    def correct_ids(self, bank: str) -> set[str]:
        """Return the ids of the bank's questions answered correctly at least once."""
        rows = self._read(
            "SELECT DISTINCT question_id FROM answers WHERE bank = ? AND correct = 1", (bank,)
        )
        return {row[0] for row in rows}

    def attempts(self, bank: str | None = None) -> pd.DataFrame:
        """Return one row per recorded answer (answer and chosen_wrong as JSON text)."""
        sql = f"SELECT {', '.join(ATTEMPT_COLUMNS)} FROM answers"
        params: tuple[Any, ...] = ()
        if bank is not None:
            sql += " WHERE bank = ?"
            params = (bank,)
        rows = self._read(sql + " ORDER BY id", params)
        frame = pd.DataFrame(rows, columns=ATTEMPT_COLUMNS)
        frame["correct"] = frame["correct"].astype(bool)
        return frame

    def missed(self) -> list[tuple[str, str]]:
        """Return (bank, question_id) answered wrongly and never right, in first-miss order."""
        rows = self._read(
            "SELECT bank, question_id FROM answers GROUP BY bank, question_id"
            " HAVING MAX(correct) = 0 ORDER BY MIN(id)"
        )
        return [(row[0], row[1]) for row in rows]

    def export(
        self, path: str | Path, learner: str | None = None, *, overwrite: bool = False
    ) -> int:
        """Write all attempts to a CSV with a learner column; return the rows written.

        An existing file is replaced only with overwrite=True; the progress database never.
        """
        target = Path(path).expanduser()
        if self._is_database(target):
            raise ProgressError(
                f"{target} is the progress database itself; choose another name for the export"
            )
        if (target.exists() or target.is_symlink()) and not overwrite:
            raise ProgressError(
                f"{target} already exists; choose another name, or replace it with --force "
                "(overwrite=True)"
            )
        frame = self.attempts()
        frame.insert(0, "learner", safe_cell(learner or self.learner_name() or default_learner()))
        frame = frame[EXPORT_COLUMNS]
        try:
            frame.to_csv(target, index=False)
        except OSError as exc:
            raise ProgressError(f"cannot write the export {target}: {_reason(exc)}") from exc
        return len(frame)

    def learner_name(self) -> str | None:
        """Return the name the learner chose for hand-ins, or None if none was chosen."""
        rows = self._read("SELECT name FROM learner WHERE id = 1")
        return str(rows[0][0]) if rows else None

    def set_learner_name(self, name: str) -> str:
        """Keep the learner's chosen name (tidied; ValueError if unusable); return it."""
        text = clean_name(name)
        self._write(
            "INSERT INTO learner (id, name, set_at) VALUES (1, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET name = excluded.name, set_at = excluded.set_at",
            (text, datetime.now(UTC).isoformat(timespec="seconds")),
        )
        return text

    def _is_database(self, target: Path) -> bool:
        for base in {p for p in (self.path, self.requested_path) if p is not None}:
            for suffix in ("", "-wal", "-shm", "-journal"):
                candidate = base.with_name(base.name + suffix)
                try:
                    if target.resolve() == candidate.resolve() or (
                        target.exists() and candidate.exists() and target.samefile(candidate)
                    ):
                        return True
                except OSError:
                    continue
        return False

    def reset(self) -> int:
        """Delete every recorded answer; return how many were deleted."""
        return self._write("DELETE FROM answers")

    def count(self) -> int:
        """Return how many answers are recorded."""
        return int(self._read("SELECT COUNT(*) FROM answers")[0][0])

    def close(self) -> None:
        """Close the database connection (idempotent)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @property
    def closed(self) -> bool:
        """True once close() has been called."""
        return self._conn is None

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ProgressStore({self._where()})"


def _caller_level() -> int:
    """Return the warnings stacklevel of the first frame outside the package (the learner's)."""
    frame: FrameType | None = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] == "japan_nato":
        frame = frame.f_back
        level += 1
    return level


_STORES: dict[Path, ProgressStore] = {}


_STORES_LOCK = threading.Lock()


def get_store(path: str | Path | None = None) -> ProgressStore:
    """Return this process's store for path (default_path() when None), opening it once."""
    raw = Path(path).expanduser() if path is not None else default_path()
    key = raw.resolve()
    with _STORES_LOCK:
        store = _STORES.get(key)
        if store is None or store.closed:
            store = ProgressStore(raw)
            _STORES[key] = store
        return store


def answer_json(answer: Any) -> str:
    """Return answer as JSON text of at most about MAX_ANSWER_CHARS characters."""
    if isinstance(answer, str):
        return json.dumps(_clip(answer), ensure_ascii=False)
    try:
        text = json.dumps(answer, ensure_ascii=False, allow_nan=False, default=_jsonable)
    except (TypeError, ValueError, RecursionError):
        # reprlib bounds the work and the size, whatever the learner passed.
        return json.dumps(_clip(_short_repr.repr(answer)), ensure_ascii=False)
    if len(text) > MAX_ANSWER_CHARS:
        return json.dumps(_clip(text), ensure_ascii=False)
    return text


_short_repr = reprlib.Repr()


_short_repr.maxstring = MAX_ANSWER_CHARS


_short_repr.maxother = MAX_ANSWER_CHARS


_short_repr.maxlist = _short_repr.maxtuple = _short_repr.maxset = _short_repr.maxdict = 50


def _jsonable(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return item()
    raise TypeError(type(value).__name__)


def _clip(text: str) -> str:
    if len(text) <= MAX_ANSWER_CHARS:
        return text
    return f"{text[:MAX_ANSWER_CHARS]}… [{len(text) - MAX_ANSWER_CHARS} more characters]"


def safe_cell(text: str) -> str:
    """Return text that a spreadsheet shows as text: a leading = + - @ would start a formula."""
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _unwritable(path: Path) -> str | None:
    """Say why an existing store file (or its -wal) cannot be written, or None."""
    for candidate in (path, path.with_name(path.name + "-wal")):
        if not candidate.is_file():
            continue
        try:
            # Opening for writing (and writing nothing) tells an immutable file or a
            # read-only mount at once, even for root.
            os.close(os.open(candidate, os.O_RDWR))
        except OSError as exc:
            return f"{candidate.name} cannot be written ({_reason(exc)})"
    return None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__
