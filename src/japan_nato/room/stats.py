"""The dashboard's numbers, computed from stored answer rows by pure functions."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ADJECTIVES = (
    "Amber",
    "Azure",
    "Brisk",
    "Calm",
    "Coral",
    "Crisp",
    "Dusky",
    "Eager",
    "Fern",
    "Gentle",
    "Golden",
    "Hazel",
    "Ivory",
    "Jade",
    "Keen",
    "Lilac",
    "Lucky",
    "Mellow",
    "Misty",
    "Noble",
    "Olive",
    "Pearl",
    "Quiet",
    "Rapid",
    "Rosy",
    "Sage",
    "Silver",
    "Sunny",
    "Swift",
    "Teal",
    "Umber",
    "Vivid",
)
ANIMALS = (
    "Badger",
    "Crane",
    "Dolphin",
    "Eagle",
    "Falcon",
    "Gecko",
    "Heron",
    "Ibis",
    "Jaguar",
    "Koala",
    "Lemur",
    "Lynx",
    "Marten",
    "Newt",
    "Otter",
    "Owl",
    "Panda",
    "Puffin",
    "Quail",
    "Raven",
    "Robin",
    "Seal",
    "Stork",
    "Swan",
    "Tapir",
    "Tiger",
    "Urchin",
    "Vole",
    "Wren",
    "Yak",
    "Zebra",
    "Finch",
)


@dataclass(frozen=True)
class OutlineQuestion:
    """What the dashboard needs to know about one question of the course."""

    bank: str
    question_id: str
    number: int  # the question's number inside its notebook, from 1
    label: str  # "01 Q3": notebook number and question number
    prompt: str
    objective: str
    choices: tuple[tuple[str, str], ...] = ()  # (key, text) in display order
    correct: tuple[str, ...] = ()  # the keys that are right
    misconceptions: Mapping[str, str] = field(default_factory=dict)  # wrong key -> feedback


@dataclass(frozen=True)
class Outline:
    """The course in order: banks with titles, questions and objectives."""

    banks: tuple[tuple[str, str], ...]  # (bank, title)
    questions: tuple[OutlineQuestion, ...]
    objectives: Mapping[str, str]  # objective id -> text

    def question(self, bank: str, question_id: str) -> OutlineQuestion | None:
        """Return one question, or None when the course has no such question."""
        for item in self.questions:
            if item.bank == bank and item.question_id == question_id:
                return item
        return None


def course_outline(data_dir: Path) -> Outline:
    """Read every bank of the course into an Outline (course order, then bank order)."""
    from japan_nato.quiz import bank_names, load_bank

    banks, questions, objectives = [], [], {}
    loaded = [(name, load_bank(name, data_dir)) for name in bank_names(data_dir)]
    # Course order: by notebook, each notebook's own bank first (00 before its pre-test).
    loaded.sort(key=lambda item: (item[1].notebook, item[1].notebook != f"{item[0]}.ipynb"))
    for name, bank in loaded:
        banks.append((name, bank.title))
        objectives.update(bank.objectives)
        prefix = name.split("_", 1)[0]
        for number, question in enumerate(bank.questions, start=1):
            choices = question.choices()
            correct = question.correct_keys()
            wrong = question.wrong_feedback_by_key()
            questions.append(
                OutlineQuestion(
                    bank=name,
                    question_id=question.id,
                    number=number,
                    label=f"{prefix} Q{number}",
                    prompt=question.prompt,
                    objective=question.objective,
                    choices=choices,
                    correct=correct,
                    misconceptions=wrong,
                )
            )
    return Outline(tuple(banks), tuple(questions), objectives)


def pseudonym(learner: str, salt: str = "") -> str:
    """Return a stable, friendly pseudonym for a learner ("Swift Heron 12")."""
    digest = hashlib.sha256(f"{salt}\0{learner}".encode()).digest()
    return (
        f"{ADJECTIVES[digest[0] % len(ADJECTIVES)]} {ANIMALS[digest[1] % len(ANIMALS)]} "
        f"{digest[2] % 90 + 10}"
    )


def _key(options: Sequence[str], answer: str) -> str:
    """The bucket an answer falls in: its chosen keys joined, or its text."""
    return "+".join(options) if options else answer


def _distribution(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    counts = Counter(_key(row["options"], row["answer"]) for row in rows)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _by_learner(rows: Iterable[Mapping[str, Any]], *, last: bool) -> dict[str, Mapping[str, Any]]:
    """Return each learner's first (or last) row, in the rows' order."""
    picked: dict[str, Mapping[str, Any]] = {}
    for row in rows:
        if last or row["learner"] not in picked:
            picked[row["learner"]] = row
    return picked


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def room_summary(
    rows: Sequence[Mapping[str, Any]],
    outline: Outline,
    *,
    rounds: Sequence[Mapping[str, Any]] = (),
    learners: Iterable[str] = (),
    names: Mapping[str, str] | None = None,
    reveal: bool = False,
    salt: str = "",
) -> dict[str, Any]:
    """Return the dashboard's numbers from answer rows (oldest first).

    learners are the room's expected learners (for "not started"); names are learners' chosen
    display names. Learners appear as pseudonyms unless reveal is true.
    """
    names = names or {}

    def shown(learner: str) -> str:
        if not reveal:
            return pseudonym(learner, salt)
        chosen = names.get(learner, "")
        return f"{chosen} ({learner})" if chosen and chosen != learner else learner

    by_question: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for row in rows:
        by_question.setdefault((row["bank"], row["question_id"]), []).append(row)
    round_rows = [r for r in rows if r.get("round_id") is not None]
    # Peer-instruction votes are not first tries: keep them out of first answers.
    free_rows = [r for r in rows if r.get("round_id") is None]

    questions = []
    for item in outline.questions:
        answered = by_question.get((item.bank, item.question_id), [])
        free = [r for r in answered if r.get("round_id") is None]
        first = _by_learner(free, last=False)
        current = _by_learner(answered, last=True)
        # A wrong option counts once per learner who ever chose it (first try or later).
        chose_wrong = {
            (row["learner"], key)
            for row in answered
            if not row["correct"]
            for key in (row["options"] or [row["answer"]])
            if key not in item.correct
        }
        wrong = Counter(key for _, key in chose_wrong)
        questions.append(
            {
                "bank": item.bank,
                "question_id": item.question_id,
                "label": item.label,
                "number": item.number,
                "prompt": item.prompt,
                "objective": item.objective,
                "choices": [list(pair) for pair in item.choices],
                "correct": list(item.correct),
                "learners": len(current),
                "first": _distribution(first.values()),
                "current": _distribution(current.values()),
                "first_correct_pct": _percent(
                    sum(1 for r in first.values() if r["correct"]), len(first)
                ),
                "current_correct_pct": _percent(
                    sum(1 for r in current.values() if r["correct"]), len(current)
                ),
                "top_wrong": [
                    {"key": key, "count": count, "misconception": item.misconceptions.get(key, "")}
                    for key, count in sorted(wrong.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
                ],
            }
        )

    # One pass over the rows for everything per learner (big rooms poll this every 2 s).
    latest_of: dict[str, dict[tuple[str, str], Mapping[str, Any]]] = {}
    answer_count: Counter[str] = Counter()
    right_keys: dict[str, set[tuple[str, str]]] = {}
    for row in rows:
        key = (row["bank"], row["question_id"])
        latest_of.setdefault(row["learner"], {})[key] = row
        answer_count[row["learner"]] += 1
        if row["correct"]:
            right_keys.setdefault(row["learner"], set()).add(key)
    active = sorted(latest_of)
    objective_of = {(q.bank, q.question_id): q.objective for q in outline.questions}
    per_objective: dict[str, list[float]] = {}
    for learner in active:
        done: dict[str, list[bool]] = {}
        for key, row in latest_of[learner].items():
            objective = objective_of.get(key)
            if objective:
                done.setdefault(objective, []).append(bool(row["correct"]))
        for objective, marks in done.items():
            per_objective.setdefault(objective, []).append(sum(marks) / len(marks))
    mastery: list[dict[str, Any]] = [
        {
            "objective": objective,
            "text": outline.objectives.get(objective, ""),
            "learners": len(values),
            "mastery_pct": round(100.0 * sum(values) / len(values), 1),
        }
        for objective, values in per_objective.items()
    ]
    order = {q.objective: i for i, q in reversed(list(enumerate(outline.questions)))}
    mastery.sort(key=lambda m: order.get(m["objective"], len(order)))

    latest = _by_learner(rows, last=True)
    where = Counter(row["bank"] for row in latest.values())
    notebooks = [
        {"bank": bank, "title": title, "learners": where.get(bank, 0)}
        for bank, title in outline.banks
    ]
    table = [
        {
            "name": shown(learner),
            "bank": latest[learner]["bank"],
            "answers": answer_count[learner],
            "correct": len(right_keys.get(learner, ())),
        }
        for learner in active
    ]
    table.sort(key=lambda entry: entry["name"])
    expected = set(learners)
    not_started = sorted(shown(name) for name in expected - set(active))

    summary_rounds = []
    for rnd in rounds:
        mine = [r for r in round_rows if r["round_id"] == rnd["id"]]
        votes = {}
        for vote in (1, 2):
            last = _by_learner([r for r in mine if r["vote"] == vote], last=True)
            votes[str(vote)] = {
                "learners": len(last),
                "distribution": _distribution(last.values()),
                "correct_pct": _percent(sum(1 for r in last.values() if r["correct"]), len(last)),
            }
        asked = outline.question(rnd["bank"], rnd["question_id"])
        summary_rounds.append(
            {
                **{k: rnd[k] for k in ("id", "bank", "question_id", "phase")},
                "label": asked.label if asked else rnd["question_id"],
                "prompt": asked.prompt if asked else "",
                "choices": [list(pair) for pair in asked.choices] if asked else [],
                "correct": list(asked.correct) if asked else [],
                "votes": votes,
            }
        )

    gain = room_gain(rows, outline, shown)
    return {
        "answers": len(rows),
        "first_tries": len(free_rows),
        "gain": gain,
        "learners_active": len(active),
        "learners_expected": len(expected | set(active)),
        "questions": questions,
        "mastery": mastery,
        "notebooks": notebooks,
        "learners": table,
        "not_started": not_started,
        "rounds": summary_rounds,
        "names_revealed": reveal,
    }


EXPORT_COLUMNS = (
    "learner",
    "bank",
    "question_id",
    "objective",
    "answer",
    "correct",
    "chosen_wrong",
    "answered_at",
    "attempt",
    "round_id",
    "vote",
)


def export_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """Return rows as a CSV that `japan-nato report` reads like learners' own exports."""
    import csv
    import io
    import json

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row["learner"],
                row["bank"],
                row["question_id"],
                row.get("objective", ""),
                json.dumps(row["answer"], ensure_ascii=False),
                bool(row["correct"]),
                json.dumps(list(row.get("chosen_wrong") or []), ensure_ascii=False),
                row["answered_at"],
                row.get("attempt") or "",
                row.get("round_id") or "",
                row.get("vote") or "",
            ]
        )
    return out.getvalue()


