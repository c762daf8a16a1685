"""The terminal quiz: one question at a time, one typed line per answer."""

from __future__ import annotations

import re
import sys
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from japan_nato.quiz import Question, Quiz
from japan_nato.quiz.model import Question
from japan_nato.quiz.session import Quiz

_TOKENS = re.compile(r"[A-Za-z0-9]+(?:[\s,;]+[A-Za-z0-9]+)*")


def run_terminal_quiz(
    quiz: Quiz, stdin: IO[str] | None = None, stdout: IO[str] | None = None
) -> tuple[int, int]:
    """Ask every question, reading one answer per line; return (right this session, total)."""
    read = stdin if stdin is not None else sys.stdin
    out = stdout if stdout is not None else sys.stdout
    done_before = quiz.done()
    total = len(quiz.questions)
    right = 0
    print(f"Quiz: {quiz.title} ({quiz.name}), {total} questions", file=out)
    print("Type ? for a hint, an empty line to skip a question.", file=out)
    finished = True
    for number, question in enumerate(quiz.questions, start=1):
        print("", file=out)
        marker = " (already answered correctly)" if question.id in done_before else ""
        print(
            f"Question {number} of {total} [{question.id}] ({question.type_label}){marker}",
            file=out,
        )
        print(question.prompt, file=out)
        for line in question.display_lines():
            print(f"  {line}", file=out)
        print(terminal_help(question), file=out)
        outcome = _ask(quiz, question, read, out)
        if outcome is None:
            finished = False
            break
        right += outcome
    print("", file=out)
    if not finished:
        print("End of input: the quiz stopped here.", file=out)
    saved, _ = quiz.score()
    print(
        f"Score: {right} of {total} correct this time; {saved} of {total} in your progress.",
        file=out,
    )
    return right, total


def _ask(quiz: Quiz, question: Question, read: IO[str], out: IO[str]) -> int | None:
    """Ask until a well-formed answer or a skip; return 1 right, 0 not, None at end of input."""
    while True:
        print("> ", end="", file=out, flush=True)
        line = read.readline()
        if not line:
            print("", file=out)
            return None
        text = line.strip()
        if not _is_terminal(read):
            print(text, file=out)  # piped answers are echoed so the transcript reads well
        if not text:
            print("Skipped.", file=out)
            return 0
        if text == "?":
            print(f"Hint: {question.hint}" if question.hint else "No hint for this one.", file=out)
            continue
        result = quiz.answer(question.id, parse_terminal_answer(question, text))
        print(result.message, file=out)
        if result.valid:
            return int(result.correct)


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_help(question: Question) -> str:
    """Say how to type an answer to this question in the terminal."""
    from japan_nato.quiz import LETTERS, Matching, MultipleSelect, Ordering, SingleChoice

    if isinstance(question, SingleChoice):
        return f"Type a letter (A–{LETTERS[len(question.options) - 1]}) or the option's text."
    if isinstance(question, MultipleSelect):
        return "Type the letters of every right option, separated by commas, e.g. A, C."
    if isinstance(question, Ordering):
        # The display order is never the right order, so it is a safe example.
        shown = " ".join(LETTERS[: len(question.items)])
        numbers = " ".join(str(n) for n in range(1, len(question.items) + 1))
        return f"Type the letters first to last, e.g. {shown} (or numbers: {numbers})."
    if isinstance(question, Matching):
        example = ", ".join(f"{n}={LETTERS[n - 1]}" for n in range(1, len(question.pairs) + 1))
        return f"Type term number = definition letter for every term, e.g. {example}."
    return question.answer_help()


def parse_terminal_answer(question: Question, text: str) -> Any:
    """Turn a typed line into the answer form Question.check accepts."""
    from japan_nato.quiz import LETTERS, Matching, MultipleSelect, Ordering

    if isinstance(question, MultipleSelect | Ordering) and _TOKENS.fullmatch(text):
        tokens = re.split(r"[\s,;]+", text)
        if isinstance(question, Ordering) and all(t.isdigit() for t in tokens):
            count = len(question.items)
            tokens = [LETTERS[int(t) - 1] if 1 <= int(t) <= count else t for t in tokens]
        if all(len(token) == 1 for token in tokens):
            return tokens
    if isinstance(question, Matching):
        parts = [part for part in re.split(r"[,;]", text) if part.strip()]
        if parts and all(part.count("=") == 1 for part in parts):
            return dict(tuple(s.strip() for s in part.split("=")) for part in parts)
        if _TOKENS.fullmatch(text):
            return re.split(r"[\s,;]+", text)
    return text
