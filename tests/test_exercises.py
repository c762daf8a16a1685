"""Code exercises: each accepts its solution, rejects typical wrong answers, never raises."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from japan_nato import dataset as data
from japan_nato.errors import DataError
from japan_nato.exercises import (
    Feedback,
    exercise,
    exercise_ids,
    exercise_problems,
)
from japan_nato.exercises import compare as compare_module
from japan_nato.exercises.runner import _run_snippets
from tests.support.course_data import COURSE_DATA

# Typical wrong answers live with each exercise in data/exercises.toml (`wrong_answers`).
MIN_WRONG_ANSWERS = 2

# Right answers other than the stored solution that a learner may well write.
OTHER_RIGHT_ANSWERS: dict[str, list[str]] = {
    "facts-per-topic": [
        "facts.groupby('topic').size().sort_values(ascending=False)",
        "facts.value_counts('topic')",
        "facts['topic'].astype(str).value_counts()",
    ],
    "background-fact-ids": [
        "facts[facts['kind'] == 'background']['fact_id']",
        "facts.query(\"kind == 'background'\")['fact_id'].reset_index(drop=True)",
        "facts.loc[facts['kind'] == 'background', 'fact_id'].astype(object)",
    ],
    "ipcp-milestones": [
        "timeline.loc[timeline['label'].str.contains('IPCP'), ['date', 'precision', 'label']]",
    ],
    "partnership-milestones": [
        "timeline.query('category == \"partnerships\"')[['date', 'label']]",
    ],
}


ids = exercise_ids(COURSE_DATA)


class _Unfriendly:
    """An object whose comparisons, repr and length all fail."""

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("no comparing")

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        raise RuntimeError("no repr")

    def __len__(self) -> int:
        raise RuntimeError("no len")


def _recursive_list() -> list:
    items: list = [1]
    items.append(items)
    return items


BAD_INPUTS = [
    None,
    len,
    print,
    (x for x in range(3)),
    iter([1, 2]),
    pd.DataFrame({"a": np.arange(2_000_000)}),
    pd.Series(np.arange(2_000_000)),
    pd.Series([math.nan] * 9),
    pd.Series([None] * 22, dtype=object),
    pd.Series([[1], {"a": 1}, {2}] * 3),
    pd.Series([1, 2, 3], index=[["a", "a", "b"], [1, 2, 1]]),
    pd.Series(range(9), index=["x"] * 9),
    pd.DataFrame({"x": [[1, 2]] * 9}),
    pd.DataFrame(),
    pd.Series(dtype=float),
    [{"a": 1}, [2]],
    _recursive_list(),
    {"topic": [1, 2]},
    {1, 2},
    b"bytes",
    math.nan,
    pd.NA,
    np.array([1, 2, 3]),
    pd.Index(["a"]),
    _Unfriendly(),
    [_Unfriendly()] * 22,
    pd.Series([_Unfriendly()] * 22, dtype=object),
    pd,
    pd.DataFrame,
    "x" * 1_000_000,
    10**400,
    -math.inf,
    True,
]


@pytest.fixture(scope="module")
def facts() -> pd.DataFrame:
    return data.load_facts(COURSE_DATA)


def _answer(ex_id: str, code: str) -> object:
    """Run code the way a learner would: after the exercise's setup."""
    return _run_snippets(exercise(ex_id, COURSE_DATA).setup, code, COURSE_DATA)


def _expected(ex_id: str) -> object:
    return _answer(ex_id, exercise(ex_id, COURSE_DATA).solution_code)


