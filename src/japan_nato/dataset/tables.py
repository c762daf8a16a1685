"""The course tables: the Table Schema subset, row checks, typed frames, loaders."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from japan_nato.dataset.article import _read_article
from japan_nato.dataset.paths import ID_FIELDS, SCHEMA_FILE, TABLES, _dir_stamp
from japan_nato.errors import DataError, Problem


@lru_cache(maxsize=32)
def _schema_cached(directory: Path, stamp: tuple[Any, ...]) -> dict[str, dict[str, Any]]:
    path = directory / SCHEMA_FILE
    try:
        package = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise DataError(Problem(SCHEMA_FILE, None, "-", "file not found")) from None
    except json.JSONDecodeError as exc:
        raise DataError(
            Problem(SCHEMA_FILE, exc.lineno, "-", f"not valid JSON: {exc.msg}")
        ) from None
    return {res["name"]: res for res in package.get("resources", [])}


def table_schema(name: str, data_dir: Path) -> dict[str, Any]:
    """Return the Table Schema of one table from datapackage.json."""
    directory = data_dir
    resources = _schema_cached(directory, _dir_stamp(directory))
    if name not in resources or "schema" not in resources[name]:
        raise DataError(Problem(SCHEMA_FILE, None, "resources", f"no table schema named {name!r}"))
    return resources[name]


def _decode(filename: str, data: bytes) -> str:
    """Return the file's text (a BOM is allowed), or raise DataError naming the bad line."""
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts the file with a BOM.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        try:
            data.decode("cp1252")
            hint = (
                'it looks saved as Windows-1252 (cp1252); save it again as "CSV UTF-8" '
                "(in Excel: Save As, CSV UTF-8)"
            )
        except UnicodeDecodeError:
            hint = "save it again as UTF-8 text"
        message = f"not valid UTF-8 (byte 0x{byte}): {hint}"
        raise DataError(Problem(filename, line, "-", message)) from None


def _header_problem(filename: str, header: list[str]) -> Problem | None:
    """Name a header that shows the whole file is in another shape, or None."""
    if len(header) == 1:
        for separator, word in ((";", "semicolons (;)"), ("\t", "tabs")):
            if separator in header[0]:
                return Problem(
                    filename,
                    1,
                    "-",
                    f"the columns are separated by {word}, not commas: save it again as "
                    "comma-separated CSV",
                )
    seen: set[str] = set()
    for column in header:
        if column in seen:
            return Problem(filename, 1, column, "this column appears twice in the header")
        seen.add(column)
    return None


