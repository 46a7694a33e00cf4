"""Workloads for the `diff` and `import` benchmarks, made from a generated workspace.

    python benchmarks/scenarios.py diff WORKSPACE [--fraction 0.01] [--seed S]
    python benchmarks/scenarios.py csv WORKSPACE ROWS OUT.csv [--seed S]

`make_diff_repo` turns the workspace into a git repository with two commits, the second changing
some items' completion rates in place (so `diff HEAD~1` has rows to show); `make_import_csv`
writes a CSV that `prioritize import` reads as new completion rates for existing items. The same
workspace and seed always give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

METRIC = ("evidence", "functional", "completion_rate")
# `- id: X` or `id: X` (a one-item file); the completion rate written block or flow style.
_ID = re.compile(r"^[ -]*id: (\S+)", re.MULTILINE)
_RATE = re.compile(r"(completion_rate: )([0-9.]+)")
_TITLE = re.compile(r"^[ -]*title: ", re.MULTILINE)  # items have titles; pools and KPIs names
_GIT_IDENTITY = ("-c", "user.name=bench", "-c", "user.email=bench@example.invalid")


@dataclass(frozen=True)
class _Rate:
    """An item's completion rate as written: the file, and where its number starts and ends."""

    item: str
    file: Path
    start: int
    end: int
    text: str


def _rates(root: Path) -> list[_Rate]:
    """Every item's completion rate in the backlog files, in path order, then file order.

    Value pools and KPIs come before the items in a file and hold no completion rate, so the
    last id written above a rate is its item's.
    """
    found: list[_Rate] = []
    for path in sorted((root / "backlogs").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        ids = [(m.start(), m.group(1)) for m in _ID.finditer(text)]
        at = 0
        for match in _RATE.finditer(text):
            while at + 1 < len(ids) and ids[at + 1][0] < match.start():
                at += 1
            if ids and ids[at][0] < match.start():
                found.append(_Rate(ids[at][1], path, match.start(2), match.end(2), match.group(2)))
    return found


def _new_rate(old: str, rng: random.Random) -> str:
    """A different rate between 0.05 and 0.95, written with two decimals."""
    while True:
        new = f"{rng.randint(5, 95) / 100:.2f}"
        if new != old:
            return new


def _chosen(root: Path, count: int, seed: int) -> list[_Rate]:
    rates = _rates(root)
    by_item = {rate.item: rate for rate in rates}  # one rate per item (the last, should any repeat)
    items = sorted(by_item)
    return [by_item[item] for item in random.Random(seed).sample(items, min(count, len(items)))]


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *_GIT_IDENTITY, "-C", str(root), *args], check=True, capture_output=True)


def make_diff_repo(root: Path, fraction: float = 0.01, seed: int = 0) -> None:
    """Make `root` a git repository of two commits: the workspace as generated, then the same
    with the completion rates of `fraction` of its items changed in place (no other byte moves;
    items without a rate are never chosen)."""
    items = sum(
        len(_TITLE.findall(p.read_text(encoding="utf-8")))
        for p in (root / "backlogs").rglob("*.yaml")
    )
    count = round(items * fraction)
    rng = random.Random(seed + 1)
    by_file: dict[Path, list[_Rate]] = {}
    for rate in _chosen(root, count, seed):
        by_file.setdefault(rate.file, []).append(rate)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "generated workspace")
    for path, rates in by_file.items():
        text = path.read_text(encoding="utf-8")
        for rate in sorted(rates, key=lambda r: r.start, reverse=True):  # later splices first
            text = text[: rate.start] + _new_rate(rate.text, rng) + text[rate.end :]
        path.write_text(text, encoding="utf-8")
    _git(root, "commit", "-q", "-a", "-m", f"new completion rates for {count} items")


def make_import_csv(root: Path, rows: int, path: Path, seed: int = 0) -> None:
    """Write to `path` a CSV giving `rows` existing items of `root` a new completion rate."""
    rng = random.Random(seed + 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["id", ".".join(METRIC)])
        for rate in _chosen(root, rows, seed):
            writer.writerow([rate.item, _new_rate(rate.text, rng)])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="what", required=True)
    diff = sub.add_parser("diff", help="make WORKSPACE a git repository of two commits")
    diff.add_argument("workspace", type=Path)
    diff.add_argument("--fraction", type=float, default=0.01)
    diff.add_argument("--seed", type=int, default=0)
    table = sub.add_parser("csv", help="write a CSV of ROWS new completion rates")
    table.add_argument("workspace", type=Path)
    table.add_argument("rows", type=int)
    table.add_argument("out", type=Path)
    table.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.what == "diff":
        make_diff_repo(args.workspace, args.fraction, args.seed)
    else:
        make_import_csv(args.workspace, args.rows, args.out, args.seed)


if __name__ == "__main__":
    main()
