"""Terminal tables that fit the width they are printed at: columns by priority, numbers never cut.

A `FitTable` is declared like a Rich table, but each column has a kind and a priority, and the
layout is chosen when it is printed, for the width the console gives it:

1. Every column is measured: its natural width (widest cell or header line) and its narrowest
   acceptable width. A number or a label (ids, dates, bars) is never narrower than its widest
   cell: `no_wrap`, and only its header may wrap. A text column (titles, notes) may wrap down to
   its `min_width`.
2. While the narrowest acceptable widths do not fit, the least important column is left out:
   the highest `priority` first, the rightmost among equals; priority 0 is never left out. A line
   under the table names what was left out and how to see it.
3. What still exceeds the width is taken from the headers of numbers and labels (a header wraps
   between words: one more line, once), then from the widest text columns (they wrap, or shorten
   with `…` when their overflow is "ellipsis"), never below their narrowest acceptable width. Only when the columns that are never left out do not
   fit at their narrowest are text, then labels, shortened further; a number never.

The columns' widths are then fixed, so Rich lays the table out exactly as planned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from rich.console import (
    Console,
    ConsoleOptions,
    JustifyMethod,
    OverflowMethod,
    RenderableType,
    RenderResult,
)
from rich.measure import Measurement
from rich.padding import Padding
from rich.style import StyleType
from rich.table import Table
from rich.text import Text

DEFAULT_HINT = "use a wider terminal or --format csv"
# What Rich's markup or emoji codes could change in a string cell: a string without them is
# printed as it is.
MARKUP = re.compile(r"[\[:]")


class Kind(Enum):
    """How a column's cells may be laid out."""

    NUMBER = "number"  # right-aligned, never wrapped nor cut
    LABEL = "label"  # ids, dates, bars: one line, never cut (unless given a max_width)
    TEXT = "text"  # titles and notes: wrap (or shorten with …) down to min_width


@dataclass(frozen=True)
class FitColumn:
    """One column: its header, kind, priority (0: always shown; higher: left out sooner)."""

    header: str
    kind: Kind = Kind.TEXT
    priority: int = 0
    min_width: int = 12  # TEXT only: the narrowest it may wrap to before it is left out instead
    max_width: int | None = None  # LABEL or TEXT: never wider (LABEL shortens with …)
    justify: JustifyMethod | None = None
    overflow: OverflowMethod = "fold"
    style: StyleType | None = None


@dataclass(slots=True)
class _Row:
    cells: list[RenderableType]
    style: StyleType | None = None
    end_section: bool = False


@dataclass(frozen=True)
class Layout:
    """The plan for one width: the columns shown (indices), their widths and those left out."""

    shown: list[int]
    widths: list[int]  # content widths of the shown columns, padding excluded
    left_out: list[int]


