"""Why an item scores what it does: its criteria, what would lift it one place, two items compared.

Pure: a Scoring in, plain results holding frames out (docs/reference.md 4 and 5, `explain`).
What would lift an item is searched in `analysis.levers`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from prioritize import confidence
from prioritize.analysis.levers import (
    EFFORT_LEVER,
    RISK_LEVER,
    LeverKind,
    Lift,
    Move,
    lift,
    tidy,
    zero_if_missing,
)  # fmt: skip
from prioritize.errors import PrioritizeError
from prioritize.formula import Formula, evaluate, substitute
from prioritize.models import CriteriaSet, Evidence, did_you_mean
from prioritize.scoring import (
    CONFIDENCE,
    CONFIDENCE_FACTOR,
    EFFORT,
    EVIDENCE_STRENGTH,
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

OUT_OF_REACH = "out of reach by this criterion"


@dataclass(frozen=True)
class MoveUp:
    """What it takes to move up one place: the score gap to the item ranked just above, and the
    levers that would close it (analysis.levers says which moves are in reach and how they compare).

    `levers`: every lever (criterion, effort, risk) that alone closes the gap, smallest move first.
    `pair`: where none does, the smallest pair of levers that does together (None if no pair does).
    `criterion`, `needed_raw`, `current_raw`: the criterion that alone closes it with the smallest
    move, its raw value needed and now (None when no criterion can).
    """

    above: str
    above_score: float
    gap: float
    criterion: str | None
    needed_raw: Any
    current_raw: Any
    levers: tuple[Move, ...] = ()
    pair: tuple[Move, Move] | None = None


@dataclass(frozen=True)
class Stronger:
    """The item with stronger evidence of `kind`: its confidence level, score and rank then."""

    kind: str
    level: float
    score: float
    rank: int


@dataclass(frozen=True)
class Sureness:
    """How sure the item's score is: its evidence strength and level, whether the set multiplies
    the score by it (`applied`), the strongest source in words (None: no source), and, where the
    set applies it, what each stronger kind of evidence would make the score and rank."""

    strength: str
    level: float
    applied: bool
    source: str | None
    stronger: tuple[Stronger, ...] = ()


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
    uses_effort: bool = False  # the score reads effort (per_effort, or a formula naming it)
    confidence_factor: float = 1.0  # the level the score was multiplied by (1: not applied)
    sureness: Sureness | None = None

    @property
    def factor(self) -> float:
        """Everything the score was multiplied by after value (and effort): risk, confidence."""
        return self.risk_factor * self.confidence_factor


def check_item_id(item_id: str, known: Sequence[str]) -> None:
    """Raise PrioritizeError (exit 2) with a "did you mean" unless `item_id` is one of `known`."""
    if item_id not in known:
        raise PrioritizeError(
            message=f'no item "{item_id}" in this workspace{did_you_mean(item_id, set(known))}'
        )


# --- explain ---------------------------------------------------------------------------------


def _criteria_frame(
    criteria: CriteriaSet, row: pd.Series, moves: Mapping[str, Move | None] | None
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
        move = moves.get(c.id) if moves is not None else None
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
            NEEDED_RAW: move.to if move is not None else None,
            CLOSES_GAP: (move is not None) if moves is not None else None,
            DIRECTION: c.direction,
        })  # fmt: skip
    frame = pd.DataFrame(
        rows, columns=CRITERIA_COLUMNS, dtype=object
    )  # raw values keep their types; None stays None
    return frame.astype({c: "float64" for c in (INPUT, NORMALIZED, WEIGHT, CONTRIBUTION)})


def _substituted(formula: Formula, row: pd.Series, criteria: CriteriaSet) -> str:
    values: dict[str, float] = {
        c.id: tidy(round(zero_if_missing(row[contribution_column(c.id)]), 6))
        for c in criteria.criteria
    }
    if pd.notna(row[EFFORT]):
        values["effort"] = tidy(float(row[EFFORT]))
    return substitute(formula, values)


def explain_item(
    scoring: Scoring,
    item_id: str,
    *,
    statuses: Mapping[str, str] | None = None,
    evidence: Evidence | None = None,
) -> Explanation:
    """Explain one item of `scoring`. `statuses` (id -> status of every workspace item) lets a
    done or dropped item be explained as taking no part; an id in neither raises PrioritizeError.
    `evidence` (the item's) names its strongest source."""
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
    move_up, found = None, None
    if rank is not None and rank > 1:
        above = scoring.ranked.iloc[rank - 2]
        gap = float(above[SCORE]) - float(row[SCORE])
        # Ties rank by id: an item whose id sorts after the one above must score more than it.
        strictly = str(row[ID]) > str(above[ID])
        found = lift(criteria, formula, row, scoring.ranked, float(above[SCORE]), strictly=strictly)
        move_up = _move_up(str(above[ID]), float(above[SCORE]), gap, found)
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
        criteria=_criteria_frame(criteria, row, found.criteria if found is not None else None),
        move_up=move_up,
        formula=formula.text if is_formula and formula is not None else None,
        substituted=_substituted(formula, row, criteria)
        if is_formula and formula is not None and rank is not None
        else None,
        uses_effort=("effort" in formula.names)
        if is_formula and formula is not None
        else criteria.per_effort,
        confidence_factor=float(row[CONFIDENCE_FACTOR]),
        sureness=_sureness(scoring, row, rank, evidence),
    )


