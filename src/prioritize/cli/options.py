"""Options shared by several commands, defined once. Imports nothing heavy: --help stays fast."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


class RiskLevel(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace", "-w",
        help="Workspace folder (default: this folder or the nearest parent holding backlogs/).",
        file_okay=False,
    ),
]
CriteriaOption = Annotated[
    str | None,
    typer.Option(
        "--criteria", "-c",
        help="Criteria set: a file path, a name in criteria/, or a preset (default, rice, wsjf, ice).",
    ),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to FILE instead of standard output.", dir_okay=False),
]