def _assert_no_leak(text: str, expected: object) -> None:
    """The message must not print the expected answer."""
    if isinstance(expected, pd.Series):
        assert expected.to_string() not in text
        pairs = list(expected.items())
        for label, value in pairs:
            assert f"{label!r}: {value}" not in text
            assert f"{label} {value}" not in text
            assert f"{label}    {value}" not in text
        values = [str(v) for v in expected.tolist()]
        assert ", ".join(values) not in text
        mentioned = sum(f"'{v}'" in text for v in values)
        assert mentioned < max(3, len(values) // 2)
    if isinstance(expected, pd.DataFrame):
        assert expected.to_string() not in text
        cells = {str(v) for v in expected.to_numpy().ravel().tolist() if len(str(v)) > 3}
        assert sum(cell in text for cell in cells) < 2


def test_the_starter_exercises_exist():
    ids = exercise_ids(COURSE_DATA)
    assert ids[:2] == ["facts-per-topic", "background-fact-ids"]
    assert all(exercise(i, COURSE_DATA).notebook.endswith(".ipynb") for i in ids)


def test_every_exercise_lists_typical_wrong_answers():
    missing = [
        i
        for i in exercise_ids(COURSE_DATA)
        if len(exercise(i, COURSE_DATA).wrong_answers) < MIN_WRONG_ANSWERS
    ]
    assert missing == [], "add wrong_answers = [{ code, says }, ...] to data/exercises.toml"


def test_exercises_toml_validates():
    assert exercise_problems(COURSE_DATA) == []


@pytest.mark.parametrize("ex_id", exercise_ids(COURSE_DATA))
def test_each_exercise_accepts_its_solution(ex_id):
    feedback = exercise(ex_id, COURSE_DATA).check(_expected(ex_id))
    assert feedback.correct is True, str(feedback)
    assert str(feedback).startswith("✓ Correct")


@pytest.mark.parametrize(
    ("ex_id", "code"),
    [(i, code) for i, codes in OTHER_RIGHT_ANSWERS.items() if i in ids for code in codes],
)
def test_equivalent_right_answers_are_accepted(ex_id, code):
    feedback = exercise(ex_id, COURSE_DATA).check(_answer(ex_id, code))
    assert feedback.correct is True, f"{code}: {feedback}"


@pytest.mark.parametrize(
    ("ex_id", "code", "says"),
    [(i, code, says) for i in ids for code, says in exercise(i, COURSE_DATA).wrong_answers],
)
def test_typical_wrong_answers_are_rejected_with_help(ex_id, code, says):
    feedback = exercise(ex_id, COURSE_DATA).check(_answer(ex_id, code))
    assert feedback.correct is False
    text = str(feedback)
    assert text.startswith("✗ Not yet")
    assert says in text
    assert ".hint()" in text
    _assert_no_leak(text, _expected(ex_id))


def test_wrong_counts_name_the_topics_that_are_off(facts):
    counts = facts["topic"].value_counts()
    counts[["values", "ipcp"]] += 1
    feedback = exercise("facts-per-topic", COURSE_DATA).check(counts.sort_values(ascending=False))
    assert "2 values differ: at 'values' and 'ipcp'" in str(feedback) or (
        "2 values differ: at 'ipcp' and 'values'" in str(feedback)
    )


@pytest.mark.parametrize("ex_id", exercise_ids(COURSE_DATA))
@pytest.mark.parametrize("value", BAD_INPUTS, ids=lambda v: type(v).__name__)
def test_bad_input_never_raises(ex_id, value):
    feedback = exercise(ex_id, COURSE_DATA).check(value)
    assert isinstance(feedback, Feedback)
    # None is the answer cell's placeholder: no verdict yet, not a red "Not yet".
    assert feedback.correct is (None if value is None else False)
    assert str(feedback) and repr(feedback)
    assert feedback._repr_html_() and feedback._repr_markdown_()


def test_none_and_functions_get_a_tip():
    ex = exercise("facts-per-topic", COURSE_DATA)
    placeholder = ex.check(None)
    assert placeholder.correct is None and placeholder.title == "No answer yet — Facts per topic"
    assert "inplace=True" in str(placeholder)
    assert "got a function" in str(ex.check(len))
    assert "generator" in str(ex.check(x for x in []))


def test_learner_edits_do_not_change_the_expected_answer(facts):
    ex = exercise("facts-per-topic", COURSE_DATA)
    mine = data.load_facts(COURSE_DATA)
    mine["topic"] = "source"
    assert ex.check(mine["topic"].value_counts()).correct is False
    assert ex.check(facts["topic"].value_counts()).correct is True


def test_exercise_objects_are_cached():
    assert exercise("facts-per-topic", COURSE_DATA) is exercise("facts-per-topic", COURSE_DATA)


def test_unknown_id_names_the_known_ones():
    with pytest.raises(KeyError, match="facts-per-topic"):
        exercise("no-such-exercise", COURSE_DATA)


# ------------------------------------------------------------------ hints, solution, rendering


def test_hints_are_graded_and_the_last_one_repeats_with_a_note():
    ex = exercise("facts-per-topic", COURSE_DATA)
    total = len(ex.hints)
    first, second, last = ex.hint(), ex.hint(2), ex.hint(total + 5)
    name = " — Facts per topic"
    assert first.title == f"Hint 1 of {total}{name}" and first.correct is None
    assert "`.hint(2)`" in first.text
    assert second.title == f"Hint 2 of {total}{name}"
    assert last.title == f"Hint {total} of {total}{name}"
    assert f"only {total} hints" in last.text
    assert ex.hint(0).title == f"Hint 1 of {total}{name}"
    assert ex.hint("two").title == f"Hint 1 of {total}{name}"  # type: ignore[arg-type]


def test_solution_shows_code_not_the_result(facts):
    ex = exercise("facts-per-topic", COURSE_DATA)
    shown = ex.solution()
    assert shown.code == "facts['topic'].value_counts()"
    assert "facts = load_facts()" in shown.text
    assert "```python" in shown._repr_markdown_()
    assert facts["topic"].value_counts().to_string() not in str(shown)


def test_feedback_renders_without_addresses_and_escapes_html():
    feedback = Feedback(False, "Not yet", "Column '<script>alert(1)</script>' & more\n- a *b*")
    html = feedback._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<ul><li>" in html and "✗ Not yet" in html
    markdown = feedback._repr_markdown_()
    assert "<script>" not in markdown and "\\*b\\*" in markdown
    plain = "✗ Not yet\nColumn '<script>alert(1)</script>' & more\n- a *b*"
    assert repr(feedback) == str(feedback) == plain
    assert "0x" not in repr(feedback)
    assert str(Feedback(True, "Correct")) == "✓ Correct"
    assert str(Feedback(None, "Hint 1 of 2", "Use `x`.")) == "Hint 1 of 2\nUse `x`."


def test_a_learner_column_named_like_html_is_escaped():
    ex = exercise("background-fact-ids", COURSE_DATA)
    feedback = ex.check(pd.DataFrame({"<b>x</b>": [1]}))
    assert "<b>" not in feedback._repr_html_()


def test_exercise_repr_is_fixed_text():
    text = repr(exercise("facts-per-topic", COURSE_DATA))
    assert text.startswith("Exercise: Facts per topic\n")
    assert "facts-per-topic" not in text  # the title, never the slug
    assert ".check(your_answer)" in text and ".hint()" in text and ".solution()" in text
    assert "0x" not in text and text == repr(exercise("facts-per-topic", COURSE_DATA))
    assert (
        "**Exercise: Facts per topic**"
        in exercise("facts-per-topic", COURSE_DATA)._repr_markdown_()
    )


@pytest.mark.parametrize("ex_id", exercise_ids(COURSE_DATA))
def test_every_message_names_the_exercise_by_title(ex_id):
    ex = exercise(ex_id, COURSE_DATA)
    wrong_code = ex.wrong_answers[0][0]
    wrong = _run_snippets(ex.setup, wrong_code, COURSE_DATA)
    right = _run_snippets(ex.setup, ex.solution_code, COURSE_DATA)
    for feedback in (ex.check(right), ex.check(wrong), ex.check(None), ex.hint(), ex.solution()):
        assert feedback.title.endswith(f" — {ex.title}")
        assert ex.id not in feedback.title
    assert ex.check(right).title.startswith("Correct")
    assert ex.check(wrong).title.startswith("Not yet")


@pytest.mark.parametrize("ex_id", exercise_ids(COURSE_DATA))
def test_the_prompt_names_only_the_hints_there_are(ex_id):
    ex = exercise(ex_id, COURSE_DATA)
    shown = ex._repr_markdown_() + repr(ex)
    assert f".hint({len(ex.hints)})" in shown or len(ex.hints) == 1
    assert f".hint({len(ex.hints) + 1})" not in shown


# ------------------------------------------------------------------ the comparison, on small data


def _write(directory: Path, body: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "exercises.toml").write_text(textwrap.dedent(body), encoding="utf-8")
    return directory


def _toy(tmp_path: Path, solution: str, compare: str = "", setup: str = "") -> object:
    """An exercise on data built inside the setup, so no course data is needed."""
    directory = _write(
        tmp_path / "toy",
        f'''
        [[exercises]]
        id = "toy"
        title = "Title of toy"
        notebook = "01_toy.ipynb"
        prompt = "Toy."
        setup = """{setup}"""
        solution = """{solution}"""
        hints = ["one", "two"]
        {compare}
        ''',
    )
    return exercise("toy", data_dir=directory)


TABLE = "pd.DataFrame({'topic': ['a', 'b', 'c'], 'n': [3, 2, 1]}, index=[10, 11, 12])"


def test_frames_missing_extra_and_reordered_columns(tmp_path):
    ex = _toy(tmp_path, TABLE)
    good = pd.DataFrame({"topic": ["a", "b", "c"], "n": [3, 2, 1]})
    assert ex.check(good).correct
    assert "missing 1 column: 'n'" in str(ex.check(good[["topic"]]))
    assert "unexpected 1 column: 'x'" in str(ex.check(good.assign(x=1)))
    assert "different order" in str(ex.check(good[["n", "topic"]]))
    assert "Expected 3 rows, got 2" in str(ex.check(good.head(2)))
    changed = good.copy()
    changed.loc[[0, 2], "topic"] = ["z", "y"]
    assert "2 values differ in column 'topic': at positions 0 and 2 (from 0)" in str(
        ex.check(changed)
    )
    assert "different order" in str(ex.check(good.iloc[::-1]))
    assert "got a pandas Series" in str(ex.check(good["n"]))


def test_frames_without_order_and_with_tolerance(tmp_path):
    ex = _toy(tmp_path, TABLE, "compare = { check_order = false, rtol = 0.01 }")
    good = pd.DataFrame({"n": [1.001, 3, 2], "topic": ["c", "a", "b"]})
    assert ex.check(good).correct
    wrong = good.assign(n=[1.5, 3, 2])
    assert "1 value differs in column 'n'." in str(ex.check(wrong))


def test_frames_with_index_and_dtype_checks(tmp_path):
    ex = _toy(tmp_path, TABLE, "compare = { check_index = true, check_dtype = true }")
    good = pd.DataFrame({"topic": ["a", "b", "c"], "n": [3, 2, 1]}, index=[10, 11, 12])
    assert ex.check(good).correct, str(ex.check(good))
    text = str(ex.check(good.reset_index(drop=True)))
    assert "index labels differ" in text and "missing 3 labels: 10, 11 and 12" in text
    assert "dtype float64; expected int64" in str(ex.check(good.astype({"n": float})))


def test_series_names_nans_and_tied_orders(tmp_path):
    ex = _toy(
        tmp_path,
        "pd.Series([2.0, 2.0, float('nan')], index=['x', 'y', 'z'], name='n')",
        "compare = { check_index = true }",
    )
    assert ex.check(pd.Series([2.0, 2.0, np.nan], index=["y", "x", "z"], name="n")).correct
    renamed = pd.Series([2.0, 2.0, np.nan], index=["x", "y", "z"], name="count")
    assert "named 'count'; expected 'n'" in str(ex.check(renamed))
    assert "at 'z'" in str(ex.check(pd.Series([2.0, 2.0, 0.0], index=["x", "y", "z"], name="n")))


def test_scalars_strings_and_lists(tmp_path):
    number = _toy(tmp_path / "a", "len(load_article_stub)", setup="load_article_stub = 'abcd'")
    assert number.check(4).correct and number.check(np.int64(4)).correct
    assert number.check(4.0).correct
    assert "larger" in str(number.check(5)) and "4" not in str(number.check(5)).split("\n")[1]
    assert "A number has no quotes" in str(number.check("4"))
    assert "got a boolean" in str(number.check(True))
    assert ".iloc[0]" in str(number.check(pd.Series([4])))

    text = _toy(tmp_path / "b", "'Madrid'")
    assert text.check("Madrid").correct
    assert "Almost" in str(text.check(" madrid "))
    assert "'Tokyo'" in str(text.check("Tokyo")) and "Madrid" not in str(text.check("Tokyo"))

    items = _toy(tmp_path / "c", "['A01', 'A02', 'A03']")
    assert items.check(["A01", "A02", "A03"]).correct
    assert items.check(("A01", "A02", "A03")).correct
    assert "different order" in str(items.check(["A03", "A02", "A01"]))
    assert "Expected 3 items, got 2" in str(items.check(["A01", "A02"]))
    assert "`.tolist()`" in str(items.check(pd.Series(["A01", "A02", "A03"])))
    assert "position 1" in str(items.check(["A01", "A09", "A03"]))

    unordered = _toy(tmp_path / "d", "['A01', 'A02']", "compare = { check_order = false }")
    assert unordered.check(["A02", "A01"]).correct
    assert "not expected: 'A09'" in str(unordered.check(["A02", "A09"]))


# ------------------------------------------------------------------ validation


def test_broken_toml_names_file_and_line(data_copy):
    path = data_copy / "exercises.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[[exercises]\nid = 1\n", "utf-8")
    problems = exercise_problems(data_copy)
    assert len(problems) == 1
    assert problems[0].file == "exercises.toml"
    assert problems[0].line == len(path.read_text(encoding="utf-8").splitlines()) - 1
    with pytest.raises(DataError, match="exercises.toml"):
        exercise("facts-per-topic", data_dir=data_copy)


