"""Pure scoring (docs/reference.md section 4): an items frame and a criteria set in, a ranked frame out.

No I/O here. The items frame has one row per item in file order with the columns ID, TITLE,
POOL, STATUS, RISK, FACING, EFFORT, and one `raw.<criterion id>` column per criterion holding the
value found at the criterion's source (None where absent).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from operator import index
from typing import Any, SupportsIndex

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from prioritize import confidence
from prioritize.criterion_inputs import Refusal, take
from prioritize.errors import Problem, Ref
from prioritize.formula import CompiledCriteria, Formula, evaluate
from prioritize.models import CLOSED_STATUSES, IDEA, CriteriaSet, Criterion
from prioritize.values import MAX_NUMBER

DEPENDS_ON = "depends_on"  # the ids an item depends on (items frame: all; rank rows: open ones)
RANK, ID, TITLE, POOL, STATUS, RISK, FACING, EFFORT = (
    "rank", "id", "title", "pool", "status", "risk", "facing", "effort"
)  # fmt: skip
VALUE, SCORE, RISK_FACTOR, UNSCORED = "value", "score", "risk_factor", "unscored"
# Why an item is unscored, besides the required criteria it lacks (Unscored.missing).
NO_EFFORT = "no effort"
UNUSABLE_VALUE = "a value that cannot be scored"
DIVIDES_BY_ZERO = "the formula divides by zero"
NOT_FINITE = "the formula's result is not a finite number"
RANK_COLUMNS = [RANK, ID, TITLE, POOL, STATUS, RISK, EFFORT, VALUE, SCORE]
# The strength of an item's evidence (confidence.strength; items frame: optional, "none" where
# absent), its level under the set, and the factor its score took (the level, or 1 where the
# set does not weigh confidence).
EVIDENCE_STRENGTH, CONFIDENCE, CONFIDENCE_FACTOR = (
    "evidence_strength", "confidence", "confidence_factor"
)  # fmt: skip


def raw_column(criterion_id: str) -> str:
    """The column of values as found at the criterion's source."""
    return f"raw.{criterion_id}"


def input_column(criterion_id: str) -> str:
    """The column of numbers after allowed, map and transform (x in docs/reference.md 4)."""
    return f"x.{criterion_id}"


def normalized_column(criterion_id: str) -> str:
    """The column of normalized values after range and direction (n in docs/reference.md 4)."""
    return f"n.{criterion_id}"


def contribution_column(criterion_id: str) -> str:
    """The published column per criterion: contribution (weighted) or formula input (formula)."""
    return f"c.{criterion_id}"


@dataclass(frozen=True)
class Unscored:
    """Why one item is unscored: the required criteria it lacks (in the set's order) and the
    other causes (NO_EFFORT, UNUSABLE_VALUE, DIVIDES_BY_ZERO, NOT_FINITE)."""

    missing: tuple[Criterion, ...] = ()
    causes: tuple[str, ...] = ()

    def __str__(self) -> str:
        """The reason in words, as the UNSCORED column and the warnings give it."""
        lacks = [f"no {c.id} (at {c.source_path})" for c in self.missing]
        return "; ".join([*lacks, *self.causes])


@dataclass(frozen=True)
class Scoring:
    """The result of scoring a backlog.

    `frame` holds the open items: ranked ones first in rank order (rank 1, 2, ...), then the
    unscored ones in file order with an empty rank and their reasons in UNSCORED.
    `problems` are values that make the workspace unusable (outside `allowed`, not a number, ...).
    `why` says, per unscored item id, why (Unscored); UNSCORED holds the same in words.
    """

    frame: pd.DataFrame
    compiled: CompiledCriteria
    problems: tuple[Problem, ...] = ()
    why: dict[str, Unscored] = field(default_factory=dict)

    @property
    def criteria(self) -> CriteriaSet:
        return self.compiled.criteria

    @property
    def formula(self) -> Formula | None:
        return self.compiled.formula

    @property
    def ranked(self) -> pd.DataFrame:
        return self.frame[self.frame[RANK].notna()]

    @property
    def unscored(self) -> pd.DataFrame:
        """Every open item left unranked, ideas included."""
        return self.frame[self.frame[RANK].isna()]

    @property
    def unscored_ideas(self) -> pd.DataFrame:
        """Ideas still waiting for the evidence the criteria read: expected, never a problem."""
        unscored = self.unscored
        return unscored[unscored[STATUS] == IDEA]

    @property
    def unscored_work(self) -> pd.DataFrame:
        """Unscored items that are not ideas: each one lacks something it should have."""
        unscored = self.unscored
        return unscored[unscored[STATUS] != IDEA]


