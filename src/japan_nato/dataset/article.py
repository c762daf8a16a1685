"""The article text and its sentences (the only sentence splitter)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from japan_nato.dataset.paths import ARTICLE_FILE, _dir_stamp
from japan_nato.errors import DataError, Problem

# A sentence ends at . ? ! (and a closing quote) before white space, or at a line break that
# starts a new capitalised line: the article wraps some sentences across lines and has a heading.
_SENTENCE_END = re.compile(r"[.?!][”’\"]?(?=\s)|\n(?=[A-Z0-9“\"])")


@dataclass(frozen=True)
class Sentence:
    """One sentence of the article with its character offsets."""

    index: int
    text: str
    start: int
    end: int


def _read_article(directory: Path) -> str:
    """Read article.txt or raise DataError naming the file."""
    path = directory / ARTICLE_FILE
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(
            Problem(ARTICLE_FILE, None, "-", f"file not found in {directory.name}/")
        ) from None
    except UnicodeDecodeError as exc:
        raise DataError(
            Problem(ARTICLE_FILE, None, "-", f"not valid UTF-8 ({exc.reason})")
        ) from None


@lru_cache(maxsize=32)
def _article_cached(directory: Path, stamp: tuple[Any, ...]) -> str:
    return _read_article(directory)


def load_article(data_dir: Path) -> str:
    """Return the article text exactly as published."""
    directory = data_dir
    return _article_cached(directory, _dir_stamp(directory))


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences with their offsets."""
    sentences: list[Sentence] = []
    pos = 0
    bounds = [m.end() if m.group() != "\n" else m.start() for m in _SENTENCE_END.finditer(text)]
    for end in [*bounds, len(text)]:
        chunk = text[pos:end]
        stripped = chunk.strip()
        if stripped:
            start = pos + (len(chunk) - len(chunk.lstrip()))
            sentences.append(Sentence(len(sentences), stripped, start, start + len(stripped)))
        pos = end
    return sentences


def article_sentences(data_dir: Path) -> list[Sentence]:
    """Return the article's sentences with their offsets."""
    return split_sentences(load_article(data_dir))
