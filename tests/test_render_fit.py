"""render.fit lays a table out for a width; formats.column_numbers writes a column in one format."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from prioritize.render.fit import FitTable, Kind, fit_table
from prioritize.render.formats import column_numbers
from prioritize.render.table import render_to_text


def table() -> FitTable:
    """ID (5), Title (text, 12 at least), Pool (label, 9, priority 2), Note (text, priority 1),
    Score (number, 6). Box borders: one per column and one more; padding: 2 per column."""
    t = fit_table(title="t")
    t.add_column("ID", Kind.LABEL)
    t.add_column("Title", min_width=12)
    t.add_column("Pool", Kind.LABEL, priority=2)
    t.add_column("Note", priority=1, min_width=10)
    t.add_column("Score", Kind.NUMBER)
    t.add_row("ABC-1", "A title of some twenty-six", "renewals", "a note", Text("123.45"))
    t.add_row("ABC-2", "Short", "notices12", "", Text("9.00"))
    return t


def layout(t: FitTable, width: int) -> tuple[list[str], list[int], list[str]]:
    console = Console(file=io.StringIO(), width=width)
    plan = t.layout(console, width)
    names = [t.columns[i].header for i in plan.shown]
    return names, plan.widths, [t.columns[i].header for i in plan.left_out]


def test_everything_at_its_natural_width_when_it_fits() -> None:
    # 5 + 26 + 9 + 6 + 6 = 52 of content, 10 of padding, 6 borders: 68.
    assert layout(table(), 68) == (
        ["ID", "Title", "Pool", "Note", "Score"],
        [5, 26, 9, 6, 6],
        [],
    )


def test_text_wraps_before_anything_is_left_out() -> None:
    # 60 is 8 short of 68: the title gives 8 (26 -> 18), above its least (12).
    assert layout(table(), 60) == (["ID", "Title", "Pool", "Note", "Score"], [5, 18, 9, 6, 6], [])


def test_the_highest_priority_goes_first() -> None:
    # At least: 5 + 12 + 9 + 6 + 6 = 38, +16 = 54 > 53: the pool (priority 2) goes before the
    # note (priority 1). Then 5 + 26 + 6 + 6 = 43, +13 (3 + 2 borders, 8 padding) = 56: the
    # title gives 3 (26 -> 23).
    assert layout(table(), 53) == (["ID", "Title", "Note", "Score"], [5, 23, 6, 6], ["Pool"])
    # At least without the pool: 5 + 12 + 6 + 6 + 13 = 42 > 41: the note goes too, and the title
    # has 41 - 10 - 5 - 6 = 20.
    assert layout(table(), 41) == (["ID", "Title", "Score"], [5, 20, 6], ["Pool", "Note"])


def test_the_rightmost_of_equal_priority_goes_first_and_numbers_stay_whole() -> None:
    t = fit_table()
    t.add_column("A", Kind.NUMBER, priority=1)
    t.add_column("B", Kind.NUMBER, priority=1)
    t.add_column("C", Kind.NUMBER)
    t.add_row(Text("1,234,567"), Text("7,654,321"), Text("42.5"))
    # Content 9 + 9 + 4 = 22, padding 6, borders 4: 32. At 31, B goes (9 + 4 + 7 = 20); at 19,
    # A too. C, priority 0, stays whole even where it does not fit.
    assert layout(t, 32)[2] == []
    assert layout(t, 31) == (["A", "C"], [9, 4], ["B"])
    assert layout(t, 19) == (["C"], [4], ["A", "B"])
    assert layout(t, 5) == (["C"], [4], ["A", "B"])


def test_what_is_left_out_is_said_under_the_table() -> None:
    t = table()
    text = render_to_text([t], color=False, width=40)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 40
    assert "Left out to fit 40 columns: Pool, Note (use a wider terminal or --format csv)" in (
        " ".join(lines)
    )
    assert "123.45" in text and "9.00" in text


def test_folded_rows_say_how_many_more() -> None:
    t = fit_table()
    t.fold_after, t.fold_noun, t.fold_hint = 1, "items", "--all"
    t.add_column("ID", Kind.LABEL)
    for n in range(4):
        t.add_row(f"X-{n}")
    text = render_to_text([t], color=False, width=40)
    assert "X-0" in text and "X-1" not in text
    assert "… 3 more items: --all" in text


def test_column_numbers_share_separators_and_decimals() -> None:
    assert column_numbers([7000, 48000]) == ["7,000", "48,000"]
    assert column_numbers([7000, 9999]) == ["7000", "9999"]
    assert column_numbers([2, 0.5, None], 1) == ["2.0", "0.5", ""]
    assert column_numbers([1.0, 2, 3]) == ["1", "2", "3"]
    assert column_numbers([12, 1.8207], 2) == ["12.00", "1.82"]
    # Rows that measure different things keep their own decimals, share the separators.
    assert column_numbers([2.6, 61000, 9.4], 2, same_decimals=False) == ["2.60", "61,000", "9.40"]
    assert column_numbers([3.2, 100], 1, suffix="%") == ["3.2%", "100.0%"]
