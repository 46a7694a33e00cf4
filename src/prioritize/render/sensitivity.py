"""`sensitivity` in every format, and the progress bar of its runs."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from rich.console import Console, RenderableType
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text

from prioritize.analysis.sensitivity import (
    BOTH,
    CRITERIA_COLUMNS,
    CRITERION,
    EVIDENCE,
    FACTOR,
    ITEM_COLUMNS,
    MAX_FACTOR,
    MEDIAN_RANK,
    NEW_FIRST,
    NEW_WEIGHT,
    P5_RANK,
    P95_RANK,
    TOP_K_PROBABILITY,
    WEIGHT,
    WEIGHTS,
    Sensitivity,
)  # fmt: skip
from prioritize.render.choices import Format
from prioritize.render.fit import FitTable, Kind, fit_table
from prioritize.render.formats import (
    plain,
    records,
    round_for_reading,
    to_csv,
    to_json,
    to_markdown,
)
from prioritize.render.table import numbers, render_to_text
from prioritize.scoring import ID, RANK, TITLE

NONE_WITHIN = f"none within {MAX_FACTOR:g}x"


@contextmanager
def run_progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A callback(done, total) drawing a bar on standard error while the runs go; None when disabled."""
    if not enabled:
        yield None
        return
    progress = Progress(
        TextColumn("re-ranking"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=Console(stderr=True), transient=True,
    )  # fmt: skip
    task = progress.add_task("runs", total=None)
    with progress:
        yield lambda done, total: progress.update(task, completed=done, total=total)


def what_varied(s: Sensitivity) -> str:
    low, high = round_for_reading(1 - s.spread), round_for_reading(1 + s.spread)
    ranged = f"{s.ranged} evidence value{'s' if s.ranged != 1 else ''} with a range"
    drawn = (
        f"every one of the {ranged} drawn from its range (triangular: low, value, high)"
        if s.ranged
        else "no evidence value has a range (evidence.ranges), so none was drawn"
    )
    if s.vary == EVIDENCE:
        kept = "weights as agreed" if s.perturbed == WEIGHTS else "no input perturbed"
        return f"{s.runs} runs, seed {s.seed}, {kept}; {drawn}"
    if s.perturbed == WEIGHTS:
        varied = (
            f"{s.runs} runs, every weight times a random factor in [{low}, {high}], seed {s.seed}"
        )
    else:
        varied = (
            f"{s.runs} runs, seed {s.seed}. A formula set has no weights: instead every input of every item "
            f"was multiplied by its own random factor in [{low}, {high}]"
        )
    return varied + (f"; {drawn}" if s.vary == BOTH else "")


def summary_lines(s: Sensitivity) -> list[str]:
    lines = [s.verdict]
    if s.first is not None and s.first_share is not None:
        lines.append(f"{s.first} is first in {s.first_share:.0%} of runs.")
    return lines


def _move(row: Mapping[Hashable, Any], weighted: bool) -> str:
    if plain(row[FACTOR]) is None:
        return NONE_WITHIN
    text = f"x{round_for_reading(row[FACTOR])}"
    if weighted:
        text += (
            f" (weight {round_for_reading(row[WEIGHT])} -> {round_for_reading(row[NEW_WEIGHT])})"
        )
    return f"{text}: {row[NEW_FIRST]} first"


def items_table(s: Sensitivity) -> FitTable:
    """One row per ranked item; narrow, the 5th-95th percentile, then the median rank, are left out."""
    table = fit_table(
        title=f"Sensitivity of the ranking ({s.runs} runs)",
        caption=what_varied(s),
        caption_justify="left",
        header_style="bold",
    )
    table.add_column("Rank", Kind.NUMBER)
    table.add_column("ID", Kind.LABEL)
    table.add_column("Title", min_width=16)
    table.add_column("Median rank", Kind.NUMBER, priority=1)
    table.add_column("5th-95th pct", Kind.NUMBER, priority=2)
    table.add_column(f"In top {s.top}", Kind.NUMBER)
    items = s.items
    # Column by column (plain Python values, not a dict per row): a table may hold every item.
    spans = [
        Text(f"{round_for_reading(low)}-{round_for_reading(high)}", justify="right")
        for low, high in zip(items[P5_RANK].tolist(), items[P95_RANK].tolist(), strict=True)
    ]
    shares = [
        Text(
            f"{share:.0%}", style="" if rank > s.top or share >= 0.9 else "yellow", justify="right"
        )
        for rank, share in zip(items[RANK].tolist(), items[TOP_K_PROBABILITY].tolist(), strict=True)
    ]
    columns = (
        numbers(items[RANK], 0), items[ID].tolist(), items[TITLE].tolist(),
        numbers(items[MEDIAN_RANK], 1), spans, shares,
    )  # fmt: skip
    for cells in zip(*columns, strict=True):
        table.add_row(*cells)
    return table


def moves_title(s: Sensitivity) -> str:
    if s.perturbed == WEIGHTS:
        return "How far one weight alone must move to change the first place"
    return f"How far one input of {s.first} alone must be off for it to lose first place"


def criteria_table(s: Sensitivity) -> FitTable:
    weighted = s.perturbed == WEIGHTS
    table = fit_table(title=moves_title(s), header_style="bold")
    table.add_column("Criterion", Kind.LABEL)
    if weighted:
        table.add_column("Weight", Kind.NUMBER, priority=1)
    table.add_column("Smallest change that does", min_width=16)
    weights = numbers(s.criteria[WEIGHT]) if weighted else []
    for k, row in enumerate(s.criteria.to_dict("records")):
        cells: list[Any] = [row[CRITERION]]
        if weighted:
            cells.append(weights[k])
        cells.append(_move(row, weighted))
        table.add_row(*cells)
    return table


@dataclass(frozen=True)
class SensitivityView:
    """What `sensitivity` shows: the analysis, and whether the table has colour."""

    sensitivity: Sensitivity
    color: bool


def _csv(view: SensitivityView) -> str:
    """The item rows (ITEM_COLUMNS)."""
    return to_csv(view.sensitivity.items[ITEM_COLUMNS])


def _json(view: SensitivityView) -> str:
    """Everything."""
    s = view.sensitivity
    return to_json({
        "runs": s.runs, "spread": s.spread, "seed": s.seed, "top": s.top, "perturbed": s.perturbed,
        "vary": s.vary, "ranged": s.ranged,
        "stable": s.stable, "verdict": s.verdict, "first": s.first, "first_share": s.first_share,
        "items": records(s.items[ITEM_COLUMNS]), "criteria": records(s.criteria[CRITERIA_COLUMNS]),
    })  # fmt: skip


def _markdown(view: SensitivityView) -> str:
    """Both tables and the verdict."""
    s = view.sensitivity
    items, criteria = s.items[ITEM_COLUMNS], s.criteria[CRITERIA_COLUMNS]
    weighted = s.perturbed == WEIGHTS
    moves = criteria.assign(change=[_move(r, weighted) for r in criteria.to_dict("records")])
    moves = moves[[CRITERION, WEIGHT, "change"] if weighted else [CRITERION, "change"]]
    return (
        to_markdown(items, numeric=ITEM_COLUMNS[1:]) + f"\n{moves_title(s)}:\n\n" + to_markdown(moves, numeric=[WEIGHT])
        + "\n" + "".join(f"- {line}\n" for line in [what_varied(s) + ".", *summary_lines(s)])
    )  # fmt: skip


def _table(view: SensitivityView) -> str:
    """Both tables and the verdict."""
    s = view.sensitivity
    parts: list[RenderableType] = [items_table(s), criteria_table(s)]
    parts += [Text(line, style="bold" if i == 0 else "") for i, line in enumerate(summary_lines(s))]
    return render_to_text(parts, color=view.color)


SENSITIVITY_RENDERERS: Mapping[Format, Callable[[SensitivityView], str]] = {
    Format.table: _table,
    Format.csv: _csv,
    Format.json: _json,
    Format.markdown: _markdown,
}
