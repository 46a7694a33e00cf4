"""`prioritize outcomes`: delivered items, predicted value and effort against what was measured."""

from typing import TYPE_CHECKING, Annotated

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

if TYPE_CHECKING:
    import pandas as pd

    from prioritize.scoring import Scoring
    from prioritize.workspace import Workspace


@guarded
def outcomes(
    workspace: WorkspaceOption = None,
    criteria: CriteriaOption = None,
    format: FormatOption = Format.table,
    output: OutputOption = None,
    raw_csv: RawCsvOption = False,
    summary: Annotated[
        bool, typer.Option("--summary", help="Only the summary per pool and overall.")
    ] = False,
) -> None:
    """Delivered items: predicted value, rank and effort against actual effort and KPI movement."""
    from prioritize.analysis.outcomes import outcome_rows, outcome_summary
    from prioritize.cli.common import emit, load_scored, render, stdout_is_terminal, warn_unscored
    from prioritize.pipeline import predicted
    from prioritize.render.outcomes import OUTCOMES_RENDERERS, OutcomesView
    from prioritize.render.rank import criteria_caption

    scored = load_scored(workspace, criteria)
    warn_unscored(scored)
    ws, loaded = scored.workspace, scored.criteria
    prediction = predicted(scored)
    rows = outcome_rows(ws.pools, ws.items, prediction.frame)
    _warn_unpredicted(ws, prediction, rows)
    caption = criteria_caption(loaded.criteria, loaded.name)
    view = OutcomesView(
        rows,
        outcome_summary(rows),
        caption=caption,
        color=stdout_is_terminal(output),
        summary_only=summary,
    )
    emit(render(OUTCOMES_RENDERERS, format, raw_csv=raw_csv, view=view), output)


def _warn_unpredicted(ws: "Workspace", prediction: "Scoring", rows: "pd.DataFrame") -> None:
    """Name on stderr each delivered item the criteria cannot score, and the values that stop them."""
    from prioritize.analysis.outcomes import PREDICTED_VALUE
    from prioritize.cli.common import err
    from prioritize.errors import Ref
    from prioritize.scoring import ID, UNSCORED

    reasons = prediction.frame.set_index(ID)[UNSCORED]
    shown = set(rows[ID])
    for problem in prediction.problems:
        if problem.ref.id in shown:
            err(f"{ws.locate(problem.ref)}: warning: {problem.code} {problem.message}")
    for item_id in rows.loc[rows[PREDICTED_VALUE].isna(), ID]:
        err(
            f"{ws.locate(Ref('item', item_id))}: warning: {item_id} has no predicted value: {reasons.get(item_id)}"
        )
