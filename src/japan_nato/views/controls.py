"""The answer controls of each question type: a registry keyed by type name."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from japan_nato.quiz.answers import LETTERS
from japan_nato.quiz.types.matching import Matching
from japan_nato.quiz.types.multiple_select import MultipleSelect
from japan_nato.quiz.types.ordering import Ordering
from japan_nato.quiz.types.short_answer import ShortAnswer
from japan_nato.quiz.types.single_choice import SingleChoice
from japan_nato.quiz.types.true_false import TrueFalse
from japan_nato.views import parts

NO_CHOICE = "— choose —"


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
        style=parts.label_style(),
        layout=parts.layout(width="auto"),
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
            style=parts.shared(parts.CheckboxStyle),
            layout=parts.layout(width="auto"),
        )
        for i, o in enumerate(question.options)
    ]
    # The note repeats nothing the prompt already says.
    said = "all that apply" in question.prompt.casefold()
    note = parts.html("" if said else "<em>Choose all that apply.</em>")

    def read() -> Any:
        return [o.text for box, o in zip(boxes, question.options, strict=True) if box.value]

    def write(parsed: Any) -> None:
        for index, box in enumerate(boxes):
            box.value = index in (parsed or ())

    group = parts.vbox([note, *boxes], ("jn-checks",))  # the guard makes it one Tab stop
    return Controls(group, read, write)


def _true_false(question: TrueFalse) -> Controls:
    radio = w.RadioButtons(
        options=[("True", True), ("False", False)],
        value=None,
        description="Answer",
        style=parts.label_style(),
        layout=parts.layout(),
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
    items = parts.html(
        "<p>Items:</p><ul>"
        + "".join(f"<li>{LETTERS[i]}. {html.escape(t)}</li>" for i, t in enumerate(shown))
        + "</ul><p>Choose the item for each position, first to last.</p>"
    )
    dropdowns = [
        w.Dropdown(
            options=_dropdown_options(shown),
            index=0,  # "— choose —" shows (value=None here would leave the box blank)
            description=f"Position {position}",
            style=parts.label_style(),
            layout=parts.layout(),
        )
        for position in range(1, len(shown) + 1)
    ]

    def read() -> Any:
        return [dropdown.value for dropdown in dropdowns]

    def write(parsed: Any) -> None:
        for position, dropdown in enumerate(dropdowns):
            dropdown.value = question.items[parsed[position]] if parsed else None

    return Controls(parts.vbox([items, *dropdowns]), read, write)


def _matching(question: Matching) -> Controls:
    shown = question.display_definitions
    # The definitions in full, lettered as in the dropdowns: a long one is never cut off.
    listed = parts.html(
        "<p>Definitions:</p><ul>"
        + "".join(f"<li>{LETTERS[i]}. {html.escape(t)}</li>" for i, t in enumerate(shown))
        + "</ul><p>Choose the definition for each term.</p>"
    )
    rows: list[w.Widget] = [listed]
    dropdowns = []
    for number, term in enumerate(question.terms, start=1):
        dropdown = w.Dropdown(
            options=_dropdown_options(shown),
            index=0,
            description=f"Definition for {number}",
            tooltip=term,
            style=parts.label_style(),
            layout=parts.layout(),
        )
        dropdowns.append(dropdown)
        rows += [parts.html(f"<p><strong>{number}.</strong> {html.escape(term)}</p>"), dropdown]

    def read() -> Any:
        return {
            term: dropdown.value for term, dropdown in zip(question.terms, dropdowns, strict=True)
        }

    def write(parsed: Any) -> None:
        for term, dropdown in enumerate(dropdowns):
            dropdown.value = question.pairs[parsed[term]][1] if parsed else None

    return Controls(parts.vbox(rows), read, write)


def _short_answer(question: ShortAnswer) -> Controls:
    text = w.Text(
        value="",
        placeholder="a number" if question.number is not None else "your answer",
        description="Answer",
        style=parts.label_style(parts.TextStyle),
        layout=parts.layout(),
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
