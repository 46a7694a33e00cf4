"""What would lift an item one place: every lever alone (a criterion, effort, risk level), else a pair.

Pure: a Scoring and one item's row in, moves out (docs/reference.md 5, `explain`).

A lever moves only within reach:

- a criterion inside its fixed `range`; with `range: auto`, or as a formula input without a range,
  within the values the ranked items show (min..max); a criterion that lists its values
  (`allowed`, `map`) may take any of them;
- effort, to any smaller number above 0, where the score uses effort (`per_effort`, or a formula
  that names `effort`);
- risk, to any other level the set's `risk_factor` lists.

The size of a move is the share of the lever's scale it travels, so that levers compare:
a criterion moves `|change of n|` (n is its place in its range, 0..1), or for a formula input
without a range `|change| / (max - min)` of the values seen (of the listed values, where it lists
them); effort moves the share cut from it, `(now - target) / now`; risk moves the levels crossed
along low, medium, high over one less than the levels listed (high to medium is 1/2 of three
levels). A pair's size is the sum of its two moves. Smallest first; ties go to the lever listed
first (criteria in set order, then effort, then risk).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from prioritize.formula import Formula, evaluate
from prioritize.models import CriteriaSet, Criterion
from prioritize.scoring import (
    CONFIDENCE_FACTOR,
    EFFORT,
    RISK,
    RISK_FACTOR,
    VALUE,
    input_column,
    normalized_column,
    raw_column,
)  # fmt: skip
from prioritize.values import is_number, same_value
from prioritize.vocabulary import Risk

LeverKind = Literal["criterion", "effort", "risk"]
EFFORT_LEVER, RISK_LEVER = "effort", "risk"
RISK_LEVELS: tuple[Risk, ...] = get_args(Risk)  # low, medium, high: the order of risk steps

_GRID = 2049  # settings tried along one lever before the boundary is bisected
_PAIR_GRID = 257  # settings tried along each lever of a pair
_ZOOM_GRID, _ZOOMS = 65, 2  # then twice around the best, one step either way


# --- one criterion: from a raw value to the number the score uses, and back ------------------


def uses_range(criterion: Criterion, formula_set: bool) -> bool:
    """Whether the score reads the criterion as n (its place in a range) rather than as x."""
    return not formula_set or criterion.scale.range is not None


def bounds(criterion: Criterion, ranked: pd.DataFrame) -> tuple[float, float]:
    """The range of x that normalizes the criterion: the fixed one, else min..max over the ranked items."""
    rng = criterion.scale.range
    if isinstance(rng, tuple):
        return float(rng[0]), float(rng[1])
    x = pd.to_numeric(ranked[input_column(criterion.id)], errors="coerce").dropna()
    return (float(x.min()), float(x.max())) if len(x) else (0.0, 0.0)


def term(criterion: Criterion, raw: Any, span: tuple[float, float], formula_set: bool) -> float:
    """The number a raw value becomes in the score: n where a range applies, x otherwise."""
    scale = criterion.scale
    x = (
        float(next(v for k, v in scale.map.items() if same_value(k, raw)))
        if scale.map is not None
        else float(raw)
    )
    if scale.transform == "log":
        x = math.log1p(x)
    if not uses_range(criterion, formula_set):
        return x
    lo, hi = span
    n = 1.0 if lo == hi else min(max((x - lo) / (hi - lo), 0.0), 1.0)
    return 1.0 - n if criterion.direction == "lower" else n


def raw_for(
    criterion: Criterion, setting: float, span: tuple[float, float], formula_set: bool
) -> float:
    """The raw value whose term is `setting`, on a continuous scale (inverse of `term`)."""
    if uses_range(criterion, formula_set):
        lo, hi = span
        n = 1.0 - setting if criterion.direction == "lower" else setting
        x = lo if lo == hi else lo + n * (hi - lo)
    else:
        x = setting
    return math.expm1(x) if criterion.scale.transform == "log" else x


def listed(criterion: Criterion) -> list[Any] | None:
    """The raw values a criterion accepts, where it names them (allowed or map); None for any number."""
    if criterion.scale.map is not None:
        keys = list(criterion.scale.map)
        if criterion.allowed is not None:
            keys = [k for k in keys if any(same_value(k, a) for a in criterion.allowed)]
        return keys
    if criterion.allowed is not None:
        return [a for a in criterion.allowed if is_number(a)]
    return None


def tidy(value: float) -> float | int:
    """Whole numbers as ints (a needed value of 4.0 reads as 4)."""
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else float(value)


def zero_if_missing(value: Any) -> float:
    return 0.0 if value is None or pd.isna(value) else float(value)


def plain_raw(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


# --- levers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One lever moved: `lever` is a criterion id, "effort" or "risk"; `now` and `to` are raw values
    (a criterion's raw value, an effort, a risk level); `size` the share of its scale (module doc)."""

    lever: str
    kind: LeverKind
    now: Any
    to: Any
    size: float


