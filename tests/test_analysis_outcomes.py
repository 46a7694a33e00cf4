"""prioritize.analysis.outcomes: predictions "at the time", estimate errors, KPI movement, check rules."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd
import pytest

from prioritize.analysis.outcomes import (
    ALL_POOLS,
    BASELINE,
    DELIVERED,
    EFFORT_ERROR_PCT,
    ITEMS,
    KPI_MOVED_PCT,
    MEAN_KPI_MOVED_PCT,
    MEDIAN_EFFORT_ERROR_PCT,
    OUTCOME_COLUMNS,
    PREDICTED_RANK,
    PREDICTED_VALUE,
    SUMMARY_COLUMNS,
    TARGET,
    as_still_open,
    outcome_problems,
    outcome_rows,
    outcome_summary,
)
from prioritize.errors import Problem, Ref
from prioritize.formula import CompiledCriteria
from prioritize.models import CriteriaSet, Item, ValuePool
from prioritize.scoring import (
    EFFORT,
    ID,
    POOL,
    RANK,
    STATUS,
    TITLE,
    VALUE,
    raw_column,
    score,
)  # fmt: skip

# One criterion x on [0, 10], weight 1, not per effort: value = score = 100 * x / 10 = 10 * x.
CRITERIA = CriteriaSet.model_validate(
    {"name": "t", "criteria": [{"id": "x", "data": "judgement", "scale": {"range": [0, 10]}}]}
)


def items_frame(rows: list[tuple[str, str, Any]]) -> pd.DataFrame:
    """(id, status, x) -> the frame scoring reads."""
    return pd.DataFrame(
        {
            ID: [r[0] for r in rows],
            TITLE: [r[0] for r in rows],
            POOL: ["p"] * len(rows),
            STATUS: [r[1] for r in rows],
            "risk": [None] * len(rows),
            "facing": [None] * len(rows),
            EFFORT: pd.Series([1.0] * len(rows), dtype=float),
            raw_column("x"): pd.Series([r[2] for r in rows], dtype=object),
        }
    )


def item(iid: str, pool: str = "p", status: str = "done", **fields: Any) -> Item:
    return Item.model_validate(
        {"id": iid, "title": f"Item {iid}", "pool": pool, "status": status, **fields}
    )


def pool(pid: str, *kpis: tuple[str, float | None, float | None]) -> ValuePool:
    return ValuePool.model_validate(
        {
            "id": pid,
            "name": pid,
            "kpis": [{"id": k, "name": k, "baseline": b, "target": t} for k, b, t in kpis],
        }
    )


def prediction(*rows: tuple[str, float, int]) -> pd.DataFrame:
    """(id, value, rank) as `predicted(...).frame` would hold them."""
    return pd.DataFrame(
        {
            ID: [r[0] for r in rows],
            VALUE: [float(r[1]) for r in rows],
            RANK: pd.array([r[2] for r in rows], dtype="Int64"),
        }
    )


# --- predicted -----------------------------------------------------------------------------------


def test_done_items_are_scored_and_ranked_among_the_open_ones() -> None:
    frame = items_frame(
        [
            ("O1", "proposed", 5),
            ("D1", "done", 8),
            ("D2", "done", 3),
            ("X", "dropped", 10),
            ("O2", "ready", 3),
        ]
    )
    result = score(as_still_open(frame), CompiledCriteria(CRITERIA)).frame
    ranked = {row[ID]: (row[VALUE], row[RANK]) for _, row in result.iterrows()}
    # values 10 * x: D1 80, O1 50, D2 30, O2 30 (D2 before O2 by id); the dropped X takes no part
    assert ranked == {"D1": (80.0, 1), "O1": (50.0, 2), "D2": (30.0, 3), "O2": (30.0, 4)}


def test_a_done_item_missing_a_required_value_has_no_prediction() -> None:
    result = score(
        as_still_open(items_frame([("D1", "done", None), ("O1", "proposed", 5)])),
        CompiledCriteria(CRITERIA),
    )
    row = result.frame.set_index(ID).loc["D1"]
    assert pd.isna(row[RANK])
    assert "no x" in row["unscored"]


# --- outcome_rows --------------------------------------------------------------------------------


def test_estimate_error_and_kpi_movement() -> None:
    pools = [pool("p", ("denials", 18, 8), ("share", 40, 80))]
    items = [
        item(
            "D1",
            effort=8,
            outcome={
                "delivered": "2026-09-30",
                "actual_effort": 11,
                "kpi": "denials",
                "before": 18,
                "after": 15,
            },
        ),
        item(
            "D2",
            effort=4,
            outcome={
                "delivered": "2026-08-01",
                "actual_effort": 3,
                "kpi": "share",
                "before": 50,
                "after": 60,
            },
        ),
    ]
    rows = outcome_rows(pools, items, prediction(("D1", 61.5, 4), ("D2", 20.0, 9)))
    assert list(rows.columns) == OUTCOME_COLUMNS
    # delivered 2026-08-01 before 2026-09-30
    assert rows[ID].tolist() == ["D2", "D1"]
    d2, d1 = rows.iloc[0], rows.iloc[1]
    # D1: 100 * (11 - 8) / 8 = 37.5; KPI going down: 100 * (15 - 18) / (8 - 18) = 100 * -3 / -10 = 30
    assert d1[EFFORT_ERROR_PCT] == pytest.approx(37.5)
    assert d1[KPI_MOVED_PCT] == pytest.approx(30.0)
    assert (d1[BASELINE], d1[TARGET]) == (18.0, 8.0)
    assert (d1[PREDICTED_VALUE], d1[PREDICTED_RANK]) == (61.5, 4)
    # D2: 100 * (3 - 4) / 4 = -25; 100 * (60 - 50) / (80 - 40) = 25
    assert d2[EFFORT_ERROR_PCT] == pytest.approx(-25.0)
    assert d2[KPI_MOVED_PCT] == pytest.approx(25.0)
    assert d2[DELIVERED] == date(2026, 8, 1)


def test_missing_values_leave_the_figures_empty() -> None:
    pools = [pool("p", ("flat", 5, 5), ("open", 1, None))]
    items = [
        item("A", effort=2, outcome={"kpi": "flat", "before": 5, "after": 6}),  # target == baseline
        item(
            "B", outcome={"actual_effort": 3, "kpi": "nope", "before": 1, "after": 2}
        ),  # no effort, unknown KPI
        item(
            "C", effort=1, outcome={"kpi": "open", "before": 1, "after": 2}
        ),  # KPI without a target
    ]
    rows = outcome_rows(pools, items, prediction()).set_index(ID)
    assert rows[KPI_MOVED_PCT].isna().all()
    assert rows[EFFORT_ERROR_PCT].isna().all()
    assert math.isnan(rows.loc["B", BASELINE])
    assert rows[PREDICTED_VALUE].isna().all()
    assert rows[PREDICTED_RANK].isna().all()


def test_only_done_items_with_an_outcome_and_undated_ones_last() -> None:
    items = [
        item("Z", outcome={"delivered": "2026-01-01"}),
        item("B"),  # done, no outcome
        item("C", status="in-progress", outcome={"delivered": "2026-01-01"}),  # not done
        item("Y", outcome={"actual_effort": 1}),  # no date
        item("A", outcome={"delivered": "2026-01-01"}),
        item("X", outcome={"delivered": "2025-12-31"}),
    ]
    rows = outcome_rows([pool("p")], items, prediction())
    # 2025-12-31 first; A and Z share a date (by id); Y has none
    assert rows[ID].tolist() == ["X", "A", "Z", "Y"]


# --- outcome_summary -----------------------------------------------------------------------------


def test_summary_per_pool_then_overall() -> None:
    rows = pd.DataFrame(
        {
            POOL: ["q", "p", "p", "p", "q"],
            EFFORT_ERROR_PCT: [50.0, 37.5, -25.0, 10.0, None],
            KPI_MOVED_PCT: [None, 30.0, 25.0, None, None],
        }
    )
    summary = outcome_summary(rows)
    assert list(summary.columns) == SUMMARY_COLUMNS
    assert summary[POOL].tolist() == ["p", "q", ALL_POOLS]
    assert summary[ITEMS].tolist() == [3, 2, 5]
    # p: median of -25, 10, 37.5 = 10; mean of 30, 25 = 27.5
    # q: median of 50 = 50 (the empty one is skipped); no KPI movement
    # all: median of -25, 10, 37.5, 50 = (10 + 37.5) / 2 = 23.75; mean of 30, 25 = 27.5
    assert summary[MEDIAN_EFFORT_ERROR_PCT].tolist() == pytest.approx([10.0, 50.0, 23.75])
    moved = summary[MEAN_KPI_MOVED_PCT].tolist()
    assert (moved[0], math.isnan(moved[1]), moved[2]) == (
        pytest.approx(27.5),
        True,
        pytest.approx(27.5),
    )


def test_summary_of_no_outcomes_is_one_empty_overall_row() -> None:
    summary = outcome_summary(outcome_rows([pool("p")], [], prediction()))
    assert summary[POOL].tolist() == [ALL_POOLS]
    assert summary[ITEMS].tolist() == [0]
    assert summary[MEDIAN_EFFORT_ERROR_PCT].isna().all()


# --- outcome_problems ----------------------------------------------------------------------------


def test_done_without_outcome_and_unknown_kpi() -> None:
    pools = [pool("p", ("online-share", 1, 2), ("calls", 1, 2)), pool("empty")]
    items = [
        item("A"),  # done, no outcome
        item("B", outcome={"kpi": "online-shar"}),  # misspelt
        item("C", outcome={"kpi": "calls"}),  # fine
        item("D", status="proposed"),  # open: no outcome needed
        item("E", pool="empty", outcome={"kpi": "calls"}),  # the pool has no KPIs
        item("F", outcome={}),  # no KPI named: nothing to check
        item("G", pool="missing", outcome={"kpi": "calls"}),  # unknown pool: unknown-pool covers it
    ]
    problems = outcome_problems(pools, items)
    assert all(isinstance(p, Problem) and p.severity == "warning" for p in problems)
    assert [(p.code, p.ref) for p in problems] == [
        ("done-without-outcome", Ref("item", "A")),
        ("unknown-kpi", Ref("item", "B", ("outcome", "kpi"))),
        ("unknown-kpi", Ref("item", "E", ("outcome", "kpi"))),
    ]
    assert 'did you mean "online-share"?' in problems[1].message
    assert '"p"' in problems[1].message
    assert "its KPIs: none" in problems[2].message


def test_no_problems_in_a_tidy_backlog() -> None:
    items = [item("A", outcome={"kpi": "k"}), item("B", status="ready")]
    assert outcome_problems([pool("p", ("k", 0, 1))], items) == []
