"""Servers the end-to-end tests start: free ports, logged processes, readiness, clean-up.

Every process a test starts carries MARKER_ENV=<its temp dir> in its environment, and so do
the kernels, servers and services those start, so a test can find and stop whatever it leaked.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

MARKER_ENV = "JAPAN_NATO_E2E_RUN"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def log_tail(path: Path, lines: int) -> str:
    """Return the last lines of a log file ("" if it does not exist yet)."""
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def start_logged(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str], log_path: Path
) -> subprocess.Popen[bytes]:
    """Start command in its own session, its output (stdout and stderr) going to log_path."""
    with log_path.open("wb") as log:
        return subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_ready(
    proc: subprocess.Popen[bytes],
    ready: Callable[[], bool],
    *,
    name: str,
    seconds: float,
    tail: Callable[[], str],
    give_up: Callable[[], object],
) -> None:
    """Poll ready() until it is true; raise RuntimeError with the log if proc exits or times out.

    ready() may raise OSError (not listening yet), which counts as not ready; give_up() runs
    before the timeout error, to stop what was started.
    """
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}:\n{tail()}")
        try:
            if ready():
                return
        except (OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            give_up()
            raise RuntimeError(f"{name} was not ready within {seconds:.0f} s:\n{tail()}")
        time.sleep(0.1)


def marked_processes(value: str) -> list[tuple[int, dict[str, str]]]:
    """Return (pid, environment) of live processes carrying MARKER_ENV=value.

    The environment has one more key, "_cmd": the process's command line.
    """
    needle = f"{MARKER_ENV}={value}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            raw = (entry / "environ").read_bytes().split(b"\0")
            if needle not in raw:
                continue
            if "\nState:\tZ" in (entry / "status").read_text():
                continue  # a zombie is already dead; its parent reaps it
            env = dict(item.decode(errors="replace").split("=", 1) for item in raw if b"=" in item)
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            env["_cmd"] = cmdline.decode(errors="replace").strip()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        found.append((int(entry.name), env))
    return found


def wait_for_no_marked_processes(value: str, timeout: float) -> list[tuple[int, str]]:
    """Poll until no process carries MARKER_ENV=value; return those still alive at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        alive = [(pid, env["_cmd"]) for pid, env in marked_processes(value)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def stop_group(proc: subprocess.Popen[bytes], timeout: float, *, group: bool = True) -> None:
    """Send SIGTERM (to the process group, or the process alone), then SIGKILL the group."""
    if proc.poll() is not None:
        return
    try:
        if group:
            os.killpg(proc.pid, signal.SIGTERM)
        else:
            proc.send_signal(signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout)


def kill_leftovers(value: str, timeout: float) -> list[tuple[int, str]]:
    """Wait for the processes marked with value to end; kill and return those that did not."""
    leaked = wait_for_no_marked_processes(value, timeout)
    for pid, _ in leaked:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return leaked
