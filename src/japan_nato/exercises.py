"""Code exercises in the learntools style: exercise(id).check(value), .hint(n), .solution()."""

from __future__ import annotations

import ast
import builtins
import functools
import html
import math
import numbers
import re
import textwrap
import tomllib
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from japan_nato import data
from japan_nato.errors import DataError, Problem
from japan_nato.paths import resolve_data_dir

EXERCISES_FILE = "exercises.toml"

_ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NOTEBOOK_PATTERN = re.compile(r"[0-9]{2}_[a-z0-9_]+\.ipynb")
_REQUIRED = ("id", "notebook", "prompt", "solution", "hints")
_OPTIONAL = ("setup", "compare", "wrong_answers")
_MAX_SHOWN = 5  # how many labels or items a message names before "and N more"


# --------------------------------------------------------------------------- feedback


_SYMBOLS: dict[bool | None, str] = {True: "✓", False: "✗", None: ""}
# The words and symbols carry the verdict; the border colour (Okabe-Ito) only repeats it.
_STATES: dict[bool | None, tuple[str, str]] = {
    True: ("correct", "#009E73"),
    False: ("not-yet", "#D55E00"),
    None: ("info", "#0072B2"),
}
_CODE_SPAN = re.compile(r"(`[^`\n]+`)")
_MARKDOWN_SPECIALS = re.compile(r"([\\*_\[\]#|~])")


@dataclass(frozen=True, repr=False)
class Feedback:
    """What check(), hint() and solution() return; renders itself as text, Markdown and HTML."""

    correct: bool | None
    title: str
    text: str = ""
    code: str = ""

    @property
    def heading(self) -> str:
        """The title, led by ✓ or ✗ when the feedback judges an answer."""
        symbol = _SYMBOLS.get(self.correct, "")
        return f"{symbol} {self.title}" if symbol else self.title

    def __str__(self) -> str:
        parts = [self.heading]
        if self.text:
            parts.append(self.text)
        if self.code:
            parts.append("\n".join("    " + line for line in self.code.splitlines()))
        return "\n".join(parts)

    # nbval compares text/plain, so the repr is the readable text: no addresses, no ids.
    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        parts = [f"**{_markdown_inline(self.heading)}**"]
        for block in _blocks(self.text):
            if block[0] == "list":
                parts.append("\n".join(f"- {_markdown_inline(item)}" for item in block[1]))
            else:
                parts.append(_markdown_inline(" ".join(block[1])))
        if self.code:
            fence = "`" * max(3, _longest_backtick_run(self.code) + 1)
            parts.append(f"{fence}python\n{self.code}\n{fence}")
        return "\n\n".join(parts)

    def _repr_html_(self) -> str:
        state, colour = _STATES.get(self.correct, _STATES[None])
        parts = [
            f'<div class="japan-nato-feedback japan-nato-feedback-{state}" role="status" '
            f'style="border-left: 4px solid {colour}; padding: 0.1em 0.8em;">',
            f"<p><strong>{_html_inline(self.heading)}</strong></p>",
        ]
        for block in _blocks(self.text):
            if block[0] == "list":
                items = "".join(f"<li>{_html_inline(item)}</li>" for item in block[1])
                parts.append(f"<ul>{items}</ul>")
            else:
                parts.append(f"<p>{_html_inline(' '.join(block[1]))}</p>")
        if self.code:
            parts.append(f"<pre><code>{html.escape(self.code)}</code></pre>")
        parts.append("</div>")
        return "".join(parts)


def _blocks(text: str) -> Iterator[tuple[str, list[str]]]:
    """Split text into paragraphs and bullet lists ("- " lines)."""
    kind, lines = "", []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            if lines:
                yield kind, lines
            kind, lines = "", []
            continue
        this = "list" if line.startswith("- ") else "para"
        if lines and this != kind:
            yield kind, lines
            lines = []
        kind = this
        lines.append(line[2:] if this == "list" else line)
    if lines:
        yield kind, lines


