"""The `outcomes` report: delivered items, predicted against measured, and a summary per pool.

Formats: the table and Markdown show the items, then the summary; CSV has the item rows (the
summary with `summary_only`); JSON is `{"outcomes": [...], "summary": [...]}`. With
`summary_only`, every format shows only the summary (JSON: a list).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from prioritize.analysis.outcomes import (
    ACTUAL_EFFORT,
    AFTER,
    ALL_POOLS,
    BASELINE,
    BEFORE,
    DELIVERED,
    EFFORT_ERROR_PCT,
    ITEMS,
    KPI,
    KPI_MOVED_PCT,
    MEAN_KPI_MOVED_PCT,
    MEDIAN_EFFORT_ERROR_PCT,
    PREDICTED_RANK,
    PREDICTED_VALUE,
    TARGET,
)
from prioritize.render.choices import Format
from prioritize.render.formats import (
    plain,
    records,
    round_for_reading,
    to_csv,
    to_json,
    to_markdown,
)
from prioritize.render.table import number, render_to_text
from prioritize.scoring import EFFORT, ID, POOL, TITLE


def signed_pct(value: Any) -> str:
    """A percentage for reading, with its sign: +37.5%, -20%, empty where there is none."""
    value = plain(value)
    if value is None:
        return ""
    text = f"{value:+.1f}".removesuffix(".0")
    return f"{'0' if text in ('+0', '-0') else text}%"


def _pct_text(value: Any, *, bad_above_zero: bool) -> Text:
    value = plain(value)
    style = ""
    if value is not None and value != 0:
        style = "red" if (value > 0) == bad_above_zero else "green"
    return Text(signed_pct(value), style=style, justify="right")


def _pair(a: Any, b: Any) -> str:
    left, right = round_for_reading(a), round_for_reading(b)
    return f"{left or '?'} → {right or '?'}" if left or right else ""


def _predicted(value: Any, rank: Any) -> Text:
    if plain(value) is None:
        return Text("")
    return Text(f"{round_for_reading(value, 1)} (#{rank})", justify="right")


def outcomes_table(rows: pd.DataFrame) -> RenderableType:
    table = Table(
        title=f"Outcomes: {len(rows)} delivered item{'s' if len(rows) != 1 else ''}",
        header_style="bold",
    )
    table.add_column("ID", no_wrap=True)
    table.add_column("Title", ratio=3, overflow="fold")
    table.add_column("Pool", ratio=1, overflow="fold")
    table.add_column("Delivered", no_wrap=True)
    table.add_column("Predicted", justify="right")
    table.add_column("Effort", justify="right")
    table.add_column("Error", justify="right")
    table.add_column("KPI", ratio=1, overflow="fold")
    table.add_column("Before → after", justify="right")
    table.add_column("Baseline → target", justify="right")
    table.add_column("Moved", justify="right")
    for _, row in rows.iterrows():
        table.add_row(
            row[ID],
            row[TITLE],
            row[POOL],
            round_for_reading(row[DELIVERED]),
            _predicted(row[PREDICTED_VALUE], row[PREDICTED_RANK]),
            _pair(row[EFFORT], row[ACTUAL_EFFORT]),
            _pct_text(row[EFFORT_ERROR_PCT], bad_above_zero=True),
            plain(row[KPI]) or "",
            _pair(row[BEFORE], row[AFTER]),
            _pair(row[BASELINE], row[TARGET]),
            _pct_text(row[KPI_MOVED_PCT], bad_above_zero=False),
        )
    return table


def lesson(summary: pd.DataFrame) -> str:
    """What the overall row teaches, in one sentence."""
    overall = summary[summary[POOL] == ALL_POOLS].iloc[0]
    error, moved = (
        signed_pct(overall[MEDIAN_EFFORT_ERROR_PCT]),
        signed_pct(overall[MEAN_KPI_MOVED_PCT]),
    )
    return (
        f"Median effort error {error or 'unknown'} (above 0: work took longer than estimated); "
        f"KPIs moved {moved or 'an unknown share'} of the way to target on average."
    )


def summary_table(summary: pd.DataFrame) -> RenderableType:
    table = Table(title="Estimates and KPI movement per pool", header_style="bold")
    table.add_column("Pool")
    table.add_column("Items", justify="right")
    table.add_column("Median effort error", justify="right")
    table.add_column("Mean KPI moved", justify="right")
    for _, row in summary.iterrows():
        table.add_row(
            row[POOL],
            number(row[ITEMS]),
            _pct_text(row[MEDIAN_EFFORT_ERROR_PCT], bad_above_zero=True),
            _pct_text(row[MEAN_KPI_MOVED_PCT], bad_above_zero=False),
            style="bold" if row[POOL] == ALL_POOLS else None,
        )
    return table


@dataclass(frozen=True)
class OutcomesView:
    """What `outcomes` shows (see analysis.outcomes for the columns); `summary_only`: the summary alone."""

    rows: pd.DataFrame
    summary: pd.DataFrame
    caption: str
    color: bool
    summary_only: bool = False


def _csv(view: OutcomesView) -> str:
    return to_csv(view.summary if view.summary_only else view.rows)


def _json(view: OutcomesView) -> str:
    if view.summary_only:
        return to_json(view.summary)
    return to_json({"outcomes": records(view.rows), "summary": records(view.summary)})


def _markdown(view: OutcomesView) -> str:
    summary_md = to_markdown(view.summary)
    if view.summary_only:
        return summary_md
    return to_markdown(view.rows) + "\n" + summary_md + f"\n{view.caption}\n"


def _table(view: OutcomesView) -> str:
    summary = summary_table(view.summary)
    tables = [summary] if view.summary_only else [outcomes_table(view.rows), summary]
    renderables: list[RenderableType] = [*tables, Text(lesson(view.summary)), Text(view.caption)]
    return render_to_text(renderables, color=view.color)


OUTCOMES_RENDERERS: Mapping[Format, Callable[[OutcomesView], str]] = {
    Format.table: _table,
    Format.csv: _csv,
    Format.json: _json,
    Format.markdown: _markdown,
}


__all__ = ["OUTCOMES_RENDERERS", "OutcomesView", "signed_pct"]
