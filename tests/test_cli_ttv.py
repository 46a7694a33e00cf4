"""`prioritize ttv` end to end: small workspaces, every format, the errors, the repository's own workspace."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run_cli
from prioritize.scheduling import next_monday

# A formula set whose value is the item's scores.v, so every value below is chosen by hand.
CRITERIA = """
    name: Value as judged
    agreed_by: [Test board]
    method: formula
    formula: v
    criteria:
      - id: v
        data: judgement
"""
SETTINGS = """
    criteria: v
    capacity: {per_week: 1, teams: 1}
    start: 2027-01-04
"""
POOLS = """
    value_pools:
      - {id: p, name: Pool P}
      - {id: q, name: Pool Q}
"""
SCHEDULE_KEYS = [
    "order", "id", "title", "pool", "team", "start_week", "finish_week",
    "start_date", "finish_date", "value", "cumulative_value_pct", "due", "late", "mandate",
]  # fmt: skip

Make = Callable[[dict[str, str]], Path]


def workspace(make: Make, items: str, settings: str = SETTINGS) -> Path:
    return make(
        {
            "prioritize.yaml": settings,
            "criteria/v.yaml": CRITERIA,
            "backlogs/pools.yaml": POOLS,
            "backlogs/items.yaml": "items:\n" + items,
        }
    )


# A: value 10, effort 2 (2 weeks at 1 a week); B: value 30, effort 4 (4 weeks).
COST_OF_DELAY = """
  - {id: A, title: Alpha, pool: p, effort: 2, scores: {v: 10}}
  - {id: B, title: Beta, pool: q, effort: 4, scores: {v: 30}}
"""


def ttv_json(ws: Path, *args: str) -> dict:  # type: ignore[type-arg]
    result = run_cli("ttv", "-w", ws, "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_cost_of_delay_cd3_gains_half_a_week(make_workspace: Make) -> None:
    doc = ttv_json(workspace(make_workspace, COST_OF_DELAY), "--order", "cd3")
    schedule = doc["schedule"]
    # B (30 / 4 weeks = 7.5 a week) before A (10 / 2 = 5): B weeks 0-4, A 4-6.
    assert [(r["id"], r["start_week"], r["finish_week"]) for r in schedule] == [
        ("B", 0, 4),
        ("A", 4, 6),
    ]
    # Working days from Monday 2027-01-04: B ends Friday 29 Jan, A runs Mon 1 Feb to Fri 12 Feb.
    assert [(r["start_date"], r["finish_date"]) for r in schedule] == [
        ("2027-01-04", "2027-01-29"), ("2027-02-01", "2027-02-12"),
    ]  # fmt: skip
    # B done: 30 of 40 = 75%; A done: 100%.
    assert [r["cumulative_value_pct"] for r in schedule] == [75.0, 100.0]
    summary = doc["summary"]
    # (30*4 + 10*6) / 40 = 4.5; file order (A first): (10*2 + 30*6) / 40 = 5.0.
    assert summary["mean_weeks_to_value"] == pytest.approx(4.5)
    assert summary["gain_vs_listed_weeks"] == pytest.approx(0.5)
    assert summary["weeks_to_50pct"] == 4  # B alone is 75%
    assert summary["weeks_to_80pct"] == 6
    listed = next(r for r in doc["comparison"] if r["order"] == "listed")
    assert listed["mean_weeks_to_value"] == pytest.approx(5.0)
    assert [p["pool"] for p in summary["pools"]] == [
        "q",
        "p",
    ]  # q delivers first (week 4), p at week 6


def test_exact_json_keys(make_workspace: Make) -> None:
    doc = ttv_json(workspace(make_workspace, COST_OF_DELAY))
    assert list(doc) == ["summary", "schedule", "comparison"]
    assert all(list(row) == SCHEDULE_KEYS for row in doc["schedule"])
    assert list(doc["summary"]) == [
        "order", "low_risk_first", "capacity_per_week", "teams", "start", "items", "total_value",
        "mean_weeks_to_value", "weeks_to_50pct", "weeks_to_80pct", "last_finish_week",
        "last_finish_date", "gain_vs_listed_weeks", "mandated", "deadlines_met", "deadlines_missed",
        "pools",
    ]  # fmt: skip
    assert list(doc["summary"]["pools"][0]) == [
        "pool", "items", "value", "first_delivery_week", "last_delivery_week",
        "first_delivery_date", "last_delivery_date",
    ]  # fmt: skip
    assert [list(row) for row in doc["comparison"]] == [
        ["order", "low_risk_first", "chosen", "total_value", "mean_weeks_to_value", "weeks_to_50pct",
         "weeks_to_80pct", "last_finish_week", "gain_vs_listed_weeks"]
    ] * 5  # fmt: skip
    assert [(r["order"], r["low_risk_first"], r["chosen"]) for r in doc["comparison"]] == [
        ("score", False, True), ("listed", False, False), ("value", False, False),
        ("cd3", False, False), ("score", True, False),
    ]  # fmt: skip


def test_two_teams_with_a_dependency(make_workspace: Make) -> None:
    items = """
  - {id: A, title: A, pool: p, effort: 4, scores: {v: 40}}
  - {id: B, title: B, pool: p, effort: 2, scores: {v: 10}}
  - {id: C, title: C, pool: q, effort: 2, scores: {v: 30}, depends_on: [A]}
  - {id: D, title: D, pool: q, effort: 3, scores: {v: 20}}
