"""Show course objects in a notebook: the quiz as widgets, with its text version as fallback."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from japan_nato.feedback import Feedback
    from japan_nato.quiz import Quiz


def show_quiz(quiz: Quiz, ask_name: tuple[str, Callable[[str], Feedback]] | None = None) -> None:
    """Display a quiz as widgets; ask_name (account, keep) first shows the name prompt."""
    from IPython.display import display

    from japan_nato.views.quiz_widget import QuizWidget

    if ask_name is not None:
        from japan_nato.views.name_prompt import NamePrompt

        display(NamePrompt(*ask_name))
    display(QuizWidget(quiz))
