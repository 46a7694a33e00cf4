"""Time to value, pure: orders, list scheduling, dates and the summary figures (numbers worked by hand)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritize.errors import PrioritizeError
from prioritize.models import Capacity, Item, Settings
from prioritize.scheduling import (
    CUMULATIVE_VALUE_PCT,
    DEPENDS_ON,
    FINISH_DATE,
    FINISH_WEEK,
    LISTED,
    SCHEDULE_COLUMNS,
    START_DATE,
    START_WEEK,
    TEAM,
    Resources,
    candidates,
    figures,
    next_monday,
    ordered,
    pool_deliveries,
    resources,
    schedule,
    time_to_value,
    working_day_dates,
)
from prioritize.scoring import EFFORT, FACING, ID, POOL, RANK, RISK, STATUS, TITLE, UNSCORED, VALUE

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
            VALUE: [float(r["value"]) for r in rows],
            RANK: pd.array([r.get("rank", k + 1) for k, r in enumerate(rows)], dtype="Int64"),
            LISTED: list(range(len(rows))),
            DEPENDS_ON: [tuple(r.get("deps", ())) for r in rows],
        }
    )


def plan(per_week: float = 1.0, teams: int = 1, start: date = MONDAY) -> Resources:
    return Resources(per_week, teams, start)


def run(
    frame: pd.DataFrame, order: str, resources_: Resources, *, low_risk_first: bool = False
) -> pd.DataFrame:
    return schedule(ordered(frame, order, low_risk_first=low_risk_first), resources_)


# --- the cost-of-delay example ------------------------------------------------------------------

# A: value 10, effort 2; B: value 30, effort 4; capacity 1 a week, one team.
# A first: A finishes at 2, B at 6: (10*2 + 30*6) / 40 = 200 / 40 = 5.0 weeks.
# B first (cd3: B 30/4 = 7.5 a week > A 10/2 = 5): B at 4, A at 6: (30*4 + 10*6) / 40 = 180 / 40 = 4.5.
COST_OF_DELAY = backlog(
    {"id": "A", "value": 10, "effort": 2}, {"id": "B", "value": 30, "effort": 4}
)


def test_cd3_puts_the_higher_value_per_week_first() -> None:
    frame = run(COST_OF_DELAY, "cd3", plan())
    assert list(frame[ID]) == ["B", "A"]
    assert list(frame[START_WEEK]) == [0.0, 4.0]
    assert list(frame[FINISH_WEEK]) == [4.0, 6.0]
    assert figures(frame)["mean_weeks_to_value"] == pytest.approx(4.5)


def test_listed_order_takes_a_first_and_costs_half_a_week() -> None:
    frame = run(COST_OF_DELAY, "listed", plan())
    assert list(frame[ID]) == ["A", "B"]
    assert figures(frame)["mean_weeks_to_value"] == pytest.approx(5.0)
    report = time_to_value(candidates_of(COST_OF_DELAY), "cd3", plan())
    assert report.summary["gain_vs_listed_weeks"] == pytest.approx(0.5)  # 5.0 - 4.5


def test_value_order_ties_by_id() -> None:
    frame = backlog(
        {"id": "b", "value": 5, "effort": 1},
        {"id": "a", "value": 5, "effort": 3},
        {"id": "c", "value": 9, "effort": 9},
    )
    assert list(ordered(frame, "value")[ID]) == ["c", "a", "b"]
    # cd3: c 9/9 = 1, a 5/3 = 1.67, b 5/1 = 5.
    assert list(ordered(frame, "cd3")[ID]) == ["b", "a", "c"]
    assert list(ordered(frame, "listed")[ID]) == ["b", "a", "c"]


def test_score_order_follows_the_rank() -> None:
    frame = backlog({"id": "x", "value": 1, "effort": 1, "rank": 3}, {"id": "y", "value": 1, "effort": 1, "rank": 1},
                    {"id": "z", "value": 1, "effort": 1, "rank": 2})  # fmt: skip
    assert list(ordered(frame, "score")[ID]) == ["y", "z", "x"]


def test_ordered_returns_a_new_frame() -> None:
    frame = COST_OF_DELAY.copy()
    ordered(frame, "cd3")
    pd.testing.assert_frame_equal(frame, COST_OF_DELAY)


def test_unknown_order_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown order"):
        ordered(COST_OF_DELAY, "random")


# --- list scheduling on two teams -----------------------------------------------------------------


def test_two_teams_split_the_work_as_list_scheduling_says() -> None:
    # Order A, B, C, D; C depends on A; capacity 1, two teams.
    # A: teams free at [0, 0] -> team 1 (lowest on a tie), weeks 0-4.     free [4, 0]
    # B: ready (C is ready too, as A is taken, but B comes first) -> team 2, 0-2.  free [4, 2]
    # C: team 2 frees first (2), but A finishes at 4 -> weeks 4-6.         free [4, 6]
    # D: team 1 (4) -> weeks 4-7.
    frame = backlog(
        {"id": "A", "value": 40, "effort": 4},
        {"id": "B", "value": 10, "effort": 2},
        {"id": "C", "value": 30, "effort": 2, "deps": ["A"]},
        {"id": "D", "value": 20, "effort": 3},
    )
    result = run(frame, "listed", plan(teams=2))
    assert list(result.columns) == SCHEDULE_COLUMNS
    assert list(result[ID]) == ["A", "B", "C", "D"]
    assert list(result[TEAM]) == [1, 2, 2, 1]
    assert list(result[START_WEEK]) == [0.0, 0.0, 4.0, 4.0]
    assert list(result[FINISH_WEEK]) == [4.0, 2.0, 6.0, 7.0]
    # Value done by each finish (total 100): A at 4: B 10 + A 40 = 50; B at 2: 10; C at 6: 80; D at 7: 100.
    assert list(result[CUMULATIVE_VALUE_PCT]) == pytest.approx([50.0, 10.0, 80.0, 100.0])
    got = figures(result)
    # (40*4 + 10*2 + 30*6 + 20*7) / 100 = (160 + 20 + 180 + 140) / 100 = 5.0
    assert got["mean_weeks_to_value"] == pytest.approx(5.0)
    assert got["weeks_to_50pct"] == 4.0
    assert got["weeks_to_80pct"] == 6.0
    assert got["last_finish_week"] == 7.0
    assert got["total_value"] == 100.0


def test_an_item_waits_for_a_dependency_later_in_the_order() -> None:
    # X depends on Y although X comes first: Y is taken first (X is not ready), then X after it.
    frame = backlog(
        {"id": "X", "value": 5, "effort": 1, "deps": ["Y"]}, {"id": "Y", "value": 1, "effort": 2}
    )
    result = run(frame, "listed", plan(teams=2))
    assert list(result[ID]) == ["Y", "X"]
    assert list(result[START_WEEK]) == [0.0, 2.0]  # X on team 2, idle until Y finishes at 2


def test_in_progress_items_come_first() -> None:
    frame = backlog(
        {"id": "top", "value": 90, "effort": 1, "rank": 1},
        {"id": "busy", "value": 1, "effort": 1, "rank": 3, "status": "in-progress"},
        {"id": "mid", "value": 50, "effort": 1, "rank": 2},
    )
    for order in ("score", "listed", "value", "cd3"):
        assert ordered(frame, order)[ID].iloc[0] == "busy", order
    assert list(run(frame, "score", plan())[ID]) == ["busy", "top", "mid"]


def test_low_risk_first_puts_internal_then_other_low_risk_items_ahead_stably() -> None:
    frame = backlog(
        {"id": "h", "value": 1, "effort": 1, "risk": "high", "facing": "internal"},
        {"id": "lp", "value": 1, "effort": 1, "risk": "low", "facing": "public"},
        {"id": "li", "value": 1, "effort": 1, "risk": "low", "facing": "internal"},
        {"id": "m", "value": 1, "effort": 1, "risk": "medium", "facing": "internal"},
        {"id": "ln", "value": 1, "effort": 1, "risk": "low"},
        {"id": "ip", "value": 1, "effort": 1, "risk": "high", "status": "in-progress"},
    )
    assert list(ordered(frame, "listed", low_risk_first=True)[ID]) == [
        "ip",
        "li",
        "lp",
        "ln",
        "h",
        "m",
    ]
    assert list(ordered(frame, "listed")[ID]) == ["ip", "h", "lp", "li", "m", "ln"]


def test_a_dependency_cycle_is_refused() -> None:
    frame = backlog(
        {"id": "a", "value": 1, "effort": 1, "deps": ["b"]},
        {"id": "b", "value": 1, "effort": 1, "deps": ["a"]},
    )
    with pytest.raises(ValueError, match="cycle among a, b"):
        run(frame, "listed", plan())


def test_a_dependency_outside_the_schedule_is_refused_unless_done() -> None:
    frame = backlog({"id": "a", "value": 1, "effort": 1, "deps": ["gone"]})
    with pytest.raises(ValueError, match="gone"):
        schedule(frame, plan())
    assert list(schedule(frame, plan(), done=frozenset({"gone"}))[START_WEEK]) == [0.0]


def test_fractional_weeks_and_no_float_noise() -> None:
    # Effort 1 at 10 a week is 0.1 week; three in a row finish at 0.1, 0.2, 0.3 exactly (not 0.30000000000000004).
    frame = backlog(*({"id": f"i{k}", "value": 1, "effort": 1} for k in range(3)))
    assert list(run(frame, "listed", plan(per_week=10))[FINISH_WEEK]) == [0.1, 0.2, 0.3]


# --- dates ------------------------------------------------------------------------------------


def test_dates_count_working_days() -> None:
    # From Monday 2027-01-04: a start at week 0 is that Monday; at 0.3 (1.5 days) Tuesday the 5th;
    # at 1.0 the next Monday. A finish at 1.0 is Friday the 8th; at 0.3, during Tuesday the 5th;
    # at 4.0 (20 working days) Friday the 29th.
    assert working_day_dates(MONDAY, [0.0, 0.3, 1.0], end=False) == [
        date(2027, 1, 4),
        date(2027, 1, 5),
        date(2027, 1, 11),
    ]
    assert working_day_dates(MONDAY, [1.0, 0.3, 4.0], end=True) == [
        date(2027, 1, 8),
        date(2027, 1, 5),
        date(2027, 1, 29),
    ]
    # A Saturday start rolls to Monday.
    assert working_day_dates(date(2027, 1, 2), [0.0], end=False) == [MONDAY]


def test_schedule_dates_of_the_cost_of_delay_example() -> None:
    frame = run(COST_OF_DELAY, "cd3", plan())
    # B: weeks 0-4: Mon 4 Jan to Fri 29 Jan; A: weeks 4-6: Mon 1 Feb to Fri 12 Feb.
    assert list(frame[START_DATE]) == [date(2027, 1, 4), date(2027, 2, 1)]
    assert list(frame[FINISH_DATE]) == [date(2027, 1, 29), date(2027, 2, 12)]


def test_next_monday_is_strictly_after_today() -> None:
    assert next_monday(date(2026, 11, 25)) == date(2026, 11, 30)  # a Wednesday
    assert next_monday(date(2026, 11, 29)) == date(2026, 11, 30)  # a Sunday
    assert next_monday(date(2026, 11, 30)) == date(2026, 12, 7)  # a Monday: the one after


# --- settings ---------------------------------------------------------------------------------


def test_resources_take_options_over_settings() -> None:
    file = Settings(capacity=Capacity(per_week=10.0, teams=2), start=MONDAY)
    today = date(2026, 11, 25)
    assert resources(file, per_week=None, teams=None, start=None, today=today) == Resources(
        10.0, 2, MONDAY
    )
    got = resources(file, per_week=3.0, teams=4, start=date(2027, 2, 1), today=today)
    assert got == Resources(3.0, 4, date(2027, 2, 1))
    bare = resources(Settings(), per_week=5.0, teams=None, start=None, today=today)
    assert bare == Resources(5.0, 1, date(2026, 11, 30))  # one team; start on the next Monday


def test_missing_capacity_says_how_to_give_one() -> None:
    with pytest.raises(PrioritizeError) as caught:
        resources(Settings(), per_week=None, teams=None, start=None, today=MONDAY)
    assert "--capacity" in str(caught.value)
    assert "capacity: {per_week: N}" in str(caught.value)


def test_capacity_must_be_positive() -> None:
    with pytest.raises(PrioritizeError, match="greater than 0"):
        resources(Settings(), per_week=0.0, teams=None, start=None, today=MONDAY)


# --- candidates -------------------------------------------------------------------------------


def scored_frame(items: list[Item], values: dict[str, float | None]) -> pd.DataFrame:
    """What Scoring.frame holds for the open items: ranked ones by value, then unscored (NaN value)."""
    open_items = [i for i in items if i.is_open]
    known = {k: v for k, v in values.items() if v is not None}
    ranked = sorted((i for i in open_items if i.id in known), key=lambda i: (-known[i.id], i.id))
    rest = [i for i in open_items if values.get(i.id) is None]
    rows = ranked + rest
    return pd.DataFrame(
        {
            RANK: pd.array([k + 1 for k in range(len(ranked))] + [None] * len(rest), dtype="Int64"),
            ID: [i.id for i in rows],
            TITLE: [i.title for i in rows],
            POOL: [i.pool for i in rows],
            STATUS: [i.status for i in rows],
            RISK: [i.risk for i in rows],
            FACING: [i.facing for i in rows],
            EFFORT: [float("nan") if i.effort is None else i.effort for i in rows],
            VALUE: [float("nan") if values.get(i.id) is None else values[i.id] for i in rows],
            UNSCORED: [None if values.get(i.id) is not None else "no v" for i in rows],
        }
    )


def item(item_id: str, **fields: Any) -> Item:
    return Item.model_validate(
        {"id": item_id, "title": item_id, "pool": "p", "effort": 1.0, **fields}
    )


def candidates_of(frame: pd.DataFrame):  # type: ignore[no-untyped-def]
    items = [
        item(
            r[ID],
            effort=r[EFFORT],
            depends_on=list(r[DEPENDS_ON]),
            status=r[STATUS],
            risk=r[RISK] if isinstance(r[RISK], str) else None,
            facing=r[FACING] if isinstance(r[FACING], str) else None,
        )
        for r in frame.to_dict(orient="records")
    ]
    values = dict(zip(frame[ID], frame[VALUE], strict=True))
    return candidates(scored_frame(items, values), items)


def test_done_dependencies_are_met_and_done_items_left_out() -> None:
    items = [
        item("old", status="done"),
        item("new", depends_on=["old"]),
        item("gone", status="dropped"),
    ]
    cands = candidates(scored_frame(items, {"new": 5.0}), items)
    assert list(cands.frame[ID]) == ["new"]
    assert cands.frame[DEPENDS_ON].iloc[0] == ()
    assert cands.done == frozenset({"old"})
    assert cands.left_out == ()
    result = schedule(ordered(cands.frame, "score"), plan(), done=cands.done)
    assert list(result[START_WEEK]) == [0.0]


def test_dependents_of_unscored_items_are_left_out_naming_the_dependency() -> None:
    items = [
        item("u"),                                   # unscored
        item("d1", depends_on=["u"]),                # depends on an unscored item
        item("d2", depends_on=["ok", "d1"]),         # depends on an item left out
        item("ok"),
        item("lazy", effort=None),                   # scored (value), but no effort
        item("d3", depends_on=["lazy"]),
    ]  # fmt: skip
    cands = candidates(
        scored_frame(items, {"d1": 5.0, "d2": 4.0, "ok": 3.0, "lazy": 2.0, "d3": 1.0}), items
    )
    assert list(cands.frame[ID]) == ["ok"]
    messages = {p.ref.id: p.message for p in cands.left_out}
    assert messages == {
        "lazy": "lazy is left out of the schedule: it has no effort to turn into weeks",
        "d1": 'd1 is left out of the schedule: it depends on "u", which is unscored',
        "d2": 'd2 is left out of the schedule: it depends on "d1", which is left out of the schedule too',
        "d3": 'd3 is left out of the schedule: it depends on "lazy", which has no effort',
    }
    refs = {p.ref.id: p.ref.path for p in cands.left_out}
    assert refs["d2"] == ("depends_on", 1)
    assert all(p.severity == "warning" for p in cands.left_out)


# --- summary, pools and comparison --------------------------------------------------------------


def test_pools_first_and_last_delivery() -> None:
    frame = backlog(
        {"id": "A", "value": 40, "effort": 4, "pool": "north"},
        {"id": "B", "value": 10, "effort": 2, "pool": "south"},
        {"id": "C", "value": 30, "effort": 2, "pool": "north"},
    )
    # One team, listed: A 0-4, B 4-6, C 6-8.
    pools = pool_deliveries(run(frame, "listed", plan()))
    assert pools.to_dict(orient="records") == [
        {"pool": "north", "items": 2, "value": 70.0, "first_delivery_week": 4.0, "last_delivery_week": 8.0,
         "first_delivery_date": date(2027, 1, 29), "last_delivery_date": date(2027, 2, 26)},
        {"pool": "south", "items": 1, "value": 10.0, "first_delivery_week": 6.0, "last_delivery_week": 6.0,
         "first_delivery_date": date(2027, 2, 12), "last_delivery_date": date(2027, 2, 12)},
    ]  # fmt: skip


def test_comparison_has_every_order_and_the_chosen_one_with_low_risk_first() -> None:
    frame = backlog(
        {"id": "A", "value": 10, "effort": 2, "risk": "high"},
        {"id": "B", "value": 30, "effort": 4, "risk": "high"},
        {"id": "C", "value": 1, "effort": 2, "risk": "low", "facing": "internal"},
    )
    report = time_to_value(candidates_of(frame), "cd3", plan())
    rows = report.comparison.to_dict(orient="records")
    assert [(r["order"], r["low_risk_first"], r["chosen"]) for r in rows] == [
        ("score", False, False), ("listed", False, False), ("value", False, False),
        ("cd3", False, True), ("cd3", True, False),
    ]  # fmt: skip
    means = {(r["order"], r["low_risk_first"]): r["mean_weeks_to_value"] for r in rows}
    # cd3: B (7.5/wk) 0-4, A (5/wk) 4-6, C (0.5/wk) 6-8: (30*4 + 10*6 + 1*8) / 41 = 188 / 41
    assert means[("cd3", False)] == pytest.approx(188 / 41)
    # listed: A 0-2, B 2-6, C 6-8: (10*2 + 30*6 + 1*8) / 41 = 208 / 41
    assert means[("listed", False)] == pytest.approx(208 / 41)
    # cd3 + low-risk first: C 0-2, B 2-6, A 6-8: (1*2 + 30*6 + 10*8) / 41 = 262 / 41: trust costs 74/41 weeks
    assert means[("cd3", True)] == pytest.approx(262 / 41)
    assert rows[3]["gain_vs_listed_weeks"] == pytest.approx(20 / 41)
    assert report.summary["mean_weeks_to_value"] == pytest.approx(188 / 41)
    assert list(report.listed[ID]) == ["A", "B", "C"]


def test_an_empty_backlog_has_no_means() -> None:
    got = figures(schedule(backlog(), plan()))
    assert got == {"total_value": 0.0, "mean_weeks_to_value": None, "weeks_to_50pct": None,
                   "weeks_to_80pct": None, "last_finish_week": 0.0}  # fmt: skip


# --- properties -------------------------------------------------------------------------------


def mean_weeks(values: list[int], efforts: list[int], per_week: float) -> float:
    """Value-weighted mean finish on one team, doing the items in the given order."""
    clock, weighted = 0.0, 0.0
    for value, effort in zip(values, efforts, strict=True):
        clock += effort / per_week
        weighted += value * clock
    return weighted / sum(values)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 100), st.integers(1, 20)), min_size=1, max_size=7),
    st.sampled_from([0.5, 1.0, 3.0, 10.0]),
)
def test_cd3_is_the_brute_force_optimum_on_one_team(
    pairs: list[tuple[int, int]], per_week: float
) -> None:
    frame = backlog(*({"id": f"i{k}", "value": v, "effort": e} for k, (v, e) in enumerate(pairs)))
    got = figures(run(frame, "cd3", plan(per_week=per_week)))["mean_weeks_to_value"]
    best = min(
        mean_weeks([pairs[k][0] for k in perm], [pairs[k][1] for k in perm], per_week)
        for perm in itertools.permutations(range(len(pairs)))
    )
    # Each finish is rounded to 1e-9 weeks (scheduling._DIGITS) as the clock runs on: up to seven
    # roundings of at most 5e-10 each, so the mean may stray 3.5e-9 from the exact optimum.
    assert got == pytest.approx(best, rel=1e-9, abs=1e-8)


@st.composite
def dependent_backlogs(draw: st.DrawFn) -> tuple[pd.DataFrame, int, float]:
    count = draw(st.integers(1, 12))
    ids = [f"i{k}" for k in range(count)]
    # Dependencies point from an item to items earlier in a hidden topological order: no cycles.
    topo = draw(st.permutations(ids))
    rows = []
    for k, item_id in enumerate(topo):
        deps = draw(st.lists(st.sampled_from(topo[:k]), unique=True, max_size=3)) if k else []
        rows.append({"id": item_id, "value": draw(st.integers(0, 50)), "effort": draw(st.integers(1, 13)), "deps": deps,
                     "status": draw(st.sampled_from(["proposed", "proposed", "in-progress"]))})  # fmt: skip
    listed = draw(st.permutations(rows))
    return backlog(*listed), draw(st.integers(1, 4)), draw(st.sampled_from([1.0, 2.5, 10.0]))


@settings(max_examples=100, deadline=None)
@given(dependent_backlogs(), st.sampled_from(["score", "listed", "value", "cd3"]), st.booleans())
def test_no_item_starts_before_its_dependencies_and_no_team_does_two_at_once(
    case: tuple[pd.DataFrame, int, float], order: str, low_risk_first: bool
) -> None:
    frame, teams, per_week = case
    result = run(frame, order, plan(per_week=per_week, teams=teams), low_risk_first=low_risk_first)
    assert sorted(result[ID]) == sorted(frame[ID])
    finish = dict(zip(result[ID], result[FINISH_WEEK], strict=True))
    effort = dict(zip(frame[ID], frame[EFFORT], strict=True))
    deps = dict(zip(frame[ID], frame[DEPENDS_ON], strict=True))
    for row in result.itertuples(index=False):
        assert all(row.start_week >= finish[d] - 1e-9 for d in deps[row.id])
        assert row.finish_week - row.start_week == pytest.approx(
            effort[row.id] / per_week, abs=1e-8
        )
        assert 1 <= row.team <= teams
    for _, team in result.groupby(TEAM):
        spans = sorted(zip(team[START_WEEK], team[FINISH_WEEK], strict=True))
        assert all(later[0] >= earlier[1] - 1e-9 for earlier, later in itertools.pairwise(spans))


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False))
def test_weeks_round_as_numpy_rounds_them(value: float) -> None:
    # The schedule once rounded numpy floats; plain floats must round to the same weeks, halves
    # to even after scaling, which Python's round(value, 9) does not always do.
    from prioritize.scheduling import _DIGITS, _round_weeks

    assert _round_weeks(value) == float(np.round(np.float64(value), _DIGITS))


def test_the_capacity_history_comes_with_the_settings_capacity_only() -> None:
    settings = Settings(capacity=Capacity(per_week=10.0, history=[8.0, 12.0]))
    own = resources(settings, per_week=None, teams=None, start=MONDAY, today=MONDAY)
    assert own.history == (8.0, 12.0)
    given = resources(settings, per_week=5.0, teams=None, start=MONDAY, today=MONDAY)
    assert (given.per_week, given.history) == (5.0, ())
