"""`prioritize ttv`: the time-to-value report, when each item and each value pool delivers value."""

from typing import Annotated

import typer

from prioritize.cli.common import guarded
from prioritize.cli.options import (
    CapacityOption,
    CriteriaOption,
    LowRiskFirstOption,
    Order,
    OrderOption,
    OutputOption,
    RawCsvOption,
    StartOption,
    TeamsOption,
    WorkspaceOption,
)
from prioritize.render.choices import Format


@guarded
def ttv(
    workspace: WorkspaceOption = None,
    criteria: CriteriaOption = None,
    format: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            help="Output format; csv holds the schedule only, json and markdown everything.",
        ),
    ] = Format.table,
    output: OutputOption = None,
    raw_csv: RawCsvOption = False,
    order: OrderOption = Order.score,
    low_risk_first: LowRiskFirstOption = False,
    capacity: CapacityOption = None,
    teams: TeamsOption = None,
    start: StartOption = None,
    all_rows: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Show every item of the schedule in the table (it shows the first 25 otherwise).",
        ),
    ] = False,
) -> None:
    """Time to value: schedule the open items on the teams and show when value arrives, per item and pool.

    Unscored items, items without an effort and the items that depend on them are left out, each
    named on stderr. CSV holds the schedule only; JSON and Markdown also the summary and comparison.
    """
    from prioritize import scheduling
    from prioritize.cli.common import emit, render, schedulable, stdout_is_terminal
    from prioritize.render.ttv import TTV_RENDERERS, TtvView

    scored, plan, candidates = schedulable(
        workspace, criteria, capacity=capacity, teams=teams, start=start
    )
    settings = scored.workspace.settings
    report = scheduling.time_to_value(candidates, order.value, plan, low_risk_first=low_risk_first)
    view = TtvView(report, settings.unit, color=stdout_is_terminal(output), all_rows=all_rows)
    emit(render(TTV_RENDERERS, format, raw_csv=raw_csv, view=view), output)
