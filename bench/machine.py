"""The machine a run happened on: CPU, memory, Python, package versions, the checkout's state."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.common import CHROMIUM, REPO, shown_path

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


def _read(path: str) -> str:
    """Return a text file's content, or "" when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _version(name: str) -> str | None:
    """Return the installed version of a distribution, or None."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _command_output(command: list[str], timeout: float = 20.0) -> str | None:
    """Return a command's stripped stdout, or None when it fails."""
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
        "python_executable": shown_path(sys.executable),
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
    """Return the machine in one line, for the table's heading."""
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
