"""Exercises after Run All, as a learner does them: type the code, run it, run the check."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.support import lab

pytestmark = pytest.mark.browser

EXERCISES = tomllib.loads((lab.REPO / "data" / "exercises.toml").read_text(encoding="utf-8"))
NOTEBOOKS = sorted({entry["notebook"] for entry in EXERCISES["exercises"]})
PLACEHOLDER = re.compile(r"^(\w+)\s*=\s*None\b", re.MULTILINE)


def _source(cell: dict[str, Any]) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def _exercise_cells(notebook: Path, ex_id: str) -> tuple[int, str]:
    """Return the index of the exercise's answer cell (the check cell is next) and its name."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    start = next(i for i, c in enumerate(cells) if f'exercise("{ex_id}")' in _source(c))
    answer = next(i for i in range(start + 1, len(cells)) if PLACEHOLDER.search(_source(cells[i])))
    assert ".check(" in _source(cells[answer + 1]), "the check cell follows the answer cell"
    name = PLACEHOLDER.search(_source(cells[answer]))
    assert name is not None
    return answer, name.group(1)


def _answer_code(entry: dict[str, Any], code: str, name: str) -> str:
    """What a learner types: the set-up names, then their code, its result in `name`."""
    lines = [line for line in code.strip().splitlines() if line.strip()]
    body, last = lines[:-1], lines[-1]
    return "\n".join([*entry.get("setup", "").strip().splitlines(), *body, f"{name} = {last}"])


def _type_and_run(page: Page, cells: Locator, index: int, code: str) -> str:
    """Replace the answer cell's code, run it and the check cell; return the check's text."""
    answer = cells.nth(index)
    answer.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(code)  # typed as one paste: no auto-closed brackets
    page.keyboard.press("Shift+Enter")  # runs it and selects the check cell
    lab.wait_idle(page)
    check = cells.nth(index + 1)
    page.keyboard.press("Shift+Enter")
    lab.wait_idle(page)
    output = check.locator(".jp-OutputArea-output")
    expect(output.first).to_be_visible()
    return output.first.inner_text()


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_each_exercise_checks_itself_after_run_all(
    page: Page, lab_server: lab.LabServer, notebook: str
) -> None:
    entries = [e for e in EXERCISES["exercises"] if e["notebook"] == notebook]
    lab.open_notebook(page, lab_server, notebook)
    lab.run_all(page)
    cells = page.locator(".jp-Notebook .jp-Cell")
    for entry in entries:
        index, name = _exercise_cells(lab_server.root / notebook, entry["id"])
        title = entry["title"]
        # Before any answer: a neutral "No answer yet" naming this exercise, not a red verdict.
        before = cells.nth(index + 1).locator(".jp-OutputArea-output").first.inner_text()
        assert f"No answer yet — {title}" in before, before
        assert "✗" not in before, before
        said = _type_and_run(page, cells, index, _answer_code(entry, entry["solution"], name))
        assert f"✓ Correct — {title}" in said, (entry["id"], said)
        wrong = entry["wrong_answers"][0]["code"]
        said = _type_and_run(page, cells, index, _answer_code(entry, wrong, name))
        assert f"✗ Not yet — {title}" in said, (entry["id"], said)
        assert entry["id"] not in said  # the title, never the slug
    assert lab.error_texts(page) == []
    # Each check went to the progress file the server was pointed at.
    from japan_nato.progress import ProgressStore

    with ProgressStore(lab_server.progress) as store:
        checked = set(store.attempts("exercises")["question_id"])
    assert {entry["id"] for entry in entries} <= checked


def test_export_progress_from_a_notebook_lands_next_to_it(
    page: Page, lab_server: lab.LabServer
) -> None:
    """A learner in a subfolder exports from a cell: the CSV is beside the notebook, named."""
    folder = lab_server.root / "_hand_in"
    folder.mkdir(exist_ok=True)
    cells = [
        "from japan_nato import exercise, export_progress, load_facts\n"
        "ex = exercise('facts-per-topic')\n"
        "ex.check(load_facts()['topic'].value_counts())",
        'export_progress(name="Your Name")',
        'export_progress(name="Aiko T.")',
    ]
    lab.write_notebook(folder / "hand_in.ipynb", cells, markdown="# Hand in")
    lab.open_notebook(page, lab_server, "_hand_in/hand_in.ipynb")
    lab.run_all(page)
    outputs = page.locator(".jp-Notebook .jp-Cell .jp-OutputArea-output")
    expect(outputs.nth(1)).to_contain_text('in place of "Your Name"')
    target = folder / "japan_nato_progress_aiko_t.csv"
    expect(outputs.nth(2)).to_contain_text(str(target))
    assert target.is_file()
    rows = target.read_text(encoding="utf-8").splitlines()
    assert rows[1].startswith("Aiko T.,exercises,facts-per-topic,"), rows
