"""Question banks as data: load, validate and check answers (pure Python, no widgets)."""

from __future__ import annotations

import math
import random
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from japan_nato.errors import DataError, JapanNatoError, Problem
from japan_nato.paths import resolve_data_dir

if TYPE_CHECKING:
    import pandas as pd

LETTERS = "ABCDEFGH"
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
FACT_ID_PATTERN = re.compile(r"[ACGT][0-9]{2,}")
# Longer strings are never a real answer; refusing them early keeps check() fast.
MAX_ANSWER_CHARS = 1000
CORRECT_MARK = "✓ Correct."
WRONG_MARK = "✗ Not quite."


class _InvalidAnswer(Exception):
    """Raised inside parsing when a learner's answer is not well formed."""


class ProgressStoreLike(Protocol):
    """What a quiz needs from a progress store (see progress_db.ProgressStore)."""

    def record(
        self,
        bank: str,
        question_id: str,
        answer: str,
        correct: bool,
        *,
        objective: str = "",
        chosen_wrong: tuple[str, ...] = (),
    ) -> None: ...

    def correct_ids(self, bank: str) -> set[str]: ...

    def attempts(self, bank: str | None = None) -> pd.DataFrame: ...


# ---------------------------------------------------------------------------
# Values


@dataclass(frozen=True)
class Option:
    """One option of a choice question."""

    text: str
    correct: bool = False
    feedback: str = ""


@dataclass(frozen=True)
class Result:
    """The outcome of checking one answer."""

    question_id: str
    correct: bool
    message: str
    fact_ids: tuple[str, ...]
    valid: bool = True
    right: int | None = None
    total: int | None = None
    chosen_wrong: tuple[str, ...] = ()
    reason: str = ""  # an invalid answer: what was wrong with it, without the how-to-answer help

    def __str__(self) -> str:
        return self.message

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # In a notebook a learner sees the feedback, not the dataclass fields.
        printer.text(self.message)


# ---------------------------------------------------------------------------
# Text helpers


def normalise(text: str) -> str:
    """Return text folded for comparison: NFKC, casefold, no punctuation, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Pd":
            kept.append(" ")  # "Japan-NATO" and "Japan NATO" should compare equal
        elif not category.startswith("P"):
            kept.append(char)
    return " ".join("".join(kept).split())


def letter_range(count: int) -> str:
    """Return the letters of count options as a range, e.g. 'A–D'."""
    return f"A–{LETTERS[count - 1]}"


def _shown(value: Any) -> str:
    """Describe a learner's answer briefly, without echoing huge values."""
    if value is None:
        return "None"
    if isinstance(value, str):
        if not value.strip():
            return "An empty answer"
        short = value if len(value) <= 40 else value[:40] + "…"
        return f"“{short}”"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    name = type(value).__name__
    return f"{'An' if name[0].lower() in 'aeiou' else 'A'} {name} value"


def _text(value: Any, what: str = "a letter or a text") -> str:
    """Return value as a usable string, or raise _InvalidAnswer."""
    if value is None:
        raise _InvalidAnswer("No answer was given.")
    if not isinstance(value, str):
        raise _InvalidAnswer(f"{_shown(value)} is not {what}.")
    if len(value) > MAX_ANSWER_CHARS:
        raise _InvalidAnswer("That answer is far too long.")
    if not value.strip():
        raise _InvalidAnswer("The answer is empty.")
    return value


def _split_list(value: Any) -> list[Any]:
    """Return a list answer as a list; a string 'A, C' is split on commas."""
    if isinstance(value, str):
        if len(value) > MAX_ANSWER_CHARS:
            raise _InvalidAnswer("That answer is far too long.")
        values: list[Any] = [part for part in value.split(",") if part.strip()]
    elif isinstance(value, list | tuple):
        values = list(value)
    elif value is None:
        raise _InvalidAnswer("No answer was given.")
    else:
        raise _InvalidAnswer(f"{_shown(value)} is not a list.")
    if len(values) > len(LETTERS):
        raise _InvalidAnswer(f"{len(values)} entries are more than there are to choose from.")
    return values


def _pick(value: Any, texts: tuple[str, ...], noun: str) -> int:
    """Return the index of the text or letter value names among texts."""
    raw = _text(value)
    wanted = normalise(raw)
    for index, text in enumerate(texts):
        if normalise(text) == wanted:
            return index
    if len(wanted) == 1 and wanted.upper() in LETTERS[: len(texts)]:
        return LETTERS.index(wanted.upper())
    raise _InvalidAnswer(f"{_shown(raw)} is not one of the {noun}s.")


def _seeded_order(question_id: str, count: int) -> list[int]:
    """Return a fixed shuffled order of range(count), never the identity, seeded by the id."""
    order = list(range(count))
    # A str seed is hashed with SHA-512, so the order is the same in every process.
    random.Random(question_id).shuffle(order)
    if order == sorted(order) and count > 1:
        order = order[1:] + order[:1]
    return order


# ---------------------------------------------------------------------------
# Question types


