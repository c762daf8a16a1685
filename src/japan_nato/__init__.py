"""Japan-NATO Partnership course: data loaders, quizzes, exercises and progress."""

from japan_nato.errors import DataError, JapanNatoError, Problem

__version__ = "0.1.0"

__all__ = ["DataError", "JapanNatoError", "Problem", "__version__"]
