"""`prioritize import CSV`: merge a CSV export into the backlog files, keeping their layout; create new items."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from prioritize.cli.common import guarded
from prioritize.cli.options import CriteriaOption, WorkspaceOption

if TYPE_CHECKING:
    from prioritize.criteria_sets import LoadedCriteria
    from prioritize.errors import Finding
    from prioritize.importing import ImportPlan, Target
    from prioritize.workspace import Workspace


class Source(StrEnum):
    csv = "csv"
    jira = "jira"
    azure_devops = "azure-devops"


class Section(StrEnum):
    functional = "functional"
    operational = "operational"
    experience = "experience"


@dataclass(frozen=True)
class Change:
    """One file to replace: its path, workspace-relative name, and old and new bytes.

    `created`: the file does not exist yet (`old` is empty).
    """

    path: Path
    rel: str
    old: bytes
    new: bytes
    created: bool = False


@guarded
def import_(
    csv_file: Annotated[
        Path,
        typer.Argument(
            metavar="CSV", help="CSV with an id column and one column per value.", dir_okay=False
        ),
    ],
    workspace: WorkspaceOption = None,
    source: Annotated[
        Source,
        typer.Option(
            "--from",
            help="The CSV's format: prioritize's own, or a Jira or Azure DevOps CSV export.",
        ),
    ] = Source.csv,
    pool: Annotated[
        str | None,
        typer.Option(
            "--pool", metavar="ID", help="The value pool of new items (rows without one)."
        ),
    ] = None,
    new_metrics: Annotated[
        bool,
        typer.Option(
            "--new-metrics", help="Allow columns naming metrics no item or criterion uses yet."
        ),
    ] = False,
    section: Annotated[
        Section | None,
        typer.Option(
            "--section", "-s", help="Read bare column names as metrics under evidence.SECTION."
        ),
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="Also set evidence.as_of to this date (YYYY-MM-DD).",
        ),
    ] = None,
    criteria: CriteriaOption = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print the changes as a unified diff; write nothing."),
    ] = False,
) -> None:
    """Merge a CSV export into the backlog files, keeping comments and layout; create new items."""
    from prioritize.cli.common import choose_criteria, emit, err, open_workspace
    from prioritize.import_columns import known_metrics
    from prioritize.import_sources import FORMATS
    from prioritize.importing import plan_import

    with _workspace_locked(workspace, f"prioritize import {csv_file}", dry_run=dry_run) as root:
        ws = open_workspace(root, keep_data=True)  # the files are edited
        loaded = choose_criteria(ws, criteria)
        sources = [c.source_path for c in loaded.criteria.criteria]
        plan = plan_import(
            _read_csv(csv_file), _targets(ws), csv_name=str(csv_file),
            section=section.value if section else None, as_of=as_of.date() if as_of else None,
            source=FORMATS[source.value], pools=_pools(ws), pool=pool, files=set(ws.files),
            metrics=known_metrics(ws.raw_items, sources), new_metrics=new_metrics,
        )  # fmt: skip
        changes, warnings = _prepare(ws, plan, loaded)
        if dry_run:
            emit(_unified_diff(changes), None)
            _warn(warnings)
            err(f"{_summary(plan, changes, dry_run=True)} (dry run: nothing written)")
            return
        write_all(changes)
    _warn(warnings)
    err(
        _summary(plan, changes, dry_run=False)
        if changes
        else "nothing to import: the backlog already holds these values"
    )


@contextmanager
def _workspace_locked(given: Path | None, command: str, *, dry_run: bool) -> Iterator[Path]:
    """The workspace folder, locked for the whole read-check-write when the run writes
    (lock.workspace_lock: a second import waits, then exits 2 naming this one); temporary
    files a killed run left under backlogs/ are removed once the lock is held."""
    from prioritize import output
    from prioritize.cli.common import err
    from prioritize.lock import workspace_lock
    from prioritize.workspace import BACKLOGS_DIR, workspace_root

    root = workspace_root(given, Path.cwd())
    if dry_run:
        yield root
        return

    def waiting(holder: str) -> None:
        err(f"waiting for {holder} to finish with this workspace")

    with workspace_lock(root, command, on_wait=waiting):
        for folder, _, _ in os.walk(root / BACKLOGS_DIR):
            output.sweep_stale(Path(folder), unnamed=True)
        yield root


def _warn(warnings: "list[Finding]") -> None:
    from prioritize.cli.common import err
    from prioritize.errors import sort_findings

    for finding in sort_findings(warnings):
        err(f"{finding.location}: warning: {finding.code} {finding.message}")


def _summary(plan: "ImportPlan", changes: list[Change], *, dry_run: bool) -> str:
    """What the import does: "imported 2 values and created 1 item in 2 files"."""

    def count(n: int, what: str) -> str:
        return f"{n} {what}{'s' if n != 1 else ''}"

    done = [("import", "imported", count(plan.values, "value"))] if plan.values else []
    if plan.created:
        done.append(("create", "created", count(len(plan.created), "item")))
    done = done or [("import", "imported", count(0, "value"))]
    what = " and ".join(f"{verb if dry_run else past} {n}" for verb, past, n in done)
    return f"{'would ' if dry_run else ''}{what} in {count(len(changes), 'file')}"


def _pools(ws: "Workspace") -> dict[str, str]:
    """Every value pool's id and the file that defines it."""
    return {pool.id: ws.origins[("pool", pool.id)].file.path for pool in ws.pools}


