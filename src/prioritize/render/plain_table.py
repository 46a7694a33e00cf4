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

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from rich.box import Box
from rich.cells import cell_len, set_cell_size
from rich.console import Console, JustifyMethod, OverflowMethod, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from prioritize.render.fit import MARKUP, FitTable, Layout, ascii_plain

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

_BLOCK = 2048  # rows drawn at a time
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
) -> Iterator[str] | None:
    """The lines `fit` prints at `width` on `console` (no colour), or None when Rich must draw it.
    The body comes as blocks of its lines, each block's joined by line breaks, each line's
    trailing spaces cut.

    Whether Rich must draw it is decided at once; the lines come as they are read, a block of
    the body at a time, so that a long table is never held whole.

    `print_lines` renders one renderable to its lines, their trailing spaces cut, as the caller
    prints everything else, so the title, header and caption come out exactly as they would.
    """
    if console.color_system is not None or not set(fit.table) <= _KNOWN_SETTINGS:
        return None
    rows = fit.shown_rows()
    texts = []
    for index in range(len(fit.columns)):
        text = _column_text(console, [row.cells[index] for row in rows])
        if text is None:
            return None
        texts.append(text)
    layout = fit.layout(console, width, [_widest(*text, max(width, 1)) for text in texts])
    frame = fit.frame(layout)
    top, right, bottom, left = Padding.unpack(frame.padding)
    if top or bottom:
        return None
    columns = _columns(frame, layout, left, right)
    widths = [c.width + len(c.left) + len(c.right) for c in columns]
    edges = ((2 if frame.show_edge else 0) + len(columns) - 1) if frame.box else 0
    if sum(widths) + edges > width:
        return None  # Rich would shrink the columns below the plan: let it
    if any(c.justify == "full" or c.overflow == "ignore" for c in columns):
        return None
    shown = [texts[index] for index in layout.shown]
    plan = _Plan(layout, frame, columns, widths, shown, [row.end_section for row in rows])
    return _lines(fit, console, width, print_lines, plan)


@dataclass(frozen=True)
class _Plan:
    """A table plain_table draws: its layout, its Rich frame, and the shown columns' cells."""

    layout: Layout
    frame: Table  # the settings and columns, no rows
    columns: list[_Column]
    widths: list[int]  # each shown column's width, padding included
    texts: list[_ColumnText]  # the shown columns' cells
    ends: list[bool]  # per row: a section ends under it


def _lines(
    fit: FitTable, console: Console, width: int, print_lines: PrintLines, plan: _Plan
) -> Iterator[str]:
    """The table's lines (plain_table), the body drawn a block at a time."""
    frame, columns, ends = plan.frame, plan.columns, plan.ends
    head, tail = _frame_lines(frame, print_lines)
    yield from head
    # A block of rows at a time: the drawn cells of every column of a long table at once
    # held more than the table's text (each row is one line once drawn).
    for first in range(0, len(ends), _BLOCK):
        block = slice(first, first + _BLOCK)
        drawn = [
            _column_lines(console, plains[block], None if styled is None else styled[block], column)
            for (plains, styled), column in zip(plan.texts, columns, strict=True)
        ]
        # One string per block: a line apiece held twice what the text does.
        lines = _body(console, frame, plan.widths, drawn, ends, first=first)
        del drawn
        yield "\n".join([line.rstrip(" ") for line in lines])
        del lines
    yield from tail
    if (fold := fit.fold_line()) is not None:
        yield from print_lines(Text(fold))
    if plan.layout.left_out:
        yield from print_lines(Text(fit.left_out_line(plan.layout, width), style="dim"))


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


# One column's cells: each one's plain text, and the Text of those that are not a plain string
# (None for the whole column when every cell is one).
_ColumnText = tuple[list[str], list[Text | None] | None]


