"""The benchmark's Markdown report: targets first, then every figure they rest on."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from commands import (
    COMMANDS,
    MEMORY_ITEMS,
    MEMORY_LIMIT_MIB,
    REFERENCE,
    RUAMEL_REFERENCE,
    TARGET_ITEMS,
    YAML_RS_REFERENCE,
)
from measuring import Series, load

# Marginal time per item may grow this much from one size step to the next before the report
# calls a command superlinear: shared machines are noisy, a quadratic cost grows tenfold.
LINEAR_SLACK = 1.5


@dataclass
class Size:
    items: int
    files: int
    mib: float
    series: list[Series]
    import_rows: int

    def get(self, name: str) -> Series | None:
        return next((s for s in self.series if s.name == name and s.ok), None)

    def ratio(self, name: str) -> float | None:
        ref, s = self.get(REFERENCE), self.get(name)
        return s.median / ref.median if ref and s else None


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _verdict(value: float | None, limit: float) -> str:
    return "not measured" if value is None else ("met" if value < limit else "**NOT met**")


def report(
    info: dict[str, str],
    argv: list[str],
    startup: list[Series],
    imports: dict[str, list[str]],
    sizes: list[Size],
    notes: list[str],
    unknown: list[str],
) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {info['date']} with `python benchmarks/run.py {' '.join(argv)}`.",
        "",
        f"- Machine: {info['cpu']}, {info['nproc']} cores (nproc), {info['memory']} memory; {info['os']}",
        f"- Python: {info['python']}",
        f"- Other load: {info['load']} at the start, {load()} at the end (1, 5, 15 minutes; "
        f"{info['nproc']} cores)",
        f"- prioritize at {info['revision']}",
        f"- Packages: {info['versions']}",
        "",
        "Every figure is a separate process, run end to end (interpreter start-up included on both "
        "sides); times are medians of interleaved rounds. The ratio is a command's median over the "
        f"median of *{REFERENCE}*: a fresh interpreter that parses the same files "
        "(prioritize.yaml, criteria/default.yaml, backlogs/**) with "
        "`yaml.load(f, Loader=yaml.CSafeLoader)` and nothing else. Commands run as users type "
        "them, output to a pipe, `COLUMNS=100`, no colour. Peak RSS is the process's own maximum "
        "resident set (`ru_maxrss` from `os.wait4`).",
        "",
        "## Targets",
        "",
        *_targets(sizes, imports),
        "",
        "## Time per item",
        "",
        *_per_item(sizes),
        "",
        "## Start-up",
        "",
        *_startup(startup, imports),
        "",
        "## Time and memory",
        "",
        *_table(sizes),
    ]
    if unknown:
        lines += ["", "## Did you mean, over thousands of ids", "", *unknown]
    if notes:
        lines += ["", "## Notes", "", *[f"- {n}" for n in notes]]
    lines += ["", "## Every run (seconds)", ""]
    for size in sizes:
        for s in size.series:
            if s.runs:
                lines.append(
                    f"- {size.items:,} items, {s.name}: "
                    + ", ".join(f"{r.seconds:.3f}" for r in s.runs)
                )
    return "\n".join(lines) + "\n"


def _targets(sizes: list[Size], imports: dict[str, list[str]]) -> list[str]:
    by_items = {s.items: s for s in sizes}
    at = by_items.get(TARGET_ITEMS)
    out = [
        f"Time: the ratio to *{REFERENCE}* at {TARGET_ITEMS:,} items, in one interleaved run.",
        "",
        "| command | target | ratio | |",
        "|---|---:|---:|---|",
    ]
    for command in COMMANDS:
        if command.target is None:
            continue
        value = at.ratio(command.name) if at else None
        name = command.name
        if command.changes_files and at:
            name += f" ({at.import_rows:,} rows)"
        out.append(
            f"| `{name}` | < {command.target} | {_ratio(value)} | {_verdict(value, command.target)} |"
        )
        small = by_items.get(TARGET_ITEMS // 10)
        if command.changes_files and small:
            value = small.ratio(command.name)
            out.append(
                f"| `{command.name}` at {small.items:,} items ({small.import_rows:,} rows) | "
                f"< {command.target} | {_ratio(value)} | {_verdict(value, command.target)} |"
            )
    for command in COMMANDS:
        if command.versus is None:
            continue
        other, items, limit = command.versus
        size = by_items.get(items)
        mine, theirs = (size.get(command.name), size.get(other)) if size else (None, None)
        value = mine.median / theirs.median if mine and theirs else None
        out.append(
            f"| `{command.name}` at {items:,} items, against `{other}` | <= {limit} | "
            f"{_ratio(value)} | {_verdict(value, limit + 1e-9)} |"
        )
    big = by_items.get(MEMORY_ITEMS)
    out += [
        "",
        f"Memory: peak RSS at {MEMORY_ITEMS:,} items.",
        "",
        "| command | target MiB | peak MiB | |",
        "|---|---:|---:|---|",
    ]
    for command in COMMANDS:
        if not command.memory_target:
            continue
        s = big.get(command.name) if big else None
        mib = s.rss_mib if s else None
        out.append(
            f"| `{command.name}` | < {MEMORY_LIMIT_MIB} | {'-' if mib is None else f'{mib:.0f}'} | "
            f"{_verdict(mib, MEMORY_LIMIT_MIB)} |"
        )
    out.append("")
    for args in ("--version", "--help"):
        mods = [
            m
            for m in imports.get(f"prioritize {args}", [])
            if m in ("pandas", "ruamel.yaml", "pydantic")
        ]
        out.append(
            f"- `{args}` imports neither pandas nor ruamel.yaml nor pydantic: "
            + ("met" if not mods else f"**NOT met** (imports {', '.join(mods)})")
        )
    return out


def _per_item(sizes: list[Size]) -> list[str]:
    """Microseconds per item at each size, and the marginal cost of each step up in size: flat
    marginal costs mean linear time (the fixed start-up cost drops out of the difference)."""
    head = " | ".join(f"{s.items:,}" for s in sizes)
    steps = list(itertools.pairwise(sizes))
    step_head = " | ".join(f"{a.items:,} → {b.items:,}" for a, b in steps)
    out = [
        "Microseconds per item at each size, then the marginal cost of each step up (extra time "
        "over extra items, which leaves the fixed start-up out). A command is linear when the "
        f"marginal cost of the last step is at most {LINEAR_SLACK}x the time per item at the size "
        "before it (which includes the fixed cost, so noise at small sizes cannot fail it).",
        "",
        f"| command | {head} | {step_head} | linear |",
        "|---|" + "---:|" * (len(sizes) + len(steps)) + "---|",
    ]
    for command in (REFERENCE, *(c.name for c in COMMANDS)):
        medians = [(s.items, (x.median if (x := s.get(command)) else None)) for s in sizes]
        if all(m is None for _, m in medians):
            continue
        per = [("-" if m is None else f"{m / n * 1e6:.0f}") for n, m in medians]
        marginal = [
            None if a[1] is None or b[1] is None else (b[1] - a[1]) / (b[0] - a[0]) * 1e6
            for a, b in itertools.pairwise(medians)
        ]
        # Time = fixed + per-item x n makes the marginal cost the per-item part, which is at
        # most the average cost per item at the size before: a cost growing faster than n
        # shows as a last step dearer than that average.
        middle, last = (
            medians[-2][1] if len(medians) >= 3 else None,
            marginal[-1] if marginal else None,
        )
        if middle is None or last is None:
            linear = "(needs three sizes)"
        else:
            linear = "yes" if last <= LINEAR_SLACK * middle / medians[-2][0] * 1e6 else "**no**"
        shown = [("-" if m is None else f"{m:.0f}") for m in marginal]
        out.append(f"| `{command}` | {' | '.join(per)} | {' | '.join(shown)} | {linear} |")
    return out


def _startup(startup: list[Series], imports: dict[str, list[str]]) -> list[str]:
    out = [
        "| command | median s | vs `python -c pass` | peak RSS MiB | heavy modules imported |",
        "|---|---:|---:|---:|---|",
    ]
    base = startup[0].median
    for s in startup:
        mods = imports.get(s.name)
        shown = "n/a" if mods is None else (", ".join(mods) or "none")
        out.append(
            f"| `{s.name}` | {s.median:.3f} | {s.median / base:.1f}x "
            f"(+{(s.median - base) * 1000:.0f} ms) | {s.rss_mib:.0f} | {shown} |"
        )
    return out


def _table(sizes: list[Size]) -> list[str]:
    out = [
        f"*{RUAMEL_REFERENCE}* parses the same files with `YAML(typ='safe', pure=False)` (the "
        f"exact reading path alone), *{YAML_RS_REFERENCE}* with `yaml_rs.loads` (the fast reader "
        "alone). `import` runs on a copy of the workspace that is put back before every run.",
        "",
        "| items | files | MiB on disk | what | median s | min s | max s | ratio to PyYAML | peak RSS MiB |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        lead = f"| {size.items:,} | {size.files:,} | {size.mib:.1f}"
        for s in size.series:
            if not s.runs:
                continue
            if s.failed:
                out.append(f"{lead} | {s.name} | failed: exit {s.failed.exit_code} | | | | |")
                continue
            out.append(
                f"{lead} | {s.name} | {s.median:.3f} | {min(r.seconds for r in s.runs):.3f} | "
                f"{max(r.seconds for r in s.runs):.3f} | {_ratio(size.ratio(s.name))} | "
                f"{s.rss_mib:.0f} |"
            )
    return out
