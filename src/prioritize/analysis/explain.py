"""Why an item scores what it does: its criteria, what would lift it one place, two items compared.

Pure: a Scoring in, plain results holding frames out (docs/reference.md 4 and 5, `explain`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from prioritize.errors import PrioritizeError
from prioritize.formula import Formula, evaluate, substitute
from prioritize.models import CriteriaSet, Criterion, did_you_mean
from prioritize.scoring import (
    EFFORT,
    ID,
    POOL,
    RANK,
    RISK,
    RISK_FACTOR,
    SCORE,
    STATUS,
    TITLE,
    UNSCORED,
    VALUE,
    Scoring,
    contribution_column,
    input_column,
    normalized_column,
    raw_column,
)  # fmt: skip
from prioritize.values import is_number, same_value

# Columns of the per-criterion frame.
CRITERION, NAME, DATA, SOURCE, RAW, INPUT, NORMALIZED = (
    "criterion",
    "name",
    "data",
    "source",
    "raw",
    "input",
    "normalized",
)
WEIGHT, CONTRIBUTION, NEEDED_RAW, CLOSES_GAP, DIRECTION = (
    "weight",
    "contribution",
    "needed_raw",
    "closes_gap",
    "direction",
)
CRITERIA_COLUMNS = [
    CRITERION,
    NAME,
    DATA,
    SOURCE,
    RAW,
    INPUT,
    NORMALIZED,
    WEIGHT,
    CONTRIBUTION,
    NEEDED_RAW,
    CLOSES_GAP,
    DIRECTION,
]

CANNOT_CLOSE = "cannot close the gap by this criterion alone"
_EPS = 1e-9


@dataclass(frozen=True)
class MoveUp:
    """What it takes to move up one place: the score gap to the item ranked just above, and the
    criterion that closes it with the smallest change (None when no single criterion can)."""

    above: str
    above_score: float
    gap: float
    criterion: str | None
    needed_raw: Any
    current_raw: Any


@dataclass(frozen=True)
class Explanation:
    """One item explained. `criteria` holds CRITERIA_COLUMNS, one row per criterion in set order.

    For weighted sets the contributions add up to `value`. Rank, value and score are None for an
    unscored or closed item, and `unscored` says why. `move_up` is None for rank 1 and unranked items.
    """

    id: str
    title: str
    status: str
    pool: str
    method: str
    per_effort: bool
    rank: int | None
    ranked: int
    value: float | None
    score: float | None
    effort: float | None
    risk: str | None
    risk_factor: float
    unscored: str | None
    criteria: pd.DataFrame
    move_up: MoveUp | None
    formula: str | None = None
    substituted: str | None = None


def check_item_id(item_id: str, known: Sequence[str]) -> None:
    """Raise PrioritizeError (exit 2) with a "did you mean" unless `item_id` is one of `known`."""
    if item_id not in known:
        raise PrioritizeError(
            message=f'no item "{item_id}" in this workspace{did_you_mean(item_id, set(known))}'
        )


# --- one criterion: from a raw value to the number the score uses, and back ------------------


def _bounds(criterion: Criterion, ranked: pd.DataFrame) -> tuple[float, float] | None:
    """The range that normalizes the criterion (auto: over the ranked items), None where none applies."""
    rng = criterion.scale.range
    if isinstance(rng, tuple):
        return float(rng[0]), float(rng[1])
    x = pd.to_numeric(ranked[input_column(criterion.id)], errors="coerce").dropna()
    return (float(x.min()), float(x.max())) if len(x) else (0.0, 0.0)


def _uses_range(criterion: Criterion, formula_set: bool) -> bool:
    return not formula_set or criterion.scale.range is not None


def _term(
    criterion: Criterion, raw: Any, bounds: tuple[float, float] | None, formula_set: bool
) -> float:
    """The number a raw value becomes in the score: n for weighted sets, the formula's name otherwise."""
    scale = criterion.scale
    x = (
        float(next(v for k, v in scale.map.items() if same_value(k, raw)))
        if scale.map is not None
        else float(raw)
    )
    if scale.transform == "log":
        x = math.log1p(x)
    if not _uses_range(criterion, formula_set):
        return x
    assert bounds is not None
    lo, hi = bounds
    n = 1.0 if lo == hi else min(max((x - lo) / (hi - lo), 0.0), 1.0)
    return 1.0 - n if criterion.direction == "lower" else n


def _raw_for(
    criterion: Criterion, term: float, bounds: tuple[float, float] | None, formula_set: bool
) -> float:
    """The raw value whose term is `term`, on a continuous scale (inverse of `_term`)."""
    if _uses_range(criterion, formula_set):
        assert bounds is not None
        lo, hi = bounds
        n = 1.0 - term if criterion.direction == "lower" else term
        x = lo if lo == hi else lo + n * (hi - lo)
    else:
        x = term
    return math.expm1(x) if criterion.scale.transform == "log" else x


