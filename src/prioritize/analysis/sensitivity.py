"""How robust the ranking is to the weights: Monte Carlo re-rankings and single-weight moves.

Pure: a Scoring in, frames out (docs/reference.md 5, `sensitivity`). Randomness comes only from
numpy's default_rng seeded by the caller, so the same seed gives the same result.

Weighted sets: each run multiplies every weight by its own factor drawn uniformly from
[1 - spread, 1 + spread]; values are recomputed from the normalized criteria, then divided by
effort (per_effort) and multiplied by the risk factor as usual. Formula sets have no weights:
each run multiplies every input of every item (the number the formula reads for a criterion)
by its own such factor. (One factor per criterion shared by all items would leave a formula
that only multiplies, like RICE or ICE, in the same order every time.) Every run ranks by score
descending, ties by id ascending, as `rank` does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from prioritize.formula import evaluate
from prioritize.scoring import (
    EFFORT,
    ID,
    RANK,
    RISK_FACTOR,
    TITLE,
    Scoring,
    contribution_column,
)

DEFAULT_RUNS, DEFAULT_SPREAD, DEFAULT_SEED, DEFAULT_TOP = 1000, 0.3, 0, 10
# The top K is stable when every item in it stays in the top K in at least this share of runs.
STABLE_SHARE = 0.9
MIN_FACTOR, MAX_FACTOR = 0.1, 10.0
_GRID_POINTS = 400  # per direction, log-spaced between 1 and 10 (or 0.1)
# Floats per chunk of runs: memory stays flat however many runs, and a chunk of one
# criterion's products stays in the processor's cache while it is summed.
_CHUNK_CELLS = 500_000
_PAIRWISE_BLOCK = 128  # numpy's pairwise summation: a plain loop up to this many terms

# Item rows.
MEDIAN_RANK, P5_RANK, P95_RANK, TOP_K_PROBABILITY = (
    "median_rank",
    "p5_rank",
    "p95_rank",
    "top_k_probability",
)
ITEM_COLUMNS = [ID, RANK, MEDIAN_RANK, P5_RANK, P95_RANK, TOP_K_PROBABILITY]
# Criterion rows: the smallest move of one weight (or input) alone that changes the first place.
CRITERION, WEIGHT, FACTOR, NEW_WEIGHT, NEW_FIRST = (
    "criterion",
    "weight",
    "factor",
    "new_weight",
    "new_first",
)
CRITERIA_COLUMNS = [CRITERION, WEIGHT, FACTOR, NEW_WEIGHT, NEW_FIRST]

WEIGHTS, INPUTS = "weights", "inputs"


@dataclass(frozen=True)
class Sensitivity:
    """The result. `items` holds ITEM_COLUMNS then TITLE, in rank order; `criteria` holds
    CRITERIA_COLUMNS in set order, with FACTOR None where no factor within 0.1x to 10x changes
    the first place. `perturbed` says what was varied: "weights", or "inputs" for formula sets.
    `fragile` lists (id, top_k_probability) of the top-K items that fall below STABLE_SHARE,
    least stable first."""

    items: pd.DataFrame
    criteria: pd.DataFrame
    runs: int
    spread: float
    seed: int
    top: int
    perturbed: str
    first: str | None
    first_share: float | None
    stable: bool
    fragile: list[tuple[str, float]]
    verdict: str


class _Scorer:
    """Scores of the ranked items (sorted by id) under a matrix of factors, one row per run."""

    def __init__(self, scoring: Scoring) -> None:
        ranked = scoring.ranked.sort_values(ID, kind="stable")
        self.ids = ranked[ID].to_numpy(dtype=object)
        self.criteria = scoring.criteria
        self.formula = scoring.formula
        columns = [contribution_column(c.id) for c in scoring.criteria.criteria]
        # Weighted: contributions (they add up to value); formula: the number each name stands for.
        self.terms = (
            np.column_stack([ranked[c].to_numpy(dtype=float) for c in columns])
            if columns
            else np.zeros((len(ranked), 0))
        )
        self.terms = np.ascontiguousarray(self.terms)
        self.by_criterion = np.ascontiguousarray(self.terms.T)  # the terms, one row per criterion
        self.effort = ranked[EFFORT].to_numpy(dtype=float)
        self.factor = ranked[RISK_FACTOR].to_numpy(dtype=float)
        self.weights = np.array([c.weight for c in scoring.criteria.criteria], dtype=float)

    @property
    def count(self) -> int:
        return len(self.ids)

    def scores(self, factors: np.ndarray) -> np.ndarray:
        """Factors -> (runs, items) scores; non-finite scores become -inf.

        Weighted sets take (runs, criteria) factors on the weights; formula sets take
        (runs, items, criteria) factors on the inputs.
        """
        with np.errstate(all="ignore"):
            if self.formula is None:
                scaled = self.weights * factors
                # contribution * f * sum(w) / sum(w * f) is 100 * w * f * n / sum(w * f); exactly the
                # contribution itself where f is 1, so a spread of 0 reproduces the ranking bit for bit.
                gain = factors * (self.weights.sum() / scaled.sum(axis=1))[:, None]
                # Summed criterion by criterion, each a (runs, items) array, in the order numpy
                # sums each item's contributions: the value rounds exactly as scoring rounds it.
                value = _pairwise_sum(
                    [gain[:, j, None] * column for j, column in enumerate(self.by_criterion)],
                    (factors.shape[0], self.count),
                )
                score = value / self.effort if self.criteria.per_effort else value
            else:
                runs = factors.shape[0]
                inputs = self.terms[None, :, :] * factors
                names = {
                    c.id: inputs[:, :, j].ravel() for j, c in enumerate(self.criteria.criteria)
                }
                names["effort"] = np.tile(self.effort, runs)
                result = evaluate(self.formula, names)
                score = np.where(result.divided_by_zero, np.nan, result.values).reshape(
                    runs, self.count
                )
            score = score * self.factor
        return np.where(np.isfinite(score), score, -np.inf)

    def random_factors(self, rng: np.random.Generator, runs: int, spread: float) -> np.ndarray:
        shape = (
            (runs, len(self.weights))
            if self.formula is None
            else (runs, self.count, len(self.weights))
        )
        return rng.uniform(1.0 - spread, 1.0 + spread, size=shape)

    def ones(self, runs: int) -> np.ndarray:
        return np.ones(
            (runs, len(self.weights))
            if self.formula is None
            else (runs, self.count, len(self.weights))
        )

    def chunk(self) -> int:
        width = max(self.count * max(self.terms.shape[1], 1), 1)
        return max(1, _CHUNK_CELLS // width)


def _pairwise_sum(terms: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
    """The elementwise sum of equally shaped arrays, added in the order `numpy.sum` adds the
    terms along a contiguous axis (pairwise: up to eight running sums per block of 128, then a
    fixed tree), so that it is bit for bit `np.stack(terms, axis=-1).sum(axis=-1)`."""
    n = len(terms)
    total: np.ndarray
    if n == 0:
        return np.zeros(shape)
    if n < 8:
        total = terms[0].copy()
        for term in terms[1:]:
            total += term
        return total
    if n <= _PAIRWISE_BLOCK:
        r = [term.copy() for term in terms[:8]]
        blocks = n - n % 8
        for start in range(8, blocks, 8):
            for k in range(8):
                r[k] += terms[start + k]
        total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for term in terms[blocks:]:
            total += term
        return total
    half = n // 2
    half -= half % 8
    total = _pairwise_sum(terms[:half], shape) + _pairwise_sum(terms[half:], shape)
    return total


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Ranks per run (row): score descending; items are sorted by id, so ties go by column."""
    runs, count = scores.shape
    # An unstable sort is several times faster than a stable one; ties, rare, are then put in
    # column order: sorting (position among distinct scores, column) keys, which are unique.
    order = np.argsort(-scores, axis=1)
    ordered = np.take_along_axis(scores, order, axis=1)
    tied = ordered[:, 1:] == ordered[:, :-1]
    if tied.any():
        distinct = np.zeros(order.shape, dtype=np.int64)
        np.cumsum(~tied, axis=1, out=distinct[:, 1:])
        order = np.sort(distinct * count + order, axis=1) % count
    ranks = np.empty((runs, count), dtype=np.int32)
    rows = np.arange(runs)[:, None]
    ranks[rows, order] = np.arange(1, count + 1, dtype=np.int32)
    return ranks


