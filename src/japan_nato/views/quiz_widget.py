"""The ipywidgets view of a Quiz: one card per question; feedback placed, not composed."""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as w

from japan_nato.errors import InvalidAnswer, JapanNatoError
from japan_nato.quiz.model import Question, Result
from japan_nato.quiz.session import Quiz
from japan_nato.views import parts
from japan_nato.views.card_actions import CardActions
from japan_nato.views.controls import CONTROL_BUILDERS
from japan_nato.views.save_hook import RUN_FIRST

ASSETS = Path(__file__).with_name("assets")


@functools.cache
def css() -> str:
    """Return the quiz cards' style sheet as a <style> element (read once from assets/)."""
    return "<style>\n" + (ASSETS / "quiz.css").read_text(encoding="utf-8") + "</style>"


def widget_result(question: Question, result: Result) -> Result:
    """Return the result with an invalid answer's help worded for the card's controls."""
    return result.with_help(question.buttons_help())


def feedback_html(result: Result) -> str:
    """Return a result's feedback as the card shows it (the feedback renders itself)."""
    return result.feedback.card_html()


def evidence_html(fact_ids: tuple[str, ...], data_dir: Path) -> str:
    """Return the evidence for fact ids as HTML, with a plain message for any that is missing."""
    try:
        from japan_nato.dataset import evidence
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


def _button_specs(question: Question, number: int, mode: str = "practice") -> list[dict[str, Any]]:
    """Return a card's Check, Hint, Show evidence and Show answer buttons, each with its tooltip."""
    return [
        {
            "label": "Save" if mode == "exam" else "Check",
            "tooltip": f"Check your answer to question {number}",
            "primary": True,
        },
        {
            "label": "Hint",
            "tooltip": f"Show a hint for question {number}"
            if question.hint
            else f"Question {number} has no hint; Show evidence gives its sources",
            "disabled": not question.hint,
        },
        {"label": "Show evidence", "tooltip": f"Show the sources behind question {number}"},
        {
            "label": "Show answer",
            "tooltip": f"Show the answer and the explanation of question {number}",
        },
    ]


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
        # Fewer widgets, fewer models to open: the status line shares the prompt's widget, and
        # the feedback, the hint and the evidence share one widget below the buttons.
        self._status = "✓ Answered correctly before" if answered_before else ""
        self._prompt = (
            f'<p class="jn-prompt"><strong>{number}.</strong> {html.escape(question.prompt)}</p>'
        )
        self._feedback = self._hint = self._evidence = ""
        heading = parts.html(self._heading_html())
        actions = CardActions(_button_specs(question, number, quiz.mode), layout=parts.layout())
        check_button, hint_button, evidence_button, answer_button = actions.row
        super().__init__(
            children=[heading, controls.box, actions],
            layout=parts.layout(),
            # Classes given here travel with the model's first message; add_class sends another.
            _dom_classes=("jn-quiz-card", f"jn-q-{question.id}"),
        )
        self.quiz = quiz
        self.question = question
        self.controls = controls.box
        self.heading = heading
        self.check_button = check_button
        self.hint_button = hint_button
        self.evidence_button = evidence_button
        self.answer_button = answer_button
        self.actions = actions
        self.last_result: Result | None = None
        self._controls = controls
        self._on_result = on_result
        check_button.on_click(self._check)
        hint_button.on_click(self._toggle_hint)
        evidence_button.on_click(self._toggle_evidence)
        answer_button.on_click(self._show_answer)

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
        except InvalidAnswer as err:
            raise ValueError(f"{answer!r} is not a valid answer: {err}") from err
        self._controls.write(parsed)

    def restore(self, answer: Any) -> bool:
        """Show a recorded answer again in the controls, with its feedback; False if unusable."""
        try:
            self.set_answer(answer)
        except (ValueError, KeyError, IndexError, TypeError):
            return False
        result = self.question.check(answer)
        if not result.valid:
            return False
        self.last_result = result
        self._show_feedback(
            '<p class="jn-restored"><em>Your last answer, from your saved progress:</em></p>'
            + feedback_html(widget_result(self.question, result))
        )
        return True

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
        self._show_feedback(feedback_html(widget_result(self.question, result)) + note)
        # The quiz core decides what is told: in a vote or an exam the verdict is withheld.
        if result.feedback.correct:
            self._set_status("✓ Answered correctly")
        if self._on_result is not None:
            self._on_result(result)

    def _show_answer(self, _button: Any = None) -> None:
        self._show_feedback(self.quiz.reveal(self.question.id).card_html())

    def show_result(self, result: Result) -> None:
        """Place a result the quiz gave later (an exam form's feedback on submit)."""
        self.last_result = result
        self._show_feedback(feedback_html(result))
        if result.feedback.correct:
            self._set_status("✓ Answered correctly")

    @property
    def status(self) -> str:
        """The card's status line ("✓ Answered correctly", or "" before that)."""
        return self._status

    @property
    def hint(self) -> str:
        """The hint as shown under the card ("" while hidden)."""
        return self._hint

    @property
    def evidence(self) -> str:
        """The evidence as shown under the card ("" while hidden)."""
        return self._evidence

    def _show_feedback(self, value: str) -> None:
        self._feedback = value
        self._render_below()

    def _render_below(self) -> None:
        # The feedback, then the hint and the evidence while they are shown.
        self.actions.below = self._feedback + self._hint + self._evidence

    @property
    def feedback(self) -> str:
        """The feedback on the last answer as shown under the buttons ("" before one)."""
        return self._feedback

    @property
    def below(self) -> str:
        """All that shows under the buttons: the feedback, then any hint and evidence shown."""
        return self.actions.below

    def _heading_html(self) -> str:
        status = f'<p class="jn-status">{self._status}</p>' if self._status else ""
        return status + self._prompt

    def _set_status(self, text: str) -> None:
        self._status = text
        self.heading.value = self._heading_html()

    def _toggle_hint(self, _button: Any = None) -> None:
        if self._hint:
            self._hint = ""
            self.hint_button.description = "Hint"
        else:
            self._hint = (
                f'<div class="jn-hint"><strong>Hint:</strong> {html.escape(self.question.hint)}'
                "</div>"
            )
            self.hint_button.description = "Hide hint"
        self._render_below()

    def _toggle_evidence(self, _button: Any = None) -> None:
        if self._evidence:
            self._evidence = ""
            self.evidence_button.description = "Show evidence"
        else:
            self._evidence = evidence_html(self.question.fact_ids, self.quiz.data_dir)
            self.evidence_button.description = "Hide evidence"
        self._render_below()


