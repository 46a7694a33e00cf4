"""The rules of `check`, each a small pure function yielding problems about items, pools and
criteria. Those that read items and pools alone are applied as a workspace is read: item_checks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

import numpy as np
import pandas as pd

from prioritize import confidence
from prioritize.criterion_inputs import range_warning
from prioritize.errors import Problem, Ref
from prioritize.models import EVIDENCE_KINDS, IDEA, CriteriaSet, Item, Settings
from prioritize.scoring import (
    DIVIDES_BY_ZERO,
    EVIDENCE_STRENGTH,
    ID,
    NO_EFFORT,
    NOT_FINITE,
    RANK,
    STATUS,
    Scoring,
    input_column,
    raw_column,
)


def criteria_problems(criteria: CriteriaSet, ref_id: str) -> Iterator[Problem]:
    """Warnings about a criteria set itself: evidence kinds it leaves out, nobody agreed it."""
    missing = [kind for kind in EVIDENCE_KINDS if kind not in criteria.evidence_kinds]
    if missing:
        yield Problem(
            "criteria-missing-kind",
            "warning",
            Ref("file", ref_id, ("criteria",), key=True),
            f"the criteria read no {' or '.join(missing)} evidence; good criteria mix functional, "
            "operational and experience data",
        )
    if not criteria.agreed_by:
        yield Problem(
            "criteria-not-agreed",
            "warning",
            Ref("file", ref_id, ("name",), key=True),
            "nobody has agreed this criteria set: add agreed_by (who) and agreed_on (when) once agency leaders sign it off",
        )


def scoring_problems(scoring: Scoring) -> Iterator[Problem]:
    """Values that cannot be scored, and every unscored item with each thing it lacks.

    Ideas may lack anything: an unscored idea is waiting for evidence, not a problem.
    """
    yield from scoring.problems
    for item_id in scoring.unscored_work[ID]:
        item_id = str(item_id)
        why = scoring.why[item_id]
        for criterion in why.missing:
            named = f" ({criterion.name})" if criterion.name else ""
            yield Problem(
                "unscored",
                "error",
                Ref("item", item_id, tuple(criterion.source_path.split("."))),
                f"{item_id} is unscored: it has no {criterion.id}{named}; add {criterion.source_path}",
            )
        causes = why.causes
        if NO_EFFORT in causes:
            yield Problem(
                "unscored",
                "error",
                Ref("item", item_id),
                f"{item_id} is unscored: it has no effort; add effort: N",
            )
        if DIVIDES_BY_ZERO in causes:
            yield Problem(
                "formula-divide-by-zero",
                "error",
                Ref("item", item_id),
                f"{item_id} is unscored: the formula divides by zero for it",
            )
        elif NOT_FINITE in causes:
            yield Problem(
                "formula-not-finite",
                "error",
                Ref("item", item_id),
                f"{item_id} is unscored: the formula's result is not a finite number for it",
            )


def range_problems(scoring: Scoring) -> Iterator[Problem]:
    """Values outside a criterion's fixed range (scored as clipped to it), with a "did you mean"
    where the value reads as a percentage of a 0-1 range (80 where 0.80 is meant): see
    criterion_inputs.range_warning.

    Ideas are left alone, like every other check of evidence they have not finished gathering.
    """
    frame = scoring.frame
    for criterion in scoring.criteria.criteria:
        rng = criterion.scale.range
        if not isinstance(rng, tuple):
            continue
        lo, hi = rng
        inputs = frame[input_column(criterion.id)].to_numpy(dtype=float)
        outside = ~np.isnan(inputs) & ((inputs < lo) | (inputs > hi)) & (frame[STATUS] != IDEA)
        for item_id, x, raw in zip(
            frame[ID][outside],
            inputs[outside],
            frame[raw_column(criterion.id)][outside],
            strict=True,
        ):
            warning = range_warning(criterion, str(item_id), raw, float(x))
            if warning is not None:
                yield warning


def weak_at_top(ranked: pd.DataFrame, top: int = confidence.WEAK_EVIDENCE_TOP) -> pd.DataFrame:
    """The rows among the first `top` ranked (rank order) whose evidence strength is weak
    (confidence.WEAK), ideas aside: an idea is still gathering its evidence, and never fails check."""
    head = ranked[ranked[RANK].notna()].head(top)
    return head[head[EVIDENCE_STRENGTH].isin(confidence.WEAK) & (head[STATUS] != IDEA)]


def weak_evidence_problems(
    scoring: Scoring, top: int = confidence.WEAK_EVIDENCE_TOP
) -> Iterator[Problem]:
    """Items in the top `top` whose strongest evidence is an anecdote, an opinion, plain text
    or nothing: what leaders are about to fund on the least evidence. Ideas are left alone."""
    weak = weak_at_top(scoring.ranked, top)
    for item_id, rank, kind in zip(weak[ID], weak[RANK], weak[EVIDENCE_STRENGTH], strict=True):
        what = {
            confidence.NONE: "no evidence sources at all",
            confidence.UNSPECIFIED: "sources of no stated kind",
        }.get(str(kind), f"an {kind}")
        yield Problem(
            "weak-evidence",
            "warning",
            Ref("item", str(item_id)),
            f"{item_id} is #{rank} in the ranking but rests on {what}: test it before it is "
            "funded (a pilot, a usability test, analytics), or give its stronger sources a kind",
        )


def freshness_problems(
    items: Sequence[Item], criteria: CriteriaSet, today: date, max_age_days: int
) -> Iterator[Problem]:
    """Evidence older than max_age_days, and open items with no as_of where the criteria read evidence.

    Ideas are left alone: their evidence is still to be gathered.
    """
    reads_evidence = any(c.source_path.startswith("evidence.") for c in criteria.criteria)
    for item in items:
        if not item.is_open or item.status == IDEA:
            continue
        as_of = item.evidence.as_of
        if as_of is None:
            if reads_evidence:
                yield Problem(
                    "no-as-of",
                    "warning",
                    Ref("item", item.id, ("evidence",)),
                    f"{item.id} has no evidence.as_of; say when its evidence was gathered",
                )
        elif (today - as_of).days > max_age_days:
            yield Problem(
                "stale-evidence",
                "warning",
                Ref("item", item.id, ("evidence", "as_of")),
                f"{item.id}'s evidence is {(today - as_of).days} days old (older than {max_age_days}); refresh it",
            )


def deadline_problems(
    scored: pd.DataFrame, items: Sequence[Item], settings: Settings, today: date
) -> Iterator[Problem]:
    """Mandated items that the plan from the workspace's own settings (score order, its capacity,
    teams and start) delivers after their due date. Without a capacity there is no plan; a
    workspace whose dependencies cannot be scheduled is reported by the reference rules."""
    if settings.capacity is None:
        return
    from prioritize import scheduling  # only workspaces with a capacity pay for it

    plan = scheduling.resources(settings, per_week=None, teams=None, start=None, today=today)
    try:
        cands = scheduling.candidates(scored, items)
        frame = scheduling.schedule(scheduling.ordered(cands.frame, "score"), plan, done=cands.done)
    except ValueError:
        return
    late = frame[frame[scheduling.MANDATE].notna() & (frame[scheduling.LATE] == True)]  # noqa: E712
    for row in late.to_dict(orient="records"):
        yield Problem(
            "deadline-missed",
            "warning",
            Ref("item", row[ID], ("due",)),
            f"{row[ID]} is due {row[scheduling.DUE].isoformat()} ({row[scheduling.MANDATE]}), "
            f"but the plan delivers it on {row[scheduling.FINISH_DATE].isoformat()}: bring it "
            "or its dependencies forward, or add capacity",
        )


# Every finding code, with the one line the README documents it by (a test keeps them in step).
FINDING_CODES: dict[str, str] = {
    "syntax": "the file is not valid YAML (tabs used for indentation are reported here too)",
    "encoding": "the file is not UTF-8",
    "unsafe-tag": "a tag such as !!python/object that would build an object; files hold data only",
    "duplicate-key": "the same key twice in one mapping",
    "alias": "a YAML alias (*name); write values out in full",
    "top-level": "the file holds something other than a mapping",
    "unreadable": "the file (or folder) cannot be read",
    "outside-workspace": "a file or folder leads outside the workspace (a symbolic link, or a criteria path in the settings); it is not read",
    "unknown-key": "a key the format does not have (usually a typo; a hint names the closest key)",
    "missing-key": "a required key is missing",
    "wrong-type": "a value of the wrong type (text where a number belongs, ...)",
    "invalid-value": "a value outside what the key accepts (an unknown status, effort not > 0, ...)",
    "duplicate-id": "an item or pool id used twice; names both places",
    "unknown-pool": "an item names a value pool that does not exist",
    "unknown-dependency": "depends_on names an item that does not exist",
    "dependency-cycle": "items depend on each other in a loop; names the cycle",
    "depends-on-dropped": "an open item depends on a dropped item",
    "unscored": "an open item lacks a value a required criterion reads (or effort); names the criterion and where it goes",
    "not-allowed": "a value outside the criterion's allowed list",
    "not-in-map": "a value the criterion's map has no number for",
    "not-numeric": "a value that must be a number is not",
    "formula-syntax": "a formula that is not valid arithmetic",
    "formula-unknown-name": "a formula names something that is neither a criterion nor effort",
    "formula-unsafe": "a formula uses anything beyond numbers, names, + - * / **, parentheses and min max log sqrt abs",
    "formula-divide-by-zero": "a formula divides by zero for an item, which is then unscored",
    "formula-not-finite": "a formula gives an infinite or undefined result for an item",
    "criteria-missing-kind": "(warning) the criteria read no functional, operational or experience evidence",
    "criteria-not-agreed": "(warning) the criteria set has no agreed_by",
    "criteria-changed-after-agreement": "(warning) the criteria file changed in git after its agreed_on date",
    "criteria-uncommitted": "(warning) the criteria file has uncommitted changes",
    "criteria-history-shallow": "(warning) in a shallow git clone, whether the criteria file changed after its agreed_on date cannot be told; fetch the history",
    "out-of-range": "(warning) a value outside its criterion's fixed range, scored as clipped (80 where 0.80 is meant: a hint says so)",
    "unchecked-references": "(warning) a backlog file cannot be read, so references that may point into it were not checked; names how many",
    "stale-evidence": "(warning) evidence.as_of is older than --max-age days",
    "no-as-of": "(warning) an open item has no evidence.as_of while the criteria read evidence",
    "done-without-outcome": "(warning) a done item records no outcome",
    "weak-evidence": "(warning) an item in the top 10 rests on an anecdote, an opinion, sources of no stated kind, or none",
    "deadline-missed": "(warning) the plan from prioritize.yaml's capacity delivers a mandated item after its due date",
    "unknown-kpi": "(warning) an outcome names a KPI its value pool does not have",
    "unknown-vote-item": "a vote names an item that does not exist",
    "unknown-vote-criterion": "a vote names a criterion that is not a judgement criterion of the set",
    "vote-not-allowed": "a vote's value is outside the criterion's allowed list",
    "duplicate-stakeholder": "two votes files name the same stakeholder",
}
