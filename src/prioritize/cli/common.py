"""What every command shares: the error boundary, loading a workspace, writing output."""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import typer

from prioritize.errors import ExitCode, Finding, PrioritizeError, Ref, did_you_mean, sort_findings

if TYPE_CHECKING:  # the heavy modules load inside the functions: --help stays fast
    from datetime import datetime

    from prioritize.criteria_sets import LoadedCriteria
    from prioritize.pipeline import Scored
    from prioritize.render.choices import Rendered
    from prioritize.scheduling import Candidates, Resources
    from prioritize.workspace import Workspace

P = ParamSpec("P")
DEBUG = {"on": False}  # set by the global --debug option
R = TypeVar("R")
F = TypeVar("F")
V = TypeVar("V")


def err(line: str) -> None:
    """One line to standard error, inert: no control character raw, never a workflow command."""
    from prioritize.render.inert import log_line

    sys.stderr.write(log_line(line.rstrip("\n")) + "\n")


def report_findings(findings: list[Finding]) -> None:
    for finding in sort_findings(findings):
        err(str(finding))


def guarded(command: Callable[P, R]) -> Callable[P, R]:
    """The one error boundary: PrioritizeError becomes located lines and exit 2; a bug exits 2 too."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except PrioritizeError as exc:
            if exc.findings:
                report_findings(exc.findings)
                errors = sum(f.severity == "error" for f in exc.findings)
                err(f"prioritize: {errors} error{'s' if errors != 1 else ''}; nothing was done")
            else:
                err(f"prioritize: {exc}")
            raise typer.Exit(ExitCode.USAGE) from None
        except KeyboardInterrupt:
            err("prioritize: interrupted")
            raise typer.Exit(130) from None
        except Exception as exc:
            if DEBUG["on"]:
                traceback.print_exc()
            err(
                f"prioritize: internal error: {type(exc).__name__}: {exc} (run with --debug for details)"
            )
            raise typer.Exit(ExitCode.USAGE) from None

    return wrapper


def open_workspace(path: Path | None, *, keep_data: bool = False) -> Workspace:
    """Find and read the workspace; refuse it (exit 2) when it has errors. `keep_data`: keep
    the files' text and data (workspace.load), to edit them."""
    from prioritize import workspace as ws_module

    root = ws_module.workspace_root(path, Path.cwd())
    with collector_paused():
        workspace = ws_module.load(root, on_file=progress_callback(), keep_data=keep_data)
    workspace.raise_for_errors()
    return workspace


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection inside: importing and reading build millions of objects and no
    garbage cycles, so a collection there finds nothing. What was built lives as long as the
    command, so it is frozen at the end: later collections need not walk it again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


def choose_criteria(workspace: Workspace, criteria: str | None) -> LoadedCriteria:
    """The criteria set `--criteria` names (a path from this folder, a set, a preset), else the default."""
    from prioritize.criteria_sets import load_criteria

    return load_criteria(workspace.root, criteria, workspace.settings, cwd=Path.cwd())


def progress_callback() -> Callable[[int, int], None] | None:
    """A Rich progress bar on stderr while a large workspace loads, when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None
    from prioritize.render.progress import file_progress

    return file_progress()


def load_scored(path: Path | None, criteria: str | None) -> Scored:
    """Read the workspace, choose the criteria and score; exit 2 on what cannot be scored.

    The votes' warnings go to stderr here, once for every command.
    """
    with collector_paused():
        from prioritize.pipeline import score_workspace

        workspace = open_workspace(path)
    scored = score_workspace(workspace, choose_criteria(workspace, criteria))
    scored.raise_for_refusals()
    warn_votes(scored)
    return scored


def warn_votes(scored: Scored) -> None:
    for finding in scored.vote_warnings:
        err(f"{finding.location}: warning: {finding.message}")


def schedulable(
    path: Path | None,
    criteria: str | None,
    *,
    capacity: float | None,
    teams: int | None,
    start: datetime | None,
) -> tuple[Scored, Resources, Candidates]:
    """What ttv and forecast schedule: the scored workspace, the plan (the options, else
    prioritize.yaml) and the open items that can be scheduled. The unscored items and the
    items left out of the schedule are named on stderr."""
    from datetime import date

    from prioritize import scheduling

    scored = load_scored(path, criteria)
    plan = scheduling.resources(
        scored.workspace.settings,
        per_week=capacity,
        teams=teams,
        start=start.date() if start else None,
        today=date.today(),
    )
    warn_unscored(scored)
    candidates = scheduling.candidates(scored.scoring.frame, scored.workspace.items)
    for problem in candidates.left_out:
        err(f"{scored.workspace.locate(problem.ref)}: warning: {problem.message}")
    return scored, plan, candidates


def warn_unscored(scored: Scored) -> None:
    """Name each unscored item on stderr with what it lacks and where that value would go;
    count the ideas still waiting for evidence and the values clipped to a criterion's range."""
    from prioritize.checks import range_problems

    for row in scored.scoring.unscored_work.itertuples(index=False):
        item_id = str(row.id)
        location = scored.workspace.locate(Ref("item", item_id))
        err(f"{location}: warning: {item_id} is unscored: {row.unscored}")
    ideas = len(scored.scoring.unscored_ideas)
    if ideas:
        err(
            f"{plural(ideas, 'idea')} not ranked yet: waiting for evidence "
            "(--include-unscored lists them)"
        )
    clipped = sum(1 for _ in range_problems(scored.scoring))
    if clipped:
        err(
            f"warning: {plural(clipped, 'value')} outside {'its' if clipped == 1 else 'their'} "
            "criterion's range scored as the nearest end of it; `prioritize check` shows where"
        )


