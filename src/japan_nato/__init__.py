"""Japan-NATO Partnership course: data loaders, quizzes, exercises and progress."""

# The subpackages named like learner functions (quiz, progress) are imported first, so the
# functions bound below are what `japan_nato.quiz` and `japan_nato.progress` mean afterwards.
import japan_nato.progress
import japan_nato.quiz  # noqa: F401
from japan_nato.api import (
    article_sentences,
    check_setup,
    evidence,
    exercise,
    export_progress,
    facts_by_topic_figure,
    frameworks_figure,
    load_article,
    load_context,
    load_facts,
    load_glossary,
    load_timeline,
    my_gain,
    progress,
    quiz,
    review_quiz,
    set_learner_name,
    timeline_figure,
)
from japan_nato.course import Course
from japan_nato.errors import (
    DataError,
    InvalidAnswer,
    JapanNatoError,
    Problem,
    ProgressError,
    UnknownId,
    UsageError,
)
from japan_nato.quiz import Quiz, Result

__version__ = "0.1.0"

__all__ = [
    "Course",
    "DataError",
    "InvalidAnswer",
    "JapanNatoError",
    "Problem",
    "ProgressError",
    "Quiz",
    "Result",
    "UnknownId",
    "UsageError",
    "__version__",
    "article_sentences",
    "check_setup",
    "evidence",
    "exercise",
    "export_progress",
    "facts_by_topic_figure",
    "frameworks_figure",
    "load_article",
    "load_context",
    "load_facts",
    "load_glossary",
    "load_timeline",
    "my_gain",
    "progress",
    "quiz",
    "review_quiz",
    "set_learner_name",
    "timeline_figure",
]
