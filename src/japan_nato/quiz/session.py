"""A quiz session: answer (check and record), score and the text version."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from japan_nato.errors import UnknownId
from japan_nato.feedback import Feedback

if TYPE_CHECKING:
    import pandas as pd
from japan_nato.quiz.bank import bank_names, load_bank
from japan_nato.quiz.model import Bank, ProgressStoreLike, Question, Result
from japan_nato.quiz.policy import (
    EXPLAIN_AFTER,
    OpenRound,
    RoundProvider,
    answer_feedback,
    no_round,
    shape,
    withheld,
)

# Told of every recorded answer (bank, question, raw answer, result); the room client is one.
AnswerListener = Callable[[str, Question, Any, Result], None]


class Quiz:
    """A bank ready to be answered, with progress kept in a store."""

    def __init__(
        self,
        bank: Bank,
        store: ProgressStoreLike,
        data_dir: Path,
        *,
        show: Callable[[Quiz], None] | None = None,
        on_answer: AnswerListener | None = None,
        rounds: RoundProvider | None = None,
    ) -> None:
        """Wrap a bank; answers go to store, then to on_answer; rounds says where a vote is open."""
        self.bank = bank
        self.data_dir = data_dir
        self._store = store
        self._show = show
        self._on_answer = on_answer
        self._rounds: RoundProvider = rounds if rounds is not None else no_round
        self._wrong_tries: dict[str, int] = {}
        self._graded: dict[str, Result] = {}  # the last full result per question, this session
        self.submitted = False

    @property
    def mode(self) -> str:
        """The bank's mode: "practice", or "exam" until the form is submitted."""
        if self.bank.mode == "exam" and not self.submitted:
            return "exam"
        return "practice"

    def round_for(self, question_id: str) -> OpenRound | None:
        """Return the peer-instruction round open on a question, if any."""
        return self._rounds(question_id, self.bank_of(question_id))

    def mode_for(self, question_id: str) -> str:
        """Return the mode an answer to this question gets now: practice, vote or exam."""
        if self.mode == "practice" and self.round_for(question_id) is not None:
            return "vote"
        return self.mode

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
        graded = question.check(answer)
        result = self._told(question_id, graded)
        if graded.valid:
            self.store.record(
                self.bank_of(question_id),
                question_id,
                result.answer_text,
                result.correct,
                objective=question.objective,
                chosen_wrong=result.chosen_wrong,
            )
            if self._on_answer is not None:
                self._on_answer(self.bank_of(question_id), question, answer, graded)
        return result

    def _told(self, question_id: str, graded: Result) -> Result:
        """Apply the feedback policy to a full result; count wrong tries."""
        if not graded.valid:
            return graded
        round_ = self.round_for(question_id) if self.mode == "practice" else None
        mode = "vote" if round_ is not None else self.mode
        self._graded[question_id] = graded
        if mode == "practice":
            tries = 0 if graded.correct else self._wrong_tries.get(question_id, 0) + 1
            self._wrong_tries[question_id] = tries
        return shape(graded, mode, self._wrong_tries.get(question_id, 0), round_)

    def can_retry(self, question_id: str) -> bool:
        """True after a first wrong try in practice mode: the learner should try again."""
        tries = self._wrong_tries.get(question_id, 0)
        return self.mode_for(question_id) == "practice" and 0 < tries < EXPLAIN_AFTER

    def reveal(self, question_id: str) -> Feedback:
        """Return the right answer and explanation ("Show answer"), unless the mode withholds it."""
        question = self.question(question_id)
        mode = self.mode_for(question_id)
        if mode != "practice":
            return withheld(mode)
        return answer_feedback(question)

    def answered(self) -> set[str]:
        """Return the ids of the questions given a valid answer in this session."""
        return set(self._graded)

    def submit(self) -> dict[str, Result]:
        """Submit the form: from now on all feedback shows; return each answer's full result."""
        self.submitted = True
        return {
            qid: self._graded[qid] for qid in (q.id for q in self.questions) if qid in self._graded
        }

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
            f"Score: {correct} of {total} correct"
            if self.mode != "exam"
            else "Exam mode: you see your score and the feedback when you submit the whole form "
            "(Submit answers, or q.submit() from code).",
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


def progress(store: ProgressStoreLike, data_dir: Path) -> pd.DataFrame:
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
