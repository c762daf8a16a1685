"""The command line: `cli.main(argv)` in-process, plus a few `python -m japan_nato` smoke runs."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import japan_nato
from japan_nato.cli import main
from japan_nato.dataset.paths import data_dir
from japan_nato.progress import ProgressStore
from japan_nato.progress import store as store_module
from japan_nato.quiz import LETTERS, bank_names, load_bank
from tests.support.course_data import COURSE_DATA

SRC = Path(japan_nato.__file__).resolve().parents[1]
SAMPLES = sorted((Path(__file__).parent / "data").glob("progress_*.csv"))
COMMANDS = ["validate", "quiz", "progress", "report", "answer-key"]

TINY_BANK = """\
[bank]
title = "Tiny test bank"
notebook = "99_tiny.ipynb"

[[objectives]]
id = "tiny-obj"
text = "Answer a tiny question of every type."

[[questions]]
id = "tiny-single"
type = "single_choice"
prompt = "Where was the 2022 NATO Summit held?"
objective = "tiny-obj"
fact_ids = ["A01"]
hint = "Look at the dateline."
explanation = "The summit was held in Madrid."
options = [
  { text = "Madrid", correct = true },
  { text = "Brussels", feedback = "Brussels is NATO's headquarters, not the summit venue." },
  { text = "Tokyo", feedback = "Tokyo is Japan's capital." },
]

[[questions]]
id = "tiny-multi"
type = "multiple_select"
prompt = "Which are cities in Spain?"
objective = "tiny-obj"
fact_ids = ["A01"]
explanation = "Madrid and Seville are in Spain."
options = [
  { text = "Lisbon", feedback = "Lisbon is in Portugal." },
  { text = "Madrid", correct = true },
  { text = "Seville", correct = true },
]

[[questions]]
id = "tiny-tf"
type = "true_false"
prompt = "True or false: the article is dated in Madrid."
objective = "tiny-obj"
fact_ids = ["A01"]
answer = true
feedback = "The dateline says Madrid."
explanation = "The dateline is Madrid, 5 July 2022."

[[questions]]
id = "tiny-order"
type = "ordering"
prompt = "Put these numbers in order, smallest first."
objective = "tiny-obj"
fact_ids = ["A01"]
explanation = "One, two, three."
items = ["one", "two", "three"]

[[questions]]
id = "tiny-match"
type = "matching"
prompt = "Match each city to its country."
objective = "tiny-obj"
fact_ids = ["A01"]
explanation = "Madrid is in Spain, Tokyo in Japan, Brussels in Belgium."
pairs = [
  { term = "Madrid", definition = "Spain" },
  { term = "Tokyo", definition = "Japan" },
  { term = "Brussels", definition = "Belgium" },
]

[[questions]]
id = "tiny-short"
type = "short_answer"
prompt = "What is the abbreviation of the Individual Partnership and Cooperation Programme?"
objective = "tiny-obj"
fact_ids = ["A01"]
explanation = "IPCP."
answers = ["IPCP", "Individual Partnership and Cooperation Programme"]
"""


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course data plus the tiny bank."""
    target = tmp_path_factory.mktemp("cli") / "data"
    shutil.copytree(data_dir(), target)
    (target / "quizzes" / "tiny.toml").write_text(TINY_BANK, encoding="utf-8")
    return target


@pytest.fixture
def progress_file(tmp_path: Path) -> Path:
    return tmp_path / "progress" / "progress.sqlite"


@pytest.fixture(autouse=True)
def _close_stores() -> Iterator[None]:
    """Close the stores main() opened in this process, as the end of a real process would."""
    yield
    with store_module._STORES_LOCK:
        for opened in store_module._STORES.values():
            opened.close()
        store_module._STORES.clear()


