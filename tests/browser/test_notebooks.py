"""Every course notebook, opened in JupyterLab and run from top to bottom like a learner would."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support import lab

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted(lab.NOTEBOOKS.glob("*.ipynb"))
REVIEW_CALL = re.compile(r"\breview_quiz\(([^)]*)\)")


def _review_size(arguments: str) -> int:
    """The number of questions a `review_quiz(...)` call shows."""
    from japan_nato.review import review_quiz

    match = re.fullmatch(r"\s*(?:size\s*=\s*)?(\d+)\s*(?:,.*)?", arguments)
    if match:
        return int(match.group(1))
    return int(inspect.signature(review_quiz).parameters["size"].default)


def _review_calls(notebook: Path) -> list[int]:
    """Sizes of the review quizzes a notebook's code cells show."""
    sizes = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code":
            sizes += [_review_size(a) for a in REVIEW_CALL.findall("".join(cell["source"]))]
    return sizes


@pytest.mark.skipif(not NOTEBOOKS, reason="notebooks/ holds no notebooks yet")
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.stem for n in NOTEBOOKS])
def test_notebook_runs_clean_and_shows_its_quiz(
    page: Page, lab_server: lab.LabServer, page_record: lab.PageRecord, notebook: Path
) -> None:
    """Run All: every code cell ran, no error anywhere, one card per question of each bank."""
    shown = lab.banks_shown(notebook)
    owned = sorted(
        p.stem
        for p in (lab.REPO / "data" / "quizzes").glob("*.toml")
        if lab.bank_toml(p.stem)["bank"]["notebook"] == notebook.name
    )
    assert sorted(shown) == owned, (
        f"{notebook.name} shows banks {shown}, but the banks naming it are {owned}"
    )
    reviews = _review_calls(notebook)

    lab.open_notebook(page, lab_server, notebook.name)
    lab.run_all(page)

    code_prompts = page.locator(".jp-CodeCell .jp-InputArea .jp-InputPrompt")
    texts = [t.strip() for t in code_prompts.all_inner_texts()]
    assert texts, "no code cells rendered"
    unrun = [i for i, t in enumerate(texts) if not re.fullmatch(r"\[\d+\]:", t)]
    assert not unrun, f"code cells {unrun} did not run: prompts {texts}"
    assert lab.error_texts(page) == []
    expect(page.locator(".jp-Dialog")).to_have_count(0)
    assert page_record.dialogs == []

    quizzes = page.locator(".jn-quiz")
    expect(quizzes).to_have_count(len(shown) + len(reviews))
    expected_total = 0
    for name in shown:
        bank = lab.bank_toml(name)
        ids = [q["id"] for q in bank["questions"]]
        widget = quizzes.filter(has=page.locator(f".jn-q-{ids[0]}"))
        expect(widget).to_have_count(1)
        expect(widget.locator("h3").first).to_have_text(bank["bank"]["title"])
        cards = widget.locator(".jn-quiz-card")
        expect(cards).to_have_count(len(ids))
        rendered = cards.evaluate_all(
            "cs => cs.map(c => [...c.classList].find(k => k.startsWith('jn-q-')).slice(5))"
        )
        assert rendered == ids, f"{name}: cards {rendered} != questions {ids}"
        expected_total += len(ids)
    expected_total += sum(reviews)
    expect(page.locator(".jn-quiz-card")).to_have_count(expected_total)
