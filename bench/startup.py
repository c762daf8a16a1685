"""(a) Start-up: `import japan_nato` against `import pandas` in fresh interpreters."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile

from bench.common import Measurement, Row, Settings, child_env, median, ms, time_command

TITLE = "import time"
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


def _imported_modules(env: dict[str, str]) -> list[str]:
    """Return the modules a fresh interpreter gains by `import japan_nato`."""
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
    modules: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return modules


def run(settings: Settings, result: Measurement) -> None:
    """Wall clock of `python -c "import X"` in fresh interpreters, interleaved."""
    env = child_env()
    commands = {
        "japan_nato": "import japan_nato",
        "pandas": "import pandas",
        "bare python": "pass",
    }
    for code in commands.values():  # untimed: fills the bytecode cache
        time_command([sys.executable, "-c", code], env)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for run in range(settings.import_runs):
        # Rotate the order so that neither command always runs first.
        for name in names[run % len(names) :] + names[: run % len(names)]:
            wall, used = time_command([sys.executable, "-c", commands[name]], env)
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

    modules = _imported_modules(env)
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
