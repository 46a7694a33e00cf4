"""What an import asks of a file, before any file is touched: values parsed from cells, edits at paths, items to create.

Pure: no YAML library here; edit.py carries the edits out on the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

Path_ = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Value:
    """A value to write: the data, and for a number or date the text to write it as."""

    data: int | float | str | date
    text: str | None = None


def parse_cell(cell: str) -> Value:
    """A CSV cell as a value: a number where the text is one, an ISO date, else the text itself.

    Numbers keep the text they were typed as ("0.30" is written 0.30). Text with leading zeros
    (007, 00501) stays text: it is a code, not a quantity. So do yes, None, NA and the like.
    """
    text = cell.strip()
    if _INT.fullmatch(text):
        # Python refuses to read integers of over 4,300 digits; no bound admits them anyway
        return Value(int(text) if len(text) <= 100 else float(text), text)
    if _FLOAT.fullmatch(text):
        return Value(float(text), text)
    if _DATE.fullmatch(text):
        try:
            return Value(date.fromisoformat(text), text)
        except ValueError:
            pass
    return Value(text)


@dataclass(frozen=True)
class Edit:
    """Set the value at `path` (keys and list indexes from the top of the file).

    `item`: how many steps of `path` lead to a backlog item; new keys of the item, its evidence
    and its outcome then go where the schema orders them (edit.KEY_ORDER) instead of last.
    """

    path: Path_
    value: Value
    item: int | None = None


@dataclass(frozen=True)
class NewItem:
    """An item to create: each value at its path inside the item, in the order to write them."""

    values: tuple[tuple[tuple[str, ...], Value], ...]

    @property
    def id(self) -> str:
        return str(next(v.data for path, v in self.values if path == ("id",)))
