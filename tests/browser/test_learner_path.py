"""A learner's path through one quiz: wrong, then right, evidence, and progress after a restart."""

from __future__ import annotations

import csv
import re

import pytest
from playwright.sync_api import Page, expect

from tests.support import lab

pytestmark = pytest.mark.browser

BANK = "01_reading_the_source"
QUESTION = "src-who-met"


def test_wrong_then_right_then_evidence_then_restart(page: Page, lab_server: lab.LabServer) -> None:
    """Feedback words, score line and evidence are right, and progress survives a restart."""
    questions = lab.bank_questions(BANK)
    question = questions[QUESTION]
    total = len(questions)
    wrong = next(o for o in question["options"] if not o.get("correct"))
    right = next(o for o in question["options"] if o.get("correct"))
    letters = "ABCDEFGH"
    wrong_label = f"{letters[question['options'].index(wrong)]}. {wrong['text']}"
    right_label = f"{letters[question['options'].index(right)]}. {right['text']}"

    lab.open_notebook(page, lab_server, lab.quiz_notebook(lab_server, BANK))
    lab.run_all(page)
    card = lab.quiz_card(page, QUESTION)
    score = page.locator(".jn-quiz").filter(has=card).locator(".jn-score")
    expect(card).to_be_visible()
    expect(card.locator(".jn-prompt")).to_contain_text(question["prompt"])
    expect(score).to_have_text(f"Score: 0 of {total} correct")
    expect(card).not_to_contain_text("✓ Answered correctly")

    # 1. A first wrong answer: the chosen option's own feedback and "try again", no explanation;
    # a second wrong try adds the explanation, after the option's feedback.
    card.get_by_role("radio", name=wrong_label, exact=True).check()
    lab.click_check(card)
    said = lab.feedback(card)
    expect(said).to_contain_text("✗ Not quite.")
    expect(said).to_contain_text(wrong["feedback"])
    expect(said).to_contain_text("Try again")
    expect(said).not_to_contain_text(question["explanation"])
    lab.click_check(card)
    expect(said).to_contain_text(question["explanation"])
    text = said.inner_text()
    assert text.index(wrong["feedback"]) < text.index(question["explanation"]), text
    expect(score).to_have_text(f"Score: 0 of {total} correct")

    # 2. The right answer: "Correct" in words and a tick, the explanation, no wrong feedback.
    card.get_by_role("radio", name=right_label, exact=True).check()
    lab.click_check(card)
    expect(said).to_contain_text("✓ Correct.")
    expect(said).to_contain_text(question["explanation"])
    expect(said).not_to_contain_text(wrong["feedback"])
    expect(score).to_have_text(f"Score: 1 of {total} correct")
    expect(card).to_contain_text("✓ Answered correctly")

    # 3. Show evidence: the article sentence holding the fact's verbatim quote, quote marked.
    article = (lab.REPO / "data" / "article.txt").read_text(encoding="utf-8")
    with (lab.REPO / "data" / "facts.csv").open(encoding="utf-8", newline="") as handle:
        quotes = {row["fact_id"]: row["quote"] for row in csv.DictReader(handle)}
    article_fact = next(f for f in question["fact_ids"] if f.startswith("A"))
    card.get_by_role("button", name="Show evidence").click()
    evidence = card.locator(".jn-evidence").filter(has_text=article_fact)
    expect(evidence.locator("mark")).to_have_text(quotes[article_fact])
    sentence = evidence.locator("blockquote").inner_text()
    assert quotes[article_fact] in sentence
    assert re.sub(r"\s+", " ", sentence.strip()) in re.sub(r"\s+", " ", article), sentence
    expect(card.get_by_role("button", name="Hide evidence")).to_be_visible()

    # 4. All three answers are in the SQLite file the server was pointed at ($JAPAN_NATO_PROGRESS).
    from japan_nato.progress import ProgressStore

    with ProgressStore(lab_server.progress) as store:
        attempts = store.attempts(BANK)
    mine = attempts[attempts["question_id"] == QUESTION]
    assert [bool(c) for c in mine["correct"]] == [False, False, True], attempts

    # 5. Restart the kernel and run everything again: the answer came back from SQLite.
    lab.restart_and_run_all(page)
    card = lab.quiz_card(page, QUESTION)
    expect(card).to_contain_text("✓ Answered correctly before")
    # A fresh card shows the last recorded answer again, chosen and with its feedback.
    expect(card.get_by_role("radio", name=right_label, exact=True)).to_be_checked()
    expect(card.locator(".jn-restored")).to_contain_text("Your last answer")
    expect(lab.feedback(card)).to_contain_text("✓ Correct.")
    expect(page.locator(".jn-quiz").filter(has=card).locator(".jn-score")).to_have_text(
        f"Score: 1 of {total} correct"
    )
    assert lab.error_texts(page) == []
