"""`prioritize diff [REV]`: how the ranking moved between a git revision and the working tree."""

from collections.abc import Callable
from dataclasses import dataclass, replace
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
    import pandas as pd

    from prioritize.criteria_sets import LoadedCriteria
    from prioritize.errors import PrioritizeError
    from prioritize.gitio import GitSource, Revision
    from prioritize.pipeline import Scored
    from prioritize.workspace import Known, Workspace


@guarded
def diff(
    revisions: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[REV | A B | A..B]",
            help="REV (default HEAD) against the working tree, or revision A against revision B "
            "(a commit, branch or tag each); two revisions never read the working tree.",
        ),
    ] = None,
    workspace: WorkspaceOption = None,
    criteria: CriteriaOption = None,
    format: FormatOption = Format.table,
    output: OutputOption = None,
    raw_csv: RawCsvOption = False,
    all_rows: Annotated[
        bool, typer.Option("--all", "-a", help="Also list the items whose rank stayed the same.")
    ] = False,
) -> None:
    """Show how the ranking moved between a git revision (default HEAD) and the working tree,
    or between two revisions."""
    from prioritize import diffing
    from prioritize.cli.common import emit, err, render, stdout_is_terminal
    from prioritize.render.diff import DIFF_RENDERERS, NOTES_WRITTEN, DiffView
    from prioritize.render.rank import criteria_caption
    from prioritize.workspace import workspace_root

    old_name, new_name = _revision_names(revisions or [])
    if new_name is None:  # a revision against the working tree
        old, new, since = _against_working_tree(workspace, criteria, old_name)
    else:  # two revisions, each scored by the set chosen as it was there
        root = workspace_root(workspace, Path.cwd())
        (old, old_label), (new, new_label) = (
            _scored_at_revision(root, name, criteria) for name in (old_name, new_name)
        )
        since = f"{old_label} (to {new_label})"
    rows = diffing.ranking_diff(old.ranked, new.ranked)
    changes = diffing.criteria_changes(old.criteria.criteria, new.criteria.criteria)
    notes = [f"criteria changed since {since}: {'; '.join(changes)}"] if changes else []
    if format not in NOTES_WRITTEN:
        for note in notes:
            err(note)
    caption = criteria_caption(new.criteria.criteria, new.criteria.name)
    view = DiffView(
        diffing.moved(rows, include_same=all_rows), diffing.change_counts(rows), since,
        caption=caption, notes=notes, color=stdout_is_terminal(output),
    )  # fmt: skip
    emit(render(DIFF_RENDERERS, format, raw_csv=raw_csv, view=view), output)


def _revision_names(given: list[str]) -> tuple[str, str | None]:
    """(the old revision, the new one or None for the working tree) from `diff`'s arguments."""
    from prioritize.errors import PrioritizeError

    if len(given) > 2:
        raise PrioritizeError(message="diff takes at most two revisions: REV, A B or A..B")
    if len(given) == 2:
        return given[0], given[1]
    if len(given) == 1 and ".." in given[0] and "..." not in given[0]:
        old, _, new = given[0].partition("..")
        return old or "HEAD", new or "HEAD"  # git's A.. and ..B
    return (given[0] if given else "HEAD"), None


@dataclass(frozen=True)
class _Side:
    """What diff keeps of one scored side: the ranked items (id, title, rank, score) and the
    criteria set. The workspace and the scoring frames are let go as soon as this is taken."""

    ranked: "pd.DataFrame"
    criteria: "LoadedCriteria"

    @classmethod
    def of(cls, scored: "Scored") -> "_Side":
        from prioritize.diffing import RANKING_COLUMNS

        return cls(scored.scoring.ranked[RANKING_COLUMNS].copy(), scored.criteria)


def _against_working_tree(
    workspace: Path | None, criteria: str | None, revision: str
) -> tuple[_Side, _Side, str]:
    """(the revision's side, the working tree's side, the revision's label); the revision
    is scored by the working tree's criteria set as it was there (see _criteria_at)."""
    new, now = _working_tree(workspace, criteria)
    git = _git_source(now.root, revision)
    scored = _score_at(git, now.root, lambda _: _criteria_at(git, new.criteria, now.root), now=now)
    return _Side.of(scored), new, git.revision.label


def _working_tree(workspace: Path | None, criteria: str | None) -> "tuple[_Side, Workspace]":
    """The working tree's side, its warnings given on stderr, and its workspace (to share
    the files unchanged at the revision); its scoring frames are not kept."""
    from prioritize.cli.common import load_scored, warn_unscored

    scored = load_scored(workspace, criteria)
    warn_unscored(scored)
    return _Side.of(scored), scored.workspace