def _markdown_inline(text: str) -> str:
    out = []
    for piece in _CODE_SPAN.split(text):
        if _CODE_SPAN.fullmatch(piece):
            out.append(piece)
        else:
            out.append(_MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(piece, quote=False)))
    return "".join(out)


def _html_inline(text: str) -> str:
    out = []
    for piece in _CODE_SPAN.split(text):
        if _CODE_SPAN.fullmatch(piece):
            out.append(f"<code>{html.escape(piece[1:-1])}</code>")
        else:
            out.append(html.escape(piece))
    return "".join(out)


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


# --------------------------------------------------------------------------- exercises


@dataclass(frozen=True)
class Compare:
    """How an answer is compared with the expected value."""

    check_order: bool = True
    check_index: bool = False
    check_dtype: bool = False
    check_names: bool = True
    rtol: float = 1e-7


@dataclass(frozen=True, repr=False, eq=False)
class Exercise:
    """One pandas exercise: a prompt, a solution to compare with, graded hints."""

    id: str
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
        if problem is None:
            return Feedback(True, "Correct", f"{self.id}: your answer matches.")
        text = problem + "\n\nNeed a nudge? `.hint()` gives a hint."
        return Feedback(False, "Not yet", text)

    def hint(self, n: int = 1) -> Feedback:
        """Return hint n (1 = the gentlest); beyond the last, the last one with a note."""
        total = len(self.hints)
        if total == 0:
            return Feedback(None, "No hints", "This exercise has no hints; try `.solution()`.")
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
        return Feedback(None, f"Hint {shown} of {total}", text)

    def solution(self) -> Feedback:
        """Show a solution's code (not its result)."""
        setup = self.setup.strip()
        if setup and "\n" not in setup:
            text = f"One way to do it, after `{setup}`:"
        elif setup:
            text = "One way to do it, after the set-up code:"
        else:
            text = "One way to do it:"
        return Feedback(None, "Solution", text, self.solution_code.strip())

    def _usage(self) -> list[str]:
        hints = len(self.hints)
        return [
            "Check your answer:  .check(your_answer)",
            f"Need help?          .hint(), .hint(2), ... ({hints} hint{'' if hints == 1 else 's'})",
            "Stuck?              .solution()",
        ]

    def __repr__(self) -> str:
        head = f"Exercise {self.id} ({self.notebook})"
        prompt = textwrap.fill(" ".join(self.prompt.split()), width=88)
        return "\n".join([head, prompt, "", *self._usage()])

    def _repr_markdown_(self) -> str:
        return "\n\n".join(
            [
                f"**Exercise {_markdown_inline(self.id)}**",
                _markdown_inline(" ".join(self.prompt.split())),
                "Check your answer with `.check(your_answer)`; `.hint()` and `.hint(2)` help; "
                "`.solution()` shows one way.",
            ]
        )


def exercise(id: str, data_dir: str | Path | None = None) -> Exercise:
    """Return the exercise with this id from data/exercises.toml."""
    exercises = _catalogue(data_dir)
    try:
        return exercises[id]
    except (KeyError, TypeError):
        known = ", ".join(exercises) or "none"
        raise KeyError(f"no exercise {id!r} in {EXERCISES_FILE}; known ids: {known}") from None


def exercise_ids(data_dir: str | Path | None = None) -> list[str]:
    """Return the ids of all exercises, in file order."""
    return list(_catalogue(data_dir))


def exercise_problems(data_dir: str | Path | None = None) -> list[Problem]:
    """Validate exercises.toml: fields, unique ids, and that every solution runs and passes."""
    path = resolve_data_dir(data_dir) / EXERCISES_FILE
    exercises, problems = _parse_file(path, None if data_dir is None else path.parent)
    if problems:
        return problems
    for index, ex in enumerate(exercises):
        problems.extend(_solution_problems(ex, index))
    return problems


def _catalogue(data_dir: str | Path | None) -> dict[str, Exercise]:
    path = resolve_data_dir(data_dir) / EXERCISES_FILE
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = -1
    return _load_catalogue(str(path), stamp, data_dir is not None)


