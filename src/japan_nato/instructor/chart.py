"""The report's chart: percent correct per question, one panel per notebook (matplotlib)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from japan_nato.instructor.text_table import safe_text

if TYPE_CHECKING:
    from japan_nato.instructor.report import Report

# Labels longer than this are cut in the chart, so one huge id cannot squeeze the bars.
_MAX_LABEL = 40
# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
_BLUE, _ORANGE = "#0072B2", "#E69F00"


def _chart_label(text: str) -> str:
    """A chart label: no control characters, cut to _MAX_LABEL, "$" shown as itself."""
    text = " ".join(safe_text(text).split())
    if len(text) > _MAX_LABEL:
        text = text[: _MAX_LABEL - 1] + "…"
    return text.replace("$", r"\$")  # a "$" pair would start matplotlib's mathtext


def plot(report: Report, path: str | Path) -> Path:
    """Write percent correct per question as a PNG, one panel per notebook; return its path."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    table = report.per_question[report.per_question["learners"] > 0]
    banks = list(dict.fromkeys(table["bank"]))
    rows = max(1, len(banks))
    # Bounded: about 2.4 inches per notebook, and never taller than 16 inches.
    height = min(16.0, 1.6 + 2.4 * rows + 0.25 * len(report.name_warnings))
    # A Figure with its own Agg canvas leaves pyplot's backend (a notebook's inline one) alone.
    figure = Figure(figsize=(10, height), layout="constrained")
    FigureCanvasAgg(figure)
    title = f"Percent correct per question ({report.learners} learner(s))"
    if report.name_warnings:
        title = "WARNING: some names may merge several learners (see the report)\n" + title
    figure.suptitle(title, color="#D55E00" if report.name_warnings else "black")
    if not banks:
        axes = figure.add_subplot()
        axes.set_yticks([])
        axes.set_xticks([])
        axes.text(0.5, 0.5, "No answers in the exports", ha="center", va="center")
    else:
        panels = figure.subplots(rows, 1, squeeze=False)[:, 0]
        for axes, bank in zip(panels, banks, strict=True):
            part = table[table["bank"] == bank]
            where = list(range(len(part)))
            bar = 0.4
            bars = [
                axes.bar(
                    [x - bar / 2 for x in where],
                    part["percent_correct"],
                    width=bar,
                    color=_BLUE,
                    label="at the first attempt",
                ),
                axes.bar(
                    [x + bar / 2 for x in where],
                    part["percent_eventually"],
                    width=bar,
                    color=_ORANGE,
                    hatch="//",
                    edgecolor="black",
                    linewidth=0.5,
                    label="eventually",
                ),
            ]
            if len(part) <= 12:
                for container in bars:
                    # Printed values: the chart can be read without telling the colours apart.
                    axes.bar_label(container, fmt="%.0f%%", padding=2, fontsize=7)
            axes.set_xticks(where, [f"Q{n}" for n in part["number"]], fontsize=8)
            axes.set_ylim(0, 118)  # room for a "100%" label
            axes.set_yticks(range(0, 101, 25))
            axes.set_ylabel("% correct")
            axes.set_title(f"Notebook {_chart_label(bank)}", loc="left", fontsize=10)
            axes.grid(axis="y", linestyle=":", alpha=0.6)
        panels[-1].set_xlabel("Question, numbered in course order (Q1 = the notebook's first)")
        figure.legend(
            *panels[0].get_legend_handles_labels(),
            loc="outside lower center",
            ncols=2,
            title="Correct",
        )
    target = Path(path)
    figure.savefig(target, format="png", dpi=100, metadata={"Software": None})
    return target