def last_answers(quiz: Quiz) -> dict[str, Any]:
    """Return each question's last recorded answer (as stored), for the cards to show again."""
    attempts = getattr(quiz.store, "attempts", None)
    if attempts is None:
        return {}
    try:
        frame = attempts()
    except (JapanNatoError, OSError):
        return {}
    ids = {question.id for question in quiz.questions}
    found: dict[str, Any] = {}
    for question_id, answer in zip(frame["question_id"], frame["answer"], strict=True):
        if question_id in ids:
            try:
                found[question_id] = json.loads(answer)
            except (TypeError, ValueError):
                continue
    return found


def stored_answer(question: Question, text: Any) -> Any:
    """Turn an answer's stored text (format_answer) back into an answer that check() accepts."""
    if not isinstance(text, str):
        return text
    if question.type_name == "ordering":
        return text.split(" > ")
    if question.type_name == "matching":
        pairs = [part.split(" → ", 1) for part in text.split("; ")]
        return {pair[0]: pair[1] for pair in pairs if len(pair) == 2}
    if question.type_name == "multiple_select":
        return text.split("; ") if text else []
    return text


def fallback_text(quiz: Quiz) -> str:
    """Return the quiz's stored text: how to start it, then the questions (no score to go stale)."""
    lines = [RUN_FIRST]
    for line in quiz.text().splitlines():
        if line.startswith("Score:"):
            continue
        lines.append(line.removesuffix("  ✓ answered correctly"))
    return "\n".join(lines)


class ShortcutGuard(anywidget.AnyWidget):
    """A hidden widget that keeps JupyterLab's notebook shortcuts off the quiz controls."""

    _esm = ASSETS / "shortcut_guard.js"


class QuizWidget(w.VBox):
    """A whole quiz as widgets, with a live score line."""

    def __init__(self, quiz: Quiz) -> None:
        done = quiz.done()
        score_line = parts.html()
        cards: dict[str, QuestionCard] = {}
        for number, question in enumerate(quiz.questions, start=1):
            cards[question.id] = QuestionCard(
                quiz,
                question,
                number,
                answered_before=question.id in done,
                on_result=self._update_score,
            )
        title = parts.html(css() + f"<h3>{html.escape(quiz.title)}</h3>")
        children = [title, score_line, *cards.values()]
        self.submit_button: w.Button | None = None
        if quiz.mode == "exam":
            self.submit_button = parts.button(
                description="Submit answers",
                tooltip="Submit the whole form and see the feedback on every answer",
                button_style="primary",
            )
            self.submit_button.on_click(self._submit)
            children.append(self.submit_button)
        # Without it, typing "d d" while a radio button has the focus deletes a notebook cell.
        children.append(ShortcutGuard(layout=parts.layout(display="none")))
        super().__init__(children=children, layout=parts.layout(), _dom_classes=("jn-quiz",))
        self.quiz = quiz
        self.cards = cards
        self.score_line = score_line
        for question_id, answer in last_answers(quiz).items():
            card = cards[question_id]
            card.restore(stored_answer(card.question, answer))
        self._update_score()

    def _submit(self, _button: Any = None) -> None:
        for question_id, result in self.quiz.submit().items():
            self.cards[question_id].show_result(result)
        for card in self.cards.values():
            card.check_button.description = "Check"
        if self.submit_button is not None:
            self.submit_button.disabled = True
            self.submit_button.description = "Submitted"
        self._update_score()

    def _update_score(self, _result: Result | None = None) -> None:
        if self.quiz.mode == "exam":
            answered, total = len(self.quiz.answered()), len(self.quiz.questions)
            self.score_line.value = (
                f'<p class="jn-score" role="status"><strong>Answered:</strong> '
                f"{answered} of {total}; you see the feedback when you submit.</p>"
            )
            return
        correct, total = self.quiz.score()
        self.score_line.value = (
            f'<p class="jn-score" role="status"><strong>Score:</strong> '
            f"{correct} of {total} correct</p>"
        )

    def __repr__(self) -> str:
        return fallback_text(self.quiz)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None:
            # ipywidgets cuts text/plain at 110 characters; keep the whole readable quiz.
            data["text/plain"] = repr(self)
        return data