@functools.lru_cache(maxsize=16)
def _load_catalogue(path: str, stamp: int, own_data_dir: bool) -> dict[str, Exercise]:
    file = Path(path)
    exercises, problems = _parse_file(file, file.parent if own_data_dir else None)
    if problems:
        raise DataError(problems)
    return {ex.id: ex for ex in exercises}


# --------------------------------------------------------------------------- parsing


def _parse_file(path: Path, data_dir: Path | None) -> tuple[list[Exercise], list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
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
    problems: list[Problem] = []

    def problem(name: str, message: str) -> None:
        line = locate.field(index, name.split(".")[0])
        problems.append(Problem(EXERCISES_FILE, line, f"exercises[{index}].{name}", message))

    for key in entry:
        if key not in _REQUIRED and key not in _OPTIONAL:
            problem(key, f"unknown field (expected one of {', '.join(_REQUIRED + _OPTIONAL)})")
    for key in _REQUIRED:
        if key not in entry:
            problems.append(
                Problem(
                    EXERCISES_FILE,
                    locate.header(index),
                    f"exercises[{index}].{key}",
                    "required field is missing",
                )
            )
    for key in ("id", "notebook", "prompt", "solution", "setup"):
        if key in entry and not isinstance(entry[key], str):
            problem(key, "must be a string")
        elif key in entry and key != "setup" and not entry[key].strip():
            problem(key, "must not be empty")
    ex_id = entry.get("id")
    if isinstance(ex_id, str) and ex_id and not _ID_PATTERN.fullmatch(ex_id):
        problem("id", f"{ex_id!r} must be lower-case letters, digits and hyphens")
    notebook = entry.get("notebook")
    if isinstance(notebook, str) and notebook and not _NOTEBOOK_PATTERN.fullmatch(notebook):
        problem("notebook", f"{notebook!r} is not a notebook name like 01_reading_the_source.ipynb")
    hints = entry.get("hints")
    if "hints" in entry and (
        not isinstance(hints, list)
        or not hints
        or not all(isinstance(h, str) and h.strip() for h in hints)
    ):
        problem("hints", "must be a non-empty list of non-empty strings")
    for key in ("setup", "solution"):
        code = entry.get(key)
        if isinstance(code, str):
            try:
                ast.parse(code)
            except SyntaxError as exc:
                problem(key, f"is not valid Python: {exc.msg} (snippet line {exc.lineno})")
    answers = entry.get("wrong_answers", [])
    if not isinstance(answers, list) or not all(
        isinstance(a, dict)
        and isinstance(a.get("code"), str)
        and isinstance(a.get("says", ""), str)
        and set(a) <= {"code", "says"}
        for a in answers
    ):
        problem("wrong_answers", 'must be a list of { code = "...", says = "..." } tables')
    else:
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
    compare, compare_problems = _parse_compare(entry.get("compare", {}))
    for name, message in compare_problems:
        problem(name, message)
    if problems:
        return None, problems
    ex = Exercise(
        id=entry["id"],
        notebook=entry["notebook"],
        prompt=entry["prompt"],
        setup=entry.get("setup", ""),
        solution_code=entry["solution"],
        hints=tuple(entry["hints"]),
        wrong_answers=tuple(
            (answer["code"], answer.get("says", "")) for answer in entry.get("wrong_answers", [])
        ),
        compare=compare,
        data_dir=data_dir,
        line=locate.header(index),
        field_lines={
            "setup": locate.field(index, "setup"),
            "solution": locate.field(index, "solution"),
            **{
                f"wrong_answers[{k}]": locate.nth(index, "code", k)
                for k in range(len(entry.get("wrong_answers", [])))
            },
        },
    )
    return ex, []


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


# --------------------------------------------------------------------------- evaluation


def _namespace(data_dir: Path | None) -> dict[str, Any]:
    loaders: dict[str, Callable[..., Any]] = {
        name: getattr(data, name)
        for name in ("load_facts", "load_context", "load_timeline", "load_glossary", "load_article")
    }
    if data_dir is not None:
        loaders = {name: functools.partial(f, data_dir=data_dir) for name, f in loaders.items()}
    return {"__builtins__": builtins, "pd": pd, **loaders}


class _NoValue(Exception):
    """The solution snippet does not end with an expression."""


def _run_snippets(setup: str, solution: str, data_dir: Path | None) -> Any:
    namespace = _namespace(data_dir)
    exec(compile(setup, "<setup>", "exec"), namespace)  # noqa: S102 - our own data, not input
    tree = ast.parse(solution, "<solution>", "exec")
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        raise _NoValue("the solution's last line must be an expression that gives the answer")
    last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, "<solution>", "exec"), namespace)  # noqa: S102
    return eval(compile(last, "<solution>", "eval"), namespace)  # noqa: S307


