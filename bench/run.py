"""Benchmark of the japan_nato course: start-up, notebooks, checks, progress store, size, browser.

    make bench                      # or: .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --quick            # smoke run, fewer repetitions
    .venv/bin/python bench/run.py --only a,c,d       # some measurements only

It reports and never asserts: a missed target is printed as "MISS", a measurement whose
dependency is not there yet as "skipped: <why>". The exit code is 0 unless a measurement
crashed (then 1, after the table and the JSON are written). A full run writes
bench/results.json; a --quick or --only run writes bench/results.local.json (gitignored) unless
--output says otherwise. bench/README.md explains each figure.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import hashlib
import importlib
import importlib.metadata
import importlib.util
import json
import logging
import multiprocessing
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import tomllib
import traceback
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
CACHE = BENCH / ".cache"
NOTEBOOKS = REPO / "notebooks"
LAB_HELPERS = REPO / "tests" / "browser" / "lab.py"
CHROMIUM = Path("/usr/bin/chromium")
# `import japan_nato` must not pull these in (docs/architecture.md).
FORBIDDEN_MODULES = ("ipywidgets", "IPython", "matplotlib", "sqlite3")
# Reported when present after `import japan_nato`, to explain its start-up time.
HEAVY_MODULES = (
    "pandas",
    "numpy",
    "pyarrow",
    "ipywidgets",
    "IPython",
    "ipykernel",
    "matplotlib",
    "sqlite3",
    "_sqlite3",
    "traitlets",
    "jupyter_core",
    "jupyter_client",
    "nbformat",
    "jsonschema",
    "tornado",
    "zmq",
    "frictionless",
    "playwright",
)
# The bare environment the installed size is compared with (issue 6, item 1e).
BARE_PACKAGES = ("jupyterlab", "pandas", "ipywidgets", "matplotlib", "nbval")
REPORTED_PACKAGES = (
    "japan-nato",
    "jupyterlab",
    "notebook",
    "ipykernel",
    "ipywidgets",
    "pandas",
    "numpy",
    "matplotlib",
    "nbclient",
    "nbformat",
    "nbval",
    "jupyter_client",
    "playwright",
    "pip",
)
FLOOR_CELL = "import pandas, ipywidgets"
KERNEL_NAME = "python3"
STARTED = time.monotonic()


# ---------------------------------------------------------------------------------------------
# Settings


@dataclass(frozen=True)
class Settings:
    """Repetition counts; --quick uses the small ones."""

    quick: bool
    import_runs: int  # (a) fresh interpreters per command
    notebook_runs: int  # (b) rounds of (every notebook + as many floor kernels)
    notebook_warmup: bool  # (b) one untimed round first
    check_number: int  # (c) calls per timing loop
    check_repeat: int  # (c) timing loops per answer
    store_single: int  # (d) records in one process
    store_workers: int  # (d) concurrent processes
    store_each: int  # (d) records per concurrent process
    store_runs: int  # (d) runs of each
    clicks: int  # (f) measured Check clicks

    @classmethod
    def make(cls, quick: bool) -> Settings:
        if quick:
            return cls(True, 5, 1, False, 50, 3, 400, 4, 100, 1, 5)
        return cls(False, 21, 3, True, 300, 5, 2000, 4, 500, 3, 20)


# ---------------------------------------------------------------------------------------------
# Results


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



def _shown_path(path: str | Path) -> str:
    """Return a path relative to the repository if inside it: results carry no machine paths."""
    resolved = Path(path).absolute()
    try:
        return str(resolved.relative_to(REPO))
    except ValueError:
        return resolved.name

def log(message: str) -> None:
    """Progress on stderr, so the table on stdout stays clean."""
    print(f"[bench {time.monotonic() - STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def verdict(passed: bool | None) -> str:
    return {True: "pass", False: "MISS", None: ""}[passed]


# ---------------------------------------------------------------------------------------------
# Environment of the processes the benchmark starts


def child_env(**extra: str) -> dict[str, str]:
    """The environment for every interpreter and kernel the benchmark starts.

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


# ---------------------------------------------------------------------------------------------
# The machine


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _command_output(command: list[str], timeout: float = 20.0) -> str | None:
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, cwd=REPO, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def describe_machine() -> dict[str, Any]:
    """CPU, cores, memory, OS, Python, package versions and the state of the checkout."""
    cpuinfo = _read("/proc/cpuinfo")
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in cpuinfo.splitlines()
            if line.lower().startswith(("model name", "hardware", "cpu model"))
        ),
        platform.processor() or platform.machine(),
    )
    meminfo = {
        line.split(":")[0]: line.split(":")[1].strip()
        for line in _read("/proc/meminfo").splitlines()
        if ":" in line
    }
    mem_kb = int(meminfo.get("MemTotal", "0 kB").split()[0] or 0)
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    status = _command_output(["git", "status", "--porcelain"])
    return {
        "cpu_model": model,
        "architecture": platform.machine(),
        "cores": os.cpu_count(),
        "cores_usable": affinity,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "python_executable": _shown_path(sys.executable),
        "packages": {name: _version(name) for name in REPORTED_PACKAGES},
        "chromium": _command_output([str(CHROMIUM), "--version"]) if CHROMIUM.exists() else None,
        "load_average_at_start": list(os.getloadavg()),
        "git_commit": _command_output(["git", "rev-parse", "--short", "HEAD"]),
        "git_uncommitted_files": None if status is None else len(status.splitlines()),
        "environment": {
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
            "PYTHONDONTWRITEBYTECODE (of the shell)": os.environ.get("PYTHONDONTWRITEBYTECODE"),
            "bytecode cache of the processes started": "on, in bench/.cache/pycache",
        },
    }


def machine_line(machine: dict[str, Any]) -> str:
    packages = machine["packages"]
    shown = ", ".join(
        f"{name} {packages[name]}"
        for name in ("jupyterlab", "pandas", "ipywidgets", "matplotlib", "nbclient")
        if packages.get(name)
    )
    return (
        f"{machine['cpu_model']}, {machine['cores']} cores, {machine['memory_gib']} GiB, "
        f"Python {machine['python']}; {shown}"
    )


# ---------------------------------------------------------------------------------------------
# (a) import time


