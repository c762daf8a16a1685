"""An exam form (the pre-test) in the browser: Save withholds the verdict, Submit gives it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support import lab

pytestmark = pytest.mark.browser

BANK = "pretest"
QUESTION = "pre-wording-kantei"
ANSWERED = re.compile(r"Answered: (\d+) of (\d+)")


def test_save_then_submit_in_an_exam_form(page: Page, lab_server: lab.LabServer) -> None:
    """A learner saves an answer without a verdict, submits the form, then sees the feedback."""
    question = lab.bank_questions(BANK)[QUESTION]
    right = next(o for o in question["options"] if o.get("correct"))

    lab.open_notebook(page, lab_server, lab.quiz_notebook(lab_server, BANK))
    lab.run_all(page)
    card = lab.quiz_card(page, QUESTION)
    form = page.locator(".jn-quiz").filter(has=card)
    score = form.locator(".jn-score")
    expect(score).to_contain_text("you see the feedback when you submit")
    found = ANSWERED.search(score.inner_text())
    assert found, score.inner_text()
    before = int(found.group(1))

    # Save: the answer is kept, and the card says so without saying whether it is right.
    save = card.get_by_role("button", name="Save", exact=True)
    expect(save).to_have_class(re.compile(r"\bmod-primary\b"))
    card.get_by_role("radio", name=re.compile(re.escape(right["text"]) + "$")).check()
    save.click()
    said = lab.feedback(card)
    expect(said).to_contain_text("Answer saved.")
    expect(card).not_to_contain_text("Correct")
    expect(card).not_to_contain_text("Not quite")
    expect(score).to_contain_text(f"Answered: {before + 1} of")

    # Submit: every card shows its verdict; Save becomes Check, and the form cannot be sent twice.
    submit = form.get_by_role("button", name="Submit answers")
    submit.click()
    expect(said).to_contain_text("✓ Correct.")
    expect(lab.check_button(card)).to_be_visible()
    expect(card.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    expect(form.get_by_role("button", name="Submitted")).to_be_disabled()
    assert lab.error_texts(page) == []