def _failure(exc: BaseException) -> str:
    if isinstance(exc, _NoValue):
        return str(exc)
    return f"raised {type(exc).__name__}: {exc}"


def _solution_problems(ex: Exercise, index: int) -> list[Problem]:
    where = f"exercises[{index}]"
    line = ex.field_lines.get("solution", ex.line)

    def problem(message: str, column: str = "solution", at: int | None = line) -> Problem:
        return Problem(EXERCISES_FILE, at, f"{where}.{column}", f"{ex.id}: {message}")

    try:
        _run_snippets(ex.setup, "None", ex.data_dir)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a Problem
        return [problem(_failure(exc), "setup", ex.field_lines.get("setup", ex.line))]
    try:
        value = _run_snippets(ex.setup, ex.solution_code, ex.data_dir)
    except Exception as exc:  # noqa: BLE001
        return [problem(_failure(exc))]
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
            problems.append(problem(f"{code!r} {_failure(exc)}", column, at))
            continue
        if feedback.correct is not False:
            problems.append(problem(f"the wrong answer {code!r} passes the check", column, at))
        elif says and says not in str(feedback):
            problems.append(problem(f"the feedback on {code!r} does not say {says!r}", column, at))
    return problems


# --------------------------------------------------------------------------- comparison


def _compare(value: object, expected: object, opts: Compare) -> str | None:
    """Return None when value matches expected, else what differs (never the answer)."""
    if isinstance(expected, pd.DataFrame):
        return _compare_frame(value, expected, opts)
    if isinstance(expected, pd.Series):
        return _compare_series(value, expected, opts)
    if isinstance(expected, list | tuple):
        return _compare_sequence(value, expected, opts)
    if isinstance(expected, str):
        return _compare_text(value, expected)
    if _is_bool(expected):
        return _compare_bool(value, expected)
    if _is_number(expected):
        return _compare_number(value, expected, opts)
    return _compare_other(value, expected)


def _compare_frame(value: object, expected: pd.DataFrame, opts: Compare) -> str | None:
    if not isinstance(value, pd.DataFrame):
        return _wrong_type(value, expected)
    got_cols, exp_cols = list(value.columns), list(expected.columns)
    if len(set(map(_key, got_cols))) != len(got_cols):
        return "Your DataFrame has duplicate column names; give each column its own name."
    missing = [c for c in exp_cols if _key(c) not in set(map(_key, got_cols))]
    extra = [c for c in got_cols if _key(c) not in set(map(_key, exp_cols))]
    if missing or extra:
        lines = [f"Your DataFrame has {len(got_cols)} columns; expected {len(exp_cols)}."]
        if missing:
            lines.append(f"- missing {_plural(len(missing), 'column')}: {_names(missing)}")
        if extra:
            lines.append(f"- unexpected {_plural(len(extra), 'column')}: {_names(extra)}")
        return "\n".join(lines)
    if opts.check_order and list(map(_key, got_cols)) != list(map(_key, exp_cols)):
        return (
            "You have the right columns, in a different order. "
            f"Expected the order {_names(exp_cols)}."
        )
    by_key = {_key(c): c for c in got_cols}
    got = value[[by_key[_key(c)] for c in exp_cols]]
    got.columns = exp_cols
    return _compare_table(got, expected, opts, series=False)


