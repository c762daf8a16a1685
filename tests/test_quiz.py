"""The quiz core: question types, answer checking, bank validation, Quiz and progress."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from japan_nato.api import progress, quiz
from japan_nato.dataset.paths import data_dir
from japan_nato.errors import DataError, JapanNatoError
from japan_nato.progress import ProgressStore
from japan_nato.quiz import (
    QUESTION_TYPES,
    Matching,
    Ordering,
    Question,
    Quiz,
    Result,
    all_bank_problems,
    bank_names,
    bank_problems,
    load_bank,
    normalise,
)
from tests.quiz_helpers import (
    TEST_BANK,
    memory_store,
    recorded,
    right_answer,
    write_bank,
    wrong_answer,
)
from tests.support.course_data import COURSE_DATA

REAL_BANK = "01_reading_the_source"
SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(scope="module")
def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A read-only copy of the course data with the small test bank added, shared per module."""
    target = tmp_path_factory.mktemp("shared") / "data"
    shutil.copytree(data_dir(), target)
    write_bank(target, "99_test", TEST_BANK)
    return target


@pytest.fixture
def test_dir(data_copy: Path) -> Path:
    """A writable copy of the course data with the small test bank added."""
    write_bank(data_copy, "99_test", TEST_BANK)
    return data_copy


@pytest.fixture
def test_quiz(shared_dir: Path) -> Quiz:
    return quiz("99_test", data_dir=shared_dir, store=memory_store())


def question(test_quiz: Quiz, question_id: str) -> Question:
    return test_quiz.question(question_id)


# --- the registry ----------------------------------------------------------------------


def test_registry_has_the_six_types_keyed_by_toml_type() -> None:
    assert set(QUESTION_TYPES) == {
        "single_choice",
        "multiple_select",
        "true_false",
        "ordering",
        "matching",
        "short_answer",
    }
    for name, cls in QUESTION_TYPES.items():
        assert cls.type_name == name
        assert issubclass(cls, Question)


def test_test_bank_loads_every_type(test_quiz: Quiz) -> None:
    kinds = {q.type_name for q in test_quiz.questions}
    assert kinds == set(QUESTION_TYPES)
    assert test_quiz.title == "Test bank"
    assert test_quiz.objectives == {"obj-a": "First objective.", "obj-b": "Second objective."}


# --- right, wrong, partly right ------------------------------------------------------------

RIGHT = [
    ("t-single", "Alpha"),
    ("t-single", "B"),
    ("t-single", "b"),
    ("t-single", " (B) "),
    ("t-single", "ALPHA."),
    ("t-multi", ["Red", "Orange"]),
    ("t-multi", ("A", "C")),
    ("t-multi", {"c", "a"}),
    ("t-multi", "A, C"),
    ("t-multi", "orange, red"),
    ("t-tf", True),
    ("t-tf", "true"),
    ("t-tf", "T"),
    ("t-tf", "Yes"),
    ("t-order", ["one", "two", "three", "four"]),
    ("t-order", ("ONE", "Two", "three", "four")),
    ("t-match", {"cat": "meow", "dog": "woof", "cow": "moo"}),
    ("t-match", {"Cat": "MEOW", 2: "woof", "3": "moo"}),
    ("t-short", "IPCP"),
    ("t-short", "ipcp"),
    ("t-short", " I.P.C.P. "),
    ("t-short", "“IPCP”"),
    ("t-short", "ＩＰＣＰ"),
    ("t-short", "individual   partnership and cooperation programme"),
    ("t-number", 6),
    ("t-number", 6.0),
    ("t-number", "6"),
    ("t-number", "6.0"),
    ("t-number", "6 days"),
    ("t-number", " about 6 "),
    ("t-tolerance", 15.4),
    ("t-tolerance", "14.5"),
]