def run(
    *args: str | Path,
    progress: Path,
    stdin: str = "",
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `japan-nato args...` in this process (`cli.main`), its progress in progress.

    stdin is piped text (not a terminal); stdout and stderr are captured; the environment
    changes last for the call only.
    """
    changes = {"JAPAN_NATO_PROGRESS": str(progress), **(env or {})}
    saved = {name: os.environ.get(name) for name in changes}
    out, err = io.StringIO(), io.StringIO()
    os.environ.update(changes)
    try:
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            _stdin(io.StringIO(stdin)),
        ):
            try:
                code = main([str(arg) for arg in args])
            except SystemExit as done:  # argparse: --help and usage errors
                code = done.code if isinstance(done.code, int) else 1
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    result = subprocess.CompletedProcess(list(map(str, args)), code, out.getvalue(), err.getvalue())
    assert "Traceback" not in result.stderr, result.stderr
    return result


@contextlib.contextmanager
def _stdin(stream: io.StringIO) -> Iterator[None]:
    """Read sys.stdin from stream for the duration."""
    saved, sys.stdin = sys.stdin, stream
    try:
        yield
    finally:
        sys.stdin = saved


def run_process(
    *args: str | Path,
    progress: Path,
    stdin: str = "",
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m japan_nato args...` in a subprocess, its progress in progress."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(SRC), environment.get("PYTHONPATH")])
    )
    environment["JAPAN_NATO_PROGRESS"] = str(progress)
    environment["PYTHONIOENCODING"] = "utf-8"
    environment.update(env or {})
    result = subprocess.run(
        [sys.executable, "-m", "japan_nato", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def right_answers(tiny_dir: Path) -> list[str]:
    """The tiny bank's right answers, typed as a terminal user types them."""
    bank = {q.id: q for q in load_bank("tiny", tiny_dir).questions}
    order = bank["tiny-order"]
    numbers = " ".join(str(order.display_items.index(item) + 1) for item in order.items)
    match = bank["tiny-match"]
    pairs = ", ".join(
        f"{n}={LETTERS[match.display_definitions.index(d)]}"
        for n, (_, d) in enumerate(match.pairs, 1)
    )
    return ["B", "A, C", "true", numbers, pairs, "ipcp!"]


# -- help ---------------------------------------------------------------------------------


def test_help_documents_every_command(progress_file: Path) -> None:
    # A smoke run: `python -m japan_nato` starts and its help lists every command.
    result = run_process("--help", progress=progress_file)
    assert result.returncode == 0
    for command in COMMANDS:
        assert re.search(rf"^\s+{command}\s+\S", result.stdout, re.MULTILINE), command
    assert "--progress-file" in result.stdout


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["quiz"],
        ["progress"],
        ["progress", "export"],
        ["progress", "reset"],
        ["report"],
        ["answer-key"],
    ],
)
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # In-process: the same parser, without a Python start-up per command.
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: japan-nato {' '.join(command)}")
    description = out.split("\n\n")[1]
    assert len(description.split()) >= 5, out


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([])
    assert done.value.code == 2
    assert "usage:" in capsys.readouterr().err


# -- validate ---------------------------------------------------------------------------------


def test_validate_passes_on_the_course_data(progress_file: Path) -> None:
    result = run("validate", progress=progress_file)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(result.stdout.strip().splitlines()) == 1


def test_validate_with_the_tiny_bank(tiny_dir: Path, progress_file: Path) -> None:
    result = run("validate", "--data-dir", tiny_dir, progress=progress_file)
    assert result.returncode == 0, result.stdout + result.stderr


def test_validate_lists_every_problem_and_fails(tiny_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "data"
    shutil.copytree(tiny_dir, broken)
    bank = broken / "quizzes" / "tiny.toml"
    text = bank.read_text(encoding="utf-8")
    text = text.replace('type = "ordering"', 'type = "essay"')
    text = text.replace('fact_ids = ["A01"]\nhint', 'fact_ids = ["A999"]\nhint')
    bank.write_text(text, encoding="utf-8")
    result = run("validate", "--data-dir", broken, progress=tmp_path / "p.sqlite")
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) >= 2
    assert any(re.match(r"quizzes/tiny\.toml:\d+: .*essay", line) for line in lines)
    assert any("A999" in line for line in lines)


# -- quiz in the terminal ---------------------------------------------------------------------


