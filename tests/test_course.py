"""The course notebooks follow the conventions a learner and an instructor rely on."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from japan_nato.quiz import bank_names, load_bank

from .conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXPECTED = [
    "00_start_here",
    "01_reading_the_source",
    "02_madrid_summit_2022",
    "03_the_ipcp",
    "04_nato_partnerships",
    "05_values_and_challenges",
    "06_review",
]
MACHINE_PATHS = re.compile(r"/(?:work|root|tmp)/|/home/\w+/|[A-Z]:\\\\Users")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _banks_shown(path: Path) -> list[str]:
    code = "\n".join(_source(c) for c in _cells(path) if c["cell_type"] == "code")
    return re.findall(r"\bquiz\(\s*[\"']([\w-]+)[\"']", code)


def test_the_seven_notebooks_exist_in_order():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_opens_with_time_questions_objectives_and_ends_with_key_points(path):
    cells = _cells(path)
    header = _source(cells[0])
    assert "header" in _tags(cells[0])
    assert re.search(r"^# \d\d · ", header, re.MULTILINE)
    assert re.search(r"^\*\*Time:\*\* about \d+ minutes", header, re.MULTILINE)
    assert "## Questions" in header
    assert "## Objectives" in header
    assert any(
        _source(c).startswith("## Key points") for c in cells if c["cell_type"] == "markdown"
    )
    assert "setup" in _tags(cells[1])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_header_lists_every_objective_of_its_bank(path):
    header = _source(_cells(path)[0])
    if path.stem not in bank_names():
        pytest.skip("no bank of its own")
    for text in load_bank(path.stem).objectives.values():
        assert text in header, text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_bank_shown_exists_and_validates(path):
    shown = _banks_shown(path)
    if path.stem != "00_start_here":
        assert path.stem in shown
    for name in shown:
        assert load_bank(name).notebook == f"{path.stem}.ipynb"


@pytest.mark.parametrize("name", [n for n in EXPECTED if n != "00_start_here"])
def test_bank_has_6_to_10_questions_of_at_least_three_types(name):
    bank = load_bank(name)
    assert 6 <= len(bank.questions) <= 10
    assert len({q.type_name for q in bank.questions}) >= 3


@pytest.mark.parametrize("name", bank_names())
def test_every_objective_is_assessed_by_at_least_two_questions(name):
    bank = load_bank(name)
    counts = Counter(q.objective for q in bank.questions)
    assert {obj: counts[obj] for obj in bank.objectives if counts[obj] < 2} == {}


def test_the_course_has_at_least_45_questions_using_every_type():
    questions = [q for name in bank_names() for q in load_bank(name).questions]
    assert len(questions) >= 45
    assert {q.type_name for q in questions} == {
        "single_choice",
        "multiple_select",
        "true_false",
        "ordering",
        "matching",
        "short_answer",
    }


@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=lambda p: p.stem)
def test_notebook_has_a_checked_pandas_exercise(path):
    from japan_nato.exercises import exercise_ids

    code = "\n".join(_source(c) for c in _cells(path) if c["cell_type"] == "code")
    used = re.findall(r"\bexercise\(\s*[\"']([\w-]+)[\"']", code)
    assert used, "no exercise(...) in this notebook"
    assert set(used) <= set(exercise_ids())
    assert ".check(" in code


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_outputs_are_clean(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in notebook["metadata"], "widget state saved: run `make notebooks`"
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "not a clean restart-and-run-all"
    for cell in code:
        for output in cell["outputs"]:
            assert output["output_type"] != "error"
            assert output.get("name") != "stderr", _source(cell)
            text = json.dumps(output)
            assert not MACHINE_PATHS.search(text), MACHINE_PATHS.search(text).group()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_hold_narrative_not_helper_logic(path):
    for cell in _cells(path):
        if cell["cell_type"] != "code":
            continue
        source = _source(cell)
        assert not re.search(r"^\s*[!%]", source, re.MULTILINE), source
        assert not re.search(r"^\s*(def|class) ", source, re.MULTILINE), source
        assert "open(" not in source and "to_csv(" not in source, source


def test_navigation_links_are_current():
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "navigation.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + "\nRun `make nav`."


def test_committed_answer_key_is_current():
    from japan_nato.instructor.answer_key import answer_key

    committed = (REPO / "instructors" / "answer-key.md").read_text(encoding="utf-8")
    assert committed == answer_key(), "Run `make answer-key`."


def test_instructor_misconceptions_name_real_questions():
    text = (REPO / "instructors" / "misconceptions.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z]+(?:-[a-z0-9]+)+)`", text))
    known = {q.id for name in bank_names() for q in load_bank(name).questions}
    assert named, "no question ids found"
    assert named - known == set()


def test_readme_documents_every_cli_command():
    from japan_nato.cli import build_parser

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for command in commands.choices:
        assert f"japan-nato {command}" in readme, command
