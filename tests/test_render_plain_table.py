"""render.plain_table draws a table without colour exactly as Rich draws it, character for character."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from rich import box
from rich.console import Console, RenderableType
from rich.text import Text

from prioritize.render import plain_table as plain_module
from prioritize.render import table as table_module
from prioritize.render.fit import FitTable, Kind, fit_table
from prioritize.render.table import render_to_text

WIDTHS = (80, 100, 120, 200)
# ASCII words and spaces, and text of other widths: CJK (two cells), emoji, a combining accent,
# the ellipsis, a character Rich reads as an emoji code, a non-breaking space.
WORDS = st.one_of(
    st.text(st.sampled_from("abcdefghij KLM-,.0123"), max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "  leading and trailing  ",
            "a-very-long-identifier-that-never-breaks-anywhere-at-all-0123456789",
            "漢字のタイトルは二つの升目を使う",
            "emoji 😀 in 🎉 a title",
            "cafe\u0301 au lait",
            "shortened…",
            "time :smile: to ship",
            "a\u00a0non-breaking space",
            "[bold]markup[/bold] in a string",
        ]
    ),
)
JUSTIFY = st.sampled_from([None, "left", "right", "center", "default"])
OVERFLOW = st.sampled_from([None, "fold", "ellipsis", "crop"])


@st.composite
def cells(draw: st.DrawFn) -> RenderableType:
    text = draw(WORDS)
    if draw(st.booleans()):
        return text
    return Text(
        text,
        style=draw(st.sampled_from(["", "bold", "red", "dim"])),
        justify=draw(JUSTIFY),
        overflow=draw(OVERFLOW),
        no_wrap=draw(st.sampled_from([None, True, False])),
    )


SETTINGS = st.fixed_dictionaries(
    {},
    optional={
        "title": WORDS.map(lambda t: t * 4),  # long titles wrap and need cropping
        "caption": WORDS.map(lambda t: t * 3),
        "title_justify": st.sampled_from(["left", "center", "right"]),
        "caption_justify": st.sampled_from(["left", "center", "right"]),
        "header_style": st.just("bold"),
        "show_header": st.booleans(),
        "show_lines": st.booleans(),
        "show_edge": st.booleans(),
        "pad_edge": st.booleans(),
        "box": st.sampled_from([None, box.HEAVY_HEAD, box.ROUNDED, box.SIMPLE, box.ASCII]),
        "padding": st.sampled_from([(0, 1), (0, 2, 0, 0), (0, 1, 0, 0), 0]),
    },
)


@st.composite
def tables(draw: st.DrawFn) -> FitTable:
    table = fit_table(**draw(SETTINGS))
    count = draw(st.integers(1, 7))
    for k in range(count):
        table.add_column(
            draw(st.sampled_from(["ID", "Title", "Start\nweek", "Value comes from", "漢字"])),
            draw(st.sampled_from(list(Kind))),
            priority=0 if k == 0 else draw(st.integers(0, 6)),
            min_width=draw(st.integers(4, 24)),
            max_width=draw(st.one_of(st.none(), st.integers(4, 30))),
            justify=draw(JUSTIFY.filter(lambda j: j != "default")),
            overflow=draw(st.sampled_from(["fold", "ellipsis", "crop"])),
        )
    for _ in range(draw(st.integers(0, 12))):
        table.add_row(*(draw(cells()) for _ in range(count)))
        if draw(st.integers(0, 4)) == 0:
            table.add_section()
    if draw(st.booleans()):
        table.fold_after, table.fold_hint = draw(st.integers(0, 6)), "--all shows every one"
    return table


@contextmanager
def rich_only() -> Iterator[None]:
    """Every table drawn by Rich itself, as before render.plain_table."""
    with mock.patch.object(table_module, "plain_table", lambda *args: None):
        yield


def both(renderables: list[RenderableType], *, color: bool, width: int) -> tuple[str, str]:
    fast = render_to_text(renderables, color=color, width=width)
    with rich_only():
        slow = render_to_text(renderables, color=color, width=width)
    return fast, slow


@settings(max_examples=300, deadline=None)
@given(table=tables(), width=st.sampled_from(WIDTHS), color=st.booleans())
def test_the_same_characters_as_rich(table: FitTable, width: int, color: bool) -> None:
    # With colour the caller always lets Rich draw (plain_table declines): equal by construction.
    fast, slow = both([table, Text("after")], color=color, width=width)
    assert fast == slow


@settings(max_examples=150, deadline=None)
@given(table=tables(), width=st.sampled_from(WIDTHS), block=st.sampled_from([1, 2, 3]))
def test_rows_drawn_a_block_at_a_time_are_the_rows_rich_draws(
    table: FitTable, width: int, block: int
) -> None:
    """A long table's body is drawn a block of rows at a time (memory): blocks that split the
    first and last rows, tall rows and sections from each other change no character."""
    with mock.patch.object(plain_module, "_BLOCK", block):
        fast, slow = both([table, Text("after")], color=False, width=width)
    assert fast == slow


def ascii_table(rows: int = 30) -> FitTable:
    table = fit_table(title="Ranked backlog", caption="Criteria: c", header_style="bold")
    table.add_column("Rank", Kind.NUMBER)
    table.add_column("ID", Kind.LABEL)
    table.add_column("Title", min_width=20)
    table.add_column("Pool", Kind.LABEL, priority=2, max_width=8)
    table.add_column("Note", priority=1, min_width=16)
    for k in range(rows):
        table.add_row(
            Text(str(k + 1), justify="right", no_wrap=True),
            f"ABC-{k}",
            "Digitize address fields for older adults " * (k % 3 + 1),
            "renewals-and-permits",
            Text("cost 15, volume 14, completion 14", style="dim"),
        )
    return table


def drawn(table: FitTable, *, color: bool = False, width: int = 100) -> list[str] | None:
    console = Console(file=io.StringIO(), width=width, force_terminal=color, no_color=not color)
    return plain_module.plain_table(table, console, width, lambda r: [])


def test_it_draws_plain_and_wide_text_without_colour() -> None:
    # So that the property above compares two ways of drawing, not Rich with itself.
    assert drawn(ascii_table()) is not None
    wide = ascii_table()
    wide.add_row(Text("31"), "漢字-1", "漢字のタイトル 😀", "プール", "cafe\u0301")
    assert drawn(wide) is not None
    assert all(drawn(ascii_table(), width=w) is not None for w in WIDTHS)


def test_rich_draws_what_needs_escaping_or_colour() -> None:
    hostile = ascii_table()
    hostile.add_row(Text("31"), "X-1", "\x1b]0;PWNED\x07title", "p", "")
    assert drawn(hostile) is None
    assert drawn(ascii_table(), color=True) is None
    fast, slow = both([hostile], color=False, width=100)
    assert fast == slow
    assert "\x1b" not in fast


def test_a_big_table_is_as_rich_draws_it() -> None:
    for width in WIDTHS:
        fast, slow = both([ascii_table(400)], color=False, width=width)
        assert fast == slow


def test_shortened_cells_and_folded_words() -> None:
    table = fit_table(box=None, padding=(0, 1, 0, 0))
    for kind in (Kind.LABEL, Kind.TEXT, Kind.NUMBER):
        table.add_column("h", kind, min_width=4, max_width=6)
    table.add_column("o", overflow="ellipsis", min_width=4, max_width=6)
    words: list[Any] = ["abcdefghijkl", "ab cdefghijklmnop q", "   x", "a  b  c  d  e  f"]
    for word in words:
        table.add_row(word, word, Text(word, justify="center"), word)
    fast, slow = both([table], color=False, width=80)
    assert fast == slow
