"""The ranking diff in every format; Markdown is a ready pull-request comment."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from rich.console import RenderableType
from rich.text import Text

from prioritize.diffing import (
    CHANGE,
    DOWN,
    NEW,
    NEW_RANK,
    NEW_SCORE,
    OLD_RANK,
    OLD_SCORE,
    REMOVED,
    UP,
)
from prioritize.render.choices import Format, Rendered
from prioritize.render.fit import Kind, fit_table
from prioritize.render.formats import csv_pieces, to_json, to_markdown
from prioritize.render.table import numbers, render_pieces, render_to_text
from prioritize.scoring import ID, TITLE

# Lets a CI job find and update its own earlier comment instead of adding one per push.
COMMENT_MARKER = "<!-- prioritize-diff -->"
CHANGE_STYLES = {UP: "green", DOWN: "red", NEW: "cyan", REMOVED: "dim"}
CHANGE_MARKS = {UP: "▲", DOWN: "▼", NEW: "+", REMOVED: "-"}


def summary_line(counts: Mapping[str, int], since: str) -> str:
    """'Ranking changes since abc1234: 3 moved up, 2 down, 1 new, 0 removed' (plain text)."""
    return (
        f"Ranking changes since {since}: {counts[UP]} moved up, {counts[DOWN]} down, "
        f"{counts[NEW]} new, {counts[REMOVED]} removed"
    )


def _change_cell(change: str, old_rank: Any, new_rank: Any) -> Text:
    label = change
    if change in (UP, DOWN):
        label = f"{change} {abs(int(old_rank) - int(new_rank))}"
    mark = CHANGE_MARKS.get(change)
    return Text(f"{mark} {label}" if mark else label, style=CHANGE_STYLES.get(change, ""))


def diff_table(frame: pd.DataFrame, caption: str) -> RenderableType:
    """One row per item that moved; narrow, the old score, then the old rank, are left out."""
    table = fit_table(caption=caption, caption_justify="left", header_style="bold")
    table.add_column("ID", Kind.LABEL)
    table.add_column("Title", min_width=16)
    table.add_column("Was", Kind.NUMBER, priority=2)
    table.add_column("Now", Kind.NUMBER)
    table.add_column("Old score", Kind.NUMBER, priority=3)
    table.add_column("New score", Kind.NUMBER, priority=1)
    table.add_column("Change", Kind.LABEL)
    changes = [
        _change_cell(str(change), old, new)
        for change, old, new in zip(frame[CHANGE], frame[OLD_RANK], frame[NEW_RANK], strict=True)
    ]
    rows = zip(
        frame[ID],
        frame[TITLE],
        numbers(frame[OLD_RANK], 0),
        numbers(frame[NEW_RANK], 0),
        numbers(frame[OLD_SCORE], 2),
        numbers(frame[NEW_SCORE], 2),
        changes,
        strict=True,
    )  # column by column: a row at a time through iterrows costs a Series per row
    for row in rows:
        table.add_row(*row)
    return table


@dataclass(frozen=True)
class DiffView:
    """What `diff` shows: the diff rows (diffing.DIFF_COLUMNS), their counts per change, the revision.

    CSV and JSON are the rows alone, at full precision. Markdown opens with a bold one-line
    summary, then `notes` (criteria changes) as a quote, then the table, the caption and a hidden
    marker line. The table has the summary and the notes on the lines above it. `notes` are only
    written into the formats of NOTES_WRITTEN: for the others the caller puts them on stderr.
    """

    frame: pd.DataFrame
    counts: Mapping[str, int]
    since: str
    caption: str = ""
    notes: Sequence[str] = ()
    color: bool = False


def _csv(view: DiffView) -> Iterator[str]:
    return csv_pieces(view.frame)  # a long table: written as it is made


def _json(view: DiffView) -> str:
    return to_json(view.frame)


def _markdown(view: DiffView) -> str:
    head, _, tail = summary_line(view.counts, view.since).partition(": ")
    parts = [f"**{head}:** {tail}", ""]
    for note in view.notes:
        parts += [f"> :warning: {note[0].upper()}{note[1:]}", ""]
    body = (
        to_markdown(view.frame, numeric=[OLD_RANK, NEW_RANK, OLD_SCORE, NEW_SCORE])
        if len(view.frame)
        else "No item changed place.\n"
    )
    parts.append(body.rstrip("\n"))
    if view.caption:
        parts += ["", view.caption]
    return "\n".join([*parts, "", COMMENT_MARKER]) + "\n"


def _table(view: DiffView) -> Rendered:
    summary = summary_line(view.counts, view.since)
    notes = [Text(f"{note[0].upper()}{note[1:]}", style="yellow") for note in view.notes]
    if not len(view.frame):
        return render_to_text(
            [Text(f"{summary}\nNo item changed place."), *notes], color=view.color
        )
    return render_pieces(
        [Text(summary, style="bold"), *notes, diff_table(view.frame, view.caption)],
        color=view.color,
    )


DIFF_RENDERERS: Mapping[Format, Callable[[DiffView], Rendered]] = {
    Format.table: _table,
    Format.csv: _csv,
    Format.json: _json,
    Format.markdown: _markdown,
}

# The formats that carry the notes (criteria changes) in the output itself.
NOTES_WRITTEN: frozenset[Format] = frozenset({Format.markdown, Format.table})
