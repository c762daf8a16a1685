"""The public layer: picks the default progress store and data folder, and hands out views."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from japan_nato.course import Course
from japan_nato.errors import ProgressError
from japan_nato.feedback import Feedback
from japan_nato.quiz import ProgressStoreLike, Question, Quiz, Result, ReviewQuiz
from japan_nato.quiz import progress as _progress
from japan_nato.quiz import review_quiz as _review_quiz

if TYPE_CHECKING:
    import pandas as pd

    from japan_nato.dataset import Evidence, Sentence
    from japan_nato.exercises import Exercise
    from japan_nato.figures.style import CourseFigure
    from japan_nato.instructor.gain import LearnerGain
    from japan_nato.quiz.policy import OpenRound
    from japan_nato.views.setup_check import SetupReport


def _readable_tables() -> None:
    """In a notebook, show DataFrames as learner tables (views/tables.py); idempotent."""
    if "IPython" in sys.modules:  # never import IPython here: `import japan_nato` stays light
        from japan_nato.views.tables import install

        install()


@functools.cache
def default_course() -> Course:
    """Return the course over the packaged data (one per process, so its caches are shared)."""
    return Course()


@functools.lru_cache(maxsize=8)
def _course_at(folder: Path) -> Course:
    return Course(folder)


def course(data_dir: str | Path | None = None) -> Course:
    """Return the course over data_dir (the default course when None)."""
    _readable_tables()
    return default_course() if data_dir is None else _course_at(Path(data_dir).resolve())


def load_article(data_dir: str | Path | None = None) -> str:
    """Return the article text."""
    return course(data_dir).article()


def article_sentences(data_dir: str | Path | None = None) -> list[Sentence]:
    """Return the article's sentences, each with its offsets in the article."""
    return course(data_dir).sentences()


