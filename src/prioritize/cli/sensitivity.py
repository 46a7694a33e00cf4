"""`prioritize sensitivity`: how robust the ranking is to the weights."""

import sys
from enum import StrEnum
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

# Kept in step with prioritize.analysis.sensitivity (not imported here: --help stays fast).
DEFAULT_RUNS, DEFAULT_SPREAD, DEFAULT_SEED, DEFAULT_TOP = 1000, 0.3, 0, 10


class Vary(StrEnum):
    """What the runs vary (analysis.sensitivity.VARY)."""

    weights = "weights"
    evidence = "evidence"
    both = "both"


@guarded
def sensitivity(
    workspace: WorkspaceOption = None,
    criteria: CriteriaOption = None,
    format: FormatOption = Format.table,
    output: OutputOption = None,
    raw_csv: RawCsvOption = False,
    runs: Annotated[
        int, typer.Option("--runs", min=1, max=1_000_000, help="How many random re-rankings.")
    ] = DEFAULT_RUNS,
    spread: Annotated[
        float,
        typer.Option(
            "--spread",
            min=0.0,
            max=1.0,
            help="Each weight is multiplied by a random factor in [1 - spread, 1 + spread].",
        ),
    ] = DEFAULT_SPREAD,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Random seed; the same seed repeats the same runs.")
    ] = DEFAULT_SEED,
    top: Annotated[
        int,
        typer.Option(
            "--top", "-n", min=1, metavar="N", help="Report how often each item is in the top N."
        ),
    ] = DEFAULT_TOP,
    vary: Annotated[
        Vary,
        typer.Option(
            "--vary",
            help="What each run varies: the weights (formula sets: every input), the evidence "
            "values that have a range (evidence.ranges), or both.",
        ),
    ] = Vary.weights,
) -> None:
    """How robust the ranking is: re-rank with random weights (or evidence drawn from its ranges), and how far one weight must move to change first place."""
    from prioritize.analysis.sensitivity import sensitivity as analyse
    from prioritize.cli.common import emit, load_scored, render, stdout_is_terminal, warn_unscored
    from prioritize.render.sensitivity import SENSITIVITY_RENDERERS, SensitivityView, run_progress

    scored = load_scored(workspace, criteria)
    warn_unscored(scored)
    with run_progress(sys.stderr.isatty()) as on_progress:
        result = analyse(
            scored.scoring,
            runs=runs,
            spread=spread,
            seed=seed,
            top=top,
            vary=vary.value,
            ranges={i.id: i.evidence.ranges for i in scored.workspace.items if i.evidence.ranges},
            on_progress=on_progress,
        )
    view = SensitivityView(result, color=stdout_is_terminal(output))
    emit(render(SENSITIVITY_RENDERERS, format, raw_csv=raw_csv, view=view), output)
