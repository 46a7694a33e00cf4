"""Forecast, pure: the Monte Carlo engine against ttv, hand-worked figures and an independent simulation."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritize import forecasting
from prioritize.analysis.forecast import (
    LEVEL_WEEK,
    P50_WEEK,
    P95_WEEK,
    P_ON_TIME,
    CapacityChange,
    Options,
    fiscal_year_end,
    forecast,
)
from prioritize.models import Item, Outcome
from prioritize.scheduling import (
    DEPENDS_ON,
    DUE,
    FINISH_DATE,
    FINISH_WEEK,
    LATE,
    LISTED,
    MANDATE,
    Candidates,
    Resources,
    dispatch_order,
    ordered,
    schedule,
)
from prioritize.scoring import EFFORT, FACING, ID, POOL, RANK, RISK, STATUS, TITLE, VALUE

MONDAY = date(2027, 1, 4)


def backlog(*rows: dict[str, Any]) -> pd.DataFrame:
    """A candidates frame: rows in file order; rank defaults to file position + 1."""
    return pd.DataFrame(
        {
            ID: [r["id"] for r in rows],
            TITLE: [r.get("title", r["id"]) for r in rows],
            POOL: [r.get("pool", "p") for r in rows],
            STATUS: [r.get("status", "proposed") for r in rows],
            RISK: [r.get("risk") for r in rows],
            FACING: [r.get("facing") for r in rows],
            EFFORT: [float(r["effort"]) for r in rows],
            VALUE: [float(r.get("value", 1)) for r in rows],
            RANK: pd.array([r.get("rank", k + 1) for k, r in enumerate(rows)], dtype="Int64"),
            LISTED: list(range(len(rows))),
            DEPENDS_ON: [tuple(r.get("deps", ())) for r in rows],
            DUE: [r.get("due") for r in rows],
            MANDATE: [r.get("mandate") for r in rows],
        }
    )


def items_for(
    frame: pd.DataFrame, ranges: dict[str, tuple[float, float]] | None = None
) -> list[Item]:
    ranges = ranges or {}
    return [
        Item(
            id=row[ID],
            title=row[TITLE],
            pool="p",
            effort=row[EFFORT],
            effort_range=ranges.get(row[ID]),
        )
        for _, row in frame.iterrows()
    ]


def zero_width(frame: pd.DataFrame) -> dict[str, tuple[float, float]]:
    return {row[ID]: (row[EFFORT], row[EFFORT]) for _, row in frame.iterrows()}


def run_forecast(
    frame: pd.DataFrame,
    *,
    per_week: float = 1.0,
    teams: int = 1,
    ranges: dict[str, tuple[float, float]] | None = None,
    history: tuple[float, ...] = (),
    extra_items: list[Item] | None = None,
    **options: Any,
) -> Any:
    cands = Candidates(frame, frozenset())
    items = items_for(frame, ranges) + (extra_items or [])
    return forecast(cands, items, Resources(per_week, teams, MONDAY, history), Options(**options))


# --- the same schedule as ttv when nothing is uncertain -------------------------------------------


def random_backlog(seed: int, n: int) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    for k in range(n):
        deps = sorted({f"I{j}" for j in rng.sample(range(k), min(k, rng.choice([0, 0, 1, 2])))})
        rows.append(
            {
                "id": f"I{k}",
                "effort": rng.choice([0.5, 1, 2, 3, 5, 8, 13]),
                "value": rng.randint(1, 100),
                "rank": rng.randint(1, n),
                "deps": deps,
                "due": MONDAY + pd.Timedelta(days=rng.randint(0, 120)).to_pytimedelta()
                if rng.random() < 0.4
                else None,
                "mandate": "statute" if rng.random() < 0.1 else None,
                "status": "in-progress" if rng.random() < 0.05 else "proposed",
            }
        )
    return backlog(*rows)


@pytest.mark.parametrize(("seed", "teams", "per_week"), [(1, 1, 3.0), (2, 3, 2.5), (3, 7, 1.0)])
def test_zero_width_ranges_give_ttv_weeks_exactly_and_its_late_flags(
    seed: int, teams: int, per_week: float
) -> None:
    frame = random_backlog(seed, 120)
    ttv = schedule(ordered(frame, "score"), Resources(per_week, teams, MONDAY))
    result = run_forecast(frame, per_week=per_week, teams=teams, ranges=zero_width(frame), runs=200)
    assert list(result.items[ID]) == list(ttv[ID])
    for column in (P50_WEEK, LEVEL_WEEK, P95_WEEK):
        assert result.items[column].tolist() == ttv[FINISH_WEEK].tolist()
    expected = [None if late is None else (0.0 if late else 1.0) for late in ttv[LATE]]
    assert result.items[P_ON_TIME].tolist() == expected
    assert result.summary["effort_source"] == "ranges"


def test_the_order_taken_never_depends_on_durations() -> None:
    frame = ordered(random_backlog(4, 60), "score")
    sequence, _ = dispatch_order(frame)
    ttv = schedule(frame, Resources(1.0, 3, MONDAY))
    assert [frame[ID][k] for k in sequence] == list(ttv[ID])


# --- mandates ---------------------------------------------------------------------------------


def test_mandated_items_come_first_earliest_due_first_with_their_dependencies() -> None:
    frame = backlog(
        {"id": "A", "effort": 1, "rank": 1},
        {"id": "B", "effort": 1, "rank": 2},
        {"id": "DEP", "effort": 1, "rank": 5},
        {
            "id": "LAW",
            "effort": 1,
            "rank": 6,
            "mandate": "SB-412",
            "due": date(2027, 6, 1),
            "deps": ["DEP"],
        },
        {
            "id": "AUDIT",
            "effort": 1,
            "rank": 4,
            "mandate": "Audit 2026-07",
            "due": date(2027, 3, 1),
        },
        {"id": "WIP", "effort": 1, "rank": 3, "status": "in-progress"},
    )
    ttv = schedule(ordered(frame, "score"), Resources(1.0, 1, MONDAY))
    # In progress first; then AUDIT (earliest due), then LAW's dependency and LAW; then the rest.
    assert list(ttv[ID]) == ["WIP", "AUDIT", "DEP", "LAW", "A", "B"]
    assert list(ttv[LATE]) == [None, False, None, False, None, None]


def test_a_due_date_without_a_mandate_reorders_nothing_but_is_judged() -> None:
    frame = backlog(
        {"id": "A", "effort": 5, "rank": 1},
        {"id": "B", "effort": 5, "rank": 2, "due": date(2027, 1, 8)},
    )
    ttv = schedule(ordered(frame, "score"), Resources(1.0, 1, MONDAY))
    assert list(ttv[ID]) == ["A", "B"]
    # B finishes at week 10: 2027-03-12, after its due date.
    assert ttv[FINISH_DATE].tolist()[1] == date(2027, 3, 12)
    assert list(ttv[LATE]) == [None, True]


# --- hand-worked figures ----------------------------------------------------------------------


def test_capacity_history_draws_each_week_from_the_past_weeks() -> None:
    # One item of effort 10; a week's capacity is 5 (2 in 3) or 15 (1 in 3).
    # Week 0 at 15: done at 10/15 = 0.667 (1/3). Week 0 at 5 then 15: 1 + 5/15 = 1.333 (2/9).
    # Both at 5: 2.0 (4/9). CDF 0.333, 0.556, 1: P50 = 1.333, P85 = P95 = 2.0.
    frame = backlog({"id": "A", "effort": 10, "due": date(2027, 1, 8)})
    result = run_forecast(
        frame, per_week=10.0, ranges=zero_width(frame), history=(5.0, 5.0, 15.0), runs=10_000
    )
    row = result.items.iloc[0]
    assert row[P50_WEEK] == pytest.approx(4 / 3)
    assert row[LEVEL_WEEK] == pytest.approx(2.0)
    assert row[P95_WEEK] == pytest.approx(2.0)
    # Due Friday of week 0: on time only when the first week ran at 15 (1 in 3).
    assert row[P_ON_TIME] == pytest.approx(1 / 3, abs=0.025)  # 5 sd of 10,000 runs


def test_a_capacity_change_applies_from_its_date_on() -> None:
    # Capacity 10; from Monday 2027-01-11 (week 1) halved. A (10) takes week 0; B (10) then
    # needs two weeks at 5: done at week 3.0, on Friday 2027-01-22.
    frame = backlog({"id": "A", "effort": 10}, {"id": "B", "effort": 10, "due": date(2027, 1, 21)})
    result = run_forecast(
        frame,
        per_week=10.0,
        ranges=zero_width(frame),
        changes=(CapacityChange(date(2027, 1, 11), 0.5),),
        runs=50,
    )
    assert result.items[P50_WEEK].tolist() == [1.0, 3.0]
    assert result.items["p50_date"].tolist() == [date(2027, 1, 8), date(2027, 1, 22)]
    assert result.items[P_ON_TIME].tolist() == [None, 0.0]
    assert result.summary["deadlines_at_risk"] == ["B"]


def test_a_later_change_replaces_an_earlier_one() -> None:
    # -50% from week 1, back to the usual from week 2: B does 5 in week 1 and 5 in week 2.
    frame = backlog({"id": "A", "effort": 10}, {"id": "B", "effort": 10})
    result = run_forecast(
        frame,
        per_week=10.0,
        ranges=zero_width(frame),
        changes=(CapacityChange(date(2027, 1, 11), 0.5), CapacityChange(date(2027, 1, 18), 1.0)),
        runs=20,
    )
    assert result.items[P50_WEEK].tolist() == [1.0, 2.5]


def test_the_cut_line_sorts_items_into_will_might_and_wont() -> None:
    # One team at 1 a week. A: exactly 2 weeks. B: [1, 2, 9] after A, so done between week 3
    # and 11. C after B: surely past week 4. By Friday of week 3 (2027-01-22, the end of week 3):
    # A surely; B when its effort is <= 1 more than... B done by week 3 iff B's effort <= 1.0
    # -> P = 0: so the date is Friday of week 4 (2027-01-29): B on time iff effort <= 2,
    # P(tri(1,2,9) <= 2) = (2-1)^2 / ((9-1)(2-1)) = 1/8 = 12.5% (< 15%: won't).
    # Friday of week 5 (2027-02-05): P(effort <= 3) = 1 - (9-3)^2/((9-1)(9-2)) = 1 - 36/56 = 35.7%.
    frame = backlog(
        {"id": "A", "effort": 2, "value": 10},
        {"id": "B", "effort": 2, "value": 20},
        {"id": "C", "effort": 5, "value": 30},
    )
    ranges = {"A": (2.0, 2.0), "B": (1.0, 9.0), "C": (5.0, 5.0)}
    wont = run_forecast(frame, ranges=ranges, by=date(2027, 1, 29), runs=10_000).cut_line
    assert (wont["will"], wont["might"], wont["wont"]) == (["A"], [], ["B", "C"])
    assert wont["value_p50"] == 10 and wont["value_level"] == 10
    might = run_forecast(frame, ranges=ranges, by=date(2027, 2, 5), runs=10_000).cut_line
    assert (might["will"], might["might"], might["wont"]) == (["A"], ["B"], ["C"])
    # B lands in 35.7% of runs: the median run has A only (10), and so has the 15th percentile.
    assert might["value_p50"] == 10 and might["value_level"] == 10
    surely = run_forecast(frame, ranges=ranges, by=date(2027, 4, 30), runs=2_000).cut_line
    assert surely["will"] == ["A", "B", "C"] and surely["value_level"] == 60


def test_history_of_delivered_items_is_the_reference_class() -> None:
    # Five delivered items took 2x their estimate: every run doubles the effort of A.
    delivered = [
        Item(
            id=f"D{k}", title="d", pool="p", status="done", effort=4,
            outcome=Outcome(actual_effort=8),
        )
        for k in range(5)
    ]  # fmt: skip
    frame = backlog({"id": "A", "effort": 3})
    result = run_forecast(frame, extra_items=delivered, runs=100)
    assert result.summary["effort_source"] == "history"
    assert result.summary["history_items"] == 5
    assert result.items[P50_WEEK].tolist() == [6.0]


def test_fewer_than_five_delivered_items_fall_back_to_the_default_spread() -> None:
    delivered = [
        Item(
            id=f"D{k}",
            title="d",
            pool="p",
            status="done",
            effort=4,
            outcome=Outcome(actual_effort=8),
        )
        for k in range(4)
    ]
    frame = backlog({"id": "A", "effort": 4})
    result = run_forecast(frame, extra_items=delivered, runs=20_000)
    assert result.summary["effort_source"] == "default"
    assert result.summary["history_items"] == 0
    # Triangular(3, 4, 6): median 6 - sqrt(0.5 * 3 * 2) = 4.268.
    assert result.items[P50_WEEK].iloc[0] == pytest.approx(6 - np.sqrt(3.0), abs=0.03)
    # Mixed: one item with a range, one without.
    two = backlog({"id": "A", "effort": 4}, {"id": "B", "effort": 2})
    mixed = run_forecast(two, ranges={"A": (3.0, 5.0)}, runs=100)
    assert mixed.summary["effort_source"] == "mixed"
    assert mixed.sources == {"ranges": 1, "default": 1}


# --- against an independent simulation ----------------------------------------------------------


def test_a_chain_on_one_team_agrees_with_an_independent_simulation() -> None:
    triangles = [(2.0, 4.0, 8.0), (1.0, 3.0, 4.0), (5.0, 5.0, 9.0)]
    frame = backlog(
        *({"id": f"T{k}", "effort": mode, "deps": [f"T{k - 1}"] if k else []}
          for k, (_, mode, _) in enumerate(triangles))
    )  # fmt: skip
    ranges = {f"T{k}": (low, high) for k, (low, _, high) in enumerate(triangles)}
    result = run_forecast(frame, ranges=ranges, runs=10_000)
    # The same question asked of Python's own random module, 200,000 times.
    rng = random.Random(12345)
    totals = sorted(
        sum(rng.triangular(low, high, mode) for low, mode, high in triangles)
        for _ in range(200_000)
    )
    p50, p85 = totals[100_000 - 1], totals[170_000 - 1]
    last = result.items.iloc[-1]
    assert last[P50_WEEK] == pytest.approx(p50, rel=0.01)
    assert last[LEVEL_WEEK] == pytest.approx(p85, rel=0.01)


# --- properties -------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), teams=st.integers(1, 4), level=st.integers(50, 95))
def test_percentiles_are_ordered_and_the_same_seed_repeats(
    seed: int, teams: int, level: int
) -> None:
    frame = random_backlog(seed, 25)
    ranges = {
        row[ID]: (row[EFFORT] * 0.5, row[EFFORT] * 3)
        for _, row in frame.iterrows()
        if row[EFFORT] > 1
    }
    first = run_forecast(frame, teams=teams, ranges=ranges, runs=300, seed=seed, level=level)
    again = run_forecast(frame, teams=teams, ranges=ranges, runs=300, seed=seed, level=level)
    assert (first.items[P50_WEEK] <= first.items[LEVEL_WEEK]).all()
    assert (first.items[LEVEL_WEEK] <= first.items[P95_WEEK]).all()
    pd.testing.assert_frame_equal(first.items, again.items)
    assert first.summary == again.summary


def test_another_seed_moves_figures_within_the_monte_carlo_error() -> None:
    frame = random_backlog(9, 40)
    ranges = {row[ID]: (row[EFFORT] * 0.5, row[EFFORT] * 2) for _, row in frame.iterrows()}
    one = run_forecast(frame, teams=2, ranges=ranges, runs=10_000, seed=0)
    two = run_forecast(frame, teams=2, ranges=ranges, runs=10_000, seed=1)
    # Percentiles of 10,000 runs: a few tenths of a percent of the total schedule.
    span = float(one.items[P95_WEEK].max())
    for column in (P50_WEEK, LEVEL_WEEK, P95_WEEK):
        assert np.abs(one.items[column] - two.items[column]).max() <= 0.02 * span
    assert one.items[P50_WEEK].tolist() != two.items[P50_WEEK].tolist()


def test_triangular_draws_stay_inside_their_range() -> None:
    model = forecasting.efforts([4.0, 2.0], [(1.0, 9.0), (2.0, 2.0)], [])
    drawn = forecasting.draw_efforts(model, 5000, np.random.default_rng(0))
    assert drawn[0].min() >= 1.0 and drawn[0].max() <= 9.0
    assert (drawn[1] == 2.0).all()


def test_fiscal_year_end() -> None:
    assert fiscal_year_end(date(2026, 11, 29), "07-01") == date(2027, 6, 30)
    assert fiscal_year_end(date(2027, 7, 1), "07-01") == date(2028, 6, 30)
    assert fiscal_year_end(date(2027, 3, 1), "10-01") == date(2027, 9, 30)
    assert fiscal_year_end(date(2027, 3, 1), "01-01") == date(2027, 12, 31)