def _leaders(scorer: _Scorer, factors: np.ndarray) -> np.ndarray:
    """The index of the first-placed item per row of factors (argmax: the lowest id on a tie)."""
    return np.asarray(np.argmax(scorer.scores(factors), axis=1))


def _moved(scorer: _Scorer, j: int, ks: np.ndarray, leader: int) -> np.ndarray:
    """Factors with criterion j times k, one row per k: its weight (weighted sets), or the
    leader's input of it (formula sets)."""
    factors = scorer.ones(len(ks))
    if scorer.formula is None:
        factors[:, j] = ks
    else:
        factors[:, leader, j] = ks
    return factors


def _first_change(
    scorer: _Scorer, j: int, grid: np.ndarray, leader: int
) -> tuple[float, int] | None:
    """The factor nearest 1 along `grid` at which criterion j alone changes the first place."""
    changed = np.flatnonzero(_leaders(scorer, _moved(scorer, j, grid, leader)) != leader)
    if not len(changed):
        return None
    g = int(changed[0])
    keep, move = (1.0 if g == 0 else float(grid[g - 1])), float(grid[g])
    for _ in range(60):  # bisection: `keep` still has the old leader, `move` a new one
        mid = math.sqrt(keep * move)
        if mid in (keep, move):
            break
        if int(_leaders(scorer, _moved(scorer, j, np.array([mid]), leader))[0]) == leader:
            keep = mid
        else:
            move = mid
    return move, int(_leaders(scorer, _moved(scorer, j, np.array([move]), leader))[0])


