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

With `vary` "evidence" (or "both", with the weights as above), each run also draws every
ranged evidence value (`evidence.ranges`) from a triangular distribution over (low, value,
high) and scores again from it: transform, range (auto ranges found again in every run),
direction, then value and score as scoring does. A criterion with an `allowed` list or a `map`
reads its values as they are. With every range of zero width, the runs reproduce the ranking.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from prioritize.forecasting import triangular
from prioritize.formula import evaluate
from prioritize.models import Criterion
from prioritize.scoring import (
    CONFIDENCE_FACTOR,
    EFFORT,
    ID,
    RANK,
    RISK_FACTOR,
    TITLE,
    Scoring,
    contribution_column,
    input_column,
    raw_column,
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
# What `vary` may name: the weights (formula sets: the inputs), the ranged evidence, or both.
EVIDENCE, BOTH = "evidence", "both"
VARY = (WEIGHTS, EVIDENCE, BOTH)
# Ranges per item id: {path below evidence: (low, high)} (models.Evidence.ranges).
Ranges = Mapping[str, Mapping[str, tuple[float, float]]]


@dataclass(frozen=True)
class Sensitivity:
    """The result. `items` holds ITEM_COLUMNS then TITLE, in rank order; `criteria` holds
    CRITERIA_COLUMNS in set order, with FACTOR None where no factor within 0.1x to 10x changes
    the first place. `perturbed` says how the weights were varied: "weights", or "inputs" for
    formula sets. `vary` says what the runs varied (VARY), `ranged` how many evidence values
    they drew (0 unless `vary` names evidence).
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
    vary: str = WEIGHTS
    ranged: int = 0


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
        # Applied after the risk factor, as scoring does: the same rounding, step by step.
        self.sure = (
            ranked[CONFIDENCE_FACTOR].to_numpy(dtype=float)
            if CONFIDENCE_FACTOR in ranked.columns
            else np.ones(len(ranked))
        )
        self.weights = np.array([c.weight for c in scoring.criteria.criteria], dtype=float)

    @property
    def count(self) -> int:
        return len(self.ids)

    def scores(self, factors: np.ndarray, terms: np.ndarray | None = None) -> np.ndarray:
        """Factors -> (runs, items) scores; non-finite scores become -inf.

        Weighted sets take (runs, criteria) factors on the weights; formula sets take
        (runs, items, criteria) factors on the inputs. `terms`, (criteria, runs, items), replace
        the scored terms run by run (evidence drawn from its ranges).
        """
        by_criterion = self.by_criterion if terms is None else terms
        with np.errstate(all="ignore"):
            if self.formula is None:
                scaled = self.weights * factors
                # contribution * f * sum(w) / sum(w * f) is 100 * w * f * n / sum(w * f); exactly the
                # contribution itself where f is 1, so a spread of 0 reproduces the ranking bit for bit.
                gain = factors * (self.weights.sum() / scaled.sum(axis=1))[:, None]
                # Summed criterion by criterion, each a (runs, items) array, in the order numpy
                # sums each item's contributions: the value rounds exactly as scoring rounds it.
                value = _pairwise_sum(
                    [gain[:, j, None] * column for j, column in enumerate(by_criterion)],
                    (factors.shape[0], self.count),
                )
                score = value / self.effort if self.criteria.per_effort else value
            else:
                runs = factors.shape[0]
                inputs = (
                    self.terms[None, :, :] if terms is None else np.moveaxis(terms, 0, -1)
                ) * factors
                names = {
                    c.id: inputs[:, :, j].ravel() for j, c in enumerate(self.criteria.criteria)
                }
                names["effort"] = np.tile(self.effort, runs)
                result = evaluate(self.formula, names)
                score = np.where(result.divided_by_zero, np.nan, result.values).reshape(
                    runs, self.count
                )
            score = score * self.factor * self.sure
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


class _Evidence:
    """The ranked items' ranged evidence values, drawn run by run, and the terms they make.

    Items in the scorer's order (by id). Per criterion that reads a ranged value: its inputs as
    scored, and the (low, value, high) of each ranged item; one draw per evidence path and run,
    shared by every criterion reading that path.
    """

    def __init__(self, scoring: Scoring, ranges: Ranges) -> None:
        ranked = scoring.ranked.sort_values(ID, kind="stable")
        self.criteria = scoring.criteria.criteria
        self.formula_set = scoring.criteria.method == "formula"
        self.inputs = [ranked[input_column(c.id)].to_numpy(dtype=float) for c in self.criteria]
        weights = np.array([c.weight for c in self.criteria], dtype=float)
        self.weights, self.total = weights, weights.sum()
        ids = ranked[ID].tolist()
        # path -> (low, mode, high) arrays over the items, NaN where the item has no range
        self.bounds: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.reads: list[str | None] = [self._path(c) for c in self.criteria]
        for j, c in enumerate(self.criteria):
            path = self.reads[j]
            if path is None or path in self.bounds:
                continue
            raw = ranked[raw_column(c.id)].tolist()
            low, mode, high = (np.full(len(ids), np.nan) for _ in range(3))
            for k, (item_id, value) in enumerate(zip(ids, raw, strict=True)):
                found = ranges.get(item_id, {}).get(path)
                if found is not None:
                    low[k], mode[k], high[k] = found[0], float(value), found[1]
            self.bounds[path] = (low, mode, high)
        self.bounds = {p: b for p, b in self.bounds.items() if not np.isnan(b[0]).all()}
        self.reads = [p if p in self.bounds else None for p in self.reads]

    @staticmethod
    def _path(c: Criterion) -> str | None:
        as_is = c.allowed is None and c.scale.map is None
        path = c.source_path
        return path.removeprefix("evidence.") if as_is and path.startswith("evidence.") else None

    @property
    def ranged(self) -> int:
        return sum(int((~np.isnan(low)).sum()) for low, _, _ in self.bounds.values())

    def terms(self, rng: np.random.Generator, runs: int, scorer_terms: np.ndarray) -> np.ndarray:
        """(criteria, runs, items) terms, as scoring makes them, from one draw of every range."""
        drawn = {path: self._draw(rng, runs, *b) for path, b in self.bounds.items()}
        out = np.empty((len(self.criteria), runs, scorer_terms.shape[1]))
        for j, c in enumerate(self.criteria):
            path = self.reads[j]
            if path is None:
                out[j] = scorer_terms[j]
                continue
            values, mode = drawn[path], self.bounds[path][1]
            with np.errstate(all="ignore"):
                x = np.log1p(values) if c.scale.transform == "log" else values
            # Where the draw is the value itself, the input exactly as scored (no new rounding).
            x = np.where((values == mode) | np.isnan(mode), self.inputs[j], x)
            n = np.nan_to_num(self._normalize(c, x), nan=0.0)
            out[j] = n if self.formula_set else 100.0 * n * self.weights[j] / self.total
        return out

    @staticmethod
    def _draw(
        rng: np.random.Generator, runs: int, low: np.ndarray, mode: np.ndarray, high: np.ndarray
    ) -> np.ndarray:
        u = rng.random((runs, len(mode)))
        return np.where(np.isnan(low), mode, triangular(low, mode, high, u))

    def _normalize(self, c: Criterion, x: np.ndarray) -> np.ndarray:
        """scoring._normalize, each run (row) on its own: auto ranges found again per run."""
        rng = c.scale.range
        if self.formula_set and rng is None:
            return x
        with np.errstate(all="ignore"):
            if rng is None or rng == "auto":
                lo = np.nanmin(np.where(np.isnan(x), np.inf, x), axis=1, keepdims=True)
                hi = np.nanmax(np.where(np.isnan(x), -np.inf, x), axis=1, keepdims=True)
                n = np.where(lo == hi, 1.0, np.clip((x - lo) / (hi - lo), 0, 1))
            else:
                lo_, hi_ = rng
                n = np.clip((x - lo_) / (hi_ - lo_), 0, 1)
        if c.direction == "lower":
            n = 1 - n
        return np.where(np.isnan(x), np.nan, n)


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
    vary: str = WEIGHTS,
    ranges: Ranges | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Sensitivity:
    """Re-rank the ranked items `runs` times and summarize each item's ranks: under random
    factors in [1 - spread, 1 + spread] on the weights (`vary` "weights" or "both"), and with
    the evidence `ranges` (item id -> path -> (low, high)) drawn anew (`vary` "evidence" or
    "both"). `on_progress(done, runs)` is called after each chunk of runs."""
    if runs < 1 or not 0 <= spread <= 1 or top < 1 or vary not in VARY:
        raise ValueError(f"runs >= 1, 0 <= spread <= 1, top >= 1 and vary one of {VARY}")
    scorer = _Scorer(scoring)
    evidence = _Evidence(scoring, ranges or {}) if vary != WEIGHTS else None
    rng = np.random.default_rng(seed)
    # One row per item, one column per run: each item's ranks, sorted below, sit together.
    ranks = np.empty((scorer.count, runs), dtype=np.int32)
    step = scorer.chunk()
    for start in range(0, runs, step):
        stop = min(start + step, runs)
        if scorer.count:
            factors = (
                scorer.ones(stop - start)
                if vary == EVIDENCE
                else scorer.random_factors(rng, stop - start, spread)
            )
            terms = (
                evidence.terms(rng, stop - start, scorer.by_criterion)
                if evidence is not None and evidence.bounds
                else None
            )
            ranks[:, start:stop] = _ranks(scorer.scores(factors, terms)).T
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
        vary=vary,
        ranged=evidence.ranged if evidence is not None else 0,
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
