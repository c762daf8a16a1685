"""The hub end-to-end test: skipped, with how to enable it, when a piece is missing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import room_hub  # noqa: E402  (needs the path above)

_missing = room_hub.missing_requirement()


class _Unavailable(pytest.File):
    """Stands in for a test module when the hub test cannot run here: skips, says why."""

    def collect(self) -> list[pytest.Item]:
        """Skip with the reason (without importing the module: it needs Playwright)."""
        pytest.skip(str(_missing))


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> pytest.File | None:
    """Replace this folder's test modules by a skip when the hub test cannot run."""
    if _missing is not None and module_path.resolve().parent == HERE:
        return _Unavailable.from_parent(parent, path=module_path)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder `hub` (and `browser`: `make test-unit` leaves it out)."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.hub)
            item.add_marker(pytest.mark.browser)  # it drives Chromium too


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what the hub test measured (start-up, joining, memory per learner)."""
    if room_hub.FIGURES:
        terminalreporter.section("hub test: room figures")
        for line in room_hub.FIGURES:
            terminalreporter.write_line(line)
