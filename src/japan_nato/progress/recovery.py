"""Open a progress file; move a corrupt one aside; copy a read-only one to memory."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3
from japan_nato.progress.migrations import ATTEMPT_COLUMNS, _Corrupt, _migrate, _TooNew

BUSY_TIMEOUT_MS = 10_000


# SQLite primary result codes (the low byte of an extended code).
_SQLITE_CORRUPT = 11


_SQLITE_NOTADB = 26


def _open_file(path: Path, busy_ms: int | None = None) -> sqlite3.Connection:
    """Connect to path, check it and bring its schema up to date; raise _Corrupt if unusable.

    busy_ms bounds the wait for a lock while opening (default BUSY_TIMEOUT_MS).
    """
    import sqlite3

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise NotADirectoryError(
            exc.errno, f"its folder {path.parent} cannot be created (a file is in the way)"
        ) from exc
    if path.is_dir():
        raise IsADirectoryError(21, "Is a directory (the path must name a file)", str(path))
    wait = BUSY_TIMEOUT_MS if busy_ms is None else busy_ms
    conn = sqlite3.connect(path, timeout=wait / 1000, isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {wait:d}")
        check = conn.execute("PRAGMA quick_check").fetchall()
        if [row[0] for row in check] != ["ok"]:
            raise _Corrupt(f"integrity check failed: {check[0][0]}")
        # Recognise the file (and create the schema) before changing its journal mode.
        _migrate(conn)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
    except sqlite3.DatabaseError as exc:
        conn.close()
        code = getattr(exc, "sqlite_errorcode", 0) or 0
        if code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            raise _Corrupt(str(exc)) from exc
        raise
    except BaseException:
        conn.close()
        raise
    return conn


_SQLITE_MAGIC = b"SQLite format 3\x00"


# Tables of our own schema; a file with any other table belongs to another program.
_OWN_TABLES = {"schema_migrations", "answers", "sqlite_sequence"}


def foreign_reason(path: Path) -> str | None:
    """Say why path is another program's file (never changing it), or None if it may be ours."""
    import sqlite3

    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    if not head or head.startswith(_SQLITE_MAGIC):
        if not head:
            return None
        try:
            source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                version = source.execute("PRAGMA user_version").fetchone()[0]
                tables = {
                    row[0]
                    for row in source.execute("SELECT name FROM sqlite_master WHERE type='table'")
                }
            finally:
                source.close()
        except sqlite3.Error:
            return None  # damaged: if it was ours, it is moved aside and kept
        others = sorted(tables - _OWN_TABLES)
        if others and (version == 0 or "answers" not in tables):
            return f"it is another program's SQLite database (tables: {', '.join(others)})"
        return None
    # Text (a CSV, a note) is never a damaged store of ours: a store starts with the magic.
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
                return None
        return "it is a text file (a CSV export, perhaps), not a progress database"
    return None


def _move_aside(path: Path) -> Path | None:
    """Rename path (and its -wal/-shm files) to <name>.corrupt-<UTC time>; None if it is gone."""
    if not path.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    try:
        path.rename(target)
    except FileNotFoundError:
        return None  # another process moved it first
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            # A stale WAL must not be replayed into the fresh database.
            side.rename(target.with_name(target.name + suffix))
    return target


def _empty_memory() -> sqlite3.Connection:
    """Return an empty in-memory store."""
    import sqlite3

    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    _migrate(conn)
    return conn


def _memory_copy(path: Path) -> sqlite3.Connection:
    """Return an in-memory store, holding a copy of path's answers when it is readable."""
    import sqlite3

    empty = _empty_memory
    if not path.is_file():
        return empty()
    # A WAL file in a read-only folder opens only as immutable (no -shm file can be made).
    for options in ("mode=ro", "mode=ro&immutable=1"):
        memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        try:
            source = sqlite3.connect(f"{path.resolve().as_uri()}?{options}", uri=True)
            try:
                source.backup(memory)
            finally:
                source.close()
            _migrate(memory)
        except _TooNew:
            # A newer schema: show its answers (the columns this version knows) all the same.
            known = _known_answers(memory)
            memory.close()
            if known is None:
                continue
            return known
        except (sqlite3.Error, _Corrupt):
            memory.close()
            continue
        return memory
    return empty()


def _known_answers(newer: sqlite3.Connection) -> sqlite3.Connection | None:
    """Return a fresh in-memory store holding the answers of a newer schema's copy, or None."""
    import sqlite3

    columns = ", ".join(ATTEMPT_COLUMNS)
    try:
        rows = newer.execute(f"SELECT {columns} FROM answers ORDER BY id").fetchall()
    except sqlite3.Error:
        return None
    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    _migrate(memory)
    marks = ", ".join("?" for _ in ATTEMPT_COLUMNS)
    memory.executemany(f"INSERT INTO answers ({columns}) VALUES ({marks})", rows)
    return memory
