"""Course: the data folder resolved once; the learner functions are wrappers over it."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

import japan_nato
from japan_nato.api import course, default_course
from japan_nato.course import Course
from japan_nato.dataset.paths import data_dir


def test_the_learner_functions_read_through_the_default_course() -> None:
    assert course() is default_course()
    assert default_course().folder == data_dir()
    pd.testing.assert_frame_equal(japan_nato.load_facts(), default_course().facts())
    assert japan_nato.load_article() == default_course().article()
    assert japan_nato.exercise("facts-per-topic").id == "facts-per-topic"


def test_a_course_over_another_folder_reads_that_folder(data_copy: Path) -> None:
    other = course(data_copy)
    assert other is course(data_copy)  # one Course per folder
    assert other.folder == data_copy.resolve()
    assert other.bank_names() == default_course().bank_names()
    assert japan_nato.quiz("00_start_here", data_dir=data_copy).data_dir == data_copy.resolve()


def test_a_bank_is_cached_until_its_file_changes(data_copy: Path) -> None:
    here = Course(data_copy)
    first = here.bank("00_start_here")
    assert here.bank("00_start_here") is first
    path = data_copy / "quizzes" / "00_start_here.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('title = "', 'title = "Edited: ', 1), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    edited = here.bank("00_start_here")
    assert edited.title.startswith("Edited: ")


def test_validation_is_cached_and_reports_the_course(data_copy: Path) -> None:
    here = Course(data_copy)
    report = here.validate()
    assert report.ok, report.problems
    assert here.validate() is report


def test_a_broken_table_is_named_once_not_by_every_exercise_that_loads_it(
    data_copy: Path,
) -> None:
    facts = data_copy / "facts.csv"
    lines = facts.read_text(encoding="utf-8").splitlines(keepends=True)
    facts.write_text(lines[0] + lines[1].replace("A01", "bad id", 1) + "".join(lines[2:]))
    report = Course(data_copy).validate()
    assert any(p.file == "facts.csv" for p in report.problems)
    assert not [p for p in report.problems if p.file == "exercises.toml"]
