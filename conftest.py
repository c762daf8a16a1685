"""Session set-up shared by the unit tests and nbval.

Progress goes to a temp file, and the session fails if anything (a notebook run by nbval, a
test) wrote into the repository.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent
_TMP = tempfile.mkdtemp(prefix="japan-nato-tests-")
_SKIP_DIRS = {"__pycache__", "build", "dist"}


def _snapshot() -> dict[str, tuple[int, int]]:
    """Return every repository file (outside dot-dirs and caches) with its mtime and size."""
    files = {}
    for root, dirs, names in os.walk(REPO):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS]
        for name in names:
            path = Path(root, name)
            stat = path.stat()
            files[str(path.relative_to(REPO))] = (stat.st_mtime_ns, stat.st_size)
    return files


def pytest_configure(config: pytest.Config) -> None:
    """Point the progress store at a temp file before any kernel starts (kernels inherit it)."""
    os.environ["JAPAN_NATO_PROGRESS"] = os.path.join(_TMP, "progress.sqlite")
    os.environ["JAPAN_NATO_LEARNER"] = "test-learner"
    # `make test` turns the guard on; it is off for ad-hoc runs while files are being edited.
    if os.environ.get("JAPAN_NATO_GUARD_REPO") == "1":
        config.stash[_BEFORE] = _snapshot()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if the tests or the notebooks wrote into the repository."""
    before = session.config.stash.get(_BEFORE, None)
    if before is None:
        return
    after = _snapshot()
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    if changed:
        print("\nFAILED: the test run wrote into the repository:\n  " + "\n  ".join(changed[:20]))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the temp progress directory."""
    shutil.rmtree(_TMP, ignore_errors=True)


_BEFORE = pytest.StashKey[dict]()