def _children_cpu() -> float:
    """User + system CPU seconds of the child processes that have ended so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time_command(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run command; return (wall seconds, CPU seconds of the process)."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        command, env=env, cwd=tempfile.gettempdir(), capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return elapsed, _children_cpu() - cpu


def _own_import_ms(env: dict[str, str]) -> float:
    """Median over 3 runs of the summed self time of japan_nato.* modules (-X importtime)."""
    totals = []
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import japan_nato"],
            env=env,
            cwd=tempfile.gettempdir(),
            capture_output=True,
            text=True,
            check=True,
        )
        total_us = 0
        for line in done.stderr.splitlines():
            parts = line.split("|")
            if len(parts) == 3 and parts[2].strip().startswith("japan_nato"):
                total_us += int(parts[0].split(":")[1])
        totals.append(total_us / 1000)
    return median(totals)


def bench_import(settings: Settings, result: Measurement) -> None:
    """Wall clock of `python -c "import X"` in fresh interpreters, interleaved."""
    env = child_env()
    commands = {
        "japan_nato": "import japan_nato",
        "pandas": "import pandas",
        "bare python": "pass",
    }
    for code in commands.values():  # untimed: fills the bytecode cache
        _time_command([sys.executable, "-c", code], env)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for run in range(settings.import_runs):
        # Rotate the order so that neither command always runs first.
        for name in names[run % len(names) :] + names[: run % len(names)]:
            wall, used = _time_command([sys.executable, "-c", commands[name]], env)
            samples[name].append(wall)
            cpu[name].append(used)
    medians = {name: median(values) for name, values in samples.items()}
    cpu_medians = {name: median(values) for name, values in cpu.items()}
    ratio = medians["japan_nato"] / medians["pandas"]
    cpu_ratio = cpu_medians["japan_nato"] / cpu_medians["pandas"]
    result.rows.append(
        Row(
            f"import japan_nato / import pandas (median of {settings.import_runs} each)",
            f"{ratio:.2f} ({ms(medians['japan_nato'])} vs {ms(medians['pandas'])})",
            "≤ 1.10",
            ratio <= 1.10,
            round(ratio, 3),
            "ratio",
        )
    )
    result.rows.append(
        Row(
            "  same, CPU time (user + sys) instead of wall clock",
            f"{cpu_ratio:.2f} ({ms(cpu_medians['japan_nato'])} vs {ms(cpu_medians['pandas'])})",
        )
    )
    result.rows.append(
        Row(
            "  for reference: bare interpreter (python -c pass)",
            ms(medians["bare python"]),
        )
    )

    probe = (
        "import sys, json\n"
        "before = set(sys.modules)\n"
        "import japan_nato\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        check=True,
    )
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    roots = {name.split(".")[0] for name in modules}
    forbidden = [name for name in FORBIDDEN_MODULES if name in roots]
    heavy = [name for name in HEAVY_MODULES if name in roots]
    result.rows.append(
        Row(
            "modules pulled in by import japan_nato",
            (
                f"{len(modules)} modules; heavy: {', '.join(heavy) or 'none'}"
                if not forbidden
                else f"FORBIDDEN: {', '.join(forbidden)} (heavy: {', '.join(heavy)})"
            ),
            "no " + "/".join(FORBIDDEN_MODULES),
            not forbidden,
        )
    )
    own_ms = _own_import_ms(env)
    result.rows.append(
        Row(
            "  japan_nato's own modules (self time, -X importtime, median of 3)",
            f"{own_ms:.0f} ms",
        )
    )
    result.data |= {
        "japan_nato_own_modules_self_ms": own_ms,
        "runs": settings.import_runs,
        "samples_s": samples,
        "medians_s": medians,
        "ratio": ratio,
        "target": 1.10,
        "cpu_samples_s": cpu,
        "cpu_medians_s": cpu_medians,
        "cpu_ratio": cpu_ratio,
        "modules_imported": len(modules),
        "heavy_modules_present": heavy,
        "forbidden_modules_present": forbidden,
        "japan_nato_modules": sorted(m for m in modules if m.startswith("japan_nato")),
    }


# ---------------------------------------------------------------------------------------------
# (b) notebooks in fresh kernels


def _cell_seconds(nb: Any) -> list[tuple[int, str, float]]:
    """(cell index, first source line, seconds) of each executed code cell (nbclient timing)."""
    cells = []
    for index, cell in enumerate(nb.cells):
        timing = cell.get("metadata", {}).get("execution", {})
        begin, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if cell.cell_type != "code" or not begin or not end:
            continue
        seconds = (datetime.fromisoformat(end) - datetime.fromisoformat(begin)).total_seconds()
        first = next((line for line in cell.source.splitlines() if line.strip()), "")
        cells.append((index, first[:40], seconds))
    return cells


CELL_KINDS = (
    ("figures", re.compile(r"\b\w+_figure\(")),
    ("quizzes and progress", re.compile(r"\b(quiz|progress|review)\(|\.answer\(")),
    ("imports", re.compile(r"^\s*(from \S+ )?import ", re.MULTILINE)),
)


def _cell_kind(source: str) -> str:
    """Classify a code cell by what it does, for the breakdown of a notebook's time."""
    for kind, pattern in CELL_KINDS:
        if pattern.search(source):
            return kind
    return "other cells"


def _slowest_cells(runs: list[list[tuple[int, str, float]]], count: int = 3) -> list[dict]:
    """The count slowest cells by their median time over runs."""
    by_cell: dict[tuple[int, str], list[float]] = {}
    for cells in runs:
        for index, first, seconds in cells:
            by_cell.setdefault((index, first), []).append(seconds)
    ranked = sorted(by_cell.items(), key=lambda item: -median(item[1]))
    return [
        {"cell": index, "source": first, "median_s": round(median(values), 3)}
        for (index, first), values in ranked[:count]
    ]