def _candidates(criterion: Criterion) -> list[Any] | None:
    """The raw values a criterion accepts, where it names them (allowed or map); None for any number."""
    if criterion.scale.map is not None:
        keys = list(criterion.scale.map)
        if criterion.allowed is not None:
            keys = [k for k in keys if any(same_value(k, a) for a in criterion.allowed)]
        return keys
    if criterion.allowed is not None:
        return [a for a in criterion.allowed if is_number(a)]
    return None


def _tidy(value: float) -> float | int:
    """Whole numbers as ints (a needed value of 4.0 reads as 4)."""
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else float(value)


# --- what would close the gap ----------------------------------------------------------------


@dataclass(frozen=True)
class _Need:
    raw: Any
    change: float  # how far the criterion must move (n for weighted sets, relative for formulas)


def _need_weighted(
    criterion: Criterion, n_now: float, n_needed: float, bounds: tuple[float, float] | None
) -> _Need | None:
    if n_needed > 1.0 + _EPS:
        return None
    candidates = _candidates(criterion)
    if candidates is None:
        return _Need(
            _tidy(_raw_for(criterion, min(n_needed, 1.0), bounds, False)), n_needed - n_now
        )
    reach = [
        (t, c) for c in candidates if (t := _term(criterion, c, bounds, False)) >= n_needed - _EPS
    ]
    if not reach:
        return None
    return _Need(min(reach, key=lambda p: p[0])[1], n_needed - n_now)


def _solve(
    f: Callable[[float], float], target: float, now: float, low: float, high: float
) -> float | None:
    """The value nearest `now` within [low, high] where f reaches `target` (probing outwards, then bisecting)."""
    base = abs(now) if now != 0 else 1.0
    best: float | None = None
    for sign in (1.0, -1.0):
        previous = now
        for k in range(-20, 61):
            probe = min(max(now + sign * base * 2.0**k, low), high)
            if f(probe) >= target:
                lo, hi = previous, probe
                for _ in range(200):
                    mid = (lo + hi) / 2
                    if mid in (lo, hi):
                        break
                    lo, hi = (lo, mid) if f(mid) >= target else (mid, hi)
                if best is None or abs(hi - now) < abs(best - now):
                    best = hi
                break
            if probe in (low, high):
                break
            previous = probe
    return best


def _need_formula(
    criterion: Criterion,
    now: float,
    f: Callable[[float], float],
    target: float,
    bounds: tuple[float, float] | None,
) -> _Need | None:
    base = abs(now) if now != 0 else 1.0
    candidates = _candidates(criterion)
    if candidates is not None:
        reach = [
            (abs(t - now), c)
            for c in candidates
            if f(t := _term(criterion, c, bounds, True)) >= target
        ]
        if not reach:
            return None
        distance, raw = min(reach, key=lambda p: p[0])
        return _Need(raw, distance / base)
    if _uses_range(criterion, True):
        low, high = 0.0, 1.0
    elif criterion.scale.transform == "log" or now >= 0:
        low, high = 0.0, math.inf
    else:
        low, high = -math.inf, 0.0
    term = _solve(f, target, now, low, high)
    if term is None:
        return None
    return _Need(_tidy(_raw_for(criterion, term, bounds, True)), abs(term - now) / base)


def _needs(
    scoring: Scoring, row: pd.Series, above_score: float, formula: Formula | None
) -> dict[str, _Need | None]:
    """Per criterion, the raw value that alone would lift the item's score to `above_score`."""
    criteria = scoring.criteria
    ranked = scoring.ranked
    factor = float(row[RISK_FACTOR])
    if factor <= 0:
        return {c.id: None for c in criteria.criteria}
    needs: dict[str, _Need | None] = {}
    if criteria.method == "weighted":
        per_value = factor / float(row[EFFORT]) if criteria.per_effort else factor
        value_gap = (above_score - float(row[SCORE])) / per_value
        total = sum(c.weight for c in criteria.criteria)
        for c in criteria.criteria:
            n_now = _zero_if_missing(row[normalized_column(c.id)])
            n_needed = n_now + value_gap * total / (100.0 * c.weight)
            needs[c.id] = _need_weighted(c, n_now, n_needed, _bounds(c, ranked))
        return needs
    assert formula is not None
    names = {c.id: _zero_if_missing(row[contribution_column(c.id)]) for c in criteria.criteria}
    names["effort"] = float(row[EFFORT]) if pd.notna(row[EFFORT]) else math.nan
    target = above_score / factor
    for c in criteria.criteria:

        def f(term: float, cid: str = c.id) -> float:
            result = evaluate(
                formula, {k: np.array([term if k == cid else v]) for k, v in names.items()}
            )
            value = float(result.values[0])
            return value if math.isfinite(value) and not result.divided_by_zero[0] else -math.inf

        bounds = _bounds(c, ranked) if c.scale.range is not None else None
        needs[c.id] = _need_formula(c, names[c.id], f, target, bounds)
    return needs


