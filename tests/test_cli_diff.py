"""`prioritize diff`: the ranking at a git revision against the working tree, on throwaway repositories."""

from __future__ import annotations

import json
import os
import subprocess
from importlib import resources
from pathlib import Path

import pytest

from conftest import run_cli
from prioritize.diffing import criteria_changes
from prioritize.models import CriteriaSet

GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@e", "-c", "commit.gpgsign=false", *args],
        capture_output=True, text=True, env={**os.environ, **GIT_ENV}, check=True,
    )  # fmt: skip
    return result.stdout


def commit_all(repo: Path, message: str = "change") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "--short", "HEAD").strip()


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


# One criterion, range [0, 100], weight 1, not per effort: an item's score is its volume.
CRITERIA = """\
name: Volume only
agreed_by: [Tester]
agreed_on: 2026-01-01
criteria:
  - id: volume
    data: operational
    source: evidence.operational.monthly_volume
    scale: {{range: [0, 100]}}
    weight: {weight}
"""
POOLS = "value_pools:\n  - {id: p, name: Pool}\n"


def item(item_id: str, volume: int | None, status: str = "proposed") -> str:
    evidence = (
        f"evidence:\n  operational: {{monthly_volume: {volume}}}\n" if volume is not None else ""
    )
    return f"id: {item_id}\ntitle: Item {item_id}\npool: p\nstatus: {status}\n{evidence}"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    return root


@pytest.fixture
def ws(repo: Path) -> Path:
    """A workspace in a subfolder; committed: A 90, B 50, E 30, C 10, F 5 (ranks 1 to 5)."""
    root = repo / "teams" / "ws"
    write(
        root,
        {
            "criteria/default.yaml": CRITERIA.format(weight=1),
            "backlogs/pools.yaml": POOLS,
            **{
                f"backlogs/{i}.yaml": item(i, v)
                for i, v in [("A", 90), ("B", 50), ("C", 10), ("E", 30), ("F", 5)]
            },
        },
    )
    commit_all(repo, "Backlog")
    # Working tree: C's volume rises to 95, E is deleted, D (70) is new.
    write(root, {"backlogs/C.yaml": item("C", 95), "backlogs/D.yaml": item("D", 70)})
    (root / "backlogs" / "E.yaml").unlink()
    return root


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "--short", "HEAD").strip()


def test_diff_reports_the_exact_old_and_new_ranks(ws: Path, repo: Path) -> None:
    result = run_cli("diff", "-w", ws, "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows == [
        {
            "id": "C",
            "title": "Item C",
            "old_rank": 4,
            "new_rank": 1,
            "old_score": 10.0,
            "new_score": 95.0,
            "change": "up",
        },
        {
            "id": "A",
            "title": "Item A",
            "old_rank": 1,
            "new_rank": 2,
            "old_score": 90.0,
            "new_score": 90.0,
            "change": "down",
        },
        {
            "id": "D",
            "title": "Item D",
            "old_rank": None,
            "new_rank": 3,
            "old_score": None,
            "new_score": 70.0,
            "change": "new",
        },
        {
            "id": "B",
            "title": "Item B",
            "old_rank": 2,
            "new_rank": 4,
            "old_score": 50.0,
            "new_score": 50.0,
            "change": "down",
        },
        {
            "id": "E",
            "title": "Item E",
            "old_rank": 3,
            "new_rank": None,
            "old_score": 30.0,
            "new_score": None,
            "change": "removed",
        },
    ]
    assert result.stderr == ""


def test_all_adds_the_items_that_stayed_put(ws: Path) -> None:
    result = run_cli("diff", "HEAD", "-w", ws, "-f", "csv", "--all")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "id,title,old_rank,new_rank,old_score,new_score,change"
    assert "F,Item F,5,5,5,5,same" in lines
    assert len(lines) == 1 + 6


def test_markdown_is_a_pull_request_comment(ws: Path, repo: Path) -> None:
    result = run_cli("diff", "-w", ws, "-f", "markdown")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert (
        lines[0] == f"**Ranking changes since {head(repo)}:** 1 moved up, 2 down, 1 new, 1 removed"
    )
    assert lines[1] == ""
    assert lines[2] == "| id | title | old_rank | new_rank | old_score | new_score | change |"
    assert lines[3] == "| --- | --- | ---: | ---: | ---: | ---: | --- |"
    assert lines[4] == "| C | Item C | 4 | 1 | 10 | 95 | up |"
    assert "| E | Item E | 3 |  | 30 |  | removed |" in lines
    assert "Criteria: Volume only (default), agreed by Tester on 2026-01-01" in result.stdout
    assert lines[-1] == "<!-- prioritize-diff -->"


