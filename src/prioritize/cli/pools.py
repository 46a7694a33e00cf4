"""`prioritize pools`: value pools with their open items, value, effort, top item and KPI progress."""

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
def pools(
    workspace: WorkspaceOption = None,
    criteria: CriteriaOption = None,
    format: FormatOption = Format.table,
    output: OutputOption = None,
    raw_csv: RawCsvOption = False,
    kpis: Annotated[
        bool, typer.Option("--kpis", help="One row per KPI instead of one per pool.")
    ] = False,
) -> None:
    """Value pools: open items, value, effort, the top item, and how far each KPI has come."""
    from prioritize.analysis.pools import kpi_rows, pool_rows
    from prioritize.cli.common import emit, load_scored, render, stdout_is_terminal, warn_unscored
    from prioritize.render.pools import POOLS_RENDERERS, PoolsView
    from prioritize.render.rank import criteria_caption

    scored = load_scored(workspace, criteria)
    warn_unscored(scored)
    kpi_frame = kpi_rows(scored.workspace.pools)
    pool_frame = pool_rows(scored.workspace.pools, scored.scoring.frame, kpi_frame)
    caption = criteria_caption(scored.criteria.criteria, scored.criteria.name)
    view = PoolsView(
        pool_frame,
        kpi_frame,
        unit=scored.workspace.settings.unit,
        caption=caption,
        color=stdout_is_terminal(output),
        by_kpi=kpis,
    )
    emit(render(POOLS_RENDERERS, format, raw_csv=raw_csv, view=view), output)
