"""Pure time to value (docs/reference.md 5, `ttv`): order the open items, schedule them on teams, sum up when value arrives.

No I/O here: capacity, teams, the start date and today come in as arguments. Weeks are elapsed
weeks of work from the start (an item of effort 20 at 10 units per team per week takes 2.0 weeks);
dates count working days, Monday to Friday, without holidays.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from prioritize.errors import PrioritizeError, Problem, Ref
from prioritize.models import IDEA, MIN_CAPACITY, Item, Settings
from prioritize.scoring import (
    DEPENDS_ON,
    EFFORT,
    FACING,
    ID,
    POOL,
    RANK,
    RISK,
    SCORE,
    STATUS,
    TITLE,
    VALUE,
)  # fmt: skip
from prioritize.values import MAX_NUMBER

ORDERS: tuple[str, ...] = ("score", "listed", "value", "cd3")
ORDER, TEAM, START_WEEK, FINISH_WEEK = "order", "team", "start_week", "finish_week"
START_DATE, FINISH_DATE, CUMULATIVE_VALUE_PCT = "start_date", "finish_date", "cumulative_value_pct"
DUE, LATE, MANDATE = "due", "late", "mandate"
LISTED = "listed"
SCHEDULE_COLUMNS = [
    ORDER, ID, TITLE, POOL, TEAM, START_WEEK, FINISH_WEEK, START_DATE, FINISH_DATE, VALUE, CUMULATIVE_VALUE_PCT,
    DUE, LATE, MANDATE,
]  # fmt: skip
DEADLINES_MET, DEADLINES_MISSED, MANDATED = "deadlines_met", "deadlines_missed", "mandated"
LOW_RISK_FIRST, CHOSEN, GAIN = "low_risk_first", "chosen", "gain_vs_listed_weeks"
TOTAL_VALUE, MEAN_WEEKS = "total_value", "mean_weeks_to_value"
WEEKS_TO_50, WEEKS_TO_80, LAST_FINISH = "weeks_to_50pct", "weeks_to_80pct", "last_finish_week"
COMPARISON_COLUMNS = [
    ORDER,
    LOW_RISK_FIRST,
    CHOSEN,
    TOTAL_VALUE,
    MEAN_WEEKS,
    WEEKS_TO_50,
    WEEKS_TO_80,
    LAST_FINISH,
    GAIN,
]
POOL_COLUMNS = [
    POOL, "items", VALUE, "first_delivery_week", "last_delivery_week", "first_delivery_date", "last_delivery_date",
]  # fmt: skip

WORKING_DAYS_PER_WEEK = 5
_DIGITS = 9  # weeks are rounded to 1e-9 so that float noise never decides a tie between teams
_SCALE = 10.0**_DIGITS


# --- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resources:
    """Who does the work and from when: effort units per team per week, parallel teams, first
    day, and the effort a team completed in each past week (what forecasts draw a week from)."""

    per_week: float
    teams: int
    start: date
    history: tuple[float, ...] = ()


MAX_TEAMS = 1000  # as prioritize.yaml's capacity.teams


def next_monday(today: date) -> date:
    """The first Monday strictly after `today` (a Monday gives the Monday a week later)."""
    return today + timedelta(days=7 - today.weekday())


def resources(
    settings: Settings,
    *,
    per_week: float | None,
    teams: int | None,
    start: date | None,
    today: date,
) -> Resources:
    """The options where given, else prioritize.yaml's values; start defaults to the next Monday.
    The capacity history comes with prioritize.yaml's capacity only: a --capacity is fixed.

    Raises PrioritizeError when no capacity is given anywhere: weeks cannot be computed without it.
    """
    capacity = settings.capacity
    history = tuple(capacity.history or ()) if capacity is not None and per_week is None else ()
    if per_week is None:
        if capacity is None:
            raise PrioritizeError(
                message="no capacity: the schedule needs to know how much effort a team completes in a week; "
                "give --capacity N (effort units per team per week) or add `capacity: {per_week: N}` to prioritize.yaml"
            )
        per_week = capacity.per_week
    if not (math.isfinite(per_week) and MIN_CAPACITY <= per_week <= MAX_NUMBER):
        raise PrioritizeError(
            message=f"--capacity must be a number of effort units greater than 0 (from "
            f"{MIN_CAPACITY:g} to {MAX_NUMBER:g}), not {per_week:g}"
        )
    if teams is None:
        teams = capacity.teams if capacity is not None else 1
    if not 1 <= teams <= MAX_TEAMS:
        raise PrioritizeError(message=f"--teams must be from 1 to {MAX_TEAMS}, not {teams}")
    start = start or settings.start or next_monday(today)
    return Resources(float(per_week), int(teams), start, history)


# --- what can be scheduled ---------------------------------------------------------------------


# The scored columns the orders and the schedules read.
PLANNED_COLUMNS = [RANK, ID, TITLE, POOL, STATUS, RISK, FACING, EFFORT, VALUE, SCORE]


@dataclass(frozen=True)
class Candidates:
    """The open items that can be scheduled, and why the others cannot.

    `frame`: scored items with an effort, in file order: the scored columns a schedule reads
    (PLANNED_COLUMNS), LISTED (0-based position in file order), DEPENDS_ON (the ids of open
    dependencies; done ones are met and dropped here), DUE and MANDATE.
    `left_out`: a warning per item left out for another reason than being unscored (the CLI
    already names unscored items): no effort, or a dependency that is itself left out.
    """

    frame: pd.DataFrame
    done: frozenset[str]
    left_out: tuple[Problem, ...] = ()


def candidates(scored: pd.DataFrame, items: Sequence[Item]) -> Candidates:
    """Split the open items of `scored` (Scoring.frame) into schedulable ones and those left out.

    An item is left out when it is an idea, is unscored, has no effort, or depends (directly or
    through others) on an item left out: it cannot start before something that is not in the plan.
    Dependencies on done items are met. A dependency on a dropped or unknown item raises
    ValueError: the workspace loader refuses such workspaces before scheduling.
    """
    by_id = {item.id: item for item in items}
    position = {item.id: index for index, item in enumerate(items)}
    done = frozenset(item.id for item in items if item.status == "done")
    open_ids = list(scored[ID])
    unscored = {i for i, r in zip(scored[ID], scored[RANK], strict=True) if pd.isna(r)}
    no_effort = {
        i
        for i, e in zip(scored[ID], scored[EFFORT], strict=True)
        if i not in unscored and pd.isna(e)
    }
    ideas = {i for i, st in zip(scored[ID], scored[STATUS], strict=True) if st == IDEA}
    why: dict[str, str] = {i: "is unscored" for i in unscored}
    why |= {i: "has no effort" for i in no_effort}
    why |= {i: "is an idea, not yet planned work" for i in ideas}
    open_set = set(open_ids)
    dependents: dict[str, list[str]] = {}
    for item_id in open_ids:
        for dep in by_id[item_id].depends_on:
            if dep not in done and dep not in open_set:
                raise ValueError(f"{item_id} depends on {dep}, which is neither open nor done")
            dependents.setdefault(dep, []).append(item_id)

    # Everything that depends, directly or through others, on an item that is out is out too.
    out = set(why)
    queue = list(why)
    while queue:
        for dependent in dependents.get(queue.pop(), []):
            if dependent not in out:
                out.add(dependent)
                queue.append(dependent)

    problems: list[Problem] = []
    for item_id in sorted(out, key=position.__getitem__):
        if item_id in unscored or item_id in ideas:
            continue  # named as unscored with its reason, or an idea: ideas are never scheduled
        if item_id in no_effort:
            problems.append(
                Problem("no-effort", "warning", Ref("item", item_id, ("effort",)),
                        f"{item_id} is left out of the schedule: it has no effort to turn into weeks")
            )  # fmt: skip
            continue
        deps = by_id[item_id].depends_on
        index = next(k for k, dep in enumerate(deps) if dep in out)
        dep = deps[index]
        reason = why.get(dep, "is left out of the schedule too")
        problems.append(
            Problem("depends-on-left-out", "warning", Ref("item", item_id, ("depends_on", index)),
                    f'{item_id} is left out of the schedule: it depends on "{dep}", which {reason}')
        )  # fmt: skip

    keep = ~scored[ID].isin(out)
    added: dict[str, list[Any]] = {
        LISTED: [position[i] for i in scored[ID][keep]],
        DEPENDS_ON: [
            tuple(d for d in by_id[i].depends_on if d not in done) for i in scored[ID][keep]
        ],
        DUE: [by_id[i].due for i in scored[ID][keep]],
        MANDATE: [by_id[i].mandate for i in scored[ID][keep]],
    }
    # Only what a schedule reads: the whole scored frame is some fifty columns.
    frame = scored.loc[keep, [c for c in PLANNED_COLUMNS if c in scored]].assign(**added)
    frame = frame.sort_values(LISTED, kind="stable").reset_index(drop=True)
    return Candidates(frame, done, tuple(problems))


# --- orders -----------------------------------------------------------------------------------


def ordered(frame: pd.DataFrame, order: str, *, low_risk_first: bool = False) -> pd.DataFrame:
    """A new frame with the rows of `frame` in the chosen order, in-progress items first.

    score: rank ascending; listed: file order (LISTED); value: value descending; cd3: value per
    week of effort descending (value / effort: capacity is the same for every item). Ties by id.
    With `low_risk_first`, low-risk internal items, then the other low-risk items, come ahead of
    the rest, keeping the order within each group. Mandated items (MANDATE) come ahead of all of
    these, earliest DUE first (then in the chosen order), each with the open items it depends on
    (directly or through others); in-progress items, already under way, come first of all.
    """
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}; orders are {', '.join(ORDERS)}")
    frame = frame.reset_index(drop=True)  # _mandate_blocks counts rows by position
    in_progress = (frame[STATUS] != "in-progress").astype(int)
    if low_risk_first:
        low = frame[RISK] == "low"
        trust = np.where(low & (frame[FACING] == "internal"), 0, np.where(low, 1, 2))
    else:
        trust = np.zeros(len(frame), dtype=int)
    keys: dict[str, Any] = {"_in_progress": in_progress.to_numpy(), "_trust": trust}
    if order == "score":
        keys["_key"] = frame[RANK].astype(float).to_numpy()
    elif order == "listed":
        keys["_key"] = frame[LISTED].to_numpy()
    elif order == "value":
        keys["_key"] = -frame[VALUE].astype(float).to_numpy()
    else:
        keys["_key"] = -(frame[VALUE].astype(float) / frame[EFFORT].astype(float)).to_numpy()
    by_choice = frame.assign(**keys).sort_values(["_trust", "_key", ID], kind="stable")
    keys["_mandated"] = _mandate_blocks(by_choice, len(frame))
    sorted_frame = frame.assign(**keys).sort_values(
        ["_in_progress", "_mandated", "_trust", "_key", ID], kind="stable"
    )
    return sorted_frame.drop(columns=list(keys)).reset_index(drop=True)


def _mandate_blocks(by_choice: pd.DataFrame, rows: int) -> np.ndarray:
    """Per row of the original frame, the block it is scheduled in: 0, 1, ... for each mandated
    item (earliest due first, then in `by_choice`'s order) and the dependencies it still needs;
    `rows` (after every block) for everything else."""
    block = np.full(rows, rows, dtype=np.int64)
    if MANDATE not in by_choice or not by_choice[MANDATE].notna().any():
        return block
    position = {
        item_id: label for item_id, label in zip(by_choice[ID], by_choice.index, strict=True)
    }
    needs = dict(zip(by_choice[ID], by_choice[DEPENDS_ON], strict=True))
    mandated = [
        (due if due is not None and not pd.isna(due) else date.max, rank, item_id)
        for rank, (item_id, due, mandate) in enumerate(
            zip(by_choice[ID], by_choice[DUE], by_choice[MANDATE], strict=True)
        )
        if isinstance(mandate, str)
    ]
    for number, (_, _, item_id) in enumerate(sorted(mandated)):
        stack = [item_id]
        while stack:
            current = stack.pop()
            label = position.get(current)
            if label is None or block[label] < rows:
                continue  # done (not in the plan), or already brought forward
            block[label] = number
            stack.extend(needs[current])
    return block


# --- list scheduling --------------------------------------------------------------------------


def dispatch_order(
    frame: pd.DataFrame, done: frozenset[str] = frozenset()
) -> tuple[list[int], list[tuple[int, ...]]]:
    """The order in which list scheduling takes the rows of `frame`, and each row's dependencies.

    Repeatedly the first row (in the frame's order) whose dependencies have all been taken: this
    never depends on how long anything takes, so `ttv` and every run of `forecast` share it.
    Returns the row positions in the order taken and, per row, the positions it depends on.
    Dependencies on `done` ids are met; any other dependency outside the frame raises
    ValueError, as does a cycle.
    """
    ids: list[str] = list(frame[ID])
    index = {item_id: k for k, item_id in enumerate(ids)}
    deps: list[tuple[int, ...]] = []
    waiting = [0] * len(ids)
    # Only the items something waits for get a list: a list per item costs more than the rest.
    dependents: dict[int, list[int]] = {}
    for k, named in enumerate(frame[DEPENDS_ON]):
        mine = []
        for dep in named:
            if dep in done:
                continue
            if dep not in index:
                raise ValueError(f"{ids[k]} depends on {dep}, which is not in the schedule")
            mine.append(index[dep])
            waiting[k] += 1
            dependents.setdefault(index[dep], []).append(k)
        deps.append(tuple(mine))
    ready = [k for k in range(len(ids)) if waiting[k] == 0]
    heapq.heapify(ready)
    sequence: list[int] = []
    while ready:
        k = heapq.heappop(ready)
        sequence.append(k)
        for j in dependents.get(k, ()):
            waiting[j] -= 1
            if waiting[j] == 0:
                heapq.heappush(ready, j)
    if len(sequence) < len(ids):
        taken = set(sequence)
        stuck = sorted(ids[k] for k in range(len(ids)) if k not in taken)
        raise ValueError(f"dependency cycle among {', '.join(stuck)}")
    return sequence, deps


def schedule(
    frame: pd.DataFrame, plan: Resources, *, done: frozenset[str] = frozenset()
) -> pd.DataFrame:
    """List scheduling of `frame` (rows in the chosen order) on `plan.teams` teams.

    Repeatedly takes, among the items whose dependencies have all been taken, the first in the
    frame's order, and gives it to the team that frees up first (ties: lowest team number),
    starting no earlier than its dependencies finish. Returns SCHEDULE_COLUMNS, one row per item
    in the order taken (ORDER 1, 2, ...); TEAM counts from 1. CUMULATIVE_VALUE_PCT is the share of
    total value finished by the row's finish week (ties included; NaN when the total is not > 0).
    Dependencies on `done` ids are met; any other dependency outside the frame raises ValueError,
    as does a cycle.
    """
    ids: list[str] = list(frame[ID])
    sequence, deps = dispatch_order(frame, done)
    weeks: list[float] = (frame[EFFORT].astype(float) / plan.per_week).tolist()
    teams = [(0.0, t) for t in range(plan.teams)]  # (free from week, team): a heap
    finish = [math.nan] * len(ids)
    taken: list[tuple[int, int, float, float]] = []
    for k in sequence:
        free, team = heapq.heappop(teams)
        begin = max([free, *(finish[d] for d in deps[k])])
        end = _round_weeks(begin + weeks[k])
        finish[k] = end
        heapq.heappush(teams, (end, team))
        taken.append((k, team + 1, begin, end))

    rows = [k for k, _, _, _ in taken]
    starts = np.array([b for _, _, b, _ in taken], dtype=float)
    ends = np.array([e for _, _, _, e in taken], dtype=float)
    values = frame[VALUE].astype(float).to_numpy()[rows]
    finish_dates = working_day_dates(plan.start, ends, end=True)
    dues = [_date_or_none(d) for d in _column(frame, DUE)[rows]]
    return pd.DataFrame(
        {
            ORDER: np.arange(1, len(rows) + 1),
            ID: [ids[k] for k in rows],
            TITLE: frame[TITLE].to_numpy()[rows],
            POOL: frame[POOL].to_numpy()[rows],
            TEAM: np.array([t for _, t, _, _ in taken], dtype=int),
            START_WEEK: starts,
            FINISH_WEEK: ends,
            START_DATE: working_day_dates(plan.start, starts, end=False),
            FINISH_DATE: finish_dates,
            VALUE: values,
            CUMULATIVE_VALUE_PCT: _cumulative_pct(values, ends),
            # object columns: None stays None (pandas would make missing text NaN)
            DUE: pd.Series(dues, dtype=object),
            LATE: pd.Series(
                [
                    None if due is None else f > due
                    for f, due in zip(finish_dates, dues, strict=True)
                ],
                dtype=object,
            ),
            MANDATE: pd.Series(
                [m if isinstance(m, str) else None for m in _column(frame, MANDATE)[rows]],
                dtype=object,
            ),
        },
        columns=SCHEDULE_COLUMNS,
    )


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    # Frames built before due dates and mandates existed (and in tests) may lack the column.
    return frame[name].to_numpy() if name in frame else np.full(len(frame), None, dtype=object)


def _date_or_none(value: Any) -> date | None:
    return value if isinstance(value, date) else None


def due_offsets(start: date, dues: Sequence[date]) -> np.ndarray:
    """Per due date, the working-day offset from `start` of the last working day on or before
    it: work finishing on a working day at most this offset is on time (-1: due before start)."""
    if not dues:
        return np.empty(0, dtype=np.int64)
    days = np.array([np.datetime64(d, "D") + 1 for d in dues])
    return np.asarray(np.busday_count(np.datetime64(start, "D"), days) - 1)


def finish_offsets(weeks: np.ndarray) -> np.ndarray:
    """The working-day offset on which work finishing at `weeks` completes (as working_day_dates)."""
    days = np.round(np.asarray(weeks, dtype=float) * WORKING_DAYS_PER_WEEK, _DIGITS)
    return np.asarray(np.maximum(np.ceil(days) - 1, 0), dtype=np.int64)


def working_day_dates(start: date, weeks: np.ndarray, *, end: bool) -> list[date]:
    """The working day (Mon-Fri from `start`, rolled forward to a weekday) at a point in weeks.

    A start at week w falls on the day after w * 5 whole working days; a finish at week w on
    the working day during which the work completes (a one-week item from a Monday: that Friday).
    """
    days = np.round(np.asarray(weeks, dtype=float) * WORKING_DAYS_PER_WEEK, _DIGITS)
    offsets = np.maximum(np.ceil(days) - 1, 0) if end else np.floor(days)
    past = PrioritizeError(
        message=f"the schedule from {start.isoformat()} runs past the year 9999, the last a date "
        "can hold; start earlier, or give more --capacity or --teams"
    )
    # Working days to the end of 9999 from any start: fewer than 3,700,000 (and no overflow).
    if len(offsets) and not offsets.max() < 3_700_000:
        raise past
    found = np.busday_offset(np.datetime64(start, "D"), offsets.astype(np.int64), roll="forward")
    if len(found) and found.max() > np.datetime64("9999-12-31"):
        raise past
    # Equal days as one date object: thousands of items finish on each day of a long schedule.
    days_found, at = np.unique(found.astype("datetime64[D]"), return_inverse=True)
    shared = np.array(days_found.tolist(), dtype=object)
    dates: list[date] = shared[at.reshape(-1)].tolist()
    return dates


def _round_weeks(value: float) -> float:
    """`value` rounded to _DIGITS decimals as numpy rounds a float64 (scaled, rounded half to
    even, scaled back), which is not always Python's `round`: in plain floats, it is many times
    faster than numpy's rounding of one number at a time."""
    scaled = value * _SCALE
    return round(scaled) / _SCALE if math.isfinite(scaled) else scaled / _SCALE


def _cumulative_pct(values: np.ndarray, finishes: np.ndarray) -> np.ndarray:
    total = float(values.sum())
    if len(values) == 0 or not total > 0:
        return np.full(len(values), np.nan)
    by_time = np.argsort(finishes, kind="stable")
    running = np.cumsum(values[by_time])
    reached = np.searchsorted(finishes[by_time], finishes, side="right")
    return 100.0 * running[reached - 1] / total


def delivered_by(schedule_frame: pd.DataFrame, weeks: Sequence[float]) -> list[float | None]:
    """The percentage of total value finished by each of `weeks` (None when the total is not > 0)."""
    values = schedule_frame[VALUE].astype(float).to_numpy()
    finishes = schedule_frame[FINISH_WEEK].astype(float).to_numpy()
    total = values.sum()
    if not total > 0:
        return [None for _ in weeks]
    return [float(100.0 * values[finishes <= w + 1e-9].sum() / total) for w in weeks]


# --- summing up -------------------------------------------------------------------------------


def figures(schedule_frame: pd.DataFrame) -> dict[str, float | None]:
    """total_value, mean_weeks_to_value (value-weighted mean finish week), weeks_to_50pct and
    weeks_to_80pct (the finish week at which cumulative value first reaches the share), and
    last_finish_week. The means and shares are None when total value is not > 0."""
    values = schedule_frame[VALUE].astype(float).to_numpy()
    finishes = schedule_frame[FINISH_WEEK].astype(float).to_numpy()
    total = float(values.sum())
    out: dict[str, float | None] = {
        TOTAL_VALUE: total,
        MEAN_WEEKS: None,
        WEEKS_TO_50: None,
        WEEKS_TO_80: None,
        LAST_FINISH: float(finishes.max()) if len(finishes) else 0.0,
    }
    if total > 0:
        out[MEAN_WEEKS] = float((values * finishes).sum() / total)
        by_time = np.argsort(finishes, kind="stable")
        running = np.cumsum(values[by_time])
        for key, share in ((WEEKS_TO_50, 0.5), (WEEKS_TO_80, 0.8)):
            first = int(np.argmax(running >= share * total * (1 - 1e-12)))
            out[key] = float(finishes[by_time][first])
    return out


def pool_deliveries(schedule_frame: pd.DataFrame) -> pd.DataFrame:
    """Per value pool: items, value, and the finish week and date of its first and last delivery.

    Sorted by first delivery, then pool id.
    """
    rows = []
    for pool, group in schedule_frame.groupby(POOL, sort=True):
        # By position, not label: the first row of the earliest and of the latest finish.
        first = group.iloc[int(group[FINISH_WEEK].argmin())]
        last = group.iloc[int(group[FINISH_WEEK].argmax())]
        rows.append(
            {
                POOL: pool,
                "items": len(group),
                VALUE: float(group[VALUE].sum()),
                "first_delivery_week": float(first[FINISH_WEEK]),
                "last_delivery_week": float(last[FINISH_WEEK]),
                "first_delivery_date": first[FINISH_DATE],
                "last_delivery_date": last[FINISH_DATE],
            }
        )
    frame = pd.DataFrame(rows, columns=POOL_COLUMNS)
    return frame.sort_values(["first_delivery_week", POOL], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class TimeToValue:
    """The `ttv` report: the chosen schedule, its summary, every ordering compared, the file-order baseline."""

    schedule: pd.DataFrame
    summary: dict[str, Any]
    comparison: pd.DataFrame
    pools: pd.DataFrame
    listed: pd.DataFrame
    order: str
    low_risk_first: bool
    plan: Resources


def time_to_value(
    cands: Candidates, order: str, plan: Resources, *, low_risk_first: bool = False
) -> TimeToValue:
    """Schedule the candidates in the chosen order and compare it with the other orderings.

    The comparison has one row per order of ORDERS without low-risk-first, then the chosen order
    with low-risk-first (so the cost of building trust first is always shown); CHOSEN marks the
    chosen row. GAIN is listed's mean_weeks_to_value minus the row's: weeks by which value arrives
    earlier, on average, than in file order.
    """
    runs = [(o, False) for o in ORDERS] + [(order, True)]
    kept = {(order, low_risk_first), ("listed", False)}
    # A run at a time, only the frames the report shows kept: every run's frame at once held
    # as much as the scored workspace at 100,000 items.
    schedules: dict[tuple[str, bool], pd.DataFrame] = {}
    results: dict[tuple[str, bool], dict[str, float | None]] = {}
    for run in runs:
        frame = schedule(ordered(cands.frame, run[0], low_risk_first=run[1]), plan, done=cands.done)
        results[run] = figures(frame)
        if run in kept:
            schedules[run] = frame
        del frame
    baseline = results[("listed", False)][MEAN_WEEKS]

    def gain(mean: float | None) -> float | None:
        return None if mean is None or baseline is None else baseline - mean

    comparison = pd.DataFrame(
        [
            {
                ORDER: o,
                LOW_RISK_FIRST: lrf,
                CHOSEN: (o, lrf) == (order, low_risk_first),
                **result,
                GAIN: gain(result[MEAN_WEEKS]),
            }
            for (o, lrf), result in results.items()
        ],
        columns=COMPARISON_COLUMNS,
    )
    chosen = schedules[(order, low_risk_first)]
    pools = pool_deliveries(chosen)
    result = results[(order, low_risk_first)]
    last = (
        chosen[FINISH_DATE].iloc[int(chosen[FINISH_WEEK].to_numpy().argmax())]
        if len(chosen)
        else None
    )
    summary: dict[str, Any] = {
        ORDER: order,
        LOW_RISK_FIRST: low_risk_first,
        "capacity_per_week": plan.per_week,
        "teams": plan.teams,
        "start": plan.start,
        "items": len(chosen),
        **result,
        "last_finish_date": last,
        GAIN: gain(result[MEAN_WEEKS]),
        MANDATED: int(chosen[MANDATE].notna().sum()),
        DEADLINES_MET: int((chosen[LATE] == False).sum()),  # noqa: E712  (None: no due date)
        DEADLINES_MISSED: int((chosen[LATE] == True).sum()),  # noqa: E712
        "pools": [
            {
                key: (value.item() if isinstance(value, np.generic) else value)
                for key, value in row.items()
            }
            for row in pools.to_dict(orient="records")
        ],
    }
    return TimeToValue(
        chosen,
        summary,
        comparison,
        pools,
        schedules[("listed", False)],
        order,
        low_risk_first,
        plan,
    )


__all__ = [
    "COMPARISON_COLUMNS",
    "ORDERS",
    "PLANNED_COLUMNS",
    "POOL_COLUMNS",
    "SCHEDULE_COLUMNS",
    "Candidates",
    "Resources",
    "TimeToValue",
    "candidates",
    "delivered_by",
    "dispatch_order",
    "figures",
    "next_monday",
    "ordered",
    "pool_deliveries",
    "resources",
    "schedule",
    "time_to_value",
    "working_day_dates",
]