def test_table_and_output_file(ws: Path, repo: Path, tmp_path: Path) -> None:
    table = run_cli("diff", "-w", ws)
    assert table.exit_code == 0, table.stderr
    assert (
        f"Ranking changes since {head(repo)}: 1 moved up, 2 down, 1 new, 1 removed" in table.stdout
    )
    assert "▲ up 3" in table.stdout
    out = tmp_path / "comment.md"
    written = run_cli("diff", "-w", ws, "-f", "markdown", "-o", out)
    assert written.exit_code == 0
    assert written.stdout == ""
    assert out.read_text().startswith("**Ranking changes since")


def test_nothing_in_the_working_tree_is_touched(ws: Path, repo: Path) -> None:
    status = git(repo, "status", "--porcelain")
    files = {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()}
    assert run_cli("diff", "-w", ws).exit_code == 0
    assert git(repo, "status", "--porcelain") == status
    assert {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()} == files


def test_no_changes(ws: Path, repo: Path) -> None:
    commit_all(repo)
    result = run_cli("diff", "-w", ws, "-f", "markdown")
    assert result.exit_code == 0
    assert result.stdout.startswith(
        f"**Ranking changes since {head(repo)}:** 0 moved up, 0 down, 0 new, 0 removed\n\nNo item changed place.\n"
    )
    assert run_cli("diff", "-w", ws, "-f", "json").stdout == "[]\n"


def test_items_unscored_or_closed_on_one_side_count_as_new_or_removed(ws: Path, repo: Path) -> None:
    commit_all(repo)  # C 95, A 90, D 70, B 50, F 5
    write(ws, {"backlogs/A.yaml": item("A", None), "backlogs/B.yaml": item("B", 50, status="done")})
    result = run_cli("diff", "-w", ws, "-f", "json")
    assert result.exit_code == 0
    assert "A is unscored" in result.stderr
    rows = json.loads(result.stdout)
    assert [(r["id"], r["change"], r["old_rank"], r["new_rank"]) for r in rows] == [
        ("D", "up", 3, 2),
        ("F", "up", 5, 3),
        ("A", "removed", 2, None),
        ("B", "removed", 4, None),
    ]
    commit_all(repo)
    write(ws, {"backlogs/A.yaml": item("A", 90)})
    rows = json.loads(run_cli("diff", "-w", ws, "-f", "json").stdout)
    assert [(r["id"], r["change"], r["old_rank"], r["new_rank"]) for r in rows] == [
        ("A", "new", None, 2),
        ("D", "down", 2, 3),
        ("F", "down", 3, 4),
    ]


def test_a_weight_change_is_named(ws: Path, repo: Path) -> None:
    commit_all(repo)
    write(ws, {"criteria/default.yaml": CRITERIA.format(weight=3)})
    for fmt in ("csv", "json"):
        result = run_cli("diff", "-w", ws, "-f", fmt)
        assert result.exit_code == 0, result.stderr
        assert f"criteria changed since {head(repo)}: weight of volume 1 -> 3" in result.stderr
    table = run_cli("diff", "-w", ws)  # the table carries it: part of what a person reads
    assert f"Criteria changed since {head(repo)}: weight of volume 1 -> 3" in table.stdout
    assert "criteria changed" not in table.stderr
    markdown = run_cli("diff", "-w", ws, "-f", "markdown")
    assert (
        f"> :warning: Criteria changed since {head(repo)}: weight of volume 1 -> 3"
        in markdown.stdout
    )
    assert "criteria changed" not in markdown.stderr


def test_the_old_side_falls_back_to_the_preset(repo: Path) -> None:
    # At HEAD there is no criteria/ folder: the built-in default. Now a copy of it: same set.
    preset = (
        resources.files("prioritize.presets").joinpath("default.yaml").read_text(encoding="utf-8")
    )
    evidence = (
        "evidence:\n  functional: {completion_rate: 0.5, digital_take_up: 0.5}\n"
        "  operational: {monthly_volume: 1000, cost_per_transaction: 5}\n  experience: {csat: 3}\n"
    )
    write(
        repo,
        {
            "backlogs/p.yaml": POOLS,
            "backlogs/a.yaml": "id: a\ntitle: A\npool: p\neffort: 2\n" + evidence,
        },
    )
    commit_all(repo)
    write(repo, {"criteria/default.yaml": preset})
    result = run_cli("diff", "-w", repo, "-f", "csv", "--all")
    assert result.exit_code == 0, result.stderr
    # Hand-computed: weights 3+2+2+2+1+1+1 = 12; completion 3*0.5, cost 2*1 and volume 2*1 (one
    # item: auto range gives 1), satisfaction 2*0.5, take-up 1*0.5, the optional two 0: 7.
    # value = 100 * 7 / 12, per effort 2: 175 / 6.
    row = result.stdout.splitlines()[1].split(",")
    assert row[:4] == ["a", "A", "1", "1"] and row[6] == "same"
    assert float(row[4]) == float(row[5]) == pytest.approx(175 / 6)
    assert result.stderr == ""


