"""A quiz session: answer (check and record), score and the text version."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from japan_nato.errors import UnknownId

if TYPE_CHECKING:
    import pandas as pd
from japan_nato.quiz.bank import bank_names, load_bank
from japan_nato.quiz.model import Bank, ProgressStoreLike, Question, Result

# Told of every recorded answer (bank, question, raw answer, result); the room client is one.
AnswerListener = Callable[[str, Question, Any, Result], None]


class Quiz:
    """A bank ready to be answered, with progress kept in a store."""

    def __init__(
        self,
        bank: Bank,
        store: ProgressStoreLike,
        data_dir: str | Path | None = None,
        *,
        show: Callable[[Quiz], None] | None = None,
        on_answer: AnswerListener | None = None,
    ) -> None:
        """Wrap a bank; answers go to store, then to on_answer; show displays it."""
        self.bank = bank
        self.data_dir = data_dir
        self._store = store
        self._show = show
        self._on_answer = on_answer

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
        """The progress store the answers are recorded in."""
        return self._store

    def question(self, question_id: str) -> Question:
        """Return the question with this id; the error lists the valid ids."""
        for question in self.bank.questions:
            if question.id == question_id:
                return question
        valid = ", ".join(q.id for q in self.bank.questions)
        raise UnknownId(f"No question {question_id!r} in quiz {self.name!r}. Valid ids: {valid}")

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
                result.answer_text,
                result.correct,
                objective=question.objective,
                chosen_wrong=result.chosen_wrong,
            )
            if self._on_answer is not None:
                self._on_answer(self.bank_of(question_id), question, answer, result)
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
        """Display the quiz (as widgets when the public layer gave a way to show it)."""
        if self._show is None:
            print(self.text())
        else:
            self._show(self)

    def _ipython_display_(self) -> None:
        self.show()


def progress(store: ProgressStoreLike, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return one row per bank: bank, title, questions, attempted, correct."""
    import pandas as pd

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
