"""`prioritize init [DIR]`: a starter workspace that ranks and checks clean at once."""

from __future__ import annotations

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
    err(f"next: prioritize rank{where}; then replace the examples in backlogs/ with your own")


def starter_files(today: date) -> dict[str, bytes]:
    """{workspace-relative path: bytes} of the starter workspace.

    The package's starter/ files, criteria/default.yaml copied from the built-in preset, and
    the schedule's start moved to the first Monday on or after `today`.
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
    files[DEFAULT_CRITERIA] = (
        resources.files("prioritize.presets").joinpath("default.yaml").read_bytes()
    )
    monday = today + timedelta(days=-today.weekday() % 7)
    settings = files["prioritize.yaml"].decode("utf-8")
    start = Edit(("start",), Value(monday, monday.isoformat()))
    files["prioritize.yaml"] = apply_edits(settings, [start]).encode("utf-8")
    return dict(sorted(files.items()))


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
