"""`prioritize votes`: stakeholders' scores combined, and where they disagree."""

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
def votes(
    workspace: WorkspaceOption = None,
    criteria: CriteriaOption = None,
    format: FormatOption = Format.table,
    output: OutputOption = None,
    raw_csv: RawCsvOption = False,
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold",
            min=0.0,
            help='Flag "discuss" where the votes spread (max - min) this far or more.',
        ),
    ] = 2.0,
) -> None:
    """Stakeholders' votes combined per item and criterion (the median is used), and where they disagree."""
    from prioritize import workspace as ws_module
    from prioritize.analysis.votes import own_scores, vote_summary
    from prioritize.cli.common import emit, err, load_scored, render, stdout_is_terminal
    from prioritize.pipeline import items_frame
    from prioritize.render.votes import OWN, VOTES_RENDERERS, VotesView

    scored = load_scored(workspace, criteria)
    ws, loaded = scored.workspace, scored.criteria
    if not ws.votes:
        err(
            f"no votes: add one file per stakeholder to {ws_module.VOTES_DIR}/ (stakeholder: NAME, scores: {{ITEM_ID: {{CRITERION_ID: value}}}})"
        )
    summary = vote_summary(ws.votes, loaded.criteria, [i.id for i in ws.items], threshold=threshold)
    summary = summary.assign(
        **{OWN: own_scores(items_frame(ws, loaded.criteria.criteria), summary)}
    )
    view = VotesView(summary, threshold=threshold, color=stdout_is_terminal(output))
    emit(render(VOTES_RENDERERS, format, raw_csv=raw_csv, view=view), output)