def _read_csv(path: Path) -> list[list[str]]:
    """Every record of the CSV as cell texts, the header first (csv_table.read_table)."""
    from prioritize.csv_table import read_table
    from prioritize.errors import PrioritizeError

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise PrioritizeError(message=f"no such file: {path}") from None
    except (UnicodeDecodeError, OSError) as exc:
        raise PrioritizeError(message=f"{path}: cannot read the CSV: {exc}") from None
    return read_table(text, str(path))


def _targets(ws: "Workspace") -> "dict[str, Target]":
    from prioritize.importing import Target

    targets: dict[str, Target] = {}
    for item, data in zip(ws.items, ws.raw_items, strict=True):
        origin = ws.origins[("item", item.id)]
        targets[item.id] = Target(origin.file.path, origin.path, data)
    return targets


def _prepare(
    ws: "Workspace", plan: "ImportPlan", loaded: "LoadedCriteria"
) -> "tuple[list[Change], list[Finding]]":
    """Every file's new bytes after every check, and the warnings about the values imported;
    every error at once as a PrioritizeError (the warnings said first)."""
    from prioritize.errors import PrioritizeError

    findings = [*plan.findings, *_scoring_findings(ws, plan, loaded)]
    changes = _render(ws, plan, findings)
    warnings = [f for f in findings if f.severity == "warning"]
    if len(warnings) < len(findings):
        _warn(warnings)
        raise PrioritizeError([f for f in findings if f.severity != "warning"])
    return changes, warnings


def _scoring_findings(
    ws: "Workspace", plan: "ImportPlan", loaded: "LoadedCriteria"
) -> "list[Finding]":
    """Imported values the criteria set cannot score (text where a number belongs, ...), and
    warnings about those outside a criterion's fixed range (80 where 0.80 is meant)."""
    from dataclasses import replace

    from prioritize.criterion_inputs import value_findings

    if not plan.items:
        return []
    # A value's problems depend on its item alone: score only the items the CSV names.
    named = plan.named
    kept = [(i, d) for i, d in zip(ws.items, ws.raw_items, strict=True) if i.id in named]
    items = [plan.items.get(i.id, i) for i, _ in kept] + [plan.items[i] for i in plan.created]
    data = [plan.data.get(i.id, d) for i, d in kept] + [plan.data[i] for i in plan.created]
    if not ws.votes:  # the values as written are what scoring takes: no pandas to import
        problems, warnings = value_findings(loaded.criteria, items, data)
        return plan.located([*problems, *warnings])
    # Stakeholders' vote medians stand in for some values: scoring applies them.
    from prioritize.checks import range_problems
    from prioritize.pipeline import voted_items
    from prioritize.scoring import score

    after = replace(ws, items=items, raw_items=data)
    scoring = score(voted_items(after, loaded), loaded.compiled)
    return plan.located([*scoring.problems, *range_problems(scoring)])


