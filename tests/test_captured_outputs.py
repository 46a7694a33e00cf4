"""Every command on the sample workspace, in every format, byte for byte against captured outputs.

The safety net for refactoring the internals: tests/golden/outputs/ holds, per case,
`CASE.out` (stdout exactly) and `CASE.err` (a first line `exit code: N`, then stderr exactly);
`init` also keeps the files it wrote under `CASE.files/`. A change in any byte fails the case.

When an output is meant to change, rewrite the captured files and read the diff before committing:

    python -m pytest tests/test_captured_outputs.py --update-golden
    git diff tests/golden/outputs

Determinism:
- Each case runs on a fresh copy of the sample workspace (backlogs/, criteria/, votes/,
  prioritize.yaml) in a folder named `sample` outside any git repository, so neither this
  checkout's git history (check's criteria governance) nor its folder name (the report's title)
  shows in the output. Temporary paths are replaced with `<TMP>`.
- Today is FROZEN_TODAY for every command (see `frozen_today`); `test_every_clock_read_is_frozen`
  fails when a command starts reading the clock somewhere the freeze does not reach.
- diff and the git-aware check run on a repository made here with fixed author, committer, dates,
  branch and object format, and without the user's git configuration: the commit hash is fixed.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT, run_cli

OUTPUTS = Path(__file__).resolve().parent / "golden" / "outputs"
SAMPLE_PARTS = ("backlogs", "criteria", "votes", "prioritize.yaml")
# A date the captured outputs were not taken on, so that a command reading the real clock shows
# at once (report's "Generated on", init's start, check --max-age's ages), not months later.
FROZEN_TODAY = date(2026, 12, 15)
TMP = "<TMP>"

FORMATS = ("table", "csv", "json", "markdown")

# Fixed identity and dates for the throwaway repository of the git cases: a commit after the
# criteria's agreed_on (2026-11-23), so that check there warns that they changed since.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Sample Author",
    "GIT_AUTHOR_EMAIL": "author@prioritize.invalid",
    "GIT_AUTHOR_DATE": "2026-11-25T10:00:00+00:00",
    "GIT_COMMITTER_NAME": "Sample Committer",
    "GIT_COMMITTER_EMAIL": "committer@prioritize.invalid",
    "GIT_COMMITTER_DATE": "2026-11-25T10:00:00+00:00",
}
# The one change diff sees: BEN-4's completion rate (a line no other item shares).
DIFF_EDITS = [
    (
        "backlogs/benefits-intake.yaml",
        "functional: {completion_rate: 0.54, abandonment_rate: 0.46, form_error_rate: 0.19",
        "functional: {completion_rate: 0.80, abandonment_rate: 0.46, form_error_rate: 0.19",
    ),
]
# Every item of the sample is scored: for the unscored paths, REN-11 loses its completion rate
# (unscored) and REN-5 its effort (not schedulable, nor is CC-6, which depends on it).
UNSCORED_EDITS = [
    (
        "backlogs/items/REN-11.yaml",
        "functional: {completion_rate: 0.62, digital_take_up: 0.21}",
        "functional: {digital_take_up: 0.21}",
    ),
    (
        "backlogs/renewals.yaml",
        "title: Text message renewal reminders at 60, 30 and 10 days\n    pool: renewals\n"
        "    status: ready\n    effort: 2\n",
        "title: Text message renewal reminders at 60, 30 and 10 days\n    pool: renewals\n"
        "    status: ready\n",
    ),
]

# Two rows updating existing items (one in a pool file, one in a file of its own).
IMPORT_CSV = (
    "id,evidence.operational.monthly_volume,evidence.experience.csat\n"
    "REN-5,43500,3.4\n"
    "BEN-8,2650,\n"
)
IMPORT_SECTION_CSV = "id,monthly_volume,cost_per_transaction\nREN-4,42000,7.80\nCC-2,58500,9.10\n"


@dataclass(frozen=True)
class Case:
    """One run: `prioritize ARGS` in a workspace prepared as `setup` says."""

    id: str
    args: tuple[str, ...]
    setup: str = "sample"  # sample | unscored | git | import | init


def each_format(
    name: str, *args: str, formats: tuple[str, ...] = FORMATS, setup: str = "sample"
) -> list[Case]:
    return [Case(f"{name}.{fmt}", (*args, "--format", fmt), setup) for fmt in formats]


CASES: list[Case] = [
    # rank
    *each_format("rank", "rank"),
    Case("rank.include-unscored.csv", ("rank", "--include-unscored", "--format", "csv")),
    Case("rank.top-5.csv", ("rank", "--top", "5", "--format", "csv")),
    Case("rank.criteria-rice.csv", ("rank", "--criteria", "rice", "--format", "csv")),
    Case("rank.criteria-wsjf.csv", ("rank", "--criteria", "wsjf", "--format", "csv")),
    Case("rank.pool-renewals-risk-low.table", ("rank", "--pool", "renewals", "--risk", "low")),
    # ttv
    *each_format("ttv", "ttv"),
    Case("ttv.order-cd3.csv", ("ttv", "--order", "cd3", "--format", "csv")),
    Case("ttv.order-cd3.table", ("ttv", "--order", "cd3")),
    Case("ttv.low-risk-first.json", ("ttv", "--low-risk-first", "--format", "json")),
    # forecast: fewer runs keep the suite quick; the seed makes them repeatable
    *(
        Case(
            f"forecast.{fmt}", ("forecast", "--runs", "2000", "--by", "2027-03-31", "--format", fmt)
        )
        for fmt in ("table", "csv", "json", "markdown")
    ),
    Case(
        "forecast.capacity-change.json",
        ("forecast", "--runs", "2000", "--capacity-change", "2027-02-01:-33%", "--format", "json"),
    ),
    # check
    *each_format("check", "check", formats=("text", "github", "json")),
    Case("check.max-age-120.text", ("check", "--max-age", "120")),
    Case("check.max-age-120.json", ("check", "--max-age", "120", "--format", "json")),
    Case(
        "check.max-age-120-strict.github", ("check", "--max-age", "120", "--strict", "-f", "github")
    ),
    # explain
    *each_format("explain.REN-5", "explain", "REN-5"),
    *each_format("explain.BEN-8", "explain", "BEN-8"),
    *each_format("explain.REN-5-vs-BEN-8", "explain", "REN-5", "--vs", "BEN-8"),
    Case("explain.unknown-id.table", ("explain", "NOPE-1")),
    # sensitivity
    *each_format("sensitivity.seed-1-runs-200", "sensitivity", "--seed", "1", "--runs", "200"),
    # votes, pools, outcomes, coverage
    *each_format("votes", "votes"),
    *each_format("pools", "pools"),
    *each_format("pools.kpis", "pools", "--kpis"),
    *each_format("outcomes", "outcomes"),
    *each_format("outcomes.summary", "outcomes", "--summary"),
    *each_format("coverage", "coverage"),
    Case("coverage.top-3.csv", ("coverage", "--top", "3", "--format", "csv")),
    # report, schema
    Case("report.html", ("report",)),
    *[
        Case(f"schema.{kind}.json", ("schema", "--kind", kind))
        for kind in ("backlog", "criteria", "settings", "votes")
    ],
    # unscored items: warnings on stderr, --include-unscored, left out of the schedule
    Case("unscored.rank.table", ("rank",), "unscored"),
    Case(
        "unscored.rank.include-unscored.csv",
        ("rank", "--include-unscored", "-f", "csv"),
        "unscored",
    ),
    Case(
        "unscored.rank.include-unscored.json",
        ("rank", "--include-unscored", "-f", "json"),
        "unscored",
    ),
    Case("unscored.ttv.table", ("ttv",), "unscored"),
    Case("unscored.check.text", ("check",), "unscored"),
    Case("unscored.check.json", ("check", "-f", "json"), "unscored"),
    Case("unscored.explain.REN-11.table", ("explain", "REN-11"), "unscored"),
    Case("unscored.report.html", ("report",), "unscored"),
    # git: diff HEAD after one edited evidence value; check with the criteria committed after agreed_on
    *each_format("diff.HEAD", "diff", "HEAD", setup="git"),
    Case("diff.HEAD-all.csv", ("diff", "HEAD", "--all", "--format", "csv"), "git"),
    Case("check.in-git.text", ("check",), "git"),
    # import --dry-run: a unified diff, nothing written
    Case("import.dry-run.txt", ("import", "evidence.csv", "--dry-run"), "import"),
    Case(
        "import.section-as-of.dry-run.txt",
        ("import", "section.csv", "-s", "operational", "--as-of", "2026-11-20", "--dry-run"),
        "import",
    ),
    # init: its messages, and the files it writes (under init.starter.files/)
    Case("init.starter", ("init", "starter"), "init"),
]


def test_case_ids_are_unique() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


# --- the environment -------------------------------------------------------------------------


class FrozenDate(date):
    """`date` for modules that read `date.today()` from their own namespace."""

    @classmethod
    def today(cls) -> date:
        return FROZEN_TODAY


@pytest.fixture
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is FROZEN_TODAY wherever a command reads it.

    report and init read `date.today()` through their module's `date`: replaced. check and ttv
    import `date` inside the command and hand today on to `check_run.run_checks` and
    `scheduling.resources`, which take it as an argument: those are wrapped to pass FROZEN_TODAY.
    """
    from prioritize import check_run, scheduling
    from prioritize.cli import init, report

    monkeypatch.setattr(report, "date", FrozenDate)
    monkeypatch.setattr(init, "date", FrozenDate)
    run_checks, resources = check_run.run_checks, scheduling.resources

    def frozen_run_checks(*args: Any, today: date, **kwargs: Any) -> Any:
        return run_checks(*args, today=FROZEN_TODAY, **kwargs)

    def frozen_resources(*args: Any, today: date, **kwargs: Any) -> Any:
        return resources(*args, today=FROZEN_TODAY, **kwargs)

    monkeypatch.setattr(check_run, "run_checks", frozen_run_checks)
    monkeypatch.setattr(scheduling, "resources", frozen_resources)


