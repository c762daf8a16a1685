"""The public layer: picks the default progress store and data folder, and hands out views."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from japan_nato.course import Course
from japan_nato.quiz import ProgressStoreLike, Question, Quiz, Result, ReviewQuiz
from japan_nato.quiz import progress as _progress
from japan_nato.quiz import review_quiz as _review_quiz

if TYPE_CHECKING:
    import pandas as pd

    from japan_nato.dataset import Evidence, Sentence
    from japan_nato.exercises import Exercise
    from japan_nato.views.setup_check import SetupReport


@functools.cache
def default_course() -> Course:
    """Return the course over the packaged data (one per process, so its caches are shared)."""
    return Course()


@functools.lru_cache(maxsize=8)
def _course_at(folder: Path) -> Course:
    return Course(folder)


def course(data_dir: str | Path | None = None) -> Course:
    """Return the course over data_dir (the default course when None)."""
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


def exercise(id: str, data_dir: str | Path | None = None) -> Exercise:
    """Return the exercise with this id."""
    return course(data_dir).exercise(id)


def default_store() -> ProgressStoreLike:
    """Return the learner's progress store ($JAPAN_NATO_PROGRESS or the Jupyter data folder)."""
    # sqlite3 is imported only when a store is first needed, so `import japan_nato` stays light.
    from japan_nato.progress import get_store

    return get_store()


def show_quiz(quiz: Quiz) -> None:
    """Display a quiz as widgets in a notebook."""
    from japan_nato.views.notebook import show_quiz as show

    show(quiz)


def send_to_room(bank: str, question: Question, answer: Any, result: Result) -> None:
    """Hand a recorded answer to the workshop room on a JupyterHub (a no-op anywhere else)."""
    from japan_nato.room.client import hand_over

    hand_over(bank, question, answer, result)


def quiz(
    bank: str,
    *,
    data_dir: str | Path | None = None,
    store: ProgressStoreLike | None = None,
) -> Quiz:
    """Return the quiz for a bank; answers go to store (default: the learner's progress file)."""
    where = course(data_dir)
    store = default_store() if store is None else store
    return Quiz(where.bank(bank), store, where.data_dir, show=show_quiz, on_answer=send_to_room)


def review_quiz(
    size: int = 8,
    seed: int = 2022,
    store: ProgressStoreLike | None = None,
    data_dir: str | Path | None = None,
) -> ReviewQuiz:
    """Return a review quiz of the teaching banks: missed questions first, then a seeded sample."""
    store = default_store() if store is None else store
    return _review_quiz(size, seed, store, data_dir, show=show_quiz, on_answer=send_to_room)


def progress(
    store: ProgressStoreLike | None = None, data_dir: str | Path | None = None
) -> pd.DataFrame:
    """Return one row per bank: bank, title, questions, attempted, correct."""
    from japan_nato.views.progress_table import ProgressTable

    return ProgressTable(_progress(default_store() if store is None else store, data_dir))


def check_setup(data_dir: str | Path | None = None) -> SetupReport:
    """Check Python, the course data, the progress file and ipywidgets; never raises."""
    from japan_nato.views.setup_check import check_setup as check

    return check(course(data_dir), store=default_store())