def _inputs(
    criterion: Criterion, raw: pd.Series, ids: pd.Series
) -> tuple[np.ndarray, list[Problem]]:
    """x for one criterion (NaN where missing) and the problems its values raise."""
    problems: list[Problem] = []
    path = tuple(criterion.source_path.split("."))
    scale = criterion.scale
    out = np.full(len(raw), np.nan)

    # A column of plain numbers in bounds that the criterion takes, nearly every column, is
    # settled at once at C speed (_taken_numbers). Otherwise the loop reads value by value;
    # where nothing is asked of them (no allowed list, map or transform), plain numbers in
    # bounds are taken as the loop meets them; every other value as criterion_inputs.take says.
    if (numbers := _taken_numbers(criterion, raw)) is not None:
        return numbers, problems
    as_is = criterion.allowed is None and scale.map is None and scale.transform is None
    for i, (item_id, value) in enumerate(zip(ids, raw, strict=True)):
        if value is None:  # missing, the most common value here: no call for it
            continue
        kind = type(value)
        if as_is and (kind is int or kind is float) and -MAX_NUMBER <= value <= MAX_NUMBER:
            out[i] = value
            continue
        taken = take(criterion, value)
        if isinstance(taken, Refusal):
            problems.append(Problem(taken.code, "error", Ref("item", item_id, path), taken.message))
        elif taken is not None:
            out[i] = taken
    return out, problems


def _taken_numbers(criterion: Criterion, raw: pd.Series) -> np.ndarray | None:
    """x for a column of plain numbers in bounds that the criterion takes as they are: each in
    its allowed list (if any), none below 0 under a log transform. None where the loop must
    look at the values one by one (a map, anything else, or a value it reports)."""
    scale = criterion.scale
    if scale.map is not None or (numbers := _plain_numbers(raw)) is None:
        return None
    given = ~np.isnan(numbers)
    if criterion.allowed is not None:
        if not all(type(a) is int or type(a) is float for a in criterion.allowed):
            return None
        if not np.isin(numbers[given], np.array(criterion.allowed, dtype=float)).all():
            return None
    if scale.transform == "log":
        if bool((numbers[given] < 0).any()):
            return None
        # math.log1p, as criterion_inputs.take does: numpy's own may round a last digit otherwise.
        numbers = numbers.copy()  # (pandas may hand out its own array, read-only)
        numbers[given] = list(map(math.log1p, numbers[given].tolist()))
    return numbers


def _plain_numbers(raw: pd.Series) -> np.ndarray | None:
    """The column as floats (NaN where missing) where every value is a whole or decimal
    number in bounds, None (nothing), or NaN; None where any value is something else."""
    if infer_dtype(raw, skipna=True) not in _NUMBER_KINDS:  # (true and false are not numbers)
        return None
    try:
        out = raw.astype(float).to_numpy()
    except (OverflowError, TypeError, ValueError):
        return None
    given = out[~np.isnan(out)]
    return out if bool((np.abs(given) <= MAX_NUMBER).all()) else None


_NUMBER_KINDS = frozenset({"integer", "floating", "mixed-integer-float", "empty"})


def _normalize(
    criterion: Criterion, x: np.ndarray, scored: np.ndarray, *, formula: bool
) -> np.ndarray:
    """n for one criterion: range then direction (formula sets only where a range is named)."""
    rng = criterion.scale.range
    if formula and rng is None:
        return x
    if rng is None or rng == "auto":
        pool = x[scored & ~np.isnan(x)]
        lo, hi = (pool.min(), pool.max()) if len(pool) else (0.0, 0.0)
        n = np.ones_like(x) if lo == hi else np.clip((x - lo) / (hi - lo), 0, 1)
    else:
        lo, hi = rng
        n = np.clip((x - lo) / (hi - lo), 0, 1)
    if criterion.direction == "lower":
        n = 1 - n
    return np.where(np.isnan(x), np.nan, n)


