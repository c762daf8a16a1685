"""Shared helpers for the quiz and widget tests: a fake store and a small test bank."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from japan_nato.quiz import Question

# Choice options are written so that their seeded shown order reads Beta, Alpha, Gamma and
# Red, Blue, Orange, Green (file order differs: shuffling is on, letters stay readable).
TEST_BANK = """\
[bank]
title = "Test bank"
notebook = "99_test.ipynb"

[[objectives]]
id = "obj-a"
text = "First objective."

[[objectives]]
id = "obj-b"
text = "Second objective."

[[questions]]
id = "t-single"
type = "single_choice"
prompt = "Which is first?"
objective = "obj-a"
fact_ids = ["A01"]
hint = "It starts the Greek alphabet."
explanation = "Alpha is the first letter."
options = [
  { text = "Gamma", feedback = "Gamma is third." },
  { text = "Beta", feedback = "Beta is second." },
  { text = "Alpha", correct = true },
]

[[questions]]
id = "t-multi"
type = "multiple_select"
prompt = "Which are warm colours?"
objective = "obj-a"
fact_ids = ["A01", "C03"]
explanation = "Red and orange are warm colours."
options = [
  { text = "Green", feedback = "Green is a cool colour." },
  { text = "Red", correct = true },
  { text = "Blue", feedback = "Blue is a cool colour." },
  { text = "Orange", correct = true },
]

[[questions]]
id = "t-tf"
type = "true_false"
prompt = "True or false: the meeting was on 29 June 2022."
objective = "obj-a"
fact_ids = ["C03"]
answer = true
feedback = "MOFA dates it 29 June 2022."
explanation = "The readout says 29 June 2022."

[[questions]]
id = "t-order"
type = "ordering"
prompt = "Put the numbers in order."
objective = "obj-b"
fact_ids = ["T11"]
explanation = "One, two, three, four."
items = ["one", "two", "three", "four"]

[[questions]]
id = "t-match"
type = "matching"
prompt = "Match each animal to its sound."
objective = "obj-b"
fact_ids = ["G01"]
explanation = "Cats meow, dogs woof, cows moo."
pairs = [
  { term = "cat", definition = "meow" },
  { term = "dog", definition = "woof" },
  { term = "cow", definition = "moo" },
]

[[questions]]
id = "t-short"
type = "short_answer"
prompt = "Name the programme."
objective = "obj-b"
fact_ids = ["A14", "G01"]
answers = ["IPCP", "Individual Partnership and Cooperation Programme"]
feedback = "Look for the abbreviation in brackets."
explanation = "It is the IPCP."

[[questions]]
id = "t-number"
type = "short_answer"
prompt = "How many days from 29 June to 5 July?"
objective = "obj-b"
fact_ids = ["A01", "C03"]
number = 6
feedback = "Count on from 29 June."
explanation = "Six days."

[[questions]]
id = "t-tolerance"
type = "short_answer"
prompt = "About how many minutes did the meeting last?"
objective = "obj-b"
fact_ids = ["C03"]
number = 15
tolerance = 0.5
explanation = "About 15 minutes."
"""


class FakeStore:
    """An in-memory stand-in for progress_db.ProgressStore."""

    def __init__(self, correct: dict[str, set[str]] | None = None) -> None:
        self.rows: list[dict[str, Any]] = []
        self._correct = {bank: set(ids) for bank, ids in (correct or {}).items()}

    def record(
        self,
        bank: str,
        question_id: str,
        answer: Any,
        correct: bool,
        *,
        objective: str = "",
        chosen_wrong: tuple[str, ...] = (),
    ) -> None:
        self.rows.append(
            {
                "bank": bank,
                "question_id": question_id,
                "answer": answer,
                "correct": correct,
                "objective": objective,
                "chosen_wrong": tuple(chosen_wrong),
            }
        )
        if correct:
            self._correct.setdefault(bank, set()).add(question_id)

    def correct_ids(self, bank: str) -> set[str]:
        return set(self._correct.get(bank, set()))

    def attempts(self, bank: str | None = None) -> pd.DataFrame:
        rows = [r for r in self.rows if bank is None or r["bank"] == bank]
        return pd.DataFrame(rows, columns=["bank", "question_id", "answer", "correct"])


def write_bank(data_dir: Path, name: str, text: str) -> Path:
    """Write a bank file into a data dir's quizzes folder and return its path."""
    path = data_dir / "quizzes" / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def right_answer(question: Question) -> Any:
    """Return the right answer of any question, in the plainest accepted form (from its type)."""
    return question.example_answers()[0]


def wrong_answer(question: Question) -> Any:
    """Return a well-formed but wrong answer of any question (from its type)."""
    return question.example_answers()[1]
