"""The widget view of a quiz, driven in plain pytest: set values, click, read widget values."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import ipywidgets as w
import pytest

from japan_nato.api import quiz
from japan_nato.dataset.paths import data_dir
from japan_nato.errors import ProgressError
from japan_nato.progress import ProgressStore
from japan_nato.quiz import Quiz
from japan_nato.views.card_actions import CardActions
from japan_nato.views.quiz_widget import QuestionCard, QuizWidget, css, evidence_html
from tests.quiz_helpers import (
    TEST_BANK,
    memory_store,
    recorded,
    right_answer,
    write_bank,
    wrong_answer,
)
from tests.support.course_data import COURSE_DATA

SCRIPT_BANK = """\
[bank]
title = "<script>alert('title')</script>"

[[objectives]]
id = "x"
text = "<b>objective</b>"

[[questions]]
id = "x-script"
type = "single_choice"
prompt = "<script>alert('prompt')</script> Which?"
objective = "x"
fact_ids = ["A01"]
hint = "<img src=x onerror=alert('hint')>"
explanation = "<script>alert('explanation')</script>"
options = [
  { text = "<i>wrong</i>", feedback = "<script>alert('feedback')</script>" },
  { text = "<b>right</b>", correct = true },
]

[[questions]]
id = "x-match"
type = "matching"
prompt = "Match <u>these</u>."
objective = "x"
fact_ids = ["A01"]
explanation = "Because."
pairs = [
  { term = "<script>t1</script>", definition = "<script>d1</script>" },
  { term = "<b>t2</b>", definition = "<b>d2</b>" },
  { term = "t3 & co", definition = "d3 < d4" },
]

[[questions]]
id = "x-order"
type = "ordering"
prompt = "Order <these>."
objective = "x"
fact_ids = ["A01"]
explanation = "Because."
items = ["<script>one</script>", "<b>two</b>", "three"]
"""


@pytest.fixture(scope="module")
def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("widgets") / "data"
    shutil.copytree(data_dir(), target)
    write_bank(target, "99_test", TEST_BANK)
    write_bank(target, "98_script", SCRIPT_BANK)
    return target


@pytest.fixture
def store() -> ProgressStore:
    return memory_store()


@pytest.fixture
def test_quiz(shared_dir: Path, store: ProgressStore) -> Quiz:
    return quiz("99_test", data_dir=shared_dir, store=store)


@pytest.fixture
def widget(test_quiz: Quiz) -> QuizWidget:
    return QuizWidget(test_quiz)


def all_widgets(root: w.Widget) -> list[w.Widget]:
    """Every widget in a tree, depth first."""
    found = [root]
    for child in getattr(root, "children", ()):
        found += all_widgets(child)
    return found


def html_values(root: w.Widget) -> list[str]:
    """Every piece of HTML the tree shows: HTML widgets and the cards' feedback areas."""
    found = []
    for x in all_widgets(root):
        if isinstance(x, w.HTML):
            found.append(x.value)
        elif isinstance(x, CardActions):
            found.append(x.below)
    return found


# --- structure -------------------------------------------------------------------------


def test_one_card_per_question_with_classes(widget: QuizWidget, test_quiz: Quiz) -> None:
    assert list(widget.cards) == [q.id for q in test_quiz.questions]
    for qid, card in widget.cards.items():
        assert isinstance(card, QuestionCard)
        assert card in widget.children
        assert "jn-quiz-card" in card._dom_classes
        assert f"jn-q-{qid}" in card._dom_classes
        assert card.last_result is None
        assert card.below == ""


CONTROL_TYPES = {
    "t-single": w.RadioButtons,
    "t-multi": w.Checkbox,
    "t-tf": w.RadioButtons,
    "t-order": w.Dropdown,
    "t-match": w.Dropdown,
    "t-short": w.Text,
    "t-number": w.Text,
}


