"""Item analysis of the banks from learners' exports (pure pandas): is each question working?

Facility is the share of learners right at their first attempt. Discrimination is the
point-biserial correlation between a question (right or wrong at the first attempt) and the
rest of the learner's score on the same bank (the other questions' first attempts), so the
question is not correlated with itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

# Below this many learners a correlation is too noisy to judge a question by.
MIN_LEARNERS = 20
LOW_FACILITY = 20.0  # percent
HIGH_FACILITY = 95.0  # percent
# A distractor chosen at the first attempt by fewer than this share of learners does no work.
RARE_DISTRACTOR_SHARE = 0.05

ITEM_COLUMNS = ["bank", "question_id", "learners", "facility", "discrimination", "flags"]
DISTRACTOR_COLUMNS = ["bank", "question_id", "option", "chosen_by", "learners", "percent"]


@dataclass(frozen=True)
class ItemAnalysis:
    """Per-question facility and discrimination, rarely chosen distractors, and notes."""

    items: pd.DataFrame
    rare_distractors: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> pd.DataFrame:
        """Return the questions with at least one flag."""
        return self.items[self.items["flags"] != ""].reset_index(drop=True)


def _first_attempts(df: pd.DataFrame) -> pd.DataFrame:
    data = df.reset_index(drop=True)
    data = data.assign(_order=range(len(data)))
    data = data.sort_values(["learner", "answered_at", "_order"], kind="stable")
    first = data.groupby(["bank", "question_id", "learner"], sort=False).agg(
        correct=("correct", "first"), chosen_wrong=("chosen_wrong", "first")
    )
    return first.reset_index()


def point_biserial(item: pd.Series, rest: pd.Series) -> float:
    """Return the correlation of a 0/1 item with a rest score; NaN if either does not vary."""
    pair = pd.DataFrame({"item": item.astype(float), "rest": rest.astype(float)}).dropna()
    if len(pair) < 2 or pair["item"].nunique() < 2 or pair["rest"].nunique() < 2:
        return float("nan")
    # Rounded so that float noise around 0 is not read as a negative discrimination.
    return round(float(pair["item"].corr(pair["rest"])), 12)


def _discrimination(first: pd.DataFrame) -> dict[tuple[str, str], float]:
    values: dict[tuple[str, str], float] = {}
    for bank, group in first.groupby("bank", sort=True):
        grid = group.pivot(index="learner", columns="question_id", values="correct").astype(float)
        total, count = grid.sum(axis=1), grid.notna().sum(axis=1)
        for question in grid.columns:
            item = grid[question]
            others = count - item.notna()
            # The rest score: the share right of the learner's other questions in this bank.
            rest = ((total - item.fillna(0)) / others).where(others > 0)
            values[(bank, question)] = point_biserial(item, rest)
    return values


def _flags(facility: float, discrimination: float) -> str:
    flags = []
    if not pd.isna(discrimination) and discrimination < 0:
        flags.append("negative discrimination")
    if facility < LOW_FACILITY:
        flags.append(f"facility < {LOW_FACILITY:.0f}%")
    if facility > HIGH_FACILITY:
        flags.append(f"facility > {HIGH_FACILITY:.0f}%")
    return "; ".join(flags)


FLAG_ADVICE = [
    "negative discrimination: learners with higher scores on the rest of the bank miss it more "
    "often; check the key and look for a second defensible answer.",
    f"facility < {LOW_FACILITY:.0f}%: almost everyone misses it; check the key, the wording and "
    "whether the course teaches it.",
    f"facility > {HIGH_FACILITY:.0f}%: almost everyone gets it right; it tells nobody apart "
    "(look for a giveaway in the options).",
]


def item_analysis(df: pd.DataFrame, distractors: pd.DataFrame | None = None) -> ItemAnalysis:
    """Analyse combined exports; distractors lists (bank, question_id, option) of wrong options."""
    first = _first_attempts(df)
    if first.empty:
        return ItemAnalysis(
            pd.DataFrame(columns=ITEM_COLUMNS), pd.DataFrame(columns=DISTRACTOR_COLUMNS)
        )
    discrimination = _discrimination(first)
    grouped = first.groupby(["bank", "question_id"], sort=True)
    items = grouped.agg(learners=("learner", "nunique"), facility=("correct", "mean"))
    items = items.reset_index()
    items["facility"] = items["facility"] * 100
    items["discrimination"] = [
        discrimination.get((b, q), float("nan"))
        for b, q in zip(items["bank"], items["question_id"], strict=True)
    ]
    items["flags"] = [
        _flags(f, d) for f, d in zip(items["facility"], items["discrimination"], strict=True)
    ]
    items = items[ITEM_COLUMNS]
    rare = _rare_distractors(first, items, distractors)
    return ItemAnalysis(items, rare, _notes(items, rare))


def _rare_distractors(
    first: pd.DataFrame, items: pd.DataFrame, distractors: pd.DataFrame | None
) -> pd.DataFrame:
    if distractors is None or distractors.empty:
        return pd.DataFrame(columns=DISTRACTOR_COLUMNS)
    chosen = first[["bank", "question_id", "learner", "chosen_wrong"]].explode("chosen_wrong")
    chosen = chosen.dropna(subset=["chosen_wrong"]).rename(columns={"chosen_wrong": "option"})
    counts = (
        chosen.groupby(["bank", "question_id", "option"])["learner"]
        .nunique()
        .rename("chosen_by")
        .reset_index()
    )
    table = distractors[["bank", "question_id", "option"]].drop_duplicates()
    # Only questions someone answered can say anything about their distractors.
    table = table.merge(items[["bank", "question_id", "learners"]], on=["bank", "question_id"])
    table = table.merge(counts, on=["bank", "question_id", "option"], how="left")
    table["chosen_by"] = table["chosen_by"].fillna(0).astype(int)
    table["percent"] = table["chosen_by"] / table["learners"] * 100
    rare = table[table["chosen_by"] < table["learners"] * RARE_DISTRACTOR_SHARE]
    rare = rare.sort_values(["bank", "question_id", "option"], ignore_index=True)
    return rare[DISTRACTOR_COLUMNS]


def _notes(items: pd.DataFrame, rare: pd.DataFrame) -> list[str]:
    notes = []
    few = int((items["learners"] < MIN_LEARNERS).sum())
    if few:
        notes.append(
            f"Minimum N: {few} of {len(items)} question(s) were answered by fewer than "
            f"{MIN_LEARNERS} learners. Their discrimination is too noisy to judge a question by; "
            "read it as a hint only."
        )
    undefined = int(items["discrimination"].isna().sum())
    if undefined:
        notes.append(
            f"Discrimination is '-' for {undefined} question(s): everyone got it right (or wrong), "
            "or nobody answered another question of its bank."
        )
    if not rare.empty:
        notes.append(
            f"{len(rare)} wrong option(s) were chosen at the first attempt by fewer than "
            f"{RARE_DISTRACTOR_SHARE:.0%} of the learners: replace them with a mistake "
            "learners really make."
        )
    return notes


def course_distractors(data_dir: Path) -> pd.DataFrame:
    """Return (bank, question_id, option): each wrong option of a choice question."""
    from japan_nato.errors import DataError
    from japan_nato.quiz import bank_names, load_bank

    rows: list[tuple[str, str, str]] = []
    for name in bank_names(data_dir):
        try:
            bank = load_bank(name, data_dir)
        except DataError:
            continue  # a broken bank must not stop the report; `validate` names the problem
        for question in bank.questions:
            for option in getattr(question, "options", ()):
                if not option.correct:
                    rows.append((name, question.id, option.text))
    return pd.DataFrame(rows, columns=["bank", "question_id", "option"])


def render_items(analysis: ItemAnalysis) -> str:
    """Return the item analysis as plain-text tables in 80 columns: all, then the flagged ones."""
    from japan_nato.instructor.text_table import bullet, format_table

    short = {"question_id": "question", "learners": "n", "discrimination": "discrim"}
    items = analysis.items.assign(
        bank=analysis.items["bank"].str.split("_").str[0],
        discrimination=analysis.items["discrimination"].map(
            # round() first, so that -0.001 does not print as -0.00
            lambda v: "-" if pd.isna(v) else f"{round(v, 2) + 0.0:.2f}"
        ),
    ).rename(columns=short)
    flagged = items[items["flags"] != ""]
    parts = [
        "Item analysis (first attempts)",
        "  facility: share right; discrim: point-biserial against the rest of the bank",
        format_table(items.drop(columns="flags"), percent={"facility"}, max_width=36),
        "",
        "Questions that look broken",
        format_table(flagged[["bank", "question", "flags"]], max_width=36),
        *(bullet(line, mark="  ") for line in (FLAG_ADVICE if not flagged.empty else [])),
        "",
        f"Distractors chosen by almost nobody (under {RARE_DISTRACTOR_SHARE:.0%} of learners)",
        format_table(
            analysis.rare_distractors.assign(
                bank=analysis.rare_distractors["bank"].str.split("_").str[0]
            ).rename(columns={"question_id": "question", "chosen_by": "chosen", "learners": "n"}),
            percent={"percent"},
            max_width=24,
        ),
    ]
    if analysis.notes:
        parts += ["", *(bullet(note) for note in analysis.notes)]
    return "\n".join(parts) + "\n"
