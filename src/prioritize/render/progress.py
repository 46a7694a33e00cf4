"""A progress bar on standard error for long loads."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

# Below this many files a load is quick enough that a bar would only flicker.
MIN_FILES_FOR_BAR = 200


def file_progress() -> Callable[[int, int], None]:
    """A callback(done, total) that draws a bar for workspaces with many files and clears it at the end."""
    state: dict[str, object] = {}

    def update(done: int, total: int) -> None:
        if total < MIN_FILES_FOR_BAR:
            return
        progress = state.get("progress")
        if progress is None:
            progress = Progress(
                TextColumn("reading backlogs"),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            progress.start()
            state["progress"] = progress
            state["task"] = progress.add_task("read", total=total)
        assert isinstance(progress, Progress)
        progress.update(state["task"], completed=done)  # type: ignore[arg-type]
        if done >= total:
            progress.stop()

    return update
