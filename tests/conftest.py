"""Shared fixtures for the unit tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from japan_nato.dataset.paths import data_dir

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the course data, for tests that break it on purpose."""
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    return target


@pytest.fixture(autouse=True)
def _isolated_progress(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test writes progress to its own temp file, never the learner's."""
    path = tmp_path_factory.mktemp("progress") / "progress.sqlite"
    monkeypatch.setenv("JAPAN_NATO_PROGRESS", str(path))
    return path


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    """One Playwright driver for the whole run: its sync API allows only one at a time."""
    from playwright.sync_api import sync_playwright  # only the browser and hub tests need it

    with sync_playwright() as driver:
        yield driver