def _compare_series(value: object, expected: pd.Series, opts: Compare) -> str | None:
    if not isinstance(value, pd.Series):
        return _wrong_type(value, expected)
    problem = _compare_table(
        value.to_frame(name="value"), expected.to_frame(name="value"), opts, series=True
    )
    renamed = opts.check_names and _key_or_repr(value.name) != _key_or_repr(expected.name)
    if problem is None and renamed:
        return (
            f"The values are right, but your Series is named {_show(value.name)}; "
            f"expected {_show(expected.name)}. `.rename(...)` changes a Series' name."
        )
    if problem is not None and renamed:
        problem += (
            f"\n\nYour Series is named {_show(value.name)}; expected {_show(expected.name)}. "
            "Did you pick the right column?"
        )
    if problem is not None and _is_mask(value) and not _is_mask(expected):
        problem += (
            "\n\nYour Series holds True/False: a mask. Use it to select rows, "
            "`df.loc[mask, 'column']`."
        )
    return problem


def _compare_table(
    got: pd.DataFrame, exp: pd.DataFrame, opts: Compare, *, series: bool
) -> str | None:
    noun = "value" if series else "row"
    if len(got) != len(exp):
        text = f"Expected {_plural(len(exp), noun)}, got {len(got)}."
        if len(got) == 0:
            text += " Nothing was kept: check the spelling and upper/lower case of your filter."
        elif not series and len(got) > len(exp):
            text += " Too many rows: is a condition of your filter missing?"
        elif not series:
            text += " Too few rows: check each condition and the values you compare with."
        if opts.check_index:
            detail = _label_difference(list(got.index), list(exp.index))
            if detail:
                text += "\n" + detail
        return text
    got_cols = [got.iloc[:, j].tolist() for j in range(got.shape[1])]
    exp_cols = [exp.iloc[:, j].tolist() for j in range(exp.shape[1])]
    names = [str(c) for c in exp.columns]
    if opts.check_index:
        problem = _compare_by_label(got, exp, got_cols, exp_cols, names, opts, series)
    else:
        problem = _compare_by_position(got_cols, exp_cols, names, opts, series)
    if problem is not None:
        return problem
    if opts.check_dtype:
        for name, g, e in zip(names, got.dtypes, exp.dtypes, strict=True):
            if str(g) != str(e):
                where = "Your values have" if series else f"Column {_show(name)} has"
                return f"{where} dtype {g}; expected {e}. `.astype(...)` converts."
    if opts.check_names and opts.check_index and list(got.index.names) != list(exp.index.names):
        return (
            f"The values are right, but the index is named {_names(list(got.index.names))}; "
            f"expected {_names(list(exp.index.names))}."
        )
    return None


def _compare_by_label(
    got: pd.DataFrame,
    exp: pd.DataFrame,
    got_cols: list[list[Any]],
    exp_cols: list[list[Any]],
    names: list[str],
    opts: Compare,
    series: bool,
) -> str | None:
    got_labels, exp_labels = list(got.index), list(exp.index)
    try:
        got_pos = {_key(label): i for i, label in enumerate(got_labels)}
        exp_keys = [_key(label) for label in exp_labels]
        unique = len(got_pos) == len(got_labels) and len(set(exp_keys)) == len(exp_keys)
    except TypeError:
        unique = False
    if not unique:
        # Duplicate or unhashable labels cannot be aligned: compare position by position.
        if [_key_or_repr(x) for x in got_labels] != [_key_or_repr(x) for x in exp_labels]:
            return "The index labels differ from the expected ones (compare your index)."
        return _compare_by_position(got_cols, exp_cols, names, opts, series)
    if set(got_pos) != set(exp_keys):
        return "The index labels differ.\n" + _label_difference(got_labels, exp_labels)
    order = [got_pos[k] for k in exp_keys]
    diffs = _differences([[col[i] for i in order] for col in got_cols], exp_cols, opts.rtol)
    if diffs:
        return _describe_differences(diffs, names, exp_labels, series, by_label=True)
    if opts.check_order:
        # Order is the sequence of values, so rows that tie may come in any order.
        if _differences(got_cols, exp_cols, opts.rtol):
            return (
                f"Your {'values' if series else 'rows'} are right but in a different order. "
                "Check how the prompt asks you to sort them."
            )
    return None