"""
    doc = ttv_json(workspace(make_workspace, items), "--order", "listed", "--teams", "2")
    # A team 1 0-4; B team 2 0-2; C team 2 from 4 (waits for A) to 6; D team 1 4-7.
    assert [(r["id"], r["team"], r["start_week"], r["finish_week"]) for r in doc["schedule"]] == [
        ("A", 1, 0, 4), ("B", 2, 0, 2), ("C", 2, 4, 6), ("D", 1, 4, 7),
    ]  # fmt: skip
    assert doc["summary"]["mean_weeks_to_value"] == pytest.approx(
        5.0
    )  # (160 + 20 + 180 + 140) / 100


def test_in_progress_first_done_dependency_met_and_options_over_settings(
    make_workspace: Make,
) -> None:
    items = """
  - {id: old, title: Old, pool: p, effort: 9, status: done}
  - {id: top, title: Top, pool: p, effort: 2, scores: {v: 90}, depends_on: [old]}
  - {id: busy, title: Busy, pool: q, effort: 4, scores: {v: 1}, status: in-progress}
"""
    doc = ttv_json(workspace(make_workspace, items), "--capacity", "2", "--start", "2027-03-01")
    # busy first although ranked last: 4 / 2 = 2 weeks; top after it (old is done: met), 1 week.
    assert [(r["id"], r["start_week"], r["finish_week"]) for r in doc["schedule"]] == [
        ("busy", 0, 2),
        ("top", 2, 3),
    ]
    assert doc["summary"]["capacity_per_week"] == 2
    assert doc["summary"]["start"] == "2027-03-01"
    assert doc["schedule"][0]["start_date"] == "2027-03-01"


def test_low_risk_first_and_its_cost(make_workspace: Make) -> None:
    items = """
  - {id: big, title: Big, pool: p, effort: 2, scores: {v: 50}, risk: high}
  - {id: safe, title: Safe, pool: p, effort: 2, scores: {v: 10}, risk: low, facing: public}
  - {id: inner, title: Inner, pool: q, effort: 2, scores: {v: 5}, risk: low, facing: internal}
"""
    doc = ttv_json(workspace(make_workspace, items), "--low-risk-first")
    assert [r["id"] for r in doc["schedule"]] == ["inner", "safe", "big"]
    by_run = {(r["order"], r["low_risk_first"]): r for r in doc["comparison"]}
    # low-risk first: inner 2, safe 4, big 6: (5*2 + 10*4 + 50*6) / 65 = 350 / 65
    # score alone: big 2, safe 4, inner 6: (50*2 + 10*4 + 5*6) / 65 = 170 / 65
    assert by_run[("score", True)]["chosen"] is True
    assert by_run[("score", True)]["mean_weeks_to_value"] == pytest.approx(350 / 65)
    assert by_run[("score", False)]["mean_weeks_to_value"] == pytest.approx(170 / 65)


def test_dependent_of_an_unscored_item_is_left_out_with_a_warning(make_workspace: Make) -> None:
    items = """
  - {id: U, title: No judgement yet, pool: p, effort: 1}
  - {id: D, title: Needs U, pool: p, effort: 1, scores: {v: 3}, depends_on: [U]}
  - {id: K, title: Fine, pool: q, effort: 1, scores: {v: 2}}
  - {id: L, title: Not sized, pool: q, scores: {v: 9}}
