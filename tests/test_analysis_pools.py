"""prioritize.analysis.pools: KPI progress and the per-pool figures, worked out by hand."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from prioritize.analysis.pools import (
    FLAGS,
    ITEMS,
    KPI_COLUMNS,
    KPI_PROGRESS_MEAN,
    KPIS,
    NO_KPIS,
    NO_OPEN_ITEMS,
    NO_SCORED_ITEMS,
    POOL_COLUMNS,
    PROGRESS,
    SCORED,
    TOP_ITEM,
    TOP_RANK,
    TOTAL_VALUE,
    kpi_progress,
    kpi_rows,
    pool_rows,
)
from prioritize.models import ValuePool
from prioritize.scoring import EFFORT, ID, POOL, RANK, VALUE


def pool(pid: str, *kpis: dict[str, Any], **fields: Any) -> ValuePool:
    return ValuePool.model_validate(
        {"id": pid, "name": f"Pool {pid}", "kpis": list(kpis), **fields}
    )


def kpi(
    kid: str, baseline: float | None, current: float | None, target: float | None
) -> dict[str, Any]:
    return {
        "id": kid,
        "name": kid.title(),
        "baseline": baseline,
        "current": current,
        "target": target,
    }


def scored(rows: list[tuple[str, str, int | None, float | None, float | None]]) -> pd.DataFrame:
    """A scoring frame: (id, pool, rank, value, effort); rank None for unscored items."""
    return pd.DataFrame(
        {
            ID: [r[0] for r in rows],
            POOL: [r[1] for r in rows],
            RANK: pd.array([r[2] for r in rows], dtype="Int64"),
            VALUE: pd.Series([r[3] for r in rows], dtype=float),
            EFFORT: pd.Series([r[4] for r in rows], dtype=float),
        }
    )


# --- kpi_progress ------------------------------------------------------------------------------


def test_progress_for_a_kpi_that_goes_up() -> None:
    # (50 - 40) / (80 - 40) = 10 / 40 = 0.25
    assert kpi_progress(40, 50, 80)[0] == pytest.approx(0.25)


def test_progress_for_a_kpi_that_goes_down() -> None:
    # (17 - 20) / (8 - 20) = -3 / -12 = 0.25: a quarter of the way down to 8
    assert kpi_progress(20, 17, 8)[0] == pytest.approx(0.25)


def test_progress_is_not_clipped() -> None:
    # moved away: (22 - 20) / (8 - 20) = 2 / -12 = -1/6; past target: (25 - 10) / (20 - 10) = 1.5
    assert list(kpi_progress([20, 10], [22, 25], [8, 20])) == pytest.approx([-1 / 6, 1.5])


def test_progress_is_empty_where_target_equals_baseline_or_a_value_is_missing() -> None:
    result = kpi_progress([5, None, 1, 1], [6, 2, None, 2], [5, 3, 2, None])
    assert all(math.isnan(v) for v in result)


# --- kpi_rows ----------------------------------------------------------------------------------


def test_kpi_rows_in_pool_and_kpi_order_with_progress() -> None:
    pools = [
        pool(
            "b",
            kpi("up", 40, 50, 80),
            {**kpi("down", 20, 17, 8), "unit": "%", "data": "functional"},
        ),
        pool("a"),
        pool("c", kpi("flat", 3, 3, 3)),
    ]
    frame = kpi_rows(pools)
    assert list(frame.columns) == KPI_COLUMNS
    assert list(zip(frame[POOL], frame[ID], strict=True)) == [
        ("b", "up"),
        ("b", "down"),
        ("c", "flat"),
    ]
    assert frame.loc[1, "unit"] == "%"
    assert frame.loc[1, "data"] == "functional"
    # 10/40 = 0.25; -3/-12 = 0.25; target == baseline: empty
    assert frame[PROGRESS].iloc[:2].tolist() == pytest.approx([0.25, 0.25])
    assert math.isnan(frame[PROGRESS].iloc[2])


def test_kpi_rows_of_pools_without_kpis_is_an_empty_frame() -> None:
    frame = kpi_rows([pool("a")])
    assert list(frame.columns) == KPI_COLUMNS
    assert frame.empty


# --- pool_rows ---------------------------------------------------------------------------------


def by_id(frame: pd.DataFrame) -> dict[str, pd.Series]:
    return {row[ID]: row for _, row in frame.iterrows()}


def test_pool_figures_over_open_items() -> None:
    pools = [
        pool("alpha", kpi("up", 40, 50, 80), kpi("down", 20, 17, 8)),
        pool("beta", kpi("k", 0, 1, 4)),
        pool("gamma"),
        pool("delta", kpi("flat", 1, 1, 1)),
    ]
    frame = scored(
        [
            ("B1", "beta", 1, 70.0, 1.0),
            ("A1", "alpha", 2, 30.0, 3.0),
            ("A3", "alpha", 4, 20.0, None),  # no effort: left out of the effort sum
            ("A2", "alpha", None, None, 5.0),  # unscored: counted in items, not in scored or value
            ("G1", "gamma", None, None, None),
        ]
    )
    rows = by_id(pool_rows(pools, frame))
    alpha = rows["alpha"]
    # items A1, A2, A3 = 3; scored A1, A3 = 2; value 30 + 20 = 50; effort 3 + 5 = 8 (A3 has none)
    assert (alpha[ITEMS], alpha[SCORED], alpha[TOTAL_VALUE], alpha[EFFORT]) == (3, 2, 50.0, 8.0)
    assert (alpha[TOP_ITEM], alpha[TOP_RANK]) == ("A1", 2)
    # KPIs: 0.25 and 0.25 -> mean 0.25
    assert (alpha[KPIS], alpha[KPI_PROGRESS_MEAN]) == (2, pytest.approx(0.25))
    assert alpha[FLAGS] == []
    # beta: one item worth 70, effort 1; its KPI (1 - 0) / (4 - 0) = 0.25
    beta = rows["beta"]
    assert (beta[ITEMS], beta[SCORED], beta[TOTAL_VALUE], beta[EFFORT], beta[TOP_ITEM]) == (
        1,
        1,
        70.0,
        1.0,
        "B1",
    )
    assert beta[KPI_PROGRESS_MEAN] == pytest.approx(0.25)
    # gamma: one open item, none scored, no KPIs
    gamma = rows["gamma"]
    assert (gamma[ITEMS], gamma[SCORED], gamma[TOTAL_VALUE], gamma[EFFORT]) == (1, 0, 0.0, 0.0)
    assert gamma[TOP_ITEM] is None or pd.isna(gamma[TOP_ITEM])
    assert pd.isna(gamma[TOP_RANK])
    assert gamma[FLAGS] == [NO_SCORED_ITEMS, NO_KPIS]
    assert math.isnan(gamma[KPI_PROGRESS_MEAN])
    # delta: nothing open; its only KPI has target == baseline, so no mean progress
    delta = rows["delta"]
    assert (delta[ITEMS], delta[SCORED], delta[TOTAL_VALUE], delta[EFFORT]) == (0, 0, 0.0, 0.0)
    assert delta[FLAGS] == [NO_OPEN_ITEMS]
    assert (delta[KPIS], math.isnan(delta[KPI_PROGRESS_MEAN])) == (1, True)


def test_pools_are_ordered_by_total_value_then_id() -> None:
    pools = [pool("d"), pool("c"), pool("b"), pool("a")]
    frame = scored([("X", "c", 1, 10.0, 1.0), ("Y", "b", 2, 10.0, 1.0), ("Z", "d", 3, 25.0, 1.0)])
    result = pool_rows(pools, frame)
    # d 25; b and c 10 each (b before c by id); a 0
    assert result[ID].tolist() == ["d", "b", "c", "a"]
    assert list(result.columns) == POOL_COLUMNS


def test_top_item_is_the_best_ranked_of_the_pool() -> None:
    frame = scored([("P9", "p", 7, 5.0, 1.0), ("P1", "p", 3, 1.0, 1.0), ("Q1", "q", 1, 9.0, 1.0)])
    rows = by_id(pool_rows([pool("p"), pool("q")], frame))
    # P1 has the lower value but the better rank (3 < 7): rank decides
    assert (rows["p"][TOP_ITEM], rows["p"][TOP_RANK]) == ("P1", 3)


def test_empty_backlog() -> None:
    result = pool_rows([pool("a", kpi("k", 0, 10, 1))], scored([]))
    assert result[ITEMS].tolist() == [0]
    assert result[FLAGS].tolist() == [[NO_OPEN_ITEMS]]
