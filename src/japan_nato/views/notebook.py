"""Show course objects in a notebook: the quiz as widgets, with its text version as fallback."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from japan_nato.quiz import Quiz


def show_quiz(quiz: Quiz) -> None:
    """Display a quiz as widgets (ipywidgets and IPython load only here)."""
    from IPython.display import display

    from japan_nato.views.quiz_widget import QuizWidget

    display(QuizWidget(quiz))
