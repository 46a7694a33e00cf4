"""Options shared by several commands, defined once. Imports nothing heavy: --help stays fast."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from prioritize.render.choices import Format

WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace folder (default: this folder or the nearest parent holding backlogs/).",
        file_okay=False,
    ),
]
CriteriaOption = Annotated[
    str | None,
    typer.Option(
        "--criteria",
        "-c",
        help="Criteria set: a file path, a name in criteria/, or a preset (default, rice, wsjf, ice).",
    ),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
RawCsvOption = Annotated[
    bool,
    typer.Option(
        "--raw-csv",
        help="CSV text exactly as in the files, for pipelines: no ' before a leading = + - @ "
        "(which a spreadsheet would run as a formula).",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to FILE instead of standard output (- is standard output).",
        dir_okay=False,
    ),
]


class Order(StrEnum):
    """The orderings of a time-to-value schedule."""

    score = "score"
    listed = "listed"
    value = "value"
    cd3 = "cd3"


OrderOption = Annotated[
    Order,
    typer.Option(
        "--order",
        help="score: the ranking; listed: file order; value: highest value first; "
        "cd3: highest value per week of effort first.",
    ),
]
CapacityOption = Annotated[
    float | None,
    typer.Option(
        "--capacity",
        help="Effort units one team completes in a week, 0.01 to 1e15 (default: prioritize.yaml capacity.per_week).",
    ),
]
TeamsOption = Annotated[
    int | None,
    typer.Option(
        "--teams",
        min=1,
        max=1000,
        help="Teams working in parallel, 1 to 1000 (default: prioritize.yaml capacity.teams, else 1).",
    ),
]
StartOption = Annotated[
    datetime | None,
    typer.Option(
        "--start",
        formats=["%Y-%m-%d"],
        help="First day of the schedule (default: prioritize.yaml start, else next Monday).",
    ),
]
LowRiskFirstOption = Annotated[
    bool,
    typer.Option(
        "--low-risk-first",
        help="Low-risk items (internal, then public) ahead of the rest, to build trust.",
    ),
]