def score(
    items: pd.DataFrame,
    compiled: CompiledCriteria,
    *,
    closed: frozenset[str] = CLOSED_STATUSES,
) -> Scoring:
    """Score and rank the items of `items` by a criteria set (docs/reference.md 4, steps 1 to 7).

    Items whose status is in `closed` (done and dropped, by default) take no part.
    """
    criteria, formula = compiled.criteria, compiled.formula
    frame = items[~items[STATUS].isin(closed)].reset_index(drop=True)
    ids = frame[ID]
    count = len(frame)
    is_formula = criteria.method == "formula"

    # By row, only the rows that lack something (a list per row was megabytes at 100,000).
    lacks: defaultdict[int, list[Criterion]] = defaultdict(list)
    causes: defaultdict[int, list[str]] = defaultdict(list)

    def unscore(i: SupportsIndex, cause: str) -> None:
        row = causes[index(i)]
        if cause not in row:
            row.append(cause)

    problems: list[Problem] = []
    bad = np.zeros(count, dtype=bool)
    inputs: dict[str, np.ndarray] = {}
    for criterion in criteria.criteria:
        x, found = _inputs(criterion, frame[raw_column(criterion.id)], ids)
        problems.extend(found)
        bad |= ids.isin({p.ref.id for p in found}).to_numpy()
        inputs[criterion.id] = x
        if criterion.required:
            for row in np.flatnonzero(np.isnan(x)).tolist():
                lacks[row].append(criterion)

    effort = pd.to_numeric(frame[EFFORT], errors="coerce").to_numpy(dtype=float)
    needs_effort = criteria.per_effort or (formula is not None and "effort" in formula.names)
    if needs_effort:
        for i in np.flatnonzero(np.isnan(effort)):
            unscore(i, NO_EFFORT)
    for i in np.flatnonzero(bad):
        unscore(i, UNUSABLE_VALUE)
    scored = np.ones(count, dtype=bool)
    scored[sorted(lacks.keys() | causes.keys())] = False

    normalized = {
        c.id: _normalize(c, inputs[c.id], scored, formula=is_formula) for c in criteria.criteria
    }
    weights = np.array([c.weight for c in criteria.criteria], dtype=float)
    columns: dict[str, Any] = {}
    if is_formula:
        assert formula is not None
        named = {cid: np.nan_to_num(n, nan=0.0) for cid, n in normalized.items()}
        named["effort"] = effort
        result = evaluate(formula, named)
        value = result.values
        for i in np.flatnonzero(scored & result.divided_by_zero):
            unscore(i, DIVIDES_BY_ZERO)
        for i in np.flatnonzero(scored & ~result.divided_by_zero & ~np.isfinite(value)):
            unscore(i, NOT_FINITE)
        scored &= np.isfinite(value) & ~result.divided_by_zero
        for criterion in criteria.criteria:
            columns[contribution_column(criterion.id)] = named[criterion.id]
        score_values = value.copy()
    else:
        matrix = np.column_stack(
            [np.nan_to_num(normalized[c.id], nan=0.0) for c in criteria.criteria]
        )
        contributions = 100.0 * matrix * weights / weights.sum()
        value = contributions.sum(axis=1)
        for j, criterion in enumerate(criteria.criteria):
            columns[contribution_column(criterion.id)] = contributions[:, j]
        score_values = value / effort if criteria.per_effort else value.copy()

    factor = frame[RISK].map(criteria.risk_factor or {}).astype(float).fillna(1.0).to_numpy()
    strengths = (
        frame[EVIDENCE_STRENGTH]
        if EVIDENCE_STRENGTH in frame.columns
        else pd.Series([confidence.NONE] * count, dtype=object)
    )
    level = strengths.map(confidence.levels(criteria)).astype(float).to_numpy()
    sure = level if confidence.applies(criteria) else np.ones(count)
    score_values = score_values * factor * sure

    # The rows are put in rank order once, a column at a time as the frame is built: sorting
    # the built frame copied it whole three times over (about 40 MiB a copy at 100,000 items).
    order = _rank_order(ids.to_numpy(), score_values, scored)

    def ordered(values: np.ndarray) -> np.ndarray:
        return np.take(values, order)

    raws = [raw_column(c.id) for c in criteria.criteria]
    out = frame.drop(columns=raws).take(order).reset_index(drop=True)
    scored = scored[order]
    rank = pd.arrays.IntegerArray(np.arange(1, count + 1, dtype=np.int64), ~scored)
    out.insert(0, RANK, pd.Series(rank, copy=False))
    out[VALUE] = np.where(scored, ordered(value), np.nan)
    out[SCORE] = np.where(scored, ordered(score_values), np.nan)
    out[RISK_FACTOR] = ordered(factor)
    out[EVIDENCE_STRENGTH] = ordered(strengths.to_numpy(dtype=object))
    out[CONFIDENCE] = ordered(level)
    out[CONFIDENCE_FACTOR] = ordered(sure)
    for criterion, raw in zip(criteria.criteria, raws, strict=True):
        out[raw] = ordered(frame[raw].to_numpy())
        out[input_column(criterion.id)] = ordered(inputs[criterion.id])
        out[normalized_column(criterion.id)] = ordered(normalized[criterion.id])
        out[contribution_column(criterion.id)] = np.where(
            scored, ordered(columns[contribution_column(criterion.id)]), np.nan
        )
    why = {
        ids[i]: Unscored(tuple(lacks.get(i, ())), tuple(causes.get(i, ())))
        for i in sorted(lacks.keys() | causes.keys())
    }
    out[UNSCORED] = [str(why[i]) if i in why else None for i in out[ID]]
    return Scoring(out, compiled, tuple(problems), why)


