"""The `pools` report: value pools with their open items and value, and a progress bar per KPI.

Formats: the table and Markdown show the pools, then their KPIs; CSV has one row per pool (its
KPIs summed up as `kpis` and `kpi_progress_mean`); JSON is a list of pools, each with its `kpis`.
With `by_kpi`, every format shows one row per KPI instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from rich.console import RenderableType
from rich.text import Text

from prioritize.analysis.pools import (
    BASELINE,
    BENEFICIARY,
    CURRENT,
    FLAGS,
    ITEMS,
    KIND,
    KPI_PROGRESS_MEAN,
    KPIS,
    NAME,
    PROGRESS,
    SCORED,
    TARGET,
    TOP_ITEM,
    TOP_RANK,
    TOTAL_VALUE,
    UNIT,
)
from prioritize.render.choices import Format
from prioritize.render.fit import Kind, fit_table
from prioritize.render.formats import plain, records, to_csv, to_json, to_markdown
from prioritize.render.table import numbers, render_to_text
from prioritize.scoring import EFFORT, ID, POOL

BAR_WIDTH = 20
_EIGHTHS = " ▏▎▍▌▋▊▉"
FLAG_STYLE = "bold yellow"


def percent(value: Any) -> str:
    """A share (1.0 = all the way) as a whole percentage for reading; empty where there is none."""
    value = plain(value)
    return "" if value is None else f"{100 * value:.0f}%"


def progress_bar(share: Any, width: int = BAR_WIDTH) -> Text:
    """A bar filled to `share` of `width` (clipped to 0-1) in eighths of a cell; red below 0."""
    value = plain(share)
    if value is None or not math.isfinite(value):
        return Text("·" * width, style="dim")
    eighths = round(min(max(value, 0.0), 1.0) * width * 8)
    full, part = divmod(eighths, 8)
    filled = "█" * full + (_EIGHTHS[part] if part else "")
    bar = Text(filled, style="green" if value >= 0 else "red")
    bar.append("░" * (width - len(filled)), style="dim")
    return bar


def _top(row: pd.Series) -> str:
    return "" if plain(row[TOP_ITEM]) is None else f"{row[TOP_ITEM]} (#{row[TOP_RANK]})"


def pools_table(pools: pd.DataFrame, unit: str, caption: str) -> RenderableType:
    """One row per pool; narrow, the KPI count, kind, beneficiary, scored count, name, items,
    effort and top item are left out in that order, never the pool, its value, KPI progress or
    flags."""
    table = fit_table(
        title=f"Value pools: {len(pools)}",
        caption=caption,
        caption_justify="left",
        header_style="bold",
    )
    table.add_column("Pool", Kind.LABEL)
    table.add_column("Name", priority=4, min_width=16)
    table.add_column("Beneficiary", priority=6, min_width=10)
    table.add_column("Kind", Kind.LABEL, priority=7)
    table.add_column("Items", Kind.NUMBER, priority=3)
    table.add_column("Scored", Kind.NUMBER, priority=5)
    table.add_column("Total value", Kind.NUMBER)
    table.add_column(f"Effort ({unit})", Kind.NUMBER, priority=2)
    table.add_column("Top item", Kind.LABEL, priority=1)
    table.add_column("KPIs", Kind.NUMBER, priority=8)
    table.add_column("KPI progress (mean)", Kind.NUMBER)
    table.add_column("Flags", min_width=12)
    columns = zip(
        numbers(pools[ITEMS], 0),
        numbers(pools[SCORED], 0),
        numbers(pools[TOTAL_VALUE], 1),
        numbers(pools[EFFORT], 1),
        numbers(pools[KPIS], 0),
        strict=True,
    )
    for (_, row), (items, scored, total, effort, kpis) in zip(
        pools.iterrows(), columns, strict=True
    ):
        flags = ", ".join(row[FLAGS])
        table.add_row(
            row[ID],
            row[NAME],
            plain(row[BENEFICIARY]) or "",
            plain(row[KIND]) or "",
            items,
            scored,
            total,
            effort,
            _top(row),
            kpis,
            Text(percent(row[KPI_PROGRESS_MEAN]), justify="right"),
            Text(flags, style=FLAG_STYLE),
            style="yellow" if flags else None,
        )
    return table


def kpis_table(kpis: pd.DataFrame) -> RenderableType:
    """One row per KPI; narrow, the unit, progress bar and name are left out in that order.

    Each row is its own KPI in its own unit: a column shares thousands separators, not decimals.
    """
    table = fit_table(title="KPIs: the way from baseline to target travelled", header_style="bold")
    table.add_column("Pool", Kind.LABEL)
    table.add_column("KPI", min_width=12, overflow="ellipsis")
    table.add_column("Name", priority=1, min_width=16)
    table.add_column("Unit", Kind.LABEL, priority=3)
    table.add_column("Baseline", Kind.NUMBER)
    table.add_column("Current", Kind.NUMBER)
    table.add_column("Target", Kind.NUMBER)
    table.add_column("Progress", Kind.LABEL, priority=2)
    table.add_column("%", Kind.NUMBER)
    columns = zip(
        *(numbers(kpis[c], 2, same_decimals=False) for c in (BASELINE, CURRENT, TARGET)),
        strict=True,
    )
    for (_, row), (baseline, current, target) in zip(kpis.iterrows(), columns, strict=True):
        table.add_row(
            row[POOL],
            row[ID],
            row[NAME],
            plain(row[UNIT]) or "",
            baseline,
            current,
            target,
            progress_bar(row[PROGRESS]),
            Text(percent(row[PROGRESS]), justify="right"),
        )
    return table


def pools_json(pools: pd.DataFrame, kpis: pd.DataFrame) -> list[dict[str, Any]]:
    """Each pool's row (its KPI list in place of the count) with `kpis`: its KPI rows."""
    by_pool: dict[str, list[dict[str, Any]]] = {}
    for record in records(kpis):
        by_pool.setdefault(record.pop(POOL), []).append(record)
    out = []
    for record in records(pools):
        record[KPIS] = by_pool.get(record[ID], [])
        out.append(record)
    return out


@dataclass(frozen=True)
class PoolsView:
    """What `pools` shows (see analysis.pools for the columns); `by_kpi`: one row per KPI only."""

    pools: pd.DataFrame
    kpis: pd.DataFrame
    unit: str
    caption: str
    color: bool
    by_kpi: bool = False


def _csv(view: PoolsView) -> str:
    return to_csv(view.kpis if view.by_kpi else view.pools)


def _json(view: PoolsView) -> str:
    return to_json(view.kpis if view.by_kpi else pools_json(view.pools, view.kpis))


def _markdown(view: PoolsView) -> str:
    kpi_md = to_markdown(view.kpis, formatters={PROGRESS: percent})
    if view.by_kpi:
        return kpi_md
    return (
        to_markdown(view.pools, formatters={KPI_PROGRESS_MEAN: percent})
        + "\n"
        + kpi_md
        + f"\n{view.caption}\n"
    )


def _table(view: PoolsView) -> str:
    kpis = kpis_table(view.kpis)
    renderables = (
        [kpis] if view.by_kpi else [pools_table(view.pools, view.unit, view.caption), kpis]
    )
    return render_to_text(renderables, color=view.color)


POOLS_RENDERERS: Mapping[Format, Callable[[PoolsView], str]] = {
    Format.table: _table,
    Format.csv: _csv,
    Format.json: _json,
    Format.markdown: _markdown,
}


__all__ = ["POOLS_RENDERERS", "PoolsView", "percent", "progress_bar"]
