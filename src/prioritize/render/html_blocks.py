"""The small HTML building blocks of the report: escaped cells, tables, collapsible details.

String building only; every piece of user data escaped. A table may hold every ranked item, so
cells are made a column at a time and each row is joined from tags made once per column.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import partial
from html import escape

import pandas as pd

from prioritize.render.formats import fixed, plain, round_for_reading


def cell(value: object, digits: int | None = None) -> str:
    """A value as escaped cell text: empty for None and NaN; numbers rounded to `digits` when given."""
    value = plain(value)
    if value is None:
        return ""
    return escape(round_for_reading(value, digits) if digits is not None else str(value))


def cells(column: pd.Series, digits: int | None = None) -> list[str]:
    """`cell` of every value of a column, in order."""
    # tolist() gives plain Python values; text and numbers, nearly every cell, skip `plain`.
    return [_cell(value, digits) for value in column.tolist()]


def _cell(value: object, digits: int | None) -> str:
    if isinstance(value, str):
        return escape(value)
    if digits is not None and isinstance(value, float) and not math.isnan(value):
        return round_for_reading(value, digits)  # digits, commas, a sign: nothing to escape
    return cell(value, digits)


weeks = fixed
pct = partial(fixed, digits=0, suffix="%")


Column = tuple[str, bool]  # header text, numeric (right-aligned)


def table(
    caption: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[str]],
    *,
    header: int = 0,
    ident: str = "",
    row_classes: Sequence[str] = (),
) -> str:
    """A table of already-escaped cells with a caption; column `header` holds each row's `<th scope="row">`."""
    num = ' class="num"'
    head = "".join(
        f'<th scope="col"{num if n else ""}>{escape(label)}</th>' for label, n in columns
    )
    opens = [
        f'<th scope="row"{num if n else ""}>' if k == header else f"<td{num if n else ''}>"
        for k, (_, n) in enumerate(columns)
    ]
    closes = ["</th>" if k == header else "</td>" for k in range(len(columns))]
    body = []
    for index, row in enumerate(rows):
        klass = row_classes[index] if index < len(row_classes) else ""
        tds = "".join(o + c + e for o, c, e in zip(opens, row, closes, strict=True))
        body.append((f'<tr class="{klass}">' if klass else "<tr>") + tds + "</tr>")
    id_attr = f' id="{ident}"' if ident else ""
    return (
        f'<div class="table-wrap"><table{id_attr}><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def details(summary: str, content: str) -> str:
    return f"<details><summary>{escape(summary)}</summary>{content}</details>"


__all__ = ["Column", "cell", "cells", "details", "pct", "table", "weeks"]