@pytest.mark.parametrize(("qid", "answer"), RIGHT)
def test_right_answers(test_quiz: Quiz, qid: str, answer: Any) -> None:
    result = question(test_quiz, qid).check(answer)
    assert result.valid, result.message
    assert result.correct, result.message
    assert result.message.startswith("✓ Correct.")
    assert question(test_quiz, qid).explanation in result.message
    assert result.question_id == qid
    assert result.fact_ids == question(test_quiz, qid).fact_ids
    assert result.chosen_wrong == ()


WRONG = [
    ("t-single", "Gamma", "Gamma is third."),
    ("t-single", "a", "Beta is second."),
    ("t-multi", ["Blue"], "Blue is a cool colour."),
    ("t-tf", False, "MOFA dates it 29 June 2022."),
    ("t-tf", "no", "MOFA dates it 29 June 2022."),
    ("t-short", "NATO", "Look for the abbreviation in brackets."),
    ("t-short", 42, "Look for the abbreviation in brackets."),
    ("t-number", 7, "Count on from 29 June."),
    ("t-number", "5 days", "Count on from 29 June."),
    ("t-tolerance", 15.6, ""),
]


@pytest.mark.parametrize(("qid", "answer", "feedback"), WRONG)
def test_wrong_answers_give_feedback_and_explanation(
    test_quiz: Quiz, qid: str, answer: Any, feedback: str
) -> None:
    q = question(test_quiz, qid)
    result = q.check(answer)
    assert result.valid, result.message
    assert not result.correct
    assert result.message.startswith("✗ Not quite.")
    assert feedback in result.message
    assert q.explanation in result.message


def test_single_choice_wrong_records_the_chosen_option(test_quiz: Quiz) -> None:
    result = question(test_quiz, "t-single").check("C")
    assert result.chosen_wrong == ("Gamma",)


def test_multiple_select_partial_credit(test_quiz: Quiz) -> None:
    q = question(test_quiz, "t-multi")
    result = q.check(["Red"])
    assert not result.correct
    assert (result.right, result.total) == (1, 2)
    assert "1 of 2 choices right" in result.message
    assert "missed 1 right option" in result.message

    result = q.check(["Red", "Orange", "Blue"])
    assert not result.correct, "a superset of the right options is not right"
    assert (result.right, result.total) == (2, 2)
    assert "2 of 2 choices right, and 1 wrong choice" in result.message
    assert "Blue is a cool colour." in result.message
    assert result.chosen_wrong == ("Blue",)

    result = q.check(["Red", "Orange"])
    assert result.correct
    assert (result.right, result.total) == (2, 2)


def test_ordering_partial_counts(test_quiz: Quiz) -> None:
    q = question(test_quiz, "t-order")
    result = q.check(["one", "two", "four", "three"])
    assert not result.correct
    assert (result.right, result.total) == (2, 4)
    assert "2 of 4 in the right place" in result.message
    assert set(result.chosen_wrong) == {"three", "four"}


def test_ordering_accepts_letters_in_display_order(test_quiz: Quiz) -> None:
    q = question(test_quiz, "t-order")
    assert isinstance(q, Ordering)
    letters = ["ABCD"[q.display_items.index(item)] for item in q.items]
    assert q.check(letters).correct
    assert q.check(", ".join(letters)).correct


def test_matching_partial_counts(test_quiz: Quiz) -> None:
    q = question(test_quiz, "t-match")
    result = q.check({"cat": "meow", "dog": "moo", "cow": "woof"})
    assert not result.correct
    assert (result.right, result.total) == (1, 3)
    assert "1 of 3 matched correctly" in result.message
    assert "dog → moo" in result.chosen_wrong


def test_matching_accepts_letters_and_term_order_string(test_quiz: Quiz) -> None:
    q = question(test_quiz, "t-match")
    assert isinstance(q, Matching)
    letters = ["ABC"[q.display_definitions.index(d)] for _, d in q.pairs]
    assert q.check(dict(zip(q.terms, letters, strict=True))).correct
    assert q.check(", ".join(letters)).correct
    assert q.check({1: letters[0], 2: letters[1], 3: letters[2]}).correct


