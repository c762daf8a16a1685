"""(c) `Question.check()` for a right and a wrong answer to every question of every bank."""

from __future__ import annotations

import functools
import importlib
import timeit
from typing import Any

from bench.common import Measurement, Row, Settings, Skip, answer_pair, median

TITLE = "check() time"


def run(settings: Settings, result: Measurement) -> None:
    """Time Question.check() for a right and a wrong answer to every question of every bank."""
    try:
        # `from japan_nato import quiz` would give the quiz() function, not the module.
        quiz_module = importlib.import_module("japan_nato.quiz")
    except ImportError as err:
        raise Skip(f"japan_nato.quiz cannot be imported ({err})") from None
    if not all(hasattr(quiz_module, name) for name in ("bank_names", "load_bank")):
        raise Skip("japan_nato.quiz has no bank_names/load_bank yet")
    from japan_nato.dataset.paths import data_dir

    folder = data_dir()  # the packaged course data
    banks = quiz_module.bank_names(folder)
    if not banks:
        raise Skip("no question banks in data/quizzes/ yet")

    timings: list[dict[str, Any]] = []
    unusable: list[str] = []
    wrongly_graded: list[str] = []
    for bank in banks:
        for question in quiz_module.load_bank(bank, folder).questions:
            try:
                pair = answer_pair(question)
            except (AttributeError, TypeError, ValueError, StopIteration):
                unusable.append(f"{question.id} (type {question.type_name!r})")
                continue
            for kind, answer, expected in (("right", pair[0], True), ("wrong", pair[1], False)):
                outcome = question.check(answer)
                if not outcome.valid or outcome.correct is not expected:
                    wrongly_graded.append(f"{question.id} ({kind} answer {answer!r})")
                timer = timeit.Timer(functools.partial(question.check, answer))
                loops = timer.repeat(repeat=settings.check_repeat, number=settings.check_number)
                per_call = [loop / settings.check_number for loop in loops]
                timings.append(
                    {
                        "bank": bank,
                        "question_id": question.id,
                        "type": question.type_name,
                        "answer": kind,
                        "median_us": median(per_call) * 1e6,
                        "loops_us": [value * 1e6 for value in per_call],
                    }
                )
    if not timings:
        raise Skip("no question with a known type to time")
    values = [t["median_us"] for t in timings]
    overall = median(values)
    worst = max(timings, key=lambda t: t["median_us"])
    by_type = {}
    for kind in sorted({t["type"] for t in timings}):
        by_type[kind] = median([t["median_us"] for t in timings if t["type"] == kind])
    questions = len({t["question_id"] for t in timings})
    result.rows.append(
        Row(
            f"check(): {questions} questions × right/wrong answer, {len(banks)} banks",
            f"median {overall:.1f} µs, worst {worst['median_us']:.1f} µs "
            f"({worst['question_id']}, {worst['answer']})",
            "median < 100 µs",
            overall < 100,
            round(overall, 2),
            "µs",
        )
    )
    slowest = max(by_type, key=by_type.__getitem__)
    result.rows.append(
        Row(
            "  median by type",
            ", ".join(f"{kind} {value:.0f}" for kind, value in by_type.items())
            + f" µs (slowest: {slowest})",
        )
    )
    if unusable or wrongly_graded:
        result.rows.append(
            Row(
                "  answers that could not be derived or were graded unexpectedly",
                "; ".join(unusable + wrongly_graded)[:200],
            )
        )
    result.data |= {
        "banks": banks,
        "loops": {"number": settings.check_number, "repeat": settings.check_repeat},
        "median_us": overall,
        "worst_us": worst["median_us"],
        "worst": {k: worst[k] for k in ("bank", "question_id", "type", "answer")},
        "median_by_type_us": by_type,
        "target_median_us": 100,
        "unusable_questions": unusable,
        "unexpected_grades": wrongly_graded,
        "timings": timings,
    }