def load_facts(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the facts of the article (a copy: edit it freely)."""
    return course(data_dir).facts()


def load_context(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the facts from primary sources (a copy)."""
    return course(data_dir).context()


def load_timeline(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the dated Japan-NATO milestones (a copy)."""
    return course(data_dir).timeline()


def load_glossary(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the glossary terms (a copy)."""
    return course(data_dir).glossary()


def evidence(fact_id: str, data_dir: str | Path | None = None) -> Evidence:
    """Return the evidence for a fact, context, timeline or glossary id."""
    return course(data_dir).evidence(fact_id)


def timeline_figure(timeline: pd.DataFrame | None = None) -> CourseFigure:
    """Japan–NATO milestones on a date axis (default: the whole course timeline)."""
    from japan_nato.figures import timeline_figure as figure

    return figure(timeline, data_dir=default_course().folder)


def frameworks_figure() -> CourseFigure:
    """NATO's partner frameworks: when each was launched and how many members it has."""
    from japan_nato.figures import frameworks_figure as figure

    return figure(data_dir=default_course().folder)


def facts_by_topic_figure(facts: pd.DataFrame | None = None) -> CourseFigure:
    """The article's facts per topic, split by kind (default: all the facts)."""
    from japan_nato.figures import facts_by_topic_figure as figure

    return figure(facts, data_dir=default_course().folder)


EXERCISES_BANK = "exercises"
"""The bank name under which exercise checks are recorded in the progress store."""


def exercise(
    id: str, data_dir: str | Path | None = None, store: ProgressStoreLike | None = None
) -> Exercise:
    """Return the exercise with this id; its checks are recorded in store (default: yours)."""

    def record(ex: Exercise, answer: object, correct: bool) -> None:
        target = default_store() if store is None else store
        objective = ex.notebook.removesuffix(".ipynb")
        target.record(EXERCISES_BANK, ex.id, _answer_summary(answer), correct, objective=objective)

    return course(data_dir).exercise(id).with_listener(record)


def _answer_summary(answer: object) -> str:
    """A short text of a checked exercise answer (a frame's shape, not its cells)."""
    shape = getattr(answer, "shape", None)
    if isinstance(shape, tuple):
        return f"{type(answer).__name__} of shape {shape}"
    text = repr(answer)
    return text if len(text) <= 200 else text[:200] + "…"


def default_store() -> ProgressStoreLike:
    """Return the learner's progress store ($JAPAN_NATO_PROGRESS or the Jupyter data folder)."""
    # sqlite3 is imported only when a store is first needed, so `import japan_nato` stays light.
    from japan_nato.progress import get_store

    return get_store()


def show_quiz(quiz: Quiz) -> None:
    """Display a quiz as widgets in a notebook (the first one asks for a name if needed)."""
    from japan_nato.views.notebook import show_quiz as show

    global _name_asked
    ask = None
    if not _name_asked and needs_learner_name(quiz.store):
        _name_asked = True  # once per kernel: later quizzes do not ask again
        ask = (learner_name(quiz.store), functools.partial(set_learner_name, store=quiz.store))
    show(quiz, ask_name=ask)


_name_asked = False  # whether this kernel showed the name prompt already


def send_to_room(bank: str, question: Question, answer: Any, result: Result) -> None:
    """Hand a recorded answer to the workshop room on a JupyterHub (a no-op anywhere else)."""
    from japan_nato.room.client import hand_over

    hand_over(bank, question, answer, result)


def open_round(question_id: str, bank: str) -> OpenRound | None:
    """Return the peer-instruction round open on a question in the workshop room, or None."""
    from japan_nato.room.client import open_round as room_round

    return room_round(question_id, bank)


def quiz(
    bank: str,
    *,
    data_dir: str | Path | None = None,
    store: ProgressStoreLike | None = None,
) -> Quiz:
    """Return the quiz for a bank; answers go to store (default: the learner's progress file)."""
    where = course(data_dir)
    store = default_store() if store is None else store
    return Quiz(
        where.bank(bank),
        store,
        where.folder,
        show=show_quiz,
        on_answer=send_to_room,
        rounds=open_round,
    )


def review_quiz(
    size: int = 8,
    seed: int = 2022,
    store: ProgressStoreLike | None = None,
    data_dir: str | Path | None = None,
) -> ReviewQuiz:
    """Return a review quiz of the teaching banks: missed questions first, then a seeded sample."""
    store = default_store() if store is None else store
    return _review_quiz(
        size,
        seed,
        store,
        course(data_dir).folder,
        show=show_quiz,
        on_answer=send_to_room,
        rounds=open_round,
    )


def progress(
    store: ProgressStoreLike | None = None, data_dir: str | Path | None = None
) -> pd.DataFrame:
    """Return one row per bank: bank, title, questions, attempted, correct."""
    from japan_nato.views.progress_table import ProgressTable

    _readable_tables()
    store = default_store() if store is None else store
    return ProgressTable(_progress(store, course(data_dir).folder))


def my_gain(
    store: ProgressStoreLike | None = None, data_dir: str | Path | None = None
) -> LearnerGain:
    """Return your pre-test and post-test scores and your learning gain, per objective."""
    from japan_nato.instructor.gain import my_gain as _my_gain

    return _my_gain(default_store() if store is None else store, course(data_dir).folder)


def check_setup(data_dir: str | Path | None = None) -> SetupReport:
    """Check Python, the course data, the progress file and ipywidgets; never raises."""
    from japan_nato.views.setup_check import check_setup as check

    return check(course(data_dir), store=default_store())


def learner_name(store: ProgressStoreLike | None = None) -> str:
    """Return the name your hand-ins carry: the one you chose, else your account name."""
    from japan_nato.progress import default_learner

    store = default_store() if store is None else store
    chosen = getattr(store, "learner_name", lambda: None)()
    return chosen or default_learner()


def needs_learner_name(store: ProgressStoreLike | None = None) -> bool:
    """True when no name was chosen and the account name is one many learners share."""
    from japan_nato.progress import is_generic_name

    return is_generic_name(learner_name(store))


def set_learner_name(name: str, store: ProgressStoreLike | None = None) -> Feedback:
    """Keep the name your instructor will know you by; it goes on exports and the room."""
    from japan_nato.progress import get_store

    target: Any = get_store() if store is None else store
    if isinstance(name, str) and " ".join(name.split()).casefold() == "your name":
        # The notebook cell as shipped: not a mistake, just not filled in yet.
        return Feedback(
            None,
            "No name yet",
            'Put your own name in place of "Your Name", then run this cell again.',
        )
    try:
        kept = target.set_learner_name(name)
    except ValueError as exc:
        return Feedback(False, "Name not kept", f"{_sentence(exc)}. Try again.")
    send_display_name(kept)
    return Feedback(
        True, f"Name kept: {kept}", "Your exports carry this name. Change it by calling again."
    )


def send_display_name(name: str) -> None:
    """Show this name for you in a workshop room on a JupyterHub (a no-op anywhere else)."""
    from japan_nato.room.client import set_display_name

    set_display_name(name)


def export_file_name(name: str) -> str:
    """Return the export's file name for a learner: japan_nato_progress_<name>.csv."""
    safe = "".join(c if c.isalnum() else "_" for c in name.casefold()).strip("_") or "learner"
    return f"japan_nato_progress_{safe[:40]}.csv"


def export_progress(
    path: str | Path | None = None,
    name: str | None = None,
    store: ProgressStoreLike | None = None,
) -> Feedback:
    """Write your answers to a CSV for your instructor (default: next to this notebook)."""
    target: Any = default_store() if store is None else store
    if name is not None:
        kept = set_learner_name(name, target)
        if kept.correct is not True:
            return kept
    if needs_learner_name(target):
        return Feedback(
            False,
            "Tell us your name first",
            f"Your account name ({learner_name(target)!r}) is shared by many learners, so "
            "your instructor could not tell your work from theirs. Run "
            '`export_progress(name="Your Name")` with the name your instructor knows you by.',
        )
    who = learner_name(target)
    where = Path(path) if path is not None else Path.cwd() / export_file_name(who)
    try:
        # The default file is this function's own hand-in file: running the cell again updates
        # it. A path the learner names is never replaced (nor, ever, the progress database).
        rows = target.export(where, learner=who, overwrite=path is None)
    except ProgressError as err:
        return Feedback(False, "Not exported", str(err))
    return Feedback(
        None,
        "Progress exported",
        f"Wrote {rows} answer{'' if rows == 1 else 's'} for {who} to `{where.resolve()}`. "
        "Hand this file to your instructor.",
    )


PRACTICE_BANKS = frozenset({"00_start_here"})
"""Banks whose questions are practice: shown in progress, never graded or counted."""


def exercise_progress(
    store: ProgressStoreLike | None = None, data_dir: str | Path | None = None
) -> pd.DataFrame:
    """Return one row per exercise: notebook, title, checked (ever), correct (ever)."""
    import pandas as pd

    where = course(data_dir)
    attempts = (default_store() if store is None else store).attempts(EXERCISES_BANK)
    checked = set(attempts["question_id"])
    right = set(attempts.loc[attempts["correct"], "question_id"])
    rows: list[dict[str, Any]] = []
    for ex_id in where.exercise_ids():
        ex = where.exercise(ex_id)
        rows.append(
            {
                "notebook": ex.notebook.removesuffix(".ipynb"),
                "exercise": ex_id,
                "title": ex.title,
                "checked": ex_id in checked,
                "correct": ex_id in right,
            }
        )
    rows.sort(key=lambda row: str(row["notebook"]))
    return pd.DataFrame(rows, columns=["notebook", "exercise", "title", "checked", "correct"])


def _sentence(exc: Exception) -> str:
    """An error message as a sentence: its first letter upper-case, the rest as written."""
    text = str(exc)
    return text[:1].upper() + text[1:]


# In a notebook, `import japan_nato` alone makes the learner's own DataFrames readable too.
_readable_tables()