# Every place in src/ that reads the clock, and how `frozen_today` reaches it. A new or moved
# reading fails the test below: freeze it above, then update this list.
CLOCK_READS = {
    ("cli/check.py", "date.today"),  # -> check_run.run_checks(today=...)
    ("cli/init.py", "date.today"),  # init.date
    ("cli/report.py", "date.today"),  # report.date
    (
        "cli/common.py",
        "date.today",
    ),  # schedulable (ttv, forecast) -> scheduling.resources(today=...)
}
CLOCK_CALLS = {"today", "now", "utcnow", "time", "time_ns", "localtime", "gmtime", "fromtimestamp"}
CLOCK_OWNERS = {"date", "datetime", "time", "pd", "pandas", "Timestamp", "np", "numpy"}


def test_every_clock_read_is_frozen() -> None:
    src = REPO_ROOT / "src" / "prioritize"
    found = set()
    for path in sorted(src.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in CLOCK_CALLS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in CLOCK_OWNERS
            ):
                found.add(
                    (path.relative_to(src).as_posix(), f"{node.func.value.id}.{node.func.attr}")
                )
    assert found == CLOCK_READS, "a command reads the clock where frozen_today does not reach"


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, frozen_today: None) -> Path:
    """A folder outside any git repository, with no user git configuration and no forced colour."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in (
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
        "FORCE_COLOR",
        "TTY_COMPATIBLE",
        "TTY_INTERACTIVE",
    ):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def copy_sample(root: Path) -> Path:
    ws = root / "sample"
    ws.mkdir()
    for part in SAMPLE_PARTS:
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, ws / part)
        else:
            shutil.copy2(source, ws / part)
    return ws


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "commit.gpgsign=false", *args],
        capture_output=True,
        check=True,
        env={**os.environ, **GIT_ENV},
    )


def committed_sample_then_edited(root: Path) -> Path:
    ws = copy_sample(root)
    git(ws, "init", "-q", "-b", "main", "--object-format=sha1")
    git(ws, "add", "-A")
    git(ws, "commit", "-q", "-m", "Sample workspace")
    return edit(ws, DIFF_EDITS)


def edit(ws: Path, edits: list[tuple[str, str, str]]) -> Path:
    """Replace text in workspace files; each text must occur exactly once."""
    for rel, old, new in edits:
        path = ws / rel
        text = path.read_bytes().decode("utf-8")
        assert text.count(old) == 1, f"{rel}: expected {old!r} once"
        path.write_bytes(text.replace(old, new).encode("utf-8"))
    return ws


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


# --- the cases -------------------------------------------------------------------------------


def placeholders(text: str, root: Path) -> str:
    for path in sorted({str(root.resolve()), str(root)}, key=len, reverse=True):
        text = text.replace(path, TMP)
    return text


def compare_or_write(path: Path, actual: bytes, update: bool) -> None:
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual)
        return
    assert path.is_file(), (
        f"{path.relative_to(OUTPUTS)} was never captured: run with --update-golden"
    )
    # As text, for a readable diff on failure: UTF-8 maps bytes to text one to one.
    assert actual.decode("utf-8") == path.read_bytes().decode("utf-8"), path.relative_to(OUTPUTS)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_output_is_as_captured(case: Case, isolated: Path, request: pytest.FixtureRequest) -> None:
    update = bool(request.config.getoption("--update-golden"))
    if case.setup == "init":
        cwd = isolated
    elif case.setup == "git":
        cwd = committed_sample_then_edited(isolated)
    else:
        cwd = copy_sample(isolated)
        if case.setup == "unscored":
            edit(cwd, UNSCORED_EDITS)
        if case.setup == "import":
            (cwd / "evidence.csv").write_text(IMPORT_CSV, encoding="utf-8", newline="")
            (cwd / "section.csv").write_text(IMPORT_SECTION_CSV, encoding="utf-8", newline="")
    before = snapshot(cwd)

    result = run_cli(*case.args, cwd=cwd)

    out = placeholders(result.stdout, isolated)
    err = f"exit code: {result.exit_code}\n" + placeholders(result.stderr, isolated)
    compare_or_write(OUTPUTS / f"{case.id}.out", out.encode("utf-8"), update)
    compare_or_write(OUTPUTS / f"{case.id}.err", err.encode("utf-8"), update)

    if case.setup == "init":
        written = snapshot(isolated / "starter")
        captured = OUTPUTS / f"{case.id}.files"
        if update:
            shutil.rmtree(captured, ignore_errors=True)
        for rel, data in written.items():
            compare_or_write(captured / rel, data, update)
        assert sorted(written) == sorted(snapshot(captured)), "init wrote other files"
    else:
        assert snapshot(cwd) == before, f"{case.id} changed the workspace"


def expected_files() -> set[str]:
    names = {f"{case.id}{suffix}" for case in CASES for suffix in (".out", ".err")}
    return names | {f"{case.id}.files" for case in CASES if case.setup == "init"}


def test_no_captured_output_without_a_case(request: pytest.FixtureRequest) -> None:
    stray = sorted(
        p
        for p in OUTPUTS.iterdir()
        if not p.name.startswith(".") and p.name not in expected_files()
    )
    if request.config.getoption("--update-golden"):
        for path in stray:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        return
    assert stray == [], "captured outputs of cases that no longer exist: run with --update-golden"