def test_field_problems_name_file_line_and_field(data_copy):
    path = data_copy / "exercises.toml"
    base = path.read_text(encoding="utf-8")
    start = len(base.splitlines()) + 2
    broken = base + textwrap.dedent(
        """
        [[exercises]]
        id = "facts-per-topic"
        title = "Title of facts-per-topic"
        notebook = "notes.txt"
        prompt = "Again."
        solution = "facts['topic'].value_counts()"
        hints = []
        compare = { check_order = "yes", sort = true }
        """
    )
    n = len(exercise_ids(data_copy))
    path.write_text(broken, encoding="utf-8")
    found = {(p.line, p.column): p.message for p in exercise_problems(data_copy)}
    assert (start + 3, f"exercises[{n}].notebook") in found
    assert (start + 6, f"exercises[{n}].hints") in found
    assert (start + 7, f"exercises[{n}].compare.check_order") in found
    assert (start + 7, f"exercises[{n}].compare.sort") in found
    assert all(str(p).startswith("exercises.toml:") for p in exercise_problems(data_copy))


def test_duplicate_and_missing_fields(data_copy):
    path = data_copy / "exercises.toml"
    base = path.read_text(encoding="utf-8")
    start = len(base.splitlines()) + 2
    n = len(exercise_ids(data_copy))
    path.write_text(
        base
        + textwrap.dedent(
            """
            [[exercises]]
            id = "facts-per-topic"
            title = "Title of facts-per-topic"
            notebook = "01_reading_the_source.ipynb"
            prompt = "Again."
            solution = "1"
            hints = ["h"]

            [[exercises]]
            id = "no-solution"
            title = "Title of no-solution"
            notebook = "01_reading_the_source.ipynb"
            prompt = "p"
            hint = ["typo"]
            """
        ),
        encoding="utf-8",
    )
    problems = exercise_problems(data_copy)
    messages = {(p.line, p.column): p.message for p in problems}
    assert "duplicate id 'facts-per-topic'" in messages[(start + 1, f"exercises[{n}].id")]
    assert messages[(start + 8, f"exercises[{n + 1}].solution")] == "required field is missing"
    assert messages[(start + 8, f"exercises[{n + 1}].hints")] == "required field is missing"
    assert "unknown field" in messages[(start + 13, f"exercises[{n + 1}].hint")]


