"""Delivered items: what was predicted (value, rank, effort) against what was measured.

Pure: items, pools and a criteria set in, frames and problems out (docs/reference.md 5, `outcomes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from prioritize.errors import Problem, Ref
from prioritize.models import Item, ValuePool, did_you_mean
from prioritize.scoring import EFFORT, ID, POOL, RANK, STATUS, TITLE, VALUE

PREDICTED_VALUE, PREDICTED_RANK = "predicted_value", "predicted_rank"
ACTUAL_EFFORT, EFFORT_ERROR_PCT = "actual_effort", "effort_error_pct"
KPI, BASELINE, BEFORE, AFTER, TARGET, KPI_MOVED_PCT = (
    "kpi",
    "baseline",
    "before",
    "after",
    "target",
    "kpi_moved_pct",
)
DELIVERED = "delivered"
OUTCOME_COLUMNS = [
    ID,
    TITLE,
    POOL,
    PREDICTED_VALUE,
    PREDICTED_RANK,
    EFFORT,
    ACTUAL_EFFORT,
    EFFORT_ERROR_PCT,
    KPI,
    BASELINE,
    BEFORE,
    AFTER,
    TARGET,
    KPI_MOVED_PCT,
    DELIVERED,
]

ITEMS, MEDIAN_EFFORT_ERROR_PCT, MEAN_KPI_MOVED_PCT = (
    "items",
    "median_effort_error_pct",
    "mean_kpi_moved_pct",
)
SUMMARY_COLUMNS = [POOL, ITEMS, MEDIAN_EFFORT_ERROR_PCT, MEAN_KPI_MOVED_PCT]
ALL_POOLS = "all pools"  # the overall row's pool: never a pool id (ids hold no spaces)

# Done items stand in as this status when scored "as at the time".
_AS_OPEN = "in-progress"


def as_still_open(items: pd.DataFrame) -> pd.DataFrame:
    """The items frame with done items standing in as open, so that scoring ranks them too.

    Scored this way, open and done items rank in one order (rank 1 first); done items read
    status "in-progress" in the result, dropped items still take no part, and auto ranges
    span the done items too.
    """
    return items.assign(**{STATUS: items[STATUS].where(items[STATUS] != "done", _AS_OPEN)})


def outcome_rows(
    pools: Sequence[ValuePool], items: Sequence[Item], prediction: pd.DataFrame
) -> pd.DataFrame:
    """One row per done item with an outcome (OUTCOME_COLUMNS), delivered first to last, ties by id.

    Items without a delivery date come last. `prediction` is `pipeline.predicted(...).frame`.
    `effort_error_pct` = 100 * (actual_effort - effort) / effort: above 0, the work took more
    than estimated. `kpi_moved_pct` = 100 * (after - before) / (target - baseline): the share of
    the way from baseline to target that the item moved its KPI (negative: away from target).
    Empty where a value is missing, the KPI is not one of the pool's, or target equals baseline.
    """
    kpis = {(pool.id, kpi.id): kpi for pool in pools for kpi in pool.kpis}
    rows = []
    for item in items:
        outcome = item.outcome
        if item.status != "done" or outcome is None:
            continue
        kpi = kpis.get((item.pool, outcome.kpi)) if outcome.kpi is not None else None
        rows.append(
            {
                ID: item.id,
                TITLE: item.title,
                POOL: item.pool,
                EFFORT: item.effort,
                ACTUAL_EFFORT: outcome.actual_effort,
                KPI: outcome.kpi,
                BASELINE: kpi.baseline if kpi else None,
                BEFORE: outcome.before,
                AFTER: outcome.after,
                TARGET: kpi.target if kpi else None,
                DELIVERED: outcome.delivered,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            c
            for c in OUTCOME_COLUMNS
            if c not in (PREDICTED_VALUE, PREDICTED_RANK, EFFORT_ERROR_PCT, KPI_MOVED_PCT)
        ],
    )
    for column in (EFFORT, ACTUAL_EFFORT, BASELINE, BEFORE, AFTER, TARGET):
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    frame[KPI] = frame[KPI].astype(object)
    with np.errstate(divide="ignore", invalid="ignore"):
        error = 100.0 * (frame[ACTUAL_EFFORT] - frame[EFFORT]) / frame[EFFORT]
        moved = 100.0 * (frame[AFTER] - frame[BEFORE]) / (frame[TARGET] - frame[BASELINE])
    frame[EFFORT_ERROR_PCT] = error.where(np.isfinite(error))
    frame[KPI_MOVED_PCT] = moved.where(np.isfinite(moved))

    by_id = prediction.set_index(ID)
    frame[PREDICTED_VALUE] = frame[ID].map(by_id[VALUE]).astype(float)
    frame[PREDICTED_RANK] = pd.array(frame[ID].map(by_id[RANK]).tolist(), dtype="Int64")
    order = frame[DELIVERED].map(lambda d: (0, d) if isinstance(d, date) else (1, date.min))
    frame = (
        frame.assign(_order=order).sort_values(["_order", ID], kind="stable").drop(columns="_order")
    )
    return frame[OUTCOME_COLUMNS].reset_index(drop=True)


def outcome_summary(rows: pd.DataFrame) -> pd.DataFrame:
    """Per pool (by id), then one ALL_POOLS row: items, median effort error %, mean KPI movement %.

    Medians and means skip empty values; empty where a pool has none.
    """

    def summarise(pool: str, group: pd.DataFrame) -> dict[str, object]:
        return {
            POOL: pool,
            ITEMS: len(group),
            MEDIAN_EFFORT_ERROR_PCT: group[EFFORT_ERROR_PCT].median(),
            MEAN_KPI_MOVED_PCT: group[KPI_MOVED_PCT].mean(),
        }

    summary = [summarise(pool, rows[rows[POOL] == pool]) for pool in sorted(rows[POOL].unique())]
    summary.append(summarise(ALL_POOLS, rows))
    frame = pd.DataFrame(summary, columns=SUMMARY_COLUMNS)
    return frame.astype({ITEMS: int, MEDIAN_EFFORT_ERROR_PCT: float, MEAN_KPI_MOVED_PCT: float})


def outcome_problems(pools: Sequence[ValuePool], items: Sequence[Item]) -> list[Problem]:
    """Warnings for `check`, in item order: done items that record no outcome
    (`done-without-outcome`) and outcomes naming a KPI their pool does not have (`unknown-kpi`).

    An item whose pool is unknown draws no `unknown-kpi`: `unknown-pool` already covers it.
    """
    pool_kpis = {pool.id: [kpi.id for kpi in pool.kpis] for pool in pools}
    problems: list[Problem] = []
    for item in items:
        if item.status == "done" and item.outcome is None:
            problems.append(
                Problem(
                    "done-without-outcome",
                    "warning",
                    Ref("item", item.id),
                    f"{item.id} is done but records no outcome; add outcome: with delivered, actual_effort, "
                    "kpi, before and after so that `outcomes` can compare it with the prediction",
                )
            )
        if item.outcome is None or item.outcome.kpi is None or item.pool not in pool_kpis:
            continue
        known = pool_kpis[item.pool]
        if item.outcome.kpi not in known:
            names = ", ".join(known) if known else "none"
            problems.append(
                Problem(
                    "unknown-kpi",
                    "warning",
                    Ref("item", item.id, ("outcome", "kpi")),
                    f'KPI "{item.outcome.kpi}" is not a KPI of value pool "{item.pool}"'
                    f"{did_you_mean(item.outcome.kpi, known)}; its KPIs: {names}",
                )
            )
    return problems


__all__ = [
    "ALL_POOLS",
    "OUTCOME_COLUMNS",
    "SUMMARY_COLUMNS",
    "as_still_open",
    "outcome_problems",
    "outcome_rows",
    "outcome_summary",
]
