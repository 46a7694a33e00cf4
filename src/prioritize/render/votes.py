"""`votes` in every format: the combined votes, and in the table who voted what."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from rich.text import Text

from prioritize.analysis.votes import BALLOT_PREFIX, DISCUSS, FLAG, VOTE_COLUMNS
from prioritize.render.choices import Format
from prioritize.render.fit import FitTable, Kind, fit_table
from prioritize.render.formats import (
    records,
    round_for_reading,
    to_csv,
    to_json,
    to_markdown,
)
from prioritize.render.table import numbers, render_to_text

OWN = "own"  # the item's own score, which the median replaces (table and Markdown only)


def _stakeholders(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith(BALLOT_PREFIX)]


def _caption(frame: pd.DataFrame, threshold: float) -> str:
    flagged = int((frame[FLAG] == DISCUSS).sum()) if len(frame) else 0
    limit = round_for_reading(threshold)
    if not flagged:
        return f"No disagreement: every spread is below {limit}."
    pairs = "pair" if flagged == 1 else "pairs"
    return f"{flagged} {pairs} to discuss: the votes spread {limit} or more apart. The median replaces the item's own score."


def votes_table(frame: pd.DataFrame, threshold: float, stakeholders: int) -> FitTable:
    """One row per item and criterion voted on; narrow, the vote count, min and max, the item's
    own score and the stakeholders' columns (the rightmost first) are left out in that order."""
    table = fit_table(
        title=f"Stakeholder votes: {stakeholders} stakeholder{'s' if stakeholders != 1 else ''} on {len(frame)} item score{'s' if len(frame) != 1 else ''}",
        caption=_caption(frame, threshold),
        caption_justify="left",
        header_style="bold",
    )
    ballots = _stakeholders(frame)
    table.add_column("ID", Kind.LABEL)
    table.add_column("Criterion", Kind.LABEL)
    table.add_column("Own", Kind.NUMBER, priority=2)
    for column in ballots:
        table.add_column(column.removeprefix(BALLOT_PREFIX), Kind.NUMBER, priority=1)
    table.add_column("Votes", Kind.NUMBER, priority=4)
    table.add_column("Median", Kind.NUMBER)
    table.add_column("Min", Kind.NUMBER, priority=3)
    table.add_column("Max", Kind.NUMBER, priority=3)
    table.add_column("Spread", Kind.NUMBER)
    table.add_column("Flag", Kind.LABEL)
    shown = [OWN, *ballots, "votes", "median", "min", "max", "spread"]
    columns = [numbers(frame[c] if c in frame else [None] * len(frame)) for c in shown]
    for k, row in enumerate(frame.to_dict("records")):
        flagged = row[FLAG] == DISCUSS
        cells: list[Any] = [row["id"], row["criterion"], *(column[k] for column in columns)]
        cells.append(Text(DISCUSS, style="bold yellow") if flagged else "")
        table.add_row(*cells)
    return table


@dataclass(frozen=True)
class VotesView:
    """What `votes` shows: the rows of analysis.votes.vote_summary plus an `own` column.

    CSV carries exactly VOTE_COLUMNS; JSON adds `ballots` ({stakeholder: vote}); the table and
    Markdown add the item's own score and a column per stakeholder.
    """

    frame: pd.DataFrame
    threshold: float
    color: bool


def _csv(view: VotesView) -> str:
    return to_csv(view.frame[VOTE_COLUMNS])


def _json(view: VotesView) -> str:
    frame = view.frame
    rows = records(frame[VOTE_COLUMNS])
    for row, said in zip(rows, records(frame[_stakeholders(frame)]), strict=True):
        row["ballots"] = {
            k.removeprefix(BALLOT_PREFIX): v for k, v in said.items() if v is not None
        }
    return to_json(rows)


def _markdown(view: VotesView) -> str:
    frame, ballots = view.frame, _stakeholders(view.frame)
    shown = frame[
        [
            VOTE_COLUMNS[0],
            VOTE_COLUMNS[1],
            *([OWN] if OWN in frame else []),
            *ballots,
            *VOTE_COLUMNS[2:],
        ]
    ]
    shown = shown.rename(columns={c: c.removeprefix(BALLOT_PREFIX) for c in ballots})
    return (
        to_markdown(
            shown, numeric=[c for c in shown.columns if c not in ("id", "criterion", "flag")]
        )
        + "\n"
        + _caption(frame, view.threshold)
        + "\n"
    )


def _table(view: VotesView) -> str:
    table = votes_table(view.frame, view.threshold, len(_stakeholders(view.frame)))
    return render_to_text([table], color=view.color)


VOTES_RENDERERS: Mapping[Format, Callable[[VotesView], str]] = {
    Format.table: _table,
    Format.csv: _csv,
    Format.json: _json,
    Format.markdown: _markdown,
}
