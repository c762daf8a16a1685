"""The machinery itself: a throwaway notebook runs, its output shows, and errors are detected."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support import lab

pytestmark = pytest.mark.browser


def test_run_all_shows_output_and_errors_are_seen(
    page: Page, lab_server: lab.LabServer, notebook_dir: Path
) -> None:
    """Run All on `print(1 + 1)` then `1 / 0`: "2" is shown, and error_outputs() finds the error.

    This keeps the other tests' "no error output" assertions honest.
    """
    lab.write_notebook(notebook_dir / "smoke.ipynb", ["print(1 + 1)", "1 / 0", "'not reached'"])
    lab.open_notebook(page, lab_server, "smoke.ipynb")
    lab.run_all(page)
    expect(page.locator(".jp-OutputArea-output").first).to_have_text("2")
    expect(lab.error_outputs(page)).to_have_count(1)
    (error,) = lab.error_texts(page)
    assert "ZeroDivisionError" in error
    expect(page.locator(".jp-OutputArea-output")).to_have_count(2)  # the last cell never ran