def _column_text(console: Console, cells: Sequence[RenderableType]) -> _ColumnText | None:
    """A column's cells as Rich reads them; None if a cell is not one this module draws, or has
    line breaks, tabs or control characters (Rich's path escapes those after its layout)."""
    if all(isinstance(cell, str) for cell in cells):
        joined = "".join(cells)  # type: ignore[arg-type]
        if joined.isascii() and joined.isprintable() and not MARKUP.search(joined):
            return [str(cell) for cell in cells], None  # the common case, checked at once
    plains: list[str] = []
    texts: list[Text | None] = []
    for cell in cells:
        if isinstance(cell, str) and (plain := ascii_plain(cell)) is not None:
            plains.append(plain)
            texts.append(None)
            continue
        text = console.render_str(cell) if isinstance(cell, str) else cell
        if not isinstance(text, Text) or text.end != "\n" or text.tab_size is not None:
            return None
        if not text.plain.isprintable() or text.justify == "full" or text.overflow == "ignore":
            return None
        plains.append(text.plain)
        texts.append(text)
    return plains, texts


def _widest(plains: Sequence[str], texts: Sequence[Text | None] | None, width: int) -> int:
    """The widest cell in terminal cells, at most `width`, as Measurement.get gives it."""
    if texts is None:  # printable ASCII: a character is a cell
        return min(max(map(len, plains), default=0), width)
    widest = max((len(p) if p.isascii() else cell_len(p) for p in plains), default=0)
    return min(widest, width)


# One column drawn: each cell's first line, and every line of the cells taller than one (by row).
_Drawn = tuple[list[str], dict[int, list[str]]]


