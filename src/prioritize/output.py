"""Writing files without destroying them: where output goes, atomic replace, temporary files.

- A regular file (or a new one) is replaced all at once: a temporary file in the same folder,
  fsync, `os.replace`; its permissions are kept. A symbolic link is written through: its target
  is replaced and the link stays a link.
- Anything else (a device such as /dev/null, a FIFO, a terminal, `/dev/fd/N`) is written in
  place: opened for writing, never replaced, no temporary file.
- A file without write permission for its owner is refused, never overwritten, even as root.
- A temporary file is named `.NAME.PID.XXXXXXXX.tmp` (never `*.yaml`, so no workspace listing
  reads it) and is removed on every way out, SIGTERM and SIGHUP included; one left by a killed
  run (its process gone) is removed by the next write beside it, or by the next import.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any, BinaryIO

from prioritize.errors import PrioritizeError

# /dev/fd/N, /dev/stdout, /proc/self/fd/N: a descriptor this process already holds.
_DESCRIPTOR = re.compile(r"^/(?:dev/fd/(\d+)|dev/(stdin|stdout|stderr)|proc/self/fd/(\d+))$")
_STANDARD = {"stdin": 0, "stdout": 1, "stderr": 2}
# The temporary files this module makes, and those earlier versions made (no pid).
_TEMPORARY = re.compile(r"^\.(?P<name>.+?)\.(?:(?P<pid>\d+)\.)?[a-z0-9_]{8}\.tmp$")
_NOT_OVERWRITTEN = "not overwritten (make it writable or choose another --output)"


class ReadOnlyError(PrioritizeError):
    """The target has no write permission for its owner: it is refused, not overwritten."""


def write_output(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Put `data` (the bytes, or their pieces in order) at `path` without destroying what is
    there (see the module docstring).

    Raises ReadOnlyError for a read-only target, PrioritizeError for a folder, and OSError
    when the write itself fails; a regular file is then as it was.
    """
    descriptor = _descriptor(path)
    if descriptor is not None:
        _write_descriptor(descriptor, data)
        return
    try:
        found = os.stat(path)  # through symbolic links
    except FileNotFoundError:
        found = None
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise PrioritizeError(message=f"{path} is a folder: give a file name")
    if found is not None and not stat.S_ISREG(found.st_mode):
        if read_only(path):
            raise ReadOnlyError(message=f"{path} is read-only: {_NOT_OVERWRITTEN}")
        _write_in_place(path, data)
        return
    replace_file(path, data, refusal=_NOT_OVERWRITTEN)


def replace_file(
    path: Path, data: bytes | Iterable[bytes], *, refusal: str, shown: str | None = None
) -> None:
    """Replace the regular file at `path` (or through its symbolic link) all at once.

    A read-only file raises ReadOnlyError ("SHOWN is read-only: REFUSAL").
    """
    target = Path(os.path.realpath(path))
    if read_only(target):
        raise ReadOnlyError(message=f"{shown or path} is read-only: {refusal}")
    atomic_write(target, data)


def read_only(path: Path) -> bool:
    """Whether the existing file at `path` (through symbolic links) may not be written: no write
    permission for its owner, judged by the mode bits so that root, whom the system lets write
    anything, is refused too; or none for this process."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return False
    return not found.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK)


def _descriptor(path: Path) -> int | None:
    match = _DESCRIPTOR.match(os.path.abspath(path))
    if match is None:
        return None
    number, name, proc = match.groups()
    return _STANDARD[name] if name else int(number or proc)


def _write_descriptor(descriptor: int, data: bytes | Iterable[bytes]) -> None:
    # The descriptor as the shell handed it over: its offset and append mode are kept.
    with os.fdopen(os.dup(descriptor), "wb") as handle:
        _write_all(handle, data)


def _write_in_place(path: Path, data: bytes | Iterable[bytes]) -> None:
    # No O_CREAT (it exists) and no O_TRUNC (devices and FIFOs have nothing to truncate).
    fd = os.open(path, os.O_WRONLY | os.O_NOCTTY)
    with os.fdopen(fd, "wb") as handle:
        _write_all(handle, data)


def _write_all(handle: BinaryIO, data: bytes | Iterable[bytes]) -> None:
    if isinstance(data, bytes):
        handle.write(data)
    else:
        handle.writelines(data)


# --- atomic replace ---------------------------------------------------------------------------


def _default_mode() -> int:
    # mkstemp creates 0600; a new file should get what open() would give it.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Replace `path` with `data` all at once, keeping its permissions; on failure it is untouched.

    `path` is replaced as it is: a caller that means to write through a symbolic link resolves
    it first (replace_file does). No temporary file outlives the call, a signal included.
    """
    sweep_stale(path.parent, path.name)
    mode = path.stat().st_mode & 0o7777 if path.exists() else _default_mode()
    with signals_raise():
        fd, tmp = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp"
        )
        try:
            with os.fdopen(fd, "wb") as handle:
                _write_all(handle, data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def sweep_stale(folder: Path, name: str | None = None, *, unnamed: bool = False) -> list[Path]:
    """Remove the temporary files a killed run left in `folder` (for the file `name`, or for
    any file): those whose process is gone. Those of a run still going are left alone; so are
    those earlier versions made, which name no process, unless `unnamed` (for a caller holding
    the workspace lock, under which no other writer runs). Returns what was removed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY.match(entry.name)
        if match is None or (name is not None and match["name"] != name):
            continue
        pid = match["pid"]
        if (unnamed if pid is None else not _alive(int(pid))) and not entry.is_symlink():
            try:
                if entry.is_file(follow_symlinks=False):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
            except OSError:
                continue
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


# --- signals ----------------------------------------------------------------------------------

_CAUGHT = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def _raise_exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def signals_raise() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise SystemExit (128 + the signal) instead of
    ending the process at once, so `finally` and `except BaseException` clean up; SIGINT already
    raises KeyboardInterrupt. Outside the main thread, or where a handler is already set, a no-op.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, Any] = {}
    for signum in _CAUGHT:
        if signal.getsignal(signum) is signal.SIG_DFL:
            previous[signum] = signal.signal(signum, _raise_exit)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