@dataclass(frozen=True)
class Lift:
    """What would lift an item to `target` score.

    `singles`: every lever that alone reaches it, smallest move first. `criteria`: per criterion
    id, its move, or None where it is out of reach by this criterion. `pair`: the smallest pair of
    levers that reaches it together, searched only when no single lever does (None otherwise, or
    when no pair does).
    """

    singles: tuple[Move, ...]
    criteria: Mapping[str, Move | None]
    pair: tuple[Move, Move] | None = None


@dataclass(frozen=True)
class _Lever:
    """A lever as the search sees it: its setting now (as the score reads it) and where it may go.

    Either `options` (setting, raw, size) where it takes listed values, or `span`, the continuous
    settings in reach, each move sized `|setting - now| / width`."""

    name: str
    kind: LeverKind
    now: float
    now_raw: Any
    options: tuple[tuple[float, Any, float], ...] = ()
    span: tuple[float, float] | None = None
    width: float = 1.0
    to_raw: Callable[[float], Any] = field(default=tidy)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.name}"

    def grid(self, points: int) -> tuple[np.ndarray, np.ndarray]:
        """Settings to try, and their sizes."""
        if self.span is None:
            settings = np.array([o[0] for o in self.options], dtype=float)
            return settings, np.array([o[2] for o in self.options], dtype=float)
        settings = np.linspace(self.span[0], self.span[1], points)
        return settings, np.abs(settings - self.now) / self.width

    def window(self, setting: float, points: int, step: float) -> tuple[np.ndarray, np.ndarray]:
        """Settings around `setting`, one `step` either way (the single setting for listed values)."""
        if self.span is None:
            size = next(o[2] for o in self.options if o[0] == setting)
            return np.array([setting]), np.array([size])
        lo, hi = max(setting - step, self.span[0]), min(setting + step, self.span[1])
        settings = np.linspace(lo, hi, points)
        return settings, np.abs(settings - self.now) / self.width

    def move(self, setting: float) -> Move:
        if self.span is None:
            raw, size = next((o[1], o[2]) for o in self.options if o[0] == setting)
        else:
            raw, size = self.to_raw(setting), abs(setting - self.now) / self.width
        return Move(self.name, self.kind, self.now_raw, raw, float(size))


def _criterion_lever(
    criterion: Criterion, row: pd.Series, ranked: pd.DataFrame, formula_set: bool
) -> _Lever | None:
    now = zero_if_missing(row[normalized_column(criterion.id)])
    now_raw = plain_raw(row[raw_column(criterion.id)])
    ranged = uses_range(criterion, formula_set)
    span = bounds(criterion, ranked)
    if ranged and span[0] == span[1]:
        return None  # every item sits at n = 1: no value moves it
    values = listed(criterion)
    if values is not None:
        settings = [(term(criterion, v, span, formula_set), v) for v in values]
        low, high = min(s for s, _ in settings), max(s for s, _ in settings)
        width = 1.0 if ranged else high - low
        if width <= 0:
            return None
        options = tuple((s, v, abs(s - now) / width) for s, v in settings)
        return _Lever(criterion.id, "criterion", now, now_raw, options=options)
    # n runs over 0..1 within the range; x (no range) over the values seen, already transformed.
    reach = (0.0, 1.0) if ranged else span
    width = reach[1] - reach[0]
    if width <= 0:
        return None

    def to_raw(setting: float) -> Any:
        return tidy(raw_for(criterion, setting, span, formula_set))

    return _Lever(criterion.id, "criterion", now, now_raw, span=reach, width=width, to_raw=to_raw)