def _rank_order(ids: np.ndarray, score: np.ndarray, scored: np.ndarray) -> np.ndarray:
    """The rows' positions in rank order: the scored ones by score, highest first, equal scores
    by id; then the unscored ones in file order."""
    rows = np.flatnonzero(scored)
    keys = pd.DataFrame({SCORE: score[rows], ID: ids[rows]})
    by_rank = keys.sort_values([SCORE, ID], ascending=[False, True], kind="stable").index
    return np.concatenate([rows[by_rank.to_numpy()], np.flatnonzero(~scored)])


ORDERS = ("score", "deliverable")


def deliverable_order(ids: Sequence[str], waits_for: Mapping[str, Sequence[str]]) -> list[str]:
    """`ids` (in score order) reordered so that no item comes before what it waits for.

    Each item comes as early as its rank allows: the open dependencies it waits for come just
    before it, themselves in this order. Dependencies outside `ids` are passed over. Iterative,
    so no file can drive it into deep recursion; a cycle (refused when the workspace loads)
    cannot loop it.
    """
    position = {item_id: k for k, item_id in enumerate(ids)}
    listed: set[str] = set()
    order: list[str] = []
    for root in ids:
        if root in listed:
            continue
        stack, on_stack = [root], {root}
        while stack:
            top = stack[-1]
            pending = [
                d
                for d in waits_for.get(top, ())
                if d in position and d not in listed and d not in on_stack
            ]
            if pending:
                nxt = min(pending, key=position.__getitem__)
                stack.append(nxt)
                on_stack.add(nxt)
            else:
                stack.pop()
                on_stack.discard(top)
                listed.add(top)
                order.append(top)
    return order


def ranking_rows(
    scoring: Scoring,
    *,
    top: int | None = None,
    pool: str | None = None,
    risk: str | None = None,
    include_unscored: bool = False,
    order: str = "score",
) -> pd.DataFrame:
    """The published rows of `rank`: RANK_COLUMNS, DEPENDS_ON (the open items each waits for),
    EVIDENCE_STRENGTH and CONFIDENCE, then c.<id> per criterion, filtered.

    Ranks stay those of the whole backlog. `order` "deliverable" lists the ranked items so
    that none comes before an open item it depends on (see deliverable_order); unscored items
    follow either way. `top` keeps the first N ranked rows left after the filters.
    """
    if order not in ORDERS:
        raise ValueError(f"order is one of {ORDERS}")
    columns = [
        *RANK_COLUMNS,
        DEPENDS_ON,
        EVIDENCE_STRENGTH,
        CONFIDENCE,
        *(contribution_column(c.id) for c in scoring.criteria.criteria),
    ]
    open_ids = set(scoring.frame[ID])
    waits = [
        [d for d in deps if d in open_ids] if isinstance(deps, list | tuple) else []
        for deps in scoring.frame.get(DEPENDS_ON, pd.Series([()] * len(scoring.frame)))
    ]
    frame = scoring.frame.assign(
        **{DEPENDS_ON: pd.Series(waits, index=scoring.frame.index, dtype=object)}
    )
    if order == "deliverable":
        ranked = frame[frame[RANK].notna()]
        by_id = dict(zip(ranked[ID], ranked[DEPENDS_ON], strict=True))
        sequence = deliverable_order(list(ranked[ID]), by_id)
        ranked = ranked.set_index(ID, drop=False).loc[sequence].reset_index(drop=True)
        frame = pd.concat([ranked, frame[frame[RANK].isna()]], ignore_index=True)
    if not include_unscored:
        frame = frame[frame[RANK].notna()]
    keep = np.ones(len(frame), dtype=bool)
    if pool is not None:
        keep &= (frame[POOL] == pool).to_numpy()
    if risk is not None:
        keep &= (frame[RISK] == risk).to_numpy()
    rows = frame[keep]
    if top is not None:
        ranked = rows[rows[RANK].notna()].head(top)
        rows = pd.concat([ranked, rows[rows[RANK].isna()]]) if include_unscored else ranked
    return rows[columns].reset_index(drop=True)
