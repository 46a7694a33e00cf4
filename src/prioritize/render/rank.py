"""The ranked backlog as a Rich table: rounded, the criteria that contribute most, colour by risk."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from rich.console import RenderableType
from rich.text import Text

from prioritize.confidence import WEAK
from prioritize.models import STRENGTHS, CriteriaSet
from prioritize.render.choices import Format, Rendered
from prioritize.render.fit import Kind, fit_table
from prioritize.render.formats import column_numbers, csv_pieces, plain, to_json, to_markdown
from prioritize.render.table import RISK_STYLES, render_pieces, risk_text
from prioritize.scoring import (
    DEPENDS_ON,
    EFFORT,
    EVIDENCE_STRENGTH,
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


def top_contributions(
    row: Mapping[str, Any] | Mapping[Hashable, Any] | pd.Series,
    criteria: CriteriaSet,
    limit: int = TOP_CONTRIBUTIONS,
) -> str:
    """The criteria adding most to the item's value (weighted) or its formula inputs (formula)."""
    cells = [(c.id, row.get(contribution_column(c.id))) for c in criteria.criteria]
    pairs = [(cid, float(v)) for cid, v in cells if v is not None and pd.notna(v)]
    return _top(pairs, criteria, limit)


def contributions_by_row(
    frame: pd.DataFrame, criteria: CriteriaSet, limit: int = TOP_CONTRIBUTIONS
) -> list[str]:
    """top_contributions of every row, in row order, read a column at a time."""
    missing = [math.nan] * len(frame)
    columns = [
        frame[column].to_numpy(dtype=float, na_value=math.nan).tolist()
        if (column := contribution_column(c.id)) in frame.columns
        else missing
        for c in criteria.criteria
    ]
    ids = [c.id for c in criteria.criteria]
    return (
        [
            _top([(cid, v) for cid, v in zip(ids, values, strict=True) if v == v], criteria, limit)
            for values in zip(*columns, strict=True)
        ]
        if columns
        else [""] * len(frame)
    )


def _top(pairs: list[tuple[str, float]], criteria: CriteriaSet, limit: int) -> str:
    """The text of the present (criterion, contribution) pairs."""
    if criteria.method == "formula":
        return ", ".join(f"{cid} {v:g}" for cid, v in pairs)
    pairs.sort(key=lambda p: (-p[1], p[0]))
    return ", ".join(f"{cid} {v:.0f}" for cid, v in pairs[:limit] if v > 0)


# The open items an item waits for, when the rows carry them (a list of ids per row).
AFTER = DEPENDS_ON


def _ids(value: object) -> str:
    value = plain(value)
    return ", ".join(str(v) for v in value) if isinstance(value, list) else ""


def rank_table(
    frame: pd.DataFrame,
    criteria: CriteriaSet,
    name: str,
    unit: str,
    reasons: Mapping[str, str] | None = None,
) -> RenderableType:
    """The ranked rows; at a narrow width the After, Pool, Value comes from, Evidence, Risk,
    Effort and Value columns are left out in that order, never Rank, ID, Title or Score."""
    scored = int(frame[RANK].notna().sum())
    table = fit_table(
        title=f"Ranked backlog: {scored} item{'s' if scored != 1 else ''}",
        caption=f"{criteria_caption(criteria, name)}. Effort in {unit}.",
        caption_justify="left",
        show_lines=False,
        header_style="bold",
    )
    after = AFTER in frame.columns
    evidence = EVIDENCE_STRENGTH in frame.columns
    table.add_column("Rank", Kind.NUMBER)
    table.add_column("ID", Kind.LABEL)
    table.add_column("Title", min_width=20)
    table.add_column("Pool", Kind.LABEL, priority=6, max_width=16)
    table.add_column("Risk", Kind.LABEL, priority=3)
    table.add_column("Effort", Kind.NUMBER, priority=2)
    table.add_column("Value", Kind.NUMBER, priority=1)
    table.add_column("Score", Kind.NUMBER)
    if evidence:
        table.add_column("Evidence", Kind.LABEL, priority=4)
    if after:
        table.add_column("After", priority=7, min_width=8)
    table.add_column(
        "Value comes from" if criteria.method == "weighted" else "Formula inputs",
        priority=5,
        min_width=16,
    )
    # Number cells as strings: their columns are right-aligned and never wrapped already.
    columns = zip(
        column_numbers(frame[RANK], 0),
        column_numbers(frame[EFFORT], 1),
        column_numbers(frame[VALUE], 1),
        column_numbers(frame[SCORE], 2),
        strict=True,
    )
    # Plain lists, read by position: a Series (or a dict) per row costs more than the layout.
    risks = {level: risk_text(level) for level in RISK_STYLES}  # cells are only read: shared
    rows = zip(
        frame[ID].tolist(),
        frame[TITLE].tolist(),
        frame[POOL].tolist(),
        frame[RISK].tolist(),
        frame[RANK].isna().tolist(),
        _values(frame, AFTER) if after else [None] * len(frame),
        _values(frame, EVIDENCE_STRENGTH),
        contributions_by_row(frame, criteria),
        strict=True,
    )
    strengths = {kind: strength_text(kind) for kind in STRENGTHS}  # shared, like the risks
    for (item, title, pool, risk, unscored, waits, kind, top), (rank, effort, value, score) in zip(
        rows, columns, strict=True
    ):
        cells: list[RenderableType] = [
            rank,
            item,
            title,
            pool,
            risks[risk] if isinstance(risk, str) and risk in risks else risk_text(risk),
            effort,
            value,
            score,
        ]
        if evidence:
            cells.append(strengths.get(kind) or strength_text(kind))
        if after:
            cells.append(_ids(waits))
        cells.append(
            Text(f"unscored: {(reasons or {}).get(item, '')}", style="dim") if unscored else top
        )
        table.add_row(*cells)
    return table


def strength_text(kind: Any) -> Text:
    """An item's evidence strength, in yellow where it is too weak to fund on (confidence.WEAK)."""
    kind = kind if isinstance(kind, str) else ""
    return Text(kind, style="yellow" if kind in WEAK else "")


def _values(frame: pd.DataFrame, column: str) -> list[Any]:
    """A column's cells in row order (None for every row when the frame lacks it)."""
    return frame[column].tolist() if column in frame.columns else [None] * len(frame)


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


def _csv(view: RankView) -> Iterator[str]:
    return csv_pieces(view.frame)  # a long table: written as it is made


def _json(view: RankView) -> str:
    return to_json(view.frame)


def _markdown(view: RankView) -> str:
    return to_markdown(view.frame) + f"\n{criteria_caption(view.criteria, view.name)}\n"


def _table(view: RankView) -> Rendered:
    table = rank_table(view.frame, view.criteria, view.name, view.unit, view.reasons)
    return render_pieces([table], color=view.color)


RANK_RENDERERS: Mapping[Format, Callable[[RankView], Rendered]] = {
    Format.table: _table,
    Format.csv: _csv,
    Format.json: _json,
    Format.markdown: _markdown,
}
