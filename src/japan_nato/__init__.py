"""Japan-NATO Partnership course: data loaders, quizzes, exercises and progress."""

from japan_nato.data import (
    article_sentences,
    evidence,
    load_article,
    load_context,
    load_facts,
    load_glossary,
    load_timeline,
)
from japan_nato.errors import DataError, JapanNatoError, Problem, ProgressError
from japan_nato.exercises import exercise
from japan_nato.figures import facts_by_topic_figure, frameworks_figure, timeline_figure
from japan_nato.quiz import Quiz, Result, progress, quiz
from japan_nato.review import review_quiz
from japan_nato.setup_check import check_setup

__version__ = "0.1.0"

__all__ = [
    "DataError",
    "JapanNatoError",
    "Problem",
    "ProgressError",
    "Quiz",
    "Result",
    "__version__",
    "article_sentences",
    "check_setup",
    "evidence",
    "exercise",
    "facts_by_topic_figure",
    "frameworks_figure",
    "load_article",
    "load_context",
    "load_facts",
    "load_glossary",
    "load_timeline",
    "progress",
    "quiz",
    "review_quiz",
    "timeline_figure",
]
