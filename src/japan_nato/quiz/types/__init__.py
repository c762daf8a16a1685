"""The question types and their registry, keyed by the type name used in the bank files."""

from japan_nato.quiz.model import Question
from japan_nato.quiz.types.matching import Matching
from japan_nato.quiz.types.multiple_select import MultipleSelect
from japan_nato.quiz.types.ordering import Ordering
from japan_nato.quiz.types.short_answer import ShortAnswer
from japan_nato.quiz.types.single_choice import SingleChoice
from japan_nato.quiz.types.true_false import TrueFalse

# The registry: a bank's `type = "..."` picks the class. Add a new type here.
QUESTION_TYPES: dict[str, type[Question]] = {
    cls.type_name: cls
    for cls in (SingleChoice, MultipleSelect, TrueFalse, Ordering, Matching, ShortAnswer)
}

__all__ = [
    "QUESTION_TYPES",
    "Matching",
    "MultipleSelect",
    "Ordering",
    "ShortAnswer",
    "SingleChoice",
    "TrueFalse",
]