def _zero_if_missing(value: Any) -> float:
    return 0.0 if value is None or pd.isna(value) else float(value)


# --- explain ---------------------------------------------------------------------------------


def _criteria_frame(
    criteria: CriteriaSet, row: pd.Series, needs: Mapping[str, _Need | None] | None
) -> pd.DataFrame:
    weighted = criteria.method == "weighted"
    scored = pd.notna(row[RANK])
    rows = []
    for c in criteria.criteria:
        raw = row[raw_column(c.id)]
        raw = None if raw is None or (isinstance(raw, float) and math.isnan(raw)) else raw
        normalized = row[normalized_column(c.id)]
        if pd.isna(normalized):
            normalized = 0.0 if (raw is None and not c.required) else None
        need = needs.get(c.id) if needs is not None else None
        rows.append({
            CRITERION: c.id,
            NAME: c.label,
            DATA: c.data,
            SOURCE: c.source_path,
            RAW: raw,
            INPUT: None if pd.isna(row[input_column(c.id)]) else float(row[input_column(c.id)]),
            NORMALIZED: None if normalized is None else float(normalized),
            WEIGHT: float(c.weight) if weighted else None,
            CONTRIBUTION: float(row[contribution_column(c.id)]) if weighted and scored else None,
            NEEDED_RAW: need.raw if need is not None else None,
            CLOSES_GAP: (need is not None) if needs is not None else None,
            DIRECTION: c.direction,
        })  # fmt: skip
    frame = pd.DataFrame(
        rows, columns=CRITERIA_COLUMNS, dtype=object
    )  # raw values keep their types; None stays None
    return frame.astype({c: "float64" for c in (INPUT, NORMALIZED, WEIGHT, CONTRIBUTION)})


def _fastest(criteria: CriteriaSet, needs: Mapping[str, _Need | None]) -> str | None:
    order = {c.id: i for i, c in enumerate(criteria.criteria)}
    # Rounded so that changes equal but for float noise go to the first criterion in set order.
    feasible = [
        (round(need.change, 9), order[cid], cid) for cid, need in needs.items() if need is not None
    ]
    return min(feasible)[2] if feasible else None


def _substituted(formula: Formula, row: pd.Series, criteria: CriteriaSet) -> str:
    values: dict[str, float] = {
        c.id: _tidy(round(_zero_if_missing(row[contribution_column(c.id)]), 6))
        for c in criteria.criteria
    }
    if pd.notna(row[EFFORT]):
        values["effort"] = _tidy(float(row[EFFORT]))
    return substitute(formula, values)


def explain_item(
    scoring: Scoring,
    item_id: str,
    *,
    statuses: Mapping[str, str] | None = None,
) -> Explanation:
    """Explain one item of `scoring`. `statuses` (id -> status of every workspace item) lets a
    done or dropped item be explained as taking no part; an id in neither raises PrioritizeError."""
    criteria, formula = scoring.criteria, scoring.formula
    frame = scoring.frame
    match = frame[frame[ID] == item_id]
    if match.empty:
        status = (statuses or {}).get(item_id)
        if status is None:
            check_item_id(item_id, [*frame[ID], *(statuses or {})])
        return _closed(criteria, item_id, str(status), int(scoring.ranked.shape[0]))
    row = match.iloc[0]
    rank = None if pd.isna(row[RANK]) else int(row[RANK])
    move_up, needs = None, None
    if rank is not None and rank > 1:
        above = scoring.ranked.iloc[rank - 2]
        needs = _needs(scoring, row, float(above[SCORE]), formula)
        fastest = _fastest(criteria, needs)
        best = needs[fastest] if fastest is not None else None
        move_up = MoveUp(
            above=str(above[ID]),
            above_score=float(above[SCORE]),
            gap=float(above[SCORE]) - float(row[SCORE]),
            criterion=fastest,
            needed_raw=best.raw if best is not None else None,
            current_raw=_plain_raw(row[raw_column(fastest)]) if fastest is not None else None,
        )
    is_formula = criteria.method == "formula" and formula is not None
    return Explanation(
        id=item_id,
        title=str(row[TITLE]),
        status=str(row[STATUS]),
        pool=str(row[POOL]),
        method=criteria.method,
        per_effort=criteria.per_effort,
        rank=rank,
        ranked=int(scoring.ranked.shape[0]),
        value=None if pd.isna(row[VALUE]) else float(row[VALUE]),
        score=None if pd.isna(row[SCORE]) else float(row[SCORE]),
        effort=None if pd.isna(row[EFFORT]) else float(row[EFFORT]),
        risk=row[RISK] if isinstance(row[RISK], str) else None,
        risk_factor=float(row[RISK_FACTOR]),
        unscored=row[UNSCORED] if isinstance(row[UNSCORED], str) else None,
        criteria=_criteria_frame(criteria, row, needs),
        move_up=move_up,
        formula=formula.text if is_formula and formula is not None else None,
        substituted=_substituted(formula, row, criteria)
        if is_formula and formula is not None and rank is not None
        else None,
    )


