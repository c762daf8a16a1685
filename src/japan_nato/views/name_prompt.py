"""Ask once, above the first quiz, for the name a learner wants on hand-ins and in the room."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

if TYPE_CHECKING:
    from japan_nato.feedback import Feedback

# The stored text: the save hook drops the dead widget view of outputs that start like this.
STORED_TEXT = (
    "Run this cell to start the quiz. It first asks once for the name your instructor should see."
)
ASK = (
    "<p><strong>What name should your instructor see?</strong> Your account name "
    "(<code>{account}</code>) is shared by many learners (on Binder everyone is "
    "<code>jovyan</code>), so your answers could be mixed up with theirs. Type the name your "
    "instructor knows you by. It is kept in your progress file for hand-ins and shown in a "
    "workshop room. You can skip this and answer anyway.</p>"
)


class NamePrompt(w.VBox):
    """A text box and a button that keep the learner's chosen name (through keep)."""

    def __init__(self, account: str, keep: Callable[[str], Feedback]) -> None:
        import html

        self.keep = keep
        self.text = w.Text(placeholder="Your name", description="Your name:")
        self.button = w.Button(description="Use this name", button_style="primary")
        self.said = w.HTML(value="")
        self.button.on_click(self._use)
        self.text.on_submit(self._use)
        question = w.HTML(value=ASK.format(account=html.escape(account)))
        super().__init__(children=[question, w.HBox([self.text, self.button]), self.said])
        self.add_class("jn-name-prompt")

    def _use(self, _source: object = None) -> None:
        feedback = self.keep(self.text.value)
        self.said.value = feedback.card_html()
        if feedback.correct is True:
            self.text.disabled = self.button.disabled = True

    def __repr__(self) -> str:
        return STORED_TEXT

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None:
            data["text/plain"] = STORED_TEXT
        return data
