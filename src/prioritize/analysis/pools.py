"""Value pools: their open items, value and effort, best item, and how far each KPI has come.

Pure: pools and a scoring frame in, frames out (docs/reference.md 5, `pools`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from prioritize.models import ValuePool
from prioritize.scoring import EFFORT, ID, POOL, RANK, VALUE

# Pool rows.
NAME, BENEFICIARY, KIND = "name", "beneficiary", "kind"
ITEMS, SCORED, TOTAL_VALUE = "items", "scored", "total_value"
TOP_ITEM, TOP_RANK = "top_item", "top_rank"
KPIS, KPI_PROGRESS_MEAN, FLAGS = "kpis", "kpi_progress_mean", "flags"
POOL_COLUMNS = [
    ID,
    NAME,
    BENEFICIARY,
    KIND,
    ITEMS,
    SCORED,
    TOTAL_VALUE,
    EFFORT,
    TOP_ITEM,
    TOP_RANK,
    KPIS,
    KPI_PROGRESS_MEAN,
    FLAGS,
]

# KPI rows (POOL names the pool, ID the KPI).
DATA, UNIT, BASELINE, CURRENT, TARGET, PROGRESS = (
    "data",
    "unit",
    "baseline",
    "current",
    "target",
    "progress",
)
KPI_COLUMNS = [POOL, ID, NAME, DATA, UNIT, BASELINE, CURRENT, TARGET, PROGRESS]

NO_OPEN_ITEMS, NO_SCORED_ITEMS, NO_KPIS = "no open items", "no scored items", "no KPIs"


def kpi_progress(baseline: object, current: object, target: object) -> np.ndarray:
    """The share of the way from baseline to target travelled: (current - baseline) / (target - baseline).

    Works for KPIs that go down (target below baseline) as well as up. Not clipped: below 0 the
    KPI moved away from its target, above 1 it passed it. NaN where a value is missing or the
    target equals the baseline.
    """
    b, c, t = (
        np.asarray(pd.to_numeric(pd.Series(v, dtype=object)), dtype=float)
        for v in (baseline, current, target)
    )
    span = t - b
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (c - b) / span
    return np.where(np.isfinite(share) & (span != 0), share, np.nan)


def kpi_rows(pools: Sequence[ValuePool]) -> pd.DataFrame:
    """One row per KPI (KPI_COLUMNS), pools and their KPIs in the order given."""
    rows = [
        {
            POOL: pool.id,
            ID: kpi.id,
            NAME: kpi.name,
            DATA: kpi.data,
            UNIT: kpi.unit,
            BASELINE: kpi.baseline,
            CURRENT: kpi.current,
            TARGET: kpi.target,
        }
        for pool in pools
        for kpi in pool.kpis
    ]
    frame = pd.DataFrame(rows, columns=KPI_COLUMNS[:-1])
    for column in (BASELINE, CURRENT, TARGET):
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    return frame.assign(**{PROGRESS: kpi_progress(frame[BASELINE], frame[CURRENT], frame[TARGET])})


def pool_rows(
    pools: Sequence[ValuePool], scored: pd.DataFrame, kpis: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per value pool (POOL_COLUMNS), highest total value first, ties by id.

    `scored` is the frame of `scoring.score`: the open items (not done or dropped), rank empty
    where unscored. `items` counts a pool's open items and `scored` those with a rank;
    `total_value` sums the value of its scored items and `effort` the effort of its open items
    that have one (0 where there is nothing to add up). `top_item`/`top_rank`: its best-ranked
    item. `kpis` counts its KPIs and `kpi_progress_mean` is the mean progress of those with one.
    `flags` lists what needs attention: no open items, no scored items, no KPIs.
    """
    kpis = kpi_rows(pools) if kpis is None else kpis
    grouped = scored.groupby(POOL, sort=False)
    items = grouped.size()
    counted = grouped[RANK].count()
    value = grouped[VALUE].sum(min_count=0)
    effort = grouped[EFFORT].sum(min_count=0)
    ranked = (
        scored[scored[RANK].notna()].sort_values([RANK, ID], kind="stable").drop_duplicates(POOL)
    )
    top = ranked.set_index(POOL)
    kpi_count = kpis.groupby(POOL, sort=False).size()
    kpi_mean = kpis.groupby(POOL, sort=False)[PROGRESS].mean()

    rows = []
    for pool in pools:
        n_items, n_scored, n_kpis = (
            int(items.get(pool.id, 0)),
            int(counted.get(pool.id, 0)),
            int(kpi_count.get(pool.id, 0)),
        )
        flags = [NO_OPEN_ITEMS] if n_items == 0 else ([NO_SCORED_ITEMS] if n_scored == 0 else [])
        if n_kpis == 0:
            flags.append(NO_KPIS)
        rows.append(
            {
                ID: pool.id,
                NAME: pool.name,
                BENEFICIARY: pool.beneficiary,
                KIND: pool.kind,
                ITEMS: n_items,
                SCORED: n_scored,
                TOTAL_VALUE: float(value.get(pool.id, 0.0)),
                EFFORT: float(effort.get(pool.id, 0.0)),
                TOP_ITEM: top[ID].get(pool.id),
                TOP_RANK: top[RANK].get(pool.id),
                KPIS: n_kpis,
                KPI_PROGRESS_MEAN: float(kpi_mean.get(pool.id, np.nan)),
                FLAGS: flags,
            }
        )
    frame = pd.DataFrame(rows, columns=POOL_COLUMNS)
    frame[TOP_RANK] = pd.array(
        [None if pd.isna(r) else int(r) for r in frame[TOP_RANK]], dtype="Int64"
    )
    frame[KPI_PROGRESS_MEAN] = frame[KPI_PROGRESS_MEAN].astype(float)
    return frame.sort_values([TOTAL_VALUE, ID], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


__all__ = [
    "KPI_COLUMNS",
    "POOL_COLUMNS",
    "kpi_progress",
    "kpi_rows",
    "pool_rows",
]
