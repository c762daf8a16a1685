"""JupyterLab + headless Chromium machinery shared by the browser tests, bench and scripts.

Nothing here imports playwright at module level, so the test directory can be collected (and
skipped with a clear message) on a machine without it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tests.support.processes import (
    MARKER_ENV,
    free_port,
    kill_leftovers,
    log_tail,
    start_logged,
    stop_group,
    wait_ready,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page, Playwright

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
# Debian's Chromium; JAPAN_NATO_CHROMIUM points elsewhere (e.g. to check the skip message).
CHROMIUM = Path(os.environ.get("JAPAN_NATO_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SKIP_MESSAGE_CHROMIUM = (
    f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium` "
    "(or run .ci/run) to enable the browser tests"
)
SKIP_MESSAGE_PLAYWRIGHT = (
    "Python package `playwright` not installed: install the browser extra "
    "(`pip install -e .[browser]`, or `make test`) to enable the browser tests; "
    "never run `playwright install`, the tests use Debian's Chromium"
)
# Every process we start (server, kernels, browser) carries this variable; teardown looks for
# survivors by it.

# Timeouts in milliseconds (2-core machine; a cold kernel importing pandas takes a few seconds).
SERVER_START_S = 90.0
PAGE_LOAD_MS = 60_000
RUN_MS = 120_000
UI_MS = 15_000

# JupyterLab defaults for the test server, read from <JUPYTER_CONFIG_DIR>/labconfig/
# default_setting_overrides.json (jupyterlab_server's settings_utils._get_overrides).
LAB_SETTING_OVERRIDES: dict[str, dict[str, Any]] = {
    # The "Jupyter news" toast and the update check (both would also try the network).
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
        "doNotDisturbMode": True,
    },
    # Keep every cell attached to the DOM so counts and visibility checks see all of them.
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    # The served notebooks are copies, but nothing needs to be written back during a test.
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    # No PyPI queries from the extension manager.
    "@jupyterlab/extensionmanager-extension:plugin": {"enabled": False},
}

STDERR_MIME = "application/vnd.jupyter.stderr"


def missing_requirement() -> str | None:
    """Return why the browser tests cannot run here, or None when they can."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return SKIP_MESSAGE_CHROMIUM
    if importlib.util.find_spec("playwright") is None:
        return SKIP_MESSAGE_PLAYWRIGHT
    return None


def write_notebook(path: Path, code_cells: Sequence[str], markdown: str | None = None) -> Path:
    """Write a minimal nbformat-4.5 notebook with the given code cells (and a title cell)."""
    cells: list[dict[str, Any]] = []
    if markdown is not None:
        cells.append(
            {
                "cell_type": "markdown",
                "id": uuid.uuid4().hex[:8],
                "metadata": {},
                "source": markdown,
            }
        )
    for source in code_cells:
        cells.append(
            {
                "cell_type": "code",
                "execution_count": None,
                "id": uuid.uuid4().hex[:8],
                "metadata": {},
                "outputs": [],
                "source": source,
            }
        )
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")
    return path


