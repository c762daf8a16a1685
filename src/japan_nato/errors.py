"""Exception types of the japan_nato package."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file, located by file, line and column."""

    file: str
    line: int | None
    column: str
    message: str
    # Why it happened, for code that sorts problems (e.g. "data": a broken data table made it
    # fail); not part of the message, and not compared.
    cause: str = field(default="", compare=False)

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.column}: {self.message}"


class JapanNatoError(Exception):
    """Base class of the package's own errors."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows these lines instead of a traceback: the message is the whole story,
        # and a learner should not have to dig it out of the package's internals.
        lines = str(self).splitlines() or [""]
        return [f"{type(self).__name__}: {lines[0]}", *lines[1:]]


class DataError(JapanNatoError, ValueError):
    """Course data that breaks its schema; lists every problem found."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ProgressError(JapanNatoError):
    """The progress store could not be read or written."""


class UnknownId(JapanNatoError, KeyError):
    """An exercise, fact or question id the course does not have; the message says which exist."""

    def __str__(self) -> str:
        # KeyError would show the message in quotes, as if it were the missing key.
        return str(self.args[0]) if self.args else ""


class InvalidAnswer(JapanNatoError, ValueError):
    """A learner's answer that is not well formed; the message says what was wrong with it."""


class UsageError(JapanNatoError, ValueError):
    """A call with an argument that cannot work, e.g. review_quiz(size=0)."""
