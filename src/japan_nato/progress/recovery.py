"""Open a progress file; move a corrupt one aside; copy a read-only one to memory."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3
from japan_nato.progress.migrations import _Corrupt, _migrate, _TooNew

BUSY_TIMEOUT_MS = 10_000


# SQLite primary result codes (the low byte of an extended code).
_SQLITE_CORRUPT = 11


_SQLITE_NOTADB = 26


def _open_file(path: Path) -> sqlite3.Connection:
    """Connect to path, check it and bring its schema up to date; raise _Corrupt if unusable."""
    import sqlite3

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise NotADirectoryError(
            exc.errno, f"its folder {path.parent} cannot be created (a file is in the way)"
        ) from exc
    if path.is_dir():
        raise IsADirectoryError(21, "Is a directory (the path must name a file)", str(path))
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        check = conn.execute("PRAGMA quick_check").fetchall()
        if [row[0] for row in check] != ["ok"]:
            raise _Corrupt(f"integrity check failed: {check[0][0]}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        _migrate(conn)
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


def _memory_copy(path: Path) -> sqlite3.Connection:
    """Return an in-memory store, holding a copy of path's answers when it is readable."""
    import sqlite3

    def empty() -> sqlite3.Connection:
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        _migrate(conn)
        return conn

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
        except (sqlite3.Error, _Corrupt, _TooNew):
            memory.close()
            continue
        return memory
    return empty()