def test_solutions_that_fail_are_reported_with_their_line(data_copy):
    path = data_copy / "exercises.toml"
    base = path.read_text(encoding="utf-8")
    start = len(base.splitlines()) + 2
    n = len(exercise_ids(data_copy))
    path.write_text(
        base
        + textwrap.dedent(
            """
            [[exercises]]
            id = "bad-column"
            title = "Title of bad-column"
            notebook = "01_reading_the_source.ipynb"
            prompt = "p"
            setup = "facts = load_facts()"
            solution = "facts['topik'].value_counts()"
            hints = ["h"]

            [[exercises]]
            id = "no-value"
            title = "Title of no-value"
            notebook = "01_reading_the_source.ipynb"
            prompt = "p"
            solution = "x = 1"
            hints = ["h"]

            [[exercises]]
            id = "bad-syntax"
            title = "Title of bad-syntax"
            notebook = "01_reading_the_source.ipynb"
            prompt = "p"
            solution = "facts[["
            hints = ["h"]
            """
        ),
        encoding="utf-8",
    )
    problems = exercise_problems(data_copy)
    by_line = {p.line: p for p in problems}
    assert by_line[start + 22].column == f"exercises[{n + 2}].solution"
    assert "not valid Python" in by_line[start + 22].message
    path.write_text(
        path.read_text(encoding="utf-8").replace('solution = "facts[["', 'solution = "1"')
    )
    by_line = {p.line: p for p in exercise_problems(data_copy)}
    assert "KeyError" in by_line[start + 6].message and "bad-column" in by_line[start + 6].message
    assert "must be an expression" in by_line[start + 14].message
    with pytest.raises(DataError, match="bad-column"):
        exercise("bad-column", data_dir=data_copy).check(1)


