"""SVG drawing for the report's charts: axes with round ticks, lines, text, the frame of a plot.

String building only; every piece of text escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 960  # of every chart's viewBox; the page scales it to the column


def nice_ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten apart) from at most lo to at least hi."""
    if not hi > lo:
        lo, hi = lo - 1, hi + 1
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(k * step, 10) for k in range(first, last + 1)]


def tick_label(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10000 else f"{value:g}"


@dataclass(frozen=True)
class Axis:
    """A linear map from data values [lo, hi] to pixels [start, end]."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        return self.start + (value - self.lo) / (self.hi - self.lo) * (self.end - self.start)

    def inverse(self, pixel: float) -> float:
        return self.lo + (pixel - self.start) / (self.end - self.start) * (self.hi - self.lo)


def num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def svg_text(x: float, y: float, text: str, *, anchor: str = "start", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{num(x)}" y="{num(y)}" text-anchor="{anchor}"{klass}>{escape(text)}</text>'


def svg_line(x1: float, y1: float, x2: float, y2: float, extra: str = "") -> str:
    return f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}"{extra}/>'


def plot_frame(
    x: Axis, y: Axis, ticks: tuple[Sequence[float], Sequence[float]], titles: tuple[str, str]
) -> list[str]:
    """Grid lines, the plot's border, tick labels and axis titles."""
    x_ticks, y_ticks = ticks
    grid = [svg_line(x.start, y(t), x.end, y(t)) for t in y_ticks] + [
        svg_line(x(t), y.start, x(t), y.end) for t in x_ticks
    ]
    parts = [
        '<g class="grid" aria-hidden="true">',
        *grid,
        '</g><g class="axis" aria-hidden="true">',
    ]
    parts.append(
        f'<rect x="{num(x.start)}" y="{num(y.end)}" width="{num(x.end - x.start)}" height="{num(y.start - y.end)}" fill="none"/>'
    )
    parts += [svg_text(x.start - 8, y(t) + 4, tick_label(t), anchor="end") for t in y_ticks]
    parts += [svg_text(x(t), y.start + 18, tick_label(t), anchor="middle") for t in x_ticks]
    parts.append(
        svg_text((x.start + x.end) / 2, y.start + 40, titles[0], anchor="middle", cls="axis-title")
    )
    middle = num((y.start + y.end) / 2)
    parts.append(
        f'<text x="16" y="{middle}" text-anchor="middle" class="axis-title" transform="rotate(-90 16 {middle})">{escape(titles[1])}</text></g>'
    )
    return parts


def svg(ident: str, height: int, title: str, desc: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


__all__ = [
    "WIDTH",
    "Axis",
    "nice_ticks",
    "num",
    "plot_frame",
    "svg",
    "svg_line",
    "svg_text",
    "tick_label",
]
