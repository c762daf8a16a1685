"""Every question type answered in the browser: with the mouse, and with the keyboard only."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.support import lab

pytestmark = pytest.mark.browser

BANK = "01_reading_the_source"
LETTERS = "ABCDEFGH"


def _correct_labels(question: dict[str, Any]) -> list[str]:
    """The labels of a choice question's right options, as the widget shows them."""
    return [
        f"{LETTERS[i]}. {option['text']}"
        for i, option in enumerate(question["options"])
        if option.get("correct")
    ]


def _expect_correct(card: Locator, question: dict[str, Any]) -> None:
    """The card says, in words and with a tick, that the answer was right, and explains why."""
    said = lab.feedback(card)
    expect(said).to_contain_text("✓ Correct.")
    expect(said).to_contain_text(question["explanation"])
    expect(card).to_contain_text("✓ Answered correctly")


def _by_type(questions: dict[str, dict[str, Any]], kind: str, skip: set[str]) -> dict[str, Any]:
    """The first question of a type that is not in `skip`."""
    return next(q for q in questions.values() if q["type"] == kind and q["id"] not in skip)


def _arrow_to(page: Page, card: Any, radio: Any) -> None:
    """Tab into a radio group (one Tab stop), then arrow down to `radio`."""
    lab.tab_to(page, card.get_by_role("radio").first)
    for _ in range(8):
        if lab.is_focused(radio):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never reached {radio}")


def test_every_question_type(page: Page, lab_server: lab.LabServer) -> None:
    """Mouse: five types; keyboard only: choice, short answer, true/false, matching; all right."""
    questions = lab.bank_questions(BANK)
    kinds = {q["type"] for q in questions.values()}
    assert kinds == {
        "single_choice",
        "multiple_select",
        "true_false",
        "ordering",
        "matching",
        "short_answer",
    }, f"bank {BANK} should use every question type, uses {sorted(kinds)}"
    lab.open_notebook(page, lab_server, lab.quiz_notebook(lab_server, BANK))
    lab.run_all(page)
    answered: list[str] = []

    # --- with the mouse: every type but matching (answered with the keyboard below) -----------
    for kind in ("single_choice", "true_false", "multiple_select", "short_answer", "ordering"):
        question = _by_type(questions, kind, skip=set(answered) | {"src-who-met"})
        card = lab.quiz_card(page, question["id"])
        card.scroll_into_view_if_needed()
        if kind in ("single_choice", "multiple_select"):
            for label in _correct_labels(question):
                card.get_by_role(
                    "radio" if kind == "single_choice" else "checkbox", name=label, exact=True
                ).click()
        elif kind == "true_false":
            card.get_by_role("radio", name=str(question["answer"]), exact=True).click()
        elif kind == "short_answer":
            answer = question["answers"][-1] if "answers" in question else str(question["number"])
            card.get_by_role("textbox", name="Answer").fill(answer)
        else:  # ordering
            for position, item in enumerate(question["items"], start=1):
                lab.choose(card.get_by_role("combobox", name=f"Position {position}"), item)
        lab.click_check(card)
        _expect_correct(card, question)
        answered.append(question["id"])

    # --- with the keyboard only: Tab to each control, Space/Enter/arrows, no mouse ----------
    # Focus starts on the card before the first one answered here, as if tabbed to.
    order = list(questions)
    targets = [
        _by_type(questions, kind, skip=set(answered) | {"src-who-met"})
        for kind in ("single_choice", "short_answer", "true_false")
    ]
    matching = next(q for q in questions.values() if q["type"] == "matching")
    start = order[min(order.index(q["id"]) for q in targets) - 1]
    start_card = lab.quiz_card(page, start)
    start_card.get_by_role("button", name="Show evidence").focus()
    page.evaluate(
        "() => { window.__jnPointer = 0; document.addEventListener("
        "'pointerdown', () => { window.__jnPointer += 1; }, true); }"
    )
    for question in sorted(targets, key=lambda q: order.index(q["id"])):
        card = lab.quiz_card(page, question["id"])
        if question["type"] == "single_choice":
            (label,) = _correct_labels(question)
            radio = card.get_by_role("radio", name=label, exact=True)
            _arrow_to(page, card, radio)
            page.keyboard.press("Space")
            expect(radio).to_be_checked()
        elif question["type"] == "true_false":
            radio = card.get_by_role("radio", name=str(question["answer"]), exact=True)
            _arrow_to(page, card, radio)
            page.keyboard.press("Space")
            expect(radio).to_be_checked()
        else:
            textbox = card.get_by_role("textbox", name="Answer")
            lab.tab_to(page, textbox)
            answer = question["answers"][0] if "answers" in question else str(question["number"])
            page.keyboard.type(answer.lower())
            expect(textbox).to_have_value(answer.lower())
        lab.tab_to(page, lab.check_button(card))
        page.keyboard.press("Enter")
        _expect_correct(card, question)
        answered.append(question["id"])

    # Matching: Tab to each dropdown, Space opens it, arrow keys move, Enter picks. (Arrow keys
    # on a closed dropdown do not work in JupyterLab: its command mode takes them.)
    card = lab.quiz_card(page, matching["id"])
    for number, pair in enumerate(matching["pairs"], start=1):
        dropdown = card.get_by_role("combobox", name=f"Definition for {number}")
        lab.tab_to(page, dropdown, max_presses=20)  # each card's four buttons lie on the way
        lab.keyboard_select(page, dropdown, pair["definition"])
    lab.tab_to(page, lab.check_button(card))
    page.keyboard.press("Enter")
    _expect_correct(card, matching)
    answered.append(matching["id"])
    assert page.evaluate("() => window.__jnPointer") == 0, "the keyboard part used the pointer"

    correct = len(set(answered))
    score = page.locator(".jn-quiz").filter(has=card).locator(".jn-score")
    expect(score).to_have_text(f"Score: {correct} of {len(questions)} correct")
    assert lab.error_texts(page) == []
