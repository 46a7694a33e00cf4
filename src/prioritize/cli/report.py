"""`prioritize report`: one self-contained HTML report for stakeholders."""

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from prioritize.cli.common import guarded
from prioritize.cli.options import (
    CapacityOption,
    CriteriaOption,
    Order,
    StartOption,
    TeamsOption,
    WorkspaceOption,
)

if TYPE_CHECKING:
    from prioritize import scheduling
    from prioritize.analysis.forecast import Forecast
    from prioritize.pipeline import Scored
    from prioritize.render.html import ReportData
    from prioritize.workspace import Workspace

MAX_AGE_DAYS = 180  # check's default: older evidence draws a warning


@guarded
def report(
    workspace: WorkspaceOption = None,
    criteria: CriteriaOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the HTML to FILE instead of standard output.",
            dir_okay=False,
        ),
    ] = None,
    order: Annotated[
        Order,
        typer.Option(
            "--order",
            help="Time to value in this order, against file order: score, listed, value or cd3.",
        ),
    ] = Order.score,
    capacity: CapacityOption = None,
    teams: TeamsOption = None,
    start: StartOption = None,
    top: Annotated[
        int,
        typer.Option(
            "--top",
            "-n",
            min=1,
            metavar="N",
            help="How many ranked items count as the top for coverage.",
        ),
    ] = 10,
) -> None:
    """One self-contained HTML report: ranking, time to value, value versus effort, pools, coverage.

    No scripts and nothing fetched from elsewhere: it opens offline and prints. Without a
    capacity the report leaves out the schedule and says how to give one.
    """
    from prioritize.cli.common import emit, load_scored, warn_unscored
    from prioritize.render.html import render_report

    scored = load_scored(workspace, criteria)
    warn_unscored(scored)
    when = start.date() if start else None
    data = gather(scored, order=order.value, capacity=capacity, teams=teams, start=when, top=top)
    emit(render_report(data), output)


def gather(
    scored: "Scored",
    *,
    order: str,
    capacity: float | None,
    teams: int | None,
    start: date | None,
    top: int,
) -> "ReportData":
    """What the report shows, from the core functions of rank, ttv, pools, coverage and check."""
    from prioritize import scheduling
    from prioritize.analysis.coverage import coverage_rows, persona_rows
    from prioritize.analysis.pools import kpi_rows, pool_rows
    from prioritize.check_run import other_criteria_files, scored_findings
    from prioritize.errors import PrioritizeError, sort_findings
    from prioritize.render.html import ReportData
    from prioritize.scoring import ranking_rows

    ws, today, frame = scored.workspace, date.today(), scored.scoring.frame
    ttv, no_schedule, left_out, forecast = None, "", [], None
    try:
        plan = scheduling.resources(
            ws.settings, per_week=capacity, teams=teams, start=start, today=today
        )
    except PrioritizeError as exc:
        if capacity is not None or ws.settings.capacity is not None:
            raise  # a capacity that cannot be used, not a missing one
        no_schedule = f"No time-to-value schedule: {exc}."
    else:
        candidates = scheduling.candidates(frame, ws.items)
        left_out = [ws.finding(p) for p in candidates.left_out]
        ttv = scheduling.time_to_value(candidates, order, plan)
        forecast = _forecast(candidates, ws, plan, order, today)
    # The checks run on the workspace already loaded and scored: one read, one scoring.
    checked = [
        *other_criteria_files(ws, scored.criteria),
        *scored_findings(scored, today, MAX_AGE_DAYS),
    ]
    kpis = kpi_rows(ws.pools)
    return ReportData(
        title=ws.settings.title or ws.root.name,
        criteria=scored.criteria.criteria,
        criteria_name=scored.criteria.name,
        unit=ws.settings.unit,
        ranked=ranking_rows(scored.scoring),
        unscored=scored.scoring.unscored,
        pools=pool_rows(ws.pools, frame, kpis),
        kpis=kpis,
        coverage=coverage_rows(frame, persona_rows(ws.items), top),
        top=top,
        findings=[f for f in sort_findings(list(dict.fromkeys(checked))) if f.code != "unscored"],
        generated=today,
        ttv=ttv,
        no_schedule=no_schedule,
        left_out=left_out,
        forecast=forecast,
    )


# The report's forecast runs as many as the command's 10,000 runs, fewer for a very large
# backlog: at most this many item-runs, so the report's time and memory stay bounded.
REPORT_ITEM_RUNS = 2_000_000


def _forecast(
    candidates: "scheduling.Candidates",
    ws: "Workspace",
    plan: "scheduling.Resources",
    order: str,
    today: date,
) -> "Forecast":
    """The forecast for the report, its cut line at the end of the current fiscal year (or of
    the one the plan starts in, when that is later)."""
    from prioritize.analysis.forecast import DEFAULT_RUNS, Options, fiscal_year_end, forecast

    items = max(1, len(candidates.frame))
    runs = max(1, min(DEFAULT_RUNS, REPORT_ITEM_RUNS // items))
    options = Options(
        order=order,
        runs=runs,
        by=fiscal_year_end(max(today, plan.start), ws.settings.fiscal_year_start),
    )
    return forecast(candidates, ws.items, plan, options)
