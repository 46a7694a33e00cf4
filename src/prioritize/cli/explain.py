"""`prioritize explain`: why an item scores what it does, or two items side by side."""

from typing import Annotated

import typer

from prioritize.cli.common import guarded
from prioritize.cli.options import (
    CriteriaOption,
    FormatOption,
    OutputOption,
    RawCsvOption,
    WorkspaceOption,
)
from prioritize.render.choices import Format


@guarded
def explain(
    item: Annotated[str, typer.Argument(metavar="ID", help="The item to explain.")],
    vs: Annotated[
        str | None,
        typer.Option("--vs", metavar="ID2", help="Compare with this item, criterion by criterion."),
    ] = None,
    workspace: WorkspaceOption = None,
    criteria: CriteriaOption = None,
    format: FormatOption = Format.table,
    output: OutputOption = None,
    raw_csv: RawCsvOption = False,
) -> None:
    """Why an item scores what it does: per criterion raw, normalized, weight and contribution; what would lift it."""
    from prioritize.analysis.explain import check_item_id, compare_items, explain_item
    from prioritize.cli.common import emit, load_scored, render, stdout_is_terminal
    from prioritize.render.explain import (
        COMPARE_RENDERERS,
        EXPLAIN_RENDERERS,
        CompareView,
        ExplainView,
    )

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
    evidence = {i.id: i.evidence for i in scored.workspace.items}
    first = explain_item(scored.scoring, item, statuses=statuses, evidence=evidence.get(item))
    if vs is None:
        emit(
            render(
                EXPLAIN_RENDERERS, format, raw_csv=raw_csv, view=ExplainView(first, unit, color)
            ),
            output,
        )
        return
    second = explain_item(scored.scoring, vs, statuses=statuses, evidence=evidence.get(vs))
    comparison = compare_items(first, second, formula)
    emit(
        render(
            COMPARE_RENDERERS, format, raw_csv=raw_csv, view=CompareView(comparison, unit, color)
        ),
        output,
    )
