"""Where the course data lives: the folder, its file names, and a stamp of their changes."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

ARTICLE_FILE = "article.txt"
SCHEMA_FILE = "datapackage.json"
TABLES = ("facts", "context", "timeline", "glossary")
ID_FIELDS = {
    "facts": "fact_id",
    "context": "context_id",
    "timeline": "event_id",
    "glossary": "term_id",
}


def data_dir() -> Path:
    """Return the course's data directory (inside a wheel, or the repository's data/)."""
    packaged = Path(str(resources.files("japan_nato"))) / "data"
    if (packaged / "datapackage.json").is_file():
        return packaged
    # Editable install or source checkout: src/japan_nato/dataset/ -> ../../../data
    return Path(__file__).resolve().parents[3] / "data"


def resolve_data_dir(data_dir_arg: str | Path | None) -> Path:
    """Return data_dir_arg as an absolute Path, or the course's data directory when None."""
    if data_dir_arg is None:
        return data_dir()
    folder = Path(data_dir_arg).expanduser().resolve()
    if not folder.is_dir():
        from japan_nato.errors import DataError, Problem

        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise DataError(
            Problem(str(data_dir_arg), None, "data_dir", f"the data folder {what} ({folder})")
        )
    return folder


def _dir_stamp(directory: Path) -> tuple[tuple[str, int], ...]:
    """Return the names and modification times of the data files, to key the cache."""
    names = [ARTICLE_FILE, SCHEMA_FILE, *(f"{t}.csv" for t in TABLES)]
    stamp = []
    for name in names:
        try:
            stamp.append((name, (directory / name).stat().st_mtime_ns))
        except OSError:
            stamp.append((name, -1))
    return tuple(stamp)
