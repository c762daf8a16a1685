"""Learning gain from the pre-test and the parallel post-test (pure pandas).

A learner's score on a form is the share of its questions answered right at the first
attempt; a question of the form that the learner never answered counts as wrong. The
normalised gain is g = (post - pre) / (1 - pre): the share of the room for improvement
that was used. It is undefined when the pre-test score is 100 % (no room left).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from japan_nato.quiz.model import ProgressStoreLike

PRE_BANK = "pretest"
POST_BANK = "posttest"

LEARNER_COLUMNS = ["learner", "pre_percent", "post_percent", "gain"]
OBJECTIVE_COLUMNS = ["objective", "learners", "pre_percent", "post_percent", "gain", "undefined"]


@dataclass(frozen=True)
class Gain:
    """Pre/post scores and normalised gains, per learner and per objective, with attrition."""

    per_learner: pd.DataFrame
    per_objective: pd.DataFrame
    pre_only: tuple[str, ...]  # did the pre-test but not the post-test (attrition)
    post_only: tuple[str, ...]  # did the post-test without the pre-test (no gain possible)
    overall: float | None  # class gain from the mean scores of the matched learners
    notes: list[str] = field(default_factory=list)

    @property
    def matched(self) -> int:
        """Return how many learners did both forms."""
        return len(self.per_learner)


def normalised_gain(pre: float, post: float) -> float | None:
    """Return (post - pre) / (1 - pre) for scores in 0..1; None when pre is 1 (undefined)."""
    if pre >= 1:
        return None
    return (post - pre) / (1 - pre)


def _first_attempts(df: pd.DataFrame, bank: str) -> pd.DataFrame:
    """Return one row per (learner, question) of a bank: correct at the first attempt."""
    data = df[df["bank"] == bank].reset_index(drop=True)
    data = data.assign(_order=range(len(data)))
    data = data.sort_values(["learner", "answered_at", "_order"], kind="stable")
    first = data.groupby(["learner", "question_id"], sort=False).agg(
        correct=("correct", "first"), objective=("objective", "first")
    )
    return first.reset_index()


def _form(first: pd.DataFrame, questions: pd.DataFrame | None, bank: str) -> pd.DataFrame:
    """Return (question_id, objective) of a form: from the bank if given, else what was answered."""
    if questions is not None:
        form = questions[questions["bank"] == bank][["question_id", "objective"]]
        if not form.empty:
            return form.drop_duplicates("question_id").reset_index(drop=True)
    seen = first.sort_values("objective", ascending=False, kind="stable")
    return seen[["question_id", "objective"]].drop_duplicates("question_id").reset_index(drop=True)


def _scores(df: pd.DataFrame, questions: pd.DataFrame | None, bank: str) -> pd.DataFrame:
    """Return per learner and objective: right (first try) and the form's questions."""
    first = _first_attempts(df, bank)
    form = _form(first, questions, bank)
    learners = pd.Series(sorted(first["learner"].unique()), name="learner", dtype=object)
    grid = learners.to_frame().merge(form, how="cross")
    answered = first[["learner", "question_id", "correct"]]
    grid = grid.merge(answered, on=["learner", "question_id"], how="left")
    grid["correct"] = grid["correct"].fillna(False).astype(bool)
    return (
        grid.groupby(["learner", "objective"])
        .agg(right=("correct", "sum"), questions=("correct", "size"))
        .reset_index()
    )


def _gain_column(pre: pd.Series, post: pd.Series) -> pd.Series:
    values = [normalised_gain(a, b) for a, b in zip(pre, post, strict=True)]
    return pd.Series([float("nan") if v is None else v for v in values], index=pre.index)