def _compare_by_position(
    got_cols: list[list[Any]],
    exp_cols: list[list[Any]],
    names: list[str],
    opts: Compare,
    series: bool,
) -> str | None:
    if not opts.check_order:
        got_cols, exp_cols = _sorted_rows(got_cols), _sorted_rows(exp_cols)
    diffs = _differences(got_cols, exp_cols, opts.rtol)
    if not diffs:
        return None
    if opts.check_order and not _differences(
        _sorted_rows(got_cols), _sorted_rows(exp_cols), opts.rtol
    ):
        return (
            f"Your {'values' if series else 'rows'} are right but in a different order. "
            "Check how the prompt asks you to sort them."
        )
    return _describe_differences(diffs, names, None if opts.check_order else [], series, False)


def _differences(
    got_cols: list[list[Any]], exp_cols: list[list[Any]], rtol: float
) -> dict[int, list[int]]:
    """Map column number -> row positions where the values differ."""
    out: dict[int, list[int]] = {}
    for j, (g, e) in enumerate(zip(got_cols, exp_cols, strict=True)):
        rows = [i for i, (a, b) in enumerate(zip(g, e, strict=True)) if not _same(a, b, rtol)]
        if rows:
            out[j] = rows
    return out


def _describe_differences(
    diffs: dict[int, list[int]],
    names: list[str],
    labels: list[Any] | None,
    series: bool,
    by_label: bool,
) -> str:
    lines = []
    for j, rows in diffs.items():
        count = _plural(len(rows), "value") + (" differs" if len(rows) == 1 else " differ")
        where = "" if series else f" in column {_show(names[j])}"
        if by_label and labels is not None:
            at = f": at {_names([labels[i] for i in rows])}"
        elif labels is None:
            positions = _names(rows, quote=False)
            at = f": at {'position' if len(rows) == 1 else 'positions'} {positions} (from 0)"
        else:
            at = ""
        lines.append(f"{count}{where}{at}.")
    if len(lines) == 1:
        return lines[0][0].upper() + lines[0][1:]
    return "Some values differ:\n" + "\n".join(f"- {line}" for line in lines)


def _sorted_rows(cols: list[list[Any]]) -> list[list[Any]]:
    if not cols:
        return cols
    rows = list(zip(*cols, strict=True))
    rows.sort(key=lambda row: tuple(_sort_key(v) for v in row))
    return [list(col) for col in zip(*rows, strict=True)] if rows else [[] for _ in cols]


def _label_difference(got: list[Any], exp: list[Any]) -> str:
    try:
        got_keys = {_key(x) for x in got}
        exp_keys = {_key(x) for x in exp}
    except TypeError:
        return ""
    # Sorted, so that the order of the expected labels (often the answer's ranking) stays hidden.
    missing = sorted((x for x in exp if _key(x) not in got_keys), key=_sort_key)
    extra = sorted((x for x in got if _key(x) not in exp_keys), key=_sort_key)
    lines = []
    if missing:
        lines.append(f"- missing {_plural(len(missing), 'label')}: {_names(missing)}")
    if extra:
        lines.append(f"- unexpected {_plural(len(extra), 'label')}: {_names(extra)}")
    return "\n".join(lines)


def _compare_sequence(
    value: object, expected: list[Any] | tuple[Any, ...], opts: Compare
) -> str | None:
    if not isinstance(value, list | tuple):
        return _wrong_type(value, expected)
    got, exp = list(value), list(expected)
    if len(got) != len(exp):
        return f"Expected {_plural(len(exp), 'item')}, got {len(got)}."
    if opts.check_order:
        wrong = [
            i for i, (a, b) in enumerate(zip(got, exp, strict=True)) if not _same(a, b, opts.rtol)
        ]
        if not wrong:
            return None
        if _multiset_equal(got, exp, opts.rtol):
            return "Your items are right but in a different order. Check how to sort them."
        noun = "item differs" if len(wrong) == 1 else "items differ"
        return f"{len(wrong)} {noun}: at {'position' if len(wrong) == 1 else 'positions'} " + (
            f"{_names(wrong, quote=False)} (from 0)."
        )
    unmatched = _unmatched(got, exp, opts.rtol)
    if not unmatched:
        return None
    verb = "is" if len(unmatched) == 1 else "are"
    return f"{_plural(len(unmatched), 'item')} of yours {verb} not expected: {_names(unmatched)}."


