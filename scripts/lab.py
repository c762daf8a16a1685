"""Start JupyterLab on the course, the way `make lab` does.

Usage (from the repository root): python -m scripts.lab [extra jupyter lab options]

The server's root is notebooks/, so the file browser and a new Terminal both open where the
learner's notebooks and exports are. The Terminal runs a plain (non-login) shell with this
interpreter's bin folder first on PATH, so `japan-nato` and `python` there are the course's.
When no browser opens, the URL printed is the start notebook's, not the Launcher's.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NoReturn

REPO = Path(__file__).resolve().parents[1]
ROOT = REPO / "notebooks"
START = "00_start_here.ipynb"


def terminal_shell(env: Mapping[str, str]) -> list[str]:
    """The Terminal's shell: the learner's own, started without `-l`.

    A login shell reads /etc/profile, which on Debian sets PATH from scratch and would drop
    the venv's bin folder again.
    """
    shell = env.get("SHELL") or shutil.which("bash") or "/bin/sh"
    return [shell]


def lab_env(base: Mapping[str, str]) -> dict[str, str]:
    """Return `base` with this interpreter's bin folder first on PATH (and VIRTUAL_ENV set)."""
    env = dict(base)
    # Not resolved: a venv's python is a symlink, and its own folder is the one we want.
    bin_dir = str(Path(sys.executable).parent)
    parts = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != bin_dir]
    env["PATH"] = os.pathsep.join([bin_dir, *parts])
    if sys.prefix != sys.base_prefix:
        env["VIRTUAL_ENV"] = sys.prefix
    return env


def lab_command(extra: Sequence[str] = (), env: Mapping[str, str] = os.environ) -> list[str]:
    """Return the `jupyter lab` command line, with `extra` options last (they win)."""
    settings = {"shell_command": terminal_shell(env)}
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        f"--ServerApp.root_dir={ROOT}",
        f"--LabApp.default_url=/lab/tree/{START}",
        f"--ServerApp.terminado_settings={json.dumps(settings)}",
    ]
    if hasattr(os, "getuid") and os.getuid() == 0:
        command.append("--allow-root")  # JupyterLab refuses to start as root without it
    return [*command, *extra]


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Replace this process by JupyterLab serving the course."""
    extra = list(sys.argv[1:] if argv is None else argv)
    env = lab_env(os.environ)
    command = lab_command(extra, env)
    print(f"Starting JupyterLab in {ROOT.relative_to(REPO)}/ (Ctrl+C twice to stop).", flush=True)
    os.chdir(ROOT)
    os.execve(command[0], command, env)


if __name__ == "__main__":
    main()
