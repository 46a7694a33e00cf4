"""`prioritize diff [REV]`: how the ranking moved between a git revision and the working tree."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
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
    from prioritize.criteria_sets import LoadedCriteria
    from prioritize.errors import PrioritizeError
    from prioritize.gitio import GitSource, Revision
    from prioritize.pipeline import Scored


@guarded
def diff(
    rev: Annotated[
        str, typer.Argument(help="The git revision to compare with: a commit, branch or tag.")
    ] = "HEAD",
    workspace: WorkspaceOption = None,
    criteria: CriteriaOption = None,
    format: FormatOption = Format.table,
    output: OutputOption = None,
    raw_csv: RawCsvOption = False,
    all_rows: Annotated[
        bool, typer.Option("--all", "-a", help="Also list the items whose rank stayed the same.")
    ] = False,
) -> None:
    """Show how the ranking moved between a git revision (default HEAD) and the working tree."""
    from prioritize import diffing
    from prioritize.cli.common import (
        emit,
        err,
        load_scored,
        render,
        stdout_is_terminal,
        warn_unscored,
    )
    from prioritize.render.diff import DIFF_RENDERERS, NOTES_WRITTEN, DiffView
    from prioritize.render.rank import criteria_caption

    new = load_scored(workspace, criteria)
    warn_unscored(new)
    git = _git_source(new.workspace.root, rev)
    old = _scored_at(git, new)
    rows = diffing.ranking_diff(old.scoring, new.scoring)
    changes = diffing.criteria_changes(old.criteria.criteria, new.criteria.criteria)
    notes = (
        [f"criteria changed since {git.revision.label}: {'; '.join(changes)}"] if changes else []
    )
    if format not in NOTES_WRITTEN:
        for note in notes:
            err(note)
    caption = criteria_caption(new.criteria.criteria, new.criteria.name)
    view = DiffView(
        diffing.moved(rows, include_same=all_rows), diffing.change_counts(rows), git.revision.label,
        caption=caption, notes=notes, color=stdout_is_terminal(output),
    )  # fmt: skip
    emit(render(DIFF_RENDERERS, format, raw_csv=raw_csv, view=view), output)


def _git_source(root: Path, rev: str) -> GitSource:
    from prioritize import gitio

    repo = gitio.require_repository(root)
    return gitio.GitSource(repo, gitio.resolve(repo, rev))


def _scored_at(git: GitSource, new: Scored) -> Scored:
    """The workspace at the revision scored by the same criteria set as the working tree.

    The set is read as it was at the revision: criteria/NAME.yaml there, else the built-in
    preset NAME; a set chosen by file path is that file at the revision (a file outside the
    repository has no past, so it scores both sides). Votes are those at the revision.
    Problems at the revision are refused like those in the working tree, located REV:path.
    """
    from prioritize import workspace as ws_module
    from prioritize.errors import PrioritizeError
    from prioritize.pipeline import score_workspace

    try:
        old = ws_module.load(new.workspace.root, files=git)
        old.raise_for_errors()
        scored = score_workspace(old, _criteria_at(git, new))
        scored.raise_for_refusals()
    except PrioritizeError as exc:
        raise _at_revision(exc, git.revision) from None
    return scored


def _criteria_at(git: GitSource, new: Scored) -> LoadedCriteria:
    from prioritize import gitio
    from prioritize.criteria_sets import CRITERIA_DIR, load_criteria
    from prioritize.errors import PrioritizeError

    now, root = new.criteria, new.workspace.root
    by_name = {f"{CRITERIA_DIR}/{now.name}{ext}" for ext in (".yaml", ".yml")}
    if now.builtin or now.source.path in by_name:
        return load_criteria(root, now.name, files=git)
    in_repo = gitio.repo_path(git.repo, root / now.source.path)  # chosen by file path
    if in_repo is None:
        return now
    data = git.show(in_repo)
    if data is None:
        raise PrioritizeError(message=f"criteria file {now.source.path} did not exist yet")
    rel = f"{CRITERIA_DIR}/{now.name}.yaml"
    return load_criteria(root, now.name, files=gitio.OneFile(rel, data))


def _at_revision(exc: PrioritizeError, revision: Revision) -> PrioritizeError:
    """The same problems, each path prefixed with the revision (git's REV:path notation)."""
    from prioritize.errors import PrioritizeError

    findings = [
        replace(f, location=replace(f.location, path=f"{revision.short}:{f.location.path}"))
        for f in exc.findings
    ]
    message = f"at {revision.label}: {exc.message}" if exc.message else ""
    return PrioritizeError(findings, message)
