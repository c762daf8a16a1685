"""The course's figures: the Japan-NATO timeline, NATO's partner frameworks, facts by topic.

Each function returns a `CourseFigure`: an SVG drawing built in pure Python (no matplotlib), with a
text description and the data it draws. In Jupyter it shows as an <img> with an SVG data URI, the
description as alt text and caption, and the data as a table (`_repr_html_`); the SVG is rendered
once and kept. JupyterLab shows that <img> in an untrusted notebook too (it strips inline <svg> and
refuses an untrusted image/svg+xml output). The SVG bytes depend only on the course data: no ids
that change, no dates or versions, coordinates rounded to a tenth of a pixel. So figure cells are
compared by strict nbval like any other output, and tests/test_figures.py checks the structure
(title, labels, counts, legends, no overlapping labels) from the drawing's elements.
"""

from __future__ import annotations

from pathlib import Path

from japan_nato.figures.charts import facts_by_topic_figure, framework_table, frameworks_figure
from japan_nato.figures.style import CATEGORY_STYLE, KIND_STYLE, OKABE_ITO, WIDTH, CourseFigure
from japan_nato.figures.timeline import timeline_figure

__all__ = [
    "FIGURES",
    "CATEGORY_STYLE",
    "KIND_STYLE",
    "OKABE_ITO",
    "WIDTH",
    "CourseFigure",
    "facts_by_topic_figure",
    "framework_table",
    "frameworks_figure",
    "save_all",
    "timeline_figure",
]


FIGURES = {
    "timeline.svg": timeline_figure,
    "frameworks.svg": frameworks_figure,
    "facts_by_topic.svg": facts_by_topic_figure,
}


def save_all(directory: str | Path, data_dir: Path) -> list[Path]:
    """Write the three figures of the data in data_dir as SVG files into directory; return paths."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in FIGURES.items():
        path = target / name
        path.write_text(make(data_dir=data_dir).svg, encoding="utf-8")
        written.append(path)
    return written
