"""Widget parts with shared Layout and Style models, so a quiz opens with fewer messages.

Every ipywidgets control normally brings its own Layout and Style widget: two more models,
each one message to the browser, for a value that is the same on every card. A quiz of ten
cards had 416 models, 269 of them identical layouts and styles. Here those are made once per
kernel and shared (ipywidgets allows one Layout for many widgets); nothing may change a
shared one in place.
"""

from __future__ import annotations

from typing import Any, TypeVar

import ipywidgets as w
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

__all__ = [
    "CheckboxStyle",
    "TextStyle",
    "button",
    "html",
    "label_style",
    "layout",
    "shared",
    "vbox",
]

W = TypeVar("W", bound=w.Widget)

_SHARED: dict[tuple[type, tuple[tuple[str, Any], ...]], Any] = {}


def shared(kind: type[W], **traits: Any) -> W:
    """Return the one live model of kind with these traits (made again if it was closed)."""
    key = (kind, tuple(sorted(traits.items())))
    found = _SHARED.get(key)
    if found is None or found.comm is None:
        found = kind(**traits)
        _SHARED[key] = found
    return found


def layout(**traits: Any) -> w.Layout:
    """Return a shared Layout (the default one without traits)."""
    return shared(w.Layout, **traits)


def label_style(kind: type[Any] = DescriptionStyle) -> Any:
    """Return a shared style whose description is as wide as its text ("Answer" never cut)."""
    return shared(kind, description_width="initial")


def html(value: str = "") -> w.HTML:
    """Return an HTML widget with the shared layout and style."""
    return w.HTML(value=value, layout=layout(), style=shared(HTMLStyle))


def button(**traits: Any) -> w.Button:
    """Return a Button with the shared layout and style."""
    return w.Button(layout=layout(), style=shared(w.ButtonStyle), **traits)


def vbox(children: list[Any], classes: tuple[str, ...] = ()) -> w.VBox:
    """Return a VBox with the shared layout and these CSS classes."""
    return w.VBox(children, layout=layout(), _dom_classes=classes)