def test_a_criteria_file_given_by_path_is_read_at_the_revision(ws: Path, repo: Path) -> None:
    commit_all(repo)
    write(ws, {"criteria/default.yaml": CRITERIA.format(weight=2)})
    result = run_cli("diff", "-w", ws, "-c", ws / "criteria" / "default.yaml", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert "weight of volume 1 -> 2" in result.stderr


def test_a_criteria_path_relative_to_the_workspace_and_one_outside_the_repository(
    ws: Path, repo: Path, tmp_path: Path
) -> None:
    commit_all(repo)
    write(ws, {"criteria/default.yaml": CRITERIA.format(weight=2)})
    inside = run_cli("diff", "-w", ws, "-c", "criteria/default.yaml", "-f", "csv", cwd=tmp_path)
    assert inside.exit_code == 0, inside.stderr
    assert "weight of volume 1 -> 2" in inside.stderr
    write(tmp_path, {"elsewhere.yaml": CRITERIA.format(weight=5)})
    outside = run_cli("diff", "-w", ws, "-c", tmp_path / "elsewhere.yaml", "-f", "csv", "--all")
    assert outside.exit_code == 0, outside.stderr
    assert outside.stderr == ""  # the same file scores both sides: no criteria change
    assert all(line.endswith(",same") for line in outside.stdout.splitlines()[1:])


def test_votes_at_the_revision_score_the_old_side(repo: Path) -> None:
    judged = """\
name: Judged
criteria:
  - {id: priority, data: judgement, scale: {range: [0, 10]}}
"""
    write(
        repo,
        {
            "criteria/default.yaml": judged,
            "backlogs/p.yaml": POOLS,
            "backlogs/a.yaml": "id: A\ntitle: A\npool: p\nscores: {priority: 9}\n",
            "backlogs/b.yaml": "id: B\ntitle: B\npool: p\nscores: {priority: 1}\n",
            "votes/ann.yaml": "stakeholder: Ann\nscores: {A: {priority: 1}, B: {priority: 9}}\n",
        },
    )
    commit_all(repo)
    unchanged = run_cli("diff", "-w", repo, "-f", "csv", "--all")
    assert unchanged.exit_code == 0, unchanged.stderr
    assert unchanged.stdout.splitlines()[1:] == ["B,B,1,1,90,90,same", "A,A,2,2,10,10,same"]
    (repo / "votes" / "ann.yaml").unlink()
    moved = run_cli("diff", "-w", repo, "-f", "csv")
    assert moved.stdout.splitlines()[1:] == ["A,A,2,1,10,90,up", "B,B,1,2,90,10,down"]


def test_a_criteria_set_missing_at_the_revision_is_a_clear_error(ws: Path, repo: Path) -> None:
    commit_all(repo)
    write(ws, {"criteria/mine.yaml": CRITERIA.format(weight=1)})
    result = run_cli("diff", "-w", ws, "-c", "mine")
    assert result.exit_code == 2
    assert f'prioritize: at {head(repo)}: no criteria set "mine"' in result.stderr


def test_problems_at_the_revision_are_located_there(ws: Path, repo: Path) -> None:
    write(ws, {"backlogs/A.yaml": "id: A\ntitle: [oops\n"})
    broken = commit_all(repo)
    write(ws, {"backlogs/A.yaml": item("A", 90)})
    result = run_cli("diff", "-w", ws)
    assert result.exit_code == 2
    assert f"{broken}:backlogs/A.yaml:" in result.stderr


def test_a_value_the_revision_cannot_score_is_located_in_its_file_there(
    ws: Path, repo: Path
) -> None:
    """Found after loading, when the revision's bytes were let go: read again from git."""
    bad = item("B", 50).replace("monthly_volume: 50", "monthly_volume: lots")
    write(ws, {"backlogs/B.yaml": bad})
    broken = commit_all(repo)
    write(ws, {"backlogs/B.yaml": item("B", 50)})
    result = run_cli("diff", "-w", ws)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f'{broken}:backlogs/B.yaml:6:33: not-numeric volume needs a number here, not "lots"'
    ), result.stderr


def test_an_unknown_revision_is_an_error(ws: Path) -> None:
    result = run_cli("diff", "no-such-branch", "-w", ws)
    assert result.exit_code == 2
    assert 'prioritize: unknown revision "no-such-branch"' in result.stderr