def _render(ws: "Workspace", plan: "ImportPlan", findings: "list[Finding]") -> list[Change]:
    import codecs

    from prioritize import yamlio
    from prioritize.edit import EditError, append_items, apply_edits, new_items_file
    from prioritize.errors import Finding, Location

    changes: list[Change] = []
    for rel in plan.files:
        path = ws.root / rel
        edits, items = plan.edits.get(rel, []), plan.creates.get(rel, [])
        new_file = plan.new_files.get(rel)
        try:
            if new_file is not None:
                if path.exists():
                    raise EditError(f"{rel} appeared while importing; run the import again")
                like = ws.files[new_file.like].text if new_file.like in ws.files else ""
                text = new_items_file(items, alone=new_file.alone, like=like)
                changes.append(Change(path, rel, b"", text.encode("utf-8"), created=True))
                continue
            old = path.read_bytes()
            text = yamlio.decode(old)
            if text != ws.files[rel].text:
                findings.append(
                    Finding(
                        "changed-on-disk",
                        "error",
                        Location(rel),
                        "the file changed while importing; run the import again",
                    )
                )
                continue
            new_text = apply_edits(text, edits, ws.files[rel].data) if edits else text
            new_text = append_items(new_text, items) if items else new_text
        except EditError as exc:
            findings.append(Finding("cannot-edit", "error", Location(rel, exc.line), exc.message))
            continue
        bom = codecs.BOM_UTF8 if old.startswith(codecs.BOM_UTF8) else b""
        changes.append(Change(path, rel, old, bom + new_text.encode("utf-8")))
    return changes


def _unified_diff(changes: list[Change]) -> str:
    import difflib

    lines: list[str] = []
    for change in changes:
        old = change.old.decode("utf-8-sig").splitlines(keepends=True)
        new = change.new.decode("utf-8-sig").splitlines(keepends=True)
        before = "/dev/null" if change.created else f"a/{change.rel}"
        for line in difflib.unified_diff(old, new, fromfile=before, tofile=f"b/{change.rel}"):
            lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(lines)


def write_all(changes: list[Change]) -> None:
    """Replace every changed file, all or nothing.

    Each file is replaced atomically (output.replace_file: temporary file in the same folder,
    fsync, os.replace, permissions kept; a symbolic link is written through to its target and
    stays a link), one after the other. A read-only file stops the import before anything is
    written. If replacing one fails (or SIGTERM, SIGHUP or Ctrl-C arrives), the files
    already replaced get their old bytes back (new files are removed), so the workspace is as it
    was. A crash or power
    cut between two replaces cannot be undone that way: each file is then either wholly old or
    wholly new, never half-written, and running the same import again finishes the job (setting
    a value to what it already is changes nothing).
    """
    from prioritize import output
    from prioritize.errors import PrioritizeError

    for change in changes:  # someone else's edit since we read the file would be lost
        if change.created:
            if change.path.exists():
                raise PrioritizeError(
                    message=f"{change.rel} appeared while importing; nothing was written; run the import again"
                )
            continue
        if change.path.read_bytes() != change.old:
            raise PrioritizeError(
                message=f"{change.rel} changed while importing; nothing was written; run the import again"
            )
        if output.read_only(change.path):
            raise output.ReadOnlyError(message=f"{change.rel} is read-only: {_READ_ONLY}")
    with output.signals_raise():
        _replace_all(changes)


_READ_ONLY = "nothing was written (make it writable, then run the import again)"


def _replace_all(changes: list[Change]) -> None:
    from prioritize import output
    from prioritize.errors import PrioritizeError

    done: list[Change] = []
    for change in changes:
        try:
            output.replace_file(change.path, change.new, refusal=_READ_ONLY, shown=change.rel)
        except BaseException as exc:  # an interrupt too: put back what was written, then stop
            kept = _restore(done)
            if not isinstance(exc, OSError):
                raise
            detail = (
                "; every file is as it was"
                if not kept
                else f"; could not restore {', '.join(kept)}: they hold the import"
            )
            raise PrioritizeError(
                message=f"cannot write {change.rel}: {exc.strerror or exc}{detail}"
            ) from None
        done.append(change)


def _restore(done: list[Change]) -> list[str]:
    """Put back the old bytes of files already replaced; the names of those that could not be."""
    from prioritize import output

    failed: list[str] = []
    for change in reversed(done):
        try:
            if change.created:
                change.path.unlink()
                continue
            output.replace_file(change.path, change.old, refusal=_READ_ONLY, shown=change.rel)
        except OSError:
            failed.append(change.rel)
    return failed
