"""Feedback: a verdict and its parts, rendered as text, Markdown and HTML."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

_SYMBOLS: dict[bool | None, str] = {True: "✓", False: "✗", None: ""}

# The one palette (Okabe-Ito) of every feedback the course shows: exercise checks, quiz cards,
# set-up checks. The words and symbols carry the verdict; the colour only repeats it.
PALETTE: dict[str, str] = {
    "correct": "#009E73",
    "not-yet": "#D55E00",
    "info": "#0072B2",
    "invalid": "#E69F00",
}
_STATES: dict[bool | None, tuple[str, str]] = {
    True: ("correct", PALETTE["correct"]),
    False: ("not-yet", PALETTE["not-yet"]),
    None: ("info", PALETTE["info"]),
}


_CODE_SPAN = re.compile(r"(`[^`\n]+`)")


_MARKDOWN_SPECIALS = re.compile(r"([\\*_\[\]#|~])")


@dataclass(frozen=True, repr=False)
class Feedback:
    """A verdict and its parts; renders itself as text, Markdown and HTML.

    Exercises fill title, text and code. A quiz answer fills the parts a view may place on
    their own: the score, what the chosen wrong option says, the explanation, and, for an
    answer that is not well formed, the reason and the help for the surface it came from.
    """

    correct: bool | None  # the verdict: True right, False not (yet) right, None information
    title: str
    text: str = ""
    code: str = ""
    score: str = ""
    option_feedback: str = ""
    explanation: str = ""
    reason: str = ""
    help: str = ""

    @property
    def valid(self) -> bool:
        """False when the answer was not well formed (a reason is given)."""
        return not self.reason

    @property
    def state(self) -> str:
        """One of "correct", "not-yet", "invalid" and "info": the CSS state and PALETTE key."""
        if not self.valid:
            return "invalid"
        return _STATES.get(self.correct, _STATES[None])[0]

    def with_help(self, help_text: str) -> Feedback:
        """Return this feedback with the how-to-answer help of another surface."""
        return replace(self, help=help_text)

    def sentence(self) -> str:
        """Return the feedback on one line, as the quiz shows it."""
        if not self.valid:
            return f"{self.reason} {self.help}"
        parts = [self.heading, self.score, self.option_feedback, self.explanation, self.text]
        return " ".join(part.strip() for part in parts if part.strip())

    def card_html(self) -> str:
        """Return the one-line feedback as escaped HTML, announced to screen readers."""
        state = {"not-yet": "wrong"}.get(self.state, self.state)
        text = f"⚠ {self.sentence()}" if not self.valid else self.sentence()
        return (
            f'<div class="jn-feedback jn-{state}" role="status" aria-live="polite" '
            f'style="border-left-color: {PALETTE[self.state]};">{html.escape(text)}</div>'
        )

    @property
    def heading(self) -> str:
        """The title, led by ✓ or ✗ when the feedback judges an answer."""
        symbol = _SYMBOLS.get(self.correct, "")
        return f"{symbol} {self.title}" if symbol else self.title

    def __str__(self) -> str:
        parts = [self.heading]
        if self.text:
            parts.append(self.text)
        if self.code:
            parts.append("\n".join("    " + line for line in self.code.splitlines()))
        return "\n".join(parts)

    # nbval compares text/plain, so the repr is the readable text: no addresses, no ids.
    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        parts = [f"**{_markdown_inline(self.heading)}**"]
        for block in _blocks(self.text):
            if block[0] == "list":
                parts.append("\n".join(f"- {_markdown_inline(item)}" for item in block[1]))
            else:
                parts.append(_markdown_inline(" ".join(block[1])))
        if self.code:
            fence = "`" * max(3, _longest_backtick_run(self.code) + 1)
            parts.append(f"{fence}python\n{self.code}\n{fence}")
        return "\n\n".join(parts)

    def _repr_html_(self) -> str:
        state, colour = _STATES.get(self.correct, _STATES[None])
        parts = [
            f'<div class="japan-nato-feedback japan-nato-feedback-{state}" role="status" '
            f'style="border-left: 4px solid {colour}; padding: 0.1em 0.8em;">',
            f"<p><strong>{_html_inline(self.heading)}</strong></p>",
        ]
        for block in _blocks(self.text):
            if block[0] == "list":
                items = "".join(f"<li>{_html_inline(item)}</li>" for item in block[1])
                parts.append(f"<ul>{items}</ul>")
            else:
                parts.append(f"<p>{_html_inline(' '.join(block[1]))}</p>")
        if self.code:
            parts.append(f"<pre><code>{html.escape(self.code)}</code></pre>")
        parts.append("</div>")
        return "".join(parts)


def _blocks(text: str) -> Iterator[tuple[str, list[str]]]:
    """Split text into paragraphs and bullet lists ("- " lines)."""
    kind = ""
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            if lines:
                yield kind, lines
            kind, lines = "", []
            continue
        this = "list" if line.startswith("- ") else "para"
        if lines and this != kind:
            yield kind, lines
            lines = []
        kind = this
        lines.append(line[2:] if this == "list" else line)
    if lines:
        yield kind, lines


def _markdown_inline(text: str) -> str:
    out = []
    for piece in _CODE_SPAN.split(text):
        if _CODE_SPAN.fullmatch(piece):
            out.append(piece)
        else:
            out.append(_MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(piece, quote=False)))
    return "".join(out)


def _html_inline(text: str) -> str:
    out = []
    for piece in _CODE_SPAN.split(text):
        if _CODE_SPAN.fullmatch(piece):
            out.append(f"<code>{html.escape(piece[1:-1])}</code>")
        else:
            out.append(html.escape(piece))
    return "".join(out)


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)