def _first_change_weighted(
    scorer: _Scorer, j: int, leader: int, limit: float
) -> tuple[float, int] | None:
    """`_first_change` for a weighted set, solved instead of searched.

    With weight j times f, every item's score is (a_i + f b_i) times one positive number
    shared by all items (100 / the sum of the weights), so the first place changes where the
    straight line of another item first crosses the leader's: f_i = (a_L - a_i) / (b_i - b_L).
    The crossing is then confirmed with the scorer itself, stepping past a tie the leader
    wins by id, so the factor is the first at which the scores really put another item first.
    """
    scale = scorer.factor / scorer.effort if scorer.criteria.per_effort else scorer.factor
    b = scorer.terms[:, j] * scale
    a = scorer.terms.sum(axis=1) * scale - b
    with np.errstate(all="ignore"):
        crossing = (a[leader] - a) / (b - b[leader])
    up = limit > 1
    # Another item overtakes moving up only if its line is steeper than the leader's (down:
    # shallower). A crossing at exactly 1 is a tie the leader wins by id: any move breaks it.
    # (Within a few ulps of 1: the crossing of two equal scores is computed, not exact.)
    steeper = (b > b[leader]) if up else (b < b[leader])
    near = 1e-12
    valid = np.isfinite(crossing) & steeper
    valid &= (crossing >= 1 - near) if up else (crossing <= 1 + near)
    valid &= (crossing <= limit) if up else (crossing >= limit)
    valid[leader] = False
    if not valid.any():
        return None
    factor = float(crossing[valid].min() if up else crossing[valid].max())
    factor = max(factor, 1.0) if up else min(factor, 1.0)
    toward = math.inf if up else 0.0
    for _ in range(64):  # a few ulps at most: past a tie the leader wins by id, or rounding
        first = int(_leaders(scorer, _moved(scorer, j, np.array([factor]), leader))[0])
        if first != leader:
            return factor, first
        factor = float(np.nextafter(factor, toward))
    return _first_change(scorer, j, np.array([factor * (1.001 if up else 0.999)]), leader)


def weight_moves(scoring: Scoring) -> pd.DataFrame:
    """Per criterion (CRITERIA_COLUMNS, set order): the factor between 0.1x and 10x closest to 1
    (by ratio) that, applied to its weight alone, changes the first place, and the item first then.
    Formula sets have no weights: the factor applies to the first item's input of the criterion
    (how far its estimate may be off before it loses first place). FACTOR, NEW_WEIGHT and
    NEW_FIRST are None where no factor in the range does."""
    scorer = _Scorer(scoring)
    criteria = scoring.criteria.criteria
    weighted = scoring.criteria.method == "weighted"
    rows = []
    leader = int(_leaders(scorer, scorer.ones(1))[0]) if scorer.count else -1
    up = np.geomspace(1.0, MAX_FACTOR, _GRID_POINTS + 1)[1:]
    down = np.geomspace(1.0, MIN_FACTOR, _GRID_POINTS + 1)[1:]
    for j, c in enumerate(criteria):
        if scorer.count < 2:
            found = []
        elif weighted:
            found = [
                m
                for limit in (MAX_FACTOR, MIN_FACTOR)
                if (m := _first_change_weighted(scorer, j, leader, limit))
            ]
        else:
            found = [m for grid in (up, down) if (m := _first_change(scorer, j, grid, leader))]
        best = min(found, key=lambda m: (abs(math.log(m[0])), m[0])) if found else None
        rows.append({
            CRITERION: c.id,
            WEIGHT: float(c.weight) if weighted else None,
            FACTOR: best[0] if best else None,
            NEW_WEIGHT: best[0] * c.weight if best and weighted else None,
            NEW_FIRST: str(scorer.ids[best[1]]) if best else None,
        })  # fmt: skip
    frame = pd.DataFrame(rows, columns=CRITERIA_COLUMNS, dtype=object)  # NEW_FIRST: an id or None
    return frame.astype({WEIGHT: "float64", FACTOR: "float64", NEW_WEIGHT: "float64"})


