"""Timing whole processes: one run, interleaved rounds, and what the machine was doing."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

PY = sys.executable
REPO_ROOT = Path(__file__).resolve().parent.parent
# No colour, and the width of a common terminal: tables are laid out as a user would see them.
ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
HEAVY_MODULES = ("pandas", "ruamel.yaml", "pydantic", "numpy", "rich")


@dataclass
class Run:
    seconds: float
    rss_kib: int
    exit_code: int
    stderr: str = ""


@dataclass
class Series:
    """One thing timed again and again: its argv, the exit codes that count as success and, for
    a command that changes files (import), what puts the files back before each run (untimed)."""

    name: str
    argv: list[str]
    ok_codes: tuple[int, ...] = (0,)
    before: Callable[[], None] | None = None
    runs: list[Run] = field(default_factory=list)

    @property
    def failed(self) -> Run | None:
        return next((r for r in self.runs if r.exit_code not in self.ok_codes), None)

    @property
    def ok(self) -> bool:
        return bool(self.runs) and self.failed is None

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def rss_mib(self) -> float:
        return max(r.rss_kib for r in self.runs) / 1024


def measure(argv: list[str], timeout: float | None) -> Run:
    """Run argv to completion: wall seconds, the child's own peak RSS (KiB) and exit code."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL, env=ENV
        )
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)  # blocks; the rusage is this child's alone
        finally:
            if timer:
                timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    return Run(seconds, usage.ru_maxrss, proc.returncode, tail)


def interleaved(series: list[Series], repeat: int, timeout: float | None, label: str) -> None:
    """`repeat` rounds; each round runs every series once, the order rotating round by round."""
    for round_no in range(repeat):
        shift = round_no % len(series)
        for s in series[shift:] + series[:shift]:
            if s.failed:
                continue
            if s.before is not None:
                s.before()
            run = measure(s.argv, timeout)
            s.runs.append(run)
            print(
                f"  [{label} round {round_no + 1}/{repeat}] {s.name}: {run.seconds:.3f} s, "
                f"{run.rss_kib / 1024:.0f} MiB, exit {run.exit_code}",
                file=sys.stderr,
                flush=True,
            )


# --- what the CLI offers and imports ---------------------------------------------------------


def listed_commands() -> set[str]:
    """The command names `prioritize --help` lists."""
    out = subprocess.run(
        [PY, "-m", "prioritize", "--help"], capture_output=True, text=True, env=ENV, check=False
    )
    if out.returncode != 0:
        sys.exit(f"`python -m prioritize --help` failed:\n{out.stderr}")
    names: set[str] = set()
    in_commands = False
    for line in out.stdout.splitlines():
        if "Commands" in line:
            in_commands = True
            continue
        match = re.match(r"^[\s│|]*([a-z][a-z0-9-]*)\s{2,}\S", line)
        if in_commands and match:
            names.add(match.group(1))
    return names


def heavy_imports(args: list[str]) -> list[str]:
    """Which of the heavy modules `python -m prioritize ARGS` imports (from -X importtime)."""
    out = subprocess.run(
        [PY, "-X", "importtime", "-m", "prioritize", *args],
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )
    loaded = {
        line.rsplit("|", 1)[-1].strip()
        for line in out.stderr.splitlines()
        if line.startswith("import time:")
    }
    return [m for m in HEAVY_MODULES if m in loaded]


# --- the machine -----------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    mem = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    versions = []
    for dist in (
        "prioritize",
        "ruamel.yaml",
        "ruamel.yaml.clib",
        "PyYAML",
        "yaml-rs",
        "pydantic",
        "pydantic-core",
        "pandas",
        "numpy",
        "typer",
        "rich",
    ):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{dist} {metadata.version(dist)}")
    rev = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    dirty = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--", "src"],
        capture_output=True,
        text=True,
        check=False,
    )
    revision = rev.stdout.strip() or "unknown"
    if dirty.stdout.strip():
        revision += " with uncommitted changes in src/"
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
        "memory": mem,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": f"{platform.system()} {platform.release()}",
        "versions": ", ".join(versions),
        "revision": revision,
        "load": load(),
    }


def load() -> str:
    try:
        return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "load average unknown"
