"""The ipywidgets view of a Quiz: one card per question, feedback written into widget values."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as w

from japan_nato.errors import JapanNatoError
from japan_nato.quiz import (
    LETTERS,
    Matching,
    MultipleSelect,
    Ordering,
    Question,
    Quiz,
    Result,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)

# Descriptions sized to their text, so labels such as "Answer" are never cut off.
LABEL_STYLE = {"description_width": "initial"}
NO_CHOICE = "— choose —"

CSS = """<style>
.jn-quiz-card { border: 1px solid #8a8a8a; border-radius: 4px; padding: 4px 12px; margin: 6px 0; }
.jn-feedback { padding: 4px 8px; border-left: 4px solid #8a8a8a; }
.jn-feedback.jn-correct { border-left-color: #1a7f37; }
.jn-feedback.jn-wrong { border-left-color: #b35900; }
.jn-evidence blockquote { margin: 4px 0 4px 12px; }
.jn-evidence + .jn-evidence { margin-top: 10px; }
/* Wrapped text reads as prose, not double-spaced (widgets set line-height to a row height). */
.jn-quiz .widget-html-content { line-height: 1.5; }
.jn-quiz .widget-html-content p { margin: 4px 0; }
/* An empty status, feedback, hint or evidence area takes no room until it has something to say. */
.jn-quiz .widget-html:has(> .widget-html-content:empty) { display: none; }
/* Dropdowns as wide as their longest option (up to the card), so a chosen item is not cut off. */
.jn-quiz-card .widget-dropdown { width: auto; max-width: 100%; align-self: flex-start; }
.jn-quiz-card .widget-dropdown > select { flex: 0 1 auto; max-width: 100%; }
</style>"""


@dataclass
class Controls:
    """The input widgets of one question, with functions to read and set the answer."""

    box: w.Widget
    read: Callable[[], Any]
    write: Callable[[Any], None]


def _single_choice(question: SingleChoice) -> Controls:
    radio = w.RadioButtons(
        options=[(f"{LETTERS[i]}. {o.text}", i) for i, o in enumerate(question.options)],
        value=None,
        description="Answer",
        style=LABEL_STYLE,
        layout=w.Layout(width="auto"),
    )

    def read() -> Any:
        return None if radio.value is None else question.options[radio.value].text

    def write(parsed: Any) -> None:
        radio.value = parsed

    return Controls(radio, read, write)


def _multiple_select(question: MultipleSelect) -> Controls:
    boxes = [
        w.Checkbox(
            value=False,
            description=f"{LETTERS[i]}. {o.text}",
            indent=False,
            layout=w.Layout(width="auto"),
        )
        for i, o in enumerate(question.options)
    ]
    # The note repeats nothing the prompt already says.
    said = "all that apply" in question.prompt.casefold()
    note = w.HTML(value="" if said else "<em>Choose all that apply.</em>")

    def read() -> Any:
        return [o.text for box, o in zip(boxes, question.options, strict=True) if box.value]

    def write(parsed: Any) -> None:
        for index, box in enumerate(boxes):
            box.value = index in (parsed or ())

    return Controls(w.VBox([note, *boxes]), read, write)


def _true_false(question: TrueFalse) -> Controls:
    radio = w.RadioButtons(
        options=[("True", True), ("False", False)],
        value=None,
        description="Answer",
        style=LABEL_STYLE,
    )

    def read() -> Any:
        return radio.value

    def write(parsed: Any) -> None:
        radio.value = parsed

    return Controls(radio, read, write)


def _dropdown_options(texts: tuple[str, ...]) -> list[tuple[str, Any]]:
    return [(NO_CHOICE, None)] + [(f"{LETTERS[i]}. {t}", t) for i, t in enumerate(texts)]


def _ordering(question: Ordering) -> Controls:
    shown = question.display_items
    items = w.HTML(
        value="<p>Items:</p><ul>"
        + "".join(f"<li>{LETTERS[i]}. {html.escape(t)}</li>" for i, t in enumerate(shown))
        + "</ul><p>Choose the item for each position, first to last.</p>"
    )
    dropdowns = [
        w.Dropdown(
            options=_dropdown_options(shown),
            index=0,  # "— choose —" shows (value=None here would leave the box blank)
            description=f"Position {position}",
            style=LABEL_STYLE,
        )
        for position in range(1, len(shown) + 1)
    ]

    def read() -> Any:
        return [dropdown.value for dropdown in dropdowns]

    def write(parsed: Any) -> None:
        for position, dropdown in enumerate(dropdowns):
            dropdown.value = question.items[parsed[position]] if parsed else None

    return Controls(w.VBox([items, *dropdowns]), read, write)


def _matching(question: Matching) -> Controls:
    shown = question.display_definitions
    rows: list[w.Widget] = []
    dropdowns = []
    for number, term in enumerate(question.terms, start=1):
        dropdown = w.Dropdown(
            options=_dropdown_options(shown),
            index=0,
            description=f"Definition for {number}",
            tooltip=term,
            style=LABEL_STYLE,
        )
        dropdowns.append(dropdown)
        rows += [w.HTML(value=f"<p><strong>{number}.</strong> {html.escape(term)}</p>"), dropdown]

    def read() -> Any:
        return {
            term: dropdown.value for term, dropdown in zip(question.terms, dropdowns, strict=True)
        }

    def write(parsed: Any) -> None:
        for term, dropdown in enumerate(dropdowns):
            dropdown.value = question.pairs[parsed[term]][1] if parsed else None

    return Controls(w.VBox(rows), read, write)


def _short_answer(question: ShortAnswer) -> Controls:
    text = w.Text(
        value="",
        placeholder="a number" if question.number is not None else "your answer",
        description="Answer",
        style=LABEL_STYLE,
    )

    def read() -> Any:
        return text.value

    def write(parsed: Any) -> None:
        text.value = "" if parsed is None else str(parsed)

    return Controls(text, read, write)


CONTROL_BUILDERS: dict[str, Callable[[Any], Controls]] = {
    SingleChoice.type_name: _single_choice,
    MultipleSelect.type_name: _multiple_select,
    TrueFalse.type_name: _true_false,
    Ordering.type_name: _ordering,
    Matching.type_name: _matching,
    ShortAnswer.type_name: _short_answer,
}


# How to answer with the card's own controls. Question.answer_help() describes the answer
# q.answer() takes in code (letters, lists, dicts), which would puzzle someone using the buttons.
WIDGET_HELP: dict[str, str] = {
    SingleChoice.type_name: "Pick one of the options above, then press Check.",
    TrueFalse.type_name: "Pick True or False, then press Check.",
    MultipleSelect.type_name: "Tick one or more boxes, then press Check.",
    Ordering.type_name: "Give every position an item, using each item once, then press Check.",
    Matching.type_name: "Give every term a definition, using each definition once, "
    "then press Check.",
}


def widget_result(question: Question, result: Result) -> Result:
    """Return the result with an invalid answer's help worded for the card's controls."""
    help_text = WIDGET_HELP.get(question.type_name)
    if result.valid or help_text is None or not result.reason:
        return result
    return dataclasses.replace(result, message=f"{result.reason} {help_text}")


def feedback_html(result: Result) -> str:
    """Return a result's message as escaped HTML, announced to screen readers."""
    if result.correct:
        kind, message = "jn-correct", result.message
    elif result.valid:
        kind, message = "jn-wrong", result.message
    else:
        kind, message = "jn-invalid", f"⚠ {result.message}"
    return (
        f'<div class="jn-feedback {kind}" role="status" aria-live="polite">'
        f"{html.escape(message)}</div>"
    )


def evidence_html(fact_ids: tuple[str, ...], data_dir: str | Path | None = None) -> str:
    """Return the evidence for fact ids as HTML, with a plain message for any that is missing."""
    try:
        from japan_nato.data import evidence
    except ImportError as err:
        return f"<p>Evidence is not available here: {html.escape(str(err))}</p>"
    parts = []
    for fact_id in fact_ids:
        try:
            parts.append(evidence(fact_id, data_dir).html())
        except (KeyError, ValueError, JapanNatoError) as err:
            parts.append(
                f"<p>No evidence found for {html.escape(fact_id)}: {html.escape(str(err))}</p>"
            )
    return '<div class="jn-evidence-list">' + "".join(parts) + "</div>"


class QuestionCard(w.VBox):
    """One question: prompt, answer controls, Check / Hint / Show evidence, and feedback."""

    def __init__(
        self,
        quiz: Quiz,
        question: Question,
        number: int,
        *,
        answered_before: bool = False,
        on_result: Callable[[Result], None] | None = None,
    ) -> None:
        controls = CONTROL_BUILDERS[question.type_name](question)
        status = w.HTML(value="<p>✓ Answered correctly before</p>" if answered_before else "")
        prompt = w.HTML(
            value=f'<p class="jn-prompt"><strong>{number}.</strong> '
            f"{html.escape(question.prompt)}</p>"
        )
        check_button = w.Button(
            description="Check",
            tooltip=f"Check your answer to question {number}",
            button_style="primary",
        )
        hint_button = w.Button(
            description="Hint",
            tooltip=f"Show a hint for question {number}"
            if question.hint
            else f"Question {number} has no hint; Show evidence gives its sources",
            disabled=not question.hint,
        )
        evidence_button = w.Button(
            description="Show evidence",
            tooltip=f"Show the sources behind question {number}",
        )
        feedback = w.HTML(value="")
        hint = w.HTML(value="")
        evidence = w.HTML(value="")
        super().__init__(
            children=[
                status,
                prompt,
                controls.box,
                w.HBox([check_button, hint_button, evidence_button]),
                feedback,
                hint,
                evidence,
            ]
        )
        self.add_class("jn-quiz-card")
        self.add_class(f"jn-q-{question.id}")
        self.quiz = quiz
        self.question = question
        self.controls = controls.box
        self.status = status
        self.check_button = check_button
        self.hint_button = hint_button
        self.evidence_button = evidence_button
        self.feedback = feedback
        self.hint = hint
        self.evidence = evidence
        self.last_result: Result | None = None
        self._controls = controls
        self._on_result = on_result
        check_button.on_click(self._check)
        hint_button.on_click(self._toggle_hint)
        evidence_button.on_click(self._toggle_evidence)

    def answer(self) -> Any:
        """Return the answer the controls currently hold."""
        return self._controls.read()

    def set_answer(self, answer: Any) -> None:
        """Set the controls to an answer (any form check() accepts; None clears them)."""
        if answer is None:
            self._controls.write(None)
            return
        try:
            parsed = self.question.parse(answer)
        except Exception as err:  # parse raises the quiz's private _InvalidAnswer
            raise ValueError(f"{answer!r} is not a valid answer: {err}") from err
        self._controls.write(parsed)

    def _check(self, _button: Any = None) -> None:
        answer = self.answer()
        note = ""
        try:
            result = self.quiz.answer(self.question.id, answer)
        except JapanNatoError as err:
            # The learner still gets feedback when the progress store cannot be written.
            result = self.question.check(answer)
            note = f"<p>Your answer was not saved: {html.escape(str(err))}</p>"
        self.last_result = result
        self.feedback.value = feedback_html(widget_result(self.question, result)) + note
        if result.correct:
            self.status.value = "<p>✓ Answered correctly</p>"
        if self._on_result is not None:
            self._on_result(result)

    def _toggle_hint(self, _button: Any = None) -> None:
        if self.hint.value:
            self.hint.value = ""
            self.hint_button.description = "Hint"
        else:
            self.hint.value = (
                f'<div class="jn-hint"><strong>Hint:</strong> {html.escape(self.question.hint)}'
                "</div>"
            )
            self.hint_button.description = "Hide hint"

    def _toggle_evidence(self, _button: Any = None) -> None:
        if self.evidence.value:
            self.evidence.value = ""
            self.evidence_button.description = "Show evidence"
        else:
            self.evidence.value = evidence_html(self.question.fact_ids, self.quiz.data_dir)
            self.evidence_button.description = "Hide evidence"


class ShortcutGuard(anywidget.AnyWidget):
    """A hidden widget that keeps JupyterLab's notebook shortcuts off the quiz controls."""

    _esm = Path(__file__).with_name("shortcut_guard.js")


class QuizWidget(w.VBox):
    """A whole quiz as widgets, with a live score line."""

    def __init__(self, quiz: Quiz) -> None:
        done = quiz.done()
        score_line = w.HTML(value="")
        cards: dict[str, QuestionCard] = {}
        for number, question in enumerate(quiz.questions, start=1):
            cards[question.id] = QuestionCard(
                quiz,
                question,
                number,
                answered_before=question.id in done,
                on_result=self._update_score,
            )
        title = w.HTML(value=f"<h3>{html.escape(quiz.title)}</h3>")
        children = [w.HTML(value=CSS), title, score_line, *cards.values()]
        # Without it, typing "d d" while a radio button has the focus deletes a notebook cell.
        children.append(ShortcutGuard(layout=w.Layout(display="none")))
        super().__init__(children=children)
        self.add_class("jn-quiz")
        self.quiz = quiz
        self.cards = cards
        self.score_line = score_line
        self._update_score()

    def _update_score(self, _result: Result | None = None) -> None:
        correct, total = self.quiz.score()
        self.score_line.value = (
            f'<p class="jn-score" role="status"><strong>Score:</strong> '
            f"{correct} of {total} correct</p>"
        )

    def __repr__(self) -> str:
        return self.quiz.text()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None:
            # ipywidgets cuts text/plain at 110 characters; keep the whole readable quiz.
            data["text/plain"] = repr(self)
        return data
