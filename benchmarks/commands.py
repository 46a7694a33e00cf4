"""What the benchmark times: the reference parsers, the commands users type and their targets."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from generate import generate
from measuring import PY, Series
from scenarios import make_diff_repo, make_import_csv

REFERENCE = "PyYAML C parse"
RUAMEL_REFERENCE = "ruamel C safe parse"
YAML_RS_REFERENCE = "yaml-rs parse"
TARGET_ITEMS = 10_000  # the size the ratio targets are set at
MEMORY_ITEMS = 100_000  # the size the memory target is set at
MEMORY_LIMIT_MIB = 600

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


@dataclass(frozen=True)
class Command:
    """A command as a user types it, with its ratio target at 10,000 items (None: no target)."""

    name: str
    args: tuple[str, ...]
    target: float | None
    memory_target: bool = False  # held to MEMORY_LIMIT_MIB at MEMORY_ITEMS
    ok_codes: tuple[int, ...] = (0,)
    changes_files: bool = False  # import: run on a copy put back before every run
    # A target against another command instead: (that command, at how many items, limit).
    versus: tuple[str, int, float] | None = None

    @property
    def verb(self) -> str:
        return self.args[0]


# Generated workspaces hold deliberate errors (unknown references, unscored items), so `check`
# exits 1 on them; that is its answer, not a failure.
COMMANDS = (
    Command("rank", ("rank",), 0.5, memory_target=True),
    Command("rank -f csv", ("rank", "-f", "csv"), 0.5, memory_target=True),
    Command("check", ("check",), 0.8, memory_target=True, ok_codes=(0, 1)),
    Command("ttv", ("ttv",), 0.8, memory_target=True),
    Command("ttv -f csv", ("ttv", "-f", "csv"), 0.8, memory_target=True),
    Command("report", ("report",), 1.2),
    Command("sensitivity", ("sensitivity",), 1.2),
    Command("diff HEAD~1", ("diff", "HEAD~1"), 1.2, memory_target=True),
    Command("import", ("import",), 1.0, changes_files=True),
    # 10,000 runs (the default) of the whole schedule, against one ttv.
    Command("forecast", ("forecast",), None, versus=("ttv", 1_000, 3.0)),
)


@dataclass
class Workspace:
    root: Path  # a git repository: the generated files, then 1% of items changed
    copy: Path  # the same repository, for the commands that write
    csv: Path  # the import: 1% of items' evidence, one row each
    rows: int


def prepare(n: int, workdir: Path, seed: int) -> Workspace:
    """A generated workspace as a git repository whose last commit changed 1% of the items (what
    `diff HEAD~1` shows), a copy of it for `import`, and an import CSV touching 1% of the items."""
    root = workdir / f"ws-{n}"
    generate(n, root, seed=seed, force=True)
    shutil.rmtree(root / ".git", ignore_errors=True)
    make_diff_repo(root, fraction=0.01, seed=seed)
    copy = workdir / f"ws-{n}-import"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, symlinks=True)
    rows = max(1, n // 100)
    csv = workdir / f"import-{n}.csv"
    make_import_csv(copy, rows, csv, seed=seed)
    return Workspace(root, copy, csv, rows)


def reset(repo: Path) -> None:
    """Put a repository's files back as committed (untimed, before each import run)."""
    subprocess.run(["git", "-C", str(repo), "reset", "-q", "--hard"], check=True)
    subprocess.run(["git", "-C", str(repo), "clean", "-q", "-f", "-d", "-x"], check=True)


def series_for(command: Command, ws: Workspace) -> Series:
    base = [PY, "-m", "prioritize", command.verb]
    if command.changes_files:
        return Series(
            command.name,
            [*base, "-w", str(ws.copy), str(ws.csv)],
            command.ok_codes,
            before=lambda: reset(ws.copy),
        )
    return Series(command.name, [*base, "-w", str(ws.root), *command.args[1:]], command.ok_codes)


def references(root: Path, with_yaml_rs: bool) -> list[Series]:
    out = [
        Series(REFERENCE, [PY, "-c", PYYAML_SCRIPT, str(root)]),
        Series(RUAMEL_REFERENCE, [PY, "-c", RUAMEL_SCRIPT, str(root)]),
    ]
    if with_yaml_rs:
        out.append(Series(YAML_RS_REFERENCE, [PY, "-c", YAML_RS_SCRIPT, str(root)]))
    return out
