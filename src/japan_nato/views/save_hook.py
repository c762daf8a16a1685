"""A jupyter_server pre-save hook: saved notebooks keep a quiz's text, not its dead widget view.

A saved notebook is trusted when it is reopened, and a stored widget view whose model is gone
(a new kernel) renders as "Error displaying widget: model not found". Without the view, the
notebook shows the quiz's text, whose first line says to run the cell. Imports nothing heavy:
the server loads it as an extension (jupyter-config/jupyter_server_config.d/japan_nato.json,
installed into <env>/etc/jupyter), which registers the hook with the contents manager.
"""

from __future__ import annotations

from typing import Any

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# First line of the quiz's stored text: what a reopened notebook shows until the cell runs.
RUN_FIRST = "Run this cell to start the quiz: its questions then appear here, ready to answer."
# Every course widget's stored text starts so (the quiz, and the name prompt shown before it).
RUN_PREFIX = "Run this cell to start the quiz"


def _text(data: dict[str, Any]) -> str:
    text = data.get("text/plain", "")
    return "".join(text) if isinstance(text, list) else str(text)


def strip_quiz_views(notebook: dict[str, Any]) -> int:
    """Drop the widget view of every course widget's output (JSON dict); return how many."""
    stripped = 0
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data")
            if (
                isinstance(data, dict)
                and WIDGET_VIEW in data
                and _text(data).startswith(RUN_PREFIX)
            ):
                del data[WIDGET_VIEW]
                stripped += 1
    return stripped


def pre_save_hook(model: dict[str, Any], **_kwargs: Any) -> None:
    """Strip quiz widget views from a notebook about to be saved (other files are untouched)."""
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        strip_quiz_views(model["content"])


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Name this module as a jupyter_server extension."""
    return [{"module": "japan_nato.views.save_hook"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Register the pre-save hook with the server's contents manager."""
    serverapp.contents_manager.register_pre_save_hook(pre_save_hook)
