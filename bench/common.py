"""What every measurement shares: paths, repetition settings, result rows, timing helpers."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
CACHE = BENCH / ".cache"
NOTEBOOKS = REPO / "notebooks"
CHROMIUM = Path("/usr/bin/chromium")
STARTED = time.monotonic()


@dataclass(frozen=True)
class Settings:
    """Repetition counts; --quick uses the small ones."""

    quick: bool
    import_runs: int  # (a) fresh interpreters per command
    notebook_runs: int  # (b) rounds of (every notebook + as many floor kernels)
    notebook_warmup: bool  # (b) one untimed round first (off: a learner's first run counts)
    check_number: int  # (c) calls per timing loop
    check_repeat: int  # (c) timing loops per answer
    store_single: int  # (d) records in one process
    store_workers: int  # (d) concurrent processes
    store_each: int  # (d) records per concurrent process
    store_runs: int  # (d) runs of each
    clicks: int  # (f) measured Check clicks
    exercise_rows: int = 2_000_000  # (g) rows of the Series checked
    exercise_runs: int = 3  # (g) timed checks of each answer
    room_learners: int = 30  # (h) simulated learners
    room_deadline_s: float = 180.0  # (h) longest the load may run

    @classmethod
    def make(cls, quick: bool) -> Settings:
        """The settings of a full run, or of a --quick smoke run."""
        if quick:
            return cls(True, 5, 1, False, 50, 3, 400, 4, 100, 1, 5, 2_000_000, 1, 10, 60.0)
        return cls(False, 21, 3, False, 300, 5, 2000, 4, 500, 3, 20, 2_000_000, 3)


@dataclass
class Row:
    """One line of the table."""

    label: str
    figure: str
    target: str = "—"
    passed: bool | None = None  # None: no target on this row
    value: float | None = None
    unit: str = ""


@dataclass
class Measurement:
    """What one lettered measurement found."""

    key: str
    title: str
    status: str = "ok"  # ok | skipped | error
    why: str = ""
    rows: list[Row] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


class Skip(Exception):
    """A dependency of the measurement is missing; the message says which."""


def answer_pair(question: Any) -> tuple[Any, Any]:
    """Return (a right answer, a wrong answer) to any question, as the tests build them."""
    # The one place the benchmark takes its answers from (shared with the unit tests).
    from tests.quiz_helpers import right_answer, wrong_answer

    return right_answer(question), wrong_answer(question)


def shown_path(path: str | Path) -> str:
    """Return a path relative to the repository if inside it: results carry no machine paths."""
    resolved = Path(path).absolute()
    try:
        return str(resolved.relative_to(REPO))
    except ValueError:
        return resolved.name


def log(message: str) -> None:
    """Print progress on stderr, so the table on stdout stays clean."""
    print(f"[bench {time.monotonic() - STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    """Return the median, or NaN for no values."""
    return statistics.median(values) if values else float("nan")


def ms(seconds: float) -> str:
    """Format seconds as whole milliseconds."""
    return f"{seconds * 1000:,.0f} ms"


def verdict(passed: bool | None) -> str:
    """Return the table's word for a row's verdict."""
    return {True: "pass", False: "MISS", None: ""}[passed]


def child_env(**extra: str) -> dict[str, str]:
    """Return the environment for every interpreter and kernel the benchmark starts.

    This machine sets PYTHONDONTWRITEBYTECODE=1, so a source tree (the editable japan_nato)
    would be recompiled at every start while pip-installed packages use the .pyc files pip
    wrote. A learner's machine caches bytecode, so the benchmark does too, into bench/.cache
    (PYTHONPYCACHEPREFIX), writing nothing into the repository or the venv. OPENBLAS_* is
    left as it is (the machine notes warn that older OpenBLAS builds need it).
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(CACHE / "pycache")
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # a debugger warning on every kernel start
    env.update(extra)
    return env


def children_cpu() -> float:
    """Return user + system CPU seconds of the child processes that have ended so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_command(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run command; return (wall seconds, CPU seconds of the process)."""
    cpu = children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        command, env=env, cwd=tempfile.gettempdir(), capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return elapsed, children_cpu() - cpu
