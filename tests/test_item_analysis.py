"""Item analysis on synthetic exports whose answers are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from japan_nato.instructor.items import (
    MIN_LEARNERS,
    course_distractors,
    item_analysis,
    point_biserial,
    render_items,
)
from tests.support.course_data import COURSE_DATA

LEARNERS = [f"l{n:02d}" for n in range(25)]


def _frame(rows: list[tuple[str, str, bool, tuple[str, ...]]], bank: str = "b") -> pd.DataFrame:
    """Build what load_exports returns from (learner, question, correct, chosen_wrong) rows."""
    return pd.DataFrame(
        [
            {
                "learner": learner,
                "bank": bank,
                "question_id": question,
                "objective": "o",
                "answer": "",
                "answered_at": f"2026-12-01T10:00:{index % 60:02d}.{index:06d}",
                "correct": correct,
                "chosen_wrong": chosen,
            }
            for index, (learner, question, correct, chosen) in enumerate(rows)
        ]
    )


def _room() -> pd.DataFrame:
    """25 learners of rising ability (rank 0-24) on five questions with known behaviour."""
    rows = []
    for rank, learner in enumerate(LEARNERS):
        rows += [
            (learner, "good-1", rank >= 10, () if rank >= 10 else ("X",)),
            (learner, "good-2", rank >= 8, ()),
            (learner, "good-3", rank >= 12, ()),
            # The weak get it right and the strong miss it: a miskeyed question.
            (learner, "backwards", rank < 6, ()),
            (learner, "easy", True, ()),
            (learner, "hard", False, ()),
        ]
    # A second, later attempt must not change the first-attempt figures.
    rows.append((LEARNERS[0], "good-1", True, ()))
    return _frame(rows)


def test_facility_is_the_share_right_at_the_first_attempt() -> None:
    items = item_analysis(_room()).items.set_index("question_id")
    assert items.loc["good-1", "facility"] == pytest.approx(60)
    assert items.loc["easy", "facility"] == 100
    assert items.loc["hard", "facility"] == 0
    assert (items["learners"] == 25).all()


def test_discrimination_is_point_biserial_against_the_rest_of_the_score() -> None:
    room = _room()
    items = item_analysis(room).items.set_index("question_id")
    first = room.drop_duplicates(["learner", "question_id"], keep="first")
    grid = first.pivot(index="learner", columns="question_id", values="correct").astype(float)
    rest = (grid.sum(axis=1) - grid["good-1"]) / (grid.shape[1] - 1)
    expected = np.corrcoef(grid["good-1"], rest)[0, 1]
    assert items.loc["good-1", "discrimination"] == pytest.approx(expected)
    assert items.loc["good-1", "discrimination"] > 0.5
    assert items.loc["backwards", "discrimination"] < 0
    # Nobody differs on these, so there is nothing to correlate.
    assert pd.isna(items.loc["easy", "discrimination"])
    assert pd.isna(items.loc["hard", "discrimination"])


def test_point_biserial_is_undefined_without_variation() -> None:
    assert pd.isna(point_biserial(pd.Series([1, 1, 1]), pd.Series([0.1, 0.5, 0.9])))
    assert point_biserial(pd.Series([0, 1]), pd.Series([0.0, 1.0])) == pytest.approx(1.0)


def test_broken_looking_questions_are_flagged_and_good_ones_are_not() -> None:
    analysis = item_analysis(_room())
    flags = analysis.items.set_index("question_id")["flags"]
    assert flags["backwards"].startswith("negative discrimination")
    assert flags["easy"] == "facility > 95%"
    assert flags["hard"] == "facility < 20%"
    assert flags["good-1"] == flags["good-2"] == flags["good-3"] == ""
    assert set(analysis.flagged["question_id"]) == {"backwards", "easy", "hard"}


def test_a_small_room_gets_the_minimum_n_warning_and_a_big_one_does_not() -> None:
    big = item_analysis(_room())
    assert not any(note.startswith("Minimum N") for note in big.notes)
    small = item_analysis(_room().query("learner < 'l05'"))
    assert any(
        note.startswith("Minimum N:") and f"fewer than {MIN_LEARNERS} learners" in note
        for note in small.notes
    )


def test_distractors_chosen_by_almost_nobody_are_listed() -> None:
    rows = []
    for rank, learner in enumerate(LEARNERS):
        if rank < 8:
            chosen: tuple[str, ...] = ("popular",)
        elif rank == 8:
            chosen = ("rare",)  # 1 of 25 learners: 4%, under 5%
        elif rank in (9, 10):
            chosen = ("some",)  # 2 of 25: 8%
        else:
            chosen = ()
        rows.append((learner, "q", not chosen, chosen))
        rows.append((learner, "other", rank % 2 == 0, ()))
    # Chosen again at a second attempt: still not a first-attempt choice.
    rows.append((LEARNERS[0], "q", False, ("never",)))
    distractors = pd.DataFrame(
        {"bank": "b", "question_id": "q", "option": ["popular", "rare", "some", "never"]}
    )
    rare = item_analysis(_frame(rows), distractors).rare_distractors
    assert list(rare["option"]) == ["never", "rare"]
    assert list(rare["chosen_by"]) == [0, 1]
    assert rare["percent"].tolist() == pytest.approx([0, 4])


def test_the_rendered_analysis_names_the_flags_and_what_to_do() -> None:
    text = render_items(item_analysis(_room()))
    assert text.startswith("Item analysis (first attempts")
    broken = text.split("Questions that look broken")[1].split("Distractors")[0]
    assert "backwards" in broken and "good-1" not in broken
    assert "check the key" in broken
    assert "-0.00" not in text


def test_course_distractors_are_the_wrong_options_of_choice_questions() -> None:
    table = course_distractors(COURSE_DATA)
    kantei = table[table["question_id"] == "pre-wording-kantei"]
    assert len(kantei) == 3
    assert "That both sides agreed, where the summary gives a hope" not in set(kantei["option"])