def bench_notebooks(settings: Settings, result: Measurement) -> None:
    """Each course notebook in a fresh kernel (nbclient) vs as many one-cell floor kernels."""
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        raise Skip("no course notebooks (notebooks/[0-9][0-9]_*.ipynb) yet")
    if importlib.util.find_spec("nbclient") is None:
        raise Skip("nbclient is not installed (pip install -e .[test])")
    import nbclient
    import nbformat
    from nbclient.exceptions import CellExecutionError

    notebooks = {path.stem: nbformat.read(path, as_version=4) for path in paths}
    floor = nbformat.v4.new_notebook()
    floor.cells.append(nbformat.v4.new_code_cell(FLOOR_CELL))
    floor.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    work = Path(tempfile.mkdtemp(prefix="jn-bench-nb-"))
    kernel_log = work / "kernels.log"
    cell_times: dict[str, list[list[tuple[int, str, float]]]] = {}
    kernel_cpu: dict[str, list[float]] = {}  # CPU seconds of each kernel process (when reaped)
    kind_times: dict[str, list[dict[str, float]]] = {}  # per run: cell kind -> seconds
    phases: dict[str, list[dict[str, float]]] = {}  # per run: start / cells / shutdown seconds

    class _Warnings(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.WARNING)
            self.messages: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.messages.append(record.getMessage())

    retried: list[str] = []
    logger = logging.getLogger("japan_nato.bench.nbclient")
    logger.propagate = False

    def execute(notebook: Any, label: str) -> float:
        """Run a copy of notebook in a fresh kernel; return seconds from start to last cell done.

        A run in which nbclient gave up waiting for a cell's IOPub messages (its fixed 4 s
        iopub_timeout: a ZeroMQ subscription race in the harness, seen on both sides and more
        often on a busy machine) is discarded and run again, at most twice.
        """
        for _attempt in range(3):
            progress = work / f"progress-{time.monotonic_ns()}.sqlite"
            env = child_env(JAPAN_NATO_PROGRESS=str(progress))
            nb = copy.deepcopy(notebook)
            handler = _Warnings()
            logger.addHandler(handler)
            marks: dict[str, float] = {}

            def mark(name: str, marks: dict[str, float] = marks) -> Callable[..., None]:
                def hook(**_: Any) -> None:
                    marks[name] = time.perf_counter()

                return hook

            with kernel_log.open("ab") as stderr:
                cpu = _children_cpu()
                started = time.perf_counter()
                client = nbclient.NotebookClient(
                    nb,
                    kernel_name=KERNEL_NAME,
                    timeout=300,
                    startup_timeout=120,
                    resources={"metadata": {"path": str(NOTEBOOKS)}},
                    log=logger,
                    on_notebook_start=mark("ready"),
                    on_cell_executed=mark("last_cell"),
                )
                try:
                    client.execute(env=env, stderr=stderr, stdout=stderr)
                except CellExecutionError as err:
                    raise RuntimeError(f"{label} failed:\n{str(err)[-1500:]}") from None
                finally:
                    logger.removeHandler(handler)
                elapsed = time.perf_counter() - started
                used = _children_cpu() - cpu
            for suffix in ("", "-wal", "-shm"):
                Path(f"{progress}{suffix}").unlink(missing_ok=True)
            if not any("IOPub" in message for message in handler.messages):
                break
            retried.append(f"{label}: {elapsed:.2f} s")
        ready = marks.get("ready", started)
        last = marks.get("last_cell", ready)
        phases.setdefault(label, []).append(
            {
                "kernel start": ready - started,
                "running cells": last - ready,
                "shutdown": started + elapsed - last,
            }
        )
        kernel_cpu.setdefault(label, []).append(used)
        cell_times.setdefault(label, []).append(_cell_seconds(nb))
        kinds: dict[str, float] = {}
        for index, _, seconds in cell_times[label][-1]:
            kind = _cell_kind(nb.cells[index].source)
            kinds[kind] = kinds.get(kind, 0.0) + seconds
        kind_times.setdefault(label, []).append(kinds)
        # What a learner waits for: a fresh kernel until its last cell has run. The graceful
        # shutdown that follows is timed as a phase but left out: jupyter_client's shutdown
        # now and then stalls for 3-4 s on either side (seen here on `pass`-only notebooks).
        return last - started

    names = list(notebooks)
    # The same notebooks with every code cell reduced to `pass`: what the cell count alone
    # costs (one execute round trip per cell), to split the excess over the floor.
    twins = {}
    for name, notebook in notebooks.items():
        twin = copy.deepcopy(notebook)
        for cell in twin.cells:
            if cell.cell_type == "code":
                cell.source, cell.outputs = "pass", []
        twins[name] = twin
    errors: dict[str, str] = {}
    if settings.notebook_warmup:
        log("(b) warm-up round (untimed)")
        for name in names:
            try:
                execute(notebooks[name], name)
            except RuntimeError as err:
                errors[name] = str(err)
            execute(floor, "floor")
            execute(twins[name], f"{name} (pass cells)")
        cell_times.clear()
        kernel_cpu.clear()
        kind_times.clear()
        phases.clear()
    nb_samples: dict[str, list[float]] = {name: [] for name in names}
    twin_samples: dict[str, list[float]] = {name: [] for name in names}
    floor_samples: list[list[float]] = []
    for run in range(settings.notebook_runs):
        log(f"(b) round {run + 1} of {settings.notebook_runs}")
        floors = []
        for name in names[run % len(names) :] + names[: run % len(names)]:
            if name not in errors:
                try:
                    nb_samples[name].append(execute(notebooks[name], name))
                except RuntimeError as err:
                    errors[name] = str(err)
            floors.append(execute(floor, "floor"))
            twin_samples[name].append(execute(twins[name], f"{name} (pass cells)"))
        floor_samples.append(floors)
    shutil.rmtree(work, ignore_errors=True)

    ok = [name for name in names if name not in errors]
    per_notebook = {name: median(nb_samples[name]) for name in ok}
    in_cells = {
        name: median([sum(c[2] for c in cells) for cells in cell_times[name]]) for name in ok
    }
    slowest = {name: _slowest_cells(cell_times[name]) for name in ok}
    totals = [sum(nb_samples[name][run] for name in ok) for run in range(settings.notebook_runs)]
    floor_totals = [sum(floors[: len(ok)]) for floors in floor_samples]
    floor_each = median([value for floors in floor_samples for value in floors])
    ratio = median(totals) / median(floor_totals) if ok else float("nan")
    if ok:
        result.rows.append(
            Row(
                f"{len(ok)} notebooks / {len(ok)} floor kernels "
                f"(median of {settings.notebook_runs})",
                f"{ratio:.2f} ({median(totals):.1f} s vs {median(floor_totals):.1f} s)"
                + (f"; {len(errors)} failed, left out" if errors else ""),
                "≤ 1.5",
                None if errors else ratio <= 1.5,  # no verdict on a partial course
                round(ratio, 3),
                "ratio",
            )
        )
    floor_cells = median([sum(c[2] for c in cells) for cells in cell_times["floor"]])
    if retried:
        result.rows.append(
            Row(
                "  runs repeated after nbclient's 4 s IOPub timeout (harness, not course)",
                f"{len(retried)}: " + ", ".join(retried)[:150],
            )
        )
    result.rows.append(
        Row(
            f"  floor kernel: one cell `{FLOOR_CELL}`",
            f"{floor_each:.2f} s each; cell {floor_cells:.2f} s",
        )
    )
    twin_each = {name: median(values) for name, values in twin_samples.items()}
    twin_total = median(
        [sum(twin_samples[name][run] for name in ok) for run in range(settings.notebook_runs)]
    )
    code_cells = {
        name: sum(1 for cell in notebooks[name].cells if cell.cell_type == "code") for name in names
    }
    cpu_ratio = float("nan")
    if ok:
        nb_cpu = sum(median(kernel_cpu[name]) for name in ok)
        floor_cpu = median(kernel_cpu["floor"]) * len(ok)
        cpu_ratio = nb_cpu / floor_cpu if floor_cpu else float("nan")
        result.rows.append(
            Row(
                "  same, CPU time of the kernel processes instead of wall clock",
                f"{cpu_ratio:.2f} ({nb_cpu:.1f} s vs {floor_cpu:.1f} s)",
            )
        )
        breakdown: dict[str, float] = {}
        for name in ok:
            for kind in {k for run in kind_times[name] for k in run}:
                value = median([run.get(kind, 0.0) for run in kind_times[name]])
                breakdown[kind] = breakdown.get(kind, 0.0) + value
        breakdown["between cells (requests, outputs, widget messages)"] = sum(
            median([run["running cells"] for run in phases[name]]) - in_cells[name] for name in ok
        )

        def phase(label: str, key: str) -> float:
            return median([run[key] for run in phases[label]])

        starts = sum(phase(name, "kernel start") for name in ok)
        stops = sum(phase(name, "shutdown") for name in ok)
        floor_start = phase("floor", "kernel start") * len(ok)
        floor_stop = phase("floor", "shutdown") * len(ok)
        floor_between = (phase("floor", "running cells") - floor_cells) * len(ok)
        result.data["breakdown_s"] = {
            "kernel start": starts,
            **breakdown,
            "kernel shutdown": stops,
        }
        result.data["floor_breakdown_s"] = {
            "kernel start": floor_start,
            "the import cell": floor_cells * len(ok),
            "between cells (requests, outputs, widget messages)": floor_between,
            "kernel shutdown": floor_stop,
        }
        result.data["phases_s"] = phases
        with_shutdown = (median(totals) + stops) / (median(floor_totals) + floor_stop)
        result.data["ratio_with_shutdown"] = with_shutdown
        result.rows.append(
            Row(
                "  same, counting each kernel's graceful shutdown too",
                f"{with_shutdown:.2f} ({median(totals) + stops:.1f} s vs "
                f"{median(floor_totals) + floor_stop:.1f} s)",
            )
        )
        result.rows.append(
            Row(
                "  where the time goes, notebooks (sums of per-notebook medians)",
                f"kernel start {starts:.1f} s; "
                + ", ".join(
                    f"{kind} {value:.1f} s"
                    for kind, value in sorted(breakdown.items(), key=lambda kv: -kv[1])
                )
                + f" (then shutdown {stops:.1f} s, not in the ratio)",
            )
        )
        result.rows.append(
            Row(
                "  where the time goes, floor",
                f"kernel start {floor_start:.1f} s; import cells {floor_cells * len(ok):.1f} s, "
                f"between cells {floor_between:.1f} s (then shutdown {floor_stop:.1f} s)",
            )
        )
        result.rows.append(
            Row(
                "  same notebooks, every code cell `pass` (cost of the cell count)",
                f"{twin_total:.1f} s ({twin_total / median(floor_totals):.2f}× floor); "
                f"{sum(code_cells[n] for n in ok)} code cells",
            )
        )
    for name in names:
        if name in errors:
            result.rows.append(Row(f"  {name}", "ERROR (see results.json)"))
        else:
            top = slowest[name][0]
            result.rows.append(
                Row(
                    f"  {name}",
                    f"{per_notebook[name]:.2f} s: {twin_each[name]:.2f} s with its "
                    f"{code_cells[name]} cells as `pass`, "
                    f"work {per_notebook[name] - twin_each[name]:+.2f} s; "
                    f"slowest `{top['source']}` {top['median_s']:.2f} s",
                )
            )
    result.data |= {
        "runs": settings.notebook_runs,
        "warm_up_round": settings.notebook_warmup,
        "notebooks": names,
        "samples_s": nb_samples,
        "medians_s": per_notebook,
        "kernel_cpu_s": kernel_cpu,
        "cpu_ratio": cpu_ratio,
        "seconds_in_cells": in_cells,
        "code_cells": code_cells,
        "pass_cells_samples_s": twin_samples,
        "pass_cells_medians_s": twin_each,
        "pass_cells_total_s": twin_total,
        "slowest_cells": slowest,
        "floor_cells_s": floor_cells,
        "floor_cell": FLOOR_CELL,
        "floor_samples_s": floor_samples,
        "floor_median_each_s": floor_each,
        "totals_s": totals,
        "floor_totals_s": floor_totals,
        "ratio": ratio,
        "target": 1.5,
        "errors": errors,
        "runs_repeated_after_iopub_timeout": retried,
        "how": "nbclient, fresh kernel per run, timed from kernel start until the last cell "
        "has run (the graceful shutdown after it is timed separately in phases_s), cwd notebooks/, "
        "JAPAN_NATO_PROGRESS a fresh temp file per run; notebook and floor runs interleaved",
    }
    if errors:
        result.status = "error"
        result.why = "notebook(s) failed: " + ", ".join(errors)