@dataclass
class FitTable:
    """A table that lays itself out for the width it is printed at (see the module docstring).

    `table` holds the keyword arguments of the Rich table (title, caption, box, ...); `hint` says
    how to see the columns left out; `fold_after` shows only that many rows and a line saying how
    many more there are, and `fold_hint` how to see them. `unlisted` counts rows past the fold
    that were never added (a caller that knows they will not be shown need not build them).
    """

    table: dict[str, Any] = field(default_factory=dict)
    hint: str = DEFAULT_HINT
    fold_after: int | None = None
    fold_hint: str = ""
    fold_noun: str = "rows"
    unlisted: int = 0
    columns: list[FitColumn] = field(default_factory=list)
    rows: list[_Row] = field(default_factory=list)

    def add_column(
        self,
        header: str,
        kind: Kind = Kind.TEXT,
        *,
        priority: int = 0,
        min_width: int = 12,
        max_width: int | None = None,
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod = "fold",
        style: StyleType | None = None,
    ) -> None:
        self.columns.append(
            FitColumn(header, kind, priority, min_width, max_width, justify, overflow, style)
        )

    def add_row(self, *cells: RenderableType | None, style: StyleType | None = None) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(_Row([c if c is not None else "" for c in cells], style))

    def add_section(self) -> None:
        """A line under the last row added."""
        if self.rows:
            self.rows[-1].end_section = True

    # --- layout --------------------------------------------------------------------------------

    def shown_rows(self) -> list[_Row]:
        """The rows printed: the first `fold_after` of them, or all."""
        return self.rows if self.fold_after is None else self.rows[: self.fold_after]

    def layout(
        self, console: Console, width: int, widest_cells: Sequence[int] | None = None
    ) -> Layout:
        """The columns shown and their widths so that the table is at most `width` cells wide.

        `widest_cells` may give each column's widest cell (at most `width`), measured by the
        caller.
        """
        probe = Table(**self.table)
        pad_left, pad_right = _horizontal_padding(probe)
        rows = self.shown_rows()
        options = console.options.update_width(max(width, 1))
        natural, narrowest = [], []
        for index, column in enumerate(self.columns):
            header = _header(column)
            head_max, head_min = _measure(console, options, header)
            cell_max = (
                max((_widest(console, options, r.cells[index]) for r in rows), default=0)
                if widest_cells is None
                else widest_cells[index]
            )
            full = max(head_max if probe.show_header else 0, cell_max, 1)
            if column.max_width is not None:
                full = min(full, max(column.max_width, head_min))
            if column.kind is Kind.TEXT:
                least = min(full, max(column.min_width, head_min))
            else:
                cells_least = min(cell_max, full) if column.max_width is not None else cell_max
                least = max(cells_least, head_min if probe.show_header else 0, 1)
            natural.append(full)
            narrowest.append(least)

        def extra(shown: Sequence[int]) -> int:
            edges = ((2 if probe.show_edge else 0) + len(shown) - 1) if probe.box else 0
            padding = (pad_left + pad_right) * len(shown)
            if not probe.pad_edge and shown:
                padding -= pad_left + pad_right
            return edges + padding

        shown = list(range(len(self.columns)))
        left_out: list[int] = []
        while sum(narrowest[i] for i in shown) + extra(shown) > width:
            droppable = [i for i in shown if self.columns[i].priority > 0]
            if not droppable:
                break
            drop = max(droppable, key=lambda i: (self.columns[i].priority, i))
            shown.remove(drop)
            left_out.append(drop)

        widths = {i: natural[i] for i in shown}
        excess = sum(widths.values()) + extra(shown) - width
        texts = [i for i in shown if self.columns[i].kind is Kind.TEXT]
        others = [i for i in shown if self.columns[i].kind is not Kind.TEXT]
        labels = [i for i in shown if self.columns[i].kind is Kind.LABEL]
        # Last resort, when what may not be left out does not fit: text, then labels, shortened
        # further (with …); a number never.
        ones = [1] * len(natural)
        passes = ((others, narrowest), (texts, narrowest), (texts, ones), (labels, ones))
        for group, floor in passes:
            while excess > 0:
                room = [i for i in group if widths[i] > floor[i]]
                if not room:
                    break
                widest = max(room, key=lambda i: (widths[i], -i))
                widths[widest] -= 1
                excess -= 1
        return Layout(shown, [widths[i] for i in shown], sorted(left_out))

    def left_out_line(self, layout: Layout, width: int) -> str:
        names = ", ".join(_one_line(self.columns[i].header) for i in layout.left_out)
        return f"Left out to fit {width} columns: {names} ({self.hint})"

    def fold_line(self) -> str | None:
        total = len(self.rows) + self.unlisted
        if self.fold_after is None or total <= self.fold_after:
            return None
        more = total - self.fold_after
        return f"… {more} more {self.fold_noun}: {self.fold_hint}" if self.fold_hint else None

    def frame(self, layout: Layout) -> Table:
        """The Rich table for `layout`: its settings and shown columns at their widths, no rows."""
        table = Table(**self.table)
        for index, content in zip(layout.shown, layout.widths, strict=True):
            column = self.columns[index]
            table.add_column(
                _header(column),
                justify=column.justify or ("right" if column.kind is Kind.NUMBER else "left"),
                no_wrap=column.kind is not Kind.TEXT,
                overflow="ellipsis" if column.kind is Kind.LABEL else column.overflow,
                style=column.style,
                width=content,
                min_width=content if column.kind is Kind.NUMBER else None,
            )
        return table

    def build(self, console: Console, width: int) -> tuple[Table, Layout]:
        """The Rich table laid out for `width`, and the layout chosen."""
        layout = self.layout(console, width)
        table = self.frame(layout)
        for row in self.shown_rows():
            table.add_row(
                *(row.cells[i] for i in layout.shown), style=row.style, end_section=row.end_section
            )
        return table, layout

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        table, layout = self.build(console, width)
        yield table
        if (line := self.fold_line()) is not None:
            yield Text(line)
        if layout.left_out:
            yield Text(self.left_out_line(layout, width), style="dim")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        table, _ = self.build(console, options.max_width)
        return Measurement.get(console, options, table)


def _horizontal_padding(table: Table) -> tuple[int, int]:
    _, right, _, left = Padding.unpack(table.padding)
    return left, right


def _header(column: FitColumn) -> Text:
    """The header text, free to wrap between words even in a column that does not."""
    return Text(column.header, no_wrap=False)


def _one_line(header: str) -> str:
    return " ".join(header.split())


def _measure(console: Console, options: ConsoleOptions, cell: RenderableType) -> tuple[int, int]:
    """(widest line, longest word) of a cell, in terminal cells."""
    measured = Measurement.get(console, options, cell)
    return measured.maximum, measured.minimum


def ascii_plain(cell: RenderableType) -> str | None:
    """The cell's text when Rich reads it character by character, one terminal cell each:
    printable ASCII, and in a string no markup or emoji code. None for any other cell."""
    if isinstance(cell, str):
        plain = None if MARKUP.search(cell) else cell
    else:
        plain = cell.plain if isinstance(cell, Text) else None
    return plain if plain is not None and plain.isascii() and plain.isprintable() else None


def _widest(console: Console, options: ConsoleOptions, cell: RenderableType) -> int:
    """A cell's widest line in terminal cells, as Measurement.get gives it; for ASCII text
    without building a Text, since a table has many cells."""
    plain = ascii_plain(cell)
    if plain is None:
        return _measure(console, options, cell)[0]
    widest = min(len(plain), options.max_width)
    return widest if widest >= 1 else 0


def fit_table(**table: Any) -> FitTable:
    """A FitTable with these Rich table settings (title, caption, box, header_style, ...)."""
    return FitTable(table=table)


__all__ = [
    "DEFAULT_HINT",
    "MARKUP",
    "FitColumn",
    "FitTable",
    "Kind",
    "Layout",
    "ascii_plain",
    "fit_table",
]
