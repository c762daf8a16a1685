"""A bank full of HTML and script payloads is shown as text in the browser and runs nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support import lab

pytestmark = pytest.mark.browser

HOSTILE_BANK = Path(__file__).resolve().parent / "hostile.toml"
LETTERS = "ABCDEFGH"
# Elements the payloads would create if any text reached the page as HTML. (The quiz's own markup
# uses p, strong, em, ul/li, blockquote, mark, one <style> and the buttons' <i> icons.)
INJECTED = '.jn-quiz :is(script, img, iframe, svg, b, u, a[href^="javascript"], i:not(.fa))'


def _hostile_data(lab_server: lab.LabServer) -> Path:
    """A copy of the course data with quizzes/hostile.toml added (made once per server)."""
    data = lab_server.base / "hostile-data"
    if not data.exists():
        shutil.copytree(lab.REPO / "data", data)
        shutil.copy2(HOSTILE_BANK, data / "quizzes" / "hostile.toml")
    return data


def test_hostile_bank_is_text_and_runs_nothing(
    page: Page, lab_server: lab.LabServer, page_record: lab.PageRecord
) -> None:
    """Prompts, options, items, terms, feedback, hints and explanations appear verbatim."""
    data = _hostile_data(lab_server)
    bank = lab.bank_toml("hostile", data)
    questions = lab.bank_questions("hostile", data)  # options in the order shown
    lab.write_notebook(
        lab_server.root / "hostile.ipynb",
        [f"from japan_nato import quiz\nquiz('hostile', data_dir={str(data)!r})"],
    )
    lab.open_notebook(page, lab_server, "hostile.ipynb")
    lab.run_all(page)

    widget = page.locator(".jn-quiz")
    expect(widget.locator(".jn-quiz-card")).to_have_count(len(questions))
    expect(widget.locator("h3")).to_have_text(bank["bank"]["title"])
    for number, question in enumerate(questions.values(), start=1):
        card = lab.quiz_card(page, question["id"])
        expect(card.locator(".jn-prompt")).to_have_text(f"{number}. {question['prompt']}")

    # Choice options and checkbox labels are the raw text.
    choice = lab.quiz_card(page, "hostile-choice")
    for i, option in enumerate(questions["hostile-choice"]["options"]):
        expect(
            choice.get_by_role("radio", name=f"{LETTERS[i]}. {option['text']}", exact=True)
        ).to_have_count(1)
    many = lab.quiz_card(page, "hostile-many")
    for i, option in enumerate(questions["hostile-many"]["options"]):
        expect(
            many.get_by_role("checkbox", name=f"{LETTERS[i]}. {option['text']}", exact=True)
        ).to_have_count(1)
    # Ordering items and matching terms (HTML the package builds) are escaped text.
    order = lab.quiz_card(page, "hostile-order")
    items = [t.split(". ", 1)[1] for t in order.locator("li").all_inner_texts()]
    assert sorted(items) == sorted(questions["hostile-order"]["items"])
    match = lab.quiz_card(page, "hostile-match")
    for number, pair in enumerate(questions["hostile-match"]["pairs"], start=1):
        expect(match.get_by_text(f"{number}. {pair['term']}", exact=True)).to_have_count(1)
        lab.choose(
            match.get_by_role("combobox", name=f"Definition for {number}"), pair["definition"]
        )

    # Feedback of a wrong choice after Check; the explanation behind Show answer; the hint.
    options = questions["hostile-choice"]["options"]
    at = next(i for i, o in enumerate(options) if not o.get("correct"))
    choice.get_by_role("radio", name=f"{LETTERS[at]}. {options[at]['text']}", exact=True).check()
    lab.click_check(choice)
    expect(lab.feedback(choice)).to_contain_text(options[at]["feedback"])
    choice.get_by_role("button", name="Show answer").click()
    expect(lab.feedback(choice)).to_contain_text(questions["hostile-choice"]["explanation"])
    choice.get_by_role("button", name="Hint").click()
    expect(choice.locator(".jn-hint")).to_contain_text(questions["hostile-choice"]["hint"])
    options = questions["hostile-many"]["options"]
    at = next(i for i, o in enumerate(options) if not o.get("correct"))
    many.get_by_role("checkbox", name=f"{LETTERS[at]}. {options[at]['text']}", exact=True).check()
    lab.click_check(many)
    expect(lab.feedback(many)).to_contain_text(options[at]["feedback"])
    lab.click_check(match)
    expect(lab.feedback(match)).to_contain_text("✓ Correct.")
    short = lab.quiz_card(page, "hostile-short")
    short.get_by_role("textbox", name="Answer").fill(questions["hostile-short"]["answers"][0])
    lab.click_check(short)
    expect(lab.feedback(short)).to_contain_text(questions["hostile-short"]["explanation"])

    # Nothing ran and nothing was injected; the page is still visible.
    assert page.evaluate("() => getComputedStyle(document.body).display") != "none"
    expect(short).to_be_visible()
    expect(page.locator(INJECTED)).to_have_count(0)
    styles = widget.locator("style")
    expect(styles).to_have_count(1)  # the quiz's own stylesheet, not the explanation's
    assert styles.evaluate("s => s.textContent").lstrip().startswith(".jn-quiz-card")
    assert page.evaluate("() => window.__jnPwned") is None
    assert page_record.dialogs == []
    assert lab.error_texts(page) == []