def sensitivity(
    scoring: Scoring,
    *,
    runs: int = DEFAULT_RUNS,
    spread: float = DEFAULT_SPREAD,
    seed: int = DEFAULT_SEED,
    top: int = DEFAULT_TOP,
    on_progress: Callable[[int, int], None] | None = None,
) -> Sensitivity:
    """Re-rank the ranked items `runs` times under random factors in [1 - spread, 1 + spread] and
    summarize each item's ranks. `on_progress(done, runs)` is called after each chunk of runs."""
    if runs < 1 or not 0 <= spread <= 1 or top < 1:
        raise ValueError("runs >= 1, 0 <= spread <= 1 and top >= 1")
    scorer = _Scorer(scoring)
    rng = np.random.default_rng(seed)
    # One row per item, one column per run: each item's ranks, sorted below, sit together.
    ranks = np.empty((scorer.count, runs), dtype=np.int32)
    step = scorer.chunk()
    for start in range(0, runs, step):
        stop = min(start + step, runs)
        if scorer.count:
            ranks[:, start:stop] = _ranks(
                scorer.scores(scorer.random_factors(rng, stop - start, spread))
            ).T
        if on_progress is not None:
            on_progress(stop, runs)

    ranks.sort(axis=1)  # the order statistics below then cost a pass over sorted rows
    low, high = (
        np.percentile(ranks, [5, 95], axis=1, method="inverted_cdf") if scorer.count else ([], [])
    )
    by_id = pd.DataFrame({
        ID: scorer.ids,
        MEDIAN_RANK: np.median(ranks, axis=1) if scorer.count else [],
        P5_RANK: low,
        P95_RANK: high,
        TOP_K_PROBABILITY: (ranks <= top).mean(axis=1) if scorer.count else [],
        "_first": (ranks == 1).mean(axis=1) if scorer.count else [],
    })  # fmt: skip
    ranked = scoring.ranked[[ID, RANK, TITLE]]
    items = ranked.merge(by_id, on=ID, how="left", validate="one_to_one")
    first_share = float(items["_first"].iloc[0]) if len(items) else None
    items = items[[*ITEM_COLUMNS, TITLE]].reset_index(drop=True)
    stable, fragile, verdict = _verdict(items, top)
    return Sensitivity(
        items=items,
        criteria=weight_moves(scoring),
        runs=runs,
        spread=spread,
        seed=seed,
        top=top,
        perturbed=INPUTS if scoring.criteria.method == "formula" else WEIGHTS,
        first=str(items[ID].iloc[0]) if len(items) else None,
        first_share=first_share,
        stable=stable,
        fragile=fragile,
        verdict=verdict,
    )


def _verdict(items: pd.DataFrame, top: int) -> tuple[bool, list[tuple[str, float]], str]:
    count = len(items)
    if count == 0:
        return True, [], "No item is ranked, so there is nothing to be stable."
    if count <= top:
        return True, [], f"All {count} ranked items are in the top {top}, so it cannot change."
    head = items[items[RANK] <= top]
    weak = head[head[TOP_K_PROBABILITY] < STABLE_SHARE].sort_values(
        [TOP_K_PROBABILITY, RANK], kind="stable"
    )
    share = f"{STABLE_SHARE:.0%}"
    if weak.empty:
        return (
            True,
            [],
            (
                f"The top {top} is stable: every item in it stays in the top {top} in at least {share} of runs."
            ),
        )
    fragile = [(str(i), float(p)) for i, p in zip(weak[ID], weak[TOP_K_PROBABILITY], strict=True)]
    named = ", ".join(f"{i} {p:.0%}" for i, p in fragile)
    some = f"{len(fragile)} of its items stay" if len(fragile) > 1 else "1 of its items stays"
    return (
        False,
        fragile,
        f"The top {top} is fragile: {some} in it in less than {share} of runs ({named}).",
    )
