"""(e) Installed size: site-packages of a runtime install and of .venv against a bare one."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import CACHE, REPO, Measurement, Row, Settings, Skip, log, shown_path

TITLE = "installed size"
# The bare environment the installed size is compared with (issue 6, item 1e).
BARE_PACKAGES = ("jupyterlab", "pandas", "ipywidgets", "nbval")


# (e) installed size


def tree_size(path: Path) -> int:
    """Bytes of the files under path (symlinks counted as links, not followed)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def site_packages(venv: Path) -> Path:
    return (
        venv
        / "lib"
        / f"python{sys.version_info.major}.{sys.version_info.minor}"
        / ("site-packages")
    )


def _pip(python: Path, *args: str) -> None:
    command = [str(python), "-m", "pip", "--disable-pip-version-check", *args]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=1800, check=False, cwd=CACHE
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{(done.stdout + done.stderr)[-2500:]}")


def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _source_hash() -> str:
    """Hash of what `pip install <repo>` packs: pyproject, src/ and data/."""
    digest = hashlib.sha256()
    files = [REPO / "pyproject.toml"]
    for folder in ("src", "data"):
        files += sorted(p for p in (REPO / folder).rglob("*") if p.is_file())
    for path in files:
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _copy_for_build(target: Path) -> Path:
    """Copy what the wheel is built from, so that a build writes nothing into the checkout."""
    target.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md", "LICENSE", "LICENSE.md", "LICENSE.txt"):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for folder in ("src", "data"):
        shutil.copytree(REPO / folder, target / folder, ignore=ignore)
    return target


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _installed(venv: Path) -> dict[str, str]:
    """Distribution name -> version, read from the *.dist-info folders of a venv."""
    versions = {}
    for info in site_packages(venv).glob("*.dist-info"):
        name, _, version = info.name[: -len(".dist-info")].partition("-")
        versions[_normalise(name)] = version
    return versions