def test_an_edited_file_is_read_again(data_copy):
    path = data_copy / "exercises.toml"
    assert exercise_ids(data_copy)[:2] == ["facts-per-topic", "background-fact-ids"]
    text = path.read_text(encoding="utf-8").replace('"facts-per-topic"', '"topic-counts"')
    path.write_text(text, encoding="utf-8")
    import os

    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert exercise_ids(data_copy)[0] == "topic-counts"


def test_missing_file_is_a_problem(tmp_path):
    (tmp_path / "empty").mkdir()
    problems = exercise_problems(tmp_path / "empty")
    assert [(p.file, p.message) for p in problems] == [("exercises.toml", "file not found")]


def test_wrong_answers_that_pass_or_say_otherwise_are_problems(data_copy):
    path = data_copy / "exercises.toml"
    base = path.read_text(encoding="utf-8")
    start = len(base.splitlines()) + 2
    n = len(exercise_ids(data_copy))
    path.write_text(
        base
        + textwrap.dedent(
            """
            [[exercises]]
            id = "toy-count"
            title = "Title of toy-count"
            notebook = "01_reading_the_source.ipynb"
            prompt = "p"
            setup = "facts = load_facts()"
            solution = "len(facts)"
            hints = ["h"]
            wrong_answers = [
              { code = "facts.shape[0]", says = "x" },
              { code = "len(facts) + 1", says = "smaller" },
              { code = "facts[", says = "x" },
            ]
            """
        ),
        encoding="utf-8",
    )
    problems = exercise_problems(data_copy)
    assert [(p.line, p.column) for p in problems] == [
        (start + 11, f"exercises[{n}].wrong_answers[2].code")
    ]
    path.write_text(path.read_text(encoding="utf-8").replace('"facts["', '"0"'), "utf-8")
    found = {(p.line, p.column): p.message for p in exercise_problems(data_copy)}
    assert "passes the check" in found[(start + 9, f"exercises[{n}].wrong_answers[0]")]
    assert "does not say 'smaller'" in found[(start + 10, f"exercises[{n}].wrong_answers[1]")]
    assert len(found) == 2


