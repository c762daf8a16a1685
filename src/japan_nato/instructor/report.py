"""Instructor report: combine learners' progress exports into per-question results."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from japan_nato.errors import DataError, Problem
from japan_nato.instructor.text_table import bullet, format_table, safe_text
from japan_nato.progress.export import OPTIONAL_COLUMNS, REQUIRED_COLUMNS

_TRUE = {"true", "1", "yes", "t"}
_FALSE = {"false", "0", "no", "f"}


def _learner_key(name: str) -> str:
    """The learner's name for grouping: spaces trimmed and collapsed, case folded."""
    return " ".join(name.split()).casefold()


# Practice questions (notebook 00) and pandas exercises are reported apart, never graded.
PRACTICE_BANKS = frozenset({"00_start_here"})
EXERCISES_BANK = "exercises"
# Account names many learners share: an export under one of them may merge several people.
GENERIC_NAMES = frozenset(
    {
        "admin",
        "administrator",
        "guest",
        "jovyan",
        "jupyter",
        "learner",
        "nobody",
        "root",
        "student",
        "ubuntu",
        "user",
        "vagrant",
        "web_user",
        "your name",
        "www-data",
    }
)


@dataclass(frozen=True)
class Report:
    """The tables of an instructor report."""

    learners: int
    answers: int
    per_question: pd.DataFrame
    most_missed: pd.DataFrame
    misconceptions: pd.DataFrame
    mastery: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    # Said FIRST: names that may merge several learners (generic account names, one name in
    # several files).
    name_warnings: list[str] = field(default_factory=list)
    practice: pd.DataFrame = field(default_factory=pd.DataFrame)  # notebook 00, not graded
    exercises: pd.DataFrame = field(default_factory=pd.DataFrame)  # pandas exercises


def load_exports(paths: Iterable[str | Path]) -> pd.DataFrame:
    """Read and combine progress exports (CSV, plus a source column); DataError names bad files."""
    frames: list[pd.DataFrame] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        frame, found = _read_export(path)
        problems.extend(found)
        if frame is not None:
            frame["source"] = str(path)
            frames.append(frame)
    if problems:
        raise DataError(problems)
    if not frames:
        raise DataError(Problem("(command line)", None, "FILE", "no export files given"))
    combined = pd.concat(frames, ignore_index=True)
    # "Aiko" and "aiko " are one learner: every spelling becomes the first one seen.
    tidy = combined["learner"].map(lambda name: " ".join(name.split()))
    first: dict[str, str] = {}
    for name in tidy:
        first.setdefault(_learner_key(name), name)
    combined["learner"] = tidy.map(lambda name: first[_learner_key(name)])
    # The same export handed in twice must not count twice.
    key = ["learner", "bank", "question_id", "answer", "correct", "answered_at"]
    return combined.drop_duplicates(subset=key, keep="first").reset_index(drop=True)


