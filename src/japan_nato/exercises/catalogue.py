"""exercises.toml -> Exercise values, with every problem located by line."""

from __future__ import annotations

import ast
import functools
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from japan_nato.errors import DataError, Problem, UnknownId
from japan_nato.exercises.compare import Compare
from japan_nato.exercises.model import EXERCISES_FILE, Exercise
from japan_nato.exercises.runner import (
    EXERCISE_TIMEOUT,
    _failure,
    _run_snippets,
    run_checks_in_child,
)

_ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


_NOTEBOOK_PATTERN = re.compile(r"[0-9]{2}_[a-z0-9_]+\.ipynb")


_REQUIRED = ("id", "title", "notebook", "prompt", "solution", "hints")


_OPTIONAL = ("setup", "compare", "wrong_answers")


def exercise(id: str, data_dir: Path) -> Exercise:
    """Return the exercise with this id from data/exercises.toml."""
    exercises = _catalogue(data_dir)
    try:
        return exercises[id]
    except (KeyError, TypeError):
        known = ", ".join(exercises) or "none"
        raise UnknownId(f"no exercise {id!r} in {EXERCISES_FILE}; known ids: {known}") from None


def exercise_ids(data_dir: Path) -> list[str]:
    """Return the ids of all exercises, in file order."""
    return list(_catalogue(data_dir))


def exercise_problems(
    data_dir: Path,
    *,
    execute: bool = True,
    timeout: float = EXERCISE_TIMEOUT,
) -> list[Problem]:
    """Validate exercises.toml: fields, unique ids, and (execute) that every solution passes.

    The solutions and wrong answers are code; they run in a child process, timeout seconds
    at most per exercise, so a loop cannot hang validation.
    """
    path = data_dir / EXERCISES_FILE
    exercises, problems = _parse_file(path, data_dir)
    if problems or not execute:
        return problems
    for index, found in run_checks_in_child(path, data_dir, len(exercises), _check_one, timeout):
        if found is None:
            ex = exercises[index]
            found = [
                Problem(
                    EXERCISES_FILE,
                    ex.field_lines.get("solution", ex.line),
                    f"exercises[{index}]",
                    f"{ex.id}: its code did not finish within the time limit of {timeout:g} s "
                    "(or stopped the process)",
                )
            ]
        problems.extend(found)
    return problems


def _check_one(path: Path, data_dir: Path | None, index: int) -> list[Problem]:
    """Check one exercise's solution and wrong answers (run in the validation child process)."""
    exercises, problems = _parse_file(path, data_dir)
    return problems or _solution_problems(exercises[index], index)


def _catalogue(data_dir: Path) -> dict[str, Exercise]:
    path = data_dir / EXERCISES_FILE
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = -1
    return _load_catalogue(data_dir, stamp)


@functools.lru_cache(maxsize=16)
def _load_catalogue(data_dir: Path, stamp: int) -> dict[str, Exercise]:
    exercises, problems = _parse_file(data_dir / EXERCISES_FILE, data_dir)
    if problems:
        raise DataError(problems)
    return {ex.id: ex for ex in exercises}


def _parse_file(path: Path, data_dir: Path | None) -> tuple[list[Exercise], list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM from a Windows editor is fine
    except FileNotFoundError:
        return [], [Problem(EXERCISES_FILE, None, "", "file not found")]
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(EXERCISES_FILE, None, "", f"cannot be read: {exc}")]
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        line = int(found.group(1)) if found else None
        return [], [Problem(EXERCISES_FILE, line, "", f"not valid TOML: {exc}")]
    return _parse_document(document, text, data_dir)


