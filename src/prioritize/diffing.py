"""Pure: how a ranking moved between two scorings, and which rules of a criteria set changed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from prioritize import confidence
from prioritize.models import CriteriaSet, Criterion
from prioritize.scoring import ID, RANK, SCORE, TITLE

OLD_RANK, NEW_RANK, OLD_SCORE, NEW_SCORE, CHANGE = (
    "old_rank",
    "new_rank",
    "old_score",
    "new_score",
    "change",
)
DIFF_COLUMNS = [ID, TITLE, OLD_RANK, NEW_RANK, OLD_SCORE, NEW_SCORE, CHANGE]
RANKING_COLUMNS = [ID, TITLE, RANK, SCORE]  # what ranking_diff reads of each side
UP, DOWN, NEW, REMOVED, SAME = "up", "down", "new", "removed", "same"
CHANGES = (UP, DOWN, NEW, REMOVED, SAME)


def ranking_diff(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """One row per item ranked on either side (each a Scoring.ranked frame, RANKING_COLUMNS
    at least), with DIFF_COLUMNS.

    `change` is up or down (rank number fell or rose), same, new (ranked only in `new`: added,
    reopened, or unscored before) or removed (ranked only in `old`: deleted, done, dropped or
    unscored now). The title is the new one where the item still exists. Rows come in new rank
    order, then the removed items in old rank order; ties cannot occur (ranks are unique).
    """
    before = old[RANKING_COLUMNS].rename(
        columns={TITLE: "_old_title", RANK: OLD_RANK, SCORE: OLD_SCORE}
    )
    after = new[RANKING_COLUMNS].rename(columns={RANK: NEW_RANK, SCORE: NEW_SCORE})
    merged = before.merge(after, on=ID, how="outer", sort=False)
    old_rank = merged[OLD_RANK].astype("Int64")
    new_rank = merged[NEW_RANK].astype("Int64")
    both = (old_rank.notna() & new_rank.notna()).to_numpy(dtype=bool)
    old_values = old_rank.fillna(0).to_numpy(dtype=np.int64)
    new_values = new_rank.fillna(0).to_numpy(dtype=np.int64)
    change = np.select(
        [
            both & (new_values < old_values),
            both & (new_values > old_values),
            both,
            new_rank.notna().to_numpy(dtype=bool),
        ],
        [UP, DOWN, SAME, NEW],
        default=REMOVED,
    )
    titles = [
        n if isinstance(n, str) else o
        for n, o in zip(merged[TITLE], merged["_old_title"], strict=True)
    ]
    frame = pd.DataFrame(
        {
            ID: merged[ID].astype(object),
            TITLE: pd.Series(titles, dtype=object),
            OLD_RANK: old_rank,
            NEW_RANK: new_rank,
            OLD_SCORE: merged[OLD_SCORE].astype(float),
            NEW_SCORE: merged[NEW_SCORE].astype(float),
            CHANGE: pd.Series(change, dtype=object),
        }
    )
    frame = frame.sort_values([NEW_RANK, OLD_RANK, ID], na_position="last", kind="stable")
    return frame.reset_index(drop=True)[DIFF_COLUMNS]


def change_counts(frame: pd.DataFrame) -> dict[str, int]:
    """How many rows of a ranking diff have each change, every change named (zeros included)."""
    counts = frame[CHANGE].value_counts()
    return {change: int(counts.get(change, 0)) for change in CHANGES}


def moved(frame: pd.DataFrame, *, include_same: bool = False) -> pd.DataFrame:
    """The rows worth showing: all of them with `include_same`, else those whose place changed."""
    return frame if include_same else frame[frame[CHANGE] != SAME].reset_index(drop=True)


# --- criteria sets ----------------------------------------------------------------------------


def _num(value: Any) -> str:
    return (
        f"{value:g}"
        if isinstance(value, int | float) and not isinstance(value, bool)
        else str(value)
    )


def _range(criterion: Criterion) -> str:
    rng = criterion.scale.range
    if isinstance(rng, tuple):
        return f"[{_num(rng[0])}, {_num(rng[1])}]"
    return "auto"


def _text(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_num(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_num(v) for v in value) + "]"
    return _num(value)


def _criterion_changes(old: Criterion, new: Criterion) -> list[str]:
    cid = new.id
    pairs: list[tuple[str, Any, Any]] = [
        (f"weight of {cid}", old.weight, new.weight),
        (f"direction of {cid}", old.direction, new.direction),
        (f"source of {cid}", old.source_path, new.source_path),
        (f"range of {cid}", _range(old), _range(new)),
        (f"transform of {cid}", old.scale.transform, new.scale.transform),
        (f"map of {cid}", old.scale.map, new.scale.map),
        (f"allowed values of {cid}", old.allowed, new.allowed),
    ]
    changes = [f"{what} {_text(a)} -> {_text(b)}" for what, a, b in pairs if a != b]
    if old.required != new.required:
        changes.append(
            f"{cid} {'required' if old.required else 'optional'} -> {'required' if new.required else 'optional'}"
        )
    return changes


def _confidence_changes(old: CriteriaSet, new: CriteriaSet) -> list[str]:
    """Whether scores are multiplied by confidence, and the levels that changed where they are."""
    was, now = confidence.applies(old), confidence.applies(new)
    if was != now:
        return [f"confidence {'on' if was else 'off'} -> {'on' if now else 'off'}"]
    if not now:
        return []
    before, after = confidence.levels(old), confidence.levels(new)
    return [
        f"confidence level of {kind} {_text(before[kind])} -> {_text(after[kind])}"
        for kind in after
        if before[kind] != after[kind]
    ]


def criteria_changes(old: CriteriaSet, new: CriteriaSet) -> list[str]:
    """What moved between two versions of a criteria set, in words, rules that change scores only.

    Set-wide rules first (method, per_effort, formula, risk factors, confidence), then per criterion in the
    new set's order (weight, direction, source, scale, allowed, required; added ones), then the
    criteria removed, in the old set's order. Names, descriptions and who agreed are left out:
    they move no score. Empty when the two rank alike.
    """
    changes = [
        f"{what} {_text(a)} -> {_text(b)}"
        for what, a, b in (
            ("method", old.method, new.method),
            ("per_effort", old.per_effort, new.per_effort),
            ("formula", old.formula, new.formula),
        )
        if a != b
    ]
    old_factors, new_factors = old.risk_factor or {}, new.risk_factor or {}
    for level in ("low", "medium", "high"):
        a, b = old_factors.get(level, 1.0), new_factors.get(level, 1.0)  # no factor multiplies by 1
        if a != b:
            changes.append(f"risk factor of {level} {_text(a)} -> {_text(b)}")
    changes.extend(_confidence_changes(old, new))
    before = {c.id: c for c in old.criteria}
    after_ids = {c.id for c in new.criteria}
    for criterion in new.criteria:
        if criterion.id in before:
            changes.extend(_criterion_changes(before[criterion.id], criterion))
        else:
            changes.append(f"criterion {criterion.id} added")
    changes.extend(f"criterion {c.id} removed" for c in old.criteria if c.id not in after_ids)
    return changes