@dataclass
class LabServer:
    """A running `jupyter lab` serving a temporary copy of the notebooks."""

    base: Path
    root: Path
    progress: Path
    port: int
    token: str
    proc: subprocess.Popen[bytes]
    log_path: Path
    startup_s: float = 0.0
    _workspaces: int = field(default=0, repr=False)

    @property
    def url(self) -> str:
        """Base URL of the server, with a trailing slash."""
        return f"http://127.0.0.1:{self.port}/"

    def api(self, method: str, path: str, timeout: float = 10.0) -> Any:
        """Call the server's REST API with the token; return the decoded JSON (or None)."""
        request = urllib.request.Request(
            self.url + path.lstrip("/"),
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def notebook_url(self, name: str) -> str:
        """URL opening notebook `name` (relative to root) in a fresh JupyterLab workspace."""
        self._workspaces += 1
        workspace = f"t{self._workspaces}-{secrets.token_hex(3)}"
        return f"{self.url}lab/workspaces/{workspace}/tree/{quote(name)}?token={self.token}"

    def shutdown_kernels(self) -> None:
        """Delete every session and kernel, so the next test starts from fresh kernels."""
        for session in self.api("GET", "api/sessions"):
            self.api("DELETE", f"api/sessions/{session['id']}")
        for kernel in self.api("GET", "api/kernels"):
            self.api("DELETE", f"api/kernels/{kernel['id']}")

    def reset_progress(self) -> None:
        """Delete the learners' progress database (call only when no kernel is running)."""
        for path in self.progress.parent.glob(self.progress.name + "*"):
            path.unlink()

    def log_tail(self, lines: int = 40) -> str:
        """Return the last lines of the server log."""
        return log_tail(self.log_path, lines)

    def stop(self, timeout: float = 20.0) -> list[tuple[int, str]]:
        """Stop kernels and the server (its process group); kill and return any survivors."""
        if self.proc.poll() is None:
            try:
                self.shutdown_kernels()
            except (OSError, urllib.error.URLError, ValueError):
                pass
            stop_group(self.proc, timeout)
        return kill_leftovers(str(self.base), timeout=10.0)


def start_lab(base: Path, notebooks: Path | None = NOTEBOOKS) -> LabServer:
    """Start `jupyter lab` from this interpreter's environment, hermetically, under `base`."""
    base.mkdir(parents=True, exist_ok=True)
    root = base / "root"
    if notebooks is not None and notebooks.is_dir():
        shutil.copytree(notebooks, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    root.mkdir(exist_ok=True)
    dirs = {name: base / name for name in ("config", "data", "runtime", "ipython", "home")}
    for directory in dirs.values():
        directory.mkdir(exist_ok=True)
    labconfig = dirs["config"] / "labconfig"
    labconfig.mkdir()
    (labconfig / "default_setting_overrides.json").write_text(
        json.dumps(LAB_SETTING_OVERRIDES, indent=2), encoding="utf-8"
    )
    progress = base / "progress" / "progress.sqlite"
    progress.parent.mkdir()

    env = dict(os.environ)
    for key in (
        "JUPYTER_PATH",
        "JUPYTER_CONFIG_PATH",
        "JUPYTERLAB_SETTINGS_DIR",
        "JUPYTERLAB_WORKSPACES_DIR",
        "JUPYTER_PREFER_ENV_PATH",
    ):
        env.pop(key, None)
    src = str(REPO / "src")
    env.update(
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTER_DATA_DIR=str(dirs["data"]),
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        IPYTHONDIR=str(dirs["ipython"]),
        HOME=str(dirs["home"]),
        MPLCONFIGDIR=str(dirs["home"] / ".matplotlib"),
        JAPAN_NATO_PROGRESS=str(progress),
        # The checkout's package, whether or not it is installed (editable installs agree).
        PYTHONPATH=os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p),
        PYDEVD_DISABLE_FILE_VALIDATION="1",
        **{MARKER_ENV: str(base)},
    )
    port = free_port()
    token = secrets.token_hex(24)
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--allow-root",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.terminals_enabled=False",
        "--LabApp.extension_manager=readonly",
        "--LabApp.news_url=None",
    ]
    log_path = base / "jupyter-lab.log"
    started = time.monotonic()
    proc = start_logged(command, cwd=root, env=env, log_path=log_path)
    server = LabServer(
        base=base,
        root=root,
        progress=progress,
        port=port,
        token=token,
        proc=proc,
        log_path=log_path,
    )

    def answers() -> bool:
        try:
            status = server.api("GET", "api/status", timeout=2.0)
        except urllib.error.URLError:
            return False
        return isinstance(status, dict) and "started" in status

    wait_ready(
        proc,
        answers,
        name="jupyter lab (/api/status)",
        seconds=SERVER_START_S,
        tail=server.log_tail,
        give_up=server.stop,
    )
    server.startup_s = time.monotonic() - started
    return server


