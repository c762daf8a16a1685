"""pandas exercises: exercise(id) -> Exercise with check / hint / solution."""

from japan_nato.exercises.catalogue import exercise, exercise_ids, exercise_problems
from japan_nato.exercises.compare import Compare
from japan_nato.exercises.model import Exercise
from japan_nato.feedback import Feedback

__all__ = ["Compare", "Exercise", "Feedback", "exercise", "exercise_ids", "exercise_problems"]