def _parse_document(
    document: dict[str, Any], text: str, data_dir: Path | None
) -> tuple[list[Exercise], list[Problem]]:
    problems: list[Problem] = []
    for key in document:
        if key != "exercises":
            problems.append(Problem(EXERCISES_FILE, None, key, "unknown top-level key"))
    entries = document.get("exercises", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problems.append(
            Problem(EXERCISES_FILE, None, "exercises", "must be an array of [[exercises]] tables")
        )
        return [], problems
    if not entries:
        problems.append(Problem(EXERCISES_FILE, None, "exercises", "no exercises defined"))
    locate = _Locator(text)
    exercises: list[Exercise] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        found = _parse_entry(index, entry, locate, data_dir)
        problems.extend(found[1])
        ex = found[0]
        if ex is None:
            continue
        if ex.id in seen:
            problems.append(
                Problem(
                    EXERCISES_FILE,
                    locate.field(index, "id"),
                    f"exercises[{index}].id",
                    f"duplicate id {ex.id!r} (first used by exercises[{seen[ex.id]}])",
                )
            )
            continue
        seen[ex.id] = index
        exercises.append(ex)
    return exercises, problems


def _parse_entry(
    index: int, entry: dict[str, Any], locate: _Locator, data_dir: Path | None
) -> tuple[Exercise | None, list[Problem]]:
    def at(name: str, message: str) -> Problem:
        line = locate.field(index, name.split(".")[0])
        return Problem(EXERCISES_FILE, line, f"exercises[{index}].{name}", message)

    known = ", ".join(_REQUIRED + _OPTIONAL)
    problems = [
        at(key, f"unknown field (expected one of {known})")
        for key in entry
        if key not in _REQUIRED and key not in _OPTIONAL
    ]
    header = locate.header(index)
    problems += [
        Problem(EXERCISES_FILE, header, f"exercises[{index}].{key}", "required field is missing")
        for key in _REQUIRED
        if key not in entry
    ]
    problems += [at(name, message) for name, message in _value_problems(entry)]
    problems += _wrong_answer_problems(index, entry, locate, at)
    compare, compare_problems = _parse_compare(entry.get("compare", {}))
    problems += [at(name, message) for name, message in compare_problems]
    if problems:
        return None, problems
    return _build(index, entry, locate, data_dir, compare), []


def _value_problems(entry: dict[str, Any]) -> list[tuple[str, str]]:
    """Return (field, message) for the text fields, the id, the notebook, hints and code."""
    problems: list[tuple[str, str]] = []
    for key in ("id", "title", "notebook", "prompt", "solution", "setup"):
        if key in entry and not isinstance(entry[key], str):
            problems.append((key, "must be a string"))
        elif key in entry and key != "setup" and not entry[key].strip():
            problems.append((key, "must not be empty"))
    ex_id = entry.get("id")
    if isinstance(ex_id, str) and ex_id and not _ID_PATTERN.fullmatch(ex_id):
        problems.append(("id", f"{ex_id!r} must be lower-case letters, digits and hyphens"))
    notebook = entry.get("notebook")
    if isinstance(notebook, str) and notebook and not _NOTEBOOK_PATTERN.fullmatch(notebook):
        problems.append(
            ("notebook", f"{notebook!r} is not a notebook name like 01_reading_the_source.ipynb")
        )
    hints = entry.get("hints")
    if "hints" in entry and (
        not isinstance(hints, list)
        or not hints
        or not all(isinstance(h, str) and h.strip() for h in hints)
    ):
        problems.append(("hints", "must be a non-empty list of non-empty strings"))
    for key in ("setup", "solution"):
        code = entry.get(key)
        if isinstance(code, str):
            try:
                ast.parse(code)
            except SyntaxError as exc:
                where = f"(snippet line {exc.lineno})"
                problems.append((key, f"is not valid Python: {exc.msg} {where}"))
    return problems


def _wrong_answer_problems(
    index: int, entry: dict[str, Any], locate: _Locator, at: Callable[[str, str], Problem]
) -> list[Problem]:
    """Check the wrong_answers list: its shape, and that each code snippet is Python."""
    answers = entry.get("wrong_answers", [])
    if not isinstance(answers, list) or not all(
        isinstance(a, dict)
        and isinstance(a.get("code"), str)
        and isinstance(a.get("says", ""), str)
        and set(a) <= {"code", "says"}
        for a in answers
    ):
        return [at("wrong_answers", 'must be a list of { code = "...", says = "..." } tables')]
    problems = []
    for k, answer in enumerate(answers):
        try:
            ast.parse(answer["code"])
        except SyntaxError as exc:
            problems.append(
                Problem(
                    EXERCISES_FILE,
                    locate.nth(index, "code", k),
                    f"exercises[{index}].wrong_answers[{k}].code",
                    f"is not valid Python: {exc.msg}",
                )
            )
    return problems


def _build(
    index: int, entry: dict[str, Any], locate: _Locator, data_dir: Path | None, compare: Compare
) -> Exercise:
    """Build the Exercise from an entry with no problems."""
    wrong = entry.get("wrong_answers", [])
    return Exercise(
        id=entry["id"],
        title=" ".join(entry["title"].split()),
        notebook=entry["notebook"],
        prompt=entry["prompt"],
        setup=entry.get("setup", ""),
        solution_code=entry["solution"],
        hints=tuple(entry["hints"]),
        wrong_answers=tuple((answer["code"], answer.get("says", "")) for answer in wrong),
        compare=compare,
        data_dir=data_dir,
        line=locate.header(index),
        field_lines={
            "setup": locate.field(index, "setup"),
            "solution": locate.field(index, "solution"),
            **{f"wrong_answers[{k}]": locate.nth(index, "code", k) for k in range(len(wrong))},
        },
    )


def _parse_compare(raw: object) -> tuple[Compare, list[tuple[str, str]]]:
    if not isinstance(raw, dict):
        return Compare(), [("compare", "must be a table, e.g. { check_order = false }")]
    problems: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    flags = ("check_order", "check_index", "check_dtype", "check_names")
    for key, value in raw.items():
        if key in flags:
            if isinstance(value, bool):
                values[key] = value
            else:
                problems.append((f"compare.{key}", "must be true or false"))
        elif key == "rtol":
            if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
                values[key] = float(value)
            else:
                problems.append(("compare.rtol", "must be a number >= 0"))
        else:
            problems.append((f"compare.{key}", "unknown compare option"))
    return Compare(**values), problems


class _Locator:
    """Find the line of an [[exercises]] table or of a field inside it."""

    _HEADER = re.compile(r"^\s*\[\[\s*exercises\s*\]\]")
    _TABLE = re.compile(r"^\s*\[")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers = [i for i, line in enumerate(self.lines) if self._HEADER.match(line)]

    def header(self, index: int) -> int | None:
        return self.headers[index] + 1 if index < len(self.headers) else None

    def field(self, index: int, name: str) -> int | None:
        key = re.compile(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=")
        found = self._find(index, key, 0)
        return found if found is not None else self.header(index)

    def nth(self, index: int, name: str, n: int) -> int | None:
        """The line of the n-th `name =` inside the table (e.g. in an array of inline tables)."""
        key = re.compile(rf"(?:^|[{{,])\s*[\"']?{re.escape(name)}[\"']?\s*=")
        found = self._find(index, key, n)
        return found if found is not None else self.field(index, "wrong_answers")

    def _find(self, index: int, key: re.Pattern[str], n: int) -> int | None:
        if index >= len(self.headers):
            return None
        seen = 0
        for i in range(self.headers[index] + 1, len(self.lines)):
            if self._TABLE.match(self.lines[i]):
                break
            if key.search(self.lines[i]):
                if seen == n:
                    return i + 1
                seen += 1
        return None


def _solution_problems(ex: Exercise, index: int) -> list[Problem]:
    where = f"exercises[{index}]"
    line = ex.field_lines.get("solution", ex.line)

    def problem(
        message: str, column: str = "solution", at: int | None = line, exc: object = None
    ) -> Problem:
        # A broken data table is the cause, not the exercise: validate names the table once.
        cause = "data" if isinstance(exc, DataError) else ""
        return Problem(EXERCISES_FILE, at, f"{where}.{column}", f"{ex.id}: {message}", cause)

    try:
        _run_snippets(ex.setup, "None", ex.data_dir)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a Problem
        return [problem(_failure(exc), "setup", ex.field_lines.get("setup", ex.line), exc)]
    try:
        value = _run_snippets(ex.setup, ex.solution_code, ex.data_dir)
    except Exception as exc:  # noqa: BLE001
        return [problem(_failure(exc), exc=exc)]
    if value is None:
        return [problem("gives None")]
    # check() evaluates the solution again: this also catches a solution that is not repeatable.
    if ex.check(value).correct is not True:
        return [problem("the solution does not pass its own check")]
    problems = []
    for k, (code, says) in enumerate(ex.wrong_answers):
        column, at = f"wrong_answers[{k}]", ex.field_lines.get(f"wrong_answers[{k}]", line)
        try:
            feedback = ex.check(_run_snippets(ex.setup, code, ex.data_dir))
        except Exception as exc:  # noqa: BLE001
            problems.append(problem(f"{code!r} {_failure(exc)}", column, at, exc))
            continue
        if feedback.correct is not False:
            problems.append(problem(f"the wrong answer {code!r} passes the check", column, at))
        elif says and says not in str(feedback):
            problems.append(problem(f"the feedback on {code!r} does not say {says!r}", column, at))
    return problems
