"""Learning gain from the pre-test and post-test: per learner, per objective, with attrition."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from japan_nato import my_gain, quiz
from japan_nato.errors import DataError
from japan_nato.instructor.gain import (
    course_tests,
    learning_gain,
    normalised_gain,
    render_gain,
)
from japan_nato.instructor.report import load_exports
from japan_nato.progress import ProgressStore
from japan_nato.progress.export import EXPORT_COLUMNS
from japan_nato.quiz import load_bank
from tests.support.course_data import COURSE_DATA

QUESTIONS, OBJECTIVES = course_tests(COURSE_DATA)
PRE = list(QUESTIONS.loc[QUESTIONS["bank"] == "pretest", "question_id"])
POST = list(QUESTIONS.loc[QUESTIONS["bank"] == "posttest", "question_id"])


def _objective(question_id: str) -> str:
    return str(QUESTIONS.loc[QUESTIONS["question_id"] == question_id, "objective"].iloc[0])


def _export(path: Path, learner: str, answers: list[tuple[str, str, bool]]) -> Path:
    """Write an export with one answer per (bank, question, correct), a minute apart."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        for minute, (bank, question_id, correct) in enumerate(answers):
            writer.writerow(
                {
                    "learner": learner,
                    "bank": bank,
                    "question_id": question_id,
                    "objective": _objective(question_id),
                    "answer": "A",
                    "correct": correct,
                    "chosen_wrong": "[]" if correct else '["x"]',
                    "answered_at": f"2026-12-01T10:{minute:02d}:00",
                }
            )
    return path


def _form(bank: str, right: set[int]) -> list[tuple[str, str, bool]]:
    ids = PRE if bank == "pretest" else POST
    return [(bank, qid, index in right) for index, qid in enumerate(ids)]


@pytest.fixture
def exports(tmp_path: Path) -> pd.DataFrame:
    files = [
        # aiko: 2 of 6 before, 5 of 6 after -> g = (5/6 - 2/6) / (1 - 2/6) = 0.75.
        _export(
            tmp_path / "aiko.csv",
            "aiko",
            _form("pretest", {0, 2}) + _form("posttest", {0, 1, 2, 3, 4}),
        ),
        # ben: full marks before, so his gain is undefined.
        _export(
            tmp_path / "ben.csv",
            "ben",
            _form("pretest", set(range(6))) + _form("posttest", {0, 1, 2, 3, 4}),
        ),
        # chidi did the pre-test only (attrition); dana the post-test only.
        _export(tmp_path / "chidi.csv", "chidi", _form("pretest", {1})),
        _export(tmp_path / "dana.csv", "dana", _form("posttest", {1})),
    ]
    return load_exports(files)


def test_normalised_gain_is_the_share_of_the_room_to_improve_used() -> None:
    assert normalised_gain(0.5, 0.75) == pytest.approx(0.5)
    assert normalised_gain(0.0, 1.0) == pytest.approx(1.0)
    assert normalised_gain(0.5, 0.25) == pytest.approx(-0.5)
    assert normalised_gain(1.0, 0.8) is None


def test_gain_per_learner_counts_only_those_who_did_both(exports: pd.DataFrame) -> None:
    gain = learning_gain(exports, QUESTIONS)
    table = gain.per_learner.set_index("learner")
    assert list(table.index) == ["aiko", "ben"]
    assert table.loc["aiko", "pre_percent"] == pytest.approx(100 * 2 / 6)
    assert table.loc["aiko", "post_percent"] == pytest.approx(100 * 5 / 6)
    assert table.loc["aiko", "gain"] == pytest.approx(0.75)
    assert pd.isna(table.loc["ben", "gain"])
    # Class gain from the means: pre (2/6 + 1) / 2, post 5/6.
    pre, post = (2 / 6 + 1) / 2, 5 / 6
    assert gain.overall == pytest.approx((post - pre) / (1 - pre))


def test_attrition_and_post_only_learners_are_stated(exports: pd.DataFrame) -> None:
    gain = learning_gain(exports, QUESTIONS)
    assert gain.pre_only == ("chidi",)
    assert gain.post_only == ("dana",)
    text = render_gain(gain)
    assert "Attrition: 1 of 3 learner(s) who did the pre-test did not do the post-test" in text
    assert "chidi" in text and "dana" in text
    assert "scored 100% on the pre-test: their gain is undefined" in text


def test_gain_per_objective_uses_the_objectives_of_the_bank(exports: pd.DataFrame) -> None:
    gain = learning_gain(exports, QUESTIONS)
    table = gain.per_objective.set_index("objective")
    assert list(table.index) == list(load_bank("pretest", COURSE_DATA).objectives)
    # aiko got questions 0 and 2 right before, 0-4 after; ben all before, 0-4 after.
    first = _objective(PRE[0])
    assert table.loc[first, "learners"] == 2
    assert table.loc[first, "undefined"] == 1
    assert (table["pre_percent"] <= 100).all() and (table["post_percent"] <= 100).all()
    last = _objective(POST[5])
    assert table.loc[last, "post_percent"] == pytest.approx(50)


