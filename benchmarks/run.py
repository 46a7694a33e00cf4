"""Benchmark the commands users type against PyYAML's C loader merely parsing the same files.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--repeat 5] [--big-repeat 1]

For each size it generates a workspace (generate.py) and makes it a git repository whose last
commit changed 1% of the items, then runs, interleaved and in a rotating order, `repeat` rounds
of: the PyYAML reference (a fresh interpreter that parses every file `rank` reads with
`yaml.load(f, Loader=yaml.CSafeLoader)` and nothing else), the same with ruamel.yaml's C safe
loader and with yaml-rs, and every command of commands.COMMANDS as a user types it: `rank` and
`ttv` as tables and as CSV, `check`, `report`, `sensitivity`, `diff HEAD~1` and `import` of a CSV
touching 1% of the items. Each is its own process: wall time end to end and its peak RSS from
the kernel (`os.wait4`). It prints a Markdown report (targets, time per item at each size, every
figure) and writes it to benchmarks/RESULTS.md. A command `prioritize --help` does not list is
skipped, with a note.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
# benchmarks/ is a folder of scripts, not a package
from commands import COMMANDS, prepare, references, series_for  # noqa: E402
from generate import break_references, generate  # noqa: E402
from measuring import (  # noqa: E402
    PY,
    Series,
    heavy_imports,
    interleaved,
    listed_commands,
    machine,
    measure,
)
from results import Size, report  # noqa: E402


def workspace_size(root: Path) -> tuple[int, float]:
    files = [
        p for p in (root / "backlogs").rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()
    ]
    return len(files), sum(p.stat().st_size for p in files) / 1024 / 1024


def parse_args(argv: list[str]) -> argparse.Namespace:
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
        "--only",
        default="",
        help="comma-separated command names to time (e.g. 'rank,import'); default: all",
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
    args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if (
        not args.sizes
        or min(args.sizes) < 1
        or args.repeat < 1
        or (args.big_repeat is not None and args.big_repeat < 1)
    ):
        parser.error("--sizes needs positive counts and --repeat at least 1")
    args.only = {c.strip() for c in args.only.split(",") if c.strip()}
    unknown = args.only - {c.name for c in COMMANDS}
    if unknown:
        parser.error(f"--only names no command: {', '.join(sorted(unknown))}")
    return args


def compile_package() -> None:
    """Byte-compile the package, as an installed one is (pip compiles it; an editable install
    writes its caches on first use). Where PYTHONDONTWRITEBYTECODE is set, as on some CI
    machines, every run would otherwise compile the package's modules from source again:
    a tenth of a second that no user pays twice."""
    spec = importlib.util.find_spec("prioritize")
    if spec is None or spec.origin is None:
        sys.exit("prioritize is not installed: pip install -e .")
    compileall.compile_dir(Path(spec.origin).parent, quiet=1)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    info = machine()
    notes: list[str] = []
    available = listed_commands()
    commands = [c for c in COMMANDS if not args.only or c.name in args.only]
    for command in commands:
        if command.verb not in available:
            notes.append(f"`{command.name}` skipped: `prioritize --help` does not list it.")
    commands = [c for c in commands if c.verb in available]

    startup = [
        Series("python -c pass", [PY, "-c", "pass"]),
        Series("prioritize --version", [PY, "-m", "prioritize", "--version"]),
        Series("prioritize --help", [PY, "-m", "prioritize", "--help"]),
    ]
    compile_package()
    measure(startup[1].argv, args.timeout)  # warm the page cache
    interleaved(startup, max(args.repeat, 5), args.timeout, "start-up")
    imports = {
        "prioritize --version": heavy_imports(["--version"]),
        "prioritize --help": heavy_imports(["--help"]),
    }

    sizes: list[Size] = []
    has_yaml_rs = importlib.util.find_spec("yaml_rs") is not None
    for n in args.sizes:
        print(f"preparing {n:,} items under {args.workdir}", file=sys.stderr, flush=True)
        ws = prepare(n, args.workdir, args.seed)
        series = references(ws.root, has_yaml_rs) + [series_for(c, ws) for c in commands]
        measure(series[0].argv, args.timeout)  # warm the page cache with the files
        rounds = args.big_repeat if args.big_repeat and n >= 100_000 else args.repeat
        interleaved(series, rounds, args.timeout, f"{n:,} items")
        for s in series:
            last = (s.runs[-1].stderr.strip().splitlines() or [""])[-1] if s.runs else ""
            if s.failed:
                notes.append(f"{n:,} items: {s.name} failed with exit {s.failed.exit_code}: {last}")
            elif s.name in ("check", "import") and s.runs:
                notes.append(
                    f"{n:,} items: {s.name} exited {s.runs[-1].exit_code} and said: {last}"
                )
        files, mib = workspace_size(ws.root)
        sizes.append(Size(n, files, mib, series, ws.rows))

    unknown: list[str] = []
    if args.unknown_references > 0 and "check" in available:
        unknown = _unknown_references(args.unknown_references, args, notes)
    text = report(info, argv, startup, imports, sizes, notes, unknown)
    print(text)
    if not args.no_write:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _unknown_references(n: int, args: argparse.Namespace, notes: list[str]) -> list[str]:
    """`check` on an n-item workspace where every item depends on an unknown id, against `check`
    on the same workspace intact: each unknown reference looks for a "did you mean" among all ids."""
    clean_root, broken_root = args.workdir / f"ws-{n}-clean", args.workdir / f"ws-{n}-unknown"
    print(f"generating {n:,} items with unknown references", file=sys.stderr, flush=True)
    generate(n, clean_root, seed=args.seed, force=True)
    generate(n, broken_root, seed=args.seed, force=True)
    broken = break_references(broken_root)

    def check(root: Path) -> list[str]:
        return [PY, "-m", "prioritize", "check", "-w", str(root)]

    clean = Series(f"{n:,} items", check(clean_root), (0, 1))
    unknown = Series(f"{n:,} items, {broken:,} unknown references", check(broken_root), (1,))
    measure(clean.argv, args.timeout)  # warm the page cache
    interleaved([clean, unknown], args.repeat, args.timeout, "unknown references")
    out = ["| workspace | median s | min s | max s | ratio to clean |", "|---|---:|---:|---:|---:|"]
    ratio = None
    for s in (clean, unknown):
        if not s.ok:
            notes.append(f"{s.name}: check failed")
            out.append(f"| {s.name} | failed | | | |")
            continue
        if clean.ok:
            ratio = s.median / clean.median
        out.append(
            f"| {s.name} | {s.median:.3f} | {min(r.seconds for r in s.runs):.3f} | "
            f"{max(r.seconds for r in s.runs):.3f} | {'-' if ratio is None else f'{ratio:.2f}'} |"
        )
    verdict = "not measured" if ratio is None else ("met" if ratio < 2.0 else "**NOT met**")
    shown = "-" if ratio is None else f"{ratio:.2f}"
    out += [
        "",
        f"- {n:,} items with {broken:,} unknown references, `check` below 2x the clean "
        f"workspace: {shown} ({verdict})",
    ]
    return out


if __name__ == "__main__":
    raise SystemExit(main())
