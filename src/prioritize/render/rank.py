"""The ranked backlog as a Rich table: rounded, the criteria that contribute most, colour by risk."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from prioritize.models import CriteriaSet
from prioritize.render.choices import Format
from prioritize.render.formats import to_csv, to_json, to_markdown
from prioritize.render.table import number, render_to_text, risk_text
from prioritize.scoring import (
    EFFORT,
    ID,
    POOL,
    RANK,
    RISK,
    SCORE,
    TITLE,
    VALUE,
    contribution_column,
)

TOP_CONTRIBUTIONS = 3


def criteria_caption(criteria: CriteriaSet, name: str) -> str:
    """Which criteria set ranked the backlog, and who agreed it when."""
    caption = f"Criteria: {criteria.name} ({name})"
    if criteria.agreed_by:
        caption += f", agreed by {', '.join(criteria.agreed_by)}"
        if criteria.agreed_on:
            caption += f" on {criteria.agreed_on.isoformat()}"
    else:
        caption += ", not yet agreed by anyone"
    return caption


def top_contributions(row: pd.Series, criteria: CriteriaSet, limit: int = TOP_CONTRIBUTIONS) -> str:
    """The criteria adding most to the item's value (weighted) or its formula inputs (formula)."""
    cells = [(c.id, row.get(contribution_column(c.id))) for c in criteria.criteria]
    pairs = [(cid, float(v)) for cid, v in cells if v is not None and pd.notna(v)]
    if criteria.method == "formula":
        return ", ".join(f"{cid} {v:g}" for cid, v in pairs)
    pairs.sort(key=lambda p: (-p[1], p[0]))
    return ", ".join(f"{cid} {v:.0f}" for cid, v in pairs[:limit] if v > 0)


def rank_table(
    frame: pd.DataFrame,
    criteria: CriteriaSet,
    name: str,
    unit: str,
    reasons: Mapping[str, str] | None = None,
) -> RenderableType:
    scored = int(frame[RANK].notna().sum())
    table = Table(
        title=f"Ranked backlog: {scored} item{'s' if scored != 1 else ''}",
        caption=f"{criteria_caption(criteria, name)}. Effort in {unit}.",
        caption_justify="left",
        show_lines=False,
        header_style="bold",
    )
    table.add_column("Rank", justify="right")
    table.add_column("ID", no_wrap=True)
    table.add_column("Title", ratio=3, overflow="fold", min_width=16)
    table.add_column("Pool", no_wrap=True, overflow="ellipsis", max_width=16)
    table.add_column("Risk")
    table.add_column("Effort", justify="right")
    table.add_column("Value", justify="right")
    table.add_column("Score", justify="right")
    table.add_column(
        "Value comes from" if criteria.method == "weighted" else "Formula inputs",
        ratio=2,
        overflow="fold",
    )
    for _, row in frame.iterrows():
        unscored = pd.isna(row[RANK])
        table.add_row(
            "" if unscored else str(row[RANK]),
            row[ID],
            row[TITLE],
            row[POOL],
            risk_text(row[RISK]),
            number(row[EFFORT], 1),
            number(row[VALUE], 1),
            number(row[SCORE], 2),
            Text(f"unscored: {(reasons or {}).get(row[ID], '')}", style="dim")
            if unscored
            else top_contributions(row, criteria),
        )
    return table


@dataclass(frozen=True)
class RankView:
    """What `rank` shows: the rows (see scoring.ranking_rows for the columns) and their criteria.

    `reasons` says per unscored item id why it is unscored, for the table.
    """

    frame: pd.DataFrame
    criteria: CriteriaSet
    name: str
    unit: str
    color: bool
    reasons: Mapping[str, str] = field(default_factory=dict)


def _csv(view: RankView) -> str:
    return to_csv(view.frame)


def _json(view: RankView) -> str:
    return to_json(view.frame)


def _markdown(view: RankView) -> str:
    return to_markdown(view.frame) + f"\n{criteria_caption(view.criteria, view.name)}\n"


def _table(view: RankView) -> str:
    table = rank_table(view.frame, view.criteria, view.name, view.unit, view.reasons)
    return render_to_text([table], color=view.color)


RANK_RENDERERS: Mapping[Format, Callable[[RankView], str]] = {
    Format.table: _table,
    Format.csv: _csv,
    Format.json: _json,
    Format.markdown: _markdown,
}