def _plain_raw(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _closed(criteria: CriteriaSet, item_id: str, status: str, ranked: int) -> Explanation:
    return Explanation(
        id=item_id, title="", status=status, pool="", method=criteria.method, per_effort=criteria.per_effort,
        rank=None, ranked=ranked, value=None, score=None, effort=None, risk=None, risk_factor=1.0,
        unscored=f"it is {status}: done and dropped items take no part in the ranking",
        criteria=pd.DataFrame(columns=CRITERIA_COLUMNS), move_up=None,
    )  # fmt: skip


# --- two items side by side ------------------------------------------------------------------

# Columns of the comparison frame.
A_RAW, B_RAW, A_NORMALIZED, B_NORMALIZED = "a_raw", "b_raw", "a_normalized", "b_normalized"
A_CONTRIBUTION, B_CONTRIBUTION, DIFFERENCE = "a_contribution", "b_contribution", "difference"
COMPARE_COLUMNS = [
    CRITERION,
    WEIGHT,
    A_RAW,
    B_RAW,
    A_NORMALIZED,
    B_NORMALIZED,
    A_CONTRIBUTION,
    B_CONTRIBUTION,
    DIFFERENCE,
]


@dataclass(frozen=True)
class Comparison:
    """Two items side by side. `criteria` holds COMPARE_COLUMNS in set order.

    `difference` is a's contribution minus b's (weighted sets), or, for formula sets, how much
    a's score would fall if it had b's value of that criterion. `separated_by` is the criterion
    with the largest absolute difference (first in set order on a tie); None when either item is
    unscored or nothing differs.
    """

    a: Explanation
    b: Explanation
    criteria: pd.DataFrame
    separated_by: str | None


def compare_items(a: Explanation, b: Explanation, formula: Formula | None = None) -> Comparison:
    """Compare two explained items of the same scoring criterion by criterion."""
    if a.criteria.empty or b.criteria.empty:
        return Comparison(a, b, pd.DataFrame(columns=COMPARE_COLUMNS), None)
    both_scored = a.rank is not None and b.rank is not None
    weighted = a.method == "weighted"
    ca, cb = a.criteria, b.criteria
    if not both_scored:
        difference: list[float | None] = [None] * len(ca)
    elif weighted:
        difference = list(ca[CONTRIBUTION].astype(float) - cb[CONTRIBUTION].astype(float))
    else:
        assert formula is not None
        difference = _swap_effects(a, b, formula)
    frame = pd.DataFrame({
        CRITERION: ca[CRITERION],
        WEIGHT: ca[WEIGHT],
        A_RAW: ca[RAW],
        B_RAW: cb[RAW],
        A_NORMALIZED: ca[NORMALIZED],
        B_NORMALIZED: cb[NORMALIZED],
        A_CONTRIBUTION: ca[CONTRIBUTION],
        B_CONTRIBUTION: cb[CONTRIBUTION],
        DIFFERENCE: pd.Series(difference, dtype="float64"),
    })  # fmt: skip
    separated_by = None
    if both_scored:
        sizes = frame[DIFFERENCE].abs().fillna(0.0).to_numpy()
        if len(sizes) and sizes.max() > 0:
            separated_by = str(
                frame[CRITERION].iloc[int(np.argmax(sizes))]
            )  # argmax: first on a tie
    return Comparison(a, b, frame, separated_by)


def _swap_effects(a: Explanation, b: Explanation, formula: Formula) -> list[float | None]:
    """Per criterion, a's score minus its score with b's value of that criterion (formula sets)."""

    def names(e: Explanation) -> dict[str, float]:
        values = {
            str(c): _zero_if_missing(n)
            for c, n in zip(e.criteria[CRITERION], e.criteria[NORMALIZED], strict=True)
        }
        values["effort"] = e.effort if e.effort is not None else math.nan
        return values

    mine, theirs = names(a), names(b)
    effects: list[float | None] = []
    for cid in a.criteria[CRITERION]:
        swapped = {k: np.array([theirs[k] if k == cid else v]) for k, v in mine.items()}
        value = float(evaluate(formula, swapped).values[0]) * a.risk_factor
        effects.append(
            float(a.score) - value if a.score is not None and math.isfinite(value) else None
        )
    return effects
