"""A small SVG builder: shapes and text in pixel coordinates, with estimated text boxes.

Every element is also kept as a value (`Element`), so tests can check a figure's structure (its
title, labels, marks and their boxes) without parsing the SVG text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

FONT = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"

# Advance widths in em for a wide sans-serif (DejaVu Sans, Verdana), rounded up on purpose: a box
# drawn too wide costs a little space, one drawn too narrow lets labels overlap.
_NARROW = set("il.,:;'!|·")
_SEMI = set('fjrtI()[]- /"')
_WIDE = set("mwMW%@&—…")
_CAPITAL = 0.74
_DIGIT = 0.65
_LOWER = 0.63
_OTHER = 0.66


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated width in pixels of text at a font size, generous rather than tight."""
    total = 0.0
    for char in text:
        if char in _NARROW:
            total += 0.34
        elif char in _SEMI:
            total += 0.45
        elif char in _WIDE:
            total += 1.0
        elif char.isdigit():
            total += _DIGIT
        elif char.isupper():
            total += _CAPITAL
        elif char.islower():
            total += _LOWER
        else:
            total += _OTHER
    return total * size * (1.1 if bold else 1.0)


def _num(value: float) -> str:
    """A coordinate rounded to a tenth, written without float noise or a trailing '.0'."""
    rounded = round(float(value), 1)
    if rounded == 0:
        rounded = 0.0  # no "-0"
    return f"{rounded:.1f}".removesuffix(".0")


@dataclass(frozen=True)
class Box:
    """An axis-aligned box: left, top, right, bottom in pixels."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        """Whether the two boxes share some area."""
        return min(self.right, other.right) > max(self.left, other.left) and min(
            self.bottom, other.bottom
        ) > max(self.top, other.top)


@dataclass(frozen=True)
class Element:
    """One drawn thing: its tag, attributes, text (for <text>), role and estimated box."""

    tag: str
    attrs: tuple[tuple[str, str], ...]
    text: str = ""
    role: str = ""
    box: Box | None = None

    def attr(self, name: str) -> str | None:
        """The value of one attribute, or None."""
        return dict(self.attrs).get(name)


@dataclass
class Svg:
    """An SVG drawing being built: append shapes and text, then `render()` once."""

    width: float
    height: float = 0.0
    elements: list[Element] = field(default_factory=list)
    defs: list[str] = field(default_factory=list)

    def _add(
        self, tag: str, role: str, attrs: dict[str, object], text: str = "", box: Box | None = None
    ) -> None:
        pairs = tuple(
            (name.rstrip("_").replace("_", "-"), _num(v) if isinstance(v, float | int) else str(v))
            for name, v in attrs.items()
            if v is not None
        )
        self.elements.append(Element(tag, pairs, text, role, box))

    def rect(
        self, x: float, y: float, w: float, h: float, fill: str, role: str = "", **attrs: object
    ) -> None:
        """A rectangle."""
        size = {"width": max(w, 0.0), "height": max(h, 0.0)}
        self._add("rect", role, {"x": x, "y": y, **size, "fill": fill, **attrs})

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        stroke: str,
        role: str = "",
        **attrs: object,
    ) -> None:
        """A straight line."""
        self._add("line", role, {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "stroke": stroke, **attrs})

    def polyline(
        self, points: list[tuple[float, float]], stroke: str, role: str = "", **attrs: object
    ) -> None:
        """A line through several points."""
        path = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
        self._add("polyline", role, {"points": path, "fill": "none", "stroke": stroke, **attrs})

    def marker(
        self,
        shape: str,
        x: float,
        y: float,
        size: float,
        colour: str,
        filled: bool = True,
        role: str = "",
    ) -> None:
        """A marker centred on (x, y): 'o' circle, 's' square, '^' triangle, 'D' diamond."""
        fill = colour if filled else "white"
        style: dict[str, object] = {"fill": fill, "stroke": colour, "stroke_width": 1.5}
        r = size / 2
        if shape == "o":
            self._add("circle", role, {"cx": x, "cy": y, "r": r, **style})
        elif shape == "s":
            r *= 0.9
            square = {"x": x - r, "y": y - r, "width": 2 * r, "height": 2 * r}
            self._add("rect", role, {**square, **style})
        else:
            r *= 1.15
            if shape == "^":
                points = [(x, y - r), (x + r, y + r * 0.8), (x - r, y + r * 0.8)]
            else:
                points = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
            path = " ".join(f"{_num(px)},{_num(py)}" for px, py in points)
            self._add("polygon", role, {"points": path, **style})

    def text(
        self,
        x: float,
        y: float,
        content: str,
        size: float = 12.0,
        anchor: str = "start",
        bold: bool = False,
        italic: bool = False,
        colour: str = "#000000",
        role: str = "",
    ) -> Box:
        """A line of text whose middle sits at y; return its estimated box."""
        width = text_width(content, size, bold)
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        # Ascenders to descenders of a sans-serif span about 1.2 em around the middle.
        box = Box(left, y - 0.62 * size, left + width, y + 0.62 * size)
        attrs: dict[str, object] = {
            "x": x,
            # The baseline: a middle at y puts it about a third of an em lower.
            "y": y + 0.35 * size,
            "font_size": size,
            "text_anchor": None if anchor == "start" else anchor,
            "font_weight": "bold" if bold else None,
            "font_style": "italic" if italic else None,
            "fill": None if colour == "#000000" else colour,
        }
        self._add("text", role, attrs, content, box)
        return box

    def texts(self, role: str = "") -> list[Element]:
        """The <text> elements of a role ("label" or "label:" also finds "label:T01")."""
        return [e for e in self.find(role) if e.tag == "text"]

    def find(self, role: str) -> list[Element]:
        """Every element of a role ("event" or "event:" also finds "event:T01"); "" finds all."""
        prefix = role if role.endswith(":") else role + ":"
        return [e for e in self.elements if not role or e.role == role or e.role.startswith(prefix)]

    def render(self) -> str:
        """The SVG document: a white card, the definitions, then every element in order."""
        w, h = _num(self.width), _num(self.height)
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
            f'height="{h}" font-family="{FONT}">',
            f'<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>',
        ]
        if self.defs:
            parts.append("<defs>" + "".join(self.defs) + "</defs>")
        for element in self.elements:
            attrs = "".join(f' {name}="{html.escape(value)}"' for name, value in element.attrs)
            if element.tag == "text":
                # SVG collapses runs of spaces; no-break spaces keep the gaps the layout measured.
                text = re.sub(r"(?<= ) ", "\u00a0", html.escape(element.text, quote=False))
                parts.append(f"<text{attrs}>{text}</text>")
            else:
                parts.append(f"<{element.tag}{attrs}/>")
        parts.append("</svg>")
        return "\n".join(parts) + "\n"