def plural(count: int, noun: str) -> str:
    """`1 idea`, `2 ideas`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def check_pool(workspace: Workspace, pool: str | None) -> str | None:
    """`pool` if the workspace has it; else exit 2 with a hint."""
    ids = [p.id for p in workspace.pools]
    if pool is not None and pool not in ids:
        raise PrioritizeError(
            message=f'no value pool "{pool}"{did_you_mean(pool, ids)}; pools: {", ".join(ids)}'
        )
    return pool


_PIECE = 1 << 20  # characters written to standard output at a time
# The exit code when the reader of standard output stops reading: a process that SIGPIPE ends
# gets it from the shell (128 + 13), as `yes | head` does; nothing is said on stderr.
CLOSED_PIPE = 141


def emit(text: Rendered, output: Path | None) -> None:
    """Data to standard output (no --output, or `-`), or to `output` without destroying it:
    a regular file is replaced all at once, a device, FIFO or /dev/fd/N written in place, a
    symbolic link written through; a read-only file is refused (output.write_output).

    `text` is the whole text or its pieces in order; each piece is written as it comes."""
    pieces = _slices([text] if isinstance(text, str) else text)
    if output is None or str(output) == "-":
        try:
            for piece in pieces:
                sys.stdout.write(piece)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader stopped (`| head`, `q` in less): no error of ours
            _discard_stdout()
            raise typer.Exit(CLOSED_PIPE) from None
        except OSError as exc:  # a full disk
            _discard_stdout()
            raise PrioritizeError(
                message=f"cannot write to standard output: {exc.strerror}"
            ) from None
    else:
        from prioritize.output import write_output

        try:
            write_output(output, (piece.encode("utf-8") for piece in pieces))
        except OSError as exc:
            raise PrioritizeError(message=f"cannot write {output}: {exc.strerror or exc}") from None
        err(f"wrote {output}")


def _slices(pieces: Iterable[str]) -> Iterator[str]:
    # At most a megacharacter at a time: a long text encoded at once is one more copy of it.
    for piece in pieces:
        if len(piece) <= _PIECE:
            yield piece
        else:
            for start in range(0, len(piece), _PIECE):
                yield piece[start : start + _PIECE]


def render(
    renderers: Mapping[F, Callable[[V], Rendered]], fmt: F, view: V, *, raw_csv: bool = False
) -> Rendered:
    """The view in one format; CSV text cells safe for a spreadsheet unless `raw_csv`."""
    from prioritize.render.formats import csv_cells

    with csv_cells(raw=raw_csv):
        rendered = renderers[fmt](view)
    if isinstance(rendered, str):
        return rendered
    return _read_within(rendered, raw_csv=raw_csv)


def _read_within(pieces: Iterator[str], *, raw_csv: bool) -> Iterator[str]:
    # Pieces are drawn as they are written: with the same cells as the rest.
    from prioritize.render.formats import csv_cells

    with csv_cells(raw=raw_csv):
        yield from pieces


def _discard_stdout() -> None:
    # What stayed in the buffer would fail again when the interpreter flushes it on exit. (No
    # file descriptor behind stdout, as when tests capture it: nothing to do.)
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def stdout_is_terminal(output: Path | None) -> bool:
    return (output is None or str(output) == "-") and sys.stdout.isatty()
