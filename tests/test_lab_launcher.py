"""scripts/lab.py, what `make lab` runs: the server's folder, its start page, its Terminal."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from scripts import lab as make_lab

from .conftest import REPO


def _option(command: list[str], name: str) -> str:
    """The value of a `--name=value` option (the last one wins, as in traitlets)."""
    values = [arg.split("=", 1)[1] for arg in command if arg.startswith(f"--{name}=")]
    assert values, f"--{name} is not set in {command}"
    return values[-1]


def test_lab_serves_notebooks_and_opens_the_start_notebook() -> None:
    command = make_lab.lab_command([], {"SHELL": "/bin/bash"})
    assert Path(_option(command, "ServerApp.root_dir")) == REPO / "notebooks"
    start = _option(command, "LabApp.default_url")
    assert start == "/lab/tree/00_start_here.ipynb"
    assert (REPO / "notebooks" / start.removeprefix("/lab/tree/")).is_file()


def test_lab_terminal_is_a_plain_shell_not_a_login_shell() -> None:
    """A login shell would read /etc/profile, which resets PATH and drops the venv."""
    command = make_lab.lab_command([], {"SHELL": "/bin/zsh"})
    settings = json.loads(_option(command, "ServerApp.terminado_settings"))
    assert settings["shell_command"] == ["/bin/zsh"]


def test_lab_puts_this_interpreters_bin_first_on_path_once() -> None:
    bin_dir = str(Path(sys.executable).parent)
    env = make_lab.lab_env({"PATH": os.pathsep.join(["/usr/bin", bin_dir, "/bin"])})
    assert env["PATH"].split(os.pathsep) == [bin_dir, "/usr/bin", "/bin"]


def test_extra_options_come_last_so_they_win() -> None:
    command = make_lab.lab_command(["--no-browser", "--ServerApp.root_dir=/elsewhere"], {})
    assert command[-2:] == ["--no-browser", "--ServerApp.root_dir=/elsewhere"]
    assert _option(command, "ServerApp.root_dir") == "/elsewhere"
