"""The terminal quiz: one question at a time, one typed line per answer."""

from __future__ import annotations

import re
import sys
import textwrap
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

from japan_nato.errors import ProgressError
from japan_nato.quiz import LETTERS, Question, Quiz
from japan_nato.quiz.answers import split_items

if TYPE_CHECKING:
    import pandas as pd

PRACTICE_BANKS = frozenset({"00_start_here"})

_TOKENS = re.compile(r"[A-Za-z0-9]+(?:[\s,;]+[A-Za-z0-9]+)*")


EVIDENCE_KEYS = frozenset({"!", "ev"})
"""What to type for the evidence behind a question ("e" alone would be the letter E)."""


def terminal_width(stream: IO[str] | None = None) -> int:
    """Return the width to wrap to: the terminal's, 80 when unknown, kept within 40..100."""
    import shutil

    columns = shutil.get_terminal_size((80, 24)).columns
    return max(40, min(columns, 100))


def wrap(text: str, width: int, indent: str = "", hang: str | None = None) -> str:
    """Wrap text to width, paragraph by paragraph, never breaking a word or a hyphenated one."""
    hang = indent if hang is None else hang
    paragraphs = [p for p in text.split("\n") if p.strip()] or [""]
    return "\n".join(
        textwrap.fill(
            " ".join(paragraph.split()),
            width,
            initial_indent=indent,
            subsequent_indent=hang,
            break_long_words=False,
            break_on_hyphens=False,
        )
        for paragraph in paragraphs
    )


def run_terminal_quiz(
    quiz: Quiz,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    *,
    width: int | None = None,
) -> tuple[int, int]:
    """Ask every question, reading one answer per line; return (right this session, total)."""
    read = stdin if stdin is not None else sys.stdin
    out = stdout if stdout is not None else sys.stdout
    columns = width if width is not None else terminal_width(out)
    done_before = quiz.done()
    total = len(quiz.questions)
    right = 0

    def say(text: str, indent: str = "", hang: str | None = None) -> None:
        print(wrap(text, columns, indent, hang), file=out)

    say(f"Quiz: {quiz.title} ({quiz.name}), {total} questions")
    say(
        "Type ? for a hint, ! for the evidence (the source text), an empty line to skip a question."
    )
    finished = True
    for number, question in enumerate(quiz.questions, start=1):
        print("", file=out)
        marker = " (already answered correctly)" if question.id in done_before else ""
        say(f"Question {number} of {total} ({question.type_label}){marker}")
        say(question.prompt)
        for line in question.display_lines():
            # "A. text" lines hang under their text, so a wrapped option still reads as one.
            lead = re.match(r"^(\S{1,3}[.)=] |\(.*\)$)", line)
            hang = "  " + " " * len(lead.group(0)) if lead and not line.startswith("(") else "  "
            say(line, indent="  ", hang=hang)
        say(terminal_help(question))
        outcome = _ask(quiz, question, read, out, say)
        if outcome is None:
            finished = False
            break
        right += outcome
    print("", file=out)
    if not finished:
        say("End of input: the quiz stopped here.")
    if quiz.mode == "exam":
        # The form is submitted at the end: now every answer's feedback is shown.
        graded = quiz.submit()
        right = sum(1 for result in graded.values() if result.correct)
        for number, question in enumerate(quiz.questions, start=1):
            if question.id in graded:
                say(f"{number}. [{question.id}] {graded[question.id].message}")
    saved, _ = quiz.score()
    say(f"Score: {right} of {total} correct this time; {saved} of {total} in your progress.")
    return right, total


def _ask(
    quiz: Quiz, question: Question, read: IO[str], out: IO[str], say: Callable[..., None]
) -> int | None:
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
            say("Skipped.")
            return 0
        if text == "?":
            say(f"Hint: {question.hint}" if question.hint else "No hint for this one.")
            continue
        if text.lower() in EVIDENCE_KEYS:
            say(_evidence_text(question, quiz), indent="  ", hang="  ")
            continue
        answer = parse_terminal_answer(question, text)
        try:
            result = quiz.answer(question.id, answer)
            unsaved = ""
        except ProgressError as err:
            # The store failed: the learner still gets the feedback, and the quiz carries on.
            result = question.check(answer)
            unsaved = f"(This answer was not saved: {err}.)"
        if not result.valid:
            # The how-to line was printed with the question: say only what was wrong.
            say(f"{result.reason} See how to answer above.")
            continue
        say(result.with_help(terminal_help(question)).message)
        if unsaved:
            say(unsaved)
        if quiz.can_retry(question.id):
            continue  # a first wrong try in practice: the learner tries again
        return int(result.correct)


def _evidence_text(question: Question, quiz: Quiz) -> str:
    """The evidence behind a question, as plain text."""
    from japan_nato.dataset import evidence

    if not question.fact_ids:
        return "No evidence is linked to this question."
    parts = []
    for fact_id in question.fact_ids:
        try:
            parts.append(str(evidence(fact_id, quiz.data_dir)))
        except Exception as exc:  # noqa: BLE001 - a broken link must not stop the quiz
            parts.append(f"[{fact_id}] (evidence not available: {exc})")
    return "\n".join(parts)


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
            count = len(getattr(question, "display_items", ()))
            tokens = [LETTERS[int(t) - 1] if 1 <= int(t) <= count else t for t in tokens]
        if all(len(token) == 1 for token in tokens):
            return tokens
    return text


def _pairs(question: Question, text: str) -> Any:
    """ "1=B, 2=A" becomes a dict term -> letter; "B A C" a list of letters in term order."""
    parts = [part for part in re.split(r"[,;]", text) if part.strip()]
    if parts and all(part.count("=") == 1 for part in parts):
        pairs = (part.split("=") for part in parts)
        return {term.strip(): letter.strip() for term, letter in pairs}
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
    # A Japanese IME types full-width letters, digits, "，", "＝" and "、": read them as ASCII.
    text = ",".join(split_items(text)).strip()
    return TERMINAL_PARSERS[question.type_name](question, text)


def progress_text(banks: pd.DataFrame, exercises: pd.DataFrame | None = None) -> str:
    """Return progress as a table within 80 columns: quizzes, then exercises; practice apart."""
    lines = ["  no  quiz                              right  of  done", "  " + "-" * 50]
    for row in banks.itertuples(index=False):
        number = str(row.bank)[:2]
        title = _clip(str(row.title), 32)
        done = "done" if row.questions and row.correct >= row.questions else ""
        if row.bank in PRACTICE_BANKS:
            done = "practice, not graded"
        lines.append(f"  {number:<3} {title:<32} {row.correct:>5}  {row.questions:>2}  {done}")
    if exercises is not None and len(exercises):
        lines += ["", "  no  exercise                          checked  right", "  " + "-" * 50]
        for row in exercises.itertuples(index=False):
            checked = "yes" if row.checked else "-"
            right = "yes" if row.correct else "-"
            title = _clip(str(row.title), 32)
            lines.append(f"  {str(row.notebook)[:2]:<3} {title:<32} {checked:>7}  {right:>5}")
    return "\n".join(line.rstrip() for line in lines)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
