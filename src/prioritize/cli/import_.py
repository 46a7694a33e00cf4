"""`prioritize import CSV`: merge evidence from a CSV export into the backlog files, keeping their layout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from prioritize.cli.common import guarded
from prioritize.cli.options import CriteriaOption, WorkspaceOption

if TYPE_CHECKING:
    from prioritize.errors import Finding
    from prioritize.importing import ImportPlan, Target
    from prioritize.workspace import Workspace


class Section(StrEnum):
    functional = "functional"
    operational = "operational"
    experience = "experience"


@dataclass(frozen=True)
class Change:
    """One file to replace: its path, workspace-relative name, and old and new bytes."""

    path: Path
    rel: str
    old: bytes
    new: bytes


@guarded
def import_(
    csv_file: Annotated[
        Path,
        typer.Argument(
            metavar="CSV", help="CSV with an id column and one column per value.", dir_okay=False
        ),
    ],
    workspace: WorkspaceOption = None,
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
        typer.Option("--dry-run", "-n", help="Print the changes as a unified diff; write nothing."),
    ] = False,
) -> None:
    """Merge evidence from a CSV export into the backlog files, keeping comments and layout."""
    from prioritize.cli.common import emit, err, open_workspace
    from prioritize.importing import plan_import

    ws = open_workspace(workspace)
    plan = plan_import(
        _read_csv(csv_file), _targets(ws), csv_name=str(csv_file),
        section=section.value if section else None, as_of=as_of.date() if as_of else None,
    )  # fmt: skip
    changes = _prepare(ws, plan, criteria)
    summary = f"{plan.values} value{'s' if plan.values != 1 else ''} in {len(changes)} file{'s' if len(changes) != 1 else ''}"
    if dry_run:
        emit(_unified_diff(changes), None)
        err(f"would import {summary} (dry run: nothing written)")
        return
    write_all(changes)
    err(
        f"imported {summary}"
        if changes
        else "nothing to import: the backlog already holds these values"
    )


def _read_csv(path: Path) -> list[list[str]]:
    """Every record of the CSV as cell texts, the header first; words such as None and NA stay words."""
    import pandas as pd

    from prioritize.errors import PrioritizeError

    try:
        frame = pd.read_csv(
            path, header=None, dtype=str, keep_default_na=False, na_filter=False,
            skip_blank_lines=False, encoding="utf-8-sig",
        )  # fmt: skip
    except FileNotFoundError:
        raise PrioritizeError(message=f"no such file: {path}") from None
    except pd.errors.EmptyDataError:
        return []
    except (pd.errors.ParserError, UnicodeDecodeError, OSError) as exc:
        raise PrioritizeError(message=f"{path}: cannot read the CSV: {str(exc).strip()}") from None
    return [
        ["" if cell is None else str(cell) for cell in row] for row in frame.itertuples(index=False)
    ]


def _targets(ws: Workspace) -> dict[str, Target]:
    from prioritize.importing import Target

    targets: dict[str, Target] = {}
    for item, data in zip(ws.items, ws.raw_items, strict=True):
        origin = ws.origins[("item", item.id)]
        targets[item.id] = Target(origin.file.path, origin.path, data)
    return targets


def _prepare(ws: Workspace, plan: ImportPlan, criteria: str | None) -> list[Change]:
    """Every file's new bytes, after every check; all problems at once as a PrioritizeError."""
    from prioritize.errors import PrioritizeError

    findings = [*plan.findings, *_scoring_findings(ws, plan, criteria)]
    changes = _render(ws, plan, findings)
    if findings:
        raise PrioritizeError(findings)
    return changes


def _scoring_findings(ws: Workspace, plan: ImportPlan, criteria: str | None) -> list[Finding]:
    """Imported values the criteria set cannot score (text where a number belongs, ...)."""
    from dataclasses import replace

    from prioritize.cli.common import choose_criteria
    from prioritize.pipeline import score_workspace

    if not plan.items:
        return []
    items = [plan.items.get(i.id, i) for i in ws.items]
    data = [plan.data.get(i.id, d) for i, d in zip(ws.items, ws.raw_items, strict=True)]
    after = replace(ws, items=items, raw_items=data)
    scored = score_workspace(after, choose_criteria(ws, criteria))
    return plan.located(scored.scoring.problems)


def _render(ws: Workspace, plan: ImportPlan, findings: list[Finding]) -> list[Change]:
    import codecs

    from prioritize import yamlio
    from prioritize.edit import EditError, apply_edits
    from prioritize.errors import Finding, Location

    changes: list[Change] = []
    for rel, edits in plan.edits.items():
        path = ws.root / rel
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
        try:
            new_text = apply_edits(text, edits)
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
        for line in difflib.unified_diff(
            old, new, fromfile=f"a/{change.rel}", tofile=f"b/{change.rel}"
        ):
            lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(lines)


def write_all(changes: list[Change]) -> None:
    """Replace every changed file, all or nothing.

    Each file is replaced atomically (yamlio.atomic_write: temporary file in the same folder,
    fsync, os.replace, permissions kept), one after the other. If replacing one fails, the files
    already replaced get their old bytes back, so the workspace is as it was. A crash or power
    cut between two replaces cannot be undone that way: each file is then either wholly old or
    wholly new, never half-written, and running the same import again finishes the job (setting
    a value to what it already is changes nothing).
    """
    from prioritize import yamlio
    from prioritize.errors import PrioritizeError

    for change in changes:  # someone else's edit since we read the file would be lost
        if change.path.read_bytes() != change.old:
            raise PrioritizeError(
                message=f"{change.rel} changed while importing; nothing was written; run the import again"
            )
    done: list[Change] = []
    for change in changes:
        try:
            yamlio.atomic_write(change.path, change.new)
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
    from prioritize import yamlio

    failed: list[str] = []
    for change in reversed(done):
        try:
            yamlio.atomic_write(change.path, change.old)
        except OSError:
            failed.append(change.rel)
    return failed