def _levers(
    criteria: CriteriaSet, formula: Formula | None, row: pd.Series, ranked: pd.DataFrame
) -> list[_Lever]:
    formula_set = criteria.method == "formula"
    levers = [
        lever
        for c in criteria.criteria
        if (lever := _criterion_lever(c, row, ranked, formula_set)) is not None
    ]
    effort = float(row[EFFORT]) if pd.notna(row[EFFORT]) else math.nan
    uses_effort = (
        "effort" in formula.names if formula_set and formula is not None else criteria.per_effort
    )
    if uses_effort and effort > 0:
        levers.append(
            _Lever(EFFORT_LEVER, "effort", effort, tidy(effort), span=(effort * 1e-9, effort),
                   width=effort)
        )  # fmt: skip
    factors = criteria.risk_factor or {}
    levels = [level for level in RISK_LEVELS if level in factors]
    risk = next((level for level in levels if level == row[RISK]), None)
    if risk is not None and len(levels) > 1:
        here = levels.index(risk)
        options = tuple(
            (float(factors[level]), level, abs(i - here) / (len(levels) - 1))
            for i, level in enumerate(levels)
            if level != risk
        )
        levers.append(_Lever(RISK_LEVER, "risk", float(row[RISK_FACTOR]), risk, options=options))
    return levers


# --- the score as a function of the levers ---------------------------------------------------

Model = Callable[[Mapping[str, Any]], np.ndarray]


def _model(criteria: CriteriaSet, formula: Formula | None, row: pd.Series) -> Model:
    """The item's score with some levers set (lever key -> settings, arrays broadcast together)."""
    factor = float(row[RISK_FACTOR])
    sure = float(row[CONFIDENCE_FACTOR]) if CONFIDENCE_FACTOR in row.index else 1.0
    effort = float(row[EFFORT]) if pd.notna(row[EFFORT]) else math.nan
    effort_key, risk_key = f"effort:{EFFORT_LEVER}", f"risk:{RISK_LEVER}"
    terms = {c.id: zero_if_missing(row[normalized_column(c.id)]) for c in criteria.criteria}
    if criteria.method == "weighted":
        total = sum(c.weight for c in criteria.criteria)
        per_point = {f"criterion:{c.id}": 100.0 * c.weight / total for c in criteria.criteria}
        nows = {f"criterion:{c.id}": terms[c.id] for c in criteria.criteria}
        value = float(row[VALUE])

        def weighted(settings: Mapping[str, Any]) -> np.ndarray:
            v: Any = value
            for key, setting in settings.items():
                if key in per_point:
                    v = v + per_point[key] * (np.asarray(setting, dtype=float) - nows[key])
            e = settings.get(effort_key, effort)
            scored = v / e if criteria.per_effort else v
            with np.errstate(all="ignore"):
                return np.atleast_1d(
                    np.asarray(scored * settings.get(risk_key, factor) * sure, dtype=float)
                )

        return weighted
    assert formula is not None

    def by_formula(settings: Mapping[str, Any]) -> np.ndarray:
        names: dict[str, Any] = {
            cid: settings.get(f"criterion:{cid}", t) for cid, t in terms.items()
        }
        names["effort"] = settings.get(effort_key, effort)
        arrays = np.broadcast_arrays(
            *(np.atleast_1d(np.asarray(v, dtype=float)) for v in names.values())
        )
        result = evaluate(formula, dict(zip(names, arrays, strict=True)))
        ok = np.isfinite(result.values) & ~result.divided_by_zero
        values = np.where(ok, result.values, -np.inf)
        f = np.atleast_1d(np.asarray(settings.get(risk_key, factor), dtype=float))
        with np.errstate(all="ignore"):
            return np.asarray(values * f * sure, dtype=float)

    return by_formula


# --- the search ------------------------------------------------------------------------------


def _best(ok: np.ndarray, sizes: np.ndarray) -> int | None:
    """The index of the smallest feasible move (the first on a tie), None when none is feasible."""
    ok = ok & (sizes > 0)
    if not ok.any():
        return None
    return int(np.argmin(np.where(ok, sizes, np.inf)))


def _single(
    lever: _Lever, model: Model, threshold: float, base: Mapping[str, float] | None = None
) -> float | None:
    """The setting of `lever` nearest its own that lifts the score to `threshold`, the others at `base`."""
    base = base or {}
    settings, sizes = lever.grid(_GRID)
    ok = model({**base, lever.key: settings}) >= threshold
    index = _best(ok, sizes)
    if index is None:
        return None
    found = float(settings[index])
    if lever.span is None:
        return found
    step = (lever.span[1] - lever.span[0]) / (_GRID - 1)
    inner = found - step if found > lever.now else found + step  # nearer now, so short of it
    if (inner - lever.now) * (found - lever.now) <= 0:
        inner = lever.now
    for _ in range(200):
        mid = (inner + found) / 2
        if mid in (inner, found):
            break
        if float(model({**base, lever.key: mid})[0]) >= threshold:
            found = mid
        else:
            inner = mid
    return found


