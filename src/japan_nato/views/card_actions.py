"""A card's row of buttons and the feedback under it, as one widget model.

With stock ipywidgets the row was a box, four buttons and an HTML area: six models, each a
message to open and a view to build in the browser. Here one anywidget draws native buttons
(with ipywidgets' button classes) and the HTML; each ActionButton is used like an ipywidgets
Button (description, tooltip, disabled, on_click, click).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

ASSETS = Path(__file__).with_name("assets")


class ActionButton:
    """One button of a CardActions row, with the parts of ipywidgets' Button the cards use."""

    def __init__(self, bar: CardActions, index: int) -> None:
        self._bar = bar
        self._index = index
        self._handlers: list[Callable[[ActionButton], None]] = []

    def _get(self, key: str) -> Any:
        return self._bar.buttons[self._index][key]

    def _set(self, key: str, value: Any) -> None:
        specs = [dict(spec) for spec in self._bar.buttons]
        specs[self._index][key] = value
        self._bar.buttons = specs  # a new list, so the change is synced

    @property
    def description(self) -> str:
        """The button's label."""
        return str(self._get("label"))

    @description.setter
    def description(self, value: str) -> None:
        self._set("label", value)

    @property
    def tooltip(self) -> str:
        """What the button does, shown on hover and read by screen readers."""
        return str(self._get("tooltip"))

    @property
    def disabled(self) -> bool:
        """True when the button cannot be pressed."""
        return bool(self._get("disabled"))

    @disabled.setter
    def disabled(self, value: bool) -> None:
        self._set("disabled", bool(value))

    def on_click(self, handler: Callable[[ActionButton], None]) -> None:
        """Call handler(button) when the button is pressed."""
        self._handlers.append(handler)

    def click(self) -> None:
        """Press the button (as the browser does), unless it is disabled."""
        if self.disabled:
            return
        for handler in self._handlers:
            handler(self)


class CardActions(anywidget.AnyWidget):
    """A row of buttons with an HTML area under it (the feedback, hint and evidence)."""

    _esm = ASSETS / "card_actions.js"
    buttons = traitlets.List(traitlets.Dict()).tag(sync=True)
    below = traitlets.Unicode("").tag(sync=True)

    def __init__(self, specs: list[dict[str, Any]], **kwargs: Any) -> None:
        """Make the row from specs: each a label, and optionally tooltip, disabled, primary."""
        buttons = [{"tooltip": "", "disabled": False, "primary": False, **spec} for spec in specs]
        super().__init__(buttons=buttons, **kwargs)
        self.row = [ActionButton(self, index) for index in range(len(buttons))]
        self.on_msg(self._on_message)

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        # The browser says which button was pressed; anything else (a stale or hostile
        # message) is ignored rather than trusted.
        index = content.get("click") if isinstance(content, dict) else None
        if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(self.row):
            self.row[index].click()
