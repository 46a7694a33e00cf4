"""`prioritize check`: every problem in the workspace, located, for CI and pre-commit."""

from typing import Annotated

import typer

from prioritize.cli.common import guarded
from prioritize.cli.options import CriteriaOption, OutputOption, WorkspaceOption
from prioritize.render.choices import CheckFormat


@guarded
def check(
    workspace: WorkspaceOption = None,
    criteria: CriteriaOption = None,
    format: Annotated[
        CheckFormat,
        typer.Option("--format", "-f", help="text, github (workflow annotations) or json."),
    ] = CheckFormat.text,
    output: OutputOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    max_age: Annotated[
        int,
        typer.Option(
            "--max-age", min=1, help="Evidence older than this many days draws a warning."
        ),
    ] = 180,
) -> None:
    """Check the workspace for CI: exit 0 when clean, 1 on findings, 2 on usage errors."""
    from datetime import date
    from pathlib import Path

    from prioritize.check_run import repository_prefix, run_checks
    from prioritize.cli.common import emit, err, plural
    from prioritize.render.findings import FINDINGS_RENDERERS, FindingsView, summary

    result = run_checks(
        workspace, criteria, cwd=Path.cwd(), max_age_days=max_age, today=date.today()
    )
    view = FindingsView(result.findings, repository_prefix(result.root))
    emit(FINDINGS_RENDERERS[format](view), output)
    err(summary(result.findings, result.files))
    if result.ideas_waiting:
        err(f"{plural(result.ideas_waiting, 'idea')} waiting for evidence (never a finding)")
    if result.errors or (strict and result.findings):
        raise typer.Exit(1)