def _cached_venv(
    name: str,
    spec: dict[str, Any],
    wanted: dict[str, str],
    install: Callable[[Path], None],
    refresh: Callable[[Path], None] | None,
) -> tuple[Path, str]:
    """Return a venv under bench/.cache built by install(), reused while it is still right.

    It is rebuilt when spec changes, or when the project venv's version of any distribution
    in it changed since it was built (`wanted`), so the comparison stays like for like.
    """
    venv = CACHE / name
    marker = venv / ".bench-spec.json"
    python = venv / "bin" / "python"
    fingerprint = _fingerprint(spec)
    why = "not built yet"
    if marker.is_file() and python.exists():
        saved = json.loads(marker.read_text(encoding="utf-8"))
        before = saved.get("project_versions_at_build", {})
        drift = [
            f"{dist} {before.get(dist)} -> {wanted.get(dist)}"
            for dist in _installed(venv)
            if wanted.get(dist) != before.get(dist)
        ]
        if saved.get("fingerprint") != fingerprint:
            why = "its requirements changed"
        elif drift:
            why = "the project venv's versions changed: " + ", ".join(drift[:5])
        else:
            if refresh is not None:
                refresh(python)
            return venv, "reused"
    shutil.rmtree(venv, ignore_errors=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    base_python = getattr(sys, "_base_executable", None) or sys.executable
    log(f"(e) building {venv.relative_to(REPO)} ({why}); cached afterwards")
    subprocess.run([base_python, "-m", "venv", str(venv)], check=True, timeout=300)
    install(python)
    at_build = {dist: wanted.get(dist) for dist in _installed(venv)}
    marker.write_text(
        json.dumps(
            {"fingerprint": fingerprint, "spec": spec, "project_versions_at_build": at_build},
            indent=1,
        ),
        encoding="utf-8",
    )
    return venv, f"built ({why})"


def _distributions(venv: Path) -> dict[str, int]:
    """Top-level entries of site-packages -> bytes (folders and single files)."""
    sizes = {}
    for entry in site_packages(venv).iterdir():
        sizes[entry.name] = tree_size(entry) if entry.is_dir() else entry.lstat().st_size
    return sizes


def run(settings: Settings, result: Measurement) -> None:
    """Site-packages of the project's venv and of a runtime install vs a bare environment."""
    if sys.prefix == sys.base_prefix:
        raise Skip("not running in a venv (run it as .venv/bin/python -m bench)")
    project = Path(sys.prefix)
    # Pin every distribution to the version the project's venv holds, so that the comparison
    # measures what the course adds, not what PyPI released since the venv was made.
    pins = sorted(
        f"{dist.metadata['Name']}=={dist.version}"
        for dist in importlib.metadata.distributions()
        if dist.metadata["Name"] and dist.metadata["Name"].lower().replace("_", "-") != "japan-nato"
    )
    pinned = {line.split("==")[0].lower(): line for line in pins}
    constraints = CACHE / "constraints.txt"
    CACHE.mkdir(parents=True, exist_ok=True)
    constraints.write_text("\n".join(pins) + "\n", encoding="utf-8")
    pip_pin = pinned.get("pip", "pip")
    bare_reqs = [pinned.get(name, name) for name in BARE_PACKAGES]

    def install_bare(python: Path) -> None:
        _pip(python, "install", "--quiet", pip_pin)
        _pip(python, "install", "--quiet", "-c", str(constraints), *bare_reqs)

    def install_runtime(python: Path) -> None:
        _pip(python, "install", "--quiet", pip_pin)
        with tempfile.TemporaryDirectory(prefix="jn-bench-build-") as folder:
            source = _copy_for_build(Path(folder) / "japan-nato")
            _pip(python, "install", "--quiet", "-c", str(constraints), str(source))
        (python.parent.parent / ".bench-source").write_text(_source_hash(), encoding="utf-8")

    def refresh_runtime(python: Path) -> None:
        stamp = python.parent.parent / ".bench-source"
        current = _source_hash()
        if stamp.is_file() and stamp.read_text(encoding="utf-8") == current:
            return
        log("(e) the package changed: reinstalling japan-nato (no deps) in the runtime venv")
        with tempfile.TemporaryDirectory(prefix="jn-bench-build-") as folder:
            source = _copy_for_build(Path(folder) / "japan-nato")
            _pip(python, "install", "--quiet", "--no-deps", "--force-reinstall", str(source))
        stamp.write_text(current, encoding="utf-8")

    with (REPO / "pyproject.toml").open("rb") as file:
        dependencies = tomllib.load(file)["project"].get("dependencies", [])
    wanted = {_normalise(line.split("==")[0]): line.split("==")[1] for line in pins}
    base_spec = {"python": sys.version, "pip": pip_pin}
    bare, bare_state = _cached_venv(
        "venv-bare", {**base_spec, "reqs": bare_reqs}, wanted, install_bare, None
    )
    runtime, runtime_state = _cached_venv(
        "venv-runtime",
        {
            **base_spec,
            "dependencies": dependencies,
            "pins": [wanted.get(_normalise(n)) for n in BARE_PACKAGES],
        },
        wanted,
        install_runtime,
        refresh_runtime,
    )
    sizes = {
        "bare": tree_size(site_packages(bare)),
        "runtime": tree_size(site_packages(runtime)),
        "project": tree_size(site_packages(project)),
    }
    runtime_ratio = sizes["runtime"] / sizes["bare"]
    full_ratio = sizes["project"] / sizes["bare"]
    mb = 1e6
    result.rows.append(
        Row(
            "runtime install (pip install <repo>) / bare env, site-packages",
            f"{runtime_ratio:.3f} ({sizes['runtime'] / mb:,.0f} MB vs "
            f"{sizes['bare'] / mb:,.0f} MB)",
            "≤ 1.10 (applies here)",
            runtime_ratio <= 1.10,
            round(runtime_ratio, 4),
            "ratio",
        )
    )
    bare_entries = _distributions(bare)
    project_entries = _distributions(project)
    extras = sorted(
        ((name, size) for name, size in project_entries.items() if name not in bare_entries),
        key=lambda item: -item[1],
    )
    top = ", ".join(f"{name} {size / mb:.0f}" for name, size in extras[:5] if size >= mb)
    result.rows.append(
        Row(
            "project .venv (with every extra: test, browser, lint) / bare env",
            f"{full_ratio:.2f} ({sizes['project'] / mb:,.0f} MB); largest extras (MB): {top}",
            "— (no target: test tools)",
            None,
            round(full_ratio, 4),
            "ratio",
        )
    )
    runtime_entries = _distributions(runtime)
    runtime_extras = sorted(
        ((name, size) for name, size in runtime_entries.items() if name not in bare_entries),
        key=lambda item: -item[1],
    )
    own = sum(size for _, size in runtime_extras)
    bare_only = sum(size for name, size in bare_entries.items() if name not in runtime_entries)
    result.rows.append(
        Row(
            "  runtime minus bare: the course package / test tools only in bare",
            f"+{own / mb:.1f} MB (japan_nato with its data) / −{bare_only / mb:.1f} MB "
            "(nbval, pytest)",
        )
    )
    result.data |= {
        "site_packages_bytes": sizes,
        "runtime_only_bytes": own,
        "bare_only_bytes": bare_only,
        "runtime_ratio": runtime_ratio,
        "full_ratio": full_ratio,
        "target": 1.10,
        "target_applies_to": "runtime install (pip install <repo>, no extras)",
        "bare_packages": bare_reqs,
        "venvs": {
            "bare": {"path": str(bare.relative_to(REPO)), "state": bare_state},
            "runtime": {"path": str(runtime.relative_to(REPO)), "state": runtime_state},
            "project": {"path": shown_path(project)},
        },
        "pinning": "every distribution pinned (pip constraints) to the project venv's version",
        "project_extra_entries_bytes": dict(extras[:25]),
        "runtime_extra_entries_bytes": dict(runtime_extras[:25]),
        "bare_missing_from_runtime": sorted(set(bare_entries) - set(runtime_entries)),
    }