def test_first_attempt_counts_and_unanswered_questions_count_as_wrong(tmp_path: Path) -> None:
    answers = [("pretest", PRE[0], False), ("pretest", PRE[0], True), ("pretest", PRE[1], True)]
    answers += _form("posttest", set(range(6)))
    gain = learning_gain(load_exports([_export(tmp_path / "e.csv", "eve", answers)]), QUESTIONS)
    row = gain.per_learner.iloc[0]
    assert row["pre_percent"] == pytest.approx(100 / 6)
    assert row["gain"] == pytest.approx(1.0)


def test_no_test_answers_say_so() -> None:
    empty = pd.DataFrame(
        columns=["learner", "bank", "question_id", "objective", "answer", "answered_at", "correct"]
    )
    text = render_gain(learning_gain(empty, QUESTIONS))
    assert text.startswith("Learning gain: nobody took the pre-test or the post-test")


def test_the_forms_are_parallel_exam_banks_on_separate_sources() -> None:
    pre, post = load_bank("pretest", COURSE_DATA), load_bank("posttest", COURSE_DATA)
    assert pre.mode == post.mode == "exam"
    assert pre.objectives == post.objectives
    count = lambda bank: sorted(q.objective for q in bank.questions)  # noqa: E731
    assert count(pre) == count(post)
    assert {q.id for q in pre.questions}.isdisjoint({q.id for q in post.questions})
    pre_facts = {f for q in pre.questions for f in q.fact_ids if f.startswith("C")}
    post_facts = {f for q in post.questions for f in q.fact_ids if f.startswith("C")}
    assert pre_facts.isdisjoint(post_facts)


def test_a_bank_mode_other_than_practice_or_exam_is_refused(tmp_path: Path) -> None:
    import shutil

    from japan_nato.dataset.paths import data_dir

    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    bank = target / "quizzes" / "pretest.toml"
    bank.write_text(
        bank.read_text(encoding="utf-8").replace('mode = "exam"', 'mode = "test"'),
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        load_bank("pretest", target)
    assert "quizzes/pretest.toml:4: mode: must be 'practice' or 'exam', not 'test'" in str(
        caught.value
    )
    assert load_bank("01_reading_the_source", target).mode == "practice"


def _answer(store: ProgressStore, bank: str, right: set[int]) -> None:
    session = quiz(bank, store=store)
    for index, question in enumerate(session.questions):
        good, bad = question.example_answers()
        session.answer(question.id, good if index in right else bad)


def test_my_gain_tells_the_learner_what_is_measured_so_far(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "progress.sqlite")
    assert "not yet measured" in str(my_gain(store=store))
    _answer(store, "pretest", {0, 1, 2})
    assert str(my_gain(store=store)).startswith("Your pre-test score: 50%. Take the post-test")
    _answer(store, "posttest", {0, 1, 2, 3, 4, 5})
    result = my_gain(store=store)
    assert (result.pre_percent, result.post_percent, result.gain) == (50, 100, 1.0)
    text = repr(result)
    assert text.startswith("Your score: pre-test 50%, post-test 100%.\nYour gain: 1.00.")
    for objective in load_bank("pretest", COURSE_DATA).objectives.values():
        assert objective in text


def test_my_gain_is_undefined_after_full_marks_on_the_pre_test(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "progress.sqlite")
    _answer(store, "pretest", set(range(6)))
    _answer(store, "posttest", {0})
    result = my_gain(store=store)
    assert result.gain is None
    assert "Your gain is undefined: you scored 100% on the pre-test" in result.text()


def test_japan_nato_report_shows_gain_attrition_and_item_analysis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from japan_nato.cli import main

    files = [
        _export(tmp_path / "aiko.csv", "aiko", _form("pretest", {0}) + _form("posttest", {0, 1})),
        _export(tmp_path / "chidi.csv", "chidi", _form("pretest", {1})),
    ]
    assert main(["report", *map(str, files)]) == 0
    out = capsys.readouterr().out
    gain = out.split("Learning gain (pre-test -> post-test)")[1].split("Item analysis")[0]
    assert gain.startswith("\n  1 learner(s) did both; class gain g = 0.20")
    assert "Attrition: 1 of 2 learner(s) who did the pre-test did not do the post-test" in gain
    items = out.split("Item analysis (first attempts")[1]
    assert "pre-wording-kantei" in items
    assert "Minimum N: 12 of 12 question(s)" in items
    assert "Distractors chosen by almost nobody" in items
