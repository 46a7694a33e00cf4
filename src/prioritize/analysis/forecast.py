"""`prioritize forecast`: when value arrives and how sure we are, from many simulated schedules.

Pure: candidates, items and options in, a Forecast out (docs/reference.md 5, `forecast`).
Randomness comes only from numpy generators seeded by the caller's seed, so the same seed gives
the same figures. Weeks are counted exactly as `ttv`'s finish_week; a date is the working day on
which work finishing at that week completes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from prioritize import forecasting
from prioritize.forecasting import Capacity
from prioritize.models import Item
from prioritize.scheduling import (
    DUE,
    MANDATE,
    Candidates,
    Resources,
    dispatch_order,
    due_offsets,
    finish_offsets,
    ordered,
    working_day_dates,
)
from prioritize.scoring import EFFORT, ID, TITLE, VALUE

DEFAULT_RUNS, DEFAULT_SEED, DEFAULT_LEVEL = 10_000, 0, 85
# Runs x items the arrays of one forecast may hold (some 50 bytes each at the peak): 10,000 runs
# of 2,000 items. Past it the default runs are fewer, and more runs than fit are refused.
MAX_ITEM_RUNS = 20_000_000


def runs_that_fit(items: int) -> int:
    """The most runs a forecast of `items` items may make."""
    return max(1, MAX_ITEM_RUNS // max(1, items))


MIN_LEVEL, MAX_LEVEL = 50, 95  # so that P50 <= P-level <= P95 always holds
FAN_LOW, FAN_HIGH = 15, 85  # the fan chart's band around the median

P50_WEEK, P50_DATE, LEVEL_WEEK, LEVEL_DATE = "p50_week", "p50_date", "level_week", "level_date"
P95_WEEK, P95_DATE, P_ON_TIME = "p95_week", "p95_date", "p_on_time"
ITEM_COLUMNS = [
    ID, TITLE, DUE, MANDATE, P50_WEEK, P50_DATE, LEVEL_WEEK, LEVEL_DATE, P95_WEEK, P95_DATE, P_ON_TIME,
]  # fmt: skip
SUMMARY_KEYS = (
    "runs", "seed", "level", "effort_source", "history_items", "weeks_to_50pct_p50",
    "weeks_to_50pct_level", "weeks_to_80pct_p50", "weeks_to_80pct_level", "deadlines_at_risk",
)  # fmt: skip
WILL, MIGHT, WONT = "will", "might", "wont"


@dataclass(frozen=True)
class CapacityChange:
    """From `on` on, capacity is the usual capacity times `factor` (the latest change in force
    wins: a later change of 0% restores the usual capacity)."""

    on: date
    factor: float


@dataclass(frozen=True)
class Options:
    order: str = "score"
    low_risk_first: bool = False
    runs: int = DEFAULT_RUNS
    seed: int = DEFAULT_SEED
    level: int = DEFAULT_LEVEL
    by: date | None = None
    changes: tuple[CapacityChange, ...] = ()


@dataclass(frozen=True)
class Forecast:
    """Per item (in the order `ttv` takes them) the delivery at P50, the level and P95 and the
    chance of meeting its due date; the summary; the cut line (None without `by`); the fan chart
    (cumulative value in percent of the total at FAN_LOW, 50 and FAN_HIGH, week by week); and how
    many items drew their effort from each source."""

    items: pd.DataFrame
    summary: dict[str, Any]
    cut_line: dict[str, Any] | None
    fan: pd.DataFrame
    sources: dict[str, int]
    plan: Resources
    options: Options
    total_value: float
    capacity_weeks: int  # past weeks a week's capacity was drawn from (0: fixed capacity)


def reference_ratios(items: Sequence[Item]) -> list[float]:
    """actual_effort / effort of every delivered item that records both (the reference class)."""
    return [
        item.outcome.actual_effort / item.effort
        for item in items
        if item.status == "done"
        and item.effort is not None
        and item.outcome is not None
        and item.outcome.actual_effort is not None
    ]


def forecast(
    cands: Candidates,
    items: Sequence[Item],
    plan: Resources,
    options: Options,
) -> Forecast:
    """Simulate `options.runs` schedules of the candidates, in the order `ttv` would use."""
    frame = ordered(cands.frame, options.order, low_risk_first=options.low_risk_first)
    sequence, deps = dispatch_order(frame, cands.done)
    by_id = {item.id: item for item in items}
    ids = list(frame[ID])
    ratios = reference_ratios(items)
    model = forecasting.efforts(
        frame[EFFORT].astype(float).to_numpy(),
        [_range(by_id[i]) for i in ids],
        ratios,
    )
    effort_rng, capacity_rng = (np.random.default_rng([options.seed, k]) for k in (0, 1))
    drawn = forecasting.draw_efforts(model, options.runs, effort_rng)
    capacity = Capacity(
        plan.per_week,
        plan.teams,
        plan.history,
        tuple((_week_of(plan.start, c.on), c.factor) for c in options.changes),
    )
    finish = forecasting.finish_weeks(sequence, deps, drawn, capacity, capacity_rng)
    finish = finish[sequence]  # items x runs, in the order taken, as ttv's schedule rows
    taken = frame.iloc[sequence].reset_index(drop=True)
    values = taken[VALUE].astype(float).to_numpy()
    level = options.level

    at = forecasting.percentile(finish, [50, level, 95], axis=1)
    weeks = dict(zip((50, level, 95), at, strict=True))
    dues = [d if isinstance(d, date) else None for d in taken[DUE]]
    on_time = _p_on_time(finish, dues, plan.start)
    items_frame = pd.DataFrame(
        {
            ID: taken[ID].to_numpy(),
            TITLE: taken[TITLE].to_numpy(),
            # object columns: None stays None (pandas would make missing text NaN)
            DUE: pd.Series(dues, dtype=object),
            MANDATE: pd.Series(
                [m if isinstance(m, str) else None for m in taken[MANDATE]], dtype=object
            ),
            P50_WEEK: weeks[50],
            P50_DATE: working_day_dates(plan.start, weeks[50], end=True),
            LEVEL_WEEK: weeks[level],
            LEVEL_DATE: working_day_dates(plan.start, weeks[level], end=True),
            P95_WEEK: weeks[95],
            P95_DATE: working_day_dates(plan.start, weeks[95], end=True),
            P_ON_TIME: pd.Series(on_time, dtype=object),  # None: no due date
        },
        columns=ITEM_COLUMNS,
    )
    summary: dict[str, Any] = {
        "runs": options.runs,
        "seed": options.seed,
        "level": level,
        "effort_source": model.summary_source,
        "history_items": len(model.ratios) if forecasting.HISTORY in model.source else 0,
    }
    deliveries = forecasting.Deliveries.of(np.ascontiguousarray(finish.T), values)
    for share in (50, 80):
        per_run = deliveries.weeks_to_share(share / 100)
        known = not np.isnan(per_run).any()
        p50, at_level = forecasting.percentile(per_run, [50, level]) if known else (None, None)
        summary[f"weeks_to_{share}pct_p50"] = None if p50 is None else float(p50)
        summary[f"weeks_to_{share}pct_level"] = None if at_level is None else float(at_level)
    summary["deadlines_at_risk"] = [
        item_id
        for item_id, p in zip(items_frame[ID], on_time, strict=True)
        if p is not None and p * 100 < level
    ]
    return Forecast(
        items_frame,
        summary,
        _cut_line(finish, values, list(taken[ID]), plan.start, options) if options.by else None,
        _fan(finish, values),
        {s: model.source.count(s) for s in dict.fromkeys(model.source)},
        plan,
        options,
        float(values.sum()),
        len(plan.history),
    )


def _range(item: Item) -> tuple[float, float] | None:
    return (item.effort_range[0], item.effort_range[1]) if item.effort_range else None


def _week_of(start: date, day: date) -> float:
    """The week (from the start, in working days / 5) on which `day` falls."""
    return float(np.busday_count(np.datetime64(start, "D"), np.datetime64(day, "D"))) / 5


def _p_on_time(finish: np.ndarray, dues: list[date | None], start: date) -> list[float | None]:
    with_due = [k for k, d in enumerate(dues) if d is not None]
    out: list[float | None] = [None] * len(dues)
    if not with_due:
        return out
    limits = due_offsets(start, [d for d in dues if d is not None])
    done_on = finish_offsets(finish[with_due])
    shares = (done_on <= limits[:, None]).mean(axis=1)
    for k, share in zip(with_due, shares, strict=True):
        out[k] = float(share)
    return out


def _cut_line(
    finish: np.ndarray, values: np.ndarray, ids: list[str], start: date, options: Options
) -> dict[str, Any]:
    assert options.by is not None
    limit = due_offsets(start, [options.by])[0]
    delivered = finish_offsets(finish) <= limit
    chance = delivered.mean(axis=1) * 100
    level = options.level
    by_value = values @ delivered
    return {
        "by": options.by,
        WILL: [i for i, p in zip(ids, chance, strict=True) if p >= level],
        MIGHT: [i for i, p in zip(ids, chance, strict=True) if 100 - level <= p < level],
        WONT: [i for i, p in zip(ids, chance, strict=True) if p < 100 - level],
        # The median run's value, and the value reached in at least `level` percent of runs.
        "value_p50": float(forecasting.percentile(by_value, 50)),
        "value_level": float(forecasting.percentile(by_value, 100 - level)),
    }


def _fan(finish: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    """Cumulative value (percent of the total) by the end of each week, at three percentiles."""
    total = float(values.sum())
    if finish.size == 0 or not total > 0:
        return pd.DataFrame(columns=["week", "p15", "p50", "p85"])
    last = math.ceil(float(forecasting.percentile(finish.max(axis=0), FAN_HIGH)))
    weeks = np.arange(0, max(last, 1) + 1)
    # Each item's value lands in the week by whose end it is done (past the chart: one more
    # bucket, left out); a running sum over the weeks is then the value delivered by each.
    runs, width = finish.shape[1], len(weeks) + 1
    bucket = np.clip(np.ceil(np.round(finish, 9)), 0, width - 1).astype(np.int64)
    flat = (np.arange(runs)[None, :] * width + bucket).ravel()
    landed = np.bincount(
        flat, weights=np.broadcast_to(values[:, None], finish.shape).ravel(), minlength=runs * width
    )
    cumulative = np.cumsum(landed.reshape(runs, width)[:, :-1], axis=1) * 100 / total
    low, median, high = forecasting.percentile(cumulative, [FAN_LOW, 50, FAN_HIGH])
    return pd.DataFrame({"week": weeks, "p15": low, "p50": median, "p85": high})


def fiscal_year_end(today: date, start_month_day: str) -> date:
    """The last day of the fiscal year holding `today`, for a year starting on MM-DD."""
    month, day = (int(part) for part in start_month_day.split("-"))
    start = date(today.year, month, day)
    if start > today:
        start = date(today.year - 1, month, day)
    return date(start.year + 1, month, day) - timedelta(days=1)


def quarter(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"