def learning_gain(
    df: pd.DataFrame,
    questions: pd.DataFrame | None = None,
    *,
    pre_bank: str = PRE_BANK,
    post_bank: str = POST_BANK,
) -> Gain:
    """Return the pre/post gain of combined exports (columns as load_exports returns)."""
    pre = _scores(df, questions, pre_bank)
    post = _scores(df, questions, post_bank)
    pre_learners, post_learners = set(pre["learner"]), set(post["learner"])
    matched = sorted(pre_learners & post_learners)

    def totals(scores: pd.DataFrame) -> pd.DataFrame:
        table = scores[scores["learner"].isin(matched)].groupby("learner")[["right", "questions"]]
        return table.sum()

    pre_total, post_total = totals(pre), totals(post)
    per_learner = pd.DataFrame(index=pd.Index(matched, name="learner"))
    per_learner["pre_percent"] = pre_total["right"] / pre_total["questions"] * 100
    per_learner["post_percent"] = post_total["right"] / post_total["questions"] * 100
    per_learner["gain"] = _gain_column(
        per_learner["pre_percent"] / 100, per_learner["post_percent"] / 100
    )
    per_learner = per_learner.reset_index()[LEARNER_COLUMNS]

    both = pre.merge(post, on=["learner", "objective"], suffixes=("_pre", "_post"))
    both = both[both["learner"].isin(matched)]
    both = both.assign(
        pre=both["right_pre"] / both["questions_pre"],
        post=both["right_post"] / both["questions_post"],
    )
    rows = []
    for objective, group in both.groupby("objective", sort=True):
        mean_pre, mean_post = group["pre"].mean(), group["post"].mean()
        gain = normalised_gain(mean_pre, mean_post)
        rows.append(
            {
                "objective": objective,
                "learners": group["learner"].nunique(),
                "pre_percent": mean_pre * 100,
                "post_percent": mean_post * 100,
                "gain": float("nan") if gain is None else gain,
                "undefined": int((group["pre"] >= 1).sum()),
            }
        )
    per_objective = pd.DataFrame(rows, columns=OBJECTIVE_COLUMNS)
    if questions is not None:
        # The bank's order of objectives, not the alphabet's.
        order = list(dict.fromkeys(questions.loc[questions["bank"] == pre_bank, "objective"]))
        rank = {key: index for index, key in enumerate(order)}
        per_objective = per_objective.sort_values(
            "objective", key=lambda keys: keys.map(lambda k: rank.get(k, len(rank))), kind="stable"
        ).reset_index(drop=True)

    overall = None
    if matched:
        overall = normalised_gain(
            per_learner["pre_percent"].mean() / 100, per_learner["post_percent"].mean() / 100
        )
    pre_only = tuple(sorted(pre_learners - post_learners))
    post_only = tuple(sorted(post_learners - pre_learners))
    return Gain(
        per_learner=per_learner,
        per_objective=per_objective,
        pre_only=pre_only,
        post_only=post_only,
        overall=overall,
        notes=_notes(per_learner, pre_learners, pre_only, post_only),
    )


def _notes(
    per_learner: pd.DataFrame,
    pre_learners: set[str],
    pre_only: tuple[str, ...],
    post_only: tuple[str, ...],
) -> list[str]:
    notes = []
    if pre_learners:
        share = len(pre_only) / len(pre_learners) * 100
        notes.append(
            f"Attrition: {len(pre_only)} of {len(pre_learners)} learner(s) who did the pre-test "
            f"did not do the post-test ({share:.0f}%)"
            + (f": {', '.join(pre_only)}." if pre_only else ".")
        )
    if post_only:
        notes.append(
            f"{len(post_only)} learner(s) did the post-test without the pre-test; no gain for "
            f"them: {', '.join(post_only)}."
        )
    full = int(per_learner["gain"].isna().sum())
    if full:
        notes.append(
            f"{full} learner(s) scored 100% on the pre-test: their gain is undefined "
            "(g = (post - pre) / (1 - pre) has no room to improve) and is shown as '-'."
        )
    return notes


def render_gain(gain: Gain) -> str:
    """Return the gain as plain-text tables with its notes (attrition first)."""
    from japan_nato.instructor.text_table import bullet, format_table

    if not (gain.matched or gain.pre_only or gain.post_only):
        return "Learning gain: nobody took the pre-test or the post-test in these exports.\n"
    pct = {"pre", "post"}
    short = {"pre_percent": "pre", "post_percent": "post", "learners": "n"}
    overall = "-" if gain.overall is None else f"{gain.overall:.2f}"
    parts = [
        "Learning gain (pre-test -> post-test)",
        f"  {gain.matched} learner(s) did both; class gain g = {overall}",
        bullet(
            "g = (post - pre) / (1 - pre), first attempts only; undefined at a 100% pre-test",
            mark="  ",
        ),
        "",
        "Per learner",
        format_table(_rounded(gain.per_learner).rename(columns=short), percent=pct, max_width=30),
        "",
        bullet(
            "Per objective (mean scores of the learners who did both; gain from the means)", mark=""
        ),
        format_table(_rounded(gain.per_objective).rename(columns=short), percent=pct, max_width=30),
    ]
    if gain.notes:
        parts += ["", *(bullet(note) for note in gain.notes)]
    return "\n".join(parts) + "\n"


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    if "gain" not in frame.columns:
        return frame
    return frame.assign(gain=frame["gain"].map(lambda v: "-" if pd.isna(v) else f"{v:.2f}"))


