"""review_quiz where notebook 06 imports it from (`from japan_nato.review import review_quiz`)."""

from japan_nato.api import review_quiz

__all__ = ["review_quiz"]