@pytest.mark.parametrize(("qid", "kind"), CONTROL_TYPES.items())
def test_controls_fit_the_type_and_are_labelled(widget: QuizWidget, qid: str, kind: type) -> None:
    card = widget.cards[qid]
    inputs = [x for x in all_widgets(card.controls) if isinstance(x, kind)]
    assert inputs, qid
    for control in inputs:
        assert control.description.strip(), "a screen reader needs a label"
    for button in (card.check_button, card.hint_button, card.evidence_button):
        assert button.description and button.tooltip


def test_ordering_has_one_dropdown_per_position(widget: QuizWidget, test_quiz: Quiz) -> None:
    dropdowns = [
        x for x in all_widgets(widget.cards["t-order"].controls) if isinstance(x, w.Dropdown)
    ]
    assert [d.description for d in dropdowns] == [f"Position {i}" for i in range(1, 5)]
    shown = test_quiz.question("t-order").display_items
    assert [value for _, value in dropdowns[0].options][1:] == list(shown)


# --- checking through the widgets -------------------------------------------------------


@pytest.mark.parametrize("qid", CONTROL_TYPES)
def test_right_answer_through_the_card(widget: QuizWidget, store: ProgressStore, qid: str) -> None:
    card = widget.cards[qid]
    card.set_answer(right_answer(card.question))
    card.check_button.click()
    assert card.last_result is not None and card.last_result.correct
    assert "✓ Correct." in card.below
    assert "✓ Answered correctly" in card.status
    assert recorded(store)[-1]["question_id"] == qid
    assert recorded(store)[-1]["correct"] is True


@pytest.mark.parametrize("qid", CONTROL_TYPES)
def test_wrong_answer_through_the_card(widget: QuizWidget, store: ProgressStore, qid: str) -> None:
    card = widget.cards[qid]
    card.set_answer(wrong_answer(card.question))
    card.check_button.click()
    assert card.last_result is not None
    assert card.last_result.valid and not card.last_result.correct
    assert "✗ Not quite." in card.below
    assert "jn-wrong" in card.below
    assert card.status == ""
    assert recorded(store)[-1]["correct"] is False


@pytest.mark.parametrize("qid", CONTROL_TYPES)
def test_empty_controls_say_what_to_do(widget: QuizWidget, store: ProgressStore, qid: str) -> None:
    card = widget.cards[qid]
    card.check_button.click()
    assert card.last_result is not None and not card.last_result.valid
    assert "⚠" in card.below
    assert recorded(store) == []


def test_driving_the_raw_widgets(widget: QuizWidget) -> None:
    single = widget.cards["t-single"]
    radio = single.controls
    assert isinstance(radio, w.RadioButtons)
    radio.index = 1  # "B. Alpha"
    single.check_button.click()
    assert single.last_result is not None and single.last_result.correct

    multi = widget.cards["t-multi"]
    boxes = [x for x in all_widgets(multi.controls) if isinstance(x, w.Checkbox)]
    boxes[0].value = True
    multi.check_button.click()
    assert multi.last_result is not None
    assert (multi.last_result.right, multi.last_result.total) == (1, 2)
    assert "1 of 2 choices right" in multi.below

    order = widget.cards["t-order"]
    dropdowns = [x for x in all_widgets(order.controls) if isinstance(x, w.Dropdown)]
    for dropdown, item in zip(dropdowns, ["one", "two", "four", "three"], strict=True):
        dropdown.value = item
    order.check_button.click()
    assert "2 of 4 in the right place" in order.below

    short = widget.cards["t-short"]
    assert isinstance(short.controls, w.Text)
    short.controls.value = "  i.p.c.p. "
    short.check_button.click()
    assert short.last_result is not None and short.last_result.correct


