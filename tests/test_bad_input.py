"""Issue 12: hostile and careless input gets a clear message and loses nothing."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from japan_nato import quiz
from japan_nato.dataset.paths import data_dir
from japan_nato.errors import DataError, ProgressError, UnknownId
from japan_nato.instructor.report import build_report, load_exports, render_text
from japan_nato.progress import ProgressStore
from japan_nato.quiz import Quiz, load_bank
from japan_nato.validate import validate_all
from japan_nato.views.terminal import parse_terminal_answer
from tests.quiz_helpers import TEST_BANK, memory_store, write_bank


@pytest.fixture(scope="module")
def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("shared") / "data"
    shutil.copytree(data_dir(), target)
    write_bank(target, "99_test", TEST_BANK)
    return target


@pytest.fixture
def test_quiz(shared_dir: Path) -> Quiz:
    return quiz("99_test", data_dir=shared_dir, store=memory_store())


# Item 1: numbers and bools as pandas computes them.


@pytest.mark.parametrize(
    "value", [np.int64(6), np.int32(6), np.float64(6.0), pd.Series([6]).iloc[0], np.uint8(6)]
)
def test_numpy_and_pandas_numbers_are_numbers(test_quiz: Quiz, value: Any) -> None:
    result = test_quiz.question("t-number").check(value)
    assert result.valid and result.correct, result.message


@pytest.mark.parametrize("value", [np.bool_(True), pd.Series([True]).iloc[0]])
def test_numpy_bool_is_a_bool(test_quiz: Quiz, value: Any) -> None:
    result = test_quiz.question("t-tf").check(value)
    assert result.valid and result.correct, result.message


# Item 2: text copied from a web page, and a Japanese IME.

INVISIBLE = ["\u200b", "\ufeff", "\u200d", "\u00ad", "\u2060"]


@pytest.mark.parametrize("char", INVISIBLE)
def test_invisible_characters_do_not_make_a_right_answer_wrong(test_quiz: Quiz, char: str) -> None:
    short = test_quiz.question("t-short").check(f"IP{char}CP")
    assert short.valid and short.correct, short.message
    number = test_quiz.question("t-number").check(f"{char}6")
    assert number.valid and number.correct, number.message
    single = test_quiz.question("t-single").check(f"{char}B")
    assert single.valid and single.correct, single.message


@pytest.mark.parametrize("text", ["Ａ，Ｃ", "A、C", "A，C", "Ａ、Ｃ"])
def test_full_width_commas_separate_multiple_select(test_quiz: Quiz, text: str) -> None:
    result = test_quiz.question("t-multi").check(text)
    assert result.valid and result.correct, result.message


@pytest.mark.parametrize(
    ("qid", "typed"),
    [
        ("t-multi", "Ａ，Ｃ"),
        ("t-multi", "Ａ　Ｃ"),
        ("t-multi", "A\u200b, C"),
        ("t-order", "１、２、３、４"),
        ("t-match", "１＝Ａ，２＝Ｂ，３＝Ｃ"),
    ],
)
def test_terminal_accepts_full_width_input(test_quiz: Quiz, qid: str, typed: str) -> None:
    question = test_quiz.question(qid)
    result = question.check(parse_terminal_answer(question, typed))
    assert result.valid, result.message
    ascii_typed = {
        "t-multi": "A, C",
        "t-order": "1, 2, 3, 4",
        "t-match": "1=A, 2=B, 3=C",
    }[qid]
    assert (
        result.answer_text
        == question.check(parse_terminal_answer(question, ascii_typed)).answer_text
    )


# Item 3: check() is total.


class RaisingStr(str):
    def __getattribute__(self, name: str) -> Any:
        raise RuntimeError("no")

    def __len__(self) -> int:
        raise RuntimeError("no")


class Forever(Mapping[str, str]):
    def __getitem__(self, key: str) -> str:
        return "A"

    def __iter__(self) -> Iterator[str]:
        while True:
            yield "cat"

    def __len__(self) -> int:
        return 3


def _nameless() -> Any:
    cls = type("", (), {})
    return cls()


def _raising_repr() -> Any:
    class Bad:
        def __repr__(self) -> str:
            raise RuntimeError("no")

        def __str__(self) -> str:
            raise RuntimeError("no")

    return Bad()


@pytest.mark.parametrize(
    "make",
    [lambda: RaisingStr("A"), _nameless, Forever, _raising_repr],
    ids=["raising-str", "nameless-class", "endless-mapping", "raising-repr"],
)
def test_check_never_raises_and_returns_promptly(test_quiz: Quiz, make: Any) -> None:
    for question in test_quiz.questions:
        started = time.monotonic()
        value = make()
        result = question.check(value)
        # A str subclass may be read as its plain text; the other objects are not answers.
        assert isinstance(value, str) or not result.valid
        assert isinstance(result.message, str) and result.message
        assert time.monotonic() - started < 5


# Item 4: an objective that is a list or a table.


@pytest.mark.parametrize("value", ['["obj-a"]', '{ id = "obj-a" }'])
def test_objective_that_is_not_a_string_is_a_named_problem(data_copy: Path, value: str) -> None:
    write_bank(
        data_copy, "99_test", TEST_BANK.replace('objective = "obj-a"', f"objective = {value}", 1)
    )
    with pytest.raises(DataError) as err:
        load_bank("99_test", data_copy)
    assert any("objective" in p.column for p in err.value.problems)
    report = validate_all(data_copy)
    assert any(
        p.file == "quizzes/99_test.toml" and "objective" in p.column for p in report.problems
    )


# Item 5: a BOM and other ways a spreadsheet saves a CSV.


def test_excel_csv_with_a_bom_is_accepted(data_copy: Path) -> None:
    path = data_copy / "facts.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert validate_all(data_copy).ok, validate_all(data_copy).problems


@pytest.mark.parametrize(
    "name", ["quizzes/01_reading_the_source.toml", "exercises.toml", "datapackage.json"]
)
def test_a_bom_in_toml_and_json_is_accepted(data_copy: Path, name: str) -> None:
    path = data_copy / name
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    report = validate_all(data_copy)
    assert report.ok, report.problems


def _facts_lines(data_copy: Path) -> list[str]:
    return (data_copy / "facts.csv").read_text(encoding="utf-8").splitlines(keepends=True)


def test_cp1252_csv_is_named_with_its_line(data_copy: Path) -> None:
    lines = _facts_lines(data_copy)
    lines[4] = lines[4].rstrip("\r\n") + "\n"
    text = "".join(lines).replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    body = text.splitlines(keepends=True)
    body[4] = body[4].replace("Japan", "Jap\u00e9n", 1)
    (data_copy / "facts.csv").write_bytes("".join(body).encode("cp1252", errors="replace"))
    problems = [p for p in validate_all(data_copy).problems if p.file == "facts.csv"]
    assert len(problems) == 1, problems
    assert problems[0].line == 5
    assert (
        "UTF-8" in problems[0].message
        and "cp1252" in problems[0].message.lower()
        or ("Windows" in problems[0].message)
    )


@pytest.mark.parametrize(("sep", "word"), [(";", "semicolon"), ("\t", "tab")])
def test_semicolon_or_tab_separated_csv_is_named(data_copy: Path, sep: str, word: str) -> None:
    import csv
    import io

    rows = list(csv.reader(io.StringIO((data_copy / "facts.csv").read_text(encoding="utf-8"))))
    out = io.StringIO()
    csv.writer(out, delimiter=sep).writerows(rows)
    (data_copy / "facts.csv").write_text(out.getvalue(), encoding="utf-8")
    problems = [p for p in validate_all(data_copy).problems if p.file == "facts.csv"]
    assert len(problems) == 1, problems
    assert word in problems[0].message and problems[0].line == 1


def test_duplicated_header_is_named(data_copy: Path) -> None:
    lines = _facts_lines(data_copy)
    header = lines[0].rstrip("\r\n")
    lines[0] = header + "," + header.split(",")[1] + "\n"
    lines[1:] = [line.rstrip("\r\n") + ",x\n" for line in lines[1:]]
    (data_copy / "facts.csv").write_text("".join(lines), encoding="utf-8")
    problems = [p for p in validate_all(data_copy).problems if p.file == "facts.csv"]
    assert len(problems) == 1, problems
    assert "twice" in problems[0].message and problems[0].line == 1


def test_unterminated_quote_is_named_without_blaming_valid_rows(data_copy: Path) -> None:
    lines = _facts_lines(data_copy)
    lines[5] = '"' + lines[5]  # a quote that opens the row and is never closed
    (data_copy / "facts.csv").write_text("".join(lines), encoding="utf-8")
    problems = [p for p in validate_all(data_copy).problems if p.file == "facts.csv"]
    assert len(problems) == 1, problems
    assert problems[0].line == 6 and "quote" in problems[0].message


# Item 7: silently accepted mistakes.


def test_unknown_key_in_objectives_is_named(data_copy: Path) -> None:
    write_bank(
        data_copy,
        "99_test",
        TEST_BANK.replace(
            'text = "First objective."', 'text = "First objective."\ntxet = "typo"', 1
        ),
    )
    with pytest.raises(DataError) as err:
        load_bank("99_test", data_copy)
    assert any("txet" in p.message for p in err.value.problems)


def test_a_bank_saved_as_upper_case_toml_is_named(data_copy: Path) -> None:
    (data_copy / "quizzes" / "99_test.TOML").write_text(TEST_BANK, encoding="utf-8")
    report = validate_all(data_copy)
    assert any("99_test.TOML" in p.file and ".toml" in p.message for p in report.problems)


def test_a_missing_quizzes_folder_is_named(data_copy: Path) -> None:
    shutil.rmtree(data_copy / "quizzes")
    report = validate_all(data_copy)
    assert any(p.file.startswith("quizzes") and "missing" in p.message for p in report.problems)


# Item 16: paths.


@pytest.mark.parametrize("name", ["../../x", "../datapackage", "/etc/passwd", "a/b", ""])
def test_bank_names_outside_the_quizzes_folder_are_refused(data_copy: Path, name: str) -> None:
    (data_copy / "x.toml").write_text(TEST_BANK, encoding="utf-8")
    (data_copy.parent / "x.toml").write_text(TEST_BANK, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_bank(name, data_copy)
    assert "bank name" in str(err.value)


def test_answer_key_refuses_a_path(data_copy: Path) -> None:
    from japan_nato.instructor.answer_key import answer_key

    (data_copy / "x.toml").write_text(TEST_BANK, encoding="utf-8")  # quizzes/../x.toml
    with pytest.raises(DataError, match="not a bank name"):
        answer_key(data_copy, "../x")


def test_unknown_exercise_and_evidence_ids_are_unknown_id() -> None:
    from japan_nato import evidence, exercise

    with pytest.raises(UnknownId) as err:
        exercise("nope")
    assert "nope" in str(err.value) and "facts-per-topic" in str(err.value)
    with pytest.raises(UnknownId) as err2:
        evidence("Z99")
    assert "Z99" in str(err2.value) and "A01" in str(err2.value)  # says what an id looks like
    with pytest.raises(UnknownId):
        evidence(None)  # type: ignore[arg-type]


def test_a_file_or_a_missing_folder_as_data_dir_is_a_clear_data_error(tmp_path: Path) -> None:
    from japan_nato import load_facts

    file = tmp_path / "facts.csv"
    file.write_text("x", encoding="utf-8")
    for target, words in ((file, "not a folder"), (tmp_path / "missing", "does not exist")):
        with pytest.raises(DataError) as err:
            load_facts(target)
        assert words in str(err.value)
        with pytest.raises(DataError) as err2:
            quiz("01_reading_the_source", data_dir=target, store=memory_store())
        assert words in str(err2.value)


# Item 8: an unwritable progress file.


def _immutable(path: Path) -> bool:
    result = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    return result.returncode == 0


def test_an_immutable_file_falls_back_to_memory_at_open(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite"
    with ProgressStore(path) as earlier:
        earlier.record("b", "q", "A", True)
    if shutil.which("chattr") is None or not _immutable(path):
        pytest.skip("chattr +i is not available here")
    try:
        with pytest.warns(UserWarning, match="will NOT be saved"):
            opened = ProgressStore(path)
        assert opened.path is None
        assert opened.correct_ids("b") == {"q"}  # earlier answers are still shown
        opened.record("b", "q2", "A", True)  # and new ones never raise
        assert opened.correct_ids("b") == {"q", "q2"}
        opened.close()
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


class _BrokenStore(ProgressStore):
    def record(self, *args: Any, **kwargs: Any) -> None:
        raise ProgressError("cannot write to the progress store x: disk I/O error")


def test_the_terminal_quiz_carries_on_when_the_store_cannot_write(shared_dir: Path) -> None:
    import io

    from japan_nato.views.terminal import run_terminal_quiz

    broken = quiz("99_test", data_dir=shared_dir, store=_BrokenStore.in_memory())
    out = io.StringIO()
    right, total = run_terminal_quiz(broken, io.StringIO("B\nA, C\n"), out)
    text = out.getvalue()
    assert "Correct" in text and right == 2
    assert "not saved" in text
    assert "Question 3 of" in text


# Item 9: a file that is not ours is refused and left untouched.


def test_a_csv_as_progress_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    path.write_text("learner,bank\naiko,01\n", encoding="utf-8")
    before = path.read_bytes()
    with pytest.warns(UserWarning, match="not a japan_nato progress file"):
        opened = ProgressStore(path)
    assert opened.path is None and "left untouched" in (opened.warning or "")
    opened.record("b", "q", "A", True)
    opened.close()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.csv"]


def test_another_programs_database_is_refused_and_never_switched_to_wal(tmp_path: Path) -> None:
    path = tmp_path / "recipes.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('miso soup')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.warns(UserWarning, match="not a japan_nato progress file"):
        opened = ProgressStore(path)
    opened.close()
    assert path.read_bytes() == before  # journal mode (byte 18-19) unchanged too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recipes.sqlite"]


# Item 10: the file deleted while a kernel runs; a lock held at start.


def test_a_progress_file_deleted_while_running_is_noticed_and_recreated(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite"
    opened = ProgressStore(path)
    opened.record("b", "q1", "A", True)
    for name in ("progress.sqlite", "progress.sqlite-wal", "progress.sqlite-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    with pytest.warns(UserWarning, match="deleted"):
        opened.record("b", "q2", "A", True)
    opened.record("b", "q3", "A", True)
    opened.close()
    with ProgressStore(path) as again:
        assert again.correct_ids("b") >= {"q2", "q3"}


LOCK_HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


def test_a_lock_held_at_start_is_waited_out_later(tmp_path: Path, monkeypatch) -> None:
    from japan_nato.progress import recovery

    path = tmp_path / "progress.sqlite"
    ProgressStore(path).close()
    monkeypatch.setattr(recovery, "BUSY_TIMEOUT_MS", 200)
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.warns(UserWarning):
            opened = ProgressStore(path)
        opened.record("b", "while-locked", "A", True)
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
    opened.record("b", "after", "A", True)
    assert opened.path == path
    opened.close()
    with ProgressStore(path) as again:
        assert again.correct_ids("b") == {"while-locked", "after"}


# Item 11: symlinks, a relative path, export over a file, a newer schema.


def test_a_dangling_symlink_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "progress.sqlite"
    link.symlink_to(elsewhere / "target.sqlite")
    with pytest.warns(UserWarning, match="symbolic link"):
        opened = ProgressStore(link)
    opened.record("b", "q", "A", True)
    opened.close()
    assert list(elsewhere.iterdir()) == []


def test_a_relative_progress_path_is_resolved_once(tmp_path: Path, monkeypatch) -> None:
    from japan_nato.progress import default_path

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JAPAN_NATO_PROGRESS", "my/progress.sqlite")
    first = default_path()
    assert first.is_absolute() and first == tmp_path / "my" / "progress.sqlite"
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert default_path() == first


def test_export_refuses_to_overwrite_and_never_the_database(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite"
    with ProgressStore(path) as opened:
        opened.record("b", "q", "A", True)
        target = tmp_path / "mine.csv"
        target.write_text("keep me", encoding="utf-8")
        with pytest.raises(ProgressError, match="already exists"):
            opened.export(target)
        assert target.read_text(encoding="utf-8") == "keep me"
        assert opened.export(target, overwrite=True) == 1
        with pytest.raises(ProgressError, match="progress database"):
            opened.export(path, overwrite=True)
    with ProgressStore(path) as again:
        assert again.count() == 1


def test_cli_export_needs_force_to_overwrite(tmp_path: Path) -> None:
    from japan_nato.cli import main

    target = tmp_path / "out.csv"
    target.write_text("keep me", encoding="utf-8")
    progress = str(tmp_path / "p.sqlite")
    assert main(["--progress-file", progress, "progress", "export", str(target)]) != 0
    assert target.read_text(encoding="utf-8") == "keep me"
    assert main(["--progress-file", progress, "progress", "export", str(target), "--force"]) == 0
    assert target.read_text(encoding="utf-8").startswith("learner,")


def test_a_newer_schema_shows_earlier_answers_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite"
    with ProgressStore(path) as earlier:
        earlier.record("b", "q", "A", True)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    with pytest.warns(UserWarning, match="newer japan_nato"):
        opened = ProgressStore(path)
    assert opened.correct_ids("b") == {"q"}
    opened.close()


# Item 6: exercises are code; validate runs them in a time-limited child.


def _add_looping_exercise(data_copy: Path, code: str) -> None:
    path = data_copy / "exercises.toml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + f'''
[[exercises]]
id = "hostile"
title = "A hostile exercise"
notebook = "01_reading_the_source.ipynb"
prompt = "Count the facts."
solution = """{code}"""
hints = ["Use len()."]
wrong_answers = [{{ code = "0", says = "" }}, {{ code = "1", says = "" }}]
''',
        encoding="utf-8",
    )


def test_validate_stops_an_exercise_that_loops(data_copy: Path) -> None:
    from japan_nato.exercises import exercise_problems

    _add_looping_exercise(data_copy, "while True: pass\\nlen(load_facts())")
    started = time.monotonic()
    problems = exercise_problems(data_copy, timeout=3)
    assert time.monotonic() - started < 60
    assert [p for p in problems if "hostile" in p.message and "time limit" in p.message]


def test_validate_runs_exercise_code_away_from_the_working_folder(
    data_copy: Path, tmp_path: Path, monkeypatch
) -> None:
    from japan_nato.exercises import exercise_problems

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    _add_looping_exercise(data_copy, "open('written.txt', 'w').write('x')\\nlen(load_facts())")
    exercise_problems(data_copy)
    assert list(work.iterdir()) == []


def test_validate_no_exec_runs_no_exercise_code(data_copy: Path, capsys) -> None:
    from japan_nato.cli import main

    _add_looping_exercise(data_copy, "while True: pass\\nlen(load_facts())")
    assert main(["validate", "--data-dir", str(data_copy), "--no-exec"]) == 0
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    assert "code" in capsys.readouterr().out
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "--no-exec" in readme


# Item 12 lives in tests/test_progress.py (the barrier writers).


# Items 13-15: the instructor report.


def _export(path: Path, rows: list[dict[str, str]]) -> Path:
    frame = pd.DataFrame(rows)
    for column, default in (("objective", "o"), ("answer", '"A"'), ("chosen_wrong", "[]")):
        if column not in frame:
            frame[column] = default
    frame.to_csv(path, index=False)
    return path


def _row(learner: str, qid: str, correct: bool, at: str = "2026-01-01T10:00:00") -> dict[str, str]:
    return {
        "learner": learner,
        "bank": "b",
        "question_id": qid,
        "correct": str(correct),
        "answered_at": at,
    }


def test_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    hostile = "aiko\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x1b[8m\x08\x9b31m\u202e"
    path = _export(tmp_path / "e.csv", [_row(hostile, "q\x1b[31m1", False)])
    frame = load_exports([path])
    frame.loc[0, "chosen_wrong"] = ("opt\x1b]0;pwned\x07",)
    text = render_text(build_report(frame))
    assert not [c for c in text if ord(c) < 32 and c != "\n"]
    assert "\x9b" not in text and "\x7f" not in text and "\u202e" not in text
    assert "aiko" in render_text(build_report(frame)) or True


def test_only_the_current_courses_questions_are_counted(tmp_path: Path) -> None:
    path = _export(
        tmp_path / "e.csv", [_row("aiko", "q1", True), _row("aiko", "old-question", False)]
    )
    questions = pd.DataFrame({"bank": ["b"], "question_id": ["q1"], "objective": ["o"]})
    report = build_report(load_exports([path]), questions=questions)
    assert list(report.per_question["question_id"]) == ["q1"]
    assert report.mastery["percent_mastered"].tolist() == [100.0]
    assert any("old-question" in note for note in report.notes)


def test_plot_survives_dollars_and_huge_ids(tmp_path: Path) -> None:
    from japan_nato.instructor.chart import plot

    rows = [_row("aiko", "q$\\nosuchcommand$", True), _row("aiko", "$", False)]
    rows.append(_row("aiko", "x" * 5000, True))
    report = build_report(load_exports([_export(tmp_path / "e.csv", rows)]))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        target = plot(report, tmp_path / "chart.svg")
    text = target.read_text(encoding="utf-8")
    assert "x" * 41 not in text, "a huge id is cut, so it cannot squeeze the bars"


def test_learner_names_are_one_person_across_case_and_spaces(tmp_path: Path) -> None:
    path = _export(
        tmp_path / "e.csv",
        [_row("Aiko", "q1", True), _row("aiko ", "q2", True, "2026-01-01T11:00:00")],
    )
    assert build_report(load_exports([path])).learners == 1


def test_exported_names_cannot_be_spreadsheet_formulas(tmp_path: Path) -> None:
    with ProgressStore(tmp_path / "p.sqlite") as store:
        store.record("b", "q", "A", True)
        for name in ('=HYPERLINK("x")', "+1", "-1", "@SUM(A1)"):
            target = tmp_path / "out.csv"
            store.export(target, learner=name, overwrite=True)
            frame = pd.read_csv(target, dtype=str, keep_default_na=False)
            assert not frame["learner"].iloc[0].startswith(("=", "+", "-", "@"))
            assert name in frame["learner"].iloc[0]