def room_gain(
    rows: Sequence[Mapping[str, Any]], outline: Outline, shown: Callable[[str], str]
) -> dict[str, Any]:
    """Return the room's pre/post learning gain (instructor.gain) with learners as shown."""
    import pandas as pd

    from japan_nato.instructor.gain import POST_BANK, PRE_BANK, learning_gain

    tests = [r for r in rows if r["bank"] in (PRE_BANK, POST_BANK) and r.get("round_id") is None]
    form = [
        (q.bank, q.question_id, q.objective)
        for q in outline.questions
        if q.bank in (PRE_BANK, POST_BANK)
    ]
    frame = pd.DataFrame(
        [
            {
                "learner": shown(r["learner"]),
                "bank": r["bank"],
                "question_id": r["question_id"],
                "objective": r.get("objective", ""),
                "correct": bool(r["correct"]),
                "answered_at": r["answered_at"],
            }
            for r in tests
        ],
        columns=["learner", "bank", "question_id", "objective", "correct", "answered_at"],
    )
    gain = learning_gain(frame, pd.DataFrame(form, columns=["bank", "question_id", "objective"]))

    def number(value: Any) -> float | None:
        return None if value is None or pd.isna(value) else round(float(value), 2)

    return {
        "overall": number(gain.overall),
        "matched": gain.matched,
        "pre_only": len(gain.pre_only),
        "post_only": len(gain.post_only),
        "per_objective": [
            {
                "objective": row.objective,
                "text": outline.objectives.get(row.objective, ""),
                "learners": int(row.learners),
                "pre_pct": number(row.pre_percent),
                "post_pct": number(row.post_percent),
                "gain": number(row.gain),
            }
            for row in gain.per_objective.itertuples()
        ],
        "per_learner": [
            {
                "name": row.learner,
                "pre_pct": number(row.pre_percent),
                "post_pct": number(row.post_percent),
                "gain": number(row.gain),
            }
            for row in gain.per_learner.itertuples()
        ],
        "notes": list(gain.notes),
    }


def projector_view(summary: Mapping[str, Any]) -> dict[str, Any]:
    """Return the summary for a projector: pseudonyms only, and no "not started" list."""
    public = dict(summary)
    if summary.get("names_revealed"):
        public["learners"] = []
    public["not_started"] = []
    public["not_started_count"] = len(summary.get("not_started", []))
    public["names_revealed"] = False
    return public
