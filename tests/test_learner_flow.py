"""A learner's hand-in: a chosen name kept in the progress file, exports, exercise checks."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

import japan_nato
from japan_nato import api
from japan_nato.progress import SCHEMA_VERSION, ProgressStore, get_store


def test_the_name_is_kept_in_the_progress_file(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    with ProgressStore(path) as store:
        assert store.learner_name() is None
        assert store.set_learner_name("  Aiko   T. ") == "Aiko T."
        store.set_learner_name("Aiko Tanaka")
    with ProgressStore(path) as again:
        assert again.learner_name() == "Aiko Tanaka"
    with sqlite3.connect(path) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM schema_migrations")]
    assert names[-1] == "create_learner" and SCHEMA_VERSION == 3


def test_an_older_progress_file_gets_the_learner_table(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with ProgressStore(path) as store:
        store.record("01_reading_the_source", "src-who-met", "C", True)
    with sqlite3.connect(path) as conn:  # make it a version-2 file, as older courses wrote
        conn.execute("DROP TABLE learner")
        conn.execute("DELETE FROM schema_migrations WHERE version = 3")
        conn.execute("PRAGMA user_version = 2")
    with ProgressStore(path) as store:
        assert store.count() == 1  # nothing lost
        assert store.set_learner_name("Ben") == "Ben"


@pytest.mark.parametrize("name", ["root", "jovyan", "Ubuntu", "web_user", "admin", "", "  "])
def test_generic_or_empty_names_are_refused(tmp_path: Path, name: str) -> None:
    with ProgressStore(tmp_path / "p.sqlite") as store:
        with pytest.raises(ValueError):
            store.set_learner_name(name)
        assert store.learner_name() is None


def test_export_progress_asks_for_a_name_when_the_account_is_generic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAPAN_NATO_LEARNER", "jovyan")
    monkeypatch.chdir(tmp_path)
    store = get_store()
    store.record("01_reading_the_source", "src-who-met", "C", True)
    asked = japan_nato.export_progress()
    assert asked.correct is False and "name=" in asked.text
    assert not list(tmp_path.glob("*.csv"))
    sent: list[str] = []
    monkeypatch.setattr(api, "send_display_name", sent.append)
    done = japan_nato.export_progress(name="Aiko T.")
    target = tmp_path / "japan_nato_progress_aiko_t.csv"
    assert str(target) in done.text and target.is_file()
    with target.open(encoding="utf-8", newline="") as handle:
        assert [row["learner"] for row in csv.DictReader(handle)] == ["Aiko T."]
    assert sent == ["Aiko T."]  # the workshop room shows the same name
    assert "Aiko T." in japan_nato.export_progress().text  # kept: not asked again


def test_set_learner_name_tells_the_room(monkeypatch: pytest.MonkeyPatch) -> None:
    from japan_nato.room import client

    told: list[str] = []
    monkeypatch.setattr(client, "set_display_name", lambda name: told.append(name))
    said = japan_nato.set_learner_name("Chidi")
    assert said.correct is True and "Chidi" in said.title
    assert told == ["Chidi"]
    refused = japan_nato.set_learner_name("root")
    assert refused.correct is False and told == ["Chidi"]


def test_exercise_checks_are_recorded_and_shown_in_progress() -> None:
    ex = japan_nato.exercise("facts-per-topic")
    facts = japan_nato.load_facts()
    assert ex.check(None).correct is None  # the placeholder is not an attempt
    assert ex.check(facts["kind"].value_counts()).correct is False
    assert ex.check(facts["topic"].value_counts()).correct is True
    attempts = get_store().attempts("exercises")
    assert list(attempts["question_id"]) == ["facts-per-topic"] * 2
    assert list(attempts["correct"]) == [False, True]
    table = api.exercise_progress()
    row = table[table["exercise"] == "facts-per-topic"].iloc[0]
    assert bool(row["checked"]) and bool(row["correct"]) and row["title"] == "Facts per topic"


def test_the_placeholder_name_of_the_notebook_cell_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 06_review's cell reads export_progress(name="Your Name"): Run All must write no file.
    monkeypatch.chdir(tmp_path)
    said = japan_nato.export_progress(name="Your Name")
    assert said.correct is None and 'in place of "Your Name"' in said.text  # neutral, not red
    assert list(tmp_path.iterdir()) == []


def test_the_first_quiz_asks_a_generic_account_for_a_name_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from japan_nato.views.name_prompt import NamePrompt

    shown: list[object] = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    monkeypatch.setattr(api, "_name_asked", False)
    monkeypatch.setattr(api, "send_display_name", lambda name: None)
    monkeypatch.setenv("JAPAN_NATO_LEARNER", "jovyan")
    store = get_store()
    api.show_quiz(japan_nato.quiz("01_reading_the_source", store=store))
    prompt = shown[0]
    assert isinstance(prompt, NamePrompt) and "jovyan" in prompt.children[0].value
    prompt.text.value = "Aiko T."
    prompt.button.click()
    assert "Aiko T." in prompt.said.value and prompt.button.disabled
    assert store.learner_name() == "Aiko T."
    shown.clear()
    api.show_quiz(japan_nato.quiz("02_madrid_summit_2022", store=store))
    assert not any(isinstance(item, NamePrompt) for item in shown)  # asked once


def test_a_saved_name_prompt_keeps_text_not_a_dead_widget() -> None:
    from japan_nato.views.name_prompt import NamePrompt
    from japan_nato.views.save_hook import WIDGET_VIEW, strip_quiz_views

    bundle = NamePrompt("root", lambda name: None)._repr_mimebundle_()  # type: ignore[arg-type]
    assert bundle is not None and WIDGET_VIEW in bundle
    notebook = {"cells": [{"outputs": [{"data": dict(bundle)}]}]}
    assert strip_quiz_views(notebook) == 1  # reopened, it shows its text, not "model not found"
    assert notebook["cells"][0]["outputs"][0]["data"]["text/plain"].startswith("Run this cell")
