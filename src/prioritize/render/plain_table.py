"""A FitTable drawn without colour as plain strings: the characters Rich would print, row by row.

Rich lays out every cell of a table as Text objects and segments, which costs milliseconds a row:
a backlog of 10,000 items took seconds to print. Without colour only the characters matter, so
the body rows are composed here from the cells' plain text, with Rich's rules for wrapping,
justifying and shortening (`Text.wrap`, `Lines.justify`, `Text.truncate`) followed exactly for
printable ASCII and handed to Rich's own `Text.wrap` for any other text. The title, header,
edges and caption are few lines and still drawn by Rich. A table this module cannot prove it
draws the same (colour, control characters in a cell, table settings it does not know) returns
None, and the caller lets Rich draw it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.box import Box
from rich.cells import cell_len, set_cell_size
from rich.console import Console, JustifyMethod, OverflowMethod, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from prioritize.render.fit import FitTable, Layout, ascii_plain

# Table settings whose effect on the body this module reproduces; any other one goes to Rich.
_KNOWN_SETTINGS = frozenset(
    {
        "title",
        "caption",
        "title_justify",
        "caption_justify",
        "title_style",
        "caption_style",
        "header_style",
        "border_style",
        "show_header",
        "show_lines",
        "show_edge",
        "pad_edge",
        "box",
        "padding",
    }
)
_WORD = re.compile(r"\s*\S+\s*")  # rich._wrap's words: a word and the spaces after it
_TRAILING_SPACE = re.compile(r"\s+$")

PrintLines = Callable[[RenderableType], list[str]]


@dataclass(frozen=True)
class _Column:
    """How the cells of one shown column are drawn."""

    width: int  # content width, padding excluded
    left: str  # the padding either side
    right: str
    justify: JustifyMethod
    overflow: OverflowMethod
    no_wrap: bool


def plain_table(
    fit: FitTable, console: Console, width: int, print_lines: PrintLines
) -> list[str] | None:
    """The lines `fit` prints at `width` on `console` (no colour), or None when Rich must draw it.

    `print_lines` renders one renderable to its lines as the caller prints everything else, so
    the title, header and caption come out exactly as they would.
    """
    if console.color_system is not None or not set(fit.table) <= _KNOWN_SETTINGS:
        return None
    layout = fit.layout(console, width)
    frame = fit.frame(layout)
    top, right, bottom, left = Padding.unpack(frame.padding)
    if top or bottom:
        return None
    columns = _columns(frame, layout, left, right)
    widths = [c.width + len(c.left) + len(c.right) for c in columns]
    edges = ((2 if frame.show_edge else 0) + len(columns) - 1) if frame.box else 0
    if sum(widths) + edges > width:
        return None  # Rich would shrink the columns below the plan: let it
    rows = fit.shown_rows()
    texts: list[list[Text | str]] = []
    for row in rows:
        cells = [_plain(console, row.cells[i]) for i in layout.shown]
        if any(cell is None for cell in cells):
            return None
        texts.append([cell for cell in cells if cell is not None])
    body = _body(console, frame, columns, widths, texts, [r.end_section for r in rows])
    if body is None:
        return None
    head, tail = _frame_lines(frame, print_lines)
    lines = [*head, *body, *tail]
    if (fold := fit.fold_line()) is not None:
        lines += print_lines(Text(fold))
    if layout.left_out:
        lines += print_lines(Text(fit.left_out_line(layout, width), style="dim"))
    return lines


def _columns(frame: Table, layout: Layout, left: int, right: int) -> list[_Column]:
    last = len(layout.shown) - 1
    columns = []
    for k, (column, content) in enumerate(zip(frame.columns, layout.widths, strict=True)):
        pad_left = 0 if not frame.pad_edge and k == 0 else left
        pad_right = 0 if not frame.pad_edge and k == last else right
        columns.append(
            _Column(
                content,
                " " * pad_left,
                " " * pad_right,
                column.justify,
                column.overflow,
                column.no_wrap,
            )
        )
    return columns


def _frame_lines(frame: Table, print_lines: PrintLines) -> tuple[list[str], list[str]]:
    """The lines above the body (title, top edge, header) and below it (bottom edge, caption)."""
    caption = frame.caption
    frame.caption = None
    without_caption = print_lines(frame)
    frame.caption = caption
    with_caption = print_lines(frame) if caption else without_caption
    edge = 1 if frame.box and frame.show_edge else 0
    head = without_caption[: len(without_caption) - edge]
    return head, with_caption[len(head) :]


def _plain(console: Console, cell: RenderableType) -> Text | str | None:
    """The cell as Rich would read it: a string of printable ASCII as it is (the common case),
    other text as a Text; None for what this module does not draw (or what holds control
    characters, which the caller escapes after Rich's layout)."""
    if isinstance(cell, str):
        if (plain := ascii_plain(cell)) is not None:
            return plain
        cell = console.render_str(cell)
    if not isinstance(cell, Text) or cell.end != "\n" or cell.tab_size is not None:
        return None
    plain = cell.plain
    if not plain.isprintable():
        return None  # line breaks, tabs, control characters: Rich's own path escapes them
    if cell.justify == "full" or cell.overflow == "ignore":
        return None
    return cell


def _body(
    console: Console,
    frame: Table,
    columns: Sequence[_Column],
    widths: Sequence[int],
    rows: Sequence[Sequence[Text | str]],
    end_sections: Sequence[bool],
) -> list[str] | None:
    if any(c.justify == "full" or c.overflow == "ignore" for c in columns):
        return None
    box: Box | None = frame.box.substitute(console.options) if frame.box else None
    if box is not None and not frame.show_header:
        box = box.get_plain_headed_box()
    edge = frame.show_edge
    separator = box.get_row(list(widths), "row", edge=edge) if box else ""
    out: list[str] = []
    last = len(rows) - 1
    for index, row in enumerate(rows):
        cells = [_cell_lines(console, cell, column) for cell, column in zip(row, columns)]
        height = max(len(lines) for lines in cells)
        if box is None:
            left = right = divider = ""
        elif index == 0 and not frame.show_header:
            left, right, divider = box.head_left, box.head_right, box.head_vertical
        elif index == last:
            left, right, divider = box.foot_left, box.foot_right, box.foot_vertical
        else:
            left, right, divider = box.mid_left, box.mid_right, box.mid_vertical
        if not edge:
            left = right = ""
        blank = [" " * w for w in widths]
        for line_no in range(height):
            out.append(
                left
                + divider.join(
                    column.left + lines[line_no] + column.right
                    if line_no < len(lines)
                    else blank[k]
                    for k, (lines, column) in enumerate(zip(cells, columns))
                )
                + right
            )
        if box and (frame.show_lines or end_sections[index]) and index != last:
            out.append(separator)
    return out


def _cell_lines(console: Console, cell: Text | str, column: _Column) -> list[str]:
    """The cell's lines, each exactly `column.width` cells wide, as Rich's Text.wrap makes them."""
    width = column.width
    if isinstance(cell, str):
        text, justify, overflow, no_wrap = cell, column.justify, column.overflow, column.no_wrap
    else:
        text = cell.plain
        justify = cell.justify or column.justify
        overflow = cell.overflow or column.overflow
        no_wrap = column.no_wrap if cell.no_wrap is None else cell.no_wrap
        if not (text.isascii() and text.isprintable()):
            # Wide characters, emoji, combining marks: Rich's own wrap, then its padding.
            wrapped = cell.wrap(console, width, justify=justify, overflow=overflow, no_wrap=no_wrap)
            return [set_cell_size(line.plain, width) for line in wrapped]
    pieces = [text] if no_wrap else _divide(text, width, fold=overflow == "fold")
    out = []
    for piece in pieces:
        if not no_wrap and len(piece) > width:
            excess = len(piece) - width
            trailing = _TRAILING_SPACE.search(piece)
            if trailing is not None:
                piece = piece[: len(piece) - min(len(trailing.group()), excess)]
        if justify in ("right", "center"):
            piece = _truncated(piece.rstrip(), width, overflow)
            room = width - cell_len(piece)
            piece = " " * (room if justify == "right" else room // 2) + piece
        out.append(_truncated(piece, width, overflow).ljust(width))
    return out


def _truncated(piece: str, width: int, overflow: OverflowMethod) -> str:
    """Text.truncate for printable ASCII (and the … it may already end with)."""
    if cell_len(piece) <= width:
        return piece
    if overflow == "ellipsis":
        return set_cell_size(piece, width - 1) + "…"
    return set_cell_size(piece, width)


def _divide(text: str, width: int, *, fold: bool) -> list[str]:
    """Rich's word wrap (rich._wrap.divide_line and Text.divide) for printable ASCII, where a
    character is one cell."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group()
        word_length = len(word.rstrip())
        if width - offset >= word_length:
            offset += len(word)
        elif word_length > width:
            if fold:
                chunks = [word[i : i + width] for i in range(0, len(word), width)]
                for k, chunk in enumerate(chunks):
                    if start:
                        breaks.append(start)
                    if k == len(chunks) - 1:
                        offset = len(chunk)
                    else:
                        start += len(chunk)
            else:
                if start:
                    breaks.append(start)
                offset = len(word)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    bounds = [0, *breaks, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


__all__ = ["PrintLines", "plain_table"]


