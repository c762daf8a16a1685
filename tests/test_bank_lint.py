"""The bank lint: figures that show whether answers can be guessed from their form."""

from __future__ import annotations

from japan_nato.dataset.paths import data_dir
from japan_nato.quiz.lint import (
    MAX_LENGTH_RATIO,
    MAX_LETTER_SHARE,
    MAX_LONGEST_CORRECT_SHARE,
    TRUE_SHARE_RANGE,
    lint_figures,
    lint_problems,
    load_banks,
)
from japan_nato.quiz.types.fields import option_order


def _single(qid: str, texts: list[str], key: int, hint: str = "") -> dict:
    options = [{"text": t, **({"correct": True} if i == key else {})} for i, t in enumerate(texts)]
    return {"id": qid, "type": "single_choice", "hint": hint, "options": options}


def test_the_real_banks_figures(capsys) -> None:
    problems, figures = lint_problems(load_banks(data_dir() / "quizzes"), order=option_order)
    with capsys.disabled():
        print("\n" + figures.summary())
    assert figures.single_choice_questions >= 20
    assert figures.longest_correct_share <= MAX_LONGEST_CORRECT_SHARE
    assert max(figures.length_ratios.values()) <= MAX_LENGTH_RATIO
    low, high = TRUE_SHARE_RANGE
    assert low <= figures.true_share <= high
    assert figures.hints_with_answer == ()
    assert figures.all_or_none_of_above == ()
    # The correct-letter share is measured in the order the options are shown (seeded).
    assert abs(sum(figures.letter_shares.values()) - 1) < 1e-9
    assert max(figures.letter_shares.values()) <= MAX_LETTER_SHARE
    assert problems == []


def test_a_long_key_and_a_telling_hint_are_caught() -> None:
    bank = {
        "questions": [
            _single("q1", ["a", "b", "a much longer key"], 2, hint="Is it a much longer key?"),
            {"id": "q2", "type": "true_false", "answer": True},
            {"id": "q3", "type": "true_false", "answer": True},
            _single("q4", ["None of the above", "yes", "no"], 1),
        ]
    }
    problems, figures = lint_problems({"x.toml": bank})
    assert figures.longest_correct == 1
    assert figures.length_ratios["q1"] > MAX_LENGTH_RATIO
    assert figures.hints_with_answer == ("q1",)
    assert figures.all_or_none_of_above == ("q4",)
    assert figures.true_share == 1.0
    messages = [str(p) for p in problems]
    assert any("x.toml: q1.options: the correct option is" in m for m in messages)
    assert any("q1.hint: the hint contains the answer" in m for m in messages)
    assert any("100% of true/false answers are True" in m for m in messages)
    assert any("all/none of the above" in m for m in messages)


def test_the_letter_share_follows_the_order_shown() -> None:
    questions = [_single(f"q{i}", ["w", "x", "y", "z"], 0) for i in range(5)]
    assert lint_figures([{"questions": questions}]).letter_shares["A"] == 1.0
    reverse = lint_figures([{"questions": questions}], order=lambda _q, n: list(range(n))[::-1])
    assert reverse.letter_shares["D"] == 1.0
    problems, _ = lint_problems({"x.toml": {"questions": questions}})
    assert any("the correct option is A in 100%" in p.message for p in problems)
