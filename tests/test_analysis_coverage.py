"""prioritize.analysis.coverage: who the top N serves, worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from prioritize.analysis.coverage import (
    COVERAGE_COLUMNS,
    FLAG,
    ITEMS,
    ITEMS_IN_TOP,
    LEFT_OUT,
    PERSONA,
    SUGGESTION,
    SUGGESTION_RANK,
    VALUE_IN_TOP_PCT,
    coverage_rows,
    persona_rows,
)
from prioritize.models import Item
from prioritize.scoring import ID, RANK, VALUE


def item(iid: str, *personas: str, status: str = "proposed") -> Item:
    return Item.model_validate(
        {"id": iid, "title": iid, "pool": "p", "status": status, "personas": list(personas)}
    )


def scored(*rows: tuple[str, int | None, float | None]) -> pd.DataFrame:
    """(id, rank, value) as the scoring frame holds them; rank None for unscored items."""
    return pd.DataFrame(
        {
            ID: [r[0] for r in rows],
            RANK: pd.array([r[1] for r in rows], dtype="Int64"),
            VALUE: pd.Series([r[2] for r in rows], dtype=float),
        }
    )


ITEMS_ = [
    item("A", "p1", "p2"),
    item("B", "p2"),
    item("C", "p1", "p3"),
    item("D", "p3"),
    item("E", "p4"),  # unscored
    item("F", "p5", status="done"),  # not in the scoring frame: p5 is not a persona of the backlog
    item("G"),  # no personas
]
FRAME = scored(
    ("A", 1, 40.0), ("B", 2, 30.0), ("C", 3, 20.0), ("D", 4, 10.0), ("G", 5, 5.0), ("E", None, None)
)


def by_persona(frame: pd.DataFrame) -> dict[str, pd.Series]:
    return {row[PERSONA]: row for _, row in frame.iterrows()}


def test_persona_rows_one_per_item_and_persona() -> None:
    frame = persona_rows([item("A", "x", "y", "x"), item("B")])
    assert list(zip(frame[ID], frame[PERSONA], strict=True)) == [("A", "x"), ("A", "y")]


def test_coverage_of_the_top_two() -> None:
    result = coverage_rows(FRAME, persona_rows(ITEMS_), top=2)
    assert list(result.columns) == COVERAGE_COLUMNS
    # fewest items in the top first, ties by persona: p3 0, p4 0, p1 1, p2 2
    assert result[PERSONA].tolist() == ["p3", "p4", "p1", "p2"]
    rows = by_persona(result)
    # p1: A (rank 1, 40) and C (rank 3, 20); A in the top 2: 100 * 40 / 60 = 66.67%
    assert (rows["p1"][ITEMS], rows["p1"][ITEMS_IN_TOP]) == (2, 1)
    assert rows["p1"][VALUE_IN_TOP_PCT] == pytest.approx(100 * 40 / 60)
    assert (
        pd.isna(rows["p1"][FLAG])
        and pd.isna(rows["p1"][SUGGESTION])
        and pd.isna(rows["p1"][SUGGESTION_RANK])
    )
    # p2: A and B, both in the top: 100%
    assert (rows["p2"][ITEMS], rows["p2"][ITEMS_IN_TOP], rows["p2"][VALUE_IN_TOP_PCT]) == (
        2,
        2,
        100.0,
    )
    # p3: C (rank 3) and D (rank 4): none in the top; best for it is C at rank 3; 0 / 30 = 0%
    assert (rows["p3"][ITEMS], rows["p3"][ITEMS_IN_TOP], rows["p3"][VALUE_IN_TOP_PCT]) == (
        2,
        0,
        0.0,
    )
    assert (rows["p3"][FLAG], rows["p3"][SUGGESTION], rows["p3"][SUGGESTION_RANK]) == (
        LEFT_OUT,
        "C",
        3,
    )
    # p4: only E, which is unscored: no scored items, left out, nothing to suggest
    assert (rows["p4"][ITEMS], rows["p4"][ITEMS_IN_TOP], rows["p4"][FLAG]) == (0, 0, LEFT_OUT)
    assert math.isnan(rows["p4"][VALUE_IN_TOP_PCT])
    assert pd.isna(rows["p4"][SUGGESTION]) and pd.isna(rows["p4"][SUGGESTION_RANK])


def test_a_top_beyond_the_backlog_takes_every_scored_item() -> None:
    rows = by_persona(coverage_rows(FRAME, persona_rows(ITEMS_), top=100))
    assert {p: int(r[ITEMS_IN_TOP]) for p, r in rows.items()} == {
        "p1": 2,
        "p2": 2,
        "p3": 2,
        "p4": 0,
    }
    assert rows["p3"][VALUE_IN_TOP_PCT] == 100.0


def test_the_top_one() -> None:
    result = coverage_rows(FRAME, persona_rows(ITEMS_), top=1)
    rows = by_persona(result)
    # only A (p1, p2) is in: p2's B is rank 2, so p2 keeps 40 of 70 = 57.14%
    assert rows["p2"][VALUE_IN_TOP_PCT] == pytest.approx(100 * 40 / 70)
    assert (rows["p3"][SUGGESTION], rows["p3"][SUGGESTION_RANK]) == ("C", 3)
    assert result[PERSONA].tolist() == ["p3", "p4", "p1", "p2"]


def test_no_personas() -> None:
    result = coverage_rows(FRAME, persona_rows([item("A")]), top=3)
    assert result.empty
    assert list(result.columns) == COVERAGE_COLUMNS
