"""The quiz core works with ipywidgets, IPython, matplotlib and sqlite3 impossible to import."""

from __future__ import annotations

from tests.support.fresh_python import run_json

HEAVY = ("ipywidgets", "IPython", "matplotlib")

BLOCKER = """
import sys

BLOCKED = {"ipywidgets", "IPython", "matplotlib", "sqlite3", "_sqlite3"}


class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is blocked in this test")
        return None


sys.meta_path.insert(0, Blocker())
"""


def test_quiz_core_works_with_widgets_and_sqlite_blocked() -> None:
    out = run_json(
        BLOCKER
        + """
import json
import japan_nato


class Store:
    def __init__(self):
        self.rows = []

    def record(self, bank, question_id, answer, correct, *, objective="", chosen_wrong=()):
        self.rows.append((question_id, correct))

    def correct_ids(self, bank):
        return {qid for qid, correct in self.rows if correct}


store = Store()
q = japan_nato.quiz("01_reading_the_source", store=store)
first = q.questions[0]
bad = first.check(None)
right = q.answer("src-meeting-date", "29 June 2022")
text = repr(q)
print(json.dumps({
    "bad_valid": bad.valid,
    "right": right.correct,
    "rows": len(store.rows),
    "score_ok": q.score() == (1, len(q.questions)),
    "text_ok": text.startswith("Quiz: Reading the source"),
    "loaded": sorted(
        m for m in ("ipywidgets", "IPython", "matplotlib", "sqlite3") if m in sys.modules
    ),
}))
"""
    )
    assert out == {
        "bad_valid": False,
        "right": True,
        "rows": 1,
        "score_ok": True,
        "text_ok": True,
        "loaded": [],
    }


def test_the_blocker_really_blocks() -> None:
    out = run_json(
        BLOCKER
        + """
import json
try:
    import ipywidgets  # noqa: F401
    blocked = False
except ImportError:
    blocked = True
print(json.dumps({"blocked": blocked}))
"""
    )
    assert out == {"blocked": True}


def test_plain_import_loads_no_heavy_modules() -> None:
    out = run_json(
        """
import json
import sys
import japan_nato
from japan_nato.dataset.paths import data_dir
from japan_nato.quiz import load_bank

load_bank("01_reading_the_source", data_dir())
print(json.dumps(sorted(m for m in HEAVY if m in sys.modules)))
""".replace("HEAVY", repr(HEAVY))
    )
    assert out == []
