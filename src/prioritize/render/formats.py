"""The writers of the machine formats (CSV, JSON, Markdown) for frames, and the cell helpers they share.

CSV and JSON carry full precision; Markdown rounds for reading like the table does.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from prioritize.render.inert import csv_text, markdown_cell


def plain(value: Any) -> Any:
    """A frame cell as a JSON-ready Python value: NA and NaN become None, numpy scalars plain numbers."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a frame as plain dicts, in column order."""
    columns = list(frame.columns)
    return [
        dict(zip(columns, (plain(v) for v in row), strict=True))
        for row in frame.itertuples(index=False)
    ]


# Whether CSV text cells go out exactly as read (`--raw-csv`, for pipelines), or made safe to
# open in a spreadsheet (the default). Set for one rendering by `csv_cells`.
_RAW_CSV: ContextVar[bool] = ContextVar("raw_csv", default=False)


@contextmanager
def csv_cells(*, raw: bool) -> Iterator[None]:
    """Within the block, CSV text cells are written `raw` (as read) or safe for a spreadsheet."""
    token = _RAW_CSV.set(raw)
    try:
        yield
    finally:
        _RAW_CSV.reset(token)


def _csv_cell(value: Any, text: Callable[[str], str]) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return text(";".join(str(v) for v in value))
    return text(str(value)) if isinstance(value, str) else str(value)


_CSV_ROWS_AT_ONCE = 4096


def _csv_float(value: float) -> str:
    if value != value:  # NaN: a missing value
        return ""
    return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _csv_column(column: pd.Series, text: Callable[[str], str]) -> list[str]:
    """The cells of one column, each as _csv_cell writes it: a column at a time, since one
    dispatch per cell cost most of a large CSV's time."""
    # numpy's own types only: pandas' nullable ones hold NA, which these shortcuts do not expect
    kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else ""
    if kind == "f":
        return [_csv_float(v) for v in column.tolist()]
    if kind in ("i", "u"):
        return [str(v) for v in column.tolist()]
    if kind == "b":
        return ["true" if v else "false" for v in column.tolist()]
    if kind == "O":
        return [text(v) if type(v) is str else _csv_cell(v, text) for v in column]
    return [_csv_cell(v, text) for v in column]


def to_csv(frame: pd.DataFrame) -> str:
    """CSV with a header row; numbers at full precision (whole numbers without a decimal point).

    Text cells are safe to open in a spreadsheet (inert.csv_text) unless `csv_cells(raw=True)`.
    """
    return "".join(csv_pieces(frame))


def csv_pieces(frame: pd.DataFrame) -> Iterator[str]:
    """`to_csv`'s text in pieces, the header then a few thousand rows at a time, for long
    outputs written as they are made (the whole text of 100,000 rows is tens of MiB)."""
    text: Callable[[str], str] = str if _RAW_CSV.get() else csv_text
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    # The csv module quotes a field holding "\n" but not one holding a lone "\r" (it is not in
    # the line terminator); such a row is written fully quoted so that readers keep it whole.
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(frame.columns)
    # A few thousand rows at a time: the cells of every row at once would outweigh the text.
    for begin in range(0, len(frame), _CSV_ROWS_AT_ONCE):
        yield _taken(out)
        part = frame.iloc[begin : begin + _CSV_ROWS_AT_ONCE]
        columns = [_csv_column(part.iloc[:, k], text) for k in range(part.shape[1])]
        rows = list(zip(*columns, strict=True)) if columns else [() for _ in range(len(part))]
        if not any("\r" in cell for column in columns for cell in column):
            writer.writerows(rows)
            continue
        for cells in rows:
            (quoted if any("\r" in c for c in cells) else writer).writerow(cells)
    yield _taken(out)


def _taken(out: io.StringIO) -> str:
    """What `out` holds, which it then lets go."""
    piece = out.getvalue()
    out.seek(0)
    out.truncate()
    return piece


def to_json(data: Any) -> str:
    """JSON text; frames become lists of row objects."""
    if isinstance(data, pd.DataFrame):
        data = records(data)
    return json.dumps(data, indent=2, ensure_ascii=False, default=plain, allow_nan=False) + "\n"


def round_for_reading(value: Any, digits: int = 2) -> str:
    """A number rounded for people: whole numbers bare, others to `digits` places."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}" if abs(value) >= 10000 else str(int(value))
        return f"{value:,.{digits}f}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


SEPARATE_THOUSANDS_FROM = 10000  # as round_for_reading: 9999 bare, 10,000 separated


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def column_numbers(
    values: Iterable[Any], digits: int = 2, *, same_decimals: bool = True, suffix: str = ""
) -> list[str]:
    """The numbers of one column for reading, all in one format, in the order given.

    Thousands separators on every value when any value reaches 10,000 (`7,000` beside
    `48,000`). With `same_decimals`, every value has `digits` decimals unless all are whole
    numbers (then none); without, each value is whole or has `digits` decimals on its own (for a
    column whose rows measure different things). Missing values are ''; what is not a number is
    written as round_for_reading writes it; `suffix` follows every number.
    """
    cells = _plain_cells(values)
    # (a cell per row of a large table: _is_number written out, each format made once)
    number, isfinite = (int, float), math.isfinite
    numbers = [
        float(v) for v in cells if isinstance(v, number) and v is not True and v is not False
    ]
    numbers = [n for n in numbers if isfinite(n)]
    separator = "," if any(abs(n) >= SEPARATE_THOUSANDS_FROM for n in numbers) else ""
    column_decimals = 0 if all(n.is_integer() for n in numbers) else digits
    column_format = f"{separator}.{column_decimals}f"
    whole, fraction = f"{separator}.0f", f"{separator}.{digits}f"
    out = []
    for value in cells:
        if not isinstance(value, number) or value is True or value is False or not isfinite(value):
            out.append(round_for_reading(value, digits))
            continue
        value = float(value)
        if same_decimals:
            out.append(format(value, column_format) + suffix)
        else:
            out.append(format(value, whole if value.is_integer() else fraction) + suffix)
    return out


def _plain_cells(values: Iterable[Any]) -> list[Any]:
    """plain() of every value; a column of numpy numbers all at once (NaN as None)."""
    if isinstance(values, pd.Series) and _numpy_numbers(values.dtype):
        return [None if v != v else v for v in values.tolist()]
    return [plain(v) for v in values]


def _numpy_numbers(dtype: Any) -> bool:
    return isinstance(dtype, np.dtype) and dtype.kind in ("f", "i", "u")


def fixed(value: Any, digits: int = 1, suffix: str = "") -> str:
    """A number with `digits` decimals and a suffix (weeks, percentages); '' for a missing one."""
    value = plain(value)
    return "" if value is None else f"{value:.{digits}f}{suffix}"


def to_markdown(
    frame: pd.DataFrame,
    *,
    numeric: Sequence[str] = (),
    formatters: Mapping[str, Callable[[Any], str]] | None = None,
) -> str:
    """A GitHub-flavoured Markdown table; numeric columns right-aligned and rounded."""
    formatters = formatters or {}
    columns = list(frame.columns)
    numeric_set = set(numeric) or {c for c in columns if pd.api.types.is_numeric_dtype(frame[c])}
    lines = ["| " + " | ".join(markdown_cell(str(c)) for c in columns) + " |"]
    lines.append("| " + " | ".join("---:" if c in numeric_set else "---" for c in columns) + " |")
    for row in frame.itertuples(index=False):
        cells = [formatters.get(c, round_for_reading)(v) for c, v in zip(columns, row, strict=True)]
        lines.append("| " + " | ".join(markdown_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
