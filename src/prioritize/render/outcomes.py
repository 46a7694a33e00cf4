"""The `outcomes` report: delivered items, predicted against measured, and a summary per pool.

Formats: the table and Markdown show the items, then the summary; CSV has the item rows (the
summary with `summary_only`); JSON is `{"outcomes": [...], "summary": [...]}`. With
`summary_only`, every format shows only the summary (JSON: a list).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from rich.console import RenderableType
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
from prioritize.render.fit import Kind, fit_table
from prioritize.render.formats import (
    column_numbers,
    plain,
    records,
    round_for_reading,
    to_csv,
    to_json,
    to_markdown,
)
from prioritize.render.table import numbers, render_to_text
from prioritize.scoring import EFFORT, ID, POOL, TITLE


def signed_pct(value: Any) -> str:
    """A percentage for reading, with its sign: +37.5%, -20%, empty where there is none."""
    value = plain(value)
    if value is None:
        return ""
    text = f"{value:+.1f}".removesuffix(".0")
    return f"{'0' if text in ('+0', '-0') else text}%"


def signed_pcts(values: Iterable[Any]) -> list[str]:
    """signed_pct for a column: one decimal on every value unless all are whole to one decimal."""
    cells = [plain(v) for v in values]
    whole = all(round(float(v), 1).is_integer() for v in cells if v is not None)
    decimals = 0 if whole else 1
    out = []
    for value in cells:
        if value is None:
            out.append("")
            continue
        text = f"{value:+.{decimals}f}"
        out.append(f"{text.lstrip('+-') if float(text) == 0 else text}%")
    return out


def _pct_texts(values: Iterable[Any], *, bad_above_zero: bool) -> list[Text]:
    cells = [plain(v) for v in values]
    texts = []
    for value, text in zip(cells, signed_pcts(cells), strict=True):
        style = ""
        if value is not None and value != 0:
            style = "red" if (value > 0) == bad_above_zero else "green"
        texts.append(Text(text, style=style, justify="right", no_wrap=True))
    return texts


def _pairs(
    firsts: pd.Series, seconds: pd.Series, digits: int, *, same_decimals: bool
) -> list[Text]:
    """'a → b' per row, every number of the column (both sides) in one format; '?' where one is missing."""
    written = column_numbers([*firsts, *seconds], digits, same_decimals=same_decimals)
    lefts, rights = written[: len(firsts)], written[len(firsts) :]
    return [
        Text(
            f"{left or '?'} → {right or '?'}" if left or right else "",
            justify="right",
            no_wrap=True,
        )
        for left, right in zip(lefts, rights, strict=True)
    ]


def _predicted(values: pd.Series, ranks: pd.Series) -> list[Text]:
    return [
        Text("" if not value else f"{value} (#{rank})", justify="right", no_wrap=True)
        for value, rank in zip(column_numbers(values, 1), ranks, strict=True)
    ]


def outcomes_table(rows: pd.DataFrame) -> RenderableType:
    """One row per delivered item; narrow, the baseline → target, KPI, pool, delivery date,
    prediction, effort pair and KPI before → after are left out in that order."""
    table = fit_table(
        title=f"Outcomes: {len(rows)} delivered item{'s' if len(rows) != 1 else ''}",
        header_style="bold",
    )
    table.add_column("ID", Kind.LABEL)
    table.add_column("Title", min_width=16)
    table.add_column("Pool", Kind.LABEL, priority=5, max_width=16)
    table.add_column("Delivered", Kind.LABEL, priority=4)
    table.add_column("Predicted", Kind.NUMBER, priority=3)
    table.add_column("Effort", Kind.NUMBER, priority=2)
    table.add_column("Error", Kind.NUMBER)
    table.add_column("KPI", priority=6, min_width=12, overflow="ellipsis")
    table.add_column("Before → after", Kind.NUMBER, priority=1)
    table.add_column("Baseline → target", Kind.NUMBER, priority=7)
    table.add_column("Moved", Kind.NUMBER)
    columns = zip(
        _predicted(rows[PREDICTED_VALUE], rows[PREDICTED_RANK]),
        _pairs(rows[EFFORT], rows[ACTUAL_EFFORT], 2, same_decimals=True),
        _pct_texts(rows[EFFORT_ERROR_PCT], bad_above_zero=True),
        _pairs(rows[BEFORE], rows[AFTER], 2, same_decimals=False),
        _pairs(rows[BASELINE], rows[TARGET], 2, same_decimals=False),
        _pct_texts(rows[KPI_MOVED_PCT], bad_above_zero=False),
        strict=True,
    )
    for (_, row), (predicted, effort, error, before_after, baseline_target, moved) in zip(
        rows.iterrows(), columns, strict=True
    ):
        table.add_row(
            row[ID],
            row[TITLE],
            row[POOL],
            round_for_reading(row[DELIVERED]),
            predicted,
            effort,
            error,
            plain(row[KPI]) or "",
            before_after,
            baseline_target,
            moved,
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
    table = fit_table(title="Estimates and KPI movement per pool", header_style="bold")
    table.add_column("Pool", Kind.LABEL)
    table.add_column("Items", Kind.NUMBER)
    table.add_column("Median effort error", Kind.NUMBER)
    table.add_column("Mean KPI moved", Kind.NUMBER)
    columns = zip(
        numbers(summary[ITEMS], 0),
        _pct_texts(summary[MEDIAN_EFFORT_ERROR_PCT], bad_above_zero=True),
        _pct_texts(summary[MEAN_KPI_MOVED_PCT], bad_above_zero=False),
        strict=True,
    )
    for (_, row), (items, error, moved) in zip(summary.iterrows(), columns, strict=True):
        table.add_row(
            row[POOL], items, error, moved, style="bold" if row[POOL] == ALL_POOLS else None
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