def test_score_line_updates(widget: QuizWidget) -> None:
    assert "0 of 8 correct" in widget.score_line.value
    card = widget.cards["t-tf"]
    card.set_answer(False)
    card.check_button.click()
    assert "0 of 8 correct" in widget.score_line.value
    card.set_answer(True)
    card.check_button.click()
    assert "1 of 8 correct" in widget.score_line.value
    card.check_button.click()
    assert "1 of 8 correct" in widget.score_line.value, "a question counts once"
    widget.cards["t-number"].set_answer("6")
    widget.cards["t-number"].check_button.click()
    assert "2 of 8 correct" in widget.score_line.value


def test_questions_answered_before_are_marked(shared_dir: Path) -> None:
    store = memory_store({"99_test": {"t-tf", "t-match"}})
    widget = QuizWidget(quiz("99_test", data_dir=shared_dir, store=store))
    assert "✓ Answered correctly before" in widget.cards["t-tf"].status
    assert "✓ Answered correctly before" in widget.cards["t-match"].status
    assert widget.cards["t-single"].status == ""
    assert "2 of 8 correct" in widget.score_line.value


def test_progress_survives_a_new_widget_with_a_real_store(shared_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite"
    with ProgressStore(path) as first:
        card = QuizWidget(quiz("99_test", data_dir=shared_dir, store=first)).cards["t-single"]
        card.set_answer("Alpha")
        card.check_button.click()
    with ProgressStore(path) as second:
        again = QuizWidget(quiz("99_test", data_dir=shared_dir, store=second))
        assert "✓ Answered correctly before" in again.cards["t-single"].status
        assert "1 of 8 correct" in again.score_line.value


class BrokenStore(ProgressStore):
    """A real store whose writes fail, as on a full disk."""

    def record(self, *args: Any, **kwargs: Any) -> None:
        raise ProgressError("disk full")


def test_feedback_still_shows_when_the_store_fails(shared_dir: Path) -> None:
    widget = QuizWidget(quiz("99_test", data_dir=shared_dir, store=BrokenStore.in_memory()))
    card = widget.cards["t-tf"]
    card.set_answer(True)
    card.check_button.click()
    assert "✓ Correct." in card.below
    assert "not saved" in card.below
    assert "disk full" in card.below


def test_set_answer_refuses_invalid_answers(widget: QuizWidget) -> None:
    with pytest.raises(ValueError, match="not a valid answer"):
        widget.cards["t-single"].set_answer("Z")
    widget.cards["t-single"].set_answer("A")
    widget.cards["t-single"].set_answer(None)
    assert widget.cards["t-single"].answer() is None


# --- hint and evidence -----------------------------------------------------------------


def test_hint_toggles(widget: QuizWidget) -> None:
    card = widget.cards["t-single"]
    card.hint_button.click()
    assert "It starts the Greek alphabet." in card.hint
    assert card.hint_button.description == "Hide hint"
    card.check_button.click()  # feedback, then hint and evidence, in the widget under the buttons
    card.evidence_button.click()
    feedback = card.below.removesuffix(card.hint + card.evidence)
    assert "No answer was given" in feedback, feedback
    assert card.below == feedback + card.hint + card.evidence and card.evidence
    card.hint_button.click()
    assert card.hint == "" and card.below == feedback + card.evidence
    card.check_button.click()
    assert card.below.endswith(card.evidence), "a new check keeps the evidence open"
    assert widget.cards["t-multi"].hint_button.disabled, "no hint in the bank"


def test_evidence_shows_the_article_sentence_and_sources(widget: QuizWidget) -> None:
    card = widget.cards["t-multi"]  # fact_ids A01 and C03
    card.evidence_button.click()
    value = card.evidence
    assert "<mark>Madrid, 5 July 2022</mark>" in value
    assert "C03" in value and "href=" in value
    assert card.evidence_button.description == "Hide evidence"
    assert value in card.below
    card.evidence_button.click()
    assert card.evidence == "" and card.below == ""


def test_evidence_for_an_unknown_id_says_so() -> None:
    value = evidence_html(("A99",), COURSE_DATA)
    assert "No evidence found for A99" in value


# --- escaping --------------------------------------------------------------------------


def test_script_bank_shows_as_text(shared_dir: Path) -> None:
    widget = QuizWidget(quiz("98_script", data_dir=shared_dir, store=memory_store()))
    card = widget.cards["x-script"]
    card.set_answer("<i>wrong</i>")
    card.check_button.click()
    card.hint_button.click()
    match = widget.cards["x-match"]
    match.set_answer(
        {"<script>t1</script>": "<b>d2</b>", "<b>t2</b>": "<script>d1</script>", 3: "d3 < d4"}
    )
    match.check_button.click()
    values = "\n".join(html_values(widget))
    without_css = values.replace(css(), "")
    assert "<script" not in without_css.lower()
    assert "<img" not in values and "<b>" not in values and "<i>" not in values
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in values
    assert "&lt;script&gt;alert(&#x27;prompt&#x27;)" in card.heading.value
    assert "&lt;script&gt;alert(&#x27;feedback&#x27;)" in card.below
    assert "&lt;img src=x onerror" in card.hint and card.hint in card.below
    assert "t3 &amp; co" in values
    assert "Order &lt;these&gt;." in values
    # Labels of radio buttons, checkboxes and dropdowns are rendered as text by ipywidgets.
    assert isinstance(card.controls, w.RadioButtons)
    assert card.controls.options[0][0] == "A. <b>right</b>"


# --- repr ------------------------------------------------------------------------------


def test_repr_says_how_to_start_then_the_quiz_text(widget: QuizWidget, test_quiz: Quiz) -> None:
    text = repr(widget)
    assert text.splitlines()[0].startswith("Run this cell to start the quiz")
    assert "Score:" not in text, "a stored score goes stale as soon as the learner answers"
    for line in test_quiz.text().splitlines():
        if not line.startswith("Score:"):
            assert line.removesuffix("  ✓ answered correctly") in text
    assert not re.search(r"0x[0-9a-fA-F]{4,}", repr(widget))
    bundle = widget._repr_mimebundle_()
    assert bundle is not None
    assert bundle["text/plain"] == text
    assert len(bundle["text/plain"]) > 110, "not cut short like ipywidgets' default"
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_show_and_ipython_display(test_quiz: Quiz, monkeypatch: pytest.MonkeyPatch) -> None:
    import IPython.display

    shown: list[Any] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    test_quiz.show()
    test_quiz._ipython_display_()
    assert len(shown) == 2
    assert all(isinstance(obj, QuizWidget) for obj in shown)
    assert shown[0].quiz is test_quiz


def test_a_new_widget_shows_the_last_answers_again(shared_dir: Path, tmp_path: Path) -> None:
    from japan_nato.progress import ProgressStore

    store = ProgressStore(tmp_path / "p.sqlite")
    first = quiz("99_test", data_dir=shared_dir, store=store)
    answered = {}
    for question in first.questions:
        right, wrong = question.example_answers()
        answer = right if len(answered) % 2 == 0 else wrong
        first.answer(question.id, answer)
        answered[question.id] = question.check(answer)
    again = QuizWidget(quiz("99_test", data_dir=shared_dir, store=store))
    for qid, result in answered.items():
        card = again.cards[qid]
        assert card.last_result is not None, f"{qid}: nothing restored"
        assert card.last_result.correct == result.correct
        assert card.question.check(card.answer()).correct == result.correct
        assert "Your last answer" in card.below


def test_save_hook_drops_only_quiz_widget_views(widget: QuizWidget) -> None:
    from japan_nato.views.save_hook import WIDGET_VIEW, pre_save_hook

    quiz_output = {"output_type": "display_data", "data": widget._repr_mimebundle_()}
    other = {"output_type": "display_data", "data": {"text/plain": "x", WIDGET_VIEW: {"a": 1}}}
    model = {"type": "notebook", "content": {"cells": [{"outputs": [quiz_output, other]}]}}
    pre_save_hook(model=model, path="n.ipynb", contents_manager=None)
    assert WIDGET_VIEW not in quiz_output["data"]
    assert quiz_output["data"]["text/plain"].startswith("Run this cell to start the quiz")
    assert WIDGET_VIEW in other["data"]


def test_save_hook_is_installed_as_server_config() -> None:
    import json
    import sys

    config = Path(sys.prefix) / "etc/jupyter/jupyter_server_config.d/japan_nato.json"
    shipped = Path(__file__).parents[1] / "jupyter-config/jupyter_server_config.d/japan_nato.json"
    extensions = json.loads(shipped.read_text(encoding="utf-8"))["ServerApp"]["jpserver_extensions"]
    assert extensions == {"japan_nato.views.save_hook": True}
    assert config.is_file(), f"{config} missing: reinstall the package (make setup)"
    assert config.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")


def _models(widget: w.Widget) -> dict[str, w.Widget]:
    """The models a widget sends to the browser: itself, its children, layouts and styles."""
    found = {widget.model_id: widget}
    for name in ("layout", "style"):
        part = getattr(widget, name, None)
        if isinstance(part, w.Widget):
            found[part.model_id] = part
    for child in getattr(widget, "children", ()):
        found.update(_models(child))
    return found


def test_cards_share_layout_and_style_models(test_quiz: Quiz) -> None:
    # Each model is one message when a quiz opens; a quiz of ten cards once needed 416.
    widget = QuizWidget(test_quiz)
    headings = [card.heading for card in widget.cards.values()]
    assert len({h.layout.model_id for h in headings}) == 1
    assert len({h.style.model_id for h in headings}) == 1
    models = _models(widget).values()
    parts = [m for m in models if isinstance(m, (w.Layout, w.Style))]
    assert len(parts) <= 10, sorted(type(m).__name__ for m in parts)
    # A card's own models: itself, the prompt (with its status line) and the action bar (its
    # four buttons and the feedback, hint and evidence under them); its controls come on top.
    for card in widget.cards.values():
        own = _models(card).keys() - _models(card.controls).keys()
        own -= {m.model_id for m in models if isinstance(m, (w.Layout, w.Style))}
        assert len(own) <= 3, (card.question.id, len(own))
        assert isinstance(card.actions, CardActions) and card.actions in card.children


def test_a_closed_shared_part_is_made_again(test_quiz: Quiz) -> None:
    first = QuizWidget(test_quiz)
    layout = next(iter(first.cards.values())).heading.layout
    closed_id = layout.model_id
    layout.close()
    second = QuizWidget(test_quiz)
    again = next(iter(second.cards.values())).heading.layout
    assert again.comm is not None and again.model_id != closed_id


def test_a_press_in_the_browser_checks_the_answer(widget: QuizWidget) -> None:
    card = widget.cards["t-single"]
    card.set_answer("Alpha")
    card.actions._on_message(card.actions, {"click": 0}, [])  # what the browser sends on Check
    assert "✓ Correct." in card.below
    assert card.actions.buttons[0]["label"] == "Check" and card.actions.buttons[0]["primary"]


def test_odd_messages_from_the_browser_change_nothing(widget: QuizWidget) -> None:
    card = widget.cards["t-multi"]  # no hint: its Hint button is disabled
    for content in (
        {"click": 1},
        {"click": 9},
        {"click": -1},
        {"click": True},
        {"click": "0"},
        {},
        [],
        "click",
        None,
    ):
        card.actions._on_message(card.actions, content, [])
    assert card.below == "" and card.hint == "" and card.last_result is None
    assert card.hint_button.disabled and card.hint_button.description == "Hint"


def test_button_labels_reach_the_browser(widget: QuizWidget) -> None:
    card = widget.cards["t-single"]
    card.evidence_button.click()
    assert [b["label"] for b in card.actions.buttons] == [
        "Check",
        "Hint",
        "Hide evidence",
        "Show answer",
    ]
    assert all(
        b["tooltip"].endswith("question 1") or "question 1" in b["tooltip"]
        for b in card.actions.buttons
    )
