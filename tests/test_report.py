"""The instructor report built from learners' progress exports."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from japan_nato.errors import DataError
from japan_nato.instructor.chart import plot
from japan_nato.instructor.report import Report, build_report, load_exports, render_text
from japan_nato.instructor.text_table import format_table
from japan_nato.progress import ProgressStore
from tests.support.course_data import COURSE_DATA

SAMPLES = sorted((Path(__file__).parent / "data").glob("progress_*.csv"))


def _row(frame: pd.DataFrame, **where: str) -> pd.Series:
    match = frame
    for column, value in where.items():
        match = match[match[column] == value]
    assert len(match) == 1, where
    return match.iloc[0]


@pytest.fixture(scope="module")
def report() -> Report:
    return build_report(load_exports(SAMPLES), top=5)


def test_the_samples_are_three_learners() -> None:
    frame = load_exports(SAMPLES)
    assert len(SAMPLES) == 3
    assert sorted(frame["learner"].unique()) == ["aiko", "ben", "chidi"]
    assert frame["correct"].dtype == bool
    assert all(isinstance(value, tuple) for value in frame["chosen_wrong"])


def test_per_question_counts_first_attempts_and_eventual_success(report: Report) -> None:
    assert report.learners == 3
    assert report.answers == 31  # the 7 practice answers of notebook 00 are not counted
    date = _row(report.per_question, question_id="src-meeting-date")
    # Every learner first picked the dateline; two of three got there in the end.
    assert (date["learners"], date["attempts"], date["missed"]) == (3, 7, 3)
    assert date["percent_correct"] == 0
    assert date["percent_eventually"] == pytest.approx(200 / 3)
    who = _row(report.per_question, question_id="src-who-met")
    assert who["percent_correct"] == pytest.approx(200 / 3)
    assert who["percent_eventually"] == 100
    assert list(report.per_question.columns) == [
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


def test_most_missed_puts_the_worst_first(report: Report) -> None:
    top = report.most_missed
    assert len(top) == 5
    assert top.iloc[0]["question_id"] == "src-meeting-date"
    assert top.iloc[1]["question_id"] == "src-dateline-tells"
    assert (top["missed"] > 0).all()
    assert top["missed"].is_monotonic_decreasing


def test_misconceptions_are_the_most_chosen_wrong_options(report: Report) -> None:
    first = report.misconceptions.iloc[0]
    assert (first["question_id"], first["option"]) == ("src-meeting-date", "5 July 2022")
    assert (first["times_chosen"], first["learners"]) == (3, 3)
    meeting = _row(report.misconceptions, option="The date of the Kishida-Stoltenberg meeting")
    assert (meeting["times_chosen"], meeting["learners"]) == (3, 2)


def test_mastery_needs_every_question_of_the_objective(report: Report) -> None:
    who = _row(report.mastery, bank="01_reading_the_source", objective="who-where")
    # chidi never answered src-occasion, so only aiko and ben mastered it.
    assert (who["questions"], who["learners"], who["mastered"]) == (2, 3, 2)
    assert who["percent_mastered"] == pytest.approx(200 / 3)


def test_course_questions_nobody_answered_are_listed_and_count_for_mastery() -> None:
    frame = load_exports(SAMPLES)
    questions = pd.DataFrame(
        [
            ("01_reading_the_source", "src-who-met", "who-where"),
            ("01_reading_the_source", "src-occasion", "who-where"),
            ("01_reading_the_source", "src-unseen", "who-where"),
            ("99_unopened", "never", "x"),
        ],
        columns=["bank", "question_id", "objective"],
    )
    result = build_report(frame, questions=questions)
    unseen = _row(result.per_question, question_id="src-unseen")
    assert unseen["learners"] == 0
    assert pd.isna(unseen["percent_correct"])
    assert "99_unopened" not in set(result.per_question["bank"])  # no empty banks
    who = _row(result.mastery, objective="who-where")
    assert (who["questions"], who["mastered"]) == (3, 0)


def test_the_first_attempt_is_the_earliest_not_the_first_row() -> None:
    frame = pd.DataFrame(
        {
            "learner": ["a", "a"],
            "bank": ["b", "b"],
            "question_id": ["q", "q"],
            "objective": ["o", "o"],
            "answer": ['"right"', '"wrong"'],
            "correct": [True, False],
            "chosen_wrong": [(), ("wrong",)],
            "answered_at": ["2025-01-01T10:05:00+00:00", "2025-01-01T10:00:00+00:00"],
        }
    )
    row = build_report(frame).per_question.iloc[0]
    assert (row["percent_correct"], row["percent_eventually"]) == (0, 100)


def test_banks_limits_the_report() -> None:
    result = build_report(load_exports(SAMPLES), banks=["01_reading_the_source"])
    assert set(result.per_question["bank"]) == {"01_reading_the_source"}
    assert set(result.mastery["bank"]) == {"01_reading_the_source"}


def test_practice_questions_are_reported_apart_and_not_graded(report: Report) -> None:
    assert "00_start_here" not in set(report.per_question["bank"])
    assert "00_start_here" not in set(report.mastery["bank"])
    assert set(report.practice["bank"]) == {"00_start_here"}
    assert "Practice questions (notebook 00): not graded" in render_text(report)


def test_exercise_checks_are_reported_apart(tmp_path: Path) -> None:
    with ProgressStore(tmp_path / "p.sqlite") as store:
        store.record("exercises", "facts-per-topic", "x", False, objective="01_reading_the_source")
        store.record("exercises", "facts-per-topic", "y", True, objective="01_reading_the_source")
        store.export(tmp_path / "mine.csv", learner="Dana")
    result = build_report(load_exports([tmp_path / "mine.csv"]))
    assert result.per_question.empty
    row = result.exercises.iloc[0]
    assert (row["question_id"], row["learners"], row["percent_eventually"]) == (
        "facts-per-topic",
        1,
        100,
    )
    assert "Exercises (pandas)" in render_text(result)


def test_generic_and_duplicate_names_are_warned_about_first(tmp_path: Path) -> None:
    copy = tmp_path / "progress_aiko_again.csv"
    copy.write_text(SAMPLES[0].read_text(encoding="utf-8").replace("T09:", "T11:"), "utf-8")
    jovyan = tmp_path / "progress_jovyan.csv"
    jovyan.write_text(SAMPLES[1].read_text(encoding="utf-8").replace("ben,", "jovyan,"), "utf-8")
    result = build_report(load_exports([SAMPLES[0], copy, jovyan]))
    text = render_text(result)
    assert text.startswith("WARNING: these names may merge several learners")
    first = text.split("Instructor report:")[0]
    assert "'aiko' appears in 2 files" in first and "'jovyan' is an account name" in first
    assert max(len(line) for line in text.splitlines()) <= 80
    chart = plot(result, tmp_path / "chart.svg")
    assert chart.read_text(encoding="utf-8").startswith("<svg ")
    assert "WARNING: some names may merge several learners" in chart.read_text(encoding="utf-8")


def test_an_export_handed_in_twice_counts_once(report: Report) -> None:
    twice = build_report(load_exports([*SAMPLES, SAMPLES[0]]), top=5)
    assert twice.answers == report.answers
    pd.testing.assert_frame_equal(twice.per_question, report.per_question)
    assert twice.notes == []


def test_one_name_in_two_files_is_noted(tmp_path: Path) -> None:
    copy = tmp_path / "progress_aiko_again.csv"
    text = SAMPLES[0].read_text(encoding="utf-8").replace("T09:", "T11:")
    copy.write_text(text, encoding="utf-8")
    result = build_report(load_exports([SAMPLES[0], copy]))
    assert len(result.notes) == 1
    assert "'aiko' appears in 2 files" in result.notes[0]
    assert "--learner" in result.notes[0]


def test_an_export_made_by_the_store_is_readable(tmp_path: Path) -> None:
    with ProgressStore(tmp_path / "p.sqlite") as store:
        store.record("b", "q", {"odd": [1, 2]}, False, objective="o", chosen_wrong=["x, y"])
        store.record("b", "q", "A", True, objective="o")
        store.export(tmp_path / "mine.csv", learner="Dana")
    result = build_report(load_exports([tmp_path / "mine.csv"]))
    row = result.per_question.iloc[0]
    assert (row["learners"], row["attempts"], row["percent_correct"]) == (1, 2, 0)
    assert result.misconceptions.iloc[0]["option"] == "x, y"


def test_an_empty_export_gives_an_empty_report(tmp_path: Path) -> None:
    with ProgressStore(tmp_path / "p.sqlite") as store:
        store.export(tmp_path / "empty.csv", learner="Eve")
    result = build_report(load_exports([tmp_path / "empty.csv"]))
    assert (result.learners, result.answers) == (0, 0)
    assert "(none)" in render_text(result)
    assert "No answers in the exports" in plot(result, tmp_path / "empty.svg").read_text("utf-8")


# -- bad files are named ---------------------------------------------------------------------


def _problem(paths: list[Path]) -> str:
    with pytest.raises(DataError) as caught:
        load_exports(paths)
    return str(caught.value)


def test_a_csv_without_the_columns_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "grades.csv"
    bad.write_text("name,score\nAiko,10\n", encoding="utf-8")
    message = _problem([SAMPLES[0], bad])
    assert f"{bad}:1: header: missing column(s) learner, bank, question_id" in message
    assert "progress export" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe binary", "not UTF-8"),
        (b"", "empty file"),
        (b'learner,bank\n"unclosed,quote\n', "not a readable CSV"),
    ],
)
def test_a_file_that_is_not_a_csv_is_named(tmp_path: Path, content: bytes, expected: str) -> None:
    bad = tmp_path / "upload.csv"
    bad.write_bytes(content)
    message = _problem([bad])
    assert str(bad) in message
    assert expected in message


def test_missing_files_and_folders_are_named(tmp_path: Path) -> None:
    message = _problem([tmp_path / "nope.csv", tmp_path])
    assert f"{tmp_path / 'nope.csv'}: : file not found" in message
    assert "is a folder" in message


def test_bad_values_are_named_with_their_line(tmp_path: Path) -> None:
    lines = SAMPLES[0].read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",True,", ",maybe,")
    lines[3] = lines[3].replace(",[],", ",not json,")
    bad = tmp_path / "edited.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = _problem([bad])
    assert f"{bad}:3: correct: expected True or False, got 'maybe'" in message
    assert f"{bad}:4: chosen_wrong: expected a JSON list" in message


def test_no_files_at_all_is_an_error() -> None:
    assert "no export files" in _problem([])


# -- text and chart ----------------------------------------------------------------------------


def test_render_text_is_aligned_and_deterministic(report: Report) -> None:
    text = render_text(report)
    assert text == render_text(build_report(load_exports(SAMPLES), top=5))
    for heading in ("Per question", "Most missed", "Misconceptions", "Mastery per objective"):
        assert heading in text
    assert "3 learner(s), 31 answer(s)" in text
    assert max(len(line) for line in text.splitlines()) <= 80
    table = format_table(report.per_question, percent={"percent_correct"})
    rows = table.splitlines()
    assert len({len(row) for row in rows[:2]}) == 1  # header and rule line up
    assert rows[1].strip().startswith("---")
    assert " 0%" in table and "-" in table


def test_format_table_shortens_long_text() -> None:
    frame = pd.DataFrame({"option": ["x" * 500], "times": [3]})
    line = format_table(frame, max_width=20).splitlines()[2]
    assert "x" * 19 + "…" in line
    assert "x" * 21 not in line


def test_plot_writes_an_svg(tmp_path: Path, report: Report) -> None:
    target = plot(report, tmp_path / "chart.svg")
    assert target == tmp_path / "chart.svg"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<svg ") and text.rstrip().endswith("</svg>")
    assert "at the first attempt" in text and "eventually" in text
    assert plot(report, tmp_path / "again.svg").read_text(encoding="utf-8") == text
    # An old command line with a .png name still gets the chart, under the right suffix.
    assert plot(report, tmp_path / "room.png") == tmp_path / "room.svg"


def test_the_chart_of_the_full_course_stays_a_sane_size(tmp_path: Path) -> None:
    from itertools import combinations

    from japan_nato.instructor.chart import chart_drawing
    from japan_nato.quiz import bank_names, load_bank

    rows = []
    for name in bank_names(COURSE_DATA):
        for q in load_bank(name, COURSE_DATA).questions:
            rows.append(("aiko", name, q.id, q.objective, '"A"', True, (), "2025-01-01T09:00:00"))
    columns = ["learner", "bank", "question_id", "objective", "answer", "correct"]
    frame = pd.DataFrame(rows, columns=[*columns, "chosen_wrong", "answered_at"])
    questions = frame[["bank", "question_id", "objective"]]
    result = build_report(frame, questions=questions)
    first = result.per_question.groupby("bank").head(1)
    assert list(first["number"]) == [1] * len(first)  # numbered in course order per notebook
    drawing = chart_drawing(result)
    assert drawing.width <= 1000 and drawing.height <= 1600
    assert len(drawing.texts("panel-title")) == len(first)
    texts = drawing.texts()
    assert [(a.text, b.text) for a, b in combinations(texts, 2) if a.box.overlaps(b.box)] == []
    assert all(0 <= t.box.left and t.box.right <= drawing.width for t in texts)


def test_the_export_and_the_report_share_one_column_list() -> None:
    from japan_nato.progress.export import EXPORT_COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS

    assert set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS) == set(EXPORT_COLUMNS)
