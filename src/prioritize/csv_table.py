"""A CSV export's text as rows of cell texts, read with the standard library's `csv`.

Cells stay text: words such as None or NA stay words, and nothing is converted. A row longer
than the header (a value with an unquoted comma shifts every cell after it) and a quote never
closed are refused, located, rather than read some other way.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import NoReturn

from prioritize.errors import Finding, Location, PrioritizeError


def read_table(text: str, name: str) -> list[list[str]]:
    """Every record of the CSV `text` as its cell texts, the header first, a short row padded
    with "" to the header's width; [] where the text holds no cell at all (empty, or blank
    lines only). Rows count as records do (a quoted cell may span lines), the header being
    row 1, as every import message counts them.

    Raises PrioritizeError (named `name`) for a row with more cells than the header and for a
    quote still open at the end of the text."""
    source = _Lines(text)
    rows: list[list[str]] = []
    try:
        for row in csv.reader(source):
            if source.ended:  # the reader wanted more text to finish this record
                _refuse(name, len(rows) + 1, len(row), "unclosed-quote", _UNCLOSED)
            rows.append(row)
    except csv.Error as exc:
        raise PrioritizeError(
            message=f"{name}: cannot read the CSV: row {len(rows) + 1}: {exc}"
        ) from None
    if not any(any(row) for row in rows):
        return []
    width = len(rows[0])
    for number, row in enumerate(rows[1:], start=2):
        if len(row) > width > 0:  # (a blank header has no id column: planning says so)
            _refuse(
                name,
                number,
                width + 1,
                "too-many-cells",
                f"this row has {len(row)} cells and the header {width}; quote a value that "
                'holds a comma ("Fix login, fast")',
            )
    return [row if len(row) >= width else row + [""] * (width - len(row)) for row in rows]


_UNCLOSED = 'a quoted cell is never closed; close it with a " (write "" for a quote inside it)'


class _Lines:
    """The text's lines, line ends kept, for csv.reader; `ended` once the reader has asked past
    the last one. Lines end at LF, CRLF and CR only, as records do (str.splitlines would also
    cut at U+2028 and others, which may sit inside a cell).

    The reader asks for another line between records only to find the end, and within a record
    only while a quoted cell is open: a record it returns after `ended` was finished by the end
    of the text, not by its own closing quote."""

    def __init__(self, text: str) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self.ended = False

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines, None)
        if line is None:
            self.ended = True
            raise StopIteration
        return line


def _refuse(name: str, row: int, col: int, code: str, message: str) -> NoReturn:
    raise PrioritizeError([Finding(code, "error", Location(name, row, col), message)])
