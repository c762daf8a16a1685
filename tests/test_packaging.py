"""The package finds its data from a built wheel, not only from the source checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO


@pytest.mark.slow
def test_wheel_ships_the_data_and_finds_it(tmp_path: Path):
    pytest.importorskip("hatchling")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next((tmp_path / "dist").glob("japan_nato-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    assert "japan_nato/data/article.txt" in names
    assert "japan_nato/data/datapackage.json" in names
    assert "japan_nato/views/assets/shortcut_guard.js" in names
    assert "japan_nato/views/assets/card_actions.js" in names
    assert "japan_nato/views/assets/quiz.css" in names
    assert "japan_nato/py.typed" in names  # type checkers read the package's annotations
    script = (
        "import japan_nato, japan_nato.dataset.paths as p, japan_nato.dataset as d;"
        "print(japan_nato.__file__); print(p.data_dir()); print(len(d.load_facts(p.data_dir())))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert out[0].startswith(str(tmp_path / "site"))
    assert out[1] == str(tmp_path / "site" / "japan_nato" / "data")
    assert int(out[2]) >= 30