# ---------------------------------------------------------------------------------------------
# (c) check() time


def answers_for(question: Any) -> tuple[Any, Any] | None:
    """Return (a right answer, a wrong answer) built from the question's own fields."""
    kind = getattr(question, "type_name", "")
    if kind == "single_choice":
        right = next(o.text for o in question.options if o.correct)
        wrong = next(o.text for o in question.options if not o.correct)
        return right, wrong
    if kind == "multiple_select":
        right = [o.text for o in question.options if o.correct]
        wrongs = [o.text for o in question.options if not o.correct]
        wrong = right[:-1] + wrongs[:1] if wrongs else right[:-1]
        return right, wrong
    if kind == "true_false":
        return question.answer, not question.answer
    if kind == "ordering":
        return list(question.items), list(reversed(question.items))
    if kind == "matching":
        terms = [term for term, _ in question.pairs]
        definitions = [definition for _, definition in question.pairs]
        right = dict(zip(terms, definitions, strict=True))
        wrong = dict(zip(terms, definitions[1:] + definitions[:1], strict=True))
        return right, wrong
    if kind == "short_answer":
        if question.number is not None:
            return question.number, question.number + question.tolerance + 1 + abs(question.number)
        return question.answers[0], "certainly not an accepted answer"
    return None


def bench_check(settings: Settings, result: Measurement) -> None:
    """Time Question.check() for a right and a wrong answer to every question of every bank."""
    try:
        # `from japan_nato import quiz` would give the quiz() function, not the module.
        quiz_module = importlib.import_module("japan_nato.quiz")
    except ImportError as err:
        raise Skip(f"japan_nato.quiz cannot be imported ({err})") from None
    if not all(hasattr(quiz_module, name) for name in ("bank_names", "load_bank")):
        raise Skip("japan_nato.quiz has no bank_names/load_bank yet")
    banks = quiz_module.bank_names()
    if not banks:
        raise Skip("no question banks in data/quizzes/ yet")

    timings: list[dict[str, Any]] = []
    unusable: list[str] = []
    wrongly_graded: list[str] = []
    for bank in banks:
        for question in quiz_module.load_bank(bank).questions:
            pair = answers_for(question)
            if pair is None:
                unusable.append(f"{question.id} (type {question.type_name!r})")
                continue
            for kind, answer, expected in (("right", pair[0], True), ("wrong", pair[1], False)):
                outcome = question.check(answer)
                if not outcome.valid or outcome.correct is not expected:
                    wrongly_graded.append(f"{question.id} ({kind} answer {answer!r})")
                timer = timeit.Timer(lambda q=question, a=answer: q.check(a))
                loops = timer.repeat(repeat=settings.check_repeat, number=settings.check_number)
                per_call = [loop / settings.check_number for loop in loops]
                timings.append(
                    {
                        "bank": bank,
                        "question_id": question.id,
                        "type": question.type_name,
                        "answer": kind,
                        "median_us": median(per_call) * 1e6,
                        "loops_us": [value * 1e6 for value in per_call],
                    }
                )
    if not timings:
        raise Skip("no question with a known type to time")
    values = [t["median_us"] for t in timings]
    overall = median(values)
    worst = max(timings, key=lambda t: t["median_us"])
    by_type = {}
    for kind in sorted({t["type"] for t in timings}):
        by_type[kind] = median([t["median_us"] for t in timings if t["type"] == kind])
    questions = len({t["question_id"] for t in timings})
    result.rows.append(
        Row(
            f"check(): {questions} questions × right/wrong answer, {len(banks)} banks",
            f"median {overall:.1f} µs, worst {worst['median_us']:.1f} µs "
            f"({worst['question_id']}, {worst['answer']})",
            "median < 100 µs",
            overall < 100,
            round(overall, 2),
            "µs",
        )
    )
    slowest = max(by_type, key=by_type.__getitem__)
    result.rows.append(
        Row(
            "  median by type",
            ", ".join(f"{kind} {value:.0f}" for kind, value in by_type.items())
            + f" µs (slowest: {slowest})",
        )
    )
    if unusable or wrongly_graded:
        result.rows.append(
            Row(
                "  answers that could not be derived or were graded unexpectedly",
                "; ".join(unusable + wrongly_graded)[:200],
            )
        )
    result.data |= {
        "banks": banks,
        "loops": {"number": settings.check_number, "repeat": settings.check_repeat},
        "median_us": overall,
        "worst_us": worst["median_us"],
        "worst": {k: worst[k] for k in ("bank", "question_id", "type", "answer")},
        "median_by_type_us": by_type,
        "target_median_us": 100,
        "unusable_questions": unusable,
        "unexpected_grades": wrongly_graded,
        "timings": timings,
    }