def _column_lines(
    console: Console, plains: Sequence[str], texts: Sequence[Text | None] | None, column: _Column
) -> _Drawn:
    """Each cell of one column drawn with its padding, every line `column.width` wide."""
    width, left, right = column.width, column.left, column.right
    if texts is None and max(map(len, plains), default=0) <= width:
        # Plain strings that fit are neither wrapped nor cut, only justified: the common case.
        if column.justify == "right":
            return [left + p.rstrip().rjust(width) + right for p in plains], {}
        if column.justify != "center":
            return [left + p.ljust(width) + right for p in plains], {}
    out: list[str] = []
    tall: dict[int, list[str]] = {}
    for k, plain in enumerate(plains):
        text = texts[k] if texts is not None else None
        if text is None:
            justify, overflow, no_wrap = column.justify, column.overflow, column.no_wrap
        else:
            justify = text.justify or column.justify
            overflow = text.overflow or column.overflow
            no_wrap = column.no_wrap if text.no_wrap is None else text.no_wrap
            if not plain.isascii():
                # Wide characters, emoji, combining marks: Rich's own wrap, then its padding.
                wrapped = text.wrap(
                    console, width, justify=justify, overflow=overflow, no_wrap=no_wrap
                )
                lines = [left + set_cell_size(line.plain, width) + right for line in wrapped]
                out.append(lines[0])
                if len(lines) > 1:
                    tall[k] = lines
                continue
        if len(plain) <= width:
            # What fits is neither wrapped nor cut: only justified.
            if justify == "right":
                out.append(left + plain.rstrip().rjust(width) + right)
            elif justify == "center":
                stripped = plain.rstrip()
                line = " " * ((width - len(stripped)) // 2) + stripped
                out.append(left + line.ljust(width) + right)
            else:
                out.append(left + plain.ljust(width) + right)
        else:
            lines = [
                left + line + right
                for line in _ascii_lines(plain, width, justify, overflow, no_wrap=no_wrap)
            ]
            out.append(lines[0])
            if len(lines) > 1:
                tall[k] = lines
    return out, tall


def _body(
    console: Console,
    frame: Table,
    widths: Sequence[int],
    columns: Sequence[_Drawn],
    end_sections: Sequence[bool],
    *,
    first: int = 0,
) -> list[str]:
    """The body rows between the header and the bottom edge, as Table._render joins them:
    `columns` holds the rows from `first` on (`end_sections` is every row's)."""
    box: Box | None = frame.box.substitute(console.options) if frame.box else None
    if box is not None and not frame.show_header:
        box = box.get_plain_headed_box()
    separator = box.get_row(list(widths), "row", edge=frame.show_edge) if box else ""
    blank = [" " * w for w in widths]
    tall_rows = set().union(*(tall for _, tall in columns))
    sections = frame.show_lines or any(end_sections)
    out: list[str] = []
    last = len(end_sections) - 1
    for at, row in enumerate(zip(*(firsts for firsts, _ in columns), strict=True)):
        index = first + at
        left, right, divider = _edges(box, first=index == 0, last=index == last, frame=frame)
        if at not in tall_rows:
            out.append(left + divider.join(row) + right)
        else:
            cells = [tall.get(at, [row[k]]) for k, (_, tall) in enumerate(columns)]
            height = max(map(len, cells))
            padded = [lines + [blank[k]] * (height - len(lines)) for k, lines in enumerate(cells)]
            out.extend([left + divider.join(parts) + right for parts in zip(*padded, strict=True)])
        if sections and box and (frame.show_lines or end_sections[index]) and index != last:
            out.append(separator)
    return out


def _edges(box: Box | None, *, first: bool, last: bool, frame: Table) -> tuple[str, str, str]:
    """A body row's left edge, right edge and column divider."""
    if box is None:
        return "", "", ""
    if first and not frame.show_header:
        left, right, divider = box.head_left, box.head_right, box.head_vertical
    elif last:
        left, right, divider = box.foot_left, box.foot_right, box.foot_vertical
    else:
        left, right, divider = box.mid_left, box.mid_right, box.mid_vertical
    return (left, right, divider) if frame.show_edge else ("", "", divider)


def _ascii_lines(
    text: str, width: int, justify: JustifyMethod, overflow: OverflowMethod, *, no_wrap: bool
) -> list[str]:
    """Printable ASCII wider than `width` in lines exactly `width` wide, as Text.wrap, then
    Rich's padding, make them. A character is one cell here (so is the … of a shortened line)."""
    pieces = [text] if no_wrap else _divide(text, width, fold=overflow == "fold")
    aligned = justify in ("right", "center")
    out = []
    for piece in pieces:
        if len(piece) > width:
            if not no_wrap:  # Text.rstrip_end
                excess = len(piece) - width
                trailing = _TRAILING_SPACE.search(piece)
                if trailing is not None:
                    piece = piece[: len(piece) - min(len(trailing.group()), excess)]
        elif not aligned:
            out.append(piece.ljust(width))  # fits: only padded
            continue
        if aligned:  # Lines.justify
            piece = _truncated(piece.rstrip(), width, overflow)
            room = width - len(piece)
            piece = " " * (room if justify == "right" else room // 2) + piece
        out.append(_truncated(piece, width, overflow).ljust(width))
    return out


def _truncated(piece: str, width: int, overflow: OverflowMethod) -> str:
    """Text.truncate, for text whose characters are one cell each."""
    if len(piece) <= width:
        return piece
    return piece[: width - 1] + "…" if overflow == "ellipsis" else piece[:width]


def _divide(text: str, width: int, *, fold: bool) -> list[str]:
    """Rich's word wrap (rich._wrap.divide_line, then Text.divide) for text whose characters
    are one cell each. A word is a run of non-space with the spaces after it."""
    breaks: list[int] = []
    offset = 0
    start = 0
    for word in _WORD.findall(text):
        word_length = len(word.rstrip())
        if width - offset >= word_length:
            offset += len(word)
        elif word_length > width:
            if fold:
                at = start
                chunks = [word[i : i + width] for i in range(0, len(word), width)]
                for chunk in chunks[:-1]:
                    if at:
                        breaks.append(at)
                    at += len(chunk)
                if at:
                    breaks.append(at)
                offset = len(chunks[-1])
            else:
                if start:
                    breaks.append(start)
                offset = len(word)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
        start += len(word)
    if not breaks:
        return [text]
    bounds = [0, *breaks, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]
