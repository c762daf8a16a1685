"""A review quiz from the banks of notebooks 01-05: missed first, then a seeded sample."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from japan_nato.errors import UsageError
from japan_nato.quiz.bank import bank_names, load_bank
from japan_nato.quiz.model import Bank, ProgressStoreLike, Question
from japan_nato.quiz.policy import RoundProvider
from japan_nato.quiz.session import AnswerListener, Quiz

REVIEW_NAME = "review"


REVIEW_TITLE = "Review: questions from the whole course"


# 06 shows its own bank next to the review; 00's bank is ungraded practice on how quizzes work.
OWN_BANK = "06_review"


# The pre- and post-test measure learning; practising their items would spoil the measure.
EXCLUDED_BANKS = frozenset({"00_start_here", OWN_BANK, "pretest", "posttest"})


def missed_questions(store: Any) -> list[tuple[str, str]]:
    """Return (bank, question_id) answered wrongly and never right, in first-miss order."""
    attempts = store.attempts()
    if len(attempts) == 0:
        return []
    order: dict[tuple[str, str], bool] = {}
    for bank, question_id, correct in attempts[["bank", "question_id", "correct"]].itertuples(
        index=False
    ):
        key = (str(bank), str(question_id))
        order[key] = order.get(key, False) or bool(correct)
    return [key for key, ever_right in order.items() if not ever_right]


class ReviewQuiz(Quiz):
    """A Quiz whose questions come from several banks; each answer is recorded under its bank."""

    def __init__(
        self,
        questions: list[tuple[str, Question]],
        *,
        missed: list[str],
        objectives: dict[str, str],
        seed: int,
        store: ProgressStoreLike,
        data_dir: Path,
        show: Callable[[Quiz], None] | None = None,
        on_answer: AnswerListener | None = None,
        rounds: RoundProvider | None = None,
    ) -> None:
        """Wrap (bank, question) pairs in a synthetic bank named 'review'."""
        again = f" ({len(missed)} missed before, asked again first)" if missed else ""
        bank = Bank(
            name=REVIEW_NAME,
            title=REVIEW_TITLE + again,
            notebook=f"{OWN_BANK}.ipynb",
            objectives=objectives,
            questions=tuple(question for _, question in questions),
        )
        super().__init__(bank, store, data_dir, show=show, on_answer=on_answer, rounds=rounds)
        self.home: dict[str, str] = {question.id: name for name, question in questions}
        self.missed: list[str] = list(missed)
        self.seed = seed

    def bank_of(self, question_id: str) -> str:
        """Return the name of the bank a question belongs to."""
        self.question(question_id)  # raises a helpful error for an unknown id
        return self.home[question_id]

    def done(self) -> set[str]:
        """Return the ids of the questions answered correctly, looked up in each own bank."""
        done: set[str] = set()
        for name in sorted(set(self.home.values())):
            ids = {qid for qid, home in self.home.items() if home == name}
            done |= set(self.store.correct_ids(name)) & ids
        return done

    def text(self) -> str:
        """Return the review as deterministic plain text, saying which questions are repeats."""
        body = super().text().splitlines()
        banks = sorted(set(self.home.values()))
        if self.missed:
            again = f"Asked again because you missed them before: {', '.join(self.missed)}"
        else:
            again = "No missed questions recorded yet: all are a sample from the course."
        how = (
            'To answer from code: q = review_quiz(), then q.answer("question-id", "B"); '
            "each answer is saved under the question's own bank."
        )
        body = [how if line.startswith("To answer from code:") else line for line in body]
        body[1:1] = [f"From {len(banks)} banks: {', '.join(banks)}", again]
        return "\n".join(body)


def review_quiz(
    size: int,
    seed: int,
    store: ProgressStoreLike,
    data_dir: Path,
    *,
    show: Callable[[Quiz], None] | None = None,
    on_answer: AnswerListener | None = None,
    rounds: RoundProvider | None = None,
) -> ReviewQuiz:
    """Return a review quiz of the teaching banks: missed questions first, then a seeded sample."""
    if size < 1:
        raise UsageError(
            f"review_quiz(size={size!r}): size is how many questions to ask; it must be 1 or more."
        )
    pool: list[tuple[str, Question]] = []
    objectives: dict[str, str] = {}
    for name in bank_names(data_dir):
        if name in EXCLUDED_BANKS:
            continue
        bank = load_bank(name, data_dir)
        pool += [(name, question) for question in bank.questions]
        for key, text in bank.objectives.items():
            objectives.setdefault(key, text)
    by_key = {(name, question.id): (name, question) for name, question in pool}
    first = [by_key[key] for key in missed_questions(store) if key in by_key][:size]
    chosen = {question.id for _, question in first}
    rest = [item for item in pool if item[1].id not in chosen]
    sample = random.Random(seed).sample(rest, min(size - len(first), len(rest)))
    return ReviewQuiz(
        first + sample,
        missed=[question.id for _, question in first],
        objectives=objectives,
        seed=seed,
        store=store,
        data_dir=data_dir,
        show=show,
        on_answer=on_answer,
        rounds=rounds,
    )