@dataclass(frozen=True, kw_only=True)
class Question:
    """Fields common to every question type; subclasses define the rest."""

    type_name: ClassVar[str] = ""
    type_label: ClassVar[str] = ""
    fields: ClassVar[tuple[str, ...]] = ()

    id: str
    prompt: str
    objective: str
    fact_ids: tuple[str, ...]
    explanation: str
    hint: str = ""

    def check(self, answer: Any) -> Result:
        """Check a learner's answer; never raises, whatever the answer is."""
        try:
            parsed = self.parse(answer)
        except _InvalidAnswer as err:
            return self._invalid(str(err))
        except Exception:  # an odd object (say, one whose __eq__ raises) must not break check()
            return self._invalid(f"{_shown(answer)} could not be read as an answer.")
        return self.grade(parsed)

    def answer_text(self, answer: Any) -> str:
        """Return a valid answer in a canonical plain-text form (for the progress store)."""
        try:
            return self.format_answer(self.parse(answer))
        except Exception:  # only called after check() said the answer is valid
            return _shown(answer)

    def _invalid(self, reason: str) -> Result:
        return Result(
            question_id=self.id,
            correct=False,
            message=f"{reason} {self.answer_help()}",
            fact_ids=self.fact_ids,
            valid=False,
            reason=reason,
        )

    def _result(
        self,
        correct: bool,
        feedback: str = "",
        *,
        score: str = "",
        right: int | None = None,
        total: int | None = None,
        chosen_wrong: tuple[str, ...] = (),
    ) -> Result:
        parts = [CORRECT_MARK if correct else WRONG_MARK, score]
        if not correct:
            parts.append(feedback)
        parts.append(self.explanation)
        return Result(
            question_id=self.id,
            correct=correct,
            message=" ".join(part.strip() for part in parts if part.strip()),
            fact_ids=self.fact_ids,
            right=right,
            total=total,
            chosen_wrong=chosen_wrong,
        )

    # Each type implements these.
    def parse(self, answer: Any) -> Any:
        """Return the answer in a canonical form, or raise _InvalidAnswer."""
        raise NotImplementedError

    def grade(self, parsed: Any) -> Result:
        """Return the Result for a parsed answer."""
        raise NotImplementedError

    def format_answer(self, parsed: Any) -> str:
        """Return a parsed answer as plain text."""
        raise NotImplementedError

    def answer_help(self) -> str:
        """Say what a valid answer looks like."""
        raise NotImplementedError

    def display_lines(self) -> list[str]:
        """Return the lines that show this question's choices in the text version."""
        raise NotImplementedError

    def correct_answer(self) -> str:
        """Return the right answer as plain text (for answer keys)."""
        raise NotImplementedError

    @classmethod
    def field_problems(cls, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Return (field, message) pairs for the type's own fields."""
        raise NotImplementedError

    @classmethod
    def from_raw(cls, common: dict[str, Any], raw: Mapping[str, Any]) -> Question:
        """Build the question from validated TOML data."""
        raise NotImplementedError


def _options_from_raw(raw: Mapping[str, Any]) -> tuple[Option, ...]:
    return tuple(
        Option(
            text=str(item["text"]),
            correct=bool(item.get("correct", False)),
            feedback=str(item.get("feedback", "")),
        )
        for item in raw["options"]
    )


def _option_problems(raw: Mapping[str, Any], low: int, high: int) -> list[tuple[str, str]]:
    """Check an options list: count, text, unique, flags, feedback on wrong ones."""
    options = raw.get("options")
    if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
        return [("options", 'must be a list of tables like { text = "...", correct = true }')]
    problems = []
    if not low <= len(options) <= high:
        problems.append(("options", f"must have {low} to {high} options, found {len(options)}"))
    seen: set[str] = set()
    for index, option in enumerate(options):
        where = f"options[{index}]"
        unknown = sorted(set(option) - {"text", "correct", "feedback"})
        if unknown:
            problems.append((where, f"unknown field(s): {', '.join(unknown)}"))
        text = option.get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append((f"{where}.text", "must be a non-empty string"))
            continue
        if normalise(text) in seen:
            problems.append((f"{where}.text", f"duplicate option “{text}”"))
        if len(normalise(text)) == 1 and normalise(text).isalpha():
            # "B" would be read as the letter of the second option.
            problems.append((f"{where}.text", "a one-letter option is confused with its letter"))
        seen.add(normalise(text))
        correct = option.get("correct", False)
        if not isinstance(correct, bool):
            problems.append((f"{where}.correct", "must be true or false"))
        feedback = option.get("feedback", "")
        if not isinstance(feedback, str):
            problems.append((f"{where}.feedback", "must be a string"))
        elif correct is not True and not feedback.strip():
            problems.append(
                (f"{where}.feedback", f"wrong option “{text}” needs feedback naming the mistake")
            )
    return problems


def _choice_lines(options: tuple[Option, ...]) -> list[str]:
    return [f"{LETTERS[i]}. {option.text}" for i, option in enumerate(options)]


@dataclass(frozen=True, kw_only=True)
class SingleChoice(Question):
    """Pick the one right option."""

    type_name: ClassVar[str] = "single_choice"
    type_label: ClassVar[str] = "single choice"
    fields: ClassVar[tuple[str, ...]] = ("options",)

    options: tuple[Option, ...]

    def parse(self, answer: Any) -> int:
        """Return the index of the chosen option."""
        return _pick(answer, tuple(o.text for o in self.options), "option")

    def grade(self, parsed: int) -> Result:
        """Right if the chosen option is the correct one."""
        option = self.options[parsed]
        if option.correct:
            return self._result(True)
        return self._result(False, option.feedback, chosen_wrong=(option.text,))

    def format_answer(self, parsed: int) -> str:
        """Return the chosen option's text."""
        return self.options[parsed].text

    def answer_help(self) -> str:
        """Say what a valid answer looks like."""
        return (
            f"Choose one option: type its letter ({letter_range(len(self.options))}) or its text."
        )

    def display_lines(self) -> list[str]:
        """Return the lettered options."""
        return _choice_lines(self.options)

    def correct_answer(self) -> str:
        """Return the right option with its letter."""
        index = next(i for i, o in enumerate(self.options) if o.correct)
        return f"{LETTERS[index]}. {self.options[index].text}"

    @classmethod
    def field_problems(cls, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Check the options and that exactly one is correct."""
        problems = _option_problems(raw, 2, 6)
        options = raw.get("options")
        if isinstance(options, list) and all(isinstance(o, dict) for o in options):
            count = sum(1 for o in options if o.get("correct") is True)
            if count != 1:
                problems.append(("options", f"exactly one option must be correct, found {count}"))
        return problems

    @classmethod
    def from_raw(cls, common: dict[str, Any], raw: Mapping[str, Any]) -> SingleChoice:
        """Build from validated TOML data."""
        return cls(**common, options=_options_from_raw(raw))


@dataclass(frozen=True, kw_only=True)
class MultipleSelect(Question):
    """Pick every right option and no wrong one."""

    type_name: ClassVar[str] = "multiple_select"
    type_label: ClassVar[str] = "multiple select"
    fields: ClassVar[tuple[str, ...]] = ("options",)

    options: tuple[Option, ...]

    def parse(self, answer: Any) -> frozenset[int]:
        """Return the set of chosen option indexes."""
        if isinstance(answer, set | frozenset):
            answer = sorted(answer, key=str)
        values = _split_list(answer)
        if not values:
            raise _InvalidAnswer("No option was chosen.")
        texts = tuple(o.text for o in self.options)
        chosen = [_pick(value, texts, "option") for value in values]
        if len(set(chosen)) != len(chosen):
            raise _InvalidAnswer("The same option was given twice.")
        return frozenset(chosen)

    def grade(self, parsed: frozenset[int]) -> Result:
        """Right only for the exact set; otherwise count the right choices."""
        wanted = {i for i, o in enumerate(self.options) if o.correct}
        right = len(parsed & wanted)
        wrong = sorted(parsed - wanted)
        if parsed == wanted:
            return self._result(True, right=right, total=len(wanted))
        score = f"{right} of {len(wanted)} choices right"
        if wrong:
            score += f", and {len(wrong)} wrong choice{'s' if len(wrong) > 1 else ''}"
        score += "."
        missed = len(wanted) - right
        feedback = [self.options[i].feedback for i in wrong]
        if missed:
            feedback.append(f"You missed {missed} right option{'s' if missed > 1 else ''}.")
        return self._result(
            False,
            " ".join(feedback),
            score=score,
            right=right,
            total=len(wanted),
            chosen_wrong=tuple(self.options[i].text for i in wrong),
        )

    def format_answer(self, parsed: frozenset[int]) -> str:
        """Return the chosen options' texts, in option order."""
        return "; ".join(self.options[i].text for i in sorted(parsed))

    def answer_help(self) -> str:
        """Say what a valid answer looks like."""
        wanted = {LETTERS[i] for i, o in enumerate(self.options) if o.correct}
        # The example must never be the right answer.
        first, second = next(pair for pair in ("AC", "AB", "BC") if set(pair) != wanted)
        return (
            "Choose one or more options: give a list of their letters "
            f"({letter_range(len(self.options))}) or texts, "
            f'e.g. ["{first}", "{second}"] or "{first}, {second}".'
        )

    def display_lines(self) -> list[str]:
        """Return the lettered options."""
        note = [] if "all that apply" in self.prompt.lower() else ["(Choose all that apply.)"]
        return _choice_lines(self.options) + note

    def correct_answer(self) -> str:
        """Return the right options with their letters."""
        return "; ".join(f"{LETTERS[i]}. {o.text}" for i, o in enumerate(self.options) if o.correct)

    @classmethod
    def field_problems(cls, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Check the options and that at least one is correct."""
        problems = _option_problems(raw, 3, 8)
        options = raw.get("options")
        if isinstance(options, list) and all(isinstance(o, dict) for o in options):
            if not any(o.get("correct") is True for o in options):
                problems.append(("options", "at least one option must be correct"))
        return problems

    @classmethod
    def from_raw(cls, common: dict[str, Any], raw: Mapping[str, Any]) -> MultipleSelect:
        """Build from validated TOML data."""
        return cls(**common, options=_options_from_raw(raw))


TRUE_WORDS = {"true": True, "t": True, "yes": True, "false": False, "f": False, "no": False}


@dataclass(frozen=True, kw_only=True)
class TrueFalse(Question):
    """Say whether a statement is true."""

    type_name: ClassVar[str] = "true_false"
    type_label: ClassVar[str] = "true or false"
    fields: ClassVar[tuple[str, ...]] = ("answer", "feedback")

    answer: bool
    feedback: str

    def parse(self, answer: Any) -> bool:
        """Return the answer as a bool."""
        if isinstance(answer, bool):
            return answer
        word = normalise(_text(answer, "True or False"))
        if word not in TRUE_WORDS:
            raise _InvalidAnswer(f"{_shown(answer)} is not True or False.")
        return TRUE_WORDS[word]

    def grade(self, parsed: bool) -> Result:
        """Right if it matches the answer."""
        if parsed == self.answer:
            return self._result(True)
        return self._result(False, self.feedback, chosen_wrong=(str(parsed),))

    def format_answer(self, parsed: bool) -> str:
        """Return 'True' or 'False'."""
        return str(parsed)

    def answer_help(self) -> str:
        """Say what a valid answer looks like."""
        return 'Answer True or False (the strings "true"/"false", "yes"/"no" work too).'

    def display_lines(self) -> list[str]:
        """Return the two choices."""
        return ["True or False?"]

    def correct_answer(self) -> str:
        """Return 'True' or 'False'."""
        return str(self.answer)

    @classmethod
    def field_problems(cls, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Check answer and feedback."""
        problems = []
        if not isinstance(raw.get("answer"), bool):
            problems.append(("answer", "must be true or false"))
        if not isinstance(raw.get("feedback"), str) or not raw["feedback"].strip():
            problems.append(("feedback", "must say why the other value is wrong"))
        return problems

    @classmethod
    def from_raw(cls, common: dict[str, Any], raw: Mapping[str, Any]) -> TrueFalse:
        """Build from validated TOML data."""
        return cls(**common, answer=raw["answer"], feedback=raw["feedback"])


def _string_list_problems(raw: Mapping[str, Any], name: str, low: int, high: int) -> list:
    values = raw.get(name)
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        return [(name, "must be a list of non-empty strings")]
    problems = []
    if not low <= len(values) <= high:
        problems.append((name, f"must have {low} to {high} entries, found {len(values)}"))
    if len({normalise(v) for v in values}) != len(values):
        problems.append((name, "entries must be different from each other"))
    return problems


@dataclass(frozen=True, kw_only=True)
class Ordering(Question):
    """Put items in the right order."""

    type_name: ClassVar[str] = "ordering"
    type_label: ClassVar[str] = "ordering"
    fields: ClassVar[tuple[str, ...]] = ("items",)

    items: tuple[str, ...]

    @property
    def display_items(self) -> tuple[str, ...]:
        """The items in their fixed shuffled display order (lettered A, B, ...)."""
        return tuple(self.items[i] for i in _seeded_order(self.id, len(self.items)))

    def parse(self, answer: Any) -> tuple[int, ...]:
        """Return the answer as item indexes in the learner's order."""
        if isinstance(answer, set | frozenset):
            raise _InvalidAnswer("A set has no order.")
        values = _split_list(answer)
        if values and any(value is None for value in values):
            raise _InvalidAnswer("Choose an item for every position.")
        shown = self.display_items
        chosen = [self.items.index(shown[_pick(value, shown, "item")]) for value in values]
        if len(set(chosen)) != len(chosen):
            raise _InvalidAnswer("The same item was given twice.")
        if len(chosen) != len(self.items):
            raise _InvalidAnswer(f"{len(chosen)} of {len(self.items)} items were given.")
        return tuple(chosen)

    def grade(self, parsed: tuple[int, ...]) -> Result:
        """Right if every item is in place; otherwise count the ones that are."""
        total = len(self.items)
        right = sum(1 for position, index in enumerate(parsed) if position == index)
        if right == total:
            return self._result(True, right=right, total=total)
        return self._result(
            False,
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

    @classmethod
    def field_problems(cls, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Check the items."""
        return _string_list_problems(raw, "items", 3, 6)

    @classmethod
    def from_raw(cls, common: dict[str, Any], raw: Mapping[str, Any]) -> Ordering:
        """Build from validated TOML data."""
        return cls(**common, items=tuple(raw["items"]))


@dataclass(frozen=True, kw_only=True)
class Matching(Question):
    """Match each term to its definition."""

    type_name: ClassVar[str] = "matching"
    type_label: ClassVar[str] = "matching"
    fields: ClassVar[tuple[str, ...]] = ("pairs",)

    pairs: tuple[tuple[str, str], ...]

    @property
    def terms(self) -> tuple[str, ...]:
        """The terms, in bank order (numbered 1, 2, ...)."""
        return tuple(term for term, _ in self.pairs)

    @property
    def display_definitions(self) -> tuple[str, ...]:
        """The definitions in their fixed shuffled display order (lettered A, B, ...)."""
        order = _seeded_order(self.id, len(self.pairs))
        return tuple(self.pairs[i][1] for i in order)

    def parse(self, answer: Any) -> tuple[int, ...]:
        """Return, for each term in order, the index of the pair whose definition was chosen."""
        shown = self.display_definitions
        definitions = tuple(definition for _, definition in self.pairs)
        if isinstance(answer, Mapping):
            if len(answer) > len(self.pairs):
                raise _InvalidAnswer(f"There are only {len(self.pairs)} terms.")
            if any(value is None for value in answer.values()):
                raise _InvalidAnswer("Choose a definition for every term.")
            chosen: dict[int, int] = {}
            for key, value in answer.items():
                term = self._term_index(key)
                chosen[term] = definitions.index(shown[_pick(value, shown, "definition")])
            missing = [self.terms[i] for i in range(len(self.pairs)) if i not in chosen]
            if missing:
                raise _InvalidAnswer(f"No definition was given for “{missing[0]}”.")
            result = tuple(chosen[i] for i in range(len(self.pairs)))
        else:
            values = _split_list(answer)
            if len(values) != len(self.pairs):
                raise _InvalidAnswer(f"{len(values)} of {len(self.pairs)} matches were given.")
            result = tuple(
                definitions.index(shown[_pick(value, shown, "definition")]) for value in values
            )
        if len(set(result)) != len(result):
            raise _InvalidAnswer("The same definition was used twice.")
        return result

    def _term_index(self, key: Any) -> int:
        if isinstance(key, int) and not isinstance(key, bool) and 1 <= key <= len(self.terms):
            return key - 1
        raw = _text(key, "a term or its number")
        wanted = normalise(raw)
        for index, term in enumerate(self.terms):
            if normalise(term) == wanted:
                return index
        if wanted.isdigit() and 1 <= int(wanted) <= len(self.terms):
            return int(wanted) - 1
        raise _InvalidAnswer(f"{_shown(raw)} is not one of the terms.")

    def grade(self, parsed: tuple[int, ...]) -> Result:
        """Right if every term has its definition; otherwise count the right matches."""
        total = len(self.pairs)
        right = sum(1 for term, chosen in enumerate(parsed) if term == chosen)
        if right == total:
            return self._result(True, right=right, total=total)
        return self._result(
            False,
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
        return problems

    @classmethod
    def from_raw(cls, common: dict[str, Any], raw: Mapping[str, Any]) -> Matching:
        """Build from validated TOML data."""
        return cls(**common, pairs=tuple((p["term"], p["definition"]) for p in raw["pairs"]))


NUMBER_PATTERN = re.compile(r"[-+]?\d+(?:[.,]\d+)*")


@dataclass(frozen=True, kw_only=True)
class ShortAnswer(Question):
    """Type a short text or a number."""

    type_name: ClassVar[str] = "short_answer"
    type_label: ClassVar[str] = "short answer"
    fields: ClassVar[tuple[str, ...]] = ("answers", "number", "tolerance", "feedback")

    answers: tuple[str, ...] = ()
    number: float | None = None
    tolerance: float = 0.0
    feedback: str = ""

    def parse(self, answer: Any) -> str | float:
        """Return the normalised text, or the number."""
        if isinstance(answer, float) and not math.isfinite(answer):
            raise _InvalidAnswer(f"{_shown(answer)} is not a usable answer.")
        if self.number is None:
            if isinstance(answer, int | float) and not isinstance(answer, bool):
                answer = str(answer)
            text = normalise(_text(answer, "text"))
            if not text:
                raise _InvalidAnswer("The answer has no letters or digits.")
            return text
        if isinstance(answer, int | float) and not isinstance(answer, bool):
            value = float(answer)
        else:
            text = _text(answer, "a number")
            found = NUMBER_PATTERN.findall(unicodedata.normalize("NFKC", text))
            if len(found) != 1:
                raise _InvalidAnswer(f"{_shown(text)} does not contain exactly one number.")
            number = found[0]
            # "1,400" is a thousands separator; "2,5" a decimal comma.
            if re.fullmatch(r"[-+]?\d{1,3}(?:,\d{3})+", number):
                number = number.replace(",", "")
            value = float(number.replace(",", "."))
        if not math.isfinite(value):
            raise _InvalidAnswer(f"{_shown(value)} is not a usable number.")
        return value

    def grade(self, parsed: str | float) -> Result:
        """Right if the text is accepted, or the number within tolerance."""
        if isinstance(parsed, float):
            correct = abs(parsed - float(self.number or 0)) <= self.tolerance + 1e-9
        else:
            correct = parsed in {normalise(a) for a in self.answers}
        if correct:
            return self._result(True)
        return self._result(False, self.feedback, chosen_wrong=(self.format_answer(parsed)[:80],))

    def format_answer(self, parsed: str | float) -> str:
        """Return the normalised text or the number."""
        if isinstance(parsed, float):
            return f"{parsed:g}"
        return parsed

    def answer_help(self) -> str:
        """Say what a valid answer looks like."""
        if self.number is not None:
            return "Type a number in digits, e.g. 12."
        return "Type a short text answer (case, spacing and punctuation do not matter)."

    def display_lines(self) -> list[str]:
        """Say what to type."""
        return ["(Type a number.)" if self.number is not None else "(Type a short answer.)"]

    def correct_answer(self) -> str:
        """Return the accepted answers or the number."""
        if self.number is not None:
            number = f"{self.number:g}"
            return f"{number} (± {self.tolerance:g})" if self.tolerance else number
        return " / ".join(self.answers)

    @classmethod
    def field_problems(cls, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Check that exactly one of answers and number is given, and their types."""
        has_answers = "answers" in raw
        has_number = "number" in raw
        if has_answers == has_number:
            return [("answers", "give either answers = [...] or number = ..., not both or none")]
        problems = []
        if has_answers:
            problems += _string_list_problems(raw, "answers", 1, 20)
            if "tolerance" in raw:
                problems.append(("tolerance", "only goes with number"))
        else:
            number = raw["number"]
            if not isinstance(number, int | float) or isinstance(number, bool):
                problems.append(("number", "must be a number"))
            elif not math.isfinite(number):
                problems.append(("number", "must be finite"))
            tolerance = raw.get("tolerance", 0)
            if (
                not isinstance(tolerance, int | float)
                or isinstance(tolerance, bool)
                or not 0 <= tolerance < math.inf
            ):
                problems.append(("tolerance", "must be a number >= 0"))
        if not isinstance(raw.get("feedback", ""), str):
            problems.append(("feedback", "must be a string"))
        return problems

    @classmethod
    def from_raw(cls, common: dict[str, Any], raw: Mapping[str, Any]) -> ShortAnswer:
        """Build from validated TOML data."""
        number = raw.get("number")
        return cls(
            **common,
            answers=tuple(raw.get("answers", ())),
            number=None if number is None else float(number),
            tolerance=float(raw.get("tolerance", 0)),
            feedback=raw.get("feedback", ""),
        )


QUESTION_TYPES: dict[str, type[Question]] = {
    cls.type_name: cls
    for cls in (SingleChoice, MultipleSelect, TrueFalse, Ordering, Matching, ShortAnswer)
}

COMMON_FIELDS = ("id", "type", "prompt", "objective", "fact_ids", "explanation", "hint")


# ---------------------------------------------------------------------------
# Banks


@dataclass(frozen=True)
class Bank:
    """A validated question bank."""

    name: str
    title: str
    notebook: str
    objectives: dict[str, str]
    questions: tuple[Question, ...]


def bank_names(data_dir: str | Path | None = None) -> list[str]:
    """Return the sorted names of the banks in data/quizzes/."""
    folder = resolve_data_dir(data_dir) / "quizzes"
    return sorted(path.stem for path in folder.glob("*.toml"))


def _table_lines(text: str, table: str) -> list[int]:
    """Return, per [[table]] entry, the line of its id (or of its header if it has none)."""
    lines: list[int] = []
    waiting = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if re.fullmatch(rf"\[\[\s*{table}\s*\]\]", stripped):
            lines.append(number)
            waiting = True
        elif stripped.startswith("["):
            waiting = False
        elif waiting and re.match(r"id\s*=", stripped):
            lines[-1] = number
            waiting = False
    return lines


def _first_line(text: str, pattern: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(pattern, line.strip()):
            return number
    return None


def _read_bank(name: str, data_dir: str | Path | None) -> tuple[str, dict[str, Any], list[Problem]]:
    """Read and parse a bank file; return its text, data and any read/syntax problem."""
    file = f"quizzes/{name}.toml"
    path = resolve_data_dir(data_dir) / file
    if not path.is_file():
        known = ", ".join(bank_names(data_dir)) or "none"
        return "", {}, [Problem(file, None, "", f"no such question bank (banks: {known})")]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return "", {}, [Problem(file, None, "", f"cannot read the file: {err}")]
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        found = re.search(r"line (\d+)", str(err))
        line = int(found.group(1)) if found else None
        return text, {}, [Problem(file, line, "", f"TOML syntax error: {err}")]
    return text, raw, []


def _question_problems(
    raw: Any, objectives: set[str], known_fact_ids: set[str] | None
) -> list[tuple[str, str]]:
    """Return (field, message) pairs for one question table."""
    if not isinstance(raw, dict):
        return [("", "must be a table")]
    problems: list[tuple[str, str]] = []
    qid = raw.get("id")
    if not isinstance(qid, str) or not ID_PATTERN.fullmatch(qid):
        problems.append(("id", "must be lowercase letters, digits and hyphens, e.g. src-date"))
    kind = raw.get("type")
    cls = QUESTION_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        known = ", ".join(QUESTION_TYPES)
        problems.append(("type", f"unknown type {kind!r}; known types: {known}"))
    for name in ("prompt", "explanation"):
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            problems.append((name, "must be a non-empty string"))
    if not isinstance(raw.get("hint", ""), str):
        problems.append(("hint", "must be a string"))
    objective = raw.get("objective")
    if objective not in objectives:
        listed = ", ".join(sorted(objectives)) or "none defined"
        problems.append(("objective", f"{objective!r} is not an objective of this bank ({listed})"))
    fact_ids = raw.get("fact_ids")
    if not isinstance(fact_ids, list) or not fact_ids:
        problems.append(("fact_ids", "must be a non-empty list of fact ids"))
    else:
        for fact_id in fact_ids:
            if not isinstance(fact_id, str) or not FACT_ID_PATTERN.fullmatch(fact_id):
                problems.append(("fact_ids", f"{fact_id!r} is not a fact id like A01 or C03"))
            elif known_fact_ids is not None and fact_id not in known_fact_ids:
                problems.append(("fact_ids", f"unknown fact id {fact_id}"))
    if cls is not None:
        unknown = sorted(set(raw) - set(COMMON_FIELDS) - set(cls.fields))
        if unknown:
            problems.append(("", f"unknown field(s) for {kind}: {', '.join(unknown)}"))
        problems += cls.field_problems(raw)
    return problems


def _bank_problems(
    name: str, text: str, raw: dict[str, Any], known_fact_ids: set[str] | None
) -> list[Problem]:
    file = f"quizzes/{name}.toml"
    problems: list[Problem] = []
    bank = raw.get("bank")
    bank_line = _first_line(text, r"\[\s*bank\s*\]")
    if not isinstance(bank, dict):
        problems.append(Problem(file, None, "bank", "missing [bank] table with a title"))
        bank = {}
    if not isinstance(bank.get("title"), str) or not bank["title"].strip():
        problems.append(Problem(file, bank_line, "bank.title", "must be a non-empty string"))
    if not isinstance(bank.get("notebook", ""), str):
        problems.append(Problem(file, bank_line, "bank.notebook", "must be a string"))
    unknown = sorted(set(raw) - {"bank", "objectives", "questions"})
    if unknown:
        problems.append(Problem(file, None, "", f"unknown table(s): {', '.join(unknown)}"))

    objectives: dict[str, str] = {}
    objective_lines: dict[str, int | None] = {}
    raw_objectives = raw.get("objectives", [])
    if not isinstance(raw_objectives, list) or not raw_objectives:
        problems.append(Problem(file, None, "objectives", "at least one [[objectives]] is needed"))
        raw_objectives = []
    lines = _table_lines(text, "objectives")
    for index, item in enumerate(raw_objectives):
        column = f"objectives[{index}]"
        line = lines[index] if index < len(lines) else None
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) and item[k].strip() for k in ("id", "text")
        ):
            problems.append(Problem(file, line, column, "needs an id and a text"))
        elif item["id"] in objectives:
            problems.append(Problem(file, line, f"{column}.id", f"duplicate id {item['id']!r}"))
        else:
            objectives[item["id"]] = item["text"]
            objective_lines[item["id"]] = line

    questions = raw.get("questions")
    if not isinstance(questions, list) or not questions:
        problems.append(Problem(file, None, "questions", "at least one [[questions]] is needed"))
        return problems
    lines = _table_lines(text, "questions")
    seen: dict[str, int] = {}
    for index, question in enumerate(questions):
        line = lines[index] if index < len(lines) else None
        qid = question.get("id") if isinstance(question, dict) else None
        label = f"question {qid!r}" if isinstance(qid, str) else f"question {index + 1}"
        for column, message in _question_problems(question, set(objectives), known_fact_ids):
            where = f"questions[{index}]" + (f".{column}" if column else "")
            problems.append(Problem(file, line, where, f"{label}: {message}"))
        if isinstance(qid, str):
            if qid in seen:
                problems.append(
                    Problem(
                        file,
                        line,
                        f"questions[{index}].id",
                        f"{label}: duplicate id (also questions[{seen[qid]}])",
                    )
                )
            seen.setdefault(qid, index)
    assessed = {q.get("objective") for q in questions if isinstance(q, dict)}
    for objective in objectives:
        if objective not in assessed:
            problems.append(
                Problem(
                    file,
                    objective_lines[objective],
                    f"objectives[{list(objectives).index(objective)}]",
                    f"objective {objective!r} is not assessed by any question",
                )
            )
    return problems


def bank_problems(
    name: str, data_dir: str | Path | None = None, known_fact_ids: set[str] | None = None
) -> list[Problem]:
    """Return every problem in one bank (fact ids are checked only when known_fact_ids is given)."""
    text, raw, problems = _read_bank(name, data_dir)
    if problems:
        return problems
    return _bank_problems(name, text, raw, known_fact_ids)


def all_bank_problems(
    data_dir: str | Path | None = None, known_fact_ids: set[str] | None = None
) -> list[Problem]:
    """Return the problems of every bank, plus question ids repeated across banks."""
    problems: list[Problem] = []
    owners: dict[str, str] = {}
    for name in bank_names(data_dir):
        text, raw, read_problems = _read_bank(name, data_dir)
        if read_problems:
            problems += read_problems
            continue
        problems += _bank_problems(name, text, raw, known_fact_ids)
        questions = raw.get("questions")
        lines = _table_lines(text, "questions")
        for index, question in enumerate(questions if isinstance(questions, list) else []):
            qid = question.get("id") if isinstance(question, dict) else None
            if not isinstance(qid, str):
                continue
            if owners.get(qid, name) != name:
                problems.append(
                    Problem(
                        f"quizzes/{name}.toml",
                        lines[index] if index < len(lines) else None,
                        f"questions[{index}].id",
                        f"question {qid!r}: id already used in quizzes/{owners[qid]}.toml",
                    )
                )
            owners.setdefault(qid, name)
    return problems


def _known_fact_ids(data_dir: str | Path | None) -> set[str] | None:
    """Return all fact ids, or None when the fact tables cannot be loaded."""
    from japan_nato.data import all_fact_ids

    try:
        return all_fact_ids(data_dir)
    except DataError:
        # Broken fact tables are reported by their own loaders and by validate; the bank's
        # other checks still run.
        return None


def load_bank(name: str, data_dir: str | Path | None = None) -> Bank:
    """Load and validate a bank; raise DataError listing every problem."""
    text, raw, problems = _read_bank(name, data_dir)
    if not problems:
        problems = _bank_problems(name, text, raw, _known_fact_ids(data_dir))
    if problems:
        raise DataError(problems)
    questions = []
    for item in raw["questions"]:
        common = {
            "id": item["id"],
            "prompt": item["prompt"],
            "objective": item["objective"],
            "fact_ids": tuple(item["fact_ids"]),
            "explanation": item["explanation"],
            "hint": item.get("hint", ""),
        }
        questions.append(QUESTION_TYPES[item["type"]].from_raw(common, item))
    return Bank(
        name=name,
        title=raw["bank"]["title"],
        notebook=raw["bank"].get("notebook", ""),
        objectives={o["id"]: o["text"] for o in raw["objectives"]},
        questions=tuple(questions),
    )


# ---------------------------------------------------------------------------
# Quiz


def _default_store() -> ProgressStoreLike:
    # progress_db imports sqlite3, so it is imported only when something is recorded or read.
    from japan_nato.progress_db import get_store

    return get_store()


class Quiz:
    """A bank ready to be answered, with progress kept in a store."""

    def __init__(
        self,
        bank: Bank,
        store: ProgressStoreLike | None = None,
        data_dir: str | Path | None = None,
    ) -> None:
        self.bank = bank
        self.data_dir = data_dir
        self._store = store

    @property
    def name(self) -> str:
        """The bank's name (file stem)."""
        return self.bank.name

    @property
    def title(self) -> str:
        """The bank's title."""
        return self.bank.title

    @property
    def questions(self) -> list[Question]:
        """The questions, in bank order."""
        return list(self.bank.questions)

    @property
    def objectives(self) -> dict[str, str]:
        """Objective id -> text."""
        return dict(self.bank.objectives)

    @property
    def store(self) -> ProgressStoreLike:
        """The progress store (the default store unless one was given)."""
        if self._store is None:
            self._store = _default_store()
        return self._store

    def question(self, question_id: str) -> Question:
        """Return the question with this id; the error lists the valid ids."""
        for question in self.bank.questions:
            if question.id == question_id:
                return question
        valid = ", ".join(q.id for q in self.bank.questions)
        raise JapanNatoError(
            f"No question {question_id!r} in quiz {self.name!r}. Valid ids: {valid}"
        )

    def bank_of(self, question_id: str) -> str:
        """Return the name of the bank an answer to this question is recorded under."""
        return self.name

    def answer(self, question_id: str, answer: Any) -> Result:
        """Check an answer and record it (answers that are not well formed are not recorded)."""
        question = self.question(question_id)
        result = question.check(answer)
        if result.valid:
            self.store.record(
                self.bank_of(question_id),
                question_id,
                question.answer_text(answer),
                result.correct,
                objective=question.objective,
                chosen_wrong=result.chosen_wrong,
            )
            from japan_nato.room.client import hand_over  # a no-op outside a hub room

            hand_over(self.bank_of(question_id), question, answer, result)
        return result

    def done(self) -> set[str]:
        """Return the ids of the questions answered correctly (from the store)."""
        ids = {q.id for q in self.bank.questions}
        return set(self.store.correct_ids(self.name)) & ids

    def score(self) -> tuple[int, int]:
        """Return (questions answered correctly, questions)."""
        return len(self.done()), len(self.bank.questions)

    def text(self) -> str:
        """Return the whole quiz as deterministic plain text."""
        done = self.done()
        correct, total = len(done), len(self.bank.questions)
        lines = [
            f"Quiz: {self.title} ({self.name}), {total} questions",
            f"Score: {correct} of {total} correct",
            f'To answer from code: q = japan_nato.quiz("{self.name}"), then '
            'q.answer("question-id", "B"); q.question("question-id").hint gives a hint.',
            "",
        ]
        for number, question in enumerate(self.bank.questions, start=1):
            marker = "  ✓ answered correctly" if question.id in done else ""
            lines.append(f"{number}. [{question.id}] ({question.type_label}){marker}")
            lines.append(f"   {question.prompt}")
            lines += [f"   {line}" for line in question.display_lines()]
            lines.append(
                f'   How to answer: q.answer("{question.id}", ...). {question.answer_help()}'
            )
            lines.append("")
        return "\n".join(lines).rstrip("\n")

    def __repr__(self) -> str:
        return self.text()

    def show(self) -> None:
        """Display the quiz as widgets."""
        from IPython.display import display

        from japan_nato.widgets import QuizWidget

        display(QuizWidget(self))

    def _ipython_display_(self) -> None:
        self.show()


def quiz(
    bank: str,
    *,
    data_dir: str | Path | None = None,
    store: ProgressStoreLike | None = None,
) -> Quiz:
    """Return the quiz for a bank; answers go to store (default: the user's progress file)."""
    return Quiz(load_bank(bank, data_dir), store, data_dir)


def progress(
    store: ProgressStoreLike | None = None, data_dir: str | Path | None = None
) -> pd.DataFrame:
    """Return one row per bank: bank, title, questions, attempted, correct."""
    import pandas as pd

    store = _default_store() if store is None else store
    rows = []
    for name in bank_names(data_dir):
        bank = load_bank(name, data_dir)
        ids = {q.id for q in bank.questions}
        attempted = set(store.attempts(name)["question_id"]) & ids
        rows.append(
            {
                "bank": name,
                "title": bank.title,
                "questions": len(ids),
                "attempted": len(attempted),
                "correct": len(set(store.correct_ids(name)) & ids),
            }
        )
    columns = ["bank", "title", "questions", "attempted", "correct"]
    return pd.DataFrame(rows, columns=columns)
