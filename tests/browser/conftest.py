"""Fixtures for the end-to-end tests: one JupyterLab server and one Chromium per session."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support import lab, processes

HERE = Path(__file__).resolve().parent

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page, Playwright

_missing = lab.missing_requirement()
if _missing is None:
    from playwright.sync_api import expect

    expect.set_options(timeout=lab.UI_MS)


class _Unavailable(pytest.File):
    """Stands in for a test module when Chromium or Playwright is missing: skips, says why."""

    def collect(self) -> list[pytest.Item]:
        """Skip this module with the reason (without importing it: it needs Playwright)."""
        pytest.skip(str(_missing))


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> pytest.File | None:
    """Replace this directory's test modules by a skip when the browser tests cannot run."""
    if _missing is not None and module_path.resolve().parent == HERE:
        return _Unavailable.from_parent(parent, path=module_path)
    return None


_durations: dict[str, float] = {}
_session_setup: dict[str, float] = {}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this directory `browser`."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add up setup + call + teardown time per browser test."""
    if "browser" in report.keywords:
        _durations[report.nodeid] = _durations.get(report.nodeid, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how long each browser test took, and the server start-up time."""
    if not _durations:
        return
    terminalreporter.section("browser test durations")
    for name, seconds in _session_setup.items():
        terminalreporter.write_line(f"{seconds:7.1f} s  ({name})")
    for nodeid, seconds in sorted(_durations.items(), key=lambda kv: -kv[1]):
        terminalreporter.write_line(f"{seconds:7.1f} s  {nodeid}")
    terminalreporter.write_line(f"{sum(_durations.values()):7.1f} s  total (browser tests)")


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[lab.LabServer]:
    """A `jupyter lab` serving a temporary copy of notebooks/; stopped and leak-checked after."""
    base = tmp_path_factory.mktemp("jupyterlab")
    server = lab.start_lab(base)
    _session_setup["jupyter lab start-up"] = server.startup_s
    try:
        yield server
    finally:
        leaked = server.stop()
    assert not leaked, f"processes left running after the server stopped: {leaked}"


@pytest.fixture(scope="session")
def browser(lab_server: lab.LabServer, playwright_driver: Playwright) -> Iterator[Browser]:
    """Debian's headless Chromium, driven by Playwright's sync API."""
    started = time.monotonic()
    marker = f"{lab_server.base}-browser"
    chromium = lab.launch_browser(playwright_driver, marker)
    _session_setup["chromium start-up"] = time.monotonic() - started
    try:
        yield chromium
    finally:
        chromium.close()
    leaked = processes.wait_for_no_marked_processes(marker, timeout=10.0)
    assert not leaked, f"browser processes left running: {leaked}"


@pytest.fixture
def page_record() -> lab.PageRecord:
    """A fresh record of dialogs and page errors for one test."""
    return lab.PageRecord()


@pytest.fixture
def page(
    browser: Browser, lab_server: lab.LabServer, page_record: lab.PageRecord
) -> Iterator[Page]:
    """A page in a fresh browser context; kernels and progress are cleared after the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(lab.UI_MS)
    new_page = context.new_page()

    def on_dialog(dialog: Dialog) -> None:
        page_record.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    new_page.on("dialog", on_dialog)
    new_page.on("pageerror", lambda error: page_record.page_errors.append(str(error)))
    try:
        yield new_page
    finally:
        if page_record.page_errors:  # shown with the test's output (on failure, or with -s)
            print(f"JavaScript errors on the page: {page_record.page_errors}")
        context.close()
        lab_server.shutdown_kernels()
        lab_server.reset_progress()


@pytest.fixture
def notebook_dir(lab_server: lab.LabServer) -> Path:
    """The directory the server serves (a temporary copy of notebooks/)."""
    return lab_server.root
