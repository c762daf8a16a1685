"""Exercise: a task with check / hint / solution, each returning Feedback."""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from japan_nato.errors import DataError, Problem
from japan_nato.exercises.compare import Compare, _compare
from japan_nato.exercises.runner import _failure, _run_snippets
from japan_nato.feedback import Feedback, _markdown_inline


@dataclass(frozen=True, repr=False, eq=False)
class Exercise:
    """One pandas exercise: a prompt, a solution to compare with, graded hints."""

    id: str
    title: str
    notebook: str
    prompt: str
    setup: str
    solution_code: str
    hints: tuple[str, ...]
    compare: Compare
    data_dir: Path | None = None
    wrong_answers: tuple[tuple[str, str], ...] = ()  # (code, words its feedback must contain)
    line: int | None = None  # of its [[exercises]] header, for error messages
    field_lines: Mapping[str, int | None] = field(default_factory=dict, repr=False)
    # Told (exercise, answer, correct) after each check of a real answer; api.py records it.
    on_check: Callable[[Exercise, object, bool], None] | None = field(default=None, compare=False)

    def with_listener(self, on_check: Callable[[Exercise, object, bool], None]) -> Exercise:
        """Return this exercise, telling on_check about every checked answer."""
        copy = replace(self, on_check=on_check)
        if "_expected" in self.__dict__:  # keep the solution already run
            copy.__dict__["_expected"] = self.__dict__["_expected"]
        return copy

    @cached_property
    def _expected(self) -> Any:
        try:
            return _run_snippets(self.setup, self.solution_code, self.data_dir)
        except Exception as exc:
            line = self.field_lines.get("solution", self.line)
            problem = Problem(EXERCISES_FILE, line, "solution", f"{self.id}: {_failure(exc)}")
            raise DataError(problem) from exc

    def check(self, value: object) -> Feedback:
        """Compare a learner's answer with the expected value and say what differs."""
        if value is None:
            # The answer cell still holds its placeholder: nothing to judge yet.
            return Feedback(
                None,
                f"No answer yet — {self.title}",
                "Replace `None` in the answer cell with your code, run that cell, "
                "then run this one again. (If your code is there, it gave None: pass the "
                "result itself, since assignments, print() and methods called with "
                "inplace=True give None.)",
            )
        expected = self._expected
        try:
            with warnings.catch_warnings():
                # A learner's odd object must not print warnings into the notebook.
                warnings.simplefilter("ignore")
                problem = _compare(value, expected, self.compare)
        except Exception as exc:  # noqa: BLE001 - learner objects can fail in any way
            problem = (
                f"Your answer could not be compared ({type(exc).__name__}). "
                "Give a plain pandas DataFrame, Series, list or value."
            )
        if self.on_check is not None:
            self.on_check(self, value, problem is None)
        if problem is None:
            return Feedback(True, f"Correct — {self.title}", "Your answer matches.")
        text = problem + "\n\nNeed a nudge? `.hint()` gives a hint."
        return Feedback(False, f"Not yet — {self.title}", text)

    def hint(self, n: int = 1) -> Feedback:
        """Return hint n (1 = the gentlest); beyond the last, the last one with a note."""
        total = len(self.hints)
        if total == 0:
            return Feedback(
                None, f"No hints — {self.title}", "This exercise has no hints; try `.solution()`."
            )
        try:
            wanted = int(n)
        except (TypeError, ValueError, OverflowError):
            wanted = 1
        shown = min(max(wanted, 1), total)
        text = self.hints[shown - 1]
        if wanted > total:
            text += (
                f"\n\n(There {'is' if total == 1 else 'are'} only {total} "
                f"hint{'' if total == 1 else 's'}; this is the last. `.solution()` shows one.)"
            )
        elif shown < total:
            text += f"\n\nMore help: `.hint({shown + 1})`."
        else:
            text += "\n\nStill stuck? `.solution()` shows one way."
        return Feedback(None, f"Hint {shown} of {total} — {self.title}", text)

    def solution(self) -> Feedback:
        """Show a solution's code (not its result)."""
        setup = self.setup.strip()
        if setup and "\n" not in setup:
            text = f"One way to do it, after `{setup}`:"
        elif setup:
            text = "One way to do it, after the set-up code:"
        else:
            text = "One way to do it:"
        return Feedback(None, f"Solution — {self.title}", text, self.solution_code.strip())

    def _hint_calls(self) -> str:
        """Name the hint calls that exist: `.hint()`, `.hint(2)`, ... up to the real number."""
        calls = [".hint()"] + [f".hint({n})" for n in range(2, len(self.hints) + 1)]
        return ", ".join(f"`{call}`" for call in calls)

    def _usage(self) -> list[str]:
        hints = len(self.hints)
        calls = self._hint_calls().replace("`", "")
        return [
            "Check your answer:  .check(your_answer)",
            f"Need help?          {calls} ({hints} hint{'' if hints == 1 else 's'})",
            "Stuck?              .solution()",
        ]

    def __repr__(self) -> str:
        head = f"Exercise: {self.title}"
        prompt = textwrap.fill(" ".join(self.prompt.split()), width=88)
        return "\n".join([head, prompt, "", *self._usage()])

    def _repr_markdown_(self) -> str:
        hints = len(self.hints)
        return "\n\n".join(
            [
                f"**Exercise: {_markdown_inline(self.title)}**",
                _markdown_inline(" ".join(self.prompt.split())),
                f"Check your answer with `.check(your_answer)`; {self._hint_calls()} "
                f"give {'the' if hints == 1 else 'its'} {hints} hint{'' if hints == 1 else 's'}; "
                "`.solution()` shows one way.",
            ]
        )


EXERCISES_FILE = "exercises.toml"
