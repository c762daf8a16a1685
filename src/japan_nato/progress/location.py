"""Where the progress file lives and who the learner is."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


ENV_PATH = "JAPAN_NATO_PROGRESS"


ENV_LEARNER = "JAPAN_NATO_LEARNER"


_RESOLVED: dict[str, Path] = {}


def default_path() -> Path:
    """Return $JAPAN_NATO_PROGRESS, else <jupyter data dir>/japan_nato/progress.sqlite."""
    env = os.environ.get(ENV_PATH, "").strip()
    if env:
        # A relative path is made absolute the first time it is seen, so a notebook that
        # changes its working folder keeps one progress file.
        if env not in _RESOLVED:
            _RESOLVED[env] = Path(os.path.abspath(Path(env).expanduser()))
        return _RESOLVED[env]
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "japan_nato" / "progress.sqlite"


def default_learner() -> str:
    """Return $JAPAN_NATO_LEARNER, else the login name, else "learner"."""
    env = os.environ.get(ENV_LEARNER, "").strip()
    if env:
        return env
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        # No login name in some containers (a uid without a passwd entry).
        return "learner"
