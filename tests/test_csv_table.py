"""csv_table.read_table: a CSV export's text as rows of cell texts, refusing what cannot be read
one way only."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prioritize.csv_table import read_table
from prioritize.errors import PrioritizeError


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("", []),
        ("\n", []),
        ("\n  \n", [[], ["  "]]),  # a blank header: planning finds no id column in it
        ("id,x\n", [["id", "x"]]),
        ("id,x\nA,1", [["id", "x"], ["A", "1"]]),
        ("id,x\r\nA,1\r\n", [["id", "x"], ["A", "1"]]),
        ("id,x\rA,1\r", [["id", "x"], ["A", "1"]]),
        # a short row and a blank line are padded to the header's width
        ("id,x,y\nA,1\n\nB\n", [["id", "x", "y"], ["A", "1", ""], ["", "", ""], ["B", "", ""]]),
        # words stay words, spaces and quotes inside a cell stay
        ("id,x\nNA, None\n", [["id", "x"], ["NA", " None"]]),
        ('id,x\na"b,"c ""d"""\n', [["id", "x"], ['a"b', 'c "d"']]),
        # a quoted cell may hold a comma and line breaks; it is still one row
        ('id,title\nA,"Fix login, fast\nand well"\nB,2\n', [["id", "title"], ["A", "Fix login, fast\nand well"], ["B", "2"]]),
        # only LF, CRLF and CR end a line: U+2028 inside a cell is text
        ("id,x\nA,a\u2028b\n", [["id", "x"], ["A", "a\u2028b"]]),
    ],
)  # fmt: skip
def test_rows(text: str, rows: list[list[str]]) -> None:
    assert read_table(text, "in.csv") == rows


def refusal(text: str) -> str:
    with pytest.raises(PrioritizeError) as caught:
        read_table(text, "in.csv")
    return str(caught.value)


def test_a_row_longer_than_the_header_is_refused_at_its_first_extra_cell() -> None:
    assert refusal("id,title\nA,Fix login, fast\n") == (
        "in.csv:2:3: too-many-cells this row has 3 cells and the header 2; quote a value "
        'that holds a comma ("Fix login, fast")'
    )
    # rows count as records: the quoted line break does not make row 3 a line 4
    assert refusal('id,x\nA,"1\n2"\nB,1,\n').startswith("in.csv:3:3: too-many-cells ")


def test_a_quote_never_closed_is_refused_at_its_row() -> None:
    message = (
        'unclosed-quote a quoted cell is never closed; close it with a " (write "" for a '
        "quote inside it)"
    )
    assert refusal('id,x\nA,"1\nB,2\n') == f"in.csv:2:2: {message}"
    assert refusal('id,x\nA,1\n"B') == f"in.csv:3:1: {message}"
    assert refusal('id,x\nA,"1""\n') == f"in.csv:2:2: {message}"


def test_a_closed_quote_at_the_very_end_is_read() -> None:
    assert read_table('id,x\nA,"1"', "in.csv") == [["id", "x"], ["A", "1"]]


def test_a_cell_past_the_csv_modules_limit_is_refused_with_its_row() -> None:
    text = "id,x\nA," + "9" * 200_000 + "\n"
    assert refusal(text).startswith("in.csv: cannot read the CSV: row 2: field larger than")


cells = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@given(st.integers(1, 4).flatmap(lambda w: st.lists(st.lists(cells, min_size=w, max_size=w), min_size=1, max_size=6)))  # fmt: skip
def test_what_the_csv_module_writes_is_read_back(rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    expected = rows if any(any(row) for row in rows) else []
    assert read_table(out.getvalue(), "in.csv") == expected
