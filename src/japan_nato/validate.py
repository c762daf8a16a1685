"""Check all course data at once: tables, question banks and exercises."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from japan_nato.dataset import all_fact_ids, data_problems
from japan_nato.errors import DataError, Problem


@dataclass(frozen=True)
class ValidationReport:
    """What validate_all found: every problem, and counts of what was checked."""

    problems: list[Problem]
    counts: dict[str, int] = field(default_factory=dict)
    lint: str = ""  # the bank lint's figures, a few lines (empty when the banks do not load)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    @property
    def summary(self) -> str:
        """One line: the counts when valid, else the number of problems."""
        counted = ", ".join(f"{n} {name}" for name, n in self.counts.items())
        if self.ok:
            return f"OK: {counted}"
        return f"{len(self.problems)} problem(s) found ({counted})"


def validate_all(data_dir: Path, *, execute: bool = True) -> ValidationReport:
    """Validate every data file, question bank and exercise; never raises DataError.

    execute=False skips running the exercises' solutions and wrong answers (they are code).
    """
    from japan_nato.exercises import exercise_ids, exercise_problems
    from japan_nato.quiz import all_bank_problems, bank_names, load_bank

    problems, counts = data_problems(data_dir)
    try:
        known = all_fact_ids(data_dir) if not problems else None
    except DataError:
        known = None
    bank_issues = all_bank_problems(data_dir, known_fact_ids=known)
    problems.extend(bank_issues)
    names = bank_names(data_dir)
    counts["banks"] = len(names)
    lint = ""
    if not bank_issues:
        counts["questions"] = sum(len(load_bank(name, data_dir).questions) for name in names)
        lint_issues, figures = _lint(data_dir)
        problems.extend(lint_issues)
        lint = figures
    exercise_issues = exercise_problems(data_dir, execute=execute)
    if problems:
        # A broken table makes every exercise that loads it fail too; name the table once.
        exercise_issues = [p for p in exercise_issues if p.cause != "data"]
    problems.extend(exercise_issues)
    if not exercise_issues:
        counts["exercises"] = len(exercise_ids(data_dir))
    return ValidationReport(problems, counts, lint)


def _lint(data_dir: Path) -> tuple[list[Problem], str]:
    """Lint the banks for answers guessable from their form, in the order options are shown."""
    from japan_nato.quiz.lint import lint_problems, load_banks
    from japan_nato.quiz.types.fields import option_order

    raw = load_banks(data_dir / "quizzes")
    banks = {f"quizzes/{name}": bank for name, bank in raw.items()}
    problems, figures = lint_problems(banks, order=option_order)
    return problems, figures.summary()