BIG = 2_000_000


def test_a_two_million_row_series_gets_the_same_messages(tmp_path):
    # Comparison is vectorised and only the few labels a message names are picked out; the
    # messages must read exactly as they do for a small Series.
    by_label = _toy(
        tmp_path / "a",
        f"pd.Series(np.arange({BIG}) % 7, name='n')",
        "compare = { check_index = true }",
        setup="import numpy as np",
    )
    expected = pd.Series(np.arange(BIG) % 7, name="n")
    assert by_label.check(expected.copy()).correct
    shifted = expected.copy()
    shifted.index = shifted.index + BIG  # no label is where it should be
    text = str(by_label.check(shifted))
    assert f"missing {BIG} labels: 0, 1, 2, 3, 4 and {BIG - 5} more" in text
    assert f"unexpected {BIG} labels: {BIG}, {BIG + 1}, {BIG + 2}, {BIG + 3}, {BIG + 4}" in text
    one_off = expected.copy()
    one_off.iloc[1_234_567] = -1
    assert "1 value differs: at 1234567." in str(by_label.check(one_off))

    by_position = _toy(
        tmp_path / "b",
        f"pd.Series(np.arange({BIG}) % 7, name='n')",
        "compare = { check_order = false }",
        setup="import numpy as np",
    )
    assert by_position.check(expected.sample(frac=1, random_state=0)).correct
    two_off = expected.copy()
    two_off.iloc[[5, 6]] = 99
    # Compared as sorted values: the two changed values shift one more out of place.
    assert "3 values differ." in str(by_position.check(two_off))


