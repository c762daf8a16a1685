"""The course's figures: the Japan-NATO timeline, NATO's partner frameworks, facts by topic.

How notebooks store figures: a figure cell displays the figure as a PNG (each function returns a
matplotlib Figure that renders itself with ``_repr_png_``, whether or not pyplot is loaded) and is
tagged ``nbval-ignore-output``. PNG bytes depend on the matplotlib and FreeType versions and the
fonts installed, and the first matplotlib import on a fresh machine may print a font-cache notice to
stderr; either would make strict nbval fail for reasons that have nothing to do with the course.
So the notebooks keep the picture for readers, nbval only checks that the cell runs, and
tests/test_figures.py checks what matters — the title, axis labels, number of events, bars and
legend entries, and that no labels overlap — from the Figure objects, not from pixels.
matplotlib is imported inside the functions, so ``import japan_nato`` never loads it.
"""

from __future__ import annotations

from pathlib import Path

from japan_nato.figures.charts import facts_by_topic_figure, framework_table, frameworks_figure
from japan_nato.figures.style import CATEGORY_STYLE, KIND_STYLE, OKABE_ITO, WIDTH, _png_bytes
from japan_nato.figures.timeline import timeline_figure

__all__ = [
    "FIGURES",
    "CATEGORY_STYLE",
    "KIND_STYLE",
    "OKABE_ITO",
    "WIDTH",
    "facts_by_topic_figure",
    "framework_table",
    "frameworks_figure",
    "save_all",
    "timeline_figure",
]


FIGURES = {
    "timeline.png": timeline_figure,
    "frameworks.png": frameworks_figure,
    "facts_by_topic.png": facts_by_topic_figure,
}


def save_all(directory: str | Path) -> list[Path]:
    """Write the three figures as PNGs into directory; return their paths."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in FIGURES.items():
        path = target / name
        path.write_bytes(_png_bytes(make()))
        written.append(path)
    return written
