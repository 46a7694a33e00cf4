"""Rich terminal output shared by the commands' tables: the console, colours, number cells.

Tables are laid out for the width by render.fit; `_width()` is that width.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from rich.text import Text

from prioritize.render.fit import FitTable
from prioritize.render.formats import column_numbers, round_for_reading
from prioritize.render.inert import printable
from prioritize.render.plain_table import plain_table

RISK_STYLES = {"low": "green", "medium": "yellow", "high": "red"}


def render_to_text(
    renderables: list[RenderableType], *, color: bool, width: int | None = None
) -> str:
    """What the renderables print as, for stdout (colour when it is a terminal) or a file (never)."""
    return "".join(render_pieces(renderables, color=color, width=width))


def render_pieces(
    renderables: list[RenderableType], *, color: bool, width: int | None = None
) -> Iterator[str]:
    """render_to_text's text in pieces, as it is drawn: a long table is never held whole."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color or "NO_COLOR" in os.environ,
        width=width or _width(),
        highlight=False,
        soft_wrap=False,
    )

    def print_lines(renderable: RenderableType) -> list[str]:
        with console.capture() as captured:
            console.print(_Inert(renderable))
        return [line.rstrip(" ") for line in captured.get().split("\n")[:-1]]

    # Rich pads centred titles and captions to the table's width: the padding is not output.
    # What Rich prints ends with a line break, so its text is taken line by line.
    def printed() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return "\n".join(line.rstrip(" ") for line in text.split("\n")) if text else ""

    for renderable in renderables:
        # Without colour a table is composed as plain lines, the same characters at a fraction
        # of the cost (render.plain_table); anything else, or a table it declines, goes to Rich.
        lines = None
        if isinstance(renderable, FitTable):
            lines = plain_table(renderable, console, console.width, print_lines)
        if lines is None:
            console.print(_Inert(renderable))
            continue
        if text := printed():
            yield text
        for line in lines:  # cut already (plain_table; print_lines)
            yield line + "\n"
    if text := printed():
        yield text


class _Inert:
    """A renderable whose text cannot act on the terminal: Rich lays it out and styles it, and
    each segment's text (data from files) has its control characters escaped on the way out.
    Rich's own colours are styles, not text, so they pass as they are."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.renderable, options):
            if segment.control:
                yield segment
            else:
                yield Segment(printable(segment.text), segment.style)


def _width() -> int:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        return int(columns)
    try:
        return max(os.get_terminal_size().columns, 80)
    except OSError:
        return 120


def risk_text(risk: Any) -> Text:
    risk = risk if isinstance(risk, str) else ""
    return Text(risk, style=RISK_STYLES.get(risk, ""))


def number(value: Any, digits: int = 2) -> Text:
    return Text(round_for_reading(value, digits), justify="right")


def numbers(
    values: Iterable[Any],
    digits: int = 2,
    *,
    same_decimals: bool = True,
    suffix: str = "",
    first: int | None = None,
) -> list[Text]:
    """A column's number cells in one format (formats.column_numbers), right-aligned, unwrapped;
    with `first`, only that many cells, still in the format of the whole column."""
    cells = column_numbers(values, digits, same_decimals=same_decimals, suffix=suffix)
    return [Text(cell, justify="right", no_wrap=True) for cell in cells[:first]]
