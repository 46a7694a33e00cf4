"""`prioritize init [DIR]`: a starter workspace that ranks and checks clean at once."""

import contextlib
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from prioritize.cli.common import guarded

STARTER = "starter"
DEFAULT_CRITERIA = "criteria/default.yaml"


@guarded
def init(
    directory: Annotated[
        Path,
        typer.Argument(
            metavar="DIR", help="Folder for the new workspace; created if missing.", file_okay=False
        ),
    ] = Path("."),
) -> None:
    """Start a workspace: two value pools, six items with evidence, the default criteria and settings."""
    from prioritize.cli.common import err

    files = starter_files(date.today())
    write_new(directory, files)
    err(f"created a workspace in {directory}: {', '.join(sorted(files))}")
    where = "" if directory.resolve() == Path.cwd().resolve() else f" -w {directory}"
    for step in (
        "next steps:",
        f"  1. edit the value pools in {directory / 'backlogs'} to map your own field of problems",
        "  2. add items by hand, or bring them in: prioritize import FILE.csv "
        f"[--from jira|azure-devops] --pool POOL{where}",
        f"  3. agree the criteria: once leaders sign {DEFAULT_CRITERIA} off, record agreed_by and agreed_on",
        f"  4. prioritize check{where}, then prioritize rank{where}",
    ):
        err(step)


def starter_files(today: date) -> dict[str, bytes]:
    """{workspace-relative path: bytes} of the starter workspace.

    The package's starter/ files, criteria/default.yaml copied from the built-in preset, and
    the schedule's start moved to the first Monday on or after `today`. The criteria set is
    not yet agreed by anyone (`agreed_by: []`, no `agreed_on`): only the team can record that.
    The examples' evidence is dated a fortnight before `today`, so a new workspace checks clean.
    """
    from importlib import resources

    from prioritize.edit import apply_edits
    from prioritize.edits import Edit, Value

    files: dict[str, bytes] = {}
    pending = [(resources.files("prioritize").joinpath(STARTER), "")]
    while pending:
        folder, prefix = pending.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                pending.append((entry, f"{prefix}{entry.name}/"))
            elif entry.name.endswith((".yaml", ".yml")):
                files[f"{prefix}{entry.name}"] = entry.read_bytes()
    preset = resources.files("prioritize.presets").joinpath("default.yaml").read_text("utf-8")
    files[DEFAULT_CRITERIA] = _not_yet_agreed(preset).encode("utf-8")
    gathered = today - timedelta(days=14)
    for rel in [r for r in files if r.startswith("backlogs/")]:
        files[rel] = _evidence_dated(files[rel].decode("utf-8"), gathered).encode("utf-8")
    monday = today + timedelta(days=-today.weekday() % 7)
    settings = files["prioritize.yaml"].decode("utf-8")
    start = Edit(("start",), Value(monday, monday.isoformat()))
    files["prioritize.yaml"] = apply_edits(settings, [start]).encode("utf-8")
    return dict(sorted(files.items()))


def _not_yet_agreed(criteria_text: str) -> str:
    """The preset's text with nobody recorded as having agreed it, and no date."""
    lines = []
    for line in criteria_text.splitlines(keepends=True):
        if line.startswith("agreed_by:"):
            line = "agreed_by: []      # who signed this set off, e.g. [Office of the CIO, Service director]\n"
        elif line.startswith("agreed_on:"):
            line = "# agreed_on: YYYY-MM-DD   # the day they did; add it with agreed_by\n"
        lines.append(line)
    return "".join(lines)


def _evidence_dated(backlog_text: str, gathered: date) -> str:
    """The starter backlog with every item's evidence.as_of set to `gathered`."""
    from prioritize import yamlio
    from prioritize.edit import apply_edits
    from prioritize.edits import Edit, Value

    data = yamlio.parse(backlog_text) or {}
    located = (
        [((), data)]
        if "id" in data
        else [(("items", i), it) for i, it in enumerate(data.get("items", []))]
    )
    edits = [
        Edit((*path, "evidence", "as_of"), Value(gathered, gathered.isoformat()), len(path))
        for path, item in located
        if "as_of" in (item.get("evidence") or {})
    ]
    return apply_edits(backlog_text, edits) if edits else backlog_text


def write_new(root: Path, files: dict[str, bytes]) -> None:
    """Create every file under `root`, all or nothing; refuse (writing nothing) if any exists."""
    from prioritize.errors import PrioritizeError

    if root.exists() and not root.is_dir():
        raise PrioritizeError(message=f"{root} is a file, not a folder")
    existing = [rel for rel in files if (root / rel).exists()]
    if existing:
        raise PrioritizeError(
            message=f"{root} already holds {', '.join(existing)}; init never overwrites files, so nothing was written"
        )
    made: list[Path] = []
    try:
        for rel, data in files.items():
            path = root / rel
            for folder in reversed([path.parent, *path.parent.parents]):
                if not folder.exists():
                    folder.mkdir()
                    made.append(folder)
            with path.open("xb") as handle:  # "x": never over a file that appeared meanwhile
                made.append(path)
                handle.write(data)
    except BaseException as exc:
        for path in reversed(made):
            with contextlib.suppress(OSError):
                path.rmdir() if path.is_dir() else path.unlink()
        if isinstance(exc, OSError):
            raise PrioritizeError(
                message=f"cannot create the workspace in {root}: {exc}; nothing was written"
            ) from None
        raise