def _read_export(path: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    name = str(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(name, None, "", "file not found")]
    except IsADirectoryError:
        return None, [Problem(name, None, "", "is a folder, not a CSV file")]
    except UnicodeDecodeError:
        return None, [Problem(name, None, "", "not a CSV export (not UTF-8 text)")]
    except pd.errors.EmptyDataError:
        return None, [Problem(name, None, "", "empty file, not a CSV export")]
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        return None, [Problem(name, None, "", f"not a readable CSV export ({exc})")]
    except OSError as exc:
        return None, [Problem(name, None, "", f"cannot read it ({exc.strerror or exc})")]
    missing = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    if missing:
        return None, [
            Problem(
                name,
                1,
                "header",
                f"missing column(s) {', '.join(missing)}: not a japan_nato progress export "
                "(make one with `japan-nato progress export FILE.csv`)",
            )
        ]
    for column, default in OPTIONAL_COLUMNS.items():
        if column not in frame.columns:
            frame[column] = default
    problems: list[Problem] = []
    correct: list[bool] = []
    wrong: list[tuple[str, ...]] = []
    for offset, (flag, chosen, learner) in enumerate(
        zip(frame["correct"], frame["chosen_wrong"], frame["learner"], strict=True)
    ):
        line = offset + 2  # the header is line 1
        value = flag.strip().lower()
        if value not in _TRUE | _FALSE:
            problems.append(Problem(name, line, "correct", f"expected True or False, got {flag!r}"))
        correct.append(value in _TRUE)
        parsed = _parse_chosen(chosen)
        if parsed is None:
            problems.append(
                Problem(
                    name, line, "chosen_wrong", f"expected a JSON list of texts, got {chosen!r}"
                )
            )
        wrong.append(parsed or ())
        if not learner.strip():
            problems.append(Problem(name, line, "learner", "empty learner name"))
    for column in ("bank", "question_id"):
        for offset in frame.index[frame[column].str.strip() == ""]:
            problems.append(Problem(name, int(offset) + 2, column, "empty"))
    if problems:
        return None, problems
    columns = ["learner", "bank", "question_id", "objective", "answer", "answered_at"]
    result = frame[columns].copy()
    result["correct"] = correct
    result["chosen_wrong"] = wrong
    return result, []


def _parse_chosen(text: str) -> tuple[str, ...] | None:
    if not text.strip():
        return ()
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return tuple(value)


def build_report(
    df: pd.DataFrame,
    banks: Sequence[str] | None = None,
    *,
    top: int = 10,
    questions: pd.DataFrame | None = None,
) -> Report:
    """Summarise combined exports: per question, most missed, misconceptions, mastery."""
    data = df if banks is None else df[df["bank"].isin(list(banks))]
    unknown_note: list[str] = []
    if questions is not None:
        # Exports from an older course version may name questions that no longer exist.
        known = set(zip(questions["bank"], questions["question_id"], strict=True))
        keys = list(zip(data["bank"], data["question_id"], strict=True))
        # Exercises are not bank questions: they are listed apart, not checked here.
        is_known = pd.Series(
            [key in known or key[0] == EXERCISES_BANK for key in keys], index=data.index, dtype=bool
        )
        unknown = sorted(
            {f"{bank}: {qid}" for (bank, qid), ok in zip(keys, is_known, strict=True) if not ok}
        )
        if unknown:
            shown = ", ".join(unknown[:10]) + (
                f", and {len(unknown) - 10} more" if len(unknown) > 10 else ""
            )
            unknown_note.append(
                f"{int((~is_known).sum())} answer(s) to {len(unknown)} question id(s) that this "
                f"course does not have were not counted (an older course version?): {shown}"
            )
        data = data[is_known]
    apart = data["bank"].isin(PRACTICE_BANKS | {EXERCISES_BANK})
    practice = _apart_table(data[data["bank"].isin(PRACTICE_BANKS)], questions)
    exercises = _apart_table(data[data["bank"] == EXERCISES_BANK], None)
    data = data[~apart].reset_index(drop=True)
    data = data.assign(_order=range(len(data)))
    # A learner's first attempt is the earliest one; file order breaks ties.
    data = data.sort_values(["learner", "answered_at", "_order"], kind="stable")
    catalogue = _catalogue(data, questions)

    per_learner = data.groupby(["bank", "question_id", "learner"], sort=False).agg(
        first_correct=("correct", "first"),
        ever_correct=("correct", "max"),
        tries=("correct", "size"),
    )
    per_learner = per_learner.reset_index()
    per_learner["first_wrong"] = ~per_learner["first_correct"].astype(bool)
    grouped = per_learner.groupby(["bank", "question_id"])
    per_question = pd.DataFrame(
        {
            "learners": grouped["learner"].nunique(),
            "attempts": grouped["tries"].sum(),
            "missed": grouped["first_wrong"].sum(),
            "percent_correct": grouped["first_correct"].mean() * 100,
            "percent_eventually": grouped["ever_correct"].mean() * 100,
        }
    ).reset_index()
    per_question = catalogue.merge(per_question, on=["bank", "question_id"], how="left")
    for column in ("learners", "attempts", "missed"):
        per_question[column] = per_question[column].fillna(0).astype(int)
    per_question = _numbered(per_question, questions)

    most_missed = per_question[per_question["missed"] > 0].sort_values(
        ["missed", "percent_correct", "bank", "question_id"],
        ascending=[False, True, True, True],
        ignore_index=True,
    )
    most_missed = most_missed[
        [
            "bank",
            "number",
            "question_id",
            "learners",
            "missed",
            "percent_correct",
            "percent_eventually",
        ]
    ].head(top)

    return Report(
        learners=int(data["learner"].nunique()),
        answers=len(data),
        per_question=per_question[
            [
                "bank",
                "number",
                "question_id",
                "objective",
                "learners",
                "attempts",
                "missed",
                "percent_correct",
                "percent_eventually",
            ]
        ],
        most_missed=most_missed,
        misconceptions=_misconceptions(data, top),
        mastery=_mastery(per_learner, catalogue),
        notes=[safe_text(note) for note in _notes(df) + unknown_note],
        name_warnings=name_warnings(df),
        practice=practice,
        exercises=exercises,
    )


def _numbered(per_question: pd.DataFrame, questions: pd.DataFrame | None) -> pd.DataFrame:
    """Sort questions in course order and number them within their bank (1, 2, ...)."""
    frame = per_question.copy()
    if questions is not None and len(questions):
        order = {
            (bank, qid): index
            for index, (bank, qid) in enumerate(
                zip(questions["bank"], questions["question_id"], strict=True)
            )
        }
        frame["_rank"] = [
            order.get((bank, qid), len(order))
            for bank, qid in zip(frame["bank"], frame["question_id"], strict=True)
        ]
    else:
        frame["_rank"] = 0
    frame = frame.sort_values(["bank", "_rank", "question_id"], ignore_index=True)
    frame.insert(1, "number", frame.groupby("bank").cumcount() + 1)
    return frame.drop(columns="_rank")


def _apart_table(data: pd.DataFrame, questions: pd.DataFrame | None) -> pd.DataFrame:
    """Per question of an ungraded part: learners who tried and who got it right in the end."""
    columns = ["bank", "question_id", "learners", "attempts", "percent_eventually"]
    if data.empty:
        return pd.DataFrame(columns=columns)
    grouped = data.groupby(["bank", "question_id"])
    table = pd.DataFrame(
        {
            "learners": grouped["learner"].nunique(),
            "attempts": grouped["correct"].size(),
            "_right": data[data["correct"]].groupby(["bank", "question_id"])["learner"].nunique(),
        }
    ).reset_index()
    table["_right"] = table["_right"].fillna(0)
    table["percent_eventually"] = table["_right"] / table["learners"] * 100
    return table.sort_values(["bank", "question_id"], ignore_index=True)[columns]


def name_warnings(df: pd.DataFrame) -> list[str]:
    """Say which learner names may merge several people: generic names, or a name in >1 file."""
    warnings = []
    for learner in sorted(df["learner"].unique()):
        if str(learner).strip().casefold() in GENERIC_NAMES:
            warnings.append(
                f"learner {learner!r} is an account name many learners share: this may be "
                "several people merged into one. Ask them to export with their own name."
            )
    if "source" in df.columns:
        for learner, group in df.groupby("learner", sort=True):
            files = sorted(Path(name).name for name in group["source"].unique())
            if len(files) > 1:
                warnings.append(
                    f"learner {learner!r} appears in {len(files)} files ({', '.join(files)}) "
                    "and is counted once; if these are different people, ask them to export "
                    "with their own name (--learner NAME)."
                )
    return warnings


def _catalogue(data: pd.DataFrame, questions: pd.DataFrame | None) -> pd.DataFrame:
    """Every question to report on: those answered, plus the unanswered ones of their banks."""
    seen = data[["bank", "question_id", "objective"]]
    # An answer recorded without an objective must not hide the bank's own one.
    seen = seen.sort_values("objective", ascending=False, kind="stable")
    frames = [seen]
    if questions is not None:
        course = questions[["bank", "question_id", "objective"]]
        # Banks nobody has opened yet would only add empty rows.
        course = course[course["bank"].isin(set(data["bank"]))]
        frames.insert(0, course)
    catalogue = pd.concat(frames, ignore_index=True)
    return catalogue.drop_duplicates(["bank", "question_id"], keep="first").reset_index(drop=True)


def _misconceptions(data: pd.DataFrame, top: int) -> pd.DataFrame:
    columns = ["bank", "question_id", "option", "times_chosen", "learners"]
    chosen = data[["bank", "question_id", "learner", "chosen_wrong"]].explode("chosen_wrong")
    chosen = chosen.dropna(subset=["chosen_wrong"]).rename(columns={"chosen_wrong": "option"})
    if chosen.empty:
        return pd.DataFrame(columns=columns)
    table = (
        chosen.groupby(["bank", "question_id", "option"])
        .agg(times_chosen=("learner", "size"), learners=("learner", "nunique"))
        .reset_index()
    )
    table = table.sort_values(
        ["times_chosen", "learners", "bank", "question_id", "option"],
        ascending=[False, False, True, True, True],
        ignore_index=True,
    )
    return table[columns].head(top)


def _mastery(per_learner: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    columns = ["bank", "objective", "questions", "learners", "mastered", "percent_mastered"]
    objectives = catalogue.groupby(["bank", "objective"]).size().rename("questions").reset_index()
    if objectives.empty:
        return pd.DataFrame(columns=columns)
    solved = per_learner.merge(catalogue, on=["bank", "question_id"])
    counts = (
        solved.groupby(["bank", "objective", "learner"])
        .agg(right=("ever_correct", "sum"))
        .reset_index()
        .merge(objectives, on=["bank", "objective"])
    )
    # Mastered: every question of the objective eventually answered right.
    counts["mastered"] = counts["right"] >= counts["questions"]
    summary = (
        counts.groupby(["bank", "objective"])
        .agg(learners=("learner", "nunique"), mastered=("mastered", "sum"))
        .reset_index()
    )
    table = objectives.merge(summary, on=["bank", "objective"], how="left")
    table["learners"] = table["learners"].fillna(0).astype(int)
    table["mastered"] = table["mastered"].fillna(0).astype(int)
    table["percent_mastered"] = (table["mastered"] / table["learners"] * 100).where(
        table["learners"] > 0
    )
    return table.sort_values(["bank", "objective"], ignore_index=True)[columns]


def _notes(df: pd.DataFrame) -> list[str]:
    if "source" not in df.columns:
        return []
    notes = []
    for learner, group in df.groupby("learner", sort=True):
        files = sorted(Path(name).name for name in group["source"].unique())
        if len(files) > 1:
            notes.append(
                f"learner {learner!r} appears in {len(files)} files ({', '.join(files)}) and is "
                "counted once; if these are different people, ask them to export with "
                "--learner NAME"
            )
    return notes


def render_text(report: Report) -> str:
    """Return the report as plain-text tables that fit in 80 columns; name warnings first."""
    pct = {"percent_correct", "percent_eventually", "percent_mastered", "first", "in_the_end"}
    parts: list[str] = []
    if report.name_warnings:
        parts += [
            "WARNING: these names may merge several learners",
            *(bullet(note) for note in report.name_warnings),
            "",
        ]
    parts += [
        f"Instructor report: {report.learners} learner(s), {report.answers} answer(s), "
        f"{len(report.per_question)} question(s)",
        "",
        "Per question, in course order (percent correct: first try / in the end)",
        format_table(_short(report.per_question), percent=pct, max_width=24),
        "",
        "Most missed (learners wrong at their first attempt)",
        format_table(_short(report.most_missed), percent=pct, max_width=24),
        "",
        "Misconceptions (wrong options chosen most often)",
        format_table(
            _bank_short(
                report.misconceptions.rename(
                    columns={"question_id": "question", "times_chosen": "times", "learners": "n"}
                )
            ),
            percent=pct,
            max_width=30,
        ),
        "",
        "Mastery per objective (all its questions eventually right)",
        format_table(
            _bank_short(report.mastery.rename(columns={"percent_mastered": "percent"})),
            percent=pct | {"percent"},
            max_width=30,
        ),
    ]
    if len(report.practice):
        parts += [
            "",
            "Practice questions (notebook 00): not graded, not counted above",
            format_table(_short(report.practice), percent=pct, max_width=30),
        ]
    if len(report.exercises):
        parts += [
            "",
            "Exercises (pandas): learners who checked an answer, and who got it right",
            format_table(_short(report.exercises), percent=pct, max_width=30),
        ]
    # Notes about names are already said first, as warnings.
    notes = [note for note in report.notes if not note.startswith("learner ")]
    if notes:
        parts += ["", "Notes", *(bullet(note) for note in notes)]
    return "\n".join(parts) + "\n"


def _short(frame: pd.DataFrame) -> pd.DataFrame:
    """Short column names, so the tables fit in 80 columns."""
    names = {
        "bank": "bank",
        "number": "no",
        "question_id": "question",
        "learners": "n",
        "percent_correct": "first",
        "percent_eventually": "in_the_end",
    }
    keep = [c for c in frame.columns if c in names or c in {"attempts", "missed"}]
    return _bank_short(frame[keep].rename(columns=names))


def _bank_short(frame: pd.DataFrame) -> pd.DataFrame:
    """A bank named by its notebook number (01), as the course numbers them."""
    out = frame.copy()
    if "bank" in out.columns:
        out["bank"] = [str(bank)[:2] if str(bank)[:2].isdigit() else bank for bank in out["bank"]]
    return out
