"""Markdown answer key generated from the question banks."""

from __future__ import annotations

import re
from pathlib import Path

from japan_nato.quiz import (
    Bank,
    Question,
    bank_names,
    load_bank,
)

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def answer_key(data_dir: Path, bank: str | None = None) -> str:
    """Return the Markdown answer key of one bank, or of every bank when bank is None."""
    names = [bank] if bank is not None else bank_names(data_dir)
    lines = [
        "# Answer key",
        "",
        "For instructors. Generated from `data/quizzes/` by `japan-nato answer-key`; "
        "do not edit by hand. Letters are as learners see them.",
    ]
    for name in names:
        lines += ["", *_bank_lines(load_bank(name, data_dir))]
    return "\n".join(lines).rstrip() + "\n"


def _bank_lines(bank: Bank) -> list[str]:
    lines = [f"## {_md(bank.title)} (`{bank.name}`)", ""]
    if bank.notebook:
        lines += [f"Notebook: `{bank.notebook}`", ""]
    lines.append("Objectives:")
    lines += [f"- `{key}`: {_md(text)}" for key, text in bank.objectives.items()]
    for number, question in enumerate(bank.questions, start=1):
        lines += ["", *_question_lines(number, question)]
    return lines


def _question_lines(number: int, question: Question) -> list[str]:
    lines = [
        f"### {number}. `{question.id}` ({question.type_label})",
        "",
        _md(question.prompt),
        "",
    ]
    lines += [f"    {line}" for line in question.display_lines()]
    lines += [
        "",
        f"- **Answer:** {_md(question.correct_answer())}",
        f"- **Why:** {_md(question.explanation)}",
        f"- **Objective:** `{question.objective}`",
        f"- **Facts:** {', '.join(question.fact_ids)}",
    ]
    if question.hint:
        lines.append(f"- **Hint:** {_md(question.hint)}")
    feedback = _wrong_feedback(question)
    if feedback:
        lines.append("- **Feedback on wrong answers:**")
        lines += [f"  - {item}" for item in feedback]
    return lines


def _wrong_feedback(question: Question) -> list[str]:
    """Return what a learner is told for each wrong answer the bank names."""
    # Ordering and matching name none: the learner is told how many are in the right place.
    return [f"{_md(answer)}: {_md(text)}" for answer, text in question.wrong_answer_feedback()]


def _md(text: str) -> str:
    """Return text on one line with Markdown and HTML specials escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))
