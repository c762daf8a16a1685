"""Bank TOML files -> validated Bank values, with every problem located by line."""

from __future__ import annotations

import copy
import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from japan_nato.dataset.paths import _dir_stamp
from japan_nato.errors import DataError, Problem
from japan_nato.quiz.model import Bank
from japan_nato.quiz.types import QUESTION_TYPES

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


FACT_ID_PATTERN = re.compile(r"[ACGT][0-9]{2,}")


COMMON_FIELDS = (
    "id",
    "type",
    "prompt",
    "objective",
    "fact_ids",
    "explanation",
    "hint",
    "length_reason",  # why the key may be longer than its distractors (read by the bank lint)
)

# A bank's feedback mode; "vote" is not one: a peer-instruction round opens per question.
BANK_MODES = ("practice", "exam")


# A bank name is a file name in quizzes/, never a path: "../x" must not reach another folder.
BANK_NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


OBJECTIVE_FIELDS = ("id", "text")


def bank_names(data_dir: Path) -> list[str]:
    """Return the sorted names of the banks in data/quizzes/."""
    folder = data_dir / "quizzes"
    return sorted(path.stem for path in folder.glob("*.toml") if path.is_file())


def folder_problems(data_dir: Path) -> list[Problem]:
    """Return problems with the quizzes/ folder itself: missing, or files that are not banks."""
    folder = data_dir / "quizzes"
    if not folder.is_dir():
        return [Problem("quizzes/", None, "", "the quizzes/ folder is missing (no question banks)")]
    problems = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() == ".toml" and path.suffix != ".toml":
            problems.append(
                Problem(
                    f"quizzes/{path.name}",
                    None,
                    "",
                    "a bank file must end in .toml (lower case); this one is not read",
                )
            )
    return problems


def bank_path(name: object, data_dir: Path) -> Path:
    """Return the file of a bank inside quizzes/; raise DataError for a name that is a path."""
    if not isinstance(name, str) or not BANK_NAME_PATTERN.fullmatch(name):
        raise DataError(
            Problem(
                "quizzes/",
                None,
                "",
                f"{name!r} is not a bank name (letters, digits, _ and -, e.g. "
                "01_reading_the_source)",
            )
        )
    folder = data_dir / "quizzes"
    path = folder / f"{name}.toml"
    if path.resolve().parent != folder.resolve():
        raise DataError(Problem(f"quizzes/{name}.toml", None, "", "is outside the quizzes folder"))
    return path


def _table_lines(text: str, table: str) -> list[int]:
    """Return, per [[table]] entry, the line of its id (or of its header if it has none)."""
    lines: list[int] = []
    waiting = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if re.fullmatch(rf"\[\[\s*{table}\s*\]\]", stripped):
            lines.append(number)
            waiting = True
        elif stripped.startswith("["):
            waiting = False
        elif waiting and re.match(r"id\s*=", stripped):
            lines[-1] = number
            waiting = False
    return lines


