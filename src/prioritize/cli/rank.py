"""`prioritize rank`: the ranked backlog, the main job."""

from typing import Annotated, Literal

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
from prioritize.vocabulary import Risk


@guarded
def rank(
    workspace: WorkspaceOption = None,
    criteria: CriteriaOption = None,
    format: FormatOption = Format.table,
    output: OutputOption = None,
    raw_csv: RawCsvOption = False,
    top: Annotated[
        int | None,
        typer.Option("--top", "-n", min=1, metavar="N", help="Show only the first N ranked items."),
    ] = None,
    pool: Annotated[
        str | None, typer.Option("--pool", help="Only items of this value pool.")
    ] = None,
    risk: Annotated[
        Risk | None, typer.Option("--risk", help="Only items of this risk level.")
    ] = None,
    include_unscored: Annotated[
        bool, typer.Option("--include-unscored", help="Append unscored items with an empty rank.")
    ] = False,
    order: Annotated[
        Literal["score", "deliverable"],
        typer.Option(
            "--order",
            help="score: highest score first; deliverable: the same, but never before an open "
            "item it depends on (the order the teams can work in).",
        ),
    ] = "score",
) -> None:
    """Rank the backlog by the agreed criteria: highest score first."""
    from prioritize.cli.common import (
        check_pool,
        emit,
        load_scored,
        render,
        stdout_is_terminal,
        warn_unscored,
    )

    # Loaded first: pandas and the models are imported there, with the collector paused.
    scored = load_scored(workspace, criteria)
    from prioritize.render.rank import RANK_RENDERERS, RankView
    from prioritize.scoring import ID, UNSCORED, ranking_rows

    warn_unscored(scored)
    rows = ranking_rows(
        scored.scoring,
        top=top,
        pool=check_pool(scored.workspace, pool),
        risk=risk,
        include_unscored=include_unscored,
        order=order,
    )
    loaded, unit = scored.criteria, scored.workspace.settings.unit
    unscored = scored.scoring.unscored
    reasons = dict(zip(unscored[ID], unscored[UNSCORED], strict=True))
    color = stdout_is_terminal(output)
    view = RankView(rows, loaded.criteria, loaded.name, unit, color=color, reasons=reasons)
    emit(render(RANK_RENDERERS, format, raw_csv=raw_csv, view=view), output)
