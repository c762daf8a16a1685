"""Load and validate the course data: the article, its facts, context, timeline and glossary."""

from __future__ import annotations

import csv
import html
import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import pandas as pd

from japan_nato.errors import DataError, Problem
from japan_nato.paths import resolve_data_dir

ARTICLE_FILE = "article.txt"
SCHEMA_FILE = "datapackage.json"
TABLES = ("facts", "context", "timeline", "glossary")
ID_FIELDS = {
    "facts": "fact_id",
    "context": "context_id",
    "timeline": "event_id",
    "glossary": "term_id",
}

# A sentence ends at . ? ! (and a closing quote) before white space, or at a line break that
# starts a new capitalised line: the article wraps some sentences across lines and has a heading.
_SENTENCE_END = re.compile(r"[.?!][”’\"]?(?=\s)|\n(?=[A-Z0-9“\"])")


@dataclass(frozen=True)
class Sentence:
    """One sentence of the article with its character offsets."""

    index: int
    text: str
    start: int
    end: int


@dataclass(frozen=True, repr=False)
class Evidence:
    """The text that supports a fact: an article sentence or a primary-source excerpt."""

    fact_id: str
    statement: str
    text: str
    start: int
    end: int
    source_name: str
    source_url: str

    @property
    def quote(self) -> str:
        """The supporting span inside `text`."""
        return self.text[self.start : self.end]

    def html(self) -> str:
        """Return escaped HTML with the supporting span marked."""
        before, quote, after = (
            html.escape(self.text[: self.start]),
            html.escape(self.quote),
            html.escape(self.text[self.end :]),
        )
        url = html.escape(self.source_url, quote=True)
        return (
            f'<div class="jn-evidence"><p><strong>{html.escape(self.fact_id)}</strong>: '
            f"{html.escape(self.statement)}</p>"
            f"<blockquote>{before}<mark>{quote}</mark>{after}</blockquote>"
            f'<p>Source: <a href="{url}" target="_blank" rel="noopener" '
            'style="text-decoration: underline">'
            f"{html.escape(self.source_name)}</a></p></div>"
        )

    def _repr_html_(self) -> str:
        return self.html()

    def __str__(self) -> str:
        marked = f"{self.text[: self.start]}[{self.quote}]{self.text[self.end :]}"
        source = f"Source: {self.source_name} <{self.source_url}>"
        return f"{self.fact_id}: {self.statement}\n  > {marked}\n  {source}"

    def __repr__(self) -> str:
        return str(self)


def _dir_stamp(directory: Path) -> tuple[tuple[str, int], ...]:
    """Return the names and modification times of the data files, to key the cache."""
    names = [ARTICLE_FILE, SCHEMA_FILE, *(f"{t}.csv" for t in TABLES)]
    stamp = []
    for name in names:
        try:
            stamp.append((name, (directory / name).stat().st_mtime_ns))
        except OSError:
            stamp.append((name, -1))
    return tuple(stamp)


def _read_article(directory: Path) -> str:
    """Read article.txt or raise DataError naming the file."""
    path = directory / ARTICLE_FILE
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(
            Problem(ARTICLE_FILE, None, "-", f"file not found in {directory.name}/")
        ) from None
    except UnicodeDecodeError as exc:
        raise DataError(
            Problem(ARTICLE_FILE, None, "-", f"not valid UTF-8 ({exc.reason})")
        ) from None


@lru_cache(maxsize=32)
def _article_cached(directory: Path, stamp: tuple) -> str:
    return _read_article(directory)


def load_article(data_dir: str | Path | None = None) -> str:
    """Return the article text exactly as published."""
    directory = resolve_data_dir(data_dir)
    return _article_cached(directory, _dir_stamp(directory))


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences with their offsets."""
    sentences: list[Sentence] = []
    pos = 0
    bounds = [m.end() if m.group() != "\n" else m.start() for m in _SENTENCE_END.finditer(text)]
    for end in [*bounds, len(text)]:
        chunk = text[pos:end]
        stripped = chunk.strip()
        if stripped:
            start = pos + (len(chunk) - len(chunk.lstrip()))
            sentences.append(Sentence(len(sentences), stripped, start, start + len(stripped)))
        pos = end
    return sentences


def article_sentences(data_dir: str | Path | None = None) -> list[Sentence]:
    """Return the article's sentences with their offsets."""
    return split_sentences(load_article(data_dir))


@lru_cache(maxsize=32)
def _schema_cached(directory: Path, stamp: tuple) -> dict[str, dict]:
    path = directory / SCHEMA_FILE
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(Problem(SCHEMA_FILE, None, "-", "file not found")) from None
    except json.JSONDecodeError as exc:
        raise DataError(
            Problem(SCHEMA_FILE, exc.lineno, "-", f"not valid JSON: {exc.msg}")
        ) from None
    return {res["name"]: res for res in package.get("resources", [])}


def table_schema(name: str, data_dir: str | Path | None = None) -> dict:
    """Return the Table Schema of one table from datapackage.json."""
    directory = resolve_data_dir(data_dir)
    resources = _schema_cached(directory, _dir_stamp(directory))
    if name not in resources or "schema" not in resources[name]:
        raise DataError(Problem(SCHEMA_FILE, None, "resources", f"no table schema named {name!r}"))
    return resources[name]


