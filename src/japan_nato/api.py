"""The public layer: picks the default progress store and data folder, and hands out views."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from japan_nato.quiz import ProgressStoreLike, Quiz, ReviewQuiz, load_bank
from japan_nato.quiz import progress as _progress
from japan_nato.quiz import review_quiz as _review_quiz

if TYPE_CHECKING:
    import pandas as pd

    from japan_nato.views.setup_check import SetupReport


def default_store() -> ProgressStoreLike:
    """Return the learner's progress store ($JAPAN_NATO_PROGRESS or the Jupyter data folder)."""
    # sqlite3 is imported only when a store is first needed, so `import japan_nato` stays light.
    from japan_nato.progress import get_store

    return get_store()


def show_quiz(quiz: Quiz) -> None:
    """Display a quiz as widgets in a notebook."""
    from japan_nato.views.notebook import show_quiz as show

    show(quiz)


def quiz(
    bank: str,
    *,
    data_dir: str | Path | None = None,
    store: ProgressStoreLike | None = None,
) -> Quiz:
    """Return the quiz for a bank; answers go to store (default: the learner's progress file)."""
    store = default_store() if store is None else store
    return Quiz(load_bank(bank, data_dir), store, data_dir, show=show_quiz)


def review_quiz(
    size: int = 8,
    seed: int = 2022,
    store: ProgressStoreLike | None = None,
    data_dir: str | Path | None = None,
) -> ReviewQuiz:
    """Return a review quiz of the teaching banks: missed questions first, then a seeded sample."""
    store = default_store() if store is None else store
    return _review_quiz(size, seed, store, data_dir, show=show_quiz)


def progress(
    store: ProgressStoreLike | None = None, data_dir: str | Path | None = None
) -> pd.DataFrame:
    """Return one row per bank: bank, title, questions, attempted, correct."""
    return _progress(default_store() if store is None else store, data_dir)


def check_setup(data_dir: str | Path | None = None) -> SetupReport:
    """Check Python, the course data, the progress file and ipywidgets; never raises."""
    from japan_nato.views.setup_check import check_setup as check

    return check(data_dir, store=default_store())
