"""`prioritize votes`: stakeholders' scores combined, and where they disagree; votes applied to scoring."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from prioritize.cli.common import guarded
from prioritize.cli.options import (
    CriteriaOption,
    FormatOption,
    OutputFormat,
    OutputOption,
    WorkspaceOption,
)

if TYPE_CHECKING:
    from prioritize.cli.common import Scored
    from prioritize.workspace import LoadedCriteria, Workspace


def refuse_vote_errors(workspace: Workspace, loaded: LoadedCriteria) -> None:
    """Exit 2 with located messages when a votes file has errors; warn about the rest on stderr."""
    from prioritize.analysis.votes import vote_problems
    from prioritize.cli.common import err
    from prioritize.errors import PrioritizeError

    findings = [
        workspace.finding(p)
        for p in vote_problems(workspace.votes, workspace.items, loaded.criteria)
    ]
    if any(f.severity == "error" for f in findings):
        raise PrioritizeError(findings)
    for finding in findings:
        err(f"{finding.location}: warning: {finding.message}")


def load_scored_with_votes(path: Path | None, criteria: str | None) -> Scored:
    """cli.common.load_scored with stakeholders' votes in place of items' own judgement scores.

    Until load_scored applies votes itself; applying them twice changes nothing.
    """
    from prioritize import workspace as ws_module
    from prioritize.analysis.votes import apply_votes
    from prioritize.cli.common import Scored, open_workspace
    from prioritize.errors import PrioritizeError
    from prioritize.scoring import score

    workspace = open_workspace(path)
    loaded = ws_module.load_criteria(workspace.root, criteria, workspace.settings)
    refuse_vote_errors(workspace, loaded)
    items = apply_votes(
        workspace.items_frame(loaded.criteria.criteria), workspace.votes, loaded.criteria
    )
    scoring = score(items, loaded.criteria, loaded.formula)
    if scoring.problems:
        raise PrioritizeError([workspace.finding(p) for p in scoring.problems])
    return Scored(workspace, loaded, scoring)


@guarded
def votes(
    workspace: WorkspaceOption = None,
    criteria: CriteriaOption = None,
    format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
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
    from prioritize.cli.common import emit, err, open_workspace, stdout_is_terminal
    from prioritize.render.votes import OWN, render_votes

    ws = open_workspace(workspace)
    loaded = ws_module.load_criteria(ws.root, criteria, ws.settings)
    refuse_vote_errors(ws, loaded)
    if not ws.votes:
        err(
            f"no votes: add one file per stakeholder to {ws_module.VOTES_DIR}/ (stakeholder: NAME, scores: {{ITEM_ID: {{CRITERION_ID: value}}}})"
        )
    summary = vote_summary(ws.votes, loaded.criteria, [i.id for i in ws.items], threshold=threshold)
    summary = summary.assign(**{OWN: own_scores(ws.items_frame(loaded.criteria.criteria), summary)})
    emit(
        render_votes(summary, format.value, threshold=threshold, color=stdout_is_terminal(output)),
        output,
    )
