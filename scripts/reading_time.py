"""Estimate each notebook's time from its words, its quiz questions and its exercises.

The header of every notebook states the result on its `**Time:**` line; `--write` updates the
lines, `--check` changes nothing and exits 1 when a header disagrees (a test uses it), and with
no option the script prints a table.

The rates are for a self-paced learner who reads closely and opens the evidence:
- prose at 150 words a minute (markdown cells, link addresses and table rules not counted);
- each quiz question by its type (QUESTION_MINUTES), for the bank each `quiz("...")` cell shows,
  and REVIEW_MINUTES for each question a `review_quiz()` cell draws (its default size);
- EXERCISE_MINUTES for each `exercise("...")`.
Each part is rounded up to a whole minute and the total to the next 5 minutes.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
BANKS = REPO / "data" / "quizzes"
WORDS_PER_MINUTE = 150
QUESTION_MINUTES = {
    "true_false": 0.75,
    "single_choice": 1.0,
    "short_answer": 1.0,
    "multiple_select": 1.5,
    "ordering": 1.5,
    "matching": 2.0,
}
REVIEW_SIZE = 8  # review_quiz()'s default size
REVIEW_MINUTES = 1.25
EXERCISE_MINUTES = 6
SKIP_TAGS = {"navigation", "contents"}
TIME_LINE = re.compile(r"^\*\*Time:\*\* .*$", re.MULTILINE)


@dataclass(frozen=True)
class Estimate:
    """The time parts of one notebook, in minutes."""

    words: int
    reading: int
    questions: int
    quiz: int
    exercises: int
    practice: int

    @property
    def total(self) -> int:
        """The whole, rounded up to the next 5 minutes."""
        return 5 * math.ceil((self.reading + self.quiz + self.practice) / 5)

    def line(self) -> str:
        """The header's time line."""
        parts = [f"reading {self.reading}", f"quiz {self.quiz}"]
        if self.practice:
            parts.append(f"exercises {self.practice}")
        return f"**Time:** about {self.total} minutes ({', '.join(parts)})"


def prose_words(text: str) -> int:
    """Count the words a reader reads in a markdown cell."""
    text = re.sub(r"\]\([^)]*\)", "]", text)  # keep link text, drop the address
    text = re.sub(r"^\|?[\s|:-]+\|?$", "", text, flags=re.MULTILINE)  # table rules
    return len(re.findall(r"[\w’'-]+", text))


def _bank_minutes(name: str) -> tuple[int, float]:
    """Return the number of questions in a bank and the minutes they take."""
    bank = tomllib.loads((BANKS / f"{name}.toml").read_text(encoding="utf-8"))
    questions = bank.get("questions", [])
    return len(questions), sum(QUESTION_MINUTES[q["type"]] for q in questions)


def estimate(path: Path) -> Estimate:
    """Estimate one notebook's time."""
    notebook = nbformat.read(path, as_version=4)
    words, count, quiz, exercises = 0, 0, 0.0, 0
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            if index and not SKIP_TAGS & set(cell.metadata.get("tags", [])):
                words += prose_words(cell.source)
            continue
        for name in re.findall(r"\bquiz\(\s*[\"']([\w-]+)[\"']", cell.source):
            n, minutes = _bank_minutes(name)
            count, quiz = count + n, quiz + minutes
        if re.search(r"\breview_quiz\(", cell.source):
            count, quiz = count + REVIEW_SIZE, quiz + REVIEW_SIZE * REVIEW_MINUTES
        exercises += len(re.findall(r"\bexercise\(\s*[\"'][\w-]+[\"']", cell.source))
    return Estimate(
        words=words,
        reading=math.ceil(words / WORDS_PER_MINUTE),
        questions=count,
        quiz=math.ceil(quiz),
        exercises=exercises,
        practice=exercises * EXERCISE_MINUTES,
    )


def header_line(path: Path) -> str:
    """Return the time line a notebook's header states now."""
    notebook = nbformat.read(path, as_version=4)
    found = TIME_LINE.search(notebook.cells[0].source) if notebook.cells else None
    return found.group(0) if found else ""


def write(path: Path, line: str) -> bool:
    """Put the time line into the notebook's header; return True if it changed."""
    notebook = nbformat.read(path, as_version=4)
    header = notebook.cells[0]
    new = TIME_LINE.sub(line, header.source, count=1)
    if new == header.source:
        return False
    header.source = new
    nbformat.write(notebook, path)
    return True


def main(argv: list[str] | None = None) -> int:
    """Print, check or write the notebooks' time lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="exit 1 if a header disagrees")
    group.add_argument("--write", action="store_true", help="update the headers")
    args = parser.parse_args(argv)
    stale = []
    total = 0
    print(f"{'notebook':32} {'words':>6} {'questions':>9} {'exercises':>9}  time")
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        found = estimate(path)
        total += found.total
        print(
            f"{path.stem:32} {found.words:6} {found.questions:9} {found.exercises:9}  "
            f"{found.line().removeprefix('**Time:** ')}"
        )
        if header_line(path) != found.line():
            stale.append(path.name)
            if args.write:
                write(path, found.line())
    print(f"{'course':32} {'':6} {'':9} {'':9}  about {total} minutes")
    if args.check and stale:
        print(
            "Out of date: " + ", ".join(stale) + ". Run `python scripts/reading_time.py --write`."
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