def test_outside_a_git_repository_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    write(tmp_path / "ws", {"backlogs/p.yaml": POOLS})
    result = run_cli("diff", "-w", tmp_path / "ws")
    assert result.exit_code == 2
    assert "is not inside a git repository" in result.stderr


# --- criteria set comparison (pure) -----------------------------------------------------------


def criteria(text: str) -> CriteriaSet:
    from prioritize import yamlio

    return CriteriaSet.model_validate(yamlio.parse(text))


BASE = """\
name: Set
risk_factor: {high: 0.6}
criteria:
  - {id: cost, data: operational, weight: 2}
  - {id: satisfaction, data: experience, direction: higher, scale: {range: [1, 5]}}
  - {id: old, data: functional}
"""


def test_criteria_changes_name_each_rule_that_moved() -> None:
    new = """\
name: Renamed set
agreed_by: [Someone new]
per_effort: true
risk_factor: {high: 0.5}
criteria:
  - {id: cost, data: operational, weight: 3, name: Cost}
  - {id: satisfaction, data: experience, direction: lower, scale: {range: [0, 5], transform: log}, required: false}
  - {id: research, data: experience}
"""
    assert criteria_changes(criteria(BASE), criteria(new)) == [
        "per_effort false -> true",
        "risk factor of high 0.6 -> 0.5",
        "weight of cost 2 -> 3",
        "direction of satisfaction higher -> lower",
        "range of satisfaction [1, 5] -> [0, 5]",
        "transform of satisfaction none -> log",
        "satisfaction required -> optional",
        "criterion research added",
        "criterion old removed",
    ]
    assert criteria_changes(criteria(BASE), criteria(BASE)) == []


def test_criteria_changes_name_confidence_switched_on_and_its_levels() -> None:
    sure = BASE.replace("risk_factor:", "confidence: true\nrisk_factor:")
    own = BASE.replace("risk_factor:", "confidence: {opinion: 0.05, pilot: 0.9}\nrisk_factor:")
    assert criteria_changes(criteria(BASE), criteria(sure)) == ["confidence off -> on"]
    assert criteria_changes(criteria(sure), criteria(BASE)) == ["confidence on -> off"]
    # pilot 0.9 is the built-in level: only the opinion moved.
    assert criteria_changes(criteria(sure), criteria(own)) == [
        "confidence level of opinion 0.1 -> 0.05"
    ]
    off = BASE.replace("risk_factor:", "confidence: false\nrisk_factor:")
    assert criteria_changes(criteria(BASE), criteria(off)) == []


def test_two_revisions_compare_with_each_other_and_never_read_the_working_tree(
    ws: Path, repo: Path
) -> None:
    # Three commits: A 90 B 50 E 30 C 10 F 5; then C 95, D 70, E gone; then B 99.
    first = head(repo)
    second = commit_all(repo, "C rises, D new, E gone")
    write(ws, {"backlogs/B.yaml": item("B", 99)})
    third = commit_all(repo, "B rises")
    # The working tree is broken: a diff of two revisions must not read it.
    write(ws, {"backlogs/B.yaml": "id: [unclosed\n"})
    expected_1_2 = [("C", "up", 4, 1), ("A", "down", 1, 2), ("D", "new", None, 3),
                    ("B", "down", 2, 4), ("F", "same", 5, 5), ("E", "removed", 3, None)]  # fmt: skip
    for args in ((first, second), (f"{first}..{second}",)):
        result = run_cli("diff", *args, "-w", ws, "-f", "json", "--all")
        assert result.exit_code == 0, result.stderr
        rows = [
            (r["id"], r["change"], r["old_rank"], r["new_rank"]) for r in json.loads(result.stdout)
        ]
        assert sorted(rows, key=str) == sorted(expected_1_2, key=str)
    # HEAD~1..HEAD: only B moved, from 4 to 1; A, C and D each went down one place.
    result = run_cli("diff", "HEAD~1..HEAD", "-w", ws, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert [(r["id"], r["old_rank"], r["new_rank"]) for r in json.loads(result.stdout)] == [
        ("B", 4, 1), ("C", 1, 2), ("A", 2, 3), ("D", 3, 4),
    ]  # fmt: skip
    table = run_cli("diff", first, third, "-w", ws)
    assert f"Ranking changes since {first} (to {third}):" in table.stdout
    # One revision still means the working tree, which is broken here: refused, located.
    broken = run_cli("diff", "HEAD", "-w", ws)
    assert broken.exit_code == 2
    assert broken.stderr.startswith("backlogs/B.yaml:2:1: syntax ")
    too_many = run_cli("diff", first, second, third, "-w", ws)
    assert (too_many.exit_code, too_many.stderr.strip()) == (
        2, "prioritize: diff takes at most two revisions: REV, A B or A..B",
    )  # fmt: skip
