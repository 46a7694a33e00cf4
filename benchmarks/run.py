"""Benchmark prioritize against PyYAML's C loader merely parsing the same files, in one run.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--repeat 5]

For each size it generates a workspace (benchmarks/generate.py), then runs, interleaved and in a
rotating order, `repeat` rounds of: the PyYAML reference (a fresh interpreter that parses every
file `rank` reads with `yaml.load(f, Loader=yaml.CSafeLoader)` and does nothing else), the same
with ruamel.yaml's C safe loader (prioritize's exact reading path) and with yaml-rs (its fast
reader) where installed, and `python -m prioritize
rank|check|ttv` on the workspace. Each is its own process: wall time end to end (interpreter
start-up included on both sides) and its peak RSS from the kernel (`os.wait4`, the child's own
`getrusage` record: no wrapper process to add to it). It reports medians, the ratio of each
command's median to the reference's, peak RSS, MiB per item, and `--version` / `--help` start-up
against `python -c pass` with the heavy modules they import. It prints a Markdown report and
writes it to benchmarks/RESULTS.md. A command that `prioritize --help` does not list is skipped,
with a note.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import itertools
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from generate import break_references, generate  # noqa: E402  (benchmarks/ is a folder of scripts, not a package)

PY = sys.executable
ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
COMMANDS = ("rank", "check", "ttv")
HEAVY_MODULES = ("pandas", "ruamel.yaml", "pydantic", "numpy", "rich")
REFERENCE = "PyYAML C parse"
RUAMEL_REFERENCE = "ruamel C safe parse"
YAML_RS_REFERENCE = "yaml-rs parse"

# The reference parses exactly the files `rank` reads: prioritize.yaml, the criteria set it
# names (default) and every *.yaml / *.yml below backlogs/, found the same way.
_FILES = """
import sys
from pathlib import Path
root = Path(sys.argv[1])
paths = [root / "prioritize.yaml", root / "criteria" / "default.yaml"]
paths += sorted(p for p in (root / "backlogs").rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
"""
PYYAML_SCRIPT = (
    _FILES
    + """
import yaml
for path in paths:
    with open(path, "rb") as f:
        yaml.load(f, Loader=yaml.CSafeLoader)
"""
)
RUAMEL_SCRIPT = (
    _FILES
    + """
from ruamel.yaml import YAML
reader = YAML(typ="safe", pure=False)
for path in paths:
    with open(path, "rb") as f:
        reader.load(f)
"""
)

YAML_RS_SCRIPT = (
    _FILES
    + """
import yaml_rs
for path in paths:
    yaml_rs.loads(path.read_bytes().decode("utf-8"))
"""
)


@dataclass
class Run:
    seconds: float
    rss_kib: int
    exit_code: int
    stderr: str = ""


@dataclass
class Series:
    name: str
    argv: list[str]
    ok_codes: tuple[int, ...] = (0,)
    runs: list[Run] = field(default_factory=list)

    @property
    def failed(self) -> Run | None:
        return next((r for r in self.runs if r.exit_code not in self.ok_codes), None)

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


def command_argv(command: str, root: Path) -> list[str]:
    argv = [PY, "-m", "prioritize", command, "-w", str(root)]
    help_text = subprocess.run(
        [PY, "-m", "prioritize", command, "--help"],
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    ).stdout
    if command != "check" and "csv" in help_text:
        argv += ["-f", "csv"]  # the cheapest complete output: every row, full precision
    return argv


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
        "load": _load(),
    }


def _load() -> str:
    try:
        return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "load average unknown"


# --- the report ------------------------------------------------------------------------------


def _fmt_ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def report(
    info: dict[str, str],
    argv: list[str],
    startup: list[Series],
    imports: dict[str, list[str]],
    sizes: list[tuple[int, dict[str, int | float], list[Series]]],
    notes: list[str],
    unknown: tuple[int, int, Series, Series] | None = None,
) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {info['date']} with `python benchmarks/run.py {' '.join(argv)}`.",
        "",
        f"- Machine: {info['cpu']}, {info['nproc']} cores (nproc), {info['memory']} memory; {info['os']}",
        f"- Python: {info['python']}",
        f"- Other load: {info['load']} at the start, {_load()} at the end (1, 5, 15 minutes; "
        f"{info['nproc']} cores)",
        f"- prioritize at {info['revision']}",
        f"- Packages: {info['versions']}",
        "",
        "Every figure is a separate process, run end to end (interpreter start-up included on both sides); "
        "times are medians of interleaved rounds. The ratio is the command's median over the median of "
        f"*{REFERENCE}*: a fresh interpreter that parses the same files (prioritize.yaml, criteria/default.yaml, "
        "backlogs/**) with `yaml.load(f, Loader=yaml.CSafeLoader)` and nothing else. "
        f"*{RUAMEL_REFERENCE}* does the same with `YAML(typ='safe', pure=False)` (prioritize's exact reading path "
        f"alone) and *{YAML_RS_REFERENCE}* with `yaml_rs.loads` (its fast reader alone). "
        "Peak RSS is the process's own maximum resident set (`ru_maxrss` from `os.wait4`).",
        "",
        "## Start-up",
        "",
        "| command | median s | vs `python -c pass` | peak RSS MiB | heavy modules imported |",
        "|---|---:|---:|---:|---|",
    ]
    base = startup[0].median
    for s in startup:
        mods = imports.get(s.name)
        shown = "n/a" if mods is None else (", ".join(mods) or "none")
        lines.append(
            f"| `{s.name}` | {s.median:.3f} | {s.median / base:.1f}x (+{(s.median - base) * 1000:.0f} ms) | {s.rss_mib:.0f} | {shown} |"
        )
    lines += [
        "",
        "## Time and memory",
        "",
        "| items | files | MiB on disk | what | median s | min s | max s | ratio to PyYAML | peak RSS MiB | MiB/item |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    baseline_rss = startup[1].rss_mib if len(startup) > 1 else 0.0
    for n, ws, series in sizes:
        ref = next(s for s in series if s.name == REFERENCE)
        for s in series:
            if not s.runs:
                continue
            if s.failed:
                lines.append(
                    f"| {n:,} | {ws['files']:,} | {ws['mib']:.1f} | {s.name} | failed: exit {s.failed.exit_code} | | | | | |"
                )
                continue
            ratio = s.median / ref.median if ref.runs and not ref.failed else None
            per_item = (s.rss_mib - baseline_rss) / n if s.name in COMMANDS else None
            lines.append(
                f"| {n:,} | {ws['files']:,} | {ws['mib']:.1f} | {s.name} | {s.median:.3f} | "
                f"{min(r.seconds for r in s.runs):.3f} | {max(r.seconds for r in s.runs):.3f} | {_fmt_ratio(ratio)} | "
                f"{s.rss_mib:.0f} | {'' if per_item is None else f'{per_item:.4f}'} |"
            )
    lines += [
        "",
        "MiB/item: (peak RSS - peak RSS of `prioritize --version`) / items; at small sizes the fixed cost of "
        "pandas, numpy and pydantic (some 80 MiB) dominates it, so read the per-item cost from the growth table below.",
    ]
    lines += ["", "## Memory growth", ""]
    lines += _growth(sizes)
    lines += ["", "## Targets (PRODUCT.md section 7)", ""]
    lines += _targets(sizes, imports)
    if unknown is not None:
        lines += ["", "## Did you mean, over thousands of ids", ""]
        lines += _unknown_section(*unknown)
    if notes:
        lines += ["", "## Notes", "", *[f"- {n}" for n in notes]]
    lines += ["", "## Every run (seconds)", ""]
    for n, _, series in sizes:
        for s in series:
            if s.runs:
                lines.append(
                    f"- {n:,} items, {s.name}: " + ", ".join(f"{r.seconds:.3f}" for r in s.runs)
                )
    return "\n".join(lines) + "\n"


def _growth(sizes: list[tuple[int, dict[str, int | float], list[Series]]]) -> list[str]:
    out = ["| command | from | to | extra MiB | MiB per extra item |", "|---|---:|---:|---:|---:|"]
    for command in COMMANDS:
        points = [
            (n, s.rss_mib)
            for n, _, series in sizes
            for s in series
            if s.name == command and s.runs and not s.failed
        ]
        for (n0, m0), (n1, m1) in itertools.pairwise(points):
            out.append(
                f"| {command} | {n0:,} | {n1:,} | {m1 - m0:.0f} | {(m1 - m0) / (n1 - n0):.4f} |"
            )
    if len(out) == 2:
        return ["(needs two sizes)"]
    out += [
        "",
        "Memory grows linearly when the MiB per extra item stays the same from one step to the next.",
    ]
    return out


def _unknown_section(n: int, broken: int, clean: Series, unknown: Series) -> list[str]:
    """`check` on an n-item workspace where every item depends on an unknown id, against `check`
    on the same workspace intact: each unknown reference looks for a "did you mean" among all ids."""
    out = [
        "| workspace | median s | min s | max s | ratio to clean |",
        "|---|---:|---:|---:|---:|",
    ]
    ratio = None
    for s in (clean, unknown):
        if not s.runs or s.failed:
            out.append(f"| {s.name} | failed | | | |")
            continue
        if clean.runs and not clean.failed:
            ratio = s.median / clean.median
        out.append(
            f"| {s.name} | {s.median:.3f} | {min(r.seconds for r in s.runs):.3f} | "
            f"{max(r.seconds for r in s.runs):.3f} | {_fmt_ratio(ratio)} |"
        )
    verdict = "not measured" if ratio is None else ("met" if ratio < 2.0 else "NOT met")
    out += [
        "",
        f"- {n:,} items with {broken:,} unknown references, `check` below 2x the clean workspace: "
        f"{_fmt_ratio(ratio) or '-'} ({verdict})",
    ]
    return out


def _targets(
    sizes: list[tuple[int, dict[str, int | float], list[Series]]], imports: dict[str, list[str]]
) -> list[str]:
    out: list[str] = []

    def ratio(n: int, command: str) -> float | None:
        for size, _, series in sizes:
            if size != n:
                continue
            by = {s.name: s for s in series}
            ref, s = by.get(REFERENCE), by.get(command)
            if ref and s and s.runs and ref.runs and not s.failed and not ref.failed:
                return s.median / ref.median
        return None

    for command, limit in (("rank", 1.0), ("check", 1.5)):
        value = ratio(10_000, command)
        verdict = "not measured" if value is None else ("met" if value < limit else "NOT met")
        out.append(
            f"- 10,000 items, `{command}` ratio below {limit}: {_fmt_ratio(value) or '-'} ({verdict})"
        )
    big = [
        (s.median, s.rss_mib)
        for n, _, series in sizes
        if n == 100_000
        for s in series
        if s.name == "rank" and s.runs and not s.failed
    ]
    out.append(
        f"- 100,000 items rank: {f'yes, {big[0][0]:.1f} s, {big[0][1]:.0f} MiB peak' if big else 'not measured'}"
    )
    for args in ("--version", "--help"):
        mods = [
            m
            for m in imports.get(f"prioritize {args}", [])
            if m in ("pandas", "ruamel.yaml", "pydantic")
        ]
        out.append(
            f"- `{args}` imports neither pandas nor ruamel.yaml nor pydantic: "
            + ("met" if not mods else f"NOT met (imports {', '.join(mods)})")
        )
    return out


# --- main ------------------------------------------------------------------------------------


def workspace_size(root: Path) -> dict[str, int | float]:
    files = [
        p for p in (root / "backlogs").rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()
    ]
    return {"files": len(files), "mib": sum(p.stat().st_size for p in files) / 1024 / 1024}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="item counts, comma separated (default 1000,10000,100000)",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="interleaved rounds per size (default 5)"
    )
    parser.add_argument(
        "--big-repeat",
        type=int,
        default=None,
        help="rounds for sizes of 100,000 items or more, which take minutes each (default: --repeat)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "prioritize-bench",
        help="where the generated workspaces go (default: $TMPDIR/prioritize-bench)",
    )
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument(
        "--timeout", type=float, default=1800, help="seconds one process may take (default 1800)"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=HERE / "RESULTS.md",
        help="report file (default benchmarks/RESULTS.md)",
    )
    parser.add_argument("--no-write", action="store_true", help="print the report only")
    parser.add_argument(
        "--unknown-references",
        type=int,
        default=5000,
        help="items of the workspace whose every item depends on an unknown id, timed with "
        "`check` against the same workspace intact (default 5000; 0 skips it)",
    )
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if (
        not sizes
        or min(sizes) < 1
        or args.repeat < 1
        or (args.big_repeat is not None and args.big_repeat < 1)
    ):
        parser.error("--sizes needs positive counts and --repeat at least 1")

    info = machine()
    notes: list[str] = []
    available = listed_commands()
    commands = [c for c in COMMANDS if c in available]
    for missing in sorted(set(COMMANDS) - set(commands), key=COMMANDS.index):
        notes.append(f"`{missing}` skipped: `prioritize --help` does not list it.")
        print(f"note: skipping {missing}: `prioritize --help` does not list it", file=sys.stderr)

    startup = [
        Series("python -c pass", [PY, "-c", "pass"]),
        Series("prioritize --version", [PY, "-m", "prioritize", "--version"]),
        Series("prioritize --help", [PY, "-m", "prioritize", "--help"]),
    ]
    measure(startup[1].argv, args.timeout)  # warm the bytecode caches
    interleaved(startup, max(args.repeat, 5), args.timeout, "start-up")
    imports = {
        "prioritize --version": heavy_imports(["--version"]),
        "prioritize --help": heavy_imports(["--help"]),
    }

    results: list[tuple[int, dict[str, int | float], list[Series]]] = []
    has_yaml_rs = importlib.util.find_spec("yaml_rs") is not None
    for n in sizes:
        root = args.workdir / f"ws-{n}"
        print(f"generating {n:,} items in {root}", file=sys.stderr, flush=True)
        generate(n, root, seed=args.seed, force=True)  # its own folders under --workdir
        series = [
            Series(REFERENCE, [PY, "-c", PYYAML_SCRIPT, str(root)]),
            Series(RUAMEL_REFERENCE, [PY, "-c", RUAMEL_SCRIPT, str(root)]),
            *(
                [Series(YAML_RS_REFERENCE, [PY, "-c", YAML_RS_SCRIPT, str(root)])]
                if has_yaml_rs
                else []
            ),
            *[Series(c, command_argv(c, root), (0, 1) if c == "check" else (0,)) for c in commands],
        ]
        measure(series[0].argv, args.timeout)  # warm the page cache with the files
        rounds = args.big_repeat if args.big_repeat and n >= 100_000 else args.repeat
        interleaved(series, rounds, args.timeout, f"{n:,} items")
        for s in series:
            if s.failed:
                last = (s.failed.stderr.strip().splitlines() or [""])[-1]
                notes.append(f"{n:,} items: {s.name} failed with exit {s.failed.exit_code}: {last}")
            elif s.name == "check" and s.runs:
                last = (s.runs[-1].stderr.strip().splitlines() or [""])[-1]
                notes.append(f"{n:,} items: check exited {s.runs[-1].exit_code} and said: {last}")
        results.append((n, workspace_size(root), series))

    unknown = None
    if args.unknown_references > 0 and "check" in commands:
        unknown = _unknown_references(args.unknown_references, args, notes)
    text = report(info, argv, startup, imports, results, notes, unknown)
    print(text)
    if not args.no_write:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _unknown_references(
    n: int, args: argparse.Namespace, notes: list[str]
) -> tuple[int, int, Series, Series]:
    clean_root, broken_root = args.workdir / f"ws-{n}", args.workdir / f"ws-{n}-unknown"
    print(f"generating {n:,} items with unknown references", file=sys.stderr, flush=True)
    generate(n, clean_root, seed=args.seed, force=True)
    generate(n, broken_root, seed=args.seed, force=True)
    broken = break_references(broken_root)
    clean = Series(f"{n:,} items", command_argv("check", clean_root), (0, 1))
    unknown = Series(
        f"{n:,} items, {broken:,} unknown references", command_argv("check", broken_root), (1,)
    )
    measure(clean.argv, args.timeout)  # warm the page cache
    interleaved([clean, unknown], args.repeat, args.timeout, "unknown references")
    for s in (clean, unknown):
        if s.failed:
            notes.append(f"{s.name}: check failed with exit {s.failed.exit_code}")
    return n, broken, clean, unknown


if __name__ == "__main__":
    raise SystemExit(main())