"""
    result = run_cli("ttv", "-w", workspace(make_workspace, items), "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert "U is unscored" in result.stderr
    # Line 4 (a blank line follows `items:`), column 78: the "U" in D's depends_on.
    assert (
        'backlogs/items.yaml:4:78: warning: D is left out of the schedule: it depends on "U", which is unscored'
        in result.stderr
    )
    assert (
        "warning: L is left out of the schedule: it has no effort to turn into weeks"
        in result.stderr
    )
    lines = result.stdout.splitlines()
    assert lines[0] == ",".join(SCHEDULE_KEYS)
    assert [line.split(",")[1] for line in lines[1:]] == ["K"]


def test_missing_capacity_is_an_exit_2_saying_how_to_give_one(make_workspace: Make) -> None:
    ws = workspace(make_workspace, COST_OF_DELAY, settings="criteria: v\n")
    result = run_cli("ttv", "-w", ws)
    assert result.exit_code == 2
    assert "no capacity" in result.stderr
    assert "--capacity" in result.stderr and "capacity: {per_week: N}" in result.stderr
    assert result.stdout == ""
    # Given on the command line it runs, on one team from the next Monday after today.
    doc = ttv_json(ws, "--capacity", "1")
    assert doc["summary"]["teams"] == 1
    assert doc["summary"]["start"] == next_monday(date.today()).isoformat()


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ("  - {id: A, title: A, pool: p, effort: 1, scores: {v: 1}, depends_on: [Z]}\n", "unknown-dependency"),
        ("  - {id: A, title: A, pool: p, effort: 1, scores: {v: 1}, depends_on: [X]}\n"
         "  - {id: X, title: X, pool: p, effort: 1, status: dropped}\n", "depends-on-dropped"),
        ("  - {id: A, title: A, pool: p, effort: 1, scores: {v: 1}, depends_on: [B]}\n"
         "  - {id: B, title: B, pool: p, effort: 1, scores: {v: 1}, depends_on: [A]}\n", "dependency-cycle"),
    ],
)  # fmt: skip
def test_broken_dependencies_are_exit_2(make_workspace: Make, items: str, code: str) -> None:
    result = run_cli("ttv", "-w", workspace(make_workspace, items))
    assert result.exit_code == 2
    assert "backlogs/items.yaml:2:" in result.stderr and code in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_capacity_and_teams_are_exit_2(make_workspace: Make) -> None:
    ws = workspace(make_workspace, COST_OF_DELAY)
    assert run_cli("ttv", "-w", ws, "--capacity", "0").exit_code == 2
    assert run_cli("ttv", "-w", ws, "--teams", "0").exit_code == 2
    assert run_cli("ttv", "-w", ws, "--start", "next week").exit_code == 2
    assert run_cli("ttv", "-w", ws, "--order", "random").exit_code == 2


def test_markdown_has_schedule_then_summary_and_comparison(make_workspace: Make) -> None:
    result = run_cli(
        "ttv", "-w", workspace(make_workspace, COST_OF_DELAY), "-f", "markdown", "--order", "cd3"
    )
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    headings = [
        "### Time to value: schedule",
        "### Summary",
        "### Value pools",
        "### Orderings compared",
    ]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "| " + " | ".join(SCHEDULE_KEYS) + " |" in text
    assert "| 1 | B | Beta | q | 1 | 0.0 | 4.0 | 2027-01-04 | 2027-01-29 | 30 | 75.0% |" in text
    assert "| Mean weeks to value (value-weighted) | 4.5 |" in text
    assert "| cd3 | yes |" in text


def test_output_file_gets_the_csv(make_workspace: Make, tmp_path: Path) -> None:
    target = tmp_path / "ttv.csv"
    result = run_cli(
        "ttv", "-w", workspace(make_workspace, COST_OF_DELAY), "-f", "csv", "-o", target
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8").splitlines() == [
        ",".join(SCHEDULE_KEYS),
        # Score order (score = value here): B 30 first, weeks 0-4, then A 4-6; B alone is 30/40 = 75%.
        "1,B,Beta,q,1,0,4,2027-01-04,2027-01-29,30,75,,,",
        "2,A,Alpha,p,1,4,6,2027-02-01,2027-02-12,10,100,,,",
    ]


def test_help_says_csv_is_the_schedule_only() -> None:
    result = run_cli("ttv", "--help")
    assert result.exit_code == 0
    assert "csv holds the schedule only" in result.stdout
    for option in ("--order", "--low-risk-first", "--capacity", "--teams", "--start"):
        assert option in result.stdout


def test_repository_root_runs_with_no_options() -> None:
    result = run_cli("ttv", cwd=REPO_ROOT)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for part in ("Time to value:", "Summary", "Mean weeks to value", "Value pools: first and last delivery",
                 "Orderings compared", "burn-up", "from 2027-01-04"):  # fmt: skip
        assert part in out, part
    assert "█" in out  # the chart's bars
    doc = json.loads(run_cli("ttv", "-f", "json", cwd=REPO_ROOT).stdout)
    assert doc["summary"]["teams"] == 2 and doc["summary"]["capacity_per_week"] == 10
    assert doc["summary"]["start"] == "2027-01-04"
