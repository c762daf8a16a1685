"""Shared helpers for the quiz and widget tests: an in-memory store and a small test bank."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from japan_nato.progress import ProgressStore
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


def memory_store(correct: dict[str, set[str]] | None = None) -> ProgressStore:
    """The real progress store, in memory, with the given questions answered right before."""
    store = ProgressStore.in_memory()
    for bank, ids in (correct or {}).items():
        for question_id in sorted(ids):
            store.record(bank, question_id, "", True)
    return store


def recorded(store: ProgressStore) -> list[dict[str, Any]]:
    """The answers a store holds, answer and chosen_wrong decoded from their JSON text."""
    return [
        {
            "bank": row.bank,
            "question_id": row.question_id,
            "answer": json.loads(row.answer),
            "correct": bool(row.correct),
            "objective": row.objective,
            "chosen_wrong": tuple(json.loads(row.chosen_wrong)),
        }
        for row in store.attempts().itertuples()
    ]


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
