"""Where the progress file lives and who the learner is."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

# Account names shared by many learners (containers, Binder, hubs): never a hand-in name.
GENERIC_NAMES = frozenset(
    {
        "admin",
        "administrator",
        "anonymous",
        "guest",
        "jovyan",
        "jupyter",
        "learner",
        "nobody",
        "pi",
        "root",
        "student",
        "ubuntu",
        "user",
        "vagrant",
        "web_user",
        "your name",
        "www-data",
    }
)


MAX_NAME_CHARS = 60


def is_generic_name(name: str) -> bool:
    """True when name is empty or an account name many learners share (root, jovyan, ...)."""
    return name.strip().casefold() in GENERIC_NAMES or not name.strip()


def clean_name(name: object) -> str:
    """Return a learner-made name tidied up; raise ValueError with the reason when unusable."""
    if not isinstance(name, str):
        raise ValueError(f'a name is text, like "Aiko T.", not {type(name).__name__}')
    text = " ".join("".join(c if c.isprintable() else " " for c in name).split())
    if not text:
        raise ValueError("the name is empty; type the name your instructor will know you by")
    if len(text) > MAX_NAME_CHARS:
        raise ValueError(f"the name is longer than {MAX_NAME_CHARS} characters")
    if text.casefold() == "your name":
        raise ValueError('put your own name in place of "Your Name"')
    if is_generic_name(text):
        raise ValueError(f"{text!r} is an account name many learners share; choose your own")
    return text


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
