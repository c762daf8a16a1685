"""`make lab`'s JupyterLab: in its own Terminal, `japan-nato` works and the folder is notebooks/."""

from __future__ import annotations

import json
import os
import secrets
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from scripts import lab as make_lab
from tests.support import lab, processes

pytestmark = pytest.mark.browser

# Screen-reader mode mirrors the terminal's text (drawn on a canvas) into the page's DOM.
TERMINAL_SETTINGS = {"@jupyterlab/terminal-extension:plugin": {"screenReaderMode": True}}


def _env_without_venv(base: Path, progress: Path) -> dict[str, str]:
    """A hermetic environment whose PATH lacks the venv: the launcher must add it itself."""
    venv_bin = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "/usr/bin:/bin").split(os.pathsep) if p != venv_bin
    )
    for name in ("config", "data", "runtime", "ipython", "home"):
        (base / name).mkdir()
    labconfig = base / "config" / "labconfig"
    labconfig.mkdir()
    overrides = {**lab.LAB_SETTING_OVERRIDES, **TERMINAL_SETTINGS}
    (labconfig / "default_setting_overrides.json").write_text(json.dumps(overrides), "utf-8")
    env.update(
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_DATA_DIR=str(base / "data"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        IPYTHONDIR=str(base / "ipython"),
        HOME=str(base / "home"),
        JAPAN_NATO_PROGRESS=str(progress),
        JAPAN_NATO_LEARNER="terminal-test",
        **{processes.MARKER_ENV: str(base)},
    )
    return env


@pytest.fixture
def make_lab_server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """JupyterLab started by scripts/lab.py (what `make lab` runs); yields (url, token)."""
    progress = tmp_path / "progress.sqlite"
    env = make_lab.lab_env(_env_without_venv(tmp_path, progress))
    port, token = processes.free_port(), secrets.token_hex(16)
    extra = [
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        "--LabApp.news_url=None",
    ]
    log_path = tmp_path / "lab.log"
    proc = processes.start_logged(
        [sys.executable, "-m", "scripts.lab", *extra], cwd=lab.REPO, env=env, log_path=log_path
    )
    url = f"http://127.0.0.1:{port}/"
    server = lab.LabServer(
        base=tmp_path,
        root=make_lab.ROOT,
        progress=progress,
        port=port,
        token=token,
        proc=proc,
        log_path=log_path,
    )
    try:
        processes.wait_ready(
            proc,
            lambda: isinstance(_api(server, "GET", "api/status"), dict),
            name="scripts/lab.py",
            seconds=lab.SERVER_START_S,
            tail=server.log_tail,
            give_up=lambda: None,
        )
        # With no browser, the URL to copy must open the start notebook, not the Launcher.
        # (A token given on the command line is printed masked, as `token=...`.)
        start_url = f"{url}lab/tree/{make_lab.START}?token="
        assert start_url in log_path.read_text(errors="replace"), server.log_tail()
        yield url, token
    finally:
        for terminal in _api(server, "GET", "api/terminals") or []:
            _api(server, "DELETE", f"api/terminals/{terminal['name']}")
        leaked = server.stop()
    assert not leaked, f"processes left running: {leaked}"


def _api(server: lab.LabServer, method: str, path: str) -> Any:
    try:
        return server.api(method, path)
    except (OSError, urllib.error.URLError, ValueError):
        return None


def test_japan_nato_runs_in_the_lab_terminal(
    browser: Browser, make_lab_server: tuple[str, str]
) -> None:
    """New Terminal from the Launcher: `japan-nato progress` runs, in notebooks/, venv python."""
    url, token = make_lab_server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page: Page = context.new_page()
    try:
        page.goto(f"{url}lab?reset&token={token}", timeout=lab.PAGE_LOAD_MS)
        page.locator(".jp-LauncherCard", has_text="Terminal").click(timeout=lab.PAGE_LOAD_MS)
        screen = page.locator(".jp-Terminal .xterm-accessibility-tree")
        screen.wait_for(state="attached", timeout=lab.PAGE_LOAD_MS)
        page.locator(".jp-Terminal .xterm").click()
        page.keyboard.type("japan-nato progress; echo exit=$?; pwd; command -v python\n")
        expect(screen).to_contain_text("exit=0", timeout=lab.RUN_MS)
        text = screen.text_content() or ""
        assert "command not found" not in text, text
        assert "Traceback" not in text, text
        assert str(make_lab.ROOT) in text, f"the Terminal did not open in notebooks/:\n{text}"
        assert str(Path(sys.executable).parent / "python") in text, text
    finally:
        context.close()
