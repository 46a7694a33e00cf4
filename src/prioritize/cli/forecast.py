"""`prioritize forecast`: when value arrives, how sure we are, and which deadlines hold."""

import re
from datetime import date, datetime
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

_CHANGE = re.compile(r"^(\d{4}-\d{2}-\d{2}):([+-]?\d+(?:\.\d+)?)%$")


def capacity_change(text: str) -> tuple[date, float]:
    """DATE:+N% or DATE:-N% as (date, factor); a factor of 0 or below is refused."""
    match = _CHANGE.match(text.strip())
    if match is None:
        raise typer.BadParameter(
            f"{text!r} is not DATE:CHANGE%; write it like 2027-03-01:-33% (a third less from "
            "1 March 2027) or 2027-07-01:+10%"
        )
    try:
        day = date.fromisoformat(match.group(1))
    except ValueError:
        raise typer.BadParameter(f"{match.group(1)!r} is not a date (YYYY-MM-DD)") from None
    factor = 1 + float(match.group(2)) / 100
    if factor <= 0:
        raise typer.BadParameter(
            f"{text!r} would leave no capacity from {day.isoformat()}: a change must stay above -100%"
        )
    return day, factor


def _changes(texts: list[str] | None) -> list[str] | None:
    for text in texts or []:
        capacity_change(text)  # a usage error (exit 2) before anything is read
    return texts


@guarded
def forecast(
    workspace: WorkspaceOption = None,
    criteria: CriteriaOption = None,
    format: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            help="Output format; csv holds the items only, json everything, markdown a "
            "Now / Next / Later roadmap.",
        ),
    ] = Format.table,
    output: OutputOption = None,
    raw_csv: RawCsvOption = False,
    order: OrderOption = Order.score,
    low_risk_first: LowRiskFirstOption = False,
    capacity: CapacityOption = None,
    teams: TeamsOption = None,
    start: StartOption = None,
    runs: Annotated[
        int | None,
        typer.Option(
            "--runs",
            min=1,
            max=1_000_000,
            help="How many simulated schedules (default 10,000; fewer for a backlog of more "
            "than 2,000 items, so that runs x items stays within 20 million).",
        ),
    ] = None,
    seed: Annotated[
        int,
        typer.Option("--seed", min=0, help="Random seed; the same seed gives the same forecast."),
    ] = 0,
    by: Annotated[
        datetime | None,
        typer.Option(
            "--by",
            formats=["%Y-%m-%d"],
            help="The cut line: which items will, might and won't be delivered by this day.",
        ),
    ] = None,
    level: Annotated[
        int,
        typer.Option(
            "--level",
            min=50,
            max=95,
            help="How sure a date must be, in percent of runs (P85: delivered by then in 85%).",
        ),
    ] = 85,
    capacity_changes: Annotated[
        list[str] | None,
        typer.Option(
            "--capacity-change",
            metavar="DATE:CHANGE%",
            callback=_changes,
            help="From DATE on, capacity changes by CHANGE% (2027-03-01:-33%); repeatable, the "
            "latest change in force applies.",
        ),
    ] = None,
    all_rows: Annotated[
        bool,
        typer.Option(
            "--all", help="Show every item in the table (it shows the first 25 otherwise)."
        ),
    ] = False,
) -> None:
    """Forecast delivery with Monte Carlo runs of the ttv schedule: dates at P50, the level and
    P95, the chance of meeting each due date, and with --by what will land by then.

    Each item's effort is drawn from its effort_range (triangular), else from the ratios of
    actual to estimated effort of at least 5 delivered items, else from 0.75x to 1.5x the estimate.
    """
    changes = [capacity_change(text) for text in capacity_changes or []]

    from prioritize.analysis.forecast import (
        DEFAULT_RUNS,
        MAX_ITEM_RUNS,
        CapacityChange,
        Options,
        runs_that_fit,
    )
    from prioritize.analysis.forecast import forecast as run_forecast
    from prioritize.cli.common import emit, err, render, schedulable, stdout_is_terminal
    from prioritize.errors import PrioritizeError
    from prioritize.render.forecast import FORECAST_RENDERERS, ForecastView

    scored, plan, candidates = schedulable(
        workspace, criteria, capacity=capacity, teams=teams, start=start
    )
    settings = scored.workspace.settings
    items, most = len(candidates.frame), runs_that_fit(len(candidates.frame))
    if runs is None:
        runs = min(DEFAULT_RUNS, most)
        if runs < DEFAULT_RUNS:
            err(f"note: {runs:,} runs, not {DEFAULT_RUNS:,}: runs x items stays within "
                f"{MAX_ITEM_RUNS:,} for {items:,} items (--runs chooses, up to that)")  # fmt: skip
    elif runs > most:
        raise PrioritizeError(
            message=f"--runs {runs:,} of {items:,} items would hold {runs * items:,} simulated "
            f"deliveries; at most {MAX_ITEM_RUNS:,} fit, so give --runs {most:,} or fewer"
        )
    options = Options(
        order=order.value,
        low_risk_first=low_risk_first,
        runs=runs,
        seed=seed,
        level=level,
        by=by.date() if by else None,
        changes=tuple(CapacityChange(day, factor) for day, factor in changes),
    )
    result = run_forecast(candidates, scored.workspace.items, plan, options)
    view = ForecastView(result, settings.unit, color=stdout_is_terminal(output), all_rows=all_rows)
    emit(render(FORECAST_RENDERERS, format, raw_csv=raw_csv, view=view), output)