def test_display_order_is_seeded_shuffled_and_never_the_answer(test_quiz: Quiz) -> None:
    order = question(test_quiz, "t-order")
    match = question(test_quiz, "t-match")
    assert order.display_items != order.items
    assert sorted(order.display_items) == sorted(order.items)
    assert match.display_definitions != tuple(d for _, d in match.pairs)
    again = quiz("99_test", data_dir=test_quiz.data_dir, store=memory_store())
    assert again.question("t-order").display_items == order.display_items


def test_display_order_is_the_same_in_another_process(shared_dir: Path) -> None:
    code = (
        "from japan_nato.quiz import load_bank;"
        "import sys, pathlib;"
        "q = {x.id: x for x in load_bank('99_test', pathlib.Path(sys.argv[1])).questions}"
        "['t-order'];"
        "print('|'.join(q.display_items))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(shared_dir)],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PYTHONPATH": str(SRC), "PATH": ""},
    )
    here = quiz("99_test", data_dir=shared_dir, store=memory_store()).question("t-order")
    assert isinstance(here, Ordering)
    assert done.stdout.strip() == "|".join(here.display_items)


def test_normalise_folds_case_space_punctuation_and_width() -> None:
    assert normalise("  “Japan-NATO”   IPCP! ") == "japan nato ipcp"
    assert normalise("ＩＰＣＰ") == "ipcp"
    assert normalise("It’s") == normalise("Its")


# --- bad input never raises -------------------------------------------------------------


class Explosive:
    """An object that raises on everything a checker might try."""

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("boom")

    def __hash__(self) -> int:
        raise RuntimeError("boom")

    def __str__(self) -> str:
        raise RuntimeError("boom")

    def __iter__(self):
        raise RuntimeError("boom")

    def __len__(self) -> int:
        raise RuntimeError("boom")


COMMON_BAD: list[Any] = [
    None,
    "",
    "   \t\n",
    b"A",
    bytearray(b"Alpha"),
    "x" * 1_000_000,
    float("nan"),
    float("inf"),
    [["A"], ["B"]],
    {1, 2},
    object(),
    Explosive(),
    ["\x00"],
]

SPECIFIC_BAD: dict[str, list[Any]] = {
    "t-single": ["Z", "D", 2, True, ["B"], {"B": 1}, "A, B", "Alpha Beta"],
    "t-multi": [[], ["A", "A"], ["A", "Red"], ["A", "Z"], "A, A", "Z", 1, {"A": True}, "A" * 9],
    "t-tf": ["maybe", 1, 0, [True], "tru", {"answer": True}, "T F"],
    "t-order": [
        ["A", "B"],
        ["A", "A", "B", "C"],
        ["A", "B", "C", "D", "E"],
        {"A", "B", "C", "D"},
        "A",
        ["one", "two", "three", None],
        ["A", "B", "C", 4],
        list("ABCD") * 10,
    ],
    "t-match": [
        {"cat": "meow"},
        {"cat": "meow", "dog": "meow", "cow": "moo"},
        {"horse": "neigh", "dog": "woof", "cow": "moo"},
        {"cat": None, "dog": None, "cow": None},
        {"cat": "meow", "dog": "woof", "cow": "moo", "pig": "oink"},
        ["A"],
        "A, B",
        {0: "A", 1: "B", 2: "C"},
        {True: "A", "dog": "B", "cow": "C"},
    ],
    "t-short": [["IPCP"], "!!!", "“”", {"IPCP"}, True, ("IPCP",)],
    "t-number": ["six", "6 or 7", True, "", "between 5 and 7", [6], "1e999", float("-inf")],
}


def _bad_cases() -> list[tuple[str, Any]]:
    cases = []
    for qid, specific in SPECIFIC_BAD.items():
        cases += [(qid, value) for value in COMMON_BAD + specific]
    return cases


@pytest.mark.parametrize(("qid", "answer"), _bad_cases(), ids=lambda v: repr(v)[:30])
def test_bad_input_is_invalid_and_never_raises(test_quiz: Quiz, qid: str, answer: Any) -> None:
    q = question(test_quiz, qid)
    result = q.check(answer)
    assert isinstance(result, Result)
    assert result.correct is False
    assert result.valid is False, result.message
    assert q.answer_help() in result.message
    assert len(result.message) < 500, "the message must not echo a huge answer"