# ---------------------------------------------------------------------------------------------
# (d) progress store


def _answers(count: int, worker: int) -> Iterator[tuple[str, str, str, bool, str, tuple]]:
    for index in range(count):
        correct = index % 3 != 0
        yield (
            "01_reading_the_source",
            f"bench-q{worker}-{index}",
            f"Option {index % 4}",
            correct,
            "dateline",
            () if correct else (f"Option {index % 4}",),
        )


def _store_worker(path: str, count: int, worker: int, barrier: Any, queue: Any) -> None:
    """One concurrent writer: open the store, wait for the others, record count answers."""
    from japan_nato.progress_db import ProgressStore

    errors: list[str] = []
    store = ProgressStore(path)
    fallback = store.path is None
    barrier.wait()
    started = time.monotonic()
    for bank, qid, answer, correct, objective, wrong in _answers(count, worker):
        try:
            store.record(bank, qid, answer, correct, objective=objective, chosen_wrong=wrong)
        except Exception as err:  # a lost write is what we count; keep going
            errors.append(f"{type(err).__name__}: {err}")
    finished = time.monotonic()
    store.close()
    queue.put((worker, started, finished, len(errors), errors[:3], fallback))


def bench_store(settings: Settings, result: Measurement) -> None:
    """Answers recorded per second, in one process and in concurrent processes; lost writes."""
    try:
        from japan_nato.progress_db import ProgressStore
    except ImportError as err:
        raise Skip(f"japan_nato.progress_db.ProgressStore cannot be imported ({err})") from None

    single_rates: list[float] = []
    multi_rates: list[float] = []
    lost: list[int] = []
    errors: list[str] = []
    workers = settings.store_workers
    context = multiprocessing.get_context("spawn")  # no SQLite handle crosses a fork
    for run in range(settings.store_runs):
        with tempfile.TemporaryDirectory(prefix="jn-bench-store-") as folder:
            path = Path(folder) / "single.sqlite"
            store = ProgressStore(path)
            if store.path is None:
                raise RuntimeError(f"the store fell back to memory: {store.warning}")
            started = time.perf_counter()
            for bank, qid, answer, correct, objective, wrong in _answers(settings.store_single, 0):
                store.record(bank, qid, answer, correct, objective=objective, chosen_wrong=wrong)
            elapsed = time.perf_counter() - started
            rows = store.count()
            store.close()
            single_rates.append(settings.store_single / elapsed)
            lost.append(settings.store_single - rows)

            path = Path(folder) / "shared.sqlite"
            ProgressStore(path).close()  # created (and migrated) before the race starts
            barrier = context.Barrier(workers)
            queue = context.Queue()
            processes = [
                context.Process(
                    target=_store_worker,
                    args=(str(path), settings.store_each, worker, barrier, queue),
                )
                for worker in range(workers)
            ]
            for process in processes:
                process.start()
            reports = [queue.get(timeout=300) for _ in processes]
            for process in processes:
                process.join(timeout=60)
            span = max(r[2] for r in reports) - min(r[1] for r in reports)
            expected = settings.store_each * workers
            with ProgressStore(path) as check:
                rows = check.count()
            multi_rates.append(expected / span)
            lost.append(expected - rows)
            for report in reports:
                errors += report[4]
                if report[5]:
                    errors.append(f"worker {report[0]} fell back to an in-memory store")
        log(
            f"(d) run {run + 1}: {single_rates[-1]:,.0f}/s single, "
            f"{multi_rates[-1]:,.0f}/s with {workers} processes"
        )
    single = median(single_rates)
    multi = median(multi_rates)
    total_lost = sum(lost)
    result.rows.append(
        Row(
            f"one process: answers/s ({settings.store_single:,} records, "
            f"median of {settings.store_runs})",
            f"{single:,.0f}/s",
            "≥ 1,000/s",
            single >= 1000,
            round(single),
            "answers/s",
        )
    )
    result.rows.append(
        Row(
            f"{workers} processes × {settings.store_each}: answers/s, all together",
            f"{multi:,.0f}/s",
        )
    )
    result.rows.append(
        Row(
            f"lost writes (expected − rows), over {2 * settings.store_runs} runs",
            f"{total_lost}" + (f" ({len(errors)} errors)" if errors else ""),
            "0",
            total_lost == 0 and not errors,
            total_lost,
            "rows",
        )
    )
    result.data |= {
        "single_process": {"records": settings.store_single, "rates_per_s": single_rates},
        "concurrent": {
            "processes": workers,
            "records_each": settings.store_each,
            "rates_per_s": multi_rates,
            "how": "spawned processes open their own store, meet at a barrier, then record; "
            "rate = all records / (last finish - first start)",
        },
        "lost_writes_per_run": lost,
        "errors": errors[:20],
        "median_single_per_s": single,
        "median_concurrent_per_s": multi,
        "targets": {"single_per_s": 1000, "lost_writes": 0},
    }


# ---------------------------------------------------------------------------------------------
# (e) installed size


