"""ordering: put items in the right order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from japan_nato.quiz.answers import (
    LETTERS,
    InvalidAnswer,
    letter_range,
    pick,
    seeded_order,
    split_list,
)
from japan_nato.quiz.model import Question, Result
from japan_nato.quiz.types.fields import _string_list_problems


@dataclass(frozen=True, kw_only=True)
class Ordering(Question):
    """Put items in the right order."""

    type_name: ClassVar[str] = "ordering"
    type_label: ClassVar[str] = "ordering"
    fields: ClassVar[tuple[str, ...]] = ("items", "misplaced")

    items: tuple[str, ...]
    # (item, an item it belongs after or "" for any misplacement, feedback)
    misplaced: tuple[tuple[str, str, str], ...] = ()

    def misplacement_feedback(self, parsed: tuple[int, ...]) -> str:
        """Return what the bank says about each misplacement in a parsed answer."""
        where = {self.items[index]: position for position, index in enumerate(parsed)}
        said: list[str] = []
        for item, before, feedback in self.misplaced:
            if before:
                hit = where[item] < where[before]
            else:
                hit = where[item] != self.items.index(item)
            if hit and feedback not in said:
                said.append(feedback)
        return " ".join(said)

    @property
    def display_items(self) -> tuple[str, ...]:
        """The items in their fixed shuffled display order (lettered A, B, ...)."""
        return tuple(self.items[i] for i in seeded_order(self.id, len(self.items)))

    def parse(self, answer: Any) -> tuple[int, ...]:
        """Return the answer as item indexes in the learner's order."""
        if isinstance(answer, set | frozenset):
            raise InvalidAnswer("A set has no order.")
        values = split_list(answer)
        if values and any(value is None for value in values):
            raise InvalidAnswer("Choose an item for every position.")
        shown = self.display_items
        chosen = [self.items.index(shown[pick(value, shown, "item")]) for value in values]
        if len(set(chosen)) != len(chosen):
            raise InvalidAnswer("The same item was given twice.")
        if len(chosen) != len(self.items):
            raise InvalidAnswer(f"{len(chosen)} of {len(self.items)} items were given.")
        return tuple(chosen)

    def grade(self, parsed: tuple[int, ...]) -> Result:
        """Right if every item is in place; otherwise count the ones that are."""
        total = len(self.items)
        right = sum(1 for position, index in enumerate(parsed) if position == index)
        if right == total:
            return self._result(True, right=right, total=total)
        return self._result(
            False,
            self.misplacement_feedback(parsed),
            score=f"{right} of {total} in the right place.",
            right=right,
            total=total,
            chosen_wrong=tuple(self.items[i] for p, i in enumerate(parsed) if p != i),
        )

    def format_answer(self, parsed: tuple[int, ...]) -> str:
        """Return the items in the learner's order."""
        return " > ".join(self.items[i] for i in parsed)

    def answer_help(self) -> str:
        """Say what a valid answer looks like."""
        count = len(self.items)
        right_first = LETTERS[self.display_items.index(self.items[0])]
        first, second = ("B", "A") if right_first != "B" else ("C", "A")
        return (
            f"Give all {count} items in order, first to last, as a list of their letters "
            f'({letter_range(count)}) or texts, e.g. ["{first}", "{second}", ...] '
            f'or "{first}, {second}, ...".'
        )

    def display_lines(self) -> list[str]:
        """Return the items, lettered in display order."""
        return [f"{LETTERS[i]}. {item}" for i, item in enumerate(self.display_items)] + [
            "(Put them in order, first to last.)"
        ]

    def correct_answer(self) -> str:
        """Return the items in the right order with their display letters."""
        shown = self.display_items
        return " > ".join(f"{LETTERS[shown.index(item)]}. {item}" for item in self.items)

    def buttons_help(self) -> str:
        """Say how to answer with the position dropdowns."""
        return "Give every position an item, using each item once, then press Check."

    def terminal_help(self) -> str:
        """Say how to type an answer in the terminal."""
        # The display order is never the right order, so it is a safe example.
        shown = " ".join(LETTERS[: len(self.items)])
        numbers = " ".join(str(n) for n in range(1, len(self.items) + 1))
        return f"Type the letters first to last, e.g. {shown} (or numbers: {numbers})."

    def wrong_answer_feedback(self) -> list[tuple[str, str]]:
        """Return each misplacement the bank explains, with its feedback."""
        return [
            (f"{item} placed before {before}" if before else f"{item} out of place", feedback)
            for item, before, feedback in self.misplaced
        ]

    def example_answers(self) -> tuple[Any, Any]:
        """Return the items in order and in reverse order."""
        return list(self.items), list(reversed(self.items))

    @classmethod
    def field_problems(cls, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Check the items."""
        problems = _string_list_problems(raw, "items", 3, 6)
        items = raw.get("items")
        if problems or not isinstance(items, list):
            return problems
        entries = raw.get("misplaced", [])
        if not isinstance(entries, list) or not all(isinstance(m, dict) for m in entries):
            return [("misplaced", 'must be a list of { item = "...", feedback = "..." } tables')]
        for index, entry in enumerate(entries):
            where = f"misplaced[{index}]"
            unknown = sorted(set(entry) - {"item", "before", "feedback"})
            if unknown:
                problems.append((where, f"unknown field(s): {', '.join(unknown)}"))
            item, before = entry.get("item"), entry.get("before", "")
            if item not in items:
                problems.append((f"{where}.item", f"{item!r} is not one of the items"))
            elif before and before not in items:
                problems.append((f"{where}.before", f"{before!r} is not one of the items"))
            elif before and items.index(before) > items.index(item):
                problems.append((f"{where}.before", "comes after the item in the right order"))
            feedback = entry.get("feedback")
            if not isinstance(feedback, str) or not feedback.strip():
                problems.append((f"{where}.feedback", "must be a non-empty string"))
        return problems

    @classmethod
    def from_raw(cls, common: dict[str, Any], raw: Mapping[str, Any]) -> Ordering:
        """Build from validated TOML data."""
        return cls(
            **common,
            items=tuple(raw["items"]),
            misplaced=tuple(
                (m["item"], m.get("before", ""), m["feedback"]) for m in raw.get("misplaced", [])
            ),
        )
