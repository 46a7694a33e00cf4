"""`prioritize check` (docs/reference.md 3-6): every rule's finding, located, in text, github and json.

The rules are covered as data: one folder per case under data/check/ (see its README.md), found
by `test_check_case`; a new case is a new folder. The tests below them cover what data cannot
say: formats, exit codes, the error boundary and the repository-relative paths of annotations.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import REPO_ROOT, Result, run_cli, write_files
from prioritize.check_run import repository_prefix
from prioritize.checks import FINDING_CODES
from prioritize.errors import Finding, Location
from prioritize.render.findings import to_github, to_text

CASES_DIR = Path(__file__).parent / "data" / "check"
EXPECT = "expect.txt"

# Codes no case folder shows, each with the reason; everything else in FINDING_CODES needs a case.
NOT_AS_A_CASE = {
    "unreadable": "needs a file the test user cannot read; the suite may run as root",
    "criteria-changed-after-agreement": "needs git history: test_criteria_governance_from_git below",
    "criteria-uncommitted": "needs a git working tree: test_criteria_governance_from_git below",
    "criteria-history-shallow": "needs a shallow clone: tests/test_shallow_clone.py",
}


# --- the cases ------------------------------------------------------------------------------


@dataclass
class Case:
    """A case folder: the workspace, the expected stdout lines, options, exit code, xfail reason."""

    path: Path
    lines: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    exit_code: int | None = None
    xfail: str | None = None

    @classmethod
    def read(cls, path: Path) -> Case:
        case = cls(path)
        expect = path / EXPECT
        assert expect.is_file(), f"{path.name}: every case folder needs an {EXPECT}"
        for line in expect.read_text(encoding="utf-8").splitlines():
            if line.startswith("# args:"):
                case.args = line.removeprefix("# args:").split()
            elif line.startswith("# exit:"):
                case.exit_code = int(line.removeprefix("# exit:"))
            elif line.startswith("# xfail:"):
                case.xfail = line.removeprefix("# xfail:").strip()
            elif line.strip() and not line.startswith("#"):
                case.lines.append(line)
        if case.exit_code is None:
            case.exit_code = 1 if case.lines else 0
        return case

    @property
    def codes(self) -> set[str]:
        found = set()
        for line in self.lines:
            match = re.match(r"(?:re:)?\S+?:\d+:\d+: ([a-z][a-z-]*) ", line)
            assert match, (
                f"{self.path.name}: write `path:line:col: CODE ` literally, even in re: lines: {line!r}"
            )
            found.add(match[1])
        return found


def line_matches(expected: str, actual: str) -> bool:
    """Exact, `...` for a prefix, or `re:` for a regular expression over the whole line."""
    if expected.startswith("re:"):
        return re.fullmatch(expected.removeprefix("re:"), actual) is not None
    if expected.endswith("..."):
        return actual.startswith(expected.removesuffix("..."))
    return expected == actual


CASE_DIRS = sorted(p for p in CASES_DIR.iterdir() if p.is_dir())
CASES = [Case.read(p) for p in CASE_DIRS]


def _param(case: Case) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.path.name, marks=marks)


def copy_case(case: Case, tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    # symlinks=True: a case's links stay links (outside-workspace links to /etc).
    shutil.copytree(case.path, ws, ignore=shutil.ignore_patterns(EXPECT), symlinks=True)
    (ws / "backlogs").mkdir(exist_ok=True)  # git keeps no empty folders
    return ws


def files_under(folder: Path) -> set[Path]:
    return {p.relative_to(folder) for p in folder.rglob("*")}


def check(ws: Path, *args: str, cwd: Path | None = None) -> Result:
    return run_cli("check", "-w", ws, *args, cwd=cwd or ws.parent)


@dataclass(frozen=True)
class Reported:
    path: str
    line: int
    col: int
    code: str


def from_text(stdout: str) -> list[Reported]:
    found = []
    for line in stdout.splitlines():
        match = re.fullmatch(r"(.+?):(\d+):(\d+): ([a-z][a-z-]*) .*", line)
        assert match, f"not a finding line: {line!r}"
        found.append(Reported(match[1], int(match[2]), int(match[3]), match[4]))
    return found


def _unescape(text: str) -> str:
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: bytes.fromhex(m[1]).decode(), text)


def from_github(stdout: str, prefix: str = "") -> list[dict[str, object]]:
    """The annotations as the dicts of --format json (the path prefix taken off)."""
    found = []
    for line in stdout.removesuffix("\n").split("\n") if stdout else []:  # commands end at \n only
        match = re.fullmatch(
            r"::(error|warning) file=([^,]*),line=(\d+),col=(\d+),title=([^,:]*)::(.*)", line
        )
        assert match, f"not an annotation: {line!r}"
        path = _unescape(match[2])
        assert path.startswith(prefix), (path, prefix)
        found.append({
            "code": _unescape(match[5]), "severity": match[1], "path": path.removeprefix(prefix),
            "line": int(match[3]), "col": int(match[4]), "message": _unescape(match[6]),
        })  # fmt: skip
    return found


def test_there_is_a_case_for_every_finding_code() -> None:
    shown = set().union(*(c.codes for c in CASES if not c.xfail))
    assert shown <= set(FINDING_CODES), (
        f"codes missing from checks.FINDING_CODES: {shown - set(FINDING_CODES)}"
    )
    missing = set(FINDING_CODES) - shown - set(NOT_AS_A_CASE)
    assert not missing, f"add a folder under {CASES_DIR} for: {', '.join(sorted(missing))}"


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_check_case(case: Case, tmp_path: Path) -> None:
    ws = copy_case(case, tmp_path)
    before = files_under(tmp_path)

    result = check(ws, *case.args, cwd=tmp_path)

    assert "internal error" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    actual = result.stdout.splitlines()
    report = "\n".join(["expected:", *case.lines, "actual:", *actual, "stderr:", result.stderr])
    assert len(actual) == len(case.lines), report
    for expected, line in zip(case.lines, actual, strict=True):
        assert line_matches(expected, line), f"line {line!r} does not match {expected!r}\n{report}"
    assert result.exit_code == case.exit_code, report
    # Reading a file never runs anything in it: nothing appears beside or inside the workspace.
    assert files_under(tmp_path) == before
    assert not (Path.cwd() / "PWNED").exists()

    # The machine formats say the same as the text.
    as_json = check(ws, *case.args, "--format", "json", cwd=tmp_path)
    as_github = check(ws, *case.args, "--format", "github", cwd=tmp_path)
    findings = json.loads(as_json.stdout)
    assert [Reported(f["path"], f["line"], f["col"], f["code"]) for f in findings] == from_text(
        result.stdout
    )
    assert from_github(as_github.stdout, repository_prefix(ws.resolve())) == findings
    assert as_json.exit_code == as_github.exit_code == case.exit_code


# --- what the cases show, spelled out -------------------------------------------------------


def case_dir(name: str) -> Path:
    return next(c.path for c in CASES if c.path.name == name)


def test_one_run_reports_every_problem_in_every_file(tmp_path: Path) -> None:
    ws = copy_case(Case.read(case_dir("many-problems")), tmp_path)
    findings = json.loads(check(ws, "--format", "json").stdout)
    files = {f["path"] for f in findings}
    assert {"backlogs/broken.yaml", "backlogs/permits.yaml", "backlogs/renewals.yaml",
            "criteria/draft.yaml", "prioritize.yaml"} <= files  # fmt: skip
    assert len(findings) >= 10


def test_unscored_items_fail_check_each_named_at_its_own_place(tmp_path: Path) -> None:
    ws = copy_case(Case.read(case_dir("unscored")), tmp_path)
    text = check(ws, "--max-age", "100000")
    as_json = check(ws, "--max-age", "100000", "--format", "json")
    as_github = check(ws, "--max-age", "100000", "--format", "github")

    assert text.exit_code == as_json.exit_code == as_github.exit_code == 1
    unscored = [f for f in json.loads(as_json.stdout) if f["code"] == "unscored"]
    # A-2 lacks one value (the evidence mapping it goes in), A-3 three things (the item itself),
    # B-1, alone in its file, two (the file's top).
    assert {(f["path"], f["line"], f["col"], f["message"].split(" ")[0]) for f in unscored} == {
        ("backlogs/a.yaml", 18, 7, "A-2"),
        ("backlogs/a.yaml", 20, 5, "A-3"),
        ("backlogs/items/B-1.yaml", 1, 1, "B-1"),
    }
    assert (
        "B-1 is unscored: it has no completion; add evidence.functional.completion_rate"
        in text.stdout
    )
    assert "A-3 is unscored: it has no effort; add effort: N" in text.stdout
    assert from_github(as_github.stdout) == json.loads(as_json.stdout)
    assert (
        as_github.stdout.count("::error file=backlogs/items/B-1.yaml,line=1,col=1,title=unscored::")
        == 2
    )


def test_the_summary_counts_every_file_read_empty_ones_too(tmp_path: Path) -> None:
    ws = copy_case(Case.read(case_dir("empty-file")), tmp_path)
    result = check(ws)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "all clear: 3 files checked, no problems\n"


def test_the_sample_workspace_checks_clean() -> None:
    result = run_cli("check", "--format", "json", cwd=REPO_ROOT)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert [f for f in json.loads(result.stdout) if f["severity"] == "error"] == []


# --- formats ---------------------------------------------------------------------------------

WARNINGS_ONLY = {
    "criteria/default.yaml": """
        name: Not agreed
        criteria:
          - {id: f, data: functional, source: scores.f, required: false}
          - {id: o, data: operational, source: scores.o, required: false}
          - {id: e, data: experience, source: scores.e, required: false}
    """,
    "backlogs/a.yaml": """
        value_pools: [{id: p, name: P}]
        items: [{id: A-1, title: First, pool: p, evidence: {sources: [{kind: test, name: T}]}}]
    """,
}
ONE_ERROR = {
    **WARNINGS_ONLY,
    "backlogs/b.yaml": "items: [{id: B-1, title: Second, pool: nowhere, evidence: {sources: [{kind: test, name: T}]}}]\n",
}


def test_json_is_a_list_of_findings_with_every_field(tmp_path: Path) -> None:
    ws = write_files(tmp_path / "ws", ONE_ERROR)
    result = check(ws, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "code": "unknown-pool", "severity": "error", "path": "backlogs/b.yaml", "line": 1, "col": 40,
            "message": 'pool "nowhere" is not a value pool of this workspace',
        },
        {
            "code": "criteria-not-agreed", "severity": "warning", "path": "criteria/default.yaml", "line": 1,
            "col": 1, "message": json.loads(result.stdout)[1]["message"],
        },
    ]  # fmt: skip
    clean = copy_case(Case.read(case_dir("clean")), tmp_path / "clean")
    assert json.loads(check(clean, "--format", "json").stdout) == []


def test_github_annotations_error_and_warning(tmp_path: Path) -> None:
    ws = write_files(tmp_path / "ws", ONE_ERROR)
    lines = check(ws, "--format", "github").stdout.splitlines()
    assert lines[0] == (
        "::error file=backlogs/b.yaml,line=1,col=40,title=unknown-pool::"
        'pool "nowhere" is not a value pool of this workspace'
    )
    assert lines[1].startswith(
        "::warning file=criteria/default.yaml,line=1,col=1,title=criteria-not-agreed::nobody"
    )
    assert len(lines) == 2


def test_github_escapes_data_and_properties() -> None:
    finding = Finding(
        "unknown-key", "error", Location("backlogs/a,b:c.yaml", 3, 1), 'key "50%, a:b\r\nc"'
    )
    warning = Finding("stale-evidence", "warning", Location("x.yaml", 1, 2), "old")
    assert to_github([finding, warning], "sub dir/ws:1/") == (
        "::error file=sub dir/ws%3A1/backlogs/a%2Cb%3Ac.yaml,line=3,col=1,title=unknown-key::"
        'key "50%25, a:b%0D%0Ac"\n'
        "::warning file=sub dir/ws%3A1/x.yaml,line=1,col=2,title=stale-evidence::old\n"
    )
    assert to_text([finding]) == 'backlogs/a,b:c.yaml:3:1: unknown-key key "50%, a:b\\r\\nc"\n'


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_github_paths_are_relative_to_the_repository_root(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    ws = write_files(repo / "teams" / "renewals", {
        **WARNINGS_ONLY, "backlogs/odd, name: here.yaml": ONE_ERROR["backlogs/b.yaml"],
    })  # fmt: skip
    sub = repo / "teams"

    for cwd in (ws, sub, repo):
        result = run_cli("check", "-w", ws, "--format", "github", cwd=cwd)
        assert result.exit_code == 1
        assert result.stdout.splitlines()[0] == (
            "::error file=teams/renewals/backlogs/odd%2C name%3A here.yaml,line=1,col=40,title=unknown-pool::"
            'pool "nowhere" is not a value pool of this workspace'
        )
        assert "::warning file=teams/renewals/criteria/default.yaml,line=1,col=1," in result.stdout
    # text and json stay relative to the workspace
    assert run_cli("check", "-w", ws, cwd=repo).stdout.startswith(
        "backlogs/odd, name: here.yaml:1:40: unknown-pool "
    )
    assert (
        json.loads(run_cli("check", "-w", ws, "-f", "json", cwd=repo).stdout)[0]["path"]
        == "backlogs/odd, name: here.yaml"
    )


def git(repo: Path, *args: str) -> None:
    identity = [
        "-c",
        "user.name=Test",
        "-c",
        "user.email=test@example.org",
        "-c",
        "commit.gpgsign=false",
    ]
    subprocess.run(["git", *identity, *args], cwd=repo, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_criteria_governance_from_git(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    ws = write_files(repo, {
        **WARNINGS_ONLY,
        "criteria/default.yaml": WARNINGS_ONLY["criteria/default.yaml"].replace(
            "name: Not agreed", "name: Agreed long ago\n        agreed_by: [Director]\n        agreed_on: 2000-01-01"
        ),
    })  # fmt: skip
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Criteria")

    committed = json.loads(check(ws, "--format", "json").stdout)
    assert [(f["code"], f["severity"], f["path"], f["line"], f["col"]) for f in committed] == [
        ("criteria-changed-after-agreement", "warning", "criteria/default.yaml", 3, 1),
    ]
    assert "after it was agreed on 2000-01-01" in committed[0]["message"]
    assert check(ws).exit_code == 0
    assert check(ws, "--strict").exit_code == 1

    with (ws / "criteria" / "default.yaml").open("a", encoding="utf-8") as handle:
        handle.write("# an edit nobody agreed\n")
    edited = json.loads(check(ws, "--format", "json").stdout)
    assert [(f["code"], f["line"]) for f in edited] == [
        ("criteria-changed-after-agreement", 3),
        ("criteria-uncommitted", 3),
    ]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_set_nobody_agreed_draws_only_the_not_agreed_warning(tmp_path: Path) -> None:
    # A date without anyone who agreed is no agreement: governance has nothing to guard, however
    # the file changes; criteria-not-agreed says what is missing.
    repo = tmp_path / "repo"
    ws = write_files(repo, {
        **WARNINGS_ONLY,
        "criteria/default.yaml": WARNINGS_ONLY["criteria/default.yaml"].replace(
            "name: Not agreed", "name: Not agreed\n        agreed_by: []\n        agreed_on: 2000-01-01"
        ),
    })  # fmt: skip
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Criteria")
    with (ws / "criteria" / "default.yaml").open("a", encoding="utf-8") as handle:
        handle.write("# an edit\n")
    codes = [f["code"] for f in json.loads(check(ws, "--format", "json").stdout)]
    assert codes == ["criteria-not-agreed"]


def test_output_option_writes_the_findings_to_a_file(tmp_path: Path) -> None:
    ws = write_files(tmp_path / "ws", ONE_ERROR)
    out = tmp_path / "findings.json"
    result = check(ws, "--format", "json", "--output", out)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert [f["code"] for f in json.loads(out.read_text(encoding="utf-8"))] == [
        "unknown-pool",
        "criteria-not-agreed",
    ]


# --- exit codes ------------------------------------------------------------------------------


def test_exit_0_with_warnings_and_1_with_strict(tmp_path: Path) -> None:
    ws = write_files(tmp_path / "ws", WARNINGS_ONLY)
    result = check(ws)
    assert result.exit_code == 0
    assert result.stdout.startswith("criteria/default.yaml:1:1: criteria-not-agreed ")
    assert result.stderr == "0 errors, 1 warning in 2 files checked\n"
    assert check(ws, "--strict").exit_code == 1
    assert check(ws, "--strict", "--format", "github").exit_code == 1


def test_exit_0_when_clean_even_with_strict(tmp_path: Path) -> None:
    ws = copy_case(Case.read(case_dir("clean")), tmp_path)
    for args in ((), ("--strict",), ("--format", "json", "--strict")):
        result = check(ws, *args)
        assert result.exit_code == 0, result.stdout
    assert check(ws).stderr.startswith("all clear: ")


def test_exit_1_on_errors(tmp_path: Path) -> None:
    ws = write_files(tmp_path / "ws", ONE_ERROR)
    assert check(ws).exit_code == 1
    assert check(ws, "--format", "json").exit_code == 1
    assert check(ws, "--format", "github").exit_code == 1


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "xml"),
        ("--max-age", "0"),
        ("--max-age", "soon"),
        ("--no-such-option",),
        ("--criteria", "no-such-set"),
        ("extra-argument",),
    ],
    ids=["format", "max-age-0", "max-age-text", "option", "criteria", "argument"],
)
def test_exit_2_on_usage_errors(args: tuple[str, ...], tmp_path: Path) -> None:
    ws = write_files(tmp_path / "ws", ONE_ERROR)
    result = check(ws, *args)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_exit_2_without_a_workspace(tmp_path: Path) -> None:
    result = run_cli("check", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("prioritize: no workspace: ")
    result = run_cli("check", "-w", tmp_path / "missing", cwd=tmp_path)
    assert result.exit_code == 2
    assert "no workspace" in result.stderr


def test_without_the_option_the_workspace_is_found_above_the_current_folder(tmp_path: Path) -> None:
    ws = write_files(tmp_path / "ws", ONE_ERROR)
    (ws / "backlogs" / "deeper").mkdir()
    result = run_cli("check", cwd=ws / "backlogs" / "deeper")
    assert result.exit_code == 1
    assert result.stdout.startswith("backlogs/b.yaml:1:40: unknown-pool ")


def _explode(*args: object, **kwargs: object) -> object:
    raise RuntimeError("simulated bug")


def test_an_unexpected_error_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = write_files(tmp_path / "ws", ONE_ERROR)
    monkeypatch.setattr("prioritize.check_run.run_checks", _explode)
    result = check(ws)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "prioritize: internal error: RuntimeError: simulated bug (run with --debug for details)"
    ]


def test_debug_shows_the_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = write_files(tmp_path / "ws", ONE_ERROR)
    monkeypatch.setattr("prioritize.check_run.run_checks", _explode)
    result = run_cli("--debug", "check", "-w", ws, cwd=tmp_path)
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: simulated bug" in result.stderr
    # --debug lasts one run only
    assert "Traceback" not in check(ws).stderr


def test_the_pre_commit_hook_runs_check_on_the_whole_workspace() -> None:
    from prioritize import yamlio

    hooks = yamlio.read(REPO_ROOT / ".pre-commit-hooks.yaml")
    hook = next(h for h in hooks if h["id"] == "prioritize-check")
    assert hook["entry"] == "prioritize check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False  # check reads the workspace, not the files changed
    files = re.compile(hook["files"])
    assert files.search("backlogs/renewals.yaml") and files.search("criteria/x.yml")
    assert not files.search("README.md") and not files.search("notes.yaml.bak")


def test_check_scores_with_the_votes_as_every_other_command_does(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    # The item has no scores.fit of its own; the one vote supplies it, so rank scores the item
    # and check must not call it unscored.
    ws = make_workspace(
        {
            "prioritize.yaml": "criteria: judged\n",
            "criteria/judged.yaml": """
                name: Judged
                agreed_by: [Board]
                criteria:
                  - {id: fit, data: judgement, allowed: [1, 2, 3], scale: {range: [1, 3]}}
                  - {id: calls, data: functional}
                  - {id: cost, data: operational}
                  - {id: csat, data: experience}
            """,
            "backlogs/a.yaml": """
                value_pools:
                  - {id: p, name: Pool}
                items:
                  - id: A
                    title: Needs a vote
                    pool: p
                    evidence:
                      as_of: 2099-01-01
                      sources: [{kind: analytics, name: call log}]
                      functional: {calls: 1}
                      operational: {cost: 1}
                      experience: {csat: 1}
            """,
            "votes/board.yaml": "stakeholder: board\nscores:\n  A: {fit: 2}\n",
        }
    )
    assert run_cli("rank", "-w", ws, "-f", "csv").exit_code == 0
    result = run_cli("check", "-w", ws)
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