def _pair(
    a: _Lever, b: _Lever, model: Model, threshold: float
) -> tuple[float, tuple[Move, Move]] | None:
    """The smallest moves of `a` and `b` together that lift the score to `threshold`."""
    sa, za = a.grid(_PAIR_GRID)
    sb, zb = b.grid(_PAIR_GRID)
    step_a = 0.0 if a.span is None else (a.span[1] - a.span[0]) / (_PAIR_GRID - 1)
    step_b = 0.0 if b.span is None else (b.span[1] - b.span[0]) / (_PAIR_GRID - 1)
    best: tuple[float, float] | None = None
    for round_ in range(_ZOOMS + 1):
        if round_ and best is not None:
            sa, za = a.window(best[0], _ZOOM_GRID, step_a)
            sb, zb = b.window(best[1], _ZOOM_GRID, step_b)
            step_a, step_b = step_a * 2 / (_ZOOM_GRID - 1), step_b * 2 / (_ZOOM_GRID - 1)
        ga, gb = np.meshgrid(sa, sb, indexing="ij")
        sizes_a, sizes_b = np.meshgrid(za, zb, indexing="ij")
        ok = (model({a.key: ga.ravel(), b.key: gb.ravel()}) >= threshold) & (sizes_a.ravel() > 0)
        index = _best(ok & (sizes_b.ravel() > 0), (sizes_a + sizes_b).ravel())
        if index is None:
            if best is None:
                return None
            break
        best = (float(ga.ravel()[index]), float(gb.ravel()[index]))
    assert best is not None
    # Settle one lever exactly for the other's setting on the grid, whichever way gives less.
    settled = [best]
    if b.span is not None and (exact := _single(b, model, threshold, {a.key: best[0]})) is not None:
        settled.append((best[0], exact))
    if a.span is not None and (exact := _single(a, model, threshold, {b.key: best[1]})) is not None:
        settled.append((exact, best[1]))
    pairs = [(a.move(sa_), b.move(sb_)) for sa_, sb_ in settled]
    moves = min(pairs, key=lambda p: p[0].size + p[1].size)
    return moves[0].size + moves[1].size, moves


def lift(
    criteria: CriteriaSet,
    formula: Formula | None,
    row: pd.Series,
    ranked: pd.DataFrame,
    target: float,
    *,
    strictly: bool = False,
) -> Lift:
    """What would lift the item of `row` to `target` score (above it, with `strictly`).

    `ranked` are the ranked items, whose values bound the auto ranges. Moves keep every other
    lever where it is; sizes and order as the module doc says.
    """
    levers = _levers(criteria, formula, row, ranked)
    model = _model(criteria, formula, row)
    slack = 1e-12 * max(1.0, abs(target))  # float noise only: a listed value may land on the target
    threshold = target + slack if strictly else target - slack
    moves: dict[str, Move | None] = {}
    singles: list[tuple[float, int, Move]] = []
    for order, lever in enumerate(levers):
        setting = _single(lever, model, threshold)
        move = lever.move(setting) if setting is not None else None
        if lever.kind == "criterion":
            moves[lever.name] = move
        if move is not None:
            # Rounded so that sizes equal but for float noise go to the lever listed first.
            singles.append((round(move.size, 9), order, move))
    closing = tuple(m for _, _, m in sorted(singles, key=lambda s: (s[0], s[1])))
    by_criterion = {c.id: moves.get(c.id) for c in criteria.criteria}
    if closing:
        return Lift(closing, by_criterion)
    return Lift((), by_criterion, _smallest_pair(levers, model, threshold))


def _smallest_pair(
    levers: Sequence[_Lever], model: Model, threshold: float
) -> tuple[Move, Move] | None:
    best: tuple[float, tuple[Move, Move]] | None = None
    for a, b in combinations(levers, 2):
        found = _pair(a, b, model, threshold)
        if found is not None and (best is None or round(found[0], 9) < round(best[0], 9)):
            best = found
    return best[1] if best is not None else None