def _sureness(
    scoring: Scoring, row: pd.Series, rank: int | None, evidence: Evidence | None
) -> Sureness:
    strength, level = str(row[EVIDENCE_STRENGTH]), float(row[CONFIDENCE])
    source = confidence.strongest_source(evidence) if evidence is not None else None
    applied = confidence.applies(scoring.criteria)
    stronger: list[Stronger] = []
    if applied and rank is not None:
        levels = confidence.levels(scoring.criteria)
        others = scoring.ranked[scoring.ranked[ID] != row[ID]]
        scores, ids = others[SCORE].to_numpy(dtype=float), others[ID].to_numpy(dtype=object)
        unsure = float(row[SCORE]) / float(row[CONFIDENCE_FACTOR])
        for kind in confidence.stronger(strength):
            if levels[kind] <= level:
                continue
            new = unsure * levels[kind]
            # Ties rank by id, as ranking does.
            ahead = int(((scores > new) | ((scores == new) & (ids < row[ID]))).sum())
            stronger.append(Stronger(kind, levels[kind], new, ahead + 1))
    return Sureness(
        strength,
        level,
        applied,
        None if source is None else confidence.describe_source(source),
        tuple(stronger),
    )


def _move_up(above: str, above_score: float, gap: float, found: Lift) -> MoveUp:
    criterion = next((m for m in found.singles if m.kind == "criterion"), None)
    return MoveUp(
        above=above,
        above_score=above_score,
        gap=gap,
        criterion=criterion.lever if criterion is not None else None,
        needed_raw=criterion.to if criterion is not None else None,
        current_raw=criterion.now if criterion is not None else None,
        levers=found.singles,
        pair=found.pair,
    )


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
EFFECT = "effect"
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
    EFFECT,
]

# Columns and rows of the score's parts: value, effort (where the score uses it), risk factor, score.
PART, A_PART, B_PART = "part", "a", "b"
PART_COLUMNS = [PART, A_PART, B_PART, EFFECT]
PART_VALUE, PART_EFFORT, PART_RISK, PART_SCORE = "value", "effort", "risk_factor", "score"
PART_CONFIDENCE = "confidence"  # only where the set multiplies scores by confidence


@dataclass(frozen=True)
class Factor:
    """One factor of the score: a criterion (`name` its id), effort, risk or confidence; `effect`
    as in Comparison."""

    name: str
    kind: LeverKind | Literal["confidence"]
    effect: float


@dataclass(frozen=True)
class Comparison:
    """Two items side by side. `criteria` holds COMPARE_COLUMNS in set order; `parts` holds
    PART_COLUMNS: the score taken apart into value, effort (where the score uses it), risk factor,
    confidence (where the set multiplies by it) and the score itself, for a and b.

    `effect` (in both frames) is in score terms and always seen from the lower-ranked item: the
    score it would have with the higher-ranked item's value of that factor (a criterion's value,
    the whole value, effort, risk factor), minus its own score. Above 0 the factor favours the
    higher-ranked item; below 0 the lower-ranked one.

    `difference` is a's contribution minus b's (weighted sets), or, for formula sets, how much
    a's score would fall if it had b's value of that criterion.

    `higher` is the id of the higher-ranked item; `separated_by` the factor (criteria, effort,
    risk) with the largest effect in its favour (first in that order on a tie), `favours_lower`
    the factor with the largest effect the other way. None where either item is unscored, or no
    factor leans that way.
    """

    a: Explanation
    b: Explanation
    criteria: pd.DataFrame
    separated_by: Factor | None
    parts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PART_COLUMNS))
    higher: str | None = None
    favours_lower: Factor | None = None