@dataclass(frozen=True)
class LearnerGain:
    """One learner's pre-test and post-test scores and gain; prints as short text."""

    table: pd.DataFrame  # objective, text, pre_percent, post_percent, gain (NaN: undefined/none)
    pre_percent: float | None
    post_percent: float | None
    gain: float | None

    def text(self) -> str:
        """Return the learner's gain as plain text: what was measured, then per objective."""
        if self.pre_percent is None and self.post_percent is None:
            return (
                "Your learning gain: not yet measured. Take the pre-test in notebook 00 "
                "(before 01) and the post-test in notebook 06."
            )
        if self.post_percent is None:
            return (
                f"Your pre-test score: {self.pre_percent:.0f}%. Take the post-test in notebook 06 "
                "to see your gain."
            )
        if self.pre_percent is None:
            return (
                f"Your post-test score: {self.post_percent:.0f}%. You did not take the pre-test, "
                "so there is no gain to show."
            )
        lines = [
            f"Your score: pre-test {self.pre_percent:.0f}%, post-test {self.post_percent:.0f}%."
        ]
        if self.gain is None:
            lines.append(
                "Your gain is undefined: you scored 100% on the pre-test, so there was no room "
                "to improve."
            )
        else:
            lines.append(
                f"Your gain: {self.gain:.2f}. This is the share of what you missed on the "
                "pre-test that you got right on the post-test (1.00 is all of it; below 0 means "
                "a lower score)."
            )
        lines += ["", "Per objective:"]
        for row in self.table.itertuples(index=False):
            gain = "undefined (100% before)" if pd.isna(row.gain) else f"gain {row.gain:.2f}"
            lines.append(
                f"- {row.pre_percent:.0f}% -> {row.post_percent:.0f}% ({gain}): {row.text}"
            )
        return "\n".join(lines)

    __str__ = text

    def __repr__(self) -> str:
        return self.text()


def learner_gain(
    attempts: pd.DataFrame, questions: pd.DataFrame, objectives: dict[str, str]
) -> LearnerGain:
    """Return one learner's gain from their attempts (a progress store's attempts())."""
    data = attempts.assign(learner="you")
    columns = ["objective", "text", "pre_percent", "post_percent", "gain"]
    took_pre = bool((data["bank"] == PRE_BANK).any())
    took_post = bool((data["bank"] == POST_BANK).any())
    if not (took_pre and took_post):
        pre = _scores(data, questions, PRE_BANK) if took_pre else None
        post = _scores(data, questions, POST_BANK) if took_post else None
        return LearnerGain(
            table=pd.DataFrame(columns=columns),
            pre_percent=_percent(pre),
            post_percent=_percent(post),
            gain=None,
        )
    result = learning_gain(data, questions)
    table = result.per_objective.assign(
        text=result.per_objective["objective"].map(lambda key: objectives.get(key, key))
    )[columns]
    row = result.per_learner.iloc[0]
    return LearnerGain(
        table=table,
        pre_percent=float(row["pre_percent"]),
        post_percent=float(row["post_percent"]),
        gain=None if pd.isna(row["gain"]) else float(row["gain"]),
    )


def _percent(scores: pd.DataFrame | None) -> float | None:
    if scores is None or scores.empty:
        return None
    return float(scores["right"].sum() / scores["questions"].sum() * 100)


def course_tests(data_dir: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return (bank, question_id, objective) of the pre- and post-test, and their objectives."""
    from japan_nato.quiz import bank_names, load_bank

    rows: list[tuple[str, str, str]] = []
    objectives: dict[str, str] = {}
    names = set(bank_names(data_dir))
    for name in (PRE_BANK, POST_BANK):
        if name not in names:
            continue
        bank = load_bank(name, data_dir)
        rows += [(name, q.id, q.objective) for q in bank.questions]
        objectives.update(bank.objectives)
    return pd.DataFrame(rows, columns=["bank", "question_id", "objective"]), objectives


def my_gain(store: ProgressStoreLike, data_dir: Path) -> LearnerGain:
    """Return the learner's pre/post scores and gain from their progress store."""
    questions, objectives = course_tests(data_dir)
    return learner_gain(store.attempts(), questions, objectives)
