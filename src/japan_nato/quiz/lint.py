"""Lint question banks for answers that can be guessed from their form, not their content."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from japan_nato.errors import Problem
from japan_nato.quiz.bank import parse_toml

LETTERS = "ABCDEFGHIJ"
MAX_LETTER_SHARE = 0.40
MAX_LONGEST_CORRECT_SHARE = 0.50
MAX_LENGTH_RATIO = 1.20
TRUE_SHARE_RANGE = (0.35, 0.65)
# An optional question field a bank may use to say why its key is long on purpose.
LENGTH_REASON_FIELD = "length_reason"
_ABOVE = re.compile(r"\b(all|none|both|neither) of the (above|others|options)\b", re.IGNORECASE)

# order(question_id, option_count) -> the file positions in the order they are shown.
OptionOrder = Callable[[str, int], list[int]]

Bank = Mapping[str, Any]


@dataclass(frozen=True)
class LintFigures:
    """What the lint measured over a set of banks."""

    four_option_questions: int = 0
    correct_letters: dict[str, int] = field(default_factory=dict)
    single_choice_questions: int = 0
    longest_correct: int = 0
    length_ratios: dict[str, float] = field(default_factory=dict)
    true_false_questions: int = 0
    true_answers: int = 0
    hints_with_answer: tuple[str, ...] = ()
    all_or_none_of_above: tuple[str, ...] = ()

    @property
    def letter_shares(self) -> dict[str, float]:
        """Share of each correct letter among four-option single-choice questions."""
        total = self.four_option_questions or 1
        return {letter: self.correct_letters.get(letter, 0) / total for letter in LETTERS[:4]}

    @property
    def longest_correct_share(self) -> float:
        """Share of single-choice questions whose correct option is the (joint) longest."""
        return self.longest_correct / (self.single_choice_questions or 1)

    @property
    def true_share(self) -> float:
        """Share of true/false questions whose answer is True."""
        return self.true_answers / (self.true_false_questions or 1)

    def summary(self) -> str:
        """Return the figures as a few plain lines."""
        shares = ", ".join(f"{k} {v:.0%}" for k, v in self.letter_shares.items())
        over = sorted(k for k, v in self.length_ratios.items() if v > MAX_LENGTH_RATIO)
        return "\n".join(
            [
                f"correct letter among {self.four_option_questions} four-option questions: "
                f"{shares}",
                f"correct option the longest: {self.longest_correct} of "
                f"{self.single_choice_questions} single-choice questions "
                f"({self.longest_correct_share:.0%})",
                f"correct option over {MAX_LENGTH_RATIO - 1:.0%} longer than the mean "
                f"distractor: {len(over)} ({', '.join(over) or 'none'})",
                f"true/false: {self.true_answers} of {self.true_false_questions} true "
                f"({self.true_share:.0%})",
                f"hints containing the answer: {len(self.hints_with_answer)}",
                f"all/none of the above: {len(self.all_or_none_of_above)}",
            ]
        )


def _norm(text: str) -> str:
    """Lower-case, straighten quotes and squeeze spaces, for comparing answer text."""
    text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    return " ".join(text.lower().split())


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _contains(haystack: str, needle: str) -> bool:
    """True if needle occurs in haystack as whole words."""
    needle = _norm(needle).strip(" .")
    if len(needle) < 2:
        return False
    # A plain search, not a regex per needle: compiling one for every answer of every bank
    # was a tenth of the learner's set-up check.
    text = _norm(haystack)
    start = text.find(needle)
    while start != -1:
        end = start + len(needle)
        if (start == 0 or not _is_word_char(text[start - 1])) and (
            end == len(text) or not _is_word_char(text[end])
        ):
            return True
        start = text.find(needle, start + 1)
    return False


_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> set[str]:
    """Content words (four letters or more) of a text."""
    return {w for w in _WORD.findall(_norm(text)) if len(w) >= 4}


def _hint_points_at_key(question: Mapping[str, Any]) -> bool:
    """True if the hint repeats most of the correct option's words, and more than any other's."""
    options = question.get("options", [])
    hint = _words(question.get("hint", ""))
    if question.get("type") != "single_choice" or not hint:
        return False

    def overlap(option: Mapping[str, Any]) -> float:
        words = _words(option.get("text", ""))
        return len(words & hint) / len(words) if words else 0.0

    keys = [overlap(o) for o in options if o.get("correct")]
    others = [overlap(o) for o in options if not o.get("correct")]
    return bool(keys) and keys[0] >= 0.5 and keys[0] > max(others, default=0.0)


def _answers(question: Mapping[str, Any]) -> list[str]:
    """Return the texts that count as the answer, for the hint check."""
    kind = question.get("type")
    if kind in ("single_choice", "multiple_select"):
        return [o["text"] for o in question.get("options", []) if o.get("correct")]
    if kind == "short_answer":
        found = [str(a) for a in question.get("answers", [])]
        if "number" in question:
            found.append(
                f"{question['number']:g}"
                if isinstance(question["number"], float)
                else str(question["number"])
            )
        return found
    return []


def _order(question_id: str, count: int, order: OptionOrder | None) -> list[int]:
    return list(order(question_id, count)) if order else list(range(count))


def lint_figures(banks: Iterable[Bank], order: OptionOrder | None = None) -> LintFigures:
    """Measure the banks; `order` gives the shown option order (default: file order)."""
    letters: dict[str, int] = {}
    four = single = longest = tf = true = 0
    ratios: dict[str, float] = {}
    hints: list[str] = []
    above: list[str] = []
    for bank in banks:
        for q in bank.get("questions", []):
            qid, kind = q.get("id", "?"), q.get("type")
            options = q.get("options", [])
            if any(_ABOVE.search(o.get("text", "")) for o in options):
                above.append(qid)
            hint = q.get("hint", "")
            if hint and (any(_contains(hint, a) for a in _answers(q)) or _hint_points_at_key(q)):
                hints.append(qid)
            if kind == "true_false":
                tf += 1
                true += bool(q.get("answer"))
            if kind != "single_choice" or not options:
                continue
            single += 1
            shown = [options[i] for i in _order(qid, len(options), order)]
            key = next((i for i, o in enumerate(shown) if o.get("correct")), None)
            if key is None:
                continue
            if len(shown) == 4:
                four += 1
                letters[LETTERS[key]] = letters.get(LETTERS[key], 0) + 1
            lengths = [len(o["text"]) for o in shown]
            if lengths[key] >= max(lengths):
                longest += 1
            others = [n for i, n in enumerate(lengths) if i != key]
            if others:
                ratios[qid] = round(lengths[key] / (sum(others) / len(others)), 3)
    return LintFigures(four, letters, single, longest, ratios, tf, true, tuple(hints), tuple(above))


def lint_problems(
    banks: Mapping[str, Bank], order: OptionOrder | None = None
) -> tuple[list[Problem], LintFigures]:
    """Return the problems found in banks keyed by file name, and the figures over all of them."""
    figures = lint_figures(banks.values(), order)
    problems: list[Problem] = []
    everything = "question banks"
    for letter, share in figures.letter_shares.items():
        if share > MAX_LETTER_SHARE:
            problems.append(
                Problem(
                    everything,
                    None,
                    "options",
                    f"the correct option is {letter} in "
                    f"{share:.0%} of four-option questions (at most {MAX_LETTER_SHARE:.0%})",
                )
            )
    if figures.longest_correct_share > MAX_LONGEST_CORRECT_SHARE:
        problems.append(
            Problem(
                everything,
                None,
                "options",
                f"the correct option is the longest in "
                f"{figures.longest_correct_share:.0%} of single-choice questions (at most "
                f"{MAX_LONGEST_CORRECT_SHARE:.0%})",
            )
        )
    low, high = TRUE_SHARE_RANGE
    if figures.true_false_questions and not low <= figures.true_share <= high:
        problems.append(
            Problem(
                everything,
                None,
                "answer",
                f"{figures.true_share:.0%} of true/false answers "
                f"are True (keep between {low:.0%} and {high:.0%})",
            )
        )
    for file, bank in banks.items():
        for q in bank.get("questions", []):
            qid = q.get("id", "?")
            ratio = figures.length_ratios.get(qid)
            if ratio and ratio > MAX_LENGTH_RATIO and not q.get(LENGTH_REASON_FIELD):
                problems.append(
                    Problem(
                        file,
                        None,
                        f"{qid}.options",
                        f"the correct option is {ratio - 1:.0%} "
                        f"longer than the mean distractor (at most {MAX_LENGTH_RATIO - 1:.0%},"
                        f" or say why in {LENGTH_REASON_FIELD})",
                    )
                )
            if qid in figures.hints_with_answer:
                problems.append(Problem(file, None, f"{qid}.hint", "the hint contains the answer"))
            if qid in figures.all_or_none_of_above:
                problems.append(
                    Problem(file, None, f"{qid}.options", "an option says 'all/none of the above'")
                )
    return problems, figures


def load_banks(directory: str | Path) -> dict[str, Bank]:
    """Parse every bank file in a directory with tomllib, keyed by file name."""
    return {
        path.name: parse_toml(path.read_text(encoding="utf-8-sig"))
        for path in sorted(Path(directory).glob("*.toml"))
    }