def compare_items(a: Explanation, b: Explanation, formula: Formula | None = None) -> Comparison:
    """Compare two explained items of the same scoring: criterion by criterion, and the score's parts."""
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
    higher, lower = (a, b) if (a.rank or 0) <= (b.rank or 0) else (b, a)
    effects = _Effects(higher, lower, formula) if both_scored else None
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
        EFFECT: pd.Series(
            [effects.criterion(str(c)) for c in ca[CRITERION]] if effects else [None] * len(ca),
            dtype="float64",
        ),
    })  # fmt: skip
    if effects is None:
        return Comparison(a, b, frame, None)
    factors = [
        Factor(str(c), "criterion", e) for c, e in zip(frame[CRITERION], frame[EFFECT], strict=True)
    ]
    parts: list[tuple[str, float | None, float | None, float | None]] = [
        (PART_VALUE, a.value, b.value, effects.value())
    ]
    if a.uses_effort:
        parts.append((PART_EFFORT, a.effort, b.effort, effects.effort()))
        factors.append(Factor(EFFORT_LEVER, "effort", effects.effort()))
    parts.append((PART_RISK, a.risk_factor, b.risk_factor, effects.risk()))
    factors.append(Factor(RISK_LEVER, "risk", effects.risk()))
    if a.sureness is not None and a.sureness.applied:
        parts.append((PART_CONFIDENCE, a.confidence_factor, b.confidence_factor, effects.sure()))
        factors.append(Factor(PART_CONFIDENCE, "confidence", effects.sure()))
    parts.append((PART_SCORE, a.score, b.score, None))
    known = [f for f in factors if math.isfinite(f.effect)]
    tolerance = 1e-9 * max(1.0, abs(higher.score or 0.0))
    # max and min keep the first on a tie: criteria in set order, then effort, risk, confidence.
    pro = max(known, key=lambda f: f.effect, default=None)
    con = min(known, key=lambda f: f.effect, default=None)
    return Comparison(
        a, b, frame,
        separated_by=pro if pro is not None and pro.effect > tolerance else None,
        parts=pd.DataFrame(parts, columns=PART_COLUMNS).astype({A_PART: "float64", B_PART: "float64", EFFECT: "float64"}),
        higher=higher.id,
        favours_lower=con if con is not None and con.effect < -tolerance else None,
    )  # fmt: skip


class _Effects:
    """The lower-ranked item's score with one factor of the higher-ranked item's, minus its own."""

    def __init__(self, higher: Explanation, lower: Explanation, formula: Formula | None) -> None:
        self.higher, self.lower, self.formula = higher, lower, formula
        self.score = float(lower.score) if lower.score is not None else math.nan

    def _weighted(self, value: float, effort: float | None, factor: float) -> float:
        if self.lower.per_effort:
            return value / effort * factor - self.score if effort else math.nan
        return value * factor - self.score

    def _formula(self, swap: Mapping[str, float]) -> float:
        assert self.formula is not None
        names = _formula_names(self.lower)
        names.update(swap)
        result = evaluate(self.formula, {k: np.array([v]) for k, v in names.items()})
        value = float(result.values[0])
        if not math.isfinite(value) or bool(result.divided_by_zero[0]):
            return math.nan
        return value * self.lower.factor - self.score

    def criterion(self, cid: str) -> float:
        h, lo = self.higher, self.lower
        if lo.method == "weighted":
            mine = _column(lo, cid, CONTRIBUTION)
            theirs = _column(h, cid, CONTRIBUTION)
            return self._weighted(float(lo.value or 0.0) - mine + theirs, lo.effort, lo.factor)
        return self._formula({cid: _column(h, cid, NORMALIZED)})

    def value(self) -> float:
        """With the higher item's whole value (for formula sets, the formula's result)."""
        h, lo = self.higher, self.lower
        if lo.method == "weighted":
            return self._weighted(float(h.value or 0.0), lo.effort, lo.factor)
        return float(h.value or 0.0) * lo.factor - self.score

    def effort(self) -> float:
        h, lo = self.higher, self.lower
        if lo.method == "weighted":
            return self._weighted(float(lo.value or 0.0), h.effort, lo.factor)
        return self._formula({"effort": h.effort if h.effort is not None else math.nan})

    def risk(self) -> float:
        return (
            self._unrisked() * self.higher.risk_factor * self.lower.confidence_factor - self.score
        )

    def sure(self) -> float:
        """With the higher item's confidence level in place of the lower one's."""
        lo = self.lower
        return self._unrisked() * lo.risk_factor * self.higher.confidence_factor - self.score

    def _unrisked(self) -> float:
        """The lower item's score before its risk factor."""
        lo = self.lower
        value = float(lo.value or 0.0)
        if lo.method == "weighted" and lo.per_effort:
            return value / lo.effort if lo.effort else math.nan
        return value


def _column(e: Explanation, cid: str, column: str) -> float:
    row = e.criteria[e.criteria[CRITERION] == cid]
    return zero_if_missing(row[column].iloc[0]) if len(row) else 0.0


def _formula_names(e: Explanation) -> dict[str, float]:
    values = {
        str(c): zero_if_missing(n)
        for c, n in zip(e.criteria[CRITERION], e.criteria[NORMALIZED], strict=True)
    }
    values["effort"] = e.effort if e.effort is not None else math.nan
    return values


def _swap_effects(a: Explanation, b: Explanation, formula: Formula) -> list[float | None]:
    """Per criterion, a's score minus its score with b's value of that criterion (formula sets)."""
    mine, theirs = _formula_names(a), _formula_names(b)
    effects: list[float | None] = []
    for cid in a.criteria[CRITERION]:
        swapped = {k: np.array([theirs[k] if k == cid else v]) for k, v in mine.items()}
        value = float(evaluate(formula, swapped).values[0]) * a.factor
        effects.append(
            float(a.score) - value if a.score is not None and math.isfinite(value) else None
        )
    return effects
