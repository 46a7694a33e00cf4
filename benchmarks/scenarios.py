"""The changes the benchmark's `diff` and `import` work on: a commit and an import CSV."""

from __future__ import annotations

import csv
import random
import re
import subprocess
from pathlib import Path

_GIT = [
    "git",
    "-c",
    "user.name=Benchmark",
    "-c",
    "user.email=benchmark@example.org",
    "-c",
    "commit.gpgsign=false",
]
_COMPLETION = re.compile(r"completion_rate: (0\.\d+)")
_ITEM_ID = re.compile(r"^\s*- id: ([A-Z][A-Z0-9]*-[A-Z0-9-]+)\s*$", re.MULTILINE)


def _git(root: Path, *args: str) -> None:
    subprocess.run([*_GIT, "-C", str(root), *args], check=True, capture_output=True)


def make_diff_repo(root: Path, fraction: float = 0.01, seed: int = 0) -> None:
    """Make a generated workspace a git repository of two commits, the second changing the
    completion rate of `fraction` of the items in place (what `diff HEAD~1` then shows)."""
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "generated")
    rng = random.Random(seed)
    found = [
        (path, match.span(1))
        for path in sorted((root / "backlogs").rglob("*.yaml"))
        for match in _COMPLETION.finditer(path.read_text(encoding="utf-8"))
    ]
    spans: dict[Path, list[tuple[int, int]]] = {}
    for path, span in rng.sample(found, max(1, int(len(found) * fraction))):
        spans.setdefault(path, []).append(span)
    for path, chosen in spans.items():
        text = path.read_text(encoding="utf-8")
        for start, end in sorted(chosen, reverse=True):
            text = f"{text[:start]}{rng.randint(1, 99) / 100:.2f}{text[end:]}"
        path.write_text(text, encoding="utf-8")
    _git(root, "commit", "-q", "-a", "-m", "new completion rates")


def make_import_csv(root: Path, rows: int, path: Path, seed: int = 0) -> None:
    """A CSV in prioritize's own import format giving `rows` existing items a new volume."""
    rng = random.Random(seed)
    ids = [
        match.group(1)
        for source in sorted((root / "backlogs").rglob("*.yaml"))
        for match in _ITEM_ID.finditer(source.read_text(encoding="utf-8"))
    ]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "evidence.operational.monthly_volume"])
        for item in rng.sample(ids, min(rows, len(ids))):
            writer.writerow([item, rng.randint(100, 20_000)])
