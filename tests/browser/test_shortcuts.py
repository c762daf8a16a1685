"""Typing on a quiz control goes to the quiz, never to JupyterLab's notebook shortcuts."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support import lab

pytestmark = pytest.mark.browser


def test_letters_on_quiz_controls_do_not_add_or_delete_cells(
    page: Page, lab_server: lab.LabServer
) -> None:
    """In command mode, B inserts a cell and D D deletes one: not while a quiz control has focus."""
    lab.write_notebook(
        lab_server.root / "shortcuts.ipynb",
        ["from japan_nato import quiz\nquiz('00_start_here')"],
    )
    lab.open_notebook(page, lab_server, "shortcuts.ipynb")
    lab.run_all(page)
    cells = page.locator(".jp-Notebook .jp-Cell")
    count = cells.count()
    controls = page.locator(".jn-quiz [data-lm-suppress-shortcuts]")
    expect(controls.first).to_be_attached()

    page.locator(".jn-quiz-card input[type=radio]").first.click()
    page.keyboard.press("b")
    page.keyboard.press("d")
    page.keyboard.press("d")
    page.locator(".jn-quiz-card").get_by_role("button", name="Hint").first.focus()
    page.keyboard.press("a")
    # Control: the same key on the notebook itself still works, so the check above can fail.
    page.locator(".jp-Notebook .jp-Cell").first.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    expect(cells).to_have_count(count + 1)