def _scored_at_revision(root: Path, revision: str, criteria: str | None) -> tuple[_Side, str]:
    """The workspace as it was at `revision`, scored by the set chosen as it was there, with
    the revision's label."""
    git = _git_source(root, revision)
    scored = _score_at(git, root, lambda ws: _criteria_chosen_at(git, root, criteria, ws))
    return _Side.of(scored), git.revision.label


def _score_at(
    git: "GitSource",
    root: Path,
    criteria_for: "Callable[[Workspace], LoadedCriteria]",
    now: "Workspace | None" = None,
) -> "Scored":
    """The workspace at the revision scored by `criteria_for(it)`; problems there are refused
    like those in the working tree, located REV:path. Votes are those at the revision.

    Backlog files whose text is the same in `now` (the working tree, read without errors) are
    taken from it, not read again: their items are shared, not copied.
    """
    from prioritize import workspace as ws_module
    from prioritize.errors import PrioritizeError
    from prioritize.pipeline import score_workspace

    try:
        known = _unchanged(git, now) if now is not None else None
        if known is not None:
            git.let_go(known.files)  # taken from the working tree: the revision's bytes can go
        ws = ws_module.load(root, files=git, known=known)
        # Every backlog file is read now (its text kept where a problem may need it located).
        git.let_go(git.list_yaml(ws_module.BACKLOGS_DIR))
        ws.raise_for_errors()
        scored = score_workspace(ws, criteria_for(ws))
        scored.raise_for_refusals()
    except PrioritizeError as exc:
        raise _at_revision(exc, git.revision) from None
    return scored


def _criteria_chosen_at(
    git: "GitSource", root: Path, choice: str | None, ws: "Workspace"
) -> "LoadedCriteria":
    """The set `--criteria` names (else the workspace's own), as it was at the revision.

    A set named by file path is that file at the revision where it lies in the repository,
    else (it has no past) the file as it is.
    """
    from prioritize.criteria_sets import load_criteria

    if choice is None or (Path(choice).name == choice and not choice.endswith((".yaml", ".yml"))):
        return load_criteria(root, choice, ws.settings, files=git)
    path = Path(choice) if Path(choice).is_absolute() else Path.cwd() / choice
    return _criteria_file_at(git, root, path, choice, Path(choice).stem) or load_criteria(
        root, choice, ws.settings, cwd=Path.cwd()
    )


def _criteria_file_at(
    git: "GitSource", root: Path, path: Path, shown: str, name: str
) -> "LoadedCriteria | None":
    """The criteria file at `path` as it was at the revision, by the name `name`; None where
    it lies outside the repository (it has no past)."""
    from prioritize import gitio
    from prioritize.criteria_sets import CRITERIA_DIR, load_criteria
    from prioritize.errors import PrioritizeError

    in_repo = gitio.repo_path(git.repo, path)
    if in_repo is None:
        return None
    data = git.show(in_repo)
    if data is None:
        raise PrioritizeError(message=f"criteria file {shown} did not exist yet")
    return load_criteria(root, name, files=gitio.OneFile(f"{CRITERIA_DIR}/{name}.yaml", data))


def _git_source(root: Path, rev: str) -> "GitSource":
    from prioritize import gitio

    repo = gitio.require_repository(root)
    return gitio.GitSource(repo, gitio.resolve(repo, rev))


def _unchanged(git: "GitSource", now: "Workspace") -> "Known":
    """What the revision shares with `now`: the backlog files whose text is the same there,
    and every item (one read alike at the revision is the same object)."""
    from prioritize.workspace import Known, known_files

    same = {
        rel: known
        for rel, known in known_files(now).items()
        if git.holds(rel, known.source.digest)  # by git's blob ids: the revision's not read
    }
    return Known(same, {item.id: item for item in now.items})


def _criteria_at(git: "GitSource", now: "LoadedCriteria", root: Path) -> "LoadedCriteria":
    """The working tree's criteria set `now` as it was at the revision.

    criteria/NAME.yaml there, else the built-in preset NAME; a set chosen by file path is
    that file at the revision (a file outside the repository has no past, so it scores both
    sides).
    """
    from prioritize.criteria_sets import CRITERIA_DIR, load_criteria

    by_name = {f"{CRITERIA_DIR}/{now.name}{ext}" for ext in (".yaml", ".yml")}
    if now.builtin or now.source.path in by_name:
        return load_criteria(root, now.name, files=git)
    path = root / now.source.path  # chosen by file path
    return _criteria_file_at(git, root, path, now.source.path, now.name) or now


def _at_revision(exc: "PrioritizeError", revision: "Revision") -> "PrioritizeError":
    """The same problems, each path prefixed with the revision (git's REV:path notation)."""
    from prioritize.errors import PrioritizeError

    findings = [
        replace(f, location=replace(f.location, path=f"{revision.short}:{f.location.path}"))
        for f in exc.findings
    ]
    message = f"at {revision.label}: {exc.message}" if exc.message else ""
    return PrioritizeError(findings, message)