def test_piped_quiz_with_right_wrong_and_garbage_answers(
    tiny_dir: Path, progress_file: Path
) -> None:
    right = right_answers(tiny_dir)
    typed = [
        "Z",  # not an option: asked again
        right[0],
        "B",  # tiny-multi: only the wrong option; a first wrong try is asked again
        "B",  # the second wrong try: the explanation, then the next question
        "maybe",  # not true or false: asked again
        "?",  # a hint
        right[2],
        right[3],
        "1=A, 2=A, 3=A",  # the same definition three times: asked again
        right[4],
        right[5],
    ]
    # A smoke run: the whole terminal quiz through a pipe into a real process.
    result = run_process(
        "quiz", "tiny", "--data-dir", tiny_dir, progress=progress_file, stdin="\n".join(typed)
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Question 1 of 6 (single choice)" in out
    assert "Where was the 2022 NATO Summit held?" in out
    assert "A. Brussels" in out
    assert "“Z” is not one of the options" in out
    assert "Lisbon is in Portugal." in out  # the wrong option's feedback
    assert "is not True or False" in out
    assert "No hint for this one." in out
    assert "The same definition was used twice." in out
    assert out.count("✓ Correct.") == 5
    assert out.count("✗ Not quite.") == 2
    assert out.count("Try again") == 1
    assert "Score: 5 of 6 correct this time; 5 of 6 in your progress." in out

    with ProgressStore(progress_file) as store:
        attempts = store.attempts("tiny")
    # Only well-formed answers are recorded.
    assert attempts["question_id"].tolist() == [
        "tiny-single",
        "tiny-multi",
        "tiny-multi",
        "tiny-tf",
        "tiny-order",
        "tiny-match",
        "tiny-short",
    ]
    assert attempts["correct"].tolist() == [True, False, False, True, True, True, True]


def test_quiz_accepts_letters_for_order_and_matching(tiny_dir: Path, progress_file: Path) -> None:
    bank = {q.id: q for q in load_bank("tiny", tiny_dir).questions}
    order = " ".join(
        LETTERS[bank["tiny-order"].display_items.index(i)] for i in ("one", "two", "three")
    )
    match = bank["tiny-match"]
    letters = ",".join(LETTERS[match.display_definitions.index(d)] for _, d in match.pairs)
    typed = [
        "Madrid",
        "a c",
        "yes",
        order,
        letters,
        "Individual partnership and cooperation programme",
    ]
    result = run(
        "quiz", "tiny", "--data-dir", tiny_dir, progress=progress_file, stdin="\n".join(typed)
    )
    assert "Score: 6 of 6 correct this time" in result.stdout


def test_end_of_input_ends_the_quiz_with_the_score(tiny_dir: Path, progress_file: Path) -> None:
    result = run("quiz", "tiny", "--data-dir", tiny_dir, progress=progress_file, stdin="B\n")
    assert result.returncode == 0
    assert "Question 2 of 6" in result.stdout
    assert "Question 3 of 6" not in result.stdout
    assert "End of input" in result.stdout
    assert "Score: 1 of 6 correct this time; 1 of 6 in your progress." in result.stdout


def test_empty_lines_skip_and_progress_is_remembered(tiny_dir: Path, progress_file: Path) -> None:
    run("quiz", "tiny", "--data-dir", tiny_dir, progress=progress_file, stdin="B\n")
    result = run("quiz", "tiny", "--data-dir", tiny_dir, progress=progress_file, stdin="\n" * 6)
    assert result.stdout.count("Skipped.") == 6
    assert "Question 1 of 6 (single choice) (already answered correctly)" in result.stdout
    assert "Score: 0 of 6 correct this time; 1 of 6 in your progress." in result.stdout


def test_unknown_bank_is_a_usage_error(progress_file: Path) -> None:
    result = run("quiz", "no-such-bank", progress=progress_file)
    assert result.returncode == 2
    assert result.stderr.startswith("error: no question bank 'no-such-bank'")
    assert "01_reading_the_source" in result.stderr


def test_a_broken_bank_is_an_error_not_a_traceback(tiny_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "data"
    shutil.copytree(tiny_dir, broken)
    bank = broken / "quizzes" / "tiny.toml"
    bank.write_text(TINY_BANK.replace('id = "tiny-obj"', 'id = "other"', 1), encoding="utf-8")
    result = run("quiz", "tiny", "--data-dir", broken, progress=tmp_path / "p.sqlite")
    assert result.returncode == 1
    assert result.stderr.startswith("error: ")
    assert "quizzes/tiny.toml:" in result.stderr


# -- progress -----------------------------------------------------------------------------------


def _answered(tiny_dir: Path, progress_file: Path) -> None:
    # The first answered wrong twice (a first wrong try is asked again), the rest right.
    stdin = "\n".join(["A", "A", *right_answers(tiny_dir)[1:]])
    run("quiz", "tiny", "--data-dir", tiny_dir, progress=progress_file, stdin=stdin)


def test_progress_prints_one_line_per_bank(tiny_dir: Path, progress_file: Path) -> None:
    _answered(tiny_dir, progress_file)
    result = run("progress", "--data-dir", tiny_dir, progress=progress_file)
    assert result.returncode == 0
    assert str(progress_file) in result.stdout
    lines = result.stdout.splitlines()
    assert re.search(r"no\s+quiz\s+right\s+of\s+done", result.stdout)
    tiny = next(line for line in lines if line.strip().startswith("ti "))
    assert tiny.split()[-2:] == ["5", "6"]
    table = result.stdout.split("  no  quiz")[1].splitlines()  # the file's path may be long
    assert max(len(line) for line in table) <= 80


def test_progress_of_the_course_fits_80_columns_and_shows_exercises(
    progress_file: Path,
) -> None:
    result = run("progress", progress=progress_file)
    lines = result.stdout.split("  no  quiz")[1].splitlines()  # the file's path may be long
    assert max(len(line) for line in lines) <= 80
    assert "practice, not graded" in next(line for line in lines if line.startswith("  00 "))
    assert any("Facts per topic" in line for line in lines)  # exercises, by title


def test_a_generic_account_name_is_never_an_export_name(
    tiny_dir: Path, progress_file: Path, tmp_path: Path
) -> None:
    _answered(tiny_dir, progress_file)
    target = tmp_path / "mine.csv"
    env = {"JAPAN_NATO_LEARNER": "jovyan"}
    refused = run("progress", "export", target, progress=progress_file, env=env)
    assert refused.returncode == 1 and not target.exists()
    assert "--learner" in refused.stderr and "'jovyan'" in refused.stderr
    bad = run("progress", "name", "root", progress=progress_file, env=env)
    assert bad.returncode == 2 and "many learners share" in bad.stderr
    kept = run("progress", "name", "Aiko T.", progress=progress_file, env=env)
    assert kept.returncode == 0 and "Aiko T." in kept.stdout
    done = run("progress", "export", target, progress=progress_file, env=env)
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8").splitlines()[1].startswith("Aiko T.,tiny,")
    shown = run("progress", "name", progress=progress_file, env=env)
    assert "'Aiko T.'" in shown.stdout


def test_progress_export_writes_the_csv(
    tiny_dir: Path, progress_file: Path, tmp_path: Path
) -> None:
    _answered(tiny_dir, progress_file)
    target = tmp_path / "mine.csv"
    result = run("progress", "export", target, "--learner", "Aiko", progress=progress_file)
    assert result.returncode == 0
    assert "Wrote 7 answer(s) for learner 'Aiko'" in result.stdout
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 7
    assert {row["learner"] for row in rows} == {"Aiko"}


def test_progress_export_learner_from_the_environment(
    tiny_dir: Path, progress_file: Path, tmp_path: Path
) -> None:
    _answered(tiny_dir, progress_file)
    target = tmp_path / "mine.csv"
    run("progress", "export", target, progress=progress_file, env={"JAPAN_NATO_LEARNER": "Ben"})
    assert target.read_text(encoding="utf-8").splitlines()[1].startswith("Ben,tiny,")


def test_progress_export_to_a_missing_folder_is_an_error(
    progress_file: Path, tmp_path: Path
) -> None:
    result = run(
        "progress",
        "export",
        tmp_path / "no" / "such.csv",
        "--learner",
        "Aiko",
        progress=progress_file,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot write the export")


def test_progress_file_option_overrides_the_environment(
    tiny_dir: Path, progress_file: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.sqlite"
    run(
        "--progress-file",
        other,
        "quiz",
        "tiny",
        "--data-dir",
        tiny_dir,
        progress=progress_file,
        stdin="B\n",
    )
    with ProgressStore(other) as store:
        assert store.count() == 1
    assert not progress_file.exists()


def test_reset_refuses_without_a_terminal_or_yes(tiny_dir: Path, progress_file: Path) -> None:
    _answered(tiny_dir, progress_file)
    result = run("progress", "reset", progress=progress_file, stdin="y\n")
    assert result.returncode == 1
    assert "refusing to delete 7 answer(s)" in result.stderr
    assert "--yes" in result.stderr
    with ProgressStore(progress_file) as store:
        assert store.count() == 7


def test_reset_yes_deletes(tiny_dir: Path, progress_file: Path) -> None:
    _answered(tiny_dir, progress_file)
    result = run("progress", "reset", "--yes", progress=progress_file)
    assert result.returncode == 0
    assert "Deleted 7 answer(s)." in result.stdout
    with ProgressStore(progress_file) as store:
        assert store.count() == 0
    again = run("progress", "reset", progress=progress_file)
    assert (again.returncode, again.stdout.strip()) == (0, "No answers to delete.")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize(("reply", "left"), [("y", 0), ("n", 7), ("", 7)])
def test_reset_asks_in_a_terminal(
    tiny_dir: Path, progress_file: Path, reply: str, left: int
) -> None:
    import pty

    _answered(tiny_dir, progress_file)
    controller, terminal = pty.openpty()
    environment = dict(os.environ)
    environment["PYTHONPATH"] = str(SRC)
    environment["JAPAN_NATO_PROGRESS"] = str(progress_file)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "japan_nato", "progress", "reset"],
            stdin=terminal,
            stdout=terminal,
            stderr=subprocess.PIPE,
            env=environment,
        )
        os.close(terminal)
        seen = b""
        while b"[y/N]" not in seen:
            ready, _, _ = select.select([controller], [], [], 60)
            assert ready, f"no prompt; got {seen!r}"
            seen += os.read(controller, 1024)
        assert b"Delete 7 answers? [y/N]" in seen
        os.write(controller, reply.encode() + b"\n")
        assert process.wait(timeout=60) == 0, process.stderr.read()
        process.stderr.close()
    finally:
        os.close(controller)
    with ProgressStore(progress_file) as store:
        assert store.count() == left


def test_an_unusable_progress_place_warns_and_carries_on(tiny_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = run("quiz", "tiny", "--data-dir", tiny_dir, progress=folder, stdin="B\n")
    assert result.returncode == 0
    assert result.stderr.startswith("warning: Cannot use the progress file")
    assert "will NOT be saved" in result.stderr
    assert "Score: 1 of 6 correct this time" in result.stdout


# -- report and answer key --------------------------------------------------------------------


def test_report_on_the_sample_exports(progress_file: Path, tmp_path: Path) -> None:
    chart = tmp_path / "report.svg"
    result = run("report", *SAMPLES, "--plot", chart, "--top", "3", progress=progress_file)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # The 7 answers to notebook 00's practice questions are reported apart, not counted, and two
    # sample answers are to a question the course no longer has: listed, not counted.
    assert out.startswith("Instructor report: 3 learner(s), 29 answer(s)")
    assert "Practice questions (notebook 00): not graded" in out
    assert "not counted" in out and "src-what-agreed" in out
    report_lines = out.split("Chart written to")[0].splitlines()  # the chart's path may be long
    assert max(len(line) for line in report_lines) <= 80
    for heading in ("Per question", "Most missed", "Misconceptions", "Mastery per objective"):
        assert heading in out
    assert re.search(r"src-meeting-date\s+5 July 2022\s+3\s+3", out)
    assert f"Chart written to {chart}" in out
    assert chart.read_text(encoding="utf-8").startswith("<svg ")
    missed = out.split("Most missed")[1].split("Misconceptions")[0]
    assert len([line for line in missed.splitlines() if re.match(r"\s+\d\d\s", line)]) == 3


def test_report_on_a_bad_file_names_it(progress_file: Path, tmp_path: Path) -> None:
    bad = tmp_path / "grades.csv"
    bad.write_text("name,score\nAiko,10\n", encoding="utf-8")
    result = run("report", SAMPLES[0], bad, progress=progress_file)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {bad}:1: header: missing column(s)")


def test_report_top_must_be_positive(progress_file: Path) -> None:
    result = run("report", SAMPLES[0], "--top", "0", progress=progress_file)
    assert result.returncode == 2
    assert "at least 1" in result.stderr


def test_answer_key_for_every_bank(progress_file: Path) -> None:
    result = run("answer-key", progress=progress_file)
    assert result.returncode == 0
    assert result.stdout.startswith("# Answer key\n")
    for name in bank_names(COURSE_DATA):
        assert f"(`{name}`)" in result.stdout
    assert result.stdout == run("answer-key", progress=progress_file).stdout  # deterministic


def test_answer_key_for_one_bank_to_a_file(
    tiny_dir: Path, progress_file: Path, tmp_path: Path
) -> None:
    target = tmp_path / "key.md"
    result = run("answer-key", "tiny", "-o", target, "--data-dir", tiny_dir, progress=progress_file)
    assert result.returncode == 0
    key = target.read_text(encoding="utf-8")
    assert key.count("\n## ") == 1
    assert "## Tiny test bank (`tiny`)" in key
    assert "### 1. `tiny-single` (single choice)" in key
    assert "- **Answer:** B. Madrid" in key
    assert "  - A. Brussels: Brussels is NATO's headquarters" in key
    assert "  - False: The dateline says Madrid." in key
    assert "- **Facts:** A01" in key
    assert "- **Hint:** Look at the dateline." in key


def test_answer_key_unknown_bank(progress_file: Path) -> None:
    result = run("answer-key", "nope", progress=progress_file)
    assert result.returncode == 2
    assert "no question bank 'nope'" in result.stderr
