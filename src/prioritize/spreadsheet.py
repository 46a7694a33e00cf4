"""Numbers as spreadsheets write them (64,500, $11.10, 56%), read only where they cannot be misread.

Pure. A cell that merely looks like a formatted number but could be read two ways (1,5 or
12.500,00: a decimal comma, or thousands?) is refused, never guessed.
"""

from __future__ import annotations

import re
from decimal import Decimal

from prioritize.edits import Value, parse_cell

_CURRENCY = r"(?:\$|£|€|USD|GBP|EUR)"
_PLAIN = r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+"
_GROUPED = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?"
_NUMBER = re.compile(
    rf"""(?P<sign>[-+]?)\s*
        (?:(?P<pre>{_CURRENCY})\s*(?P<sign2>[-+]?))?
        (?P<digits>{_GROUPED}|{_PLAIN})
        \s*(?:(?P<post>{_CURRENCY})|(?P<pct>%))?""",
    re.VERBOSE,
)
# What a formatted number is made of: if a cell is only these and holds a digit and a comma,
# currency or percent sign, it was meant as a number.
_NUMBERISH = re.compile(rf"(?:[-+0-9.,%\s]|{_CURRENCY})+")
_MARKS = re.compile(rf"[,%]|{_CURRENCY}")


class NotNumeric(ValueError):
    """A cell meant as a number that cannot be read without guessing."""


def parse_number_cell(cell: str) -> Value:
    """A cell where a number is expected: spreadsheet formatting read, everything else as parse_cell.

    Thousands separators only in groups of three (1,234,567; 64,500.25), a currency sign or
    code before or after ($, £, €, USD, GBP, EUR), a trailing % (56% is 0.56, written 0.56).
    Raises NotNumeric for a cell that carries such marks but not in one unambiguous pattern.
    """
    text = cell.strip()
    if not (_MARKS.search(text) and any(ch.isdigit() for ch in text)):
        return parse_cell(text)
    match = _NUMBER.fullmatch(text)
    if match is None or (match["sign"] and match["sign2"]) or (match["pre"] and match["post"]):
        if _NUMBERISH.fullmatch(text):
            raise NotNumeric(
                f'"{text}" could be read more than one way; write it plainly (1234.5) or with '
                "commas between groups of three digits (1,234.5)"
            )
        return parse_cell(text)
    if match["pct"] and match["pre"]:
        raise NotNumeric(f'"{text}" is both an amount and a percentage')
    number = Decimal((match["sign"] or match["sign2"] or "") + match["digits"].replace(",", ""))
    if match["pct"]:
        number = number / 100
        shown = format(number.normalize(), "f")
    else:
        shown = format(number, "f")
    if "." in shown:
        return Value(float(shown), shown)
    return Value(int(shown), shown)
