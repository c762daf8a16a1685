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
from tests.support.course_data import COURSE_DATA

from .conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
BANKS = REPO / "data" / "quizzes"
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
    if path.stem not in bank_names(COURSE_DATA):
        pytest.skip("no bank of its own")
    for text in load_bank(path.stem, COURSE_DATA).objectives.values():
        assert text in header, text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_bank_shown_exists_and_validates(path):
    shown = _banks_shown(path)
    if path.stem != "00_start_here":
        assert path.stem in shown
    for name in shown:
        assert load_bank(name, COURSE_DATA).notebook == f"{path.stem}.ipynb"


@pytest.mark.parametrize("name", [n for n in EXPECTED if n != "00_start_here"])
def test_bank_has_6_to_10_questions_of_at_least_three_types(name):
    bank = load_bank(name, COURSE_DATA)
    assert 6 <= len(bank.questions) <= 10
    assert len({q.type_name for q in bank.questions}) >= 3


@pytest.mark.parametrize("name", bank_names(COURSE_DATA))
def test_every_objective_is_assessed_by_at_least_two_questions(name):
    bank = load_bank(name, COURSE_DATA)
    counts = Counter(q.objective for q in bank.questions)
    assert {obj: counts[obj] for obj in bank.objectives if counts[obj] < 2} == {}


def test_the_course_has_at_least_45_questions_using_every_type():
    questions = [
        q for name in bank_names(COURSE_DATA) for q in load_bank(name, COURSE_DATA).questions
    ]
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
    assert set(used) <= set(exercise_ids(COURSE_DATA))
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
    assert committed == answer_key(COURSE_DATA), "Run `make answer-key`."


def test_instructor_misconceptions_name_real_questions():
    text = (REPO / "instructors" / "misconceptions.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z]+(?:-[a-z0-9]+)+)`", text))
    known = {
        q.id for name in bank_names(COURSE_DATA) for q in load_bank(name, COURSE_DATA).questions
    }
    assert named, "no question ids found"
    assert named - known == set()


def test_readme_documents_every_cli_command():
    from japan_nato.cli import build_parser

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for command in commands.choices:
        assert f"japan-nato {command}" in readme, command


def test_stated_times_agree_with_the_reading_time_estimate():
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "reading_time.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
    assert "about" in result.stdout


def _exercise_cells(path: Path) -> list[str]:
    return [
        _source(c) for c in _cells(path) if c["cell_type"] == "code" and "exercise(" in _source(c)
    ]


@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=lambda p: p.stem)
def test_each_exercise_has_its_own_name_and_a_hint_cell_that_runs(path):
    code = [_source(c) for c in _cells(path) if c["cell_type"] == "code"]
    names = [re.match(r"(\w+) = exercise\(", s).group(1) for s in _exercise_cells(path)]
    assert len(names) == len(set(names)), names
    assert "ex" not in names
    for name in names:
        assert f"{name}.check(answer)" in code
        assert f"{name}.hint()" in code, "the hint cell must be a normal cell, not a comment"
    assert not any(line.lstrip().startswith("# ex") for s in code for line in s.splitlines())


def test_the_start_notebook_does_not_answer_its_own_questions():
    code = "\n".join(_source(c) for c in _cells(NOTEBOOKS[0]) if c["cell_type"] == "code")
    calls = re.findall(r"\.answer\(\s*\"([\w-]+)\",\s*\"([^\"]*)\"\)", code)
    from japan_nato.quiz import load_bank

    bank = {q.id: q for q in load_bank("00_start_here", COURSE_DATA).questions}
    for qid, answer in calls:
        assert not bank[qid].check(answer).valid, (qid, answer)
    text = " ".join(_source(c) for c in _cells(NOTEBOOKS[0]) if c["cell_type"] == "markdown")
    assert "Nothing here is graded" not in text


@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=lambda p: p.stem)
def test_no_exercise_result_is_printed_in_the_markdown_after_it(path):
    cells = _cells(path)
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "code" and re.search(r"\.hint\(\)", _source(cell)):
            after = next((c for c in cells[i + 1 :] if c["cell_type"] == "markdown"), None)
            if after is None:
                continue
            text = _source(after)
            assert "in your answer" not in text, text
            if text.startswith("> **What did you find?**"):
                assert "?" in text


def _course_text() -> str:
    """All learner-facing text: notebook markdown, banks and the instructor kit."""
    parts = [_source(c) for path in NOTEBOOKS for c in _cells(path) if c["cell_type"] == "markdown"]
    parts += [p.read_text(encoding="utf-8") for p in sorted(BANKS.glob("*.toml"))]
    parts.append((REPO / "instructors" / "misconceptions.md").read_text(encoding="utf-8"))
    return " ".join(" ".join(parts).split())


def test_the_december_2026_corrections_hold():
    from japan_nato import dataset as data

    context = data.load_context(COURSE_DATA).set_index("context_id")
    facts = data.load_facts(COURSE_DATA).set_index("fact_id")
    glossary = data.load_glossary(COURSE_DATA).set_index("term_id")
    # A10: one garbled sentence, not two separate commitments; the quote's source is unverified.
    assert "two separate" not in context.loc["C17", "claim"]
    assert "unverified" in facts.loc["A15", "note"]
    # H3, H4, D7, I17, I15, I16: the rows the corrections rest on.
    assert "restates" in context.loc["C64", "claim"]
    assert "only European" not in context.loc["C66", "claim"]
    assert "led by Germany" in context.loc["C20", "claim"]
    assert {"C84", "C86", "C88", "C89", "C90"} <= set(context.index)
    # A dateline is true: sources clarify it; it gives where a story was filed from.
    assert set(context.loc[["C03", "C04", "C05"], "relation"]) == {"clarifies"}
    assert "filed from" in glossary.loc["G22", "definition"]
    assert "accredited" in glossary.loc["G23", "definition"]
    text = _course_text()
    for wrong in (
        "They read like a paraphrase in quotation marks",
        "Two commitments, fused into one",
        "does not cover it | Not shown",
        "NATO's exercise Air Defender",
        "none of that section is reported from the meeting",
        "“freedom” in the joint texts from 2020 on",
    ):
        assert wrong.lower() not in text.lower(), wrong
    assert "**Omitted**" in text


def test_expiring_claims_carry_an_as_of_date():
    text = _course_text()
    assert text.count("as of December 2026") + text.count("As of December 2026") >= 3
    from japan_nato import dataset as data

    story = data.load_context(COURSE_DATA)
    later = story[story.facts_ref.str.startswith("I")]
    for row in later.itertuples():
        if row.facts_ref in {"I11", "I12", "I13"}:
            assert "unverified" in row.claim, row.context_id