def tree_size(path: Path) -> int:
    """Bytes of the files under path (symlinks counted as links, not followed)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def site_packages(venv: Path) -> Path:
    return (
        venv
        / "lib"
        / f"python{sys.version_info.major}.{sys.version_info.minor}"
        / ("site-packages")
    )


def _pip(python: Path, *args: str) -> None:
    command = [str(python), "-m", "pip", "--disable-pip-version-check", *args]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=1800, check=False, cwd=CACHE
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{(done.stdout + done.stderr)[-2500:]}")


def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _source_hash() -> str:
    """Hash of what `pip install <repo>` packs: pyproject, src/ and data/."""
    digest = hashlib.sha256()
    files = [REPO / "pyproject.toml"]
    for folder in ("src", "data"):
        files += sorted(p for p in (REPO / folder).rglob("*") if p.is_file())
    for path in files:
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _copy_for_build(target: Path) -> Path:
    """Copy what the wheel is built from, so that a build writes nothing into the checkout."""
    target.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md", "LICENSE", "LICENSE.md", "LICENSE.txt"):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for folder in ("src", "data"):
        shutil.copytree(REPO / folder, target / folder, ignore=ignore)
    return target


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _installed(venv: Path) -> dict[str, str]:
    """Distribution name -> version, read from the *.dist-info folders of a venv."""
    versions = {}
    for info in site_packages(venv).glob("*.dist-info"):
        name, _, version = info.name[: -len(".dist-info")].partition("-")
        versions[_normalise(name)] = version
    return versions


def _cached_venv(
    name: str,
    spec: dict[str, Any],
    wanted: dict[str, str],
    install: Callable[[Path], None],
    refresh: Callable[[Path], None] | None,
) -> tuple[Path, str]:
    """Return a venv under bench/.cache built by install(), reused while it is still right.

    It is rebuilt when spec changes, or when the project venv's version of any distribution
    in it changed since it was built (`wanted`), so the comparison stays like for like.
    """
    venv = CACHE / name
    marker = venv / ".bench-spec.json"
    python = venv / "bin" / "python"
    fingerprint = _fingerprint(spec)
    why = "not built yet"
    if marker.is_file() and python.exists():
        saved = json.loads(marker.read_text(encoding="utf-8"))
        before = saved.get("project_versions_at_build", {})
        drift = [
            f"{dist} {before.get(dist)} -> {wanted.get(dist)}"
            for dist in _installed(venv)
            if wanted.get(dist) != before.get(dist)
        ]
        if saved.get("fingerprint") != fingerprint:
            why = "its requirements changed"
        elif drift:
            why = "the project venv's versions changed: " + ", ".join(drift[:5])
        else:
            if refresh is not None:
                refresh(python)
            return venv, "reused"
    shutil.rmtree(venv, ignore_errors=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    base_python = getattr(sys, "_base_executable", None) or sys.executable
    log(f"(e) building {venv.relative_to(REPO)} ({why}); cached afterwards")
    subprocess.run([base_python, "-m", "venv", str(venv)], check=True, timeout=300)
    install(python)
    at_build = {dist: wanted.get(dist) for dist in _installed(venv)}
    marker.write_text(
        json.dumps(
            {"fingerprint": fingerprint, "spec": spec, "project_versions_at_build": at_build},
            indent=1,
        ),
        encoding="utf-8",
    )
    return venv, f"built ({why})"


def _distributions(venv: Path) -> dict[str, int]:
    """Top-level entries of site-packages -> bytes (folders and single files)."""
    sizes = {}
    for entry in site_packages(venv).iterdir():
        sizes[entry.name] = tree_size(entry) if entry.is_dir() else entry.lstat().st_size
    return sizes


def bench_size(settings: Settings, result: Measurement) -> None:
    """Site-packages of the project's venv and of a runtime install vs a bare environment."""
    if sys.prefix == sys.base_prefix:
        raise Skip("not running in a venv (run it as .venv/bin/python bench/run.py)")
    project = Path(sys.prefix)
    # Pin every distribution to the version the project's venv holds, so that the comparison
    # measures what the course adds, not what PyPI released since the venv was made.
    pins = sorted(
        f"{dist.metadata['Name']}=={dist.version}"
        for dist in importlib.metadata.distributions()
        if dist.metadata["Name"] and dist.metadata["Name"].lower().replace("_", "-") != "japan-nato"
    )
    pinned = {line.split("==")[0].lower(): line for line in pins}
    constraints = CACHE / "constraints.txt"
    CACHE.mkdir(parents=True, exist_ok=True)
    constraints.write_text("\n".join(pins) + "\n", encoding="utf-8")
    pip_pin = pinned.get("pip", "pip")
    bare_reqs = [pinned.get(name, name) for name in BARE_PACKAGES]

    def install_bare(python: Path) -> None:
        _pip(python, "install", "--quiet", pip_pin)
        _pip(python, "install", "--quiet", "-c", str(constraints), *bare_reqs)

    def install_runtime(python: Path) -> None:
        _pip(python, "install", "--quiet", pip_pin)
        with tempfile.TemporaryDirectory(prefix="jn-bench-build-") as folder:
            source = _copy_for_build(Path(folder) / "japan-nato")
            _pip(python, "install", "--quiet", "-c", str(constraints), str(source))
        (python.parent.parent / ".bench-source").write_text(_source_hash(), encoding="utf-8")

    def refresh_runtime(python: Path) -> None:
        stamp = python.parent.parent / ".bench-source"
        current = _source_hash()
        if stamp.is_file() and stamp.read_text(encoding="utf-8") == current:
            return
        log("(e) the package changed: reinstalling japan-nato (no deps) in the runtime venv")
        with tempfile.TemporaryDirectory(prefix="jn-bench-build-") as folder:
            source = _copy_for_build(Path(folder) / "japan-nato")
            _pip(python, "install", "--quiet", "--no-deps", "--force-reinstall", str(source))
        stamp.write_text(current, encoding="utf-8")

    with (REPO / "pyproject.toml").open("rb") as file:
        dependencies = tomllib.load(file)["project"].get("dependencies", [])
    wanted = {_normalise(line.split("==")[0]): line.split("==")[1] for line in pins}
    base_spec = {"python": sys.version, "pip": pip_pin}
    bare, bare_state = _cached_venv(
        "venv-bare", {**base_spec, "reqs": bare_reqs}, wanted, install_bare, None
    )
    runtime, runtime_state = _cached_venv(
        "venv-runtime",
        {
            **base_spec,
            "dependencies": dependencies,
            "pins": [wanted.get(_normalise(n)) for n in BARE_PACKAGES],
        },
        wanted,
        install_runtime,
        refresh_runtime,
    )
    sizes = {
        "bare": tree_size(site_packages(bare)),
        "runtime": tree_size(site_packages(runtime)),
        "project": tree_size(site_packages(project)),
    }
    runtime_ratio = sizes["runtime"] / sizes["bare"]
    full_ratio = sizes["project"] / sizes["bare"]
    mb = 1e6
    result.rows.append(
        Row(
            "runtime install (pip install <repo>) / bare env, site-packages",
            f"{runtime_ratio:.3f} ({sizes['runtime'] / mb:,.0f} MB vs "
            f"{sizes['bare'] / mb:,.0f} MB)",
            "≤ 1.10 (applies here)",
            runtime_ratio <= 1.10,
            round(runtime_ratio, 4),
            "ratio",
        )
    )
    bare_entries = _distributions(bare)
    project_entries = _distributions(project)
    extras = sorted(
        ((name, size) for name, size in project_entries.items() if name not in bare_entries),
        key=lambda item: -item[1],
    )
    top = ", ".join(f"{name} {size / mb:.0f}" for name, size in extras[:5] if size >= mb)
    result.rows.append(
        Row(
            "project .venv (with the [test] extra) / bare env",
            f"{full_ratio:.2f} ({sizes['project'] / mb:,.0f} MB); largest extras (MB): {top}",
            "— (no target: test tools)",
            None,
            round(full_ratio, 4),
            "ratio",
        )
    )
    runtime_entries = _distributions(runtime)
    runtime_extras = sorted(
        ((name, size) for name, size in runtime_entries.items() if name not in bare_entries),
        key=lambda item: -item[1],
    )
    own = sum(size for _, size in runtime_extras)
    bare_only = sum(size for name, size in bare_entries.items() if name not in runtime_entries)
    result.rows.append(
        Row(
            "  runtime minus bare: the course package / test tools only in bare",
            f"+{own / mb:.1f} MB (japan_nato with its data) / −{bare_only / mb:.1f} MB "
            "(nbval, pytest)",
        )
    )
    result.data |= {
        "site_packages_bytes": sizes,
        "runtime_only_bytes": own,
        "bare_only_bytes": bare_only,
        "runtime_ratio": runtime_ratio,
        "full_ratio": full_ratio,
        "target": 1.10,
        "target_applies_to": "runtime install (pip install <repo>, no extras)",
        "bare_packages": bare_reqs,
        "venvs": {
            "bare": {"path": str(bare.relative_to(REPO)), "state": bare_state},
            "runtime": {"path": str(runtime.relative_to(REPO)), "state": runtime_state},
            "project": {"path": _shown_path(project)},
        },
        "pinning": "every distribution pinned (pip constraints) to the project venv's version",
        "project_extra_entries_bytes": dict(extras[:25]),
        "runtime_extra_entries_bytes": dict(runtime_extras[:25]),
        "bare_missing_from_runtime": sorted(set(bare_entries) - set(runtime_entries)),
    }


