"""(g) `Exercise.check()` on a 2,000,000-row Series against `Series.sort_values()` on it."""

from __future__ import annotations

import time
from typing import Any

from bench.common import Measurement, Row, Settings, median
from japan_nato.exercises import Compare, Exercise

TITLE = "exercise check on a large Series"
# A small factor: the check may do a few passes over the data, not sort every label in Python.
TARGET_FACTOR = 5.0
SETUP = "import numpy as np"


def _solution(rows: int) -> str:
    """Code of an exercise whose answer is a Series of `rows` values with string labels."""
    return (
        f"pd.Series(np.arange({rows}, dtype='int64') % 997, "
        f"index=pd.Index(['k' + str(i) for i in range({rows})]), name='count')"
    )


def _exercise(rows: int) -> Exercise:
    """Build an exercise expecting the large Series (through the package's own classes)."""
    return Exercise(
        id="bench-large-series",
        title="A large Series",
        notebook="bench.ipynb",
        prompt="A Series with two million rows.",
        setup=SETUP,
        solution_code=_solution(rows),
        hints=(),
        compare=Compare(check_index=True),
    )


def _timed(prepare: Any, call: Any, runs: int) -> tuple[float, Any]:
    """Return (median seconds over runs, the last result) of call(prepare()); prepare untimed.

    prepare() builds a fresh answer for each run, as a learner's cell does: pandas keeps an
    index's hash table once built, so checking the same object again would be faster than
    any first check is.
    """
    samples, value = [], None
    for _ in range(runs):
        argument = prepare()
        started = time.perf_counter()
        value = call(argument)
        samples.append(time.perf_counter() - started)
    return median(samples), value


def run(settings: Settings, result: Measurement) -> None:
    """Time check() of a right answer and of one whose labels all differ, vs sort_values()."""
    import numpy as np
    import pandas as pd

    rows = settings.exercise_rows
    exercise = _exercise(rows)
    # The same Series the solution builds, made here; the first check (untimed) runs the solution.
    expected = eval(_solution(rows), {"pd": pd, "np": np})  # noqa: S307 - our own constant code
    exercise.check(expected)
    values = expected.to_numpy()

    def answer(prefix: str) -> pd.Series:
        # New labels and a new Index each time: nothing hashed before the check.
        labels = pd.Index([prefix + str(i) for i in range(rows)])
        return pd.Series(values.copy(), index=labels, name="count")

    runs = settings.exercise_runs
    floor, _ = _timed(lambda: answer("k"), lambda s: s.sort_values(), runs)
    right_s, right_said = _timed(lambda: answer("k"), exercise.check, runs)
    wrong_s, wrong_said = _timed(lambda: answer("x"), exercise.check, runs)
    if right_said.correct is not True or wrong_said.correct is not False:
        raise RuntimeError(
            f"the large exercise graded wrongly: {right_said!s:.200} / {wrong_said!s:.200}"
        )
    worst = max(right_s, wrong_s)
    factor = worst / floor
    result.rows.append(
        Row(
            f"check() of a {rows:,}-row Series / Series.sort_values() (median of {runs})",
            f"{factor:.1f}× (right {right_s:.2f} s, all labels wrong {wrong_s:.2f} s, "
            f"sort_values {floor:.2f} s)",
            f"≤ {TARGET_FACTOR:g}×",
            factor <= TARGET_FACTOR,
            round(factor, 2),
            "ratio",
        )
    )
    result.data |= {
        "series_rows": rows,
        "runs": runs,
        "sort_values_s": floor,
        "check_right_s": right_s,
        "check_wrong_labels_s": wrong_s,
        "factor": factor,
        "target_factor": TARGET_FACTOR,
        "how": "an Exercise whose solution builds the Series (int64 values, string labels); "
        "each run checks a freshly built answer (new labels, new Index: a learner's first "
        "check), the right one with the same labels, the wrong one with every label changed; "
        "each timed with perf_counter, median of the runs, against sort_values() on a freshly "
        "built Series",
    }