def _read_rows(directory: Path, name: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Read a CSV as (header, [(line number, row)]); the header is line 1."""
    filename = f"{name}.csv"
    path = directory / filename
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError(Problem(filename, None, "-", "file not found")) from None
    except OSError as exc:
        raise DataError(Problem(filename, None, "-", f"cannot be read ({exc})")) from None
    text = _decode(filename, data)
    # strict: a quote that is never closed is an error at its row, not one huge cell.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        header = next(reader, None)
        if header is None:
            raise DataError(Problem(filename, 1, "-", "the file is empty (no header row)"))
        problem = _header_problem(filename, header)
        if problem is not None:
            raise DataError(problem)
        rows = []
        start = reader.line_num + 1
        for record in reader:
            if any(cell.strip() for cell in record):
                padded = record + [""] * (len(header) - len(record))
                row = dict(zip(header, padded, strict=False))
                if len(record) > len(header):
                    row["\0extra"] = str(len(record) - len(header))
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        message = (
            'a quote (") opened in this row is not closed where its cell ends '
            f"({exc}); quote a whole cell, and double a quote inside one"
        )
        raise DataError(Problem(filename, start, "-", message)) from None
    return header, rows


def _check_value(field: dict[str, Any], value: str) -> str | None:
    """Return what is wrong with one non-empty cell, or None."""
    constraints = field.get("constraints", {})
    kind = field.get("type", "string")
    if kind == "date":
        try:
            datetime.strptime(value, field.get("format", "%Y-%m-%d"))
        except ValueError:
            return f"{value!r} is not a date in the form YYYY-MM-DD"
    elif kind == "boolean":
        allowed = field.get("trueValues", ["true"]) + field.get("falseValues", ["false"])
        if value not in allowed:
            return f"{value!r} is not one of {', '.join(allowed)}"
    elif kind == "integer" and not re.fullmatch(r"-?\d+", value):
        return f"{value!r} is not a whole number"
    if "enum" in constraints and value not in constraints["enum"]:
        return f"{value!r} is not one of: {', '.join(constraints['enum'])}"
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], value):
        return f"{value!r} does not match the pattern {constraints['pattern']}"
    if "maxLength" in constraints and len(value) > constraints["maxLength"]:
        return f"is {len(value)} characters long; at most {constraints['maxLength']} allowed"
    return None


def _table_problems(
    directory: Path, name: str
) -> tuple[list[Problem], list[tuple[int, dict[str, Any]]]]:
    """Check one table against its schema; return its problems and its rows."""
    filename = f"{name}.csv"
    fields = table_schema(name, directory)["schema"]["fields"]
    header, rows = _read_rows(directory, name)
    problems: list[Problem] = []
    known = {f["name"] for f in fields}
    for column in [f["name"] for f in fields if f["name"] not in header]:
        problems.append(Problem(filename, 1, column, "required column is missing"))
    for column in header:
        if column not in known:
            problems.append(
                Problem(filename, 1, column, "unknown column (not in datapackage.json)")
            )
    if problems:
        return problems, rows
    seen: dict[str, dict[str, int]] = {f["name"]: {} for f in fields}
    for line, row in rows:
        if "\0extra" in row:
            extra = row["\0extra"]
            problems.append(Problem(filename, line, "-", f"{extra} more cells than columns"))
        for field in fields:
            column = field["name"]
            value = row[column].strip()
            constraints = field.get("constraints", {})
            if not value:
                if constraints.get("required"):
                    problems.append(Problem(filename, line, column, "is empty but required"))
                continue
            if value != row[column]:
                problems.append(Problem(filename, line, column, "has leading or trailing spaces"))
            error = _check_value(field, value)
            if error:
                problems.append(Problem(filename, line, column, error))
            if constraints.get("unique"):
                if value in seen[column]:
                    problems.append(
                        Problem(
                            filename, line, column, f"{value!r} repeats line {seen[column][value]}"
                        )
                    )
                else:
                    seen[column][value] = line
    return problems, rows


def _cross_problems(
    directory: Path, tables: dict[str, list[tuple[int, dict[str, Any]]]]
) -> list[Problem]:
    """Check what spans files: quotes in the article and references between tables."""
    problems: list[Problem] = []
    article = _read_article(directory)
    for line, row in tables.get("facts", []):
        quote = row.get("quote", "")
        if quote and quote not in article:
            problems.append(
                Problem("facts.csv", line, "quote", "not found verbatim in article.txt")
            )
    for name, rows in tables.items():
        for key in table_schema(name, directory)["schema"].get("foreignKeys", []):
            target = key["reference"]["resource"]
            if target not in tables:
                continue  # the target table is broken and named once; its ids are unknown
            target_field = key["reference"]["fields"][0]
            targets = {r.get(target_field, "").strip() for _, r in tables.get(target, [])}
            field = key["fields"][0]
            for line, row in rows:
                value = row.get(field, "").strip()
                if value and value not in targets:
                    problems.append(
                        Problem(
                            f"{name}.csv",
                            line,
                            field,
                            f"{value!r} is not a {target_field} in {target}.csv",
                        )
                    )
    for line, row in tables.get("context", []):
        if row.get("relation") in ("confirms", "corrects") and not row.get("fact_id", "").strip():
            problems.append(
                Problem(
                    "context.csv", line, "fact_id", f"is empty, but relation is {row['relation']!r}"
                )
            )
    return problems


@lru_cache(maxsize=64)
def _checked_cached(
    directory: Path, name: str, stamp: tuple[Any, ...]
) -> tuple[list[Problem], list[tuple[int, dict[str, Any]]]]:
    # A notebook's loaders and its banks' fact-id check each need a table's checked rows;
    # checking each file once per data state halves the first load. Callers never mutate.
    return _table_problems(directory, name)


def data_problems(
    data_dir: Path, *, stamp: tuple[Any, ...] | None = None
) -> tuple[list[Problem], dict[str, int]]:
    """Check every table and the links between them; return the problems and row counts.

    With stamp (the data folder's _dir_stamp), each table's own check is the cached one.
    """
    directory = data_dir
    problems: list[Problem] = []
    tables: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    counts: dict[str, int] = {}
    try:
        _read_article(directory)
        article_ok = True
    except DataError as err:
        problems.extend(err.problems)
        article_ok = False
    for name in TABLES:
        try:
            if stamp is None:
                table_problems, rows = _table_problems(directory, name)
            else:
                table_problems, rows = _checked_cached(directory, name, stamp)
        except DataError as err:
            problems.extend(err.problems)
            continue
        problems.extend(table_problems)
        counts[name] = len(rows)
        if any(p.line == 1 for p in table_problems):
            continue  # a broken header: its rows would only give follow-on errors
        tables[name] = rows
    if article_ok:
        problems.extend(_cross_problems(directory, tables))
    return problems, counts


def _frame(directory: Path, name: str, rows: list[tuple[int, dict[str, Any]]]) -> pd.DataFrame:
    """Build a typed DataFrame from validated rows, one typed column at a time."""
    fields = table_schema(name, directory)["schema"]["fields"]
    columns: dict[str, Any] = {}
    for field in fields:
        column, kind = field["name"], field.get("type", "string")
        values = [(row.get(column) or "").strip() or None for _, row in rows]
        if "enum" in field.get("constraints", {}):
            columns[column] = pd.Categorical(values, categories=field["constraints"]["enum"])
        elif kind == "date":
            columns[column] = pd.to_datetime(
                pd.Series(values, dtype=object), format=field.get("format", "%Y-%m-%d")
            )
        elif kind == "boolean":
            true = set(field.get("trueValues", ["true"]))
            columns[column] = pd.array([value in true for value in values], dtype=bool)
        elif kind == "integer":
            numbers = [None if value is None else int(value) for value in values]
            columns[column] = pd.array(numbers, dtype="Int64")
        else:
            columns[column] = pd.array(values, dtype="string")
    return pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))


def _valid_rows(
    directory: Path, name: str, stamp: tuple[Any, ...]
) -> list[tuple[int, dict[str, Any]]]:
    """Return a table's checked rows, or raise DataError with its own and cross-file problems."""
    problems, rows = _checked_cached(directory, name, stamp)
    if not problems:
        # Cross-file checks need every table; run them once per data directory state.
        problems = [p for p in _all_problems_cached(directory, stamp) if p.file == f"{name}.csv"]
    if problems:
        raise DataError(problems)
    return rows


@lru_cache(maxsize=64)
def _table_cached(directory: Path, name: str, stamp: tuple[Any, ...]) -> pd.DataFrame:
    return _frame(directory, name, _valid_rows(directory, name, stamp))


@lru_cache(maxsize=32)
def _all_problems_cached(directory: Path, stamp: tuple[Any, ...]) -> tuple[Problem, ...]:
    return tuple(data_problems(directory, stamp=stamp)[0])


def _load(name: str, data_dir: Path) -> pd.DataFrame:
    directory = data_dir
    return _table_cached(directory, name, _dir_stamp(directory)).copy()


def load_facts(data_dir: Path) -> pd.DataFrame:
    """Return the article's facts, one per row, each with its verbatim quote."""
    return _load("facts", data_dir)


def load_context(data_dir: Path) -> pd.DataFrame:
    """Return context facts from primary sources, with how each relates to the article."""
    return _load("context", data_dir)


def load_timeline(data_dir: Path) -> pd.DataFrame:
    """Return dated Japan-NATO milestones, with datetime dates."""
    return _load("timeline", data_dir)


def load_glossary(data_dir: Path) -> pd.DataFrame:
    """Return the course glossary."""
    return _load("glossary", data_dir)


_LOADERS = {
    "facts": load_facts,
    "context": load_context,
    "timeline": load_timeline,
    "glossary": load_glossary,
}


def all_fact_ids(data_dir: Path) -> set[str]:
    """Return every id a question may cite: facts, context, timeline and glossary ids."""
    directory = data_dir
    return set(_fact_ids_cached(directory, _dir_stamp(directory)))


@lru_cache(maxsize=32)
def _fact_ids_cached(directory: Path, stamp: tuple[Any, ...]) -> frozenset[str]:
    # Every bank loaded checks its fact ids against these, so they are read once per data
    # state, and from the checked rows: building four typed frames only to read one column
    # each was most of a notebook's first quiz() call.
    ids: set[str] = set()
    for name in _LOADERS:
        rows = _valid_rows(directory, name, stamp)
        ids.update(value for _, row in rows if (value := row[ID_FIELDS[name]].strip()))
    return frozenset(ids)