def _first_line(text: str, pattern: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(pattern, line.strip()):
            return number
    return None


def _read_bank(name: str, data_dir: Path) -> tuple[str, dict[str, Any], list[Problem]]:
    """Read and parse a bank file; return its text, data and any read/syntax problem."""
    text, problems = _bank_text(name, data_dir)
    if problems:
        return "", {}, problems
    raw, problems = _parse_bank(name, text)
    return text, raw, problems


def _bank_text(name: str, data_dir: Path) -> tuple[str, list[Problem]]:
    """Read a bank file; return its text, or the problem that kept it from being read."""
    file = f"quizzes/{name}.toml"
    try:
        path = bank_path(name, data_dir)
    except DataError as err:
        return "", list(err.problems)
    if not path.is_file():
        known = ", ".join(bank_names(data_dir)) or "none"
        return "", [Problem(file, None, "", f"no such question bank (banks: {known})")]
    try:
        # utf-8-sig: an editor on Windows may save the file with a BOM.
        return path.read_text(encoding="utf-8-sig"), []
    except (OSError, UnicodeDecodeError) as err:
        return "", [Problem(file, None, "", f"cannot read the file: {err}")]


@lru_cache(maxsize=64)
def _toml_cached(text: str) -> dict[str, Any]:
    return tomllib.loads(text)


def parse_toml(text: str) -> dict[str, Any]:
    """Parse TOML text, each distinct text once per process; the caller gets its own copy."""
    # Checking the set-up read every bank three times (its problems, its Bank, the lint).
    return copy.deepcopy(_toml_cached(text))


def _parse_bank(name: str, text: str) -> tuple[dict[str, Any], list[Problem]]:
    """Parse a bank's TOML text; return its data, or the syntax problem with its line."""
    try:
        return parse_toml(text), []
    except tomllib.TOMLDecodeError as err:
        found = re.search(r"line (\d+)", str(err))
        line = int(found.group(1)) if found else None
        return {}, [Problem(f"quizzes/{name}.toml", line, "", f"TOML syntax error: {err}")]


def _question_problems(
    raw: Any, objectives: set[str], known_fact_ids: set[str] | None
) -> list[tuple[str, str]]:
    """Return (field, message) pairs for one question table."""
    if not isinstance(raw, dict):
        return [("", "must be a table")]
    problems: list[tuple[str, str]] = []
    qid = raw.get("id")
    if not isinstance(qid, str) or not ID_PATTERN.fullmatch(qid):
        problems.append(("id", "must be lowercase letters, digits and hyphens, e.g. src-date"))
    kind = raw.get("type")
    cls = QUESTION_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        known = ", ".join(QUESTION_TYPES)
        problems.append(("type", f"unknown type {kind!r}; known types: {known}"))
    for name in ("prompt", "explanation"):
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            problems.append((name, "must be a non-empty string"))
    for name in ("hint", "length_reason"):
        if not isinstance(raw.get(name, ""), str):
            problems.append((name, "must be a string"))
    objective = raw.get("objective")
    if not isinstance(objective, str):
        problems.append(
            ("objective", f"must be the id of an objective (a string), not {objective!r}")
        )
    elif objective not in objectives:
        listed = ", ".join(sorted(objectives)) or "none defined"
        problems.append(("objective", f"{objective!r} is not an objective of this bank ({listed})"))
    fact_ids = raw.get("fact_ids")
    if not isinstance(fact_ids, list) or not fact_ids:
        problems.append(("fact_ids", "must be a non-empty list of fact ids"))
    else:
        for fact_id in fact_ids:
            if not isinstance(fact_id, str) or not FACT_ID_PATTERN.fullmatch(fact_id):
                problems.append(("fact_ids", f"{fact_id!r} is not a fact id like A01 or C03"))
            elif known_fact_ids is not None and fact_id not in known_fact_ids:
                problems.append(("fact_ids", f"unknown fact id {fact_id}"))
    if cls is not None:
        unknown = sorted(set(raw) - set(COMMON_FIELDS) - set(cls.fields))
        if unknown:
            problems.append(("", f"unknown field(s) for {kind}: {', '.join(unknown)}"))
        problems += cls.field_problems(raw)
    return problems


def _bank_problems(
    name: str, text: str, raw: dict[str, Any], known_fact_ids: set[str] | None
) -> list[Problem]:
    file = f"quizzes/{name}.toml"
    problems = _header_problems(file, text, raw)
    objective_problems, objectives = _objective_problems(file, text, raw)
    problems += objective_problems
    questions = raw.get("questions")
    if not isinstance(questions, list) or not questions:
        problems.append(Problem(file, None, "questions", "at least one [[questions]] is needed"))
        return problems
    problems += _questions_problems(file, text, questions, set(objectives), known_fact_ids)
    assessed = {
        q.get("objective")
        for q in questions
        if isinstance(q, dict) and isinstance(q.get("objective"), str)
    }
    for index, (objective, line) in enumerate(objectives.items()):
        if objective not in assessed:
            problems.append(
                Problem(
                    file,
                    line,
                    f"objectives[{index}]",
                    f"objective {objective!r} is not assessed by any question",
                )
            )
    return problems


def _header_problems(file: str, text: str, raw: dict[str, Any]) -> list[Problem]:
    """Check the [bank] table and that there are no unknown tables."""
    problems: list[Problem] = []
    bank = raw.get("bank")
    bank_line = _first_line(text, r"\[\s*bank\s*\]")
    if not isinstance(bank, dict):
        problems.append(Problem(file, None, "bank", "missing [bank] table with a title"))
        bank = {}
    if not isinstance(bank.get("title"), str) or not bank["title"].strip():
        problems.append(Problem(file, bank_line, "bank.title", "must be a non-empty string"))
    if not isinstance(bank.get("notebook", ""), str):
        problems.append(Problem(file, bank_line, "bank.notebook", "must be a string"))
    mode = raw.get("mode", "practice")
    if mode not in BANK_MODES:
        why = " (vote is per round: the instructor opens it)" if mode == "vote" else ""
        line = _first_line(text, r"mode\s*=")
        known = " or ".join(repr(m) for m in BANK_MODES)
        problems.append(Problem(file, line, "mode", f"must be {known}, not {mode!r}{why}"))
    unknown = sorted(set(raw) - {"mode", "bank", "objectives", "questions"})
    if unknown:
        problems.append(Problem(file, None, "", f"unknown table(s): {', '.join(unknown)}"))
    return problems


def _objective_problems(
    file: str, text: str, raw: dict[str, Any]
) -> tuple[list[Problem], dict[str, int | None]]:
    """Check the [[objectives]]; return the problems and each valid objective id's line."""
    problems: list[Problem] = []
    objectives: dict[str, int | None] = {}
    raw_objectives = raw.get("objectives", [])
    if not isinstance(raw_objectives, list) or not raw_objectives:
        problems.append(Problem(file, None, "objectives", "at least one [[objectives]] is needed"))
        raw_objectives = []
    lines = _table_lines(text, "objectives")
    for index, item in enumerate(raw_objectives):
        column = f"objectives[{index}]"
        line = lines[index] if index < len(lines) else None
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) and item[k].strip() for k in ("id", "text")
        ):
            problems.append(Problem(file, line, column, "needs an id and a text"))
        elif item["id"] in objectives:
            problems.append(Problem(file, line, f"{column}.id", f"duplicate id {item['id']!r}"))
        else:
            objectives[item["id"]] = line
        if isinstance(item, dict):
            unknown = sorted(set(item) - set(OBJECTIVE_FIELDS))
            if unknown:
                problems.append(
                    Problem(
                        file,
                        line,
                        column,
                        f"unknown field(s) {', '.join(unknown)} (an objective has id and text)",
                    )
                )
    return problems, objectives


