"""Ideas (captured, evidence not yet gathered) and values outside a criterion's range, end to end."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import run_cli

Make = Callable[[dict[str, str]], Path]

# Weighted, per effort, weights 1 each: value = 100 * (n(rate) + n(csat) + n(volume)) / 3, with
# csat and volume optional (absent: n = 0); score = value / effort.
CRITERIA = """
    name: Rate per effort
    agreed_by: [Test board]
    per_effort: true
    criteria:
      - id: rate
        data: functional
        source: evidence.functional.rate
        scale: {range: [0, 1]}
      - id: csat
        data: experience
        source: evidence.experience.csat
        scale: {range: [1, 5]}
        required: false
      - id: volume
        data: operational
        source: evidence.operational.volume
        required: false
"""
SETTINGS = """
    criteria: r
    capacity: {per_week: 1, teams: 1}
    start: 2027-01-04
"""
BACKLOG = """
    value_pools:
      - {id: p, name: Pool P}
    items:
      - {id: A, title: Work, pool: p, effort: 2, evidence: {functional: {rate: 0.5}}}
      - {id: I-1, title: Bare idea, pool: p, status: idea}
      - {id: I-2, title: Idea with a rate but no effort, pool: p, status: idea,
         evidence: {functional: {rate: 0.9}}}
      - {id: I-3, title: Scored idea, pool: p, status: idea, effort: 1,
         evidence: {functional: {rate: 0.8}}}
"""


def workspace(make: Make, backlog: str = BACKLOG) -> Path:
    return make(
        {"prioritize.yaml": SETTINGS, "criteria/r.yaml": CRITERIA, "backlogs/b.yaml": backlog}
    )


def test_a_scored_idea_ranks_and_the_others_are_one_line(make_workspace: Make) -> None:
    # I-3: value 100 * 0.8 / 3 = 26.67, score 26.67 / 1; A: value 100 * 0.5 / 3 = 16.67, score 8.33.
    ws = workspace(make_workspace)
    result = run_cli("rank", "-w", ws, "-f", "csv")
    assert result.exit_code == 0
    rows = [line.split(",")[:2] for line in result.stdout.splitlines()[1:]]
    assert rows == [["1", "I-3"], ["2", "A"]]
    assert result.stderr == (
        "2 ideas not ranked yet: waiting for evidence (--include-unscored lists them)\n"
    )


def test_include_unscored_lists_the_ideas_with_their_reasons(make_workspace: Make) -> None:
    ws = workspace(make_workspace)
    result = run_cli("rank", "-w", ws, "-f", "json", "--include-unscored")
    rows = json.loads(result.stdout)
    assert [(r["rank"], r["id"]) for r in rows] == [
        (1, "I-3"),
        (2, "A"),
        (None, "I-1"),
        (None, "I-2"),
    ]


def test_ttv_never_schedules_an_idea_even_a_scored_one(make_workspace: Make) -> None:
    ws = workspace(make_workspace)
    result = run_cli("ttv", "-w", ws, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert [row["id"] for row in json.loads(result.stdout)["schedule"]] == ["A"]


def test_work_that_depends_on_an_idea_waits_for_it(make_workspace: Make) -> None:
    backlog = BACKLOG.replace("{id: A, title: Work,", "{id: A, title: Work, depends_on: [I-3],")
    result = run_cli("ttv", "-w", workspace(make_workspace, backlog), "-f", "csv")
    assert result.exit_code == 0
    assert (
        'A is left out of the schedule: it depends on "I-3", which is an idea, not yet planned work'
        in result.stderr
    )


def test_a_backlog_of_only_ideas_passes_check_strict(make_workspace: Make) -> None:
    backlog = """
        value_pools:
          - {id: p, name: Pool P}
        items:
          - {id: I-1, title: Bare idea, pool: p, status: idea}
          - {id: I-2, title: Another, pool: p, status: idea, evidence: {as_of: 2020-01-01}}
    """
    result = run_cli("check", "-w", workspace(make_workspace, backlog), "--strict")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr.splitlines()[-1] == "2 ideas waiting for evidence (never a finding)"


def test_values_outside_a_fixed_range_are_counted_on_stderr_and_located_by_check(
    make_workspace: Make,
) -> None:
    backlog = """
        value_pools:
          - {id: p, name: Pool P}
        items:
          - id: A
            title: Rate typed as a percentage
            pool: p
            effort: 2
            evidence:
              as_of: 2026-11-01
              functional: {rate: 80}
              experience: {csat: 0.5}
          - {id: B, title: Fine, pool: p, effort: 2, evidence: {as_of: 2026-11-01, functional: {rate: 0.5}}}
    """
    ws = workspace(make_workspace, backlog)
    ranked = run_cli("rank", "-w", ws, "-f", "csv")
    assert ranked.exit_code == 0
    # Clipped, not refused: A's rate 80 scores as 1 and its csat 0.5 as 1 (n = 0).
    # A: 100 * (1 + 0 + 0) / 3 = 33.33, score 16.67; B: 100 * 0.5 / 3 = 16.67, score 8.33.
    assert [
        line.split(",")[1:2] + line.split(",")[8:9] for line in ranked.stdout.splitlines()[1:]
    ] == [
        ["A", repr(100 / 3 / 2)],
        ["B", repr(100 * 0.5 / 3 / 2)],
    ]
    assert ranked.stderr == (
        "warning: 2 values outside their criterion's range scored as the nearest end of it; "
        "`prioritize check` shows where\n"
    )
    for command in ("ttv", "report"):
        assert "2 values outside their criterion's range" in run_cli(command, "-w", ws).stderr
    checked = run_cli("check", "-w", ws, "--max-age", "100000")
    assert checked.exit_code == 0
    # (neither item records a source: both draw weak-evidence, left aside here)
    assert [line for line in checked.stdout.splitlines() if "weak-evidence" not in line] == [
        "backlogs/b.yaml:10:26: out-of-range A: evidence.functional.rate 80 is outside rate's "
        "range [0, 1] and is scored as 1; did you mean 0.80?",
        "backlogs/b.yaml:11:26: out-of-range A: evidence.experience.csat 0.5 is outside csat's "
        "range [1, 5] and is scored as 1",
    ]
    report = run_cli("report", "-w", ws).stdout
    assert "did you mean 0.80?" in report