def _unmatched(got: list[Any], exp: list[Any], rtol: float) -> list[Any]:
    pool = list(exp)
    left = []
    for item in got:
        for i, candidate in enumerate(pool):
            if _same(item, candidate, rtol):
                del pool[i]
                break
        else:
            left.append(item)
    return left


def _multiset_equal(got: list[Any], exp: list[Any], rtol: float) -> bool:
    return not _unmatched(got, exp, rtol)


def _compare_text(value: object, expected: str) -> str | None:
    if not isinstance(value, str):
        return _wrong_type(value, expected)
    if value == expected:
        return None
    if " ".join(value.split()).casefold() == " ".join(expected.split()).casefold():
        return "Almost: check upper and lower case, and spaces."
    return f"Your text {_show(value)} is not the expected one."


def _compare_bool(value: object, expected: object) -> str | None:
    if not _is_bool(value):
        return _wrong_type(value, expected)
    return None if bool(value) == bool(expected) else "That is not the right answer."


def _compare_number(value: object, expected: object, opts: Compare) -> str | None:
    if _is_bool(value) or not _is_number(value):
        return _wrong_type(value, expected)
    if _same(value, expected, opts.rtol):
        if opts.check_dtype and _is_integer(expected) and not _is_integer(value):
            return "Right value, but expected a whole number (an int), not a float."
        return None
    if _is_missing(value):
        return "Your number is missing (NaN): check what you computed."
    direction = "larger" if float(value) > float(expected) else "smaller"  # type: ignore[arg-type]
    return f"Your number, {_show(value)}, is not the expected one: it is {direction}."


def _compare_other(value: object, expected: object) -> str | None:
    if type(value) is not type(expected) and not isinstance(value, type(expected)):
        return _wrong_type(value, expected)
    return None if _same(value, expected, 0.0) else "Your value is not the expected one."


# --------------------------------------------------------------------------- describing values


def _wrong_type(value: object, expected: object) -> str:
    text = f"Expected {_kind(expected)}, got {_kind(value)}."
    tip = _type_tip(value, expected)
    return f"{text} {tip}" if tip else text


def _kind(obj: object) -> str:
    if obj is None:
        return "None"
    if isinstance(obj, pd.DataFrame):
        return "a pandas DataFrame"
    if isinstance(obj, pd.Series):
        return "a pandas Series"
    if isinstance(obj, pd.Index):
        return "a pandas Index"
    if isinstance(obj, np.ndarray):
        return "a NumPy array"
    if _is_bool(obj):
        return "a boolean (True or False)"
    if _is_number(obj):
        return "a number"
    if isinstance(obj, str):
        return "a string"
    if isinstance(obj, list | tuple):
        return "a list"
    if isinstance(obj, dict):
        return "a dict"
    if isinstance(obj, set | frozenset):
        return "a set"
    if isinstance(obj, Iterator):
        return "a generator (or other one-shot iterator)"
    if callable(obj):
        return "a function"
    return f"a {type(obj).__name__} object"


