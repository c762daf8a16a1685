"""Question banks as data: load, validate and check answers (pure Python, no widgets)."""

from japan_nato.quiz.answers import LETTERS, letter_range, normalise
from japan_nato.quiz.bank import all_bank_problems, bank_names, bank_problems, load_bank
from japan_nato.quiz.model import HELP_SURFACES, Bank, Option, ProgressStoreLike, Question, Result
from japan_nato.quiz.policy import MODES, OpenRound, RoundProvider
from japan_nato.quiz.review import ReviewQuiz, review_quiz
from japan_nato.quiz.session import Quiz, progress
from japan_nato.quiz.types import (
    QUESTION_TYPES,
    Matching,
    MultipleSelect,
    Ordering,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)

__all__ = [
    "HELP_SURFACES",
    "LETTERS",
    "MODES",
    "OpenRound",
    "RoundProvider",
    "QUESTION_TYPES",
    "Bank",
    "Matching",
    "MultipleSelect",
    "Option",
    "Ordering",
    "ProgressStoreLike",
    "Question",
    "Quiz",
    "Result",
    "ReviewQuiz",
    "ShortAnswer",
    "SingleChoice",
    "TrueFalse",
    "all_bank_problems",
    "bank_names",
    "bank_problems",
    "letter_range",
    "load_bank",
    "normalise",
    "progress",
    "review_quiz",
]
