"""matching: match each term to its definition."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from japan_nato.quiz.answers import (
    LETTERS,
    InvalidAnswer,
    as_text,
    describe_answer,
    letter_range,
    normalise,
    pick,
    seeded_order,
    split_list,
)
from japan_nato.quiz.model import Question, Result


@dataclass(frozen=True, kw_only=True)
class Matching(Question):
    """Match each term to its definition."""

    type_name: ClassVar[str] = "matching"
    type_label: ClassVar[str] = "matching"
    fields: ClassVar[tuple[str, ...]] = ("pairs", "misplaced")

    pairs: tuple[tuple[str, str], ...]
    # (term, wrong definition or "" for any wrong one, feedback): said for that misplacement
    misplaced: tuple[tuple[str, str, str], ...] = ()

    def misplacement_feedback(self, parsed: tuple[int, ...]) -> str:
        """Return what the bank says about each wrong match in a parsed answer."""
        said: list[str] = []
        for term, chosen in enumerate(parsed):
            if term == chosen:
                continue
            given = self.pairs[chosen][1]
            for name, definition, feedback in self.misplaced:
                wanted = name == self.terms[term] and definition in ("", given)
                if wanted and feedback not in said:
                    said.append(feedback)
        return " ".join(said)

    @property
    def terms(self) -> tuple[str, ...]:
        """The terms, in bank order (numbered 1, 2, ...)."""
        return tuple(term for term, _ in self.pairs)

    @property
    def display_definitions(self) -> tuple[str, ...]:
        """The definitions in their fixed shuffled display order (lettered A, B, ...)."""
        order = seeded_order(self.id, len(self.pairs))
        return tuple(self.pairs[i][1] for i in order)

    def parse(self, answer: Any) -> tuple[int, ...]:
        """Return, for each term in order, the index of the pair whose definition was chosen."""
        shown = self.display_definitions
        definitions = tuple(definition for _, definition in self.pairs)
        if isinstance(answer, Mapping):
            # Read at most one pair too many: a Mapping may iterate forever or lie about its len.
            items = list(itertools.islice(iter(answer.items()), len(self.pairs) + 1))
            if len(items) > len(self.pairs):
                raise InvalidAnswer(f"There are only {len(self.pairs)} terms.")
            if any(value is None for _, value in items):
                raise InvalidAnswer("Choose a definition for every term.")
            chosen: dict[int, int] = {}
            for key, value in items:
                term = self._term_index(key)
                chosen[term] = definitions.index(shown[pick(value, shown, "definition")])
            missing = [self.terms[i] for i in range(len(self.pairs)) if i not in chosen]
            if missing:
                raise InvalidAnswer(f"No definition was given for “{missing[0]}”.")
            result = tuple(chosen[i] for i in range(len(self.pairs)))
        else:
            values = split_list(answer)
            if len(values) != len(self.pairs):
                raise InvalidAnswer(f"{len(values)} of {len(self.pairs)} matches were given.")
            result = tuple(
                definitions.index(shown[pick(value, shown, "definition")]) for value in values
            )
        if len(set(result)) != len(result):
            raise InvalidAnswer("The same definition was used twice.")
        return result

    def _term_index(self, key: Any) -> int:
        if isinstance(key, int) and not isinstance(key, bool) and 1 <= key <= len(self.terms):
            return key - 1
        raw = as_text(key, "a term or its number")
        wanted = normalise(raw)
        for index, term in enumerate(self.terms):
            if normalise(term) == wanted:
                return index
        if wanted.isdigit() and 1 <= int(wanted) <= len(self.terms):
            return int(wanted) - 1
        raise InvalidAnswer(f"{describe_answer(raw)} is not one of the terms.")

    def grade(self, parsed: tuple[int, ...]) -> Result:
        """Right if every term has its definition; otherwise count the right matches."""
        total = len(self.pairs)
        right = sum(1 for term, chosen in enumerate(parsed) if term == chosen)
        if right == total:
            return self._result(True, right=right, total=total)
        return self._result(
            False,
            self.misplacement_feedback(parsed),
            score=f"{right} of {total} matched correctly.",
            right=right,
            total=total,
            chosen_wrong=tuple(
                f"{self.terms[t]} → {self.pairs[c][1]}" for t, c in enumerate(parsed) if t != c
            ),
        )

    def format_answer(self, parsed: tuple[int, ...]) -> str:
        """Return the learner's matches as 'term → definition' lines."""
        return "; ".join(f"{self.terms[t]} → {self.pairs[c][1]}" for t, c in enumerate(parsed))

    def answer_help(self) -> str:
        """Say what a valid answer looks like."""
        count = len(self.pairs)
        right_first = LETTERS[self.display_definitions.index(self.pairs[0][1])]
        example = "B" if right_first != "B" else "C"
        return (
            "Match every term to one definition: give a dict term (or its number) -> "
            f'definition letter ({letter_range(count)}) or text, e.g. {{1: "{example}", ...}}, '
            f'or the letters in term order, e.g. "{example}, ...".'
        )

    def display_lines(self) -> list[str]:
        """Return the numbered terms and the lettered definitions."""
        lines = ["Terms:"]
        lines += [f"  {i + 1}. {term}" for i, term in enumerate(self.terms)]
        lines.append("Definitions:")
        lines += [f"  {LETTERS[i]}. {d}" for i, d in enumerate(self.display_definitions)]
        return lines

    def correct_answer(self) -> str:
        """Return each term with its definition and display letter."""
        shown = self.display_definitions
        return "; ".join(f"{term} → {LETTERS[shown.index(d)]}. {d}" for term, d in self.pairs)

    def buttons_help(self) -> str:
        """Say how to answer with the definition dropdowns."""
        return "Give every term a definition, using each definition once, then press Check."

    def terminal_help(self) -> str:
        """Say how to type an answer in the terminal."""
        example = ", ".join(f"{n}={LETTERS[n - 1]}" for n in range(1, len(self.pairs) + 1))
        return f"Type term number = definition letter for every term, e.g. {example}."

    def wrong_answer_feedback(self) -> list[tuple[str, str]]:
        """Return each misplacement the bank explains, with its feedback."""
        return [
            (f"{term} → {definition or 'any other definition'}", feedback)
            for term, definition, feedback in self.misplaced
        ]

    def example_answers(self) -> tuple[Any, Any]:
        """Return the right matches and every definition moved one term on."""
        definitions = [d for _, d in self.pairs]
        wrong = dict(zip(self.terms, definitions[1:] + definitions[:1], strict=True))
        return dict(self.pairs), wrong

    @classmethod
    def field_problems(cls, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Check the pairs, unique terms and definitions."""
        pairs = raw.get("pairs")
        if not isinstance(pairs, list) or not all(
            isinstance(p, dict)
            and set(p) == {"term", "definition"}
            and all(isinstance(v, str) and v.strip() for v in p.values())
            for p in pairs
        ):
            return [("pairs", 'must be a list of { term = "...", definition = "..." } tables')]
        problems = []
        if not 3 <= len(pairs) <= 6:
            problems.append(("pairs", f"must have 3 to 6 pairs, found {len(pairs)}"))
        if len({normalise(p["term"]) for p in pairs}) != len(pairs):
            problems.append(("pairs", "terms must be unique"))
        if len({normalise(p["definition"]) for p in pairs}) != len(pairs):
            problems.append(("pairs", "definitions must be unique"))
        own = {p["term"]: p["definition"] for p in pairs}
        return problems + misplaced_problems(raw, own)

    @classmethod
    def from_raw(cls, common: dict[str, Any], raw: Mapping[str, Any]) -> Matching:
        """Build from validated TOML data."""
        return cls(
            **common,
            pairs=tuple((p["term"], p["definition"]) for p in raw["pairs"]),
            misplaced=tuple(
                (m["term"], m.get("definition", ""), m["feedback"])
                for m in raw.get("misplaced", [])
            ),
        )


def misplaced_problems(raw: Mapping[str, Any], own: dict[str, str]) -> list[tuple[str, str]]:
    """Check a matching question's misplaced table: known term, a wrong definition, feedback."""
    entries = raw.get("misplaced", [])
    if not isinstance(entries, list) or not all(isinstance(m, dict) for m in entries):
        return [("misplaced", 'must be a list of { term = "...", feedback = "..." } tables')]
    problems: list[tuple[str, str]] = []
    for index, entry in enumerate(entries):
        where = f"misplaced[{index}]"
        unknown = sorted(set(entry) - {"term", "definition", "feedback"})
        if unknown:
            problems.append((where, f"unknown field(s): {', '.join(unknown)}"))
        term, definition = entry.get("term"), entry.get("definition", "")
        if term not in own:
            problems.append((f"{where}.term", f"{term!r} is not one of the terms"))
        elif definition and definition not in own.values():
            problems.append(
                (f"{where}.definition", f"{definition!r} is not one of the definitions")
            )
        elif definition and definition == own[term]:
            problems.append((f"{where}.definition", "is the right definition of that term"))
        feedback = entry.get("feedback")
        if not isinstance(feedback, str) or not feedback.strip():
            problems.append((f"{where}.feedback", "must be a non-empty string"))
    return problems
