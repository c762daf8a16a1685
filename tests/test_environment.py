"""Binder: environment.yml and pyproject.toml agree, and repo2docker would build it as intended."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from .conftest import REPO

# What repo2docker copies matters only by name; the build context is a copy of these.
BINDER_FILES = ("environment.yml", "postBuild", "pyproject.toml", "README.md")
BINDER_DIRS = ("src", "data", "notebooks")


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _environment() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "environment.yml").read_text("utf-8"))
    return loaded


def _conda_specs() -> list[str]:
    return [d for d in _environment()["dependencies"] if isinstance(d, str)]


def _pinned_python() -> str:
    python = next(d for d in _conda_specs() if _name(d) == "python")
    match = re.fullmatch(r"python=(\d+\.\d+)", python.replace(" ", ""))
    assert match, f"environment.yml must pin Python as python=X.Y, not {python!r}"
    return match.group(1)


def test_environment_and_pyproject_name_the_same_runtime_packages() -> None:
    runtime = {_name(r) for r in _pyproject()["project"]["dependencies"]}
    conda = {_name(d) for d in _conda_specs()}
    assert conda - {"python", "pip"} == runtime


def test_environment_and_pyproject_ask_for_the_same_minimum_versions() -> None:
    runtime = {_name(r): r.replace(" ", "") for r in _pyproject()["project"]["dependencies"]}
    for spec in _conda_specs():
        if _name(spec) in runtime:
            assert spec.replace(" ", "") == runtime[_name(spec)]


def test_pinned_python_satisfies_requires_python() -> None:
    requires = SpecifierSet(_pyproject()["project"]["requires-python"])
    assert Version(_pinned_python()) in requires


def test_environment_uses_conda_forge_and_leaves_the_package_to_postbuild() -> None:
    env = _environment()
    assert env["channels"] == ["conda-forge"]
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    # `- -e .` here would copy the repository before the conda step (no layer cache).
    assert not any("." in line.split() for section in pip_sections for line in section)


def test_postbuild_stops_on_error_and_installs_the_package() -> None:
    post_build = REPO / "postBuild"
    text = post_build.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    commands = [line for line in lines if not line.startswith("#")]
    assert lines[0].startswith("#!"), "postBuild needs a shebang line"
    assert commands[0] == "set -euo pipefail", "postBuild must stop at the first error"
    assert any(re.search(r"pip install .*(-e \.|\s\.)$", c) for c in commands)
    assert post_build.stat().st_mode & stat.S_IXUSR, "postBuild must be executable"


def _binder_copy(target: Path) -> Path:
    """Copy what repo2docker reads into target (never the venv or caches)."""
    target.mkdir()
    for name in BINDER_FILES:
        shutil.copy2(REPO / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.sqlite*")
    for name in BINDER_DIRS:
        shutil.copytree(REPO / name, target / name, ignore=ignore)
    return target


@pytest.mark.slow
def test_repo2docker_builds_the_pinned_python_and_caches_the_conda_layer(tmp_path: Path) -> None:
    """repo2docker's Dockerfile: the pinned Python, conda before the repository, then postBuild."""
    repo2docker = Path(sys.executable).with_name("repo2docker")
    if not repo2docker.exists():
        pytest.skip("jupyter-repo2docker is not installed (pip install -e .[test])")
    source = _binder_copy(tmp_path / "repo")
    env = {**os.environ, "HOME": str(tmp_path)}
    done = subprocess.run(
        [str(repo2docker), "--no-build", "--debug", "--no-run", str(source)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-3000:]
    python = _pinned_python()
    assert f"Building conda environment for python={python}" in out, out[:2000]
    assert "Python version unspecified" not in out
    env_update = re.search(r"env update -p \$\{NB_PYTHON_PREFIX\}", out)
    repo_copy = re.search(r"^COPY --chown=\S+ src/ \$\{REPO_DIR\}/$", out, re.MULTILINE)
    post_build = re.search(r"^RUN \./postBuild$", out, re.MULTILINE)
    assert env_update and repo_copy and post_build, out[-4000:]
    assert env_update.start() < repo_copy.start() < post_build.start()


@pytest.mark.slow
def test_binder_package_set_resolves_with_pip_for_the_pinned_python(tmp_path: Path) -> None:
    """Every runtime package (and the build backend postBuild needs) exists for that Python."""
    build_backend = _pyproject()["build-system"]["requires"]
    packages = [*_pyproject()["project"]["dependencies"], *build_backend]
    report = tmp_path / "report.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--quiet",
            "--ignore-installed",
            "--report",
            str(report),
            "--python-version",
            _pinned_python(),
            "--only-binary=:all:",
            *packages,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    installs = json.loads(report.read_text(encoding="utf-8"))["install"]
    resolved = {_name(item["metadata"]["name"]) for item in installs}
    assert {_name(p) for p in packages} <= resolved


def test_readme_binder_badge_opens_the_start_notebook() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"mybinder\.org/v2/gh/[^)\s]+\?urlpath=lab/tree/([^)\s]+)", readme)
    assert match, "README has no Binder badge with a urlpath"
    assert (REPO / match.group(1)).is_file()


def test_readme_shows_the_two_commands_first() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme.index("make lab") < readme.index("## ")
    assert "make test" in readme