def _questions_problems(
    file: str,
    text: str,
    questions: list[Any],
    objectives: set[str],
    known_fact_ids: set[str] | None,
) -> list[Problem]:
    """Check every [[questions]] table, and that no id is used twice in the bank."""
    problems: list[Problem] = []
    lines = _table_lines(text, "questions")
    seen: dict[str, int] = {}
    for index, question in enumerate(questions):
        line = lines[index] if index < len(lines) else None
        qid = question.get("id") if isinstance(question, dict) else None
        label = f"question {qid!r}" if isinstance(qid, str) else f"question {index + 1}"
        for column, message in _question_problems(question, objectives, known_fact_ids):
            where = f"questions[{index}]" + (f".{column}" if column else "")
            problems.append(Problem(file, line, where, f"{label}: {message}"))
        if isinstance(qid, str):
            if qid in seen:
                also = f"{label}: duplicate id (also questions[{seen[qid]}])"
                problems.append(Problem(file, line, f"questions[{index}].id", also))
            seen.setdefault(qid, index)
    return problems


def bank_problems(
    name: str, data_dir: Path, known_fact_ids: set[str] | None = None
) -> list[Problem]:
    """Return every problem in one bank (fact ids are checked only when known_fact_ids is given)."""
    text, raw, problems = _read_bank(name, data_dir)
    if problems:
        return problems
    return _bank_problems(name, text, raw, known_fact_ids)


def all_bank_problems(data_dir: Path, known_fact_ids: set[str] | None = None) -> list[Problem]:
    """Return the problems of every bank, plus question ids repeated across banks."""
    problems: list[Problem] = folder_problems(data_dir)
    owners: dict[str, str] = {}
    for name in bank_names(data_dir):
        text, raw, read_problems = _read_bank(name, data_dir)
        if read_problems:
            problems += read_problems
            continue
        problems += _bank_problems(name, text, raw, known_fact_ids)
        questions = raw.get("questions")
        lines = _table_lines(text, "questions")
        for index, question in enumerate(questions if isinstance(questions, list) else []):
            qid = question.get("id") if isinstance(question, dict) else None
            if not isinstance(qid, str):
                continue
            if owners.get(qid, name) != name:
                problems.append(
                    Problem(
                        f"quizzes/{name}.toml",
                        lines[index] if index < len(lines) else None,
                        f"questions[{index}].id",
                        f"question {qid!r}: id already used in quizzes/{owners[qid]}.toml",
                    )
                )
            owners.setdefault(qid, name)
    return problems


def _known_fact_ids(data_dir: Path) -> set[str] | None:
    """Return all fact ids, or None when the fact tables cannot be loaded."""
    from japan_nato.dataset import all_fact_ids

    try:
        return all_fact_ids(data_dir)
    except DataError:
        # Broken fact tables are reported by their own loaders and by validate; the bank's
        # other checks still run.
        return None


def load_bank(name: str, data_dir: Path) -> Bank:
    """Load and validate a bank; raise DataError listing every problem.

    The file is read every time; it is parsed and checked again only when its text or the
    fact tables changed (a Bank is a frozen value, so callers can share one).
    """
    text, problems = _bank_text(name, data_dir)
    if problems:
        raise DataError(problems)
    return _built_bank(name, data_dir, text, _dir_stamp(data_dir))


@lru_cache(maxsize=64)
def _built_bank(name: str, data_dir: Path, text: str, stamp: tuple[Any, ...]) -> Bank:
    raw, problems = _parse_bank(name, text)
    if not problems:
        problems = _bank_problems(name, text, raw, _known_fact_ids(data_dir))
    if problems:
        raise DataError(problems)
    questions = []
    for item in raw["questions"]:
        common = {
            "id": item["id"],
            "prompt": item["prompt"],
            "objective": item["objective"],
            "fact_ids": tuple(item["fact_ids"]),
            "explanation": item["explanation"],
            "hint": item.get("hint", ""),
        }
        questions.append(QUESTION_TYPES[item["type"]].from_raw(common, item))
    return Bank(
        name=name,
        title=raw["bank"]["title"],
        notebook=raw["bank"].get("notebook", ""),
        objectives={o["id"]: o["text"] for o in raw["objectives"]},
        questions=tuple(questions),
        mode=raw.get("mode", "practice"),
    )
