"""Course: one data folder, resolved once, and the caches of what was read from it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from japan_nato import dataset
from japan_nato.dataset.paths import resolve_data_dir
from japan_nato.exercises import Exercise, exercise, exercise_ids
from japan_nato.quiz import Bank, bank_names, load_bank

if TYPE_CHECKING:
    import pandas as pd

    from japan_nato.dataset import Evidence, Sentence
    from japan_nato.validate import ValidationReport


class Course:
    """The course data in one folder: tables, article, banks, exercises and their validation.

    Every learner function goes through a Course (api.default_course() for the packaged data),
    so the data folder is resolved in one place: here. The core takes that resolved folder as
    a required argument and never picks one itself. Banks and the validation report are cached
    here, keyed by the files' modification times, so an edited file is read again; the tables
    and the article are cached the same way by japan_nato.dataset.
    """

    def __init__(self, data_dir: str | Path | None = None) -> None:
        """Use the data in data_dir, or the course's own data when None."""
        self._packaged = data_dir is None
        self.folder: Path = resolve_data_dir(data_dir)
        self._validation: tuple[object, ValidationReport] | None = None

    def __repr__(self) -> str:
        return f"Course({'the course data' if self._packaged else str(self.folder)!r})"

    # -- the data ----------------------------------------------------------------------------

    def article(self) -> str:
        """Return the article text."""
        return dataset.load_article(self.folder)

    def sentences(self) -> list[Sentence]:
        """Return the article's sentences with their offsets."""
        return dataset.article_sentences(self.folder)

    def facts(self) -> pd.DataFrame:
        """Return the facts table (a copy)."""
        return dataset.load_facts(self.folder)

    def context(self) -> pd.DataFrame:
        """Return the context table (a copy)."""
        return dataset.load_context(self.folder)

    def timeline(self) -> pd.DataFrame:
        """Return the timeline table (a copy)."""
        return dataset.load_timeline(self.folder)

    def glossary(self) -> pd.DataFrame:
        """Return the glossary table (a copy)."""
        return dataset.load_glossary(self.folder)

    def evidence(self, fact_id: str) -> Evidence:
        """Return the evidence for a fact, context, timeline or glossary id."""
        return dataset.evidence(fact_id, self.folder)

    # -- quizzes and exercises ---------------------------------------------------------------

    def bank_names(self) -> list[str]:
        """Return the sorted names of the question banks."""
        return bank_names(self.folder)

    def bank(self, name: str) -> Bank:
        """Return a validated bank (parsed again only when its file or the tables changed)."""
        return load_bank(name, self.folder)

    def exercise(self, exercise_id: str) -> Exercise:
        """Return the exercise with this id."""
        return exercise(exercise_id, self.folder)

    def exercise_ids(self) -> list[str]:
        """Return the ids of all exercises, in file order."""
        return exercise_ids(self.folder)

    def validate(self, *, execute: bool = True) -> ValidationReport:
        """Validate every table, bank and exercise (again only when a file changed).

        execute=False does not run the exercises' solutions: a learner's set-up check needs the
        data to load, and running ten solutions in a child process costs a second.
        """
        from japan_nato.validate import validate_all

        stamp = (self._all_files_stamp(), execute)
        if self._validation is None or self._validation[0] != stamp:
            self._validation = (stamp, validate_all(self.folder, execute=execute))
        return self._validation[1]

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _mtime(path: Path) -> int:
        try:
            return path.stat().st_mtime_ns
        except OSError:
            return -1

    def _all_files_stamp(self) -> tuple[tuple[str, int], ...]:
        files = sorted(p for p in self.folder.rglob("*") if p.is_file())
        return tuple((str(p.relative_to(self.folder)), self._mtime(p)) for p in files)
