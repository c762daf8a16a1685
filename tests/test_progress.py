"""The progress store: recording, concurrency, recovery, fallback and migrations."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import japan_nato
from japan_nato.errors import ProgressError
from japan_nato.progress import (
    ATTEMPT_COLUMNS,
    MAX_ANSWER_CHARS,
    MIGRATIONS,
    SCHEMA_VERSION,
    Migration,
    ProgressStore,
    default_path,
    get_store,
    migrations,
    recovery,
)

SRC = Path(japan_nato.__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    """The environment for a child Python that must import this japan_nato."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return env


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a fresh store must open without any warning
        opened = ProgressStore(tmp_path / "progress.sqlite")
    yield opened
    opened.close()


# -- where the file lives ----------------------------------------------------------------


def test_default_path_follows_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("JAPAN_NATO_PROGRESS", str(tmp_path / "mine.sqlite"))
    assert default_path() == tmp_path / "mine.sqlite"


def test_default_path_is_under_the_jupyter_data_dir(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("JAPAN_NATO_PROGRESS", raising=False)
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter"))
    assert default_path() == tmp_path / "jupyter" / "japan_nato" / "progress.sqlite"


def test_store_creates_missing_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "progress.sqlite"
    with ProgressStore(path) as opened:
        assert opened.path == path
        assert opened.warning is None
    assert path.is_file()


def test_store_uses_wal_and_records_its_schema(store: ProgressStore) -> None:
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        names = [row[0] for row in conn.execute("SELECT name FROM schema_migrations")]
    assert names == [migration.name for migration in MIGRATIONS]


# -- recording and reading -----------------------------------------------------------------


def test_record_and_read_back(store: ProgressStore) -> None:
    store.record("b1", "q1", "B", False, objective="o1", chosen_wrong=["5 July 2022"])
    store.record("b1", "q1", "A", True, objective="o1")
    store.record("b1", "q2", ["A", "C"], False)
    store.record("b2", "q3", {"1": "B"}, True)

    assert store.correct_ids("b1") == {"q1"}
    assert store.correct_ids("b2") == {"q3"}
    assert store.correct_ids("nope") == set()
    assert store.count() == 4

    frame = store.attempts()
    assert list(frame.columns) == ATTEMPT_COLUMNS
    assert frame["correct"].dtype == bool
    assert frame["correct"].tolist() == [False, True, False, True]
    assert json.loads(frame.loc[0, "answer"]) == "B"
    assert json.loads(frame.loc[2, "answer"]) == ["A", "C"]
    assert json.loads(frame.loc[0, "chosen_wrong"]) == ["5 July 2022"]
    assert frame.loc[0, "objective"] == "o1"
    answered = datetime.fromisoformat(frame.loc[0, "answered_at"])
    assert answered.utcoffset().total_seconds() == 0
    assert abs((datetime.now(UTC) - answered).total_seconds()) < 60

    assert len(store.attempts("b1")) == 3
    assert store.attempts("nope").empty


def test_answers_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite"
    with ProgressStore(path) as first:
        first.record("b", "q", "A", True)
    with ProgressStore(path) as second:
        assert second.correct_ids("b") == {"q"}


def test_missed_lists_never_right_questions_in_first_miss_order(store: ProgressStore) -> None:
    store.record("b", "late", "x", False)
    store.record("b", "fixed", "x", False)
    store.record("b", "early-right", "x", True)
    store.record("b", "fixed", "y", True)
    store.record("b", "late", "y", False)
    store.record("c", "other", "x", False)
    store.record("b", "early-right", "z", False)
    assert store.missed() == [("b", "late"), ("c", "other")]


def test_odd_answers_are_stored_as_bounded_json(store: ProgressStore) -> None:
    huge = "x" * 1_000_000
    store.record("b", "huge", huge, False)
    store.record("b", "set", {"C", "A"}, False)
    store.record("b", "object", object(), False)
    store.record("b", "nan", float("nan"), False)
    store.record("b", "nested", [[[1] * 10_000]], False)
    store.record("b", "bytes", b"\x00\xff", False)
    store.record("b", "none", None, False)
    answers = store.attempts()["answer"].tolist()
    for text in answers:
        json.loads(text)  # always valid JSON
        assert len(text) <= MAX_ANSWER_CHARS + 100
    assert json.loads(answers[0]).startswith("x" * 100)
    assert "more characters" in json.loads(answers[0])
    assert json.loads(answers[1]) == ["A", "C"]
    assert json.loads(answers[2]).startswith("<object object")
    assert json.loads(answers[6]) is None


@pytest.mark.parametrize(("bank", "question_id"), [("", "q"), ("b", ""), (None, "q"), ("b", 3)])
def test_record_needs_a_bank_and_a_question_id(store: ProgressStore, bank, question_id) -> None:
    with pytest.raises(ProgressError, match="non-empty string"):
        store.record(bank, question_id, "A", True)


def test_export_writes_a_csv_with_a_learner_column(store: ProgressStore, tmp_path: Path) -> None:
    store.record("b", "q1", "A", True, objective="o")
    store.record("b", "q2", "B", False, chosen_wrong=["B text"])
    target = tmp_path / "export.csv"
    assert store.export(target, learner="Aiko") == 2
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["learner", *ATTEMPT_COLUMNS]
    assert {row["learner"] for row in rows} == {"Aiko"}
    assert [row["question_id"] for row in rows] == ["q1", "q2"]
    assert [row["correct"] for row in rows] == ["True", "False"]
    assert json.loads(rows[1]["chosen_wrong"]) == ["B text"]


def test_export_learner_defaults_to_the_environment(
    store: ProgressStore, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("JAPAN_NATO_LEARNER", "Ben")
    store.record("b", "q1", "A", True)
    target = tmp_path / "export.csv"
    store.export(target)
    assert "Ben" in target.read_text(encoding="utf-8").splitlines()[1]


def test_export_to_an_impossible_place_names_it(store: ProgressStore, tmp_path: Path) -> None:
    with pytest.raises(ProgressError, match="cannot write the export .*missing"):
        store.export(tmp_path / "missing" / "export.csv")


def test_reset_deletes_everything_and_counts(store: ProgressStore) -> None:
    for index in range(3):
        store.record("b", f"q{index}", "A", True)
    assert store.reset() == 3
    assert store.count() == 0
    assert store.correct_ids("b") == set()
    assert store.reset() == 0


def test_a_closed_store_says_so(tmp_path: Path) -> None:
    opened = ProgressStore(tmp_path / "progress.sqlite")
    opened.close()
    opened.close()  # idempotent
    with pytest.raises(ProgressError, match="closed"):
        opened.record("b", "q", "A", True)


def test_get_store_shares_one_store_per_path(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "shared.sqlite"
    first = get_store(path)
    assert get_store(tmp_path / "x" / ".." / "shared.sqlite") is first
    assert get_store(str(path)) is first
    monkeypatch.setenv("JAPAN_NATO_PROGRESS", str(path))
    assert get_store() is first
    assert get_store(tmp_path / "other.sqlite") is not first
    first.close()
    assert get_store(path) is not first


def test_importing_the_store_does_not_import_sqlite3() -> None:
    code = "import sys, japan_nato.progress.store; assert 'sqlite3' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, env=_env())


# -- two kernels at once ---------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from japan_nato.progress import ProgressStore

    store = ProgressStore(sys.argv[1])
    for index in range(200):
        store.record("bank", f"q{index}", {"writer": sys.argv[2], "n": index}, index % 2 == 0)
    store.close()
    """
)


def test_four_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared" / "progress.sqlite"  # the writers race to create it, too
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(number)],
            env=_env(),
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(4)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        assert "Warning" not in err
    with ProgressStore(path) as opened:
        frame = opened.attempts()
    assert len(frame) == 800
    writers_seen = frame["answer"].map(lambda text: json.loads(text)["writer"])
    assert writers_seen.value_counts().to_dict() == {str(n): 200 for n in range(4)}


# -- a damaged file is kept and a fresh store started ---------------------------------------


def _recovered(path: Path) -> ProgressStore:
    with pytest.warns(UserWarning, match="fresh progress store was started") as record:
        opened = ProgressStore(path)
    assert str(record[0].message) == opened.warning
    return opened


def _moved(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.corrupt-*[0-9Z]"))


def test_garbage_file_is_moved_aside_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite"
    garbage = bytes(range(256)) * 40
    path.write_bytes(garbage)

    opened = _recovered(path)

    [moved] = _moved(path)
    assert moved.read_bytes() == garbage
    assert moved.name.startswith("progress.sqlite.corrupt-")
    assert str(moved) in opened.warning
    assert opened.path == path
    opened.record("b", "q", "A", True)
    assert opened.correct_ids("b") == {"q"}
    opened.close()
    with ProgressStore(path) as reopened:  # the fresh file is a good one
        assert reopened.warning is None
        assert reopened.count() == 1


def test_truncated_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite"
    with ProgressStore(path) as opened:
        for index in range(300):
            opened.record("b", f"q{index}", "x" * 400, True)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.truncate(size // 2)
    kept = path.read_bytes()

    opened = _recovered(path)

    [moved] = _moved(path)
    assert moved.read_bytes() == kept
    assert opened.count() == 0
    opened.close()


def test_a_database_of_something_else_is_refused_and_kept_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.execute("INSERT INTO recipes VALUES ('miso soup')")
    conn.close()
    before = path.read_bytes()

    opened = _fallback(path)

    assert "not a japan_nato progress file" in opened.warning
    assert _moved(path) == []
    assert path.read_bytes() == before
    opened.close()


def test_a_moved_aside_name_that_exists_gets_a_counter(tmp_path: Path, monkeypatch) -> None:
    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2024, 5, 6, 7, 8, 9, tzinfo=tz)

    monkeypatch.setattr(recovery, "datetime", Frozen)
    path = tmp_path / "progress.sqlite"
    earlier = tmp_path / "progress.sqlite.corrupt-20240506T070809Z"
    earlier.write_bytes(b"an earlier rescue")
    damaged = b"SQLite format 3\x00" + bytes(range(256)) * 8  # ours, but its pages are garbage
    path.write_bytes(damaged)

    _recovered(path).close()

    assert earlier.read_bytes() == b"an earlier rescue"
    counted = tmp_path / "progress.sqlite.corrupt-20240506T070809Z-1"
    assert counted.read_bytes() == damaged


# -- an unwritable place falls back to memory ----------------------------------------------


def _fallback(path: Path) -> ProgressStore:
    with pytest.warns(UserWarning, match="will NOT be saved") as record:
        opened = ProgressStore(path)
    message = str(record[0].message)
    assert message == opened.warning
    assert "JAPAN_NATO_PROGRESS" in message  # says how to fix it
    assert str(path) in message
    assert opened.path is None
    opened.record("b", "q", "A", True)  # still usable for this session
    assert opened.correct_ids("b") == {"q"}
    return opened


def test_a_file_in_the_way_of_the_folder_falls_back_to_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("I am a file", encoding="utf-8")
    opened = _fallback(blocker / "progress.sqlite")
    assert "a file is in the way" in opened.warning
    assert blocker.read_text(encoding="utf-8") == "I am a file"


def test_a_folder_as_the_path_falls_back_to_memory(tmp_path: Path) -> None:
    folder = tmp_path / "progress.sqlite"
    folder.mkdir()
    opened = _fallback(folder)
    assert "is a directory" in opened.warning
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root can write into a read-only folder; the other fallback tests cover root",
)
def test_a_read_only_folder_falls_back_to_memory(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        _fallback(folder / "progress.sqlite")
    finally:
        folder.chmod(0o755)


READ_ONLY_CHECK = textwrap.dedent(
    """
    import sys, warnings
    from japan_nato.progress import ProgressStore

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fresh = ProgressStore(sys.argv[1] + "/fresh/progress.sqlite")
        kept = ProgressStore(sys.argv[1] + "/kept/progress.sqlite")
    assert fresh.path is None and kept.path is None
    assert len(caught) == 2 and all("will NOT be saved" in str(w.message) for w in caught)
    assert "is read-only" in fresh.warning
    assert "Earlier answers were read" in kept.warning
    assert kept.correct_ids("b") == {"q"}, kept.attempts()
    """
)


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("unshare"),
    reason="a read-only bind mount needs root on Linux",
)
def test_a_read_only_mount_falls_back_and_keeps_earlier_answers(tmp_path: Path) -> None:
    (tmp_path / "fresh").mkdir()
    with ProgressStore(tmp_path / "kept" / "progress.sqlite") as earlier:
        earlier.record("b", "q", "A", True)
    # A private mount namespace: the read-only mount is seen by this one child only.
    script = (
        'for d in "$1/fresh" "$1/kept"; do mount --bind "$d" "$d" && '
        'mount -o remount,bind,ro "$d" || exit 77; done; exec "$2" -c "$3" "$1"'
    )
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(tmp_path), sys.executable, READ_ONLY_CHECK],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode == 77 or "unshare failed" in result.stderr:
        pytest.skip(f"no read-only mount here: {result.stderr.strip()[:200]}")
    assert result.returncode == 0, result.stderr


def test_a_file_from_a_newer_version_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    opened = _fallback(path)
    assert "newer japan_nato" in opened.warning
    assert _moved(path) == []
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    conn.close()


# -- migrations -------------------------------------------------------------------------------


def _version_1_file(path: Path) -> None:
    """Write a progress file as version 1 of the schema left it."""
    with sqlite3.connect(path) as conn:
        for statement in MIGRATIONS[0].statements:
            conn.execute(statement)
        conn.execute(
            "INSERT INTO schema_migrations VALUES (1, 'create_answers', '2024-01-01T00:00:00')"
        )
        conn.executemany(
            "INSERT INTO answers (bank, question_id, answer, correct, answered_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                ("b", "q1", '"A"', 0, "2024-01-01T10:00:00+00:00"),
                ("b", "q1", '"B"', 1, "2024-01-01T10:01:00+00:00"),
                ("b", "q2", '"C"', 0, "2024-01-01T10:02:00+00:00"),
            ],
        )
        conn.execute("PRAGMA user_version = 1")
    conn.close()


def test_an_old_file_is_upgraded_without_losing_answers(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite"
    _version_1_file(path)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opened = ProgressStore(path)

    frame = opened.attempts()
    assert frame["question_id"].tolist() == ["q1", "q1", "q2"]
    assert frame["objective"].tolist() == ["", "", ""]
    assert frame["chosen_wrong"].tolist() == ["[]", "[]", "[]"]
    assert opened.correct_ids("b") == {"q1"}
    assert opened.missed() == [("b", "q2")]
    opened.record("b", "q2", "D", True, objective="o", chosen_wrong=())
    opened.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        applied = conn.execute("SELECT version, name FROM schema_migrations ORDER BY version")
        assert applied.fetchall() == [(m.version, m.name) for m in MIGRATIONS]
    conn.close()


def test_a_failing_migration_changes_nothing(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "progress.sqlite"
    _version_1_file(path)
    # Fails only where there are answers: the file (and its copy in memory), not an empty store.
    broken = Migration(
        SCHEMA_VERSION + 1,
        "broken",
        ("CREATE TABLE extra (x INTEGER NOT NULL)", "INSERT INTO extra SELECT NULL FROM answers"),
    )
    monkeypatch.setattr(migrations, "MIGRATIONS", (*MIGRATIONS, broken))
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", broken.version)

    with pytest.warns(UserWarning, match="will NOT be saved"):
        ProgressStore(path).close()

    with sqlite3.connect(path) as conn:
        # Migration 2 ran in the same transaction as the broken one, so it was undone too.
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert "extra" not in tables
        assert conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 3
    conn.close()


def test_an_in_memory_store_records_and_writes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = ProgressStore.in_memory()
    store.record("b", "q1", "Alpha", True)
    store.record("b", "q2", "Beta", False)
    assert store.correct_ids("b") == {"q1"}
    assert store.count() == 2
    assert store.path is None and store.warning is None
    assert list(tmp_path.iterdir()) == []
    store.close()


def _barrier_writer(path: str, number: int, barrier: Any, busy_ms: int, count: int) -> dict:
    """Open a store, wait for every writer, then record count answers as fast as possible."""
    import warnings

    from japan_nato.errors import ProgressError
    from japan_nato.progress import recovery

    recovery.BUSY_TIMEOUT_MS = busy_ms
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        store = ProgressStore(path)
    barrier.wait(timeout=60)
    failed = 0
    for index in range(count):
        try:
            store.record("bank", f"q{index}", {"writer": number, "n": index}, True)
        except ProgressError:
            failed += 1
    fell_back = store.path is None
    store.close()
    return {"fell_back": fell_back, "failed": failed}


def _race(path: Path, writers: int, busy_ms: int, count: int) -> list[dict]:
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    ProgressStore(path).close()  # the schema exists before the race
    with context.Manager() as manager:
        barrier = manager.Barrier(writers)
        with context.Pool(writers) as pool:
            return pool.starmap(
                _barrier_writer,
                [(str(path), n, barrier, busy_ms, count) for n in range(writers)],
            )


def test_eight_writers_released_together_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite"
    outcomes = _race(path, 8, 10_000, 150)
    assert not any(o["fell_back"] for o in outcomes), outcomes
    assert sum(o["failed"] for o in outcomes) == 0
    with ProgressStore(path) as opened:
        assert opened.count() == 8 * 150


def test_the_race_is_real_a_zero_busy_timeout_loses_answers(tmp_path: Path) -> None:
    # The same race with no busy timeout must fail: proof that the writers do overlap. On a
    # busy machine the scheduler may run the eight writers one after another, so the race
    # gets five chances to show, each with more writes than the lossless race above.
    for attempt in range(5):
        outcomes = _race(tmp_path / f"progress-{attempt}.sqlite", 8, 0, 400)
        if any(o["fell_back"] for o in outcomes) or sum(o["failed"] for o in outcomes) > 0:
            return
    pytest.fail(f"eight writers with no busy timeout never collided in five races: {outcomes}")