def _type_tip(value: object, expected: object) -> str:
    if value is None:
        return (
            "Pass the result itself: assignments, print() and methods called with "
            "inplace=True give None."
        )
    if isinstance(value, Iterator):
        return "Turn it into a list with `list(...)`, or keep the pandas object."
    if callable(value) and not isinstance(value, pd.DataFrame | pd.Series):
        return "Did you forget the brackets? Call the method: `value_counts()`, not `value_counts`."
    if isinstance(expected, pd.DataFrame) and isinstance(value, pd.Series) and _is_mask(value):
        return "That is a True/False mask: put it in square brackets to keep rows, `df[mask]`."
    if isinstance(expected, pd.DataFrame) and isinstance(value, pd.Series):
        return (
            "Double brackets `df[['col']]` keep a DataFrame; `.reset_index()` turns a "
            "counted Series into a table."
        )
    if isinstance(expected, pd.Series) and isinstance(value, pd.DataFrame):
        if value.shape[1] == 1:
            return "Your DataFrame has one column; single brackets `df['col']` give a Series."
        return "Select one column with single brackets, `df['col']`, to get a Series."
    if isinstance(expected, pd.Series) and isinstance(value, list | tuple | np.ndarray | pd.Index):
        return "`.tolist()`, `.unique()` and `list(...)` drop the index; keep the pandas Series."
    if isinstance(expected, list | tuple) and isinstance(value, pd.Series | pd.Index | np.ndarray):
        return "Turn it into a plain list with `.tolist()`."
    if _is_number(expected) and isinstance(value, str):
        return "A number has no quotes."
    if _is_number(expected) and isinstance(value, pd.Series | pd.DataFrame | list | tuple):
        size = len(value)
        if size == 1:
            return "It holds one value; take it out with `.iloc[0]` or `.item()`."
        return "Count or pick a single number, e.g. with `len(...)` or `.sum()`."
    return ""


def _show(value: object, limit: int = 40) -> str:
    """A short, safe rendering of a learner's value for a message."""
    try:
        text = repr(value.item() if isinstance(value, np.generic) else value)
    except Exception:  # noqa: BLE001 - a learner's __repr__ may fail
        text = f"<{type(value).__name__}>"
    text = text.replace("`", "'").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _names(values: list[Any], quote: bool = True) -> str:
    shown = [_show(v) if quote else str(v) for v in values[:_MAX_SHOWN]]
    rest = len(values) - len(shown)
    if rest > 0:
        return ", ".join(shown) + f" and {rest} more"
    if len(shown) > 1:
        return ", ".join(shown[:-1]) + " and " + shown[-1]
    return shown[0] if shown else ""


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


# --------------------------------------------------------------------------- values


def _is_bool(x: object) -> bool:
    return isinstance(x, bool | np.bool_)


def _is_number(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool | np.bool_)


def _is_integer(x: object) -> bool:
    return isinstance(x, numbers.Integral)


def _is_mask(series: pd.Series) -> bool:
    return pd.api.types.is_bool_dtype(series.dtype)


def _is_missing(x: object) -> bool:
    if x is None or x is pd.NA or x is pd.NaT:
        return True
    try:
        return bool(pd.api.types.is_scalar(x) and pd.isna(x))
    except (TypeError, ValueError):
        return False


def _same(a: object, b: object, rtol: float) -> bool:
    a_missing, b_missing = _is_missing(a), _is_missing(b)
    if a_missing or b_missing:
        return a_missing and b_missing
    if _is_number(a) and _is_number(b):
        try:
            return math.isclose(float(a), float(b), rel_tol=rtol, abs_tol=1e-12)  # type: ignore[arg-type]
        except (OverflowError, TypeError, ValueError):
            return False
    if _is_number(a) != _is_number(b) and not (_is_bool(a) or _is_bool(b)):
        return False
    try:
        result = a == b
        return bool(result) if isinstance(result, bool | np.bool_) else False
    except Exception:  # noqa: BLE001 - a learner's __eq__ may fail
        return False


def _key(x: object) -> object:
    """A hashable key that treats numpy scalars like Python ones."""
    if isinstance(x, np.generic):
        x = x.item()
    hash(x)
    return x


def _key_or_repr(x: object) -> object:
    try:
        return _key(x)
    except TypeError:
        return _show(x, 200)


def _sort_key(x: object) -> tuple[int, float, str]:
    if _is_missing(x):
        return (1, 0.0, "")
    if _is_number(x):
        try:
            return (0, float(x), "")  # type: ignore[arg-type]
        except (OverflowError, TypeError, ValueError):
            pass
    return (2, 0.0, _show(x, 200))
