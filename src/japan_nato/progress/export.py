"""The export CSV: one row per recorded answer plus a learner column, read by the report."""

from __future__ import annotations

from japan_nato.progress.migrations import ATTEMPT_COLUMNS

# Written by ProgressStore.export(); read by instructor/report.py (load_exports).
EXPORT_COLUMNS = ["learner", *ATTEMPT_COLUMNS]
# The report needs these ...
REQUIRED_COLUMNS = ["learner", "bank", "question_id", "correct", "answered_at"]
# ... and fills these in when an older export lacks them.
OPTIONAL_COLUMNS = {"objective": "", "answer": "", "chosen_wrong": "[]"}
