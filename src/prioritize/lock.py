"""The workspace lock: one writing command at a time over a workspace's files.

A command that reads files, decides and writes them back (`import`) holds an exclusive lock for
the whole of it, so that a second one cannot read the files between the first one's read and
its write and then write over what the first wrote. The lock is `fcntl.flock` on the file
`.prioritize.lock` in the workspace folder: the system releases it when the process ends, however
it ends, so a killed run never leaves the workspace locked. The holder writes its pid and
command into the file, for the message of the run that waits for it, and removes the file when
it is done.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from prioritize.errors import PrioritizeError

try:
    import fcntl
except ImportError:  # not POSIX: no locking (the tool is supported on Linux and macOS)
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = ".prioritize.lock"
# How long a second writer waits for the first before it gives up (exit 2).
WAIT_SECONDS = 10.0
# After this long waiting, on_wait is called once (to say on stderr what it waits for).
_SAY_AFTER_SECONDS = 1.0


@contextlib.contextmanager
def workspace_lock(
    root: Path,
    command: str,
    *,
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the workspace's exclusive lock for the block; `command` names this run to others.

    Waits up to `wait` seconds (default WAIT_SECONDS) for another holder, calling `on_wait`
    with its description once when the wait is noticeable; then raises PrioritizeError naming
    the holder. A workspace where the lock file cannot be created is a PrioritizeError too.
    """
    if fcntl is None:
        yield
        return
    path = root / LOCK_FILE
    deadline = time.monotonic() + (WAIT_SECONDS if wait is None else wait)
    fd = _locked(path, deadline, on_wait)
    try:
        os.pwrite(fd, f"{os.getpid()} {command}\n".encode("utf-8", "replace"), 0)
        yield
    finally:
        # Removed while still held: a run that was waiting on this file then finds it gone
        # and locks a new one (see _locked), so the workspace is left as it was found.
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)  # releases the lock


def _locked(path: Path, deadline: float, on_wait: Callable[[str], None] | None) -> int:
    """A descriptor of the lock file at `path`, locked, which is still the file at `path`."""
    while True:
        try:
            # O_NOFOLLOW: a symbolic link planted at the lock's name is never written through.
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise PrioritizeError(
                message=f"cannot lock the workspace ({path}): {exc.strerror or exc}; "
                "nothing was written"
            ) from None
        try:
            _acquire(fd, path, deadline, on_wait)
            held = os.fstat(fd)
            now = os.stat(path, follow_symlinks=False)
        except FileNotFoundError:  # the holder removed it as it finished: lock a new one
            os.close(fd)
            continue
        except BaseException:
            os.close(fd)
            raise
        if (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino):
            return fd
        os.close(fd)


def _acquire(fd: int, path: Path, deadline: float, on_wait: Callable[[str], None] | None) -> None:
    assert fcntl is not None
    start = time.monotonic()
    pause = 0.005
    said = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        now = time.monotonic()
        if now >= deadline:
            raise PrioritizeError(
                message=f"the workspace is busy: {holder(fd)} holds {path}; gave up after "
                f"waiting {_waited(start, deadline):g} s, nothing was written; run this again "
                "when it has finished"
            )
        if on_wait is not None and not said and now - start >= _SAY_AFTER_SECONDS:
            on_wait(holder(fd))
            said = True
        time.sleep(min(pause, max(deadline - now, 0.001)))
        pause = min(pause * 2, 0.02)


def _waited(start: float, deadline: float) -> float:
    return round(max(deadline - start, 0.0), 1)


def holder(fd: int) -> str:
    """Who holds the lock, as its file says: "prioritize import x.csv (pid 123)"."""
    try:
        text = os.pread(fd, 1024, 0).decode("utf-8", "replace")
    except OSError:
        text = ""
    pid, _, command = text.strip().partition(" ")
    command = "".join(ch if ch.isprintable() else "?" for ch in command)[:200]
    if not pid.isdigit() or not command:
        return "another prioritize run"
    return f"{command} (pid {pid})"