# ---------------------------------------------------------------------------------------------
# (f) the browser

_MEASURE_CLICK = """async ([selector, timeoutMs]) => {
  const card = document.querySelector(selector);
  const button = [...card.querySelectorAll('button')]
    .find(b => b.textContent.trim() === 'Check');
  const text = () => {
    const node = card.querySelector('.jn-feedback');
    return node && node.getBoundingClientRect().height > 0 ? node.textContent : '';
  };
  const before = text();
  return await new Promise((resolve, reject) => {
    let changed = null;
    const started = performance.now();
    const observer = new MutationObserver(() => {
      if (changed !== null || text() === before) return;
      changed = performance.now();
      observer.disconnect();
      // Two animation frames: the frame that shows the new feedback has been painted.
      requestAnimationFrame(() => requestAnimationFrame(() => resolve({
        dom_ms: changed - started, painted_ms: performance.now() - started, text: text(),
      })));
    });
    observer.observe(card, {subtree: true, childList: true, characterData: true});
    setTimeout(() => { observer.disconnect(); reject(new Error('no feedback change')); },
               timeoutMs);
    button.click();
  });
}"""


def _load_lab_helpers() -> Any:
    spec = importlib.util.spec_from_file_location("japan_nato_bench_lab", LAB_HELPERS)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _click_question() -> tuple[str, str, int, int]:
    """Return (bank, question id, right option index, wrong option index) of a single choice."""
    quiz_module = importlib.import_module("japan_nato.quiz")
    banks = quiz_module.bank_names()
    for bank in sorted(banks, key=lambda b: (b != "01_reading_the_source", b)):
        for question in quiz_module.load_bank(bank).questions:
            if question.type_name == "single_choice":
                right = next(i for i, o in enumerate(question.options) if o.correct)
                wrong = next(i for i, o in enumerate(question.options) if not o.correct)
                return bank, question.id, right, wrong
    raise Skip("no single_choice question in any bank")


def bench_browser(settings: Settings, result: Measurement) -> None:
    """Click Check on a quiz card in JupyterLab (headless Chromium); time until feedback shows."""
    if not CHROMIUM.exists():
        raise Skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    if not LAB_HELPERS.exists():
        raise Skip(f"no {LAB_HELPERS.relative_to(REPO)} (browser test helpers) yet")
    if importlib.util.find_spec("playwright") is None:
        raise Skip("Python playwright is not installed (pip install -e .[test])")
    if importlib.util.find_spec("japan_nato.widgets") is None:
        raise Skip("japan_nato.widgets does not exist yet")
    lab = _load_lab_helpers()
    why = lab.missing_requirement()
    if why:
        raise Skip(why)
    bank, question_id, right, wrong = _click_question()
    from playwright.sync_api import sync_playwright

    saved = dict(os.environ)
    os.environ.update(child_env())  # the server and its kernels inherit it
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    base = Path(tempfile.mkdtemp(prefix="jn-bench-lab-"))
    server = None
    samples: list[dict[str, float]] = []
    python_side: list[float] = []
    first: dict[str, float] = {}
    try:
        server = lab.start_lab(base, notebooks=None)
        os.environ.clear()
        os.environ.update(saved)
        lab.write_notebook(
            server.root / "bench_quiz.ipynb",
            [f"from japan_nato import quiz\nquiz({bank!r})"],
            markdown="# Benchmark: Check latency",
        )
        log(f"(f) jupyter lab up in {server.startup_s:.1f} s; opening the quiz in Chromium")
        with sync_playwright() as playwright:
            browser = lab.launch_browser(playwright, f"{base}-browser")
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 1000})
                context.set_default_timeout(lab.UI_MS)
                page = context.new_page()
                lab.open_notebook(page, server, "bench_quiz.ipynb")
                lab.run_all(page)
                selector = f".jn-q-{question_id}"
                card = page.locator(selector)
                card.wait_for(state="visible", timeout=lab.PAGE_LOAD_MS)
                card.scroll_into_view_if_needed()
                radios = card.locator("input[type=radio]")
                for click in range(settings.clicks + 1):
                    # Alternate wrong and right, so the feedback text changes on every click.
                    radios.nth(wrong if click % 2 == 0 else right).check()
                    page.wait_for_timeout(150)  # let the choice reach the kernel first
                    lab.wait_idle(page)
                    started = time.perf_counter()
                    timing = page.evaluate(_MEASURE_CLICK, [selector, 30_000])
                    python_side.append(time.perf_counter() - started)
                    if click == 0:
                        first = timing
                    else:
                        samples.append(timing)
                    page.wait_for_timeout(100)
                errors = lab.error_texts(page)
                context.close()
            finally:
                browser.close()
    finally:
        os.environ.clear()
        os.environ.update(saved)
        leaked = server.stop() if server is not None else []
        shutil.rmtree(base, ignore_errors=True)
    painted = [s["painted_ms"] for s in samples]
    dom = [s["dom_ms"] for s in samples]
    value = median(painted)
    result.rows.append(
        Row(
            f"click Check → feedback painted (median of {len(painted)} clicks)",
            f"{value:.0f} ms (feedback in the DOM after {median(dom):.0f} ms; "
            f"slowest {max(painted):.0f} ms)",
            "median < 300 ms",
            value < 300,
            round(value, 1),
            "ms",
        )
    )
    result.rows.append(
        Row(
            "  first click after the quiz appeared",
            f"{first['painted_ms']:.0f} ms",
        )
    )
    result.data |= {
        "bank": bank,
        "question_id": question_id,
        "clicks": len(samples),
        "painted_ms": painted,
        "dom_ms": dom,
        "first_click": first,
        "python_side_ms": [value * 1000 for value in python_side],
        "median_painted_ms": value,
        "median_dom_ms": median(dom),
        "target_ms": 300,
        "feedback_shown": [s["text"][:14] for s in samples],
        "page_errors": errors,
        "leaked_processes": leaked,
        "how": "in the page: performance.now() before a click() on the Check button, until "
        "the .jn-feedback text changes (MutationObserver) and two animation frames pass; "
        "answers alternate wrong/right; chosen with a real radio click first",
    }


