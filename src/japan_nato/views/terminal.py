"""The terminal quiz: one question at a time, one typed line per answer."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import IO, Any

from japan_nato.quiz import LETTERS, Question, Quiz

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
    if quiz.mode == "exam":
        # The form is submitted at the end: now every answer's feedback is shown.
        graded = quiz.submit()
        right = sum(1 for result in graded.values() if result.correct)
        for number, question in enumerate(quiz.questions, start=1):
            if question.id in graded:
                print(f"{number}. [{question.id}] {graded[question.id].message}", file=out)
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
        # An answer that is not well formed gets the terminal's help, not the help for code.
        print(result.with_help(terminal_help(question)).message, file=out)
        if result.valid and quiz.can_retry(question.id):
            continue  # a first wrong try in practice: the learner tries again
        if result.valid:
            return int(result.correct)


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_help(question: Question) -> str:
    """Say how to type an answer to this question in the terminal."""
    return question.terminal_help()


def _typed(question: Question, text: str) -> Any:
    """The line as typed: a letter, an option's text, a word or a number."""
    return text


def _letters(question: Question, text: str) -> Any:
    """Letters separated by commas or spaces ("A, C" or "A C") become a list."""
    if _TOKENS.fullmatch(text):
        tokens = re.split(r"[\s,;]+", text)
        if all(len(token) == 1 for token in tokens):
            return tokens
    return text


def _order(question: Question, text: str) -> Any:
    """Letters, or position numbers 1, 2, ..., first to last, become a list of letters."""
    if _TOKENS.fullmatch(text):
        tokens = re.split(r"[\s,;]+", text)
        if all(t.isdigit() for t in tokens):
            count = len(question.display_items)
            tokens = [LETTERS[int(t) - 1] if 1 <= int(t) <= count else t for t in tokens]
        if all(len(token) == 1 for token in tokens):
            return tokens
    return text


def _pairs(question: Question, text: str) -> Any:
    """ "1=B, 2=A" becomes a dict term -> letter; "B A C" a list of letters in term order."""
    parts = [part for part in re.split(r"[,;]", text) if part.strip()]
    if parts and all(part.count("=") == 1 for part in parts):
        return dict(tuple(s.strip() for s in part.split("=")) for part in parts)
    if _TOKENS.fullmatch(text):
        return re.split(r"[\s,;]+", text)
    return text


# The terminal parsers, keyed by type name: a typed line -> an answer Question.check accepts.
TERMINAL_PARSERS: dict[str, Callable[[Question, str], Any]] = {
    "single_choice": _typed,
    "multiple_select": _letters,
    "true_false": _typed,
    "ordering": _order,
    "matching": _pairs,
    "short_answer": _typed,
}


def parse_terminal_answer(question: Question, text: str) -> Any:
    """Turn a typed line into the answer form Question.check accepts."""
    return TERMINAL_PARSERS[question.type_name](question, text)