def test_large_frames_and_repeated_labels_get_the_same_messages(tmp_path):
    # Wrong values, rows in another order and repeated labels are found column by column,
    # not value by value, on a table too large for a Python loop.
    rows = BIG // 4
    frame = _toy(
        tmp_path / "a",
        f"pd.DataFrame({{'n': np.arange({rows}) % 13, 't': 's' + (np.arange({rows}) % 50)"
        ".astype(str)})",
        setup="import numpy as np",
    )
    expected = frame._expected
    assert frame.check(expected.copy()).correct
    wrong = expected.assign(t="zz")
    assert f"{rows} values differ in column 't': at positions 0, 1, 2, 3, 4 and " in str(
        frame.check(wrong)
    )
    assert "rows are right but in a different order" in str(
        frame.check(expected.iloc[::-1].reset_index(drop=True))
    )
    repeated = _toy(
        tmp_path / "b",
        f"pd.Series(np.arange({rows}) % 7, index=np.arange({rows}) % 10, name='n')",
        "compare = { check_index = true }",
        setup="import numpy as np",
    )
    series = repeated._expected
    assert repeated.check(series.copy()).correct
    relabelled = series.copy()
    relabelled.index = relabelled.index + 1
    assert "The index labels differ from the expected ones" in str(repeated.check(relabelled))


def test_an_infinity_is_never_close_to_a_number(tmp_path):
    # The vectorised tolerance must follow math.isclose: inf is close only to inf.
    ex = _toy(tmp_path, "pd.Series([5.0, float('inf')], name='n')")
    assert ex.check(pd.Series([5.0, np.inf], name="n")).correct
    text = str(ex.check(pd.Series([np.inf, np.inf], name="n")))
    assert "1 value differs: at position 0 (from 0)." in text
    assert not ex.check(pd.Series([5.0, -np.inf], name="n")).correct


def test_text_rows_sort_like_the_value_by_value_rule(tmp_path, monkeypatch):
    # Unordered comparison sorts rows and counts what differs, so the count depends on the
    # order. The vectorised sort of text must give the value-by-value rule's order, which sorts
    # texts by their repr: 'ab#' before 'ab', since "#" sorts before "'".
    ex = _toy(
        tmp_path,
        "pd.DataFrame({'t': ['ab#', 'a', 'ab'], 'n': [1, 1, 1]})",
        "compare = { check_order = false }",
    )
    assert ex.check(pd.DataFrame({"t": ["ab", "ab#", "a"], "n": [1, 1, 1]})).correct
    answer = pd.DataFrame({"t": ["ab%", "ab!", "ab"], "n": [1, 1, 1]})
    fast = str(ex.check(answer))
    assert "2 values differ in column 't'" in fast  # plain string order would say 3
    monkeypatch.setattr(compare_module, "sort_order", lambda frame: None)  # the value-by-value sort
    assert str(ex.check(answer)) == fast


def test_labels_in_another_order_repeated_or_partly_new(tmp_path):
    ex = _toy(
        tmp_path,
        "pd.Series([1, 2, 3], index=['a', 'b', 'c'], name='n')",
        "compare = { check_index = true, check_order = false }",
    )
    assert ex.check(pd.Series([3, 1, 2], index=["c", "a", "b"], name="n")).correct
    assert "1 value differs: at 'a'." in str(
        ex.check(pd.Series([3, 9, 2], index=["c", "a", "b"], name="n"))
    )
    repeated = str(ex.check(pd.Series([1, 2, 3], index=["a", "a", "c"], name="n")))
    assert "The index labels differ from the expected ones (compare your index)." in repeated
    new = str(ex.check(pd.Series([1, 2, 3], index=["a", "x", "c"], name="n")))
    assert "- missing 1 label: 'b'\n- unexpected 1 label: 'x'" in new
