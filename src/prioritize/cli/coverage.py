"""`prioritize coverage`: which personas the top of the backlog serves and which it leaves out."""

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
def coverage(
    workspace: WorkspaceOption = None,
    criteria: CriteriaOption = None,
    format: FormatOption = Format.table,
    output: OutputOption = None,
    raw_csv: RawCsvOption = False,
    top: Annotated[
        int,
        typer.Option(
            "--top", "-n", min=1, metavar="N", help="How many ranked items count as the top."
        ),
    ] = 10,
) -> None:
    """Personas the top N of the ranked backlog serves, and the best item for each it leaves out."""
    from prioritize.analysis.coverage import coverage_rows, persona_rows
    from prioritize.cli.common import emit, load_scored, render, stdout_is_terminal, warn_unscored
    from prioritize.render.coverage import COVERAGE_RENDERERS, CoverageView
    from prioritize.render.rank import criteria_caption

    scored = load_scored(workspace, criteria)
    warn_unscored(scored)
    rows = coverage_rows(scored.scoring.frame, persona_rows(scored.workspace.items), top)
    caption = criteria_caption(scored.criteria.criteria, scored.criteria.name)
    ranked = len(scored.scoring.ranked)
    view = CoverageView(
        rows,
        top=top,
        ranked=ranked,
        caption=caption,
        color=stdout_is_terminal(output),
    )
    emit(render(COVERAGE_RENDERERS, format, raw_csv=raw_csv, view=view), output)
