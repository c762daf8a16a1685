"""Where the course data lives."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_dir() -> Path:
    """Return the course's data directory (inside a wheel, or the repository's data/)."""
    packaged = Path(str(resources.files("japan_nato"))) / "data"
    if (packaged / "datapackage.json").is_file():
        return packaged
    # Editable install or source checkout: src/japan_nato/ -> ../../data
    return Path(__file__).resolve().parents[2] / "data"


def resolve_data_dir(data_dir_arg: str | Path | None) -> Path:
    """Return data_dir_arg as an absolute Path, or the course's data directory when None."""
    return data_dir() if data_dir_arg is None else Path(data_dir_arg).resolve()
