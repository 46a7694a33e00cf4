"""`prioritize explain`: why an item scores what it does, or two items side by side."""

from __future__ import annotations

from typing import Annotated

import typer

from prioritize.cli.common import guarded
from prioritize.cli.options import (
    CriteriaOption,
    FormatOption,
    OutputFormat,
    OutputOption,
    WorkspaceOption,
)


@guarded
def explain(
    item: Annotated[str, typer.Argument(metavar="ID", help="The item to explain.")],
    vs: Annotated[
        str | None,
        typer.Option("--vs", metavar="ID2", help="Compare with this item, criterion by criterion."),
    ] = None,
    workspace: WorkspaceOption = None,
    criteria: CriteriaOption = None,
    format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Why an item scores what it does: per criterion raw, normalized, weight and contribution; what would lift it."""
    from prioritize.analysis.explain import check_item_id, compare_items, explain_item
    from prioritize.cli.common import emit, load_scored, stdout_is_terminal
    from prioritize.render.explain import render_comparison, render_explanation

    scored = load_scored(workspace, criteria)
    statuses = {i.id: i.status for i in scored.workspace.items}
    for item_id in (item, vs):
        if item_id is not None:
            check_item_id(item_id, list(statuses))
    formula, unit, color = (
        scored.scoring.formula,
        scored.workspace.settings.unit,
        stdout_is_terminal(output),
    )
    first = explain_item(scored.scoring, item, statuses=statuses)
    if vs is None:
        emit(render_explanation(first, format.value, unit=unit, color=color), output)
        return
    second = explain_item(scored.scoring, vs, statuses=statuses)
    emit(
        render_comparison(
            compare_items(first, second, formula), format.value, unit=unit, color=color
        ),
        output,
    )