def test_invalid_message_says_what_a_valid_answer_looks_like(test_quiz: Quiz) -> None:
    result = question(test_quiz, "t-single").check("Z")
    assert result.message == (
        "“Z” is not one of the options. Choose one option: type its letter (A–C) or its text."
    )
    assert "No answer was given." in question(test_quiz, "t-tf").check(None).message
    assert "too long" in question(test_quiz, "t-short").check("x" * 5000).message


def test_a_huge_answer_is_refused_fast(test_quiz: Quiz) -> None:
    import time

    start = time.perf_counter()
    for qid in SPECIFIC_BAD:
        question(test_quiz, qid).check("x" * 1_000_000)
    assert time.perf_counter() - start < 1.0


# --- bank validation ------------------------------------------------------------------------


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def _broken(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


BROKEN = [
    # (what is broken, old text, new text, question id, column, words in the message)
    ("unknown type", 'type = "true_false"', 'type = "yes_no"', "t-tf", "type", "unknown type"),
    (
        "two correct options",
        '{ text = "Beta", feedback = "Beta is second." }',
        '{ text = "Beta", correct = true }',
        "t-single",
        "options",
        "exactly one option must be correct, found 2",
    ),
    (
        "wrong option without feedback",
        '{ text = "Blue", feedback = "Blue is a cool colour." }',
        '{ text = "Blue" }',
        "t-multi",
        "options[2].feedback",
        "needs feedback",
    ),
    (
        "unknown objective",
        'objective = "obj-a"\nfact_ids = ["C03"]',
        'objective = "obj-z"\nfact_ids = ["C03"]',
        "t-tf",
        "objective",
        "not an objective",
    ),
    (
        "badly formed fact id",
        'fact_ids = ["T11"]',
        'fact_ids = ["fact-11"]',
        "t-order",
        "fact_ids",
        "not a fact id",
    ),
    (
        "too few items",
        'items = ["one", "two", "three", "four"]',
        'items = ["one", "two"]',
        "t-order",
        "items",
        "3 to 6",
    ),
    (
        "duplicate matching terms",
        '{ term = "dog", definition = "woof" }',
        '{ term = "Cat", definition = "woof" }',
        "t-match",
        "pairs",
        "terms must be unique",
    ),
    (
        "missing prompt",
        'prompt = "Name the programme."\n',
        "",
        "t-short",
        "prompt",
        "non-empty",
    ),
    (
        "misspelt field",
        'explanation = "Six days."',
        'explaination = "Six days."',
        "t-number",
        "",
        "explaination",
    ),
    (
        "answers and number",
        "number = 15\n",
        'number = 15\nanswers = ["15"]\n',
        "t-tolerance",
        "answers",
        "not both",
    ),
    (
        "true_false without a bool answer",
        "answer = true",
        'answer = "yes"',
        "t-tf",
        "answer",
        "true or false",
    ),
    (
        "one-letter option",
        '{ text = "Gamma", feedback = "Gamma is third." }',
        '{ text = "C", feedback = "C is third." }',
        "t-single",
        "options[0].text",
        "one-letter option",
    ),
    (
        "bad id",
        'id = "t-number"',
        'id = "T Number"',
        "T Number",
        "id",
        "lowercase",
    ),
]


@pytest.mark.parametrize(
    ("what", "old", "new", "qid", "column", "words"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_broken_bank_names_file_line_question_and_field(
    test_dir: Path, what: str, old: str, new: str, qid: str, column: str, words: str
) -> None:
    text = _broken(TEST_BANK, old, new)
    write_bank(test_dir, "99_test", text)
    problems = bank_problems("99_test", test_dir)
    assert problems, what
    expected_line = _line_of(text, f'id = "{qid}"')
    matching = [p for p in problems if words in p.message]
    assert matching, [str(p) for p in problems]
    problem = matching[0]
    assert problem.file == "quizzes/99_test.toml"
    assert problem.line == expected_line
    assert problem.column.startswith("questions[")
    assert problem.column.endswith(column)
    assert qid in problem.message
    with pytest.raises(DataError) as caught:
        load_bank("99_test", test_dir)
    assert f"quizzes/99_test.toml:{expected_line}:" in str(caught.value)


def test_all_problems_are_raised_together(test_dir: Path) -> None:
    text = _broken(TEST_BANK, 'type = "true_false"', 'type = "yes_no"')
    text = _broken(text, 'items = ["one", "two", "three", "four"]', 'items = ["one"]')
    write_bank(test_dir, "99_test", text)
    with pytest.raises(DataError) as caught:
        load_bank("99_test", test_dir)
    messages = [p.message for p in caught.value.problems]
    assert any("t-tf" in m and "unknown type" in m for m in messages)
    assert any("t-order" in m and "3 to 6" in m for m in messages)
    assert str(caught.value).count("\n") == len(caught.value.problems) - 1


def test_duplicate_id_within_a_bank(test_dir: Path) -> None:
    text = _broken(TEST_BANK, 'id = "t-number"', 'id = "t-short"')
    write_bank(test_dir, "99_test", text)
    problems = bank_problems("99_test", test_dir)
    duplicate = [p for p in problems if "duplicate id" in p.message]
    assert len(duplicate) == 1
    second = [i for i, line in enumerate(text.splitlines(), 1) if line == 'id = "t-short"'][1]
    assert duplicate[0].line == second


def test_duplicate_id_across_banks(test_dir: Path) -> None:
    other = _broken(TEST_BANK, 'id = "t-number"', 'id = "src-who-met"')
    write_bank(test_dir, "99_test", other)
    assert bank_problems("99_test", test_dir) == []
    problems = all_bank_problems(test_dir)
    assert len(problems) == 1
    assert "src-who-met" in problems[0].message
    assert REAL_BANK in problems[0].message
    assert problems[0].file == "quizzes/99_test.toml"
    assert problems[0].line == _line_of(other, 'id = "src-who-met"')


def test_unknown_fact_ids_are_reported_when_known(test_dir: Path) -> None:
    text = _broken(TEST_BANK, 'fact_ids = ["T11"]', 'fact_ids = ["T99"]')
    write_bank(test_dir, "99_test", text)
    assert bank_problems("99_test", test_dir) == [], "without known ids only the form is checked"
    problems = bank_problems(
        "99_test", test_dir, known_fact_ids={"A01", "A14", "C03", "G01", "T11"}
    )
    assert [p.message for p in problems] == ["question 't-order': unknown fact id T99"]
    with pytest.raises(DataError, match="unknown fact id T99"):
        load_bank("99_test", test_dir)  # load_bank checks against the course's own ids


def test_toml_syntax_error_gives_its_line(test_dir: Path) -> None:
    text = TEST_BANK.replace('prompt = "Which is first?"', 'prompt = "Which is first?', 1)
    write_bank(test_dir, "99_test", text)
    problems = bank_problems("99_test", test_dir)
    assert len(problems) == 1
    assert problems[0].line == _line_of(text, 'prompt = "Which is first?')
    assert "TOML syntax error" in problems[0].message


def test_objective_not_assessed(test_dir: Path) -> None:
    text = TEST_BANK.replace(
        '[[objectives]]\nid = "obj-b"',
        '[[objectives]]\nid = "obj-c"\ntext = "Unused."\n\n[[objectives]]\nid = "obj-b"',
    )
    write_bank(test_dir, "99_test", text)
    problems = bank_problems("99_test", test_dir)
    assert [p.message for p in problems] == ["objective 'obj-c' is not assessed by any question"]
    assert problems[0].line == _line_of(text, 'id = "obj-c"')
    assert problems[0].column == "objectives[1]"


def test_missing_bank_lists_the_banks(shared_dir: Path) -> None:
    with pytest.raises(DataError, match=REAL_BANK):
        load_bank("no_such_bank", shared_dir)
    assert isinstance(DataError([]), JapanNatoError)


def test_bank_names_are_sorted_stems(shared_dir: Path) -> None:
    assert bank_names(shared_dir) == sorted(bank_names(shared_dir))
    assert {REAL_BANK, "99_test"} <= set(bank_names(shared_dir))


# --- the real bank ---------------------------------------------------------------------


def test_real_bank_is_valid_against_the_course_facts() -> None:
    from japan_nato.dataset import all_fact_ids

    assert all_bank_problems(COURSE_DATA, known_fact_ids=all_fact_ids(COURSE_DATA)) == []
    bank = load_bank(REAL_BANK, COURSE_DATA)
    assert 8 <= len(bank.questions) <= 10
    assert {q.type_name for q in bank.questions} == set(QUESTION_TYPES)
    assert 2 <= len(bank.objectives) <= 3
    for objective in bank.objectives:
        assert sum(q.objective == objective for q in bank.questions) >= 2, objective


def test_real_bank_right_and_wrong_answers() -> None:
    store = memory_store()
    real = quiz(REAL_BANK, store=store)
    for q in real.questions:
        assert real.answer(q.id, right_answer(q)).correct, q.id
        wrong = real.answer(q.id, wrong_answer(q))
        assert wrong.valid and not wrong.correct, q.id
        assert q.correct_answer()
    assert real.score() == (len(real.questions), len(real.questions))


def test_real_bank_accepts_ipcp_and_its_full_name() -> None:
    q = quiz(REAL_BANK, store=memory_store()).question("src-programme-name")
    for answer in ("IPCP", "ipcp", "Individual Partnership and Cooperation Programme"):
        assert q.check(answer).correct, answer
    assert not q.check("ITPP").correct


def test_real_bank_teaches_the_dateline() -> None:
    q = quiz(REAL_BANK, store=memory_store()).question("src-meeting-date")
    assert q.check("29 June 2022").correct
    wrong = q.check("5 July 2022")
    assert "dateline" in wrong.message
    assert "C03" in wrong.fact_ids


# --- Quiz: answer, record, score, text -------------------------------------------------


def test_answer_checks_and_records(test_quiz: Quiz) -> None:
    store = test_quiz.store
    assert isinstance(store, ProgressStore)
    result = test_quiz.answer("t-single", "c")
    assert not result.correct
    assert recorded(store) == [
        {
            "bank": "99_test",
            "question_id": "t-single",
            "answer": "Gamma",
            "correct": False,
            "objective": "obj-a",
            "chosen_wrong": ("Gamma",),
        }
    ]
    test_quiz.answer("t-single", "B")
    assert recorded(store)[-1]["correct"] is True
    assert test_quiz.done() == {"t-single"}
    assert test_quiz.score() == (1, 8)


def test_invalid_answers_are_not_recorded(test_quiz: Quiz) -> None:
    result = test_quiz.answer("t-single", None)
    assert not result.valid
    assert recorded(test_quiz.store) == []


def test_unknown_question_id_lists_valid_ids(test_quiz: Quiz) -> None:
    with pytest.raises(JapanNatoError) as caught:
        test_quiz.answer("t-nope", "A")
    message = str(caught.value)
    assert "t-nope" in message
    for q in test_quiz.questions:
        assert q.id in message


def test_done_ignores_ids_of_other_banks_and_removed_questions(shared_dir: Path) -> None:
    store = memory_store({"99_test": {"t-tf", "gone-question"}, "other": {"t-single"}})
    assert quiz("99_test", data_dir=shared_dir, store=store).done() == {"t-tf"}


def test_text_is_readable_deterministic_and_address_free(shared_dir: Path) -> None:
    store = memory_store()
    one = quiz("99_test", data_dir=shared_dir, store=store)
    two = quiz("99_test", data_dir=shared_dir, store=store)
    text = repr(one)
    assert text == one.text() == repr(two)
    assert not re.search(r"0x[0-9a-fA-F]{4,}", text)
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}", text)
    assert text.startswith("Quiz: Test bank")
    assert "Score: 0 of 8 correct" in text
    assert "1. [t-single]" in text
    assert "   B. Alpha" in text
    assert 'q.answer("question-id", "B")' in text
    assert 'q.answer("t-single", ...)' in text
    order = one.question("t-order")
    assert isinstance(order, Ordering)
    assert f"   A. {order.display_items[0]}" in text
    assert "✓ answered correctly" not in text
    one.answer("t-single", "Alpha")
    after = repr(one)
    assert "Score: 1 of 8 correct" in after
    assert "1. [t-single] (single choice)  ✓ answered correctly" in after


def test_text_examples_never_give_the_answer_away(test_quiz: Quiz) -> None:
    for q in test_quiz.questions:
        for example in re.findall(r"e\.g\. (\[[^\]]*\])", q.answer_help()):
            items = [s.strip(' "') for s in example.strip("[]").split(",") if "..." not in s]
            assert not q.check(items).correct, q.id


def test_default_store_uses_the_environment_path(
    shared_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "progress-env.sqlite"
    monkeypatch.setenv("JAPAN_NATO_PROGRESS", str(path))
    learner = quiz("99_test", data_dir=shared_dir)
    learner.answer("t-tf", True)
    assert path.exists()
    assert learner.done() == {"t-tf"}


def test_real_store_keeps_progress_across_a_restart(shared_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite"
    first = ProgressStore(path)
    before = quiz("99_test", data_dir=shared_dir, store=first)
    before.answer("t-multi", ["A", "C"])
    before.answer("t-single", "Gamma")
    first.close()

    second = ProgressStore(path)
    after = quiz("99_test", data_dir=shared_dir, store=second)
    assert after.done() == {"t-multi"}
    assert "✓ answered correctly" in repr(after)
    attempts = second.attempts("99_test")
    assert list(attempts["question_id"]) == ["t-multi", "t-single"]
    second.close()


def test_progress_per_bank(shared_dir: Path) -> None:
    store = memory_store()
    learner = quiz("99_test", data_dir=shared_dir, store=store)
    learner.answer("t-single", "Gamma")
    learner.answer("t-tf", True)
    learner.answer("t-tf", False)
    table = progress(store=store, data_dir=shared_dir)
    assert list(table.columns) == ["bank", "title", "questions", "attempted", "correct"]
    row = table.set_index("bank").loc["99_test"]
    assert (row["title"], row["questions"], row["attempted"], row["correct"]) == (
        "Test bank",
        8,
        2,
        1,
    )
    real = table.set_index("bank").loc[REAL_BANK]
    assert (real["attempted"], real["correct"]) == (0, 0)


def test_progress_with_a_real_store(shared_dir: Path, tmp_path: Path) -> None:
    with ProgressStore(tmp_path / "p.sqlite") as store:
        quiz("99_test", data_dir=shared_dir, store=store).answer("t-number", "6")
        table = progress(store=store, data_dir=shared_dir).set_index("bank")
    assert table.loc["99_test", "attempted"] == 1
    assert table.loc["99_test", "correct"] == 1


def test_check_results_are_frozen(test_quiz: Quiz) -> None:
    result = question(test_quiz, "t-tf").check(True)
    with pytest.raises(AttributeError):
        result.correct = False  # type: ignore[misc]


def test_a_bank_is_parsed_once_until_its_file_or_the_tables_change(test_dir: Path) -> None:
    # progress(), review_quiz() and each quiz() load banks; they share one parsed Bank.
    first = load_bank("99_test", test_dir)
    assert load_bank("99_test", test_dir) is first
    path = test_dir / "quizzes" / "99_test.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("[bank]", "[bank]\n# edited", 1))
    edited = load_bank("99_test", test_dir)
    assert edited is not first and edited == first
    # The fact ids a bank may cite come from the tables: a table edit checks it again.
    facts = test_dir / "facts.csv"
    stat = facts.stat()
    os.utime(facts, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert load_bank("99_test", test_dir) is not edited