# ---------------------------------------------------------------------------------------------
# Running and reporting

MEASUREMENTS: dict[str, tuple[str, Callable[[Settings, Measurement], None]]] = {
    "a": ("import time", bench_import),
    "b": ("notebooks in fresh kernels", bench_notebooks),
    "c": ("check() time", bench_check),
    "d": ("progress store", bench_store),
    "e": ("installed size", bench_size),
    "f": ("browser: Check → feedback", bench_browser),
}


def run_one(key: str, settings: Settings) -> Measurement:
    title, function = MEASUREMENTS[key]
    result = Measurement(key, title)
    log(f"({key}) {title}")
    result.data["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
    started = time.monotonic()
    try:
        function(settings, result)
    except Skip as skip:
        result.status, result.why = "skipped", str(skip)
    except Exception as err:  # report it, run the others
        result.status = "error"
        result.why = f"{type(err).__name__}: {str(err).strip().splitlines()[0] if str(err) else ''}"
        result.data["traceback"] = traceback.format_exc()
        traceback.print_exc()
    result.seconds = round(time.monotonic() - started, 1)
    log(f"({key}) {result.status} in {result.seconds} s")
    return result


def table(results: list[Measurement]) -> str:
    lines: list[tuple[str, str, str, str, str]] = []
    for result in results:
        if result.status == "skipped":
            lines.append((result.key, result.title, f"skipped: {result.why}", "", ""))
            continue
        for index, row in enumerate(result.rows):
            lines.append(
                (
                    result.key if index == 0 else "",
                    row.label,
                    row.figure,
                    row.target,
                    verdict(row.passed),
                )
            )
        if result.status == "error":
            lines.append(
                (
                    result.key if not result.rows else "",
                    result.title,
                    f"ERROR: {result.why}",
                    "",
                    "",
                )
            )
    header = ("", "measurement", "figure", "target", "")
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(5)]
    widths[2] = min(widths[2], 80)

    def fmt(line: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))

    out = [fmt(header).rstrip(), "  ".join("-" * width for width in widths)]
    out += [fmt(line).rstrip() for line in lines]
    return "\n".join(out)


def markdown(path: Path) -> str:
    """Return the table of a results file as Markdown (for bench/README.md)."""
    report = json.loads(path.read_text(encoding="utf-8"))
    lines = ["| | measurement | figure | target | |", "|---|---|---|---|---|"]
    for key, item in report["measurements"].items():
        if item["status"] == "skipped":
            lines.append(f"| {key} | {item['title']} | skipped: {item['why']} | | |")
            continue
        for index, row in enumerate(item["rows"]):
            label = row["label"].strip()
            label = label if not row["label"].startswith("  ") else f"↳ {label}"
            cells = [key if index == 0 else "", label, row["figure"], row["target"]]
            cells.append(verdict(row["passed"]))
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        if item["status"] == "error":
            lines.append(f"| {key} | {item['title']} | ERROR: {item['why']} | | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    parser.add_argument("--only", default="", help="comma-separated letters, e.g. a,c,d")
    parser.add_argument("--output", type=Path, help="where to write the JSON results")
    parser.add_argument(
        "--markdown",
        nargs="?",
        const=BENCH / "results.json",
        type=Path,
        metavar="RESULTS",
        help="print the table of a results file (default bench/results.json) as Markdown "
        "and exit, measuring nothing",
    )
    args = parser.parse_args(argv)
    if args.markdown is not None:
        print(markdown(args.markdown))
        return 0
    keys = [k.strip() for k in args.only.split(",") if k.strip()] or list(MEASUREMENTS)
    unknown = [k for k in keys if k not in MEASUREMENTS]
    if unknown:
        parser.error(f"unknown measurement(s) {unknown}; choose from {', '.join(MEASUREMENTS)}")
    full = not args.quick and keys == list(MEASUREMENTS)
    output = args.output or (BENCH / ("results.json" if full else "results.local.json"))
    settings = Settings.make(args.quick)

    machine = describe_machine()
    log(f"machine: {machine_line(machine)}")
    started = datetime.now(UTC)
    results = [run_one(key, settings) for key in MEASUREMENTS if key in keys]
    machine["load_average_at_end"] = list(os.getloadavg())
    report = {
        "generated": started.isoformat(timespec="seconds"),
        "command": "bench/run.py"
        + (" --quick" if args.quick else "")
        + (f" --only {args.only}" if args.only else ""),
        "mode": "quick" if args.quick else "full",
        "total_seconds": round(time.monotonic() - STARTED, 1),
        "machine": machine,
        "settings": asdict(settings),
        "measurements": {
            result.key: {
                "title": result.title,
                "status": result.status,
                "why": result.why,
                "seconds": result.seconds,
                "rows": [asdict(row) for row in result.rows],
                **result.data,
            }
            for result in results
        },
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    print(
        f"japan_nato benchmark ({report['mode']}, {report['total_seconds']:.0f} s) on "
        f"{machine_line(machine)}"
    )
    busy = [
        f"({r.key}) {r.data['load_average_before'][0]:.1f}"
        for r in results
        if r.data.get("load_average_before", [0])[0] > (machine["cores"] or 1)
    ]
    if busy:
        print(
            f"note: the machine was busy (1-minute load above {machine['cores']} cores before "
            f"{', '.join(busy)}); timings are noisier than on an idle machine"
        )
    print(table(results))
    missed = [
        f"({r.key}) {row.label.strip()}" for r in results for row in r.rows if row.passed is False
    ]
    skipped = [f"({r.key})" for r in results if r.status == "skipped"]
    crashed = [f"({r.key})" for r in results if r.status == "error"]
    print(
        f"targets missed: {len(missed)}"
        + (f" ({'; '.join(missed)})" if missed else "")
        + f"; skipped: {', '.join(skipped) or 'none'}; errors: {', '.join(crashed) or 'none'}"
    )
    with contextlib.suppress(ValueError):
        print(f"results: {output.relative_to(REPO)}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
