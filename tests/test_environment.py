"""environment.yml (Binder/conda) and pyproject.toml agree; the README's links work."""

from __future__ import annotations

import re
import tomllib

import yaml

from .conftest import REPO


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _environment() -> dict:
    return yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))


def test_environment_and_pyproject_name_the_same_runtime_packages():
    runtime = {_name(r) for r in _pyproject()["project"]["dependencies"]}
    conda = {_name(d) for d in _environment()["dependencies"] if isinstance(d, str)}
    assert conda - {"python", "pip"} == runtime


def test_environment_uses_conda_forge_and_installs_the_package():
    env = _environment()
    assert env["channels"] == ["conda-forge"]
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert ["-e ."] in pip_sections


def test_python_versions_agree():
    python = next(
        d for d in _environment()["dependencies"] if isinstance(d, str) and _name(d) == "python"
    )
    assert python.replace("python", "") == _pyproject()["project"]["requires-python"]


def test_readme_binder_badge_opens_the_start_notebook():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"mybinder\.org/v2/gh/[^)\s]+\?urlpath=lab/tree/([^)\s]+)", readme)
    assert match, "README has no Binder badge with a urlpath"
    assert (REPO / match.group(1)).is_file()


def test_readme_shows_the_two_commands_first():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme.index("make lab") < readme.index("## ")
    assert "make test" in readme
