"""axe-core on a rendered quiz: no serious or critical violation inside the quiz's own markup."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support import lab

pytestmark = pytest.mark.browser

BANK = "01_reading_the_source"
BLOCKING = {"serious", "critical"}


def _axe(page: Page, context: dict[str, Any]) -> dict[str, Any]:
    """Run axe-core (shipped by axe-playwright-python) in the page; return its results."""
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    result = page.evaluate(
        "([context, options]) => axe.run(context, options)",
        [context, {"resultTypes": ["violations"]}],
    )
    return dict(result)


def _describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation (rule, impact, nodes, first target), for the test output."""
    lines = []
    for v in violations:
        targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        lines.append(f"  {v['impact']:>8}  {v['id']} x{len(v['nodes'])}: {v['help']} [{targets}]")
    return "\n".join(lines) or "  none"


def test_quiz_markup_has_no_serious_axe_violations(page: Page, lab_server: lab.LabServer) -> None:
    """Every question type, with feedback, hint and evidence open, passes axe (serious+)."""
    lab.write_notebook(
        lab_server.root / "_a11y.ipynb", [f"from japan_nato import quiz\nquiz({BANK!r})"]
    )
    lab.open_notebook(page, lab_server, "_a11y.ipynb")
    lab.run_all(page)
    questions = lab.bank_questions(BANK)
    expect(page.locator(".jn-quiz-card")).to_have_count(len(questions))

    # Open every kind of dynamic content on the first card: wrong and right feedback, hint,
    # evidence; and an invalid answer (Check with nothing chosen) on the second.
    first, second = (lab.quiz_card(page, qid) for qid in list(questions)[:2])
    lab.click_check(second)
    expect(lab.feedback(second)).to_contain_text("⚠")
    first.get_by_role("radio").first.check()
    lab.click_check(first)
    expect(lab.feedback(first)).to_be_visible()
    first.get_by_role("button", name="Hint").click()
    first.get_by_role("button", name="Show evidence").click()
    expect(first.locator(".jn-evidence").first).to_be_visible()

    quiz_result = _axe(page, {"include": [[".jn-quiz"]]})
    quiz_violations = quiz_result["violations"]
    lab_violations = _axe(page, {"exclude": [[".jn-quiz"]]})["violations"]
    passed = {rule["id"] for rule in quiz_result["passes"]}
    # The scope really held the quiz: its buttons and form controls were checked and passed.
    assert {"button-name", "label"} <= passed, f"axe checked too little: passes {sorted(passed)}"
    print(f"\naxe, inside the quiz ({len(quiz_violations)} rules):\n{_describe(quiz_violations)}")
    print(
        f"axe, JupyterLab itself, not failed on ({len(lab_violations)} rules):\n"
        f"{_describe(lab_violations)}"
    )
    blocking = [v for v in quiz_violations if v["impact"] in BLOCKING]
    assert not blocking, f"serious/critical axe violations in the quiz:\n{_describe(blocking)}"
