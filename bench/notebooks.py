"""(b) Every course notebook in a fresh kernel against as many one-cell floor kernels."""

from __future__ import annotations

import copy
import importlib.util
import logging
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.common import (
    CACHE,
    NOTEBOOKS,
    REPO,
    Measurement,
    Row,
    Settings,
    Skip,
    child_env,
    children_cpu,
    log,
    median,
)

TITLE = "notebooks in fresh kernels"
# The editable package's bytecode, under the benchmark's PYTHONPYCACHEPREFIX (see child_env).
PACKAGE_PYCACHE = Path(str(CACHE / "pycache") + str(REPO / "src" / "japan_nato"))
FLOOR_CELL = "import pandas, ipywidgets"
KERNEL_NAME = "python3"


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


def _slowest_cells(
    runs: list[list[tuple[int, str, float]]], count: int = 3
) -> list[dict[str, Any]]:
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


def _rss_mb(client: Any) -> float:
    """Resident memory of the client's kernel process in MB (/proc), NaN if unreadable."""
    try:
        pid = client.km.provisioner.process.pid
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except (AttributeError, OSError):
        return float("nan")
    kib = next((line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")), "")
    return int(kib) / 1024 if kib.isdigit() else float("nan")


class _Warnings(logging.Handler):
    """Collects the warnings nbclient logs during one run."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the message."""
        self.messages.append(record.getMessage())


@dataclass
class _Runner:
    """Runs notebooks in fresh kernels and keeps what each run measured, by label."""

    work: Path
    logger: logging.Logger
    cell_times: dict[str, list[list[tuple[int, str, float]]]] = field(default_factory=dict)
    kernel_cpu: dict[str, list[float]] = field(default_factory=dict)  # CPU s of each kernel
    kind_times: dict[str, list[dict[str, float]]] = field(default_factory=dict)  # kind -> s
    phases: dict[str, list[dict[str, float]]] = field(default_factory=dict)  # start/cells/stop
    retried: list[str] = field(default_factory=list)
    rss_mb: dict[str, list[float]] = field(default_factory=dict)  # kernel RSS after last cell
    mplconfig: Path | None = None  # matplotlib's config and font cache for this round

    def empty_caches(self) -> None:
        """Start a learner's first run: no font cache, no bytecode of the course package.

        pandas, ipywidgets and the rest keep the bytecode pip wrote at install time, as on a
        learner's machine; only what the course itself would build on first use is removed.
        """
        shutil.rmtree(PACKAGE_PYCACHE, ignore_errors=True)
        self.mplconfig = Path(tempfile.mkdtemp(prefix="mpl-", dir=self.work))

    def clear(self) -> None:
        """Forget the runs so far (after the warm-up round)."""
        for records in (
            self.cell_times,
            self.kernel_cpu,
            self.kind_times,
            self.phases,
            self.rss_mb,
        ):
            records.clear()

    def _once(self, notebook: Any, label: str) -> tuple[Any, dict[str, float], list[str]]:
        """Run a copy of notebook once; return it run, its time marks, nbclient's warnings."""
        import nbclient
        from nbclient.exceptions import CellExecutionError

        progress = self.work / f"progress-{time.monotonic_ns()}.sqlite"
        extra = {"JAPAN_NATO_PROGRESS": str(progress)}
        if self.mplconfig is not None:
            extra["MPLCONFIGDIR"] = str(self.mplconfig)
        env = child_env(**extra)
        nb = copy.deepcopy(notebook)
        handler = _Warnings()
        self.logger.addHandler(handler)
        marks: dict[str, float] = {}

        def mark(name: str) -> Callable[..., None]:
            def hook(**_: Any) -> None:
                marks[name] = time.perf_counter()
                if name == "last_cell":
                    marks["rss_mb"] = _rss_mb(client)

            return hook

        with (self.work / "kernels.log").open("ab") as stderr:
            cpu = children_cpu()
            marks["started"] = time.perf_counter()
            client = nbclient.NotebookClient(
                nb,
                kernel_name=KERNEL_NAME,
                timeout=300,
                startup_timeout=120,
                resources={"metadata": {"path": str(NOTEBOOKS)}},
                log=self.logger,
                on_notebook_start=mark("ready"),
                on_cell_executed=mark("last_cell"),
            )
            try:
                client.execute(env=env, stderr=stderr, stdout=stderr)
            except CellExecutionError as err:
                raise RuntimeError(f"{label} failed:\n{str(err)[-1500:]}") from None
            finally:
                self.logger.removeHandler(handler)
            marks["ended"] = time.perf_counter()
            marks["cpu"] = children_cpu() - cpu
        for suffix in ("", "-wal", "-shm"):
            Path(f"{progress}{suffix}").unlink(missing_ok=True)
        return nb, marks, handler.messages

    def execute(self, notebook: Any, label: str) -> float:
        """Run a copy of notebook in a fresh kernel; return seconds from start to last cell done.

        A run in which nbclient gave up waiting for a cell's IOPub messages (its fixed 4 s
        iopub_timeout: a ZeroMQ subscription race in the harness, seen on both sides and more
        often on a busy machine) is discarded and run again, at most twice.
        """
        for _attempt in range(3):
            nb, marks, messages = self._once(notebook, label)
            if not any("IOPub" in message for message in messages):
                break
            self.retried.append(f"{label}: {marks['ended'] - marks['started']:.2f} s")
        started = marks["started"]
        ready = marks.get("ready", started)
        last = marks.get("last_cell", ready)
        self.phases.setdefault(label, []).append(
            {
                "kernel start": ready - started,
                "running cells": last - ready,
                "shutdown": marks["ended"] - last,
            }
        )
        self.kernel_cpu.setdefault(label, []).append(marks["cpu"])
        if "rss_mb" in marks:
            self.rss_mb.setdefault(label, []).append(marks["rss_mb"])
        self.cell_times.setdefault(label, []).append(_cell_seconds(nb))
        kinds: dict[str, float] = {}
        for index, _, seconds in self.cell_times[label][-1]:
            kind = _cell_kind(nb.cells[index].source)
            kinds[kind] = kinds.get(kind, 0.0) + seconds
        self.kind_times.setdefault(label, []).append(kinds)
        # What a learner waits for: a fresh kernel until its last cell has run. The graceful
        # shutdown that follows is timed as a phase but left out: jupyter_client's shutdown
        # now and then stalls for 3-4 s on either side (seen here on `pass`-only notebooks).
        return last - started

    def phase(self, label: str, key: str) -> float:
        """Median seconds of one phase over a label's runs."""
        return median([run[key] for run in self.phases[label]])


@dataclass
class _Samples:
    """The timed rounds: per notebook, its twin with `pass` cells, and the floor kernels."""

    names: list[str]
    notebook: dict[str, list[float]]
    twin: dict[str, list[float]]
    floor: list[list[float]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> list[str]:
        """The notebooks that ran without an error."""
        return [name for name in self.names if name not in self.errors]


def _load() -> tuple[dict[str, Any], Any, dict[str, Any]]:
    """Return the course notebooks, the floor notebook and each notebook's `pass` twin."""
    import nbformat

    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    notebooks = {path.stem: nbformat.read(path, as_version=4) for path in paths}
    floor = nbformat.v4.new_notebook()
    floor.cells.append(nbformat.v4.new_code_cell(FLOOR_CELL))
    floor.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    # The same notebooks with every code cell reduced to `pass`: what the cell count alone
    # costs (one execute round trip per cell), to split the excess over the floor.
    twins = {}
    for name, notebook in notebooks.items():
        twin = copy.deepcopy(notebook)
        for cell in twin.cells:
            if cell.cell_type == "code":
                cell.source, cell.outputs = "pass", []
        twins[name] = twin
    return notebooks, floor, twins


def _rounds(
    settings: Settings,
    runner: _Runner,
    notebooks: dict[str, Any],
    floor: Any,
    twins: dict[str, Any],
) -> _Samples:
    """An optional untimed warm-up round, then the timed rounds, notebook and floor interleaved."""
    names = list(notebooks)
    samples = _Samples(names, {name: [] for name in names}, {name: [] for name in names})
    if settings.notebook_warmup:
        log("(b) warm-up round (untimed)")
        for name in names:
            try:
                runner.execute(notebooks[name], name)
            except RuntimeError as err:
                samples.errors[name] = str(err)
            runner.execute(floor, "floor")
            runner.execute(twins[name], f"{name} (pass cells)")
        runner.clear()
    for run in range(settings.notebook_runs):
        log(f"(b) round {run + 1} of {settings.notebook_runs} (caches emptied first)")
        runner.empty_caches()
        floors = []
        for name in names[run % len(names) :] + names[: run % len(names)]:
            if name not in samples.errors:
                try:
                    samples.notebook[name].append(runner.execute(notebooks[name], name))
                except RuntimeError as err:
                    samples.errors[name] = str(err)
            floors.append(runner.execute(floor, "floor"))
            samples.twin[name].append(runner.execute(twins[name], f"{name} (pass cells)"))
        samples.floor.append(floors)
    return samples


def run(settings: Settings, result: Measurement) -> None:
    """Each course notebook in a fresh kernel (nbclient) vs as many one-cell floor kernels."""
    if not sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        raise Skip("no course notebooks (notebooks/[0-9][0-9]_*.ipynb) yet")
    if importlib.util.find_spec("nbclient") is None:
        raise Skip("nbclient is not installed (pip install -e .[test])")
    notebooks, floor, twins = _load()
    logger = logging.getLogger("japan_nato.bench.nbclient")
    logger.propagate = False
    work = Path(tempfile.mkdtemp(prefix="jn-bench-nb-"))
    runner = _Runner(work, logger)
    try:
        samples = _rounds(settings, runner, notebooks, floor, twins)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    code_cells = {
        name: sum(1 for cell in nb.cells if cell.cell_type == "code")
        for name, nb in notebooks.items()
    }
    _report(settings, result, runner, samples, code_cells)


def _report(
    settings: Settings,
    result: Measurement,
    runner: _Runner,
    samples: _Samples,
    code_cells: dict[str, int],
) -> None:
    """Turn the samples into the table's rows and results.json's data."""
    ok, errors, runs = samples.ok, samples.errors, settings.notebook_runs
    per_notebook = {name: median(samples.notebook[name]) for name in ok}
    in_cells = {
        name: median([sum(c[2] for c in cells) for cells in runner.cell_times[name]]) for name in ok
    }
    slowest = {name: _slowest_cells(runner.cell_times[name]) for name in ok}
    totals = [sum(samples.notebook[name][run] for name in ok) for run in range(runs)]
    floor_totals = [sum(floors[: len(ok)]) for floors in samples.floor]
    floor_each = median([value for floors in samples.floor for value in floors])
    ratio = median(totals) / median(floor_totals) if ok else float("nan")
    if ok:
        result.rows.append(
            Row(
                f"{len(ok)} notebooks / {len(ok)} floor kernels (median of {runs})",
                f"{ratio:.2f} ({median(totals):.1f} s vs {median(floor_totals):.1f} s)"
                + (f"; {len(errors)} failed, left out" if errors else ""),
                "≤ 1.5",
                None if errors else ratio <= 1.5,  # no verdict on a partial course
                round(ratio, 3),
                "ratio",
            )
        )
    floor_cells = median([sum(c[2] for c in cells) for cells in runner.cell_times["floor"]])
    if runner.retried:
        result.rows.append(
            Row(
                "  runs repeated after nbclient's 4 s IOPub timeout (harness, not course)",
                f"{len(runner.retried)}: " + ", ".join(runner.retried)[:150],
            )
        )
    result.rows.append(
        Row(
            f"  floor kernel: one cell `{FLOOR_CELL}`",
            f"{floor_each:.2f} s each; cell {floor_cells:.2f} s",
        )
    )
    _memory_rows(result, runner, samples)
    twin_each = {name: median(values) for name, values in samples.twin.items()}
    twin_total = median([sum(samples.twin[name][run] for name in ok) for run in range(runs)])
    cpu_ratio = float("nan")
    if ok:
        cpu_ratio = _breakdown_rows(
            result, runner, ok, in_cells, floor_cells, median(totals), median(floor_totals)
        )
        result.rows.append(
            Row(
                "  same notebooks, every code cell `pass` (cost of the cell count)",
                f"{twin_total:.1f} s ({twin_total / median(floor_totals):.2f}× floor); "
                f"{sum(code_cells[n] for n in ok)} code cells",
            )
        )
    for name in samples.names:
        if name in errors:
            result.rows.append(Row(f"  {name}", "ERROR (see results.json)"))
            continue
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
        "runs": runs,
        "warm_up_round": settings.notebook_warmup,
        "notebooks": samples.names,
        "samples_s": samples.notebook,
        "medians_s": per_notebook,
        "kernel_cpu_s": runner.kernel_cpu,
        "cpu_ratio": cpu_ratio,
        "seconds_in_cells": in_cells,
        "code_cells": code_cells,
        "pass_cells_samples_s": samples.twin,
        "pass_cells_medians_s": twin_each,
        "pass_cells_total_s": twin_total,
        "slowest_cells": slowest,
        "floor_cells_s": floor_cells,
        "floor_cell": FLOOR_CELL,
        "floor_samples_s": samples.floor,
        "floor_median_each_s": floor_each,
        "totals_s": totals,
        "floor_totals_s": floor_totals,
        "ratio": ratio,
        "target": 1.5,
        "errors": errors,
        "runs_repeated_after_iopub_timeout": runner.retried,
        "how": "nbclient, fresh kernel per run, timed from kernel start until the last cell "
        "has run (the graceful shutdown after it is timed separately in phases_s), cwd notebooks/, "
        "JAPAN_NATO_PROGRESS a fresh temp file per run; notebook and floor runs interleaved",
    }
    if errors:
        result.status = "error"
        result.why = "notebook(s) failed: " + ", ".join(errors)


def _breakdown_rows(
    result: Measurement,
    runner: _Runner,
    ok: list[str],
    in_cells: dict[str, float],
    floor_cells: float,
    total: float,
    floor_total: float,
) -> float:
    """Add the CPU, shutdown and where-the-time-goes rows; return the CPU-time ratio."""
    nb_cpu = sum(median(runner.kernel_cpu[name]) for name in ok)
    floor_cpu = median(runner.kernel_cpu["floor"]) * len(ok)
    cpu_ratio = nb_cpu / floor_cpu if floor_cpu else float("nan")
    result.rows.append(
        Row(
            "  same, CPU time of the kernel processes instead of wall clock",
            f"{cpu_ratio:.2f} ({nb_cpu:.1f} s vs {floor_cpu:.1f} s)",
        )
    )
    breakdown: dict[str, float] = {}
    for name in ok:
        for kind in {k for run in runner.kind_times[name] for k in run}:
            value = median([run.get(kind, 0.0) for run in runner.kind_times[name]])
            breakdown[kind] = breakdown.get(kind, 0.0) + value
    breakdown["between cells (requests, outputs, widget messages)"] = sum(
        runner.phase(name, "running cells") - in_cells[name] for name in ok
    )
    starts = sum(runner.phase(name, "kernel start") for name in ok)
    stops = sum(runner.phase(name, "shutdown") for name in ok)
    floor_start = runner.phase("floor", "kernel start") * len(ok)
    floor_stop = runner.phase("floor", "shutdown") * len(ok)
    floor_between = (runner.phase("floor", "running cells") - floor_cells) * len(ok)
    result.data["breakdown_s"] = {"kernel start": starts, **breakdown, "kernel shutdown": stops}
    result.data["floor_breakdown_s"] = {
        "kernel start": floor_start,
        "the import cell": floor_cells * len(ok),
        "between cells (requests, outputs, widget messages)": floor_between,
        "kernel shutdown": floor_stop,
    }
    result.data["phases_s"] = runner.phases
    with_shutdown = (total + stops) / (floor_total + floor_stop)
    result.data["ratio_with_shutdown"] = with_shutdown
    result.rows.append(
        Row(
            "  same, counting each kernel's graceful shutdown too",
            f"{with_shutdown:.2f} ({total + stops:.1f} s vs {floor_total + floor_stop:.1f} s)",
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
    return cpu_ratio


def _memory_rows(result: Measurement, runner: _Runner, samples: _Samples) -> None:
    """Add the kernel-memory figure: RSS after the last cell, each notebook vs the floor."""
    floor = median(runner.rss_mb.get("floor", []))
    per_notebook = {name: median(runner.rss_mb.get(name, [])) for name in samples.ok}
    if not per_notebook or floor != floor:  # NaN: /proc was not readable
        return
    heaviest = max(per_notebook, key=lambda name: per_notebook[name])
    result.rows.append(
        Row(
            "kernel memory (RSS) after the last cell: floor kernel / notebooks (median MB)",
            f"floor {floor:.0f} MB; notebooks {min(per_notebook.values()):.0f}–"
            f"{per_notebook[heaviest]:.0f} MB (heaviest {heaviest}, "
            f"{per_notebook[heaviest] / floor:.2f}× floor)",
            value=round(per_notebook[heaviest] / floor, 3),
            unit="ratio",
        )
    )
    result.rows.append(
        Row(
            "  RSS per notebook (MB, median)",
            ", ".join(f"{name[:2]} {mb:.0f}" for name, mb in per_notebook.items()),
        )
    )
    result.data["memory"] = {
        "floor_rss_mb": floor,
        "notebook_rss_mb": per_notebook,
        "samples_rss_mb": runner.rss_mb,
        "how": "VmRSS of the kernel process (/proc/<pid>/status) when its last cell has run, "
        "before shutdown; the floor kernel runs only `import pandas, ipywidgets`",
    }
