"""Personas: whom the top of the ranked backlog serves and whom it leaves out.

Pure: items and a scoring frame in, a frame out (docs/reference.md 5, `coverage`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from prioritize.models import Item
from prioritize.scoring import ID, RANK, VALUE

PERSONA, ITEMS, ITEMS_IN_TOP, VALUE_IN_TOP_PCT = (
    "persona",
    "items",
    "items_in_top",
    "value_in_top_pct",
)
FLAG, SUGGESTION, SUGGESTION_RANK = "flag", "suggestion", "suggestion_rank"
COVERAGE_COLUMNS = [
    PERSONA,
    ITEMS,
    ITEMS_IN_TOP,
    VALUE_IN_TOP_PCT,
    FLAG,
    SUGGESTION,
    SUGGESTION_RANK,
]
LEFT_OUT = "left out"


def persona_rows(items: Sequence[Item]) -> pd.DataFrame:
    """One row per (item id, persona) the item serves; an item naming a persona twice counts once."""
    pairs = [(item.id, persona) for item in items for persona in dict.fromkeys(item.personas)]
    return pd.DataFrame(pairs, columns=[ID, PERSONA], dtype=object)


def coverage_rows(scored: pd.DataFrame, personas: pd.DataFrame, top: int) -> pd.DataFrame:
    """One row per persona of the open items (COVERAGE_COLUMNS): fewest items in the top first, ties by persona.

    `scored` is the frame of `scoring.score` (open items, rank empty where unscored); `personas`
    is `persona_rows(...)`. Over scored items: `items` serving the persona, `items_in_top` of
    them ranked 1 to `top`, and `value_in_top_pct` = 100 * their value / the value of all the
    persona's items (empty where that total is not above 0). `flag` is "left out" where no
    item in the top serves the persona; then `suggestion`/`suggestion_rank` name the
    best-ranked item that does (empty where no scored item serves it).
    """
    joined = personas.merge(scored[[ID, RANK, VALUE]].astype({ID: object}), on=ID, how="inner")
    ranked = joined[joined[RANK].notna()]
    in_top = ranked[ranked[RANK] <= top]
    names = sorted(joined[PERSONA].unique())
    count = ranked.groupby(PERSONA).size()
    count_top = in_top.groupby(PERSONA).size()
    value = ranked.groupby(PERSONA)[VALUE].sum()
    value_top = in_top.groupby(PERSONA)[VALUE].sum()
    best = ranked.sort_values([RANK, ID], kind="stable").drop_duplicates(PERSONA).set_index(PERSONA)

    rows = []
    for name in names:
        total, n_top = float(value.get(name, 0.0)), int(count_top.get(name, 0))
        left_out = n_top == 0
        rows.append(
            {
                PERSONA: name,
                ITEMS: int(count.get(name, 0)),
                ITEMS_IN_TOP: n_top,
                VALUE_IN_TOP_PCT: 100.0 * float(value_top.get(name, 0.0)) / total
                if total > 0
                else np.nan,
                FLAG: LEFT_OUT if left_out else None,
                SUGGESTION: best[ID].get(name) if left_out else None,
                SUGGESTION_RANK: best[RANK].get(name) if left_out else None,
            }
        )
    frame = pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
    frame[SUGGESTION_RANK] = pd.array(
        [None if pd.isna(r) else int(r) for r in frame[SUGGESTION_RANK]], dtype="Int64"
    )
    frame[VALUE_IN_TOP_PCT] = frame[VALUE_IN_TOP_PCT].astype(float)
    for column in (ITEMS, ITEMS_IN_TOP):
        frame[column] = frame[column].astype(int)
    for column in (FLAG, SUGGESTION):
        frame[column] = frame[column].astype(object)
    return frame.sort_values([ITEMS_IN_TOP, PERSONA], kind="stable").reset_index(drop=True)


__all__ = ["COVERAGE_COLUMNS", "LEFT_OUT", "coverage_rows", "persona_rows"]