def _read_rows(directory: Path, name: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Read a CSV as (header, [(line number, row)]); the header is line 1."""
    filename = f"{name}.csv"
    path = directory / filename
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise DataError(Problem(filename, 1, "-", "the file is empty (no header row)"))
            rows = []
            line = reader.line_num + 1
            for record in reader:
                if any(cell.strip() for cell in record):
                    padded = record + [""] * (len(header) - len(record))
                    row = dict(zip(header, padded, strict=False))
                    if len(record) > len(header):
                        row["\0extra"] = str(len(record) - len(header))
                    rows.append((line, row))
                line = reader.line_num + 1
    except FileNotFoundError:
        raise DataError(Problem(filename, None, "-", "file not found")) from None
    except UnicodeDecodeError as exc:
        raise DataError(Problem(filename, None, "-", f"not valid UTF-8 ({exc.reason})")) from None
    except csv.Error as exc:
        raise DataError(Problem(filename, None, "-", f"not a valid CSV file: {exc}")) from None
    return header, rows


def _check_value(field: dict, value: str) -> str | None:
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


def _table_problems(directory: Path, name: str) -> tuple[list[Problem], list[tuple[int, dict]]]:
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


def _cross_problems(directory: Path, tables: dict[str, list[tuple[int, dict]]]) -> list[Problem]:
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


def data_problems(data_dir: str | Path | None = None) -> tuple[list[Problem], dict[str, int]]:
    """Check every table and the links between them; return the problems and row counts."""
    directory = resolve_data_dir(data_dir)
    problems: list[Problem] = []
    tables: dict[str, list[tuple[int, dict]]] = {}
    counts: dict[str, int] = {}
    try:
        _read_article(directory)
        article_ok = True
    except DataError as err:
        problems.extend(err.problems)
        article_ok = False
    for name in TABLES:
        try:
            table_problems, rows = _table_problems(directory, name)
        except DataError as err:
            problems.extend(err.problems)
            continue
        problems.extend(table_problems)
        tables[name] = rows
        counts[name] = len(rows)
    if article_ok:
        problems.extend(_cross_problems(directory, tables))
    return problems, counts


def _frame(directory: Path, name: str, rows: list[tuple[int, dict]]) -> pd.DataFrame:
    """Build a typed DataFrame from validated rows."""
    fields = table_schema(name, directory)["schema"]["fields"]
    frame = pd.DataFrame([row for _, row in rows], columns=[f["name"] for f in fields])
    for field in fields:
        column, kind = field["name"], field.get("type", "string")
        values = frame[column].str.strip().replace("", pd.NA)
        if "enum" in field.get("constraints", {}):
            frame[column] = pd.Categorical(values, categories=field["constraints"]["enum"])
        elif kind == "date":
            frame[column] = pd.to_datetime(values, format=field.get("format", "%Y-%m-%d"))
        elif kind == "boolean":
            frame[column] = values.isin(field.get("trueValues", ["true"])).astype(bool)
        elif kind == "integer":
            frame[column] = values.astype("Int64")
        else:
            frame[column] = values.astype("string")
    return frame


@lru_cache(maxsize=64)
def _table_cached(directory: Path, name: str, stamp: tuple) -> pd.DataFrame:
    problems, rows = _table_problems(directory, name)
    if not problems:
        # Cross-file checks need every table; run them once per data directory state.
        problems = [p for p in _all_problems_cached(directory, stamp) if p.file == f"{name}.csv"]
    if problems:
        raise DataError(problems)
    return _frame(directory, name, rows)


@lru_cache(maxsize=32)
def _all_problems_cached(directory: Path, stamp: tuple) -> tuple[Problem, ...]:
    return tuple(data_problems(directory)[0])


def _load(name: str, data_dir: str | Path | None) -> pd.DataFrame:
    directory = resolve_data_dir(data_dir)
    return _table_cached(directory, name, _dir_stamp(directory)).copy()


def load_facts(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the article's facts, one per row, each with its verbatim quote."""
    return _load("facts", data_dir)


def load_context(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return context facts from primary sources, with how each relates to the article."""
    return _load("context", data_dir)


def load_timeline(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return dated Japan-NATO milestones, with datetime dates."""
    return _load("timeline", data_dir)


def load_glossary(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the course glossary."""
    return _load("glossary", data_dir)


_LOADERS = {
    "facts": load_facts,
    "context": load_context,
    "timeline": load_timeline,
    "glossary": load_glossary,
}


def all_fact_ids(data_dir: str | Path | None = None) -> set[str]:
    """Return every id a question may cite: facts, context, timeline and glossary ids."""
    ids: set[str] = set()
    for name, loader in _LOADERS.items():
        ids.update(loader(data_dir)[ID_FIELDS[name]].dropna())
    return ids


def evidence(fact_id: str, data_dir: str | Path | None = None) -> Evidence:
    """Return the article sentence(s) or source excerpt that support a fact id."""
    fact_id = str(fact_id).strip()
    if fact_id.startswith("A"):
        facts = load_facts(data_dir).set_index("fact_id")
        if fact_id in facts.index:
            row = facts.loc[fact_id]
            article = load_article(data_dir)
            start = article.index(row["quote"])
            end = start + len(row["quote"])
            inside = [s for s in split_sentences(article) if s.start < end and s.end > start]
            first, last = inside[0].start, inside[-1].end
            return Evidence(
                fact_id,
                row["statement"],
                article[first:last],
                start - first,
                end - first,
                "The Diplomatic Insight, Madrid, 5 July 2022 (the article)",
                "https://thediplomaticinsight.com/japanese-prime-minister-meets-natos-secretary-general/",
            )
    for name, statement_column in (
        ("context", "claim"),
        ("timeline", "description"),
        ("glossary", "definition"),
    ):
        table = _LOADERS[name](data_dir).set_index(ID_FIELDS[name])
        if fact_id in table.index:
            row = table.loc[fact_id]
            excerpt = row["excerpt"]
            return Evidence(
                fact_id,
                row[statement_column],
                excerpt,
                0,
                len(excerpt),
                row["source_name"],
                row["source_url"],
            )
    raise KeyError(f"no fact, context, timeline or glossary entry with id {fact_id!r}")