def launch_browser(playwright: Playwright, marker: str) -> Browser:
    """Launch Debian's Chromium headless (never a downloaded browser), tagged with `marker`."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        env={**os.environ, MARKER_ENV: marker},
    )


@dataclass
class PageRecord:
    """What the page did on its own during a test: dialogs and uncaught page errors."""

    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


# --- page helpers -------------------------------------------------------------------------

_ARM_BUSY_WATCH = """() => {
  window.__jnSawBusy = false;
  const busy = () => [...document.querySelectorAll('.jp-InputPrompt')]
    .some(p => p.textContent.includes('[*]'));
  if (window.__jnBusyObserver) window.__jnBusyObserver.disconnect();
  window.__jnBusyObserver = new MutationObserver(() => {
    if (!window.__jnSawBusy && busy()) window.__jnSawBusy = true;
  });
  window.__jnBusyObserver.observe(document.body,
    {subtree: true, childList: true, characterData: true});
}"""

_IDLE = """() => {
  const bar = document.querySelector('#jp-main-statusbar');
  if (!bar || !bar.textContent.includes('Idle')) return false;
  return ![...document.querySelectorAll('.jp-InputPrompt')]
    .some(p => p.textContent.includes('[*]'));
}"""


def open_notebook(page: Page, lab: LabServer, name: str) -> None:
    """Open notebook `name` in a fresh workspace and wait until its kernel is idle."""
    page.goto(lab.notebook_url(name), timeout=PAGE_LOAD_MS)
    panel = page.locator(".jp-NotebookPanel").filter(has=page.locator(".jp-Cell"))
    panel.first.wait_for(state="visible", timeout=PAGE_LOAD_MS)
    title = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current")
    title.filter(has_text=Path(name).name).wait_for(timeout=PAGE_LOAD_MS)
    wait_idle(page, timeout=PAGE_LOAD_MS)


def wait_idle(page: Page, timeout: float = RUN_MS) -> None:
    """Wait until the status bar says Idle and no cell prompt shows [*]."""
    page.wait_for_function(_IDLE, timeout=timeout, polling=100)


def _menu(page: Page, menu: str, item: str) -> None:
    """Click main-menu `menu`, then its item labelled `item` (an ellipsis may follow)."""
    bar_label = re.compile(f"^{re.escape(menu)}$")
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=bar_label).click()
    label = page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}…?$"))
    page.locator(".lm-Menu .lm-Menu-item:not(.lm-mod-hidden)").filter(has=label).click()


def _wait_run(page: Page, timeout: float) -> None:
    """Wait until a run armed with _ARM_BUSY_WATCH has started (a [*] prompt) and finished."""
    page.wait_for_function("() => window.__jnSawBusy === true", timeout=UI_MS, polling=50)
    wait_idle(page, timeout=timeout)


def run_all(page: Page, timeout: float = RUN_MS) -> None:
    """Run → Run All Cells, then wait until every cell has run and the kernel is idle."""
    page.evaluate(_ARM_BUSY_WATCH)
    _menu(page, "Run", "Run All Cells")
    _wait_run(page, timeout)


def restart_and_run_all(page: Page, timeout: float = RUN_MS) -> None:
    """Kernel → Restart Kernel and Run All Cells…, confirm, and wait for the run to finish."""
    page.evaluate(_ARM_BUSY_WATCH)
    _menu(page, "Kernel", "Restart Kernel and Run All Cells")
    dialog = page.locator(".jp-Dialog")
    dialog.locator("button.jp-mod-accept").click(timeout=UI_MS)
    dialog.wait_for(state="detached", timeout=UI_MS)
    _wait_run(page, timeout)


def error_outputs(page: Page) -> Locator:
    """Locator for every error on the page: tracebacks, stderr streams, failed widget views."""
    return page.locator(
        f'.jp-OutputArea-output[data-mime-type="{STDERR_MIME}"], '
        '.jp-OutputArea-output:has-text("Error displaying widget"), '
        '.jp-OutputArea-output:has-text("Traceback (most recent call last)")'
    )


def error_texts(page: Page) -> list[str]:
    """Return the text of every error output on the page (for assertion messages)."""
    return [text.strip()[:2000] for text in error_outputs(page).all_inner_texts()]


# --- quiz helpers ---------------------------------------------------------------------------

CHECK_NAME = re.compile(r"^\W*Check$")
QUIZ_CALL = re.compile(r"""\bquiz\(\s*["']([A-Za-z0-9_.-]+)["']""")


def bank_toml(name: str, data_dir: Path = REPO / "data") -> dict[str, Any]:
    """Read a question bank's TOML directly (the tests' oracle, independent of japan_nato)."""
    with (data_dir / "quizzes" / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


def bank_questions(name: str, data_dir: Path = REPO / "data") -> dict[str, dict[str, Any]]:
    """Return a bank's questions by id, in bank order; options in the order the card shows them."""
    from japan_nato.quiz.types.fields import option_order

    questions = bank_toml(name, data_dir)["questions"]
    for q in questions:
        if "options" in q:
            q["options"] = [q["options"][i] for i in option_order(q["id"], len(q["options"]))]
    return {q["id"]: q for q in questions}


def banks_shown(notebook: Path) -> list[str]:
    """Return the bank names passed to quiz("...") in a notebook's code cells, in order."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    names: list[str] = []
    for cell in cells:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            names += QUIZ_CALL.findall(source)
    return names


def quiz_notebook(lab: LabServer, bank: str) -> str:
    """Return the served notebook that shows `bank`: the course's own, else a generated one."""
    notebook = bank_toml(bank)["bank"]["notebook"]
    if (lab.root / notebook).is_file():
        return str(notebook)
    name = f"_quiz_{bank}.ipynb"
    write_notebook(
        lab.root / name, [f"from japan_nato import quiz\nquiz({bank!r})"], markdown=f"# {bank}"
    )
    return name


def quiz_card(page: Page, question_id: str) -> Locator:
    """The rendered card of one question."""
    return page.locator(f".jn-quiz-card.jn-q-{question_id}")


def feedback(card: Locator) -> Locator:
    """The feedback area of a card (filled after Check)."""
    return card.locator(".jn-feedback")


def check_button(card: Locator) -> Locator:
    """A card's Check button."""
    return card.get_by_role("button", name=CHECK_NAME)


def click_check(card: Locator) -> None:
    """Press the card's Check button with the mouse."""
    check_button(card).click()


def choose(select: Locator, text: str) -> None:
    """Pick the option of a quiz dropdown whose label is "<letter>. <text>"."""
    values: list[str] = select.locator("option").evaluate_all("os => os.map(o => o.value)")
    matches = [v for v in values if v.split(". ", 1)[-1] == text]
    if len(matches) != 1:
        raise AssertionError(f"{text!r} is not exactly one option of {values}")
    select.select_option(value=matches[0])


def keyboard_select(page: Page, select: Locator, text: str) -> None:
    """With `select` focused, pick the option "<letter>. <text>": Space, arrow keys, Enter."""
    values: list[str] = select.locator("option").evaluate_all("os => os.map(o => o.value)")
    wanted = next(i for i, v in enumerate(values) if v.split(". ", 1)[-1] == text)
    current = int(select.evaluate("s => s.selectedIndex"))
    page.keyboard.press("Space")
    page.wait_for_function("s => s.matches(':open')", arg=select.element_handle())
    key = "ArrowDown" if wanted >= current else "ArrowUp"
    for _ in range(abs(wanted - current)):
        page.keyboard.press(key)
    page.keyboard.press("Enter")
    page.wait_for_function("s => !s.matches(':open')", arg=select.element_handle())
    if select.input_value() != values[wanted]:
        raise AssertionError(f"keyboard chose {select.input_value()!r}, not {values[wanted]!r}")


def is_focused(locator: Locator) -> bool:
    """Whether the element is the page's focused element."""
    return bool(locator.evaluate("e => e === document.activeElement"))


def tab_to(page: Page, target: Locator, max_presses: int = 12) -> int:
    """Press Tab until `target` has focus; return the presses needed, or fail after max."""
    for presses in range(1, max_presses + 1):
        page.keyboard.press("Tab")
        if is_focused(target):
            return presses
    described = page.evaluate(
        "() => document.activeElement && document.activeElement.outerHTML.slice(0, 200)"
    )
    raise AssertionError(f"Tab never reached {target} in {max_presses} presses; at {described}")
