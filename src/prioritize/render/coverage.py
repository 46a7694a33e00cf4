"""The `coverage` report: personas served by the top of the backlog; the left-out ones stand out.

Every format has the same rows and columns (see analysis.coverage); the table folds
`suggestion` and `suggestion_rank` into one column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
from rich.console import RenderableType
from rich.text import Text

from prioritize.analysis.coverage import (
    FLAG,
    ITEMS,
    ITEMS_IN_TOP,
    PERSONA,
    SUGGESTION,
    SUGGESTION_RANK,
    VALUE_IN_TOP_PCT,
)
from prioritize.render.choices import Format
from prioritize.render.fit import Kind, fit_table
from prioritize.render.formats import plain, to_csv, to_json, to_markdown
from prioritize.render.table import numbers, render_to_text

FLAG_STYLE = "bold red"


def _suggestion(row: pd.Series) -> str:
    return (
        "" if plain(row[SUGGESTION]) is None else f"{row[SUGGESTION]} (rank {row[SUGGESTION_RANK]})"
    )


def left_out_line(rows: pd.DataFrame, top: int) -> str:
    """One sentence naming the personas the top leaves out."""
    left_out = [
        str(p) for p, f in zip(rows[PERSONA], rows[FLAG], strict=True) if plain(f) is not None
    ]
    if not left_out:
        return (
            f"The top {top} serves every persona." if len(rows) else "No open item names a persona."
        )
    return f"Left out of the top {top}: {', '.join(left_out)}."


def coverage_table(rows: pd.DataFrame, top: int, ranked: int) -> RenderableType:
    """One row per persona; narrow, the item count, then the count in the top, are left out."""
    table = fit_table(
        title=f"Coverage: personas served by the top {min(top, ranked)} of {ranked} ranked items",
        header_style="bold",
    )
    table.add_column("Persona", Kind.LABEL)
    table.add_column("Items", Kind.NUMBER, priority=2)
    table.add_column(f"In top {top}", Kind.NUMBER, priority=1)
    table.add_column(f"Value in top {top}", Kind.NUMBER)
    table.add_column("Flag", Kind.LABEL)
    table.add_column("Suggestion", Kind.LABEL)
    columns = zip(
        numbers(rows[ITEMS], 0),
        numbers(rows[ITEMS_IN_TOP], 0),
        [
            Text("" if plain(p) is None else f"{plain(p):.1f}%", justify="right")
            for p in rows[VALUE_IN_TOP_PCT]
        ],
        strict=True,
    )
    for (_, row), (items, in_top, pct) in zip(rows.iterrows(), columns, strict=True):
        flag = plain(row[FLAG]) or ""
        table.add_row(
            row[PERSONA],
            items,
            in_top,
            pct,
            Text(flag, style=FLAG_STYLE),
            _suggestion(row),
            style="red" if flag else None,
        )
    return table


@dataclass(frozen=True)
class CoverageView:
    """What `coverage` shows; `ranked` is how many items the backlog ranks."""

    rows: pd.DataFrame
    top: int
    ranked: int
    caption: str
    color: bool


def _csv(view: CoverageView) -> str:
    return to_csv(view.rows)


def _json(view: CoverageView) -> str:
    return to_json(view.rows)


def _markdown(view: CoverageView) -> str:
    return to_markdown(view.rows) + f"\n{view.caption}\n"


def _table(view: CoverageView) -> str:
    table = coverage_table(view.rows, view.top, view.ranked)
    left_out = Text(left_out_line(view.rows, view.top))
    return render_to_text([table, left_out, Text(view.caption)], color=view.color)


COVERAGE_RENDERERS: Mapping[Format, Callable[[CoverageView], str]] = {
    Format.table: _table,
    Format.csv: _csv,
    Format.json: _json,
    Format.markdown: _markdown,
}


__all__ = ["COVERAGE_RENDERERS", "CoverageView"]
