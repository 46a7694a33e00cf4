"""The built-in presets reproduce published examples, end to end through `prioritize rank`."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT, run_cli

PRESETS = ("default", "rice", "wsjf", "ice")
POOL = """
value_pools:
  - id: p
    name: P
"""


def rank_json(ws: Path, *args: str) -> list[dict[str, Any]]:
    result = run_cli("rank", "-w", ws, "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def scores(rows: list[dict[str, Any]]) -> dict[str, float]:
    return {r["id"]: r["score"] for r in rows}


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in rows]


# --- RICE -----------------------------------------------------------------------------------

RICE_BACKLOG = (
    POOL
    + """
items:
  - id: project-1
    title: Project 1
    pool: p
    effort: 2
    scores: {reach: 450, impact: 3, confidence: 1.0}
  - id: project-2
    title: Project 2
    pool: p
    effort: 4
    scores: {reach: 2000, impact: 1, confidence: 0.8}
  - id: project-3
    title: Project 3
    pool: p
    effort: 1
    scores: {reach: 800, impact: 2, confidence: 0.5}
"""
)


def test_rice_reproduces_intercoms_projects(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace({"backlogs/projects.yaml": RICE_BACKLOG})
    rows = rank_json(ws, "-c", "rice")
    # 450 * 3 * 1.0 / 2 = 675;  2000 * 1 * 0.8 / 4 = 400;  800 * 2 * 0.5 / 1 = 800
    assert scores(rows) == pytest.approx({"project-1": 675, "project-2": 400, "project-3": 800})
    assert ids(rows) == ["project-3", "project-1", "project-2"]
    assert [r["rank"] for r in rows] == [1, 2, 3]
    # value = score for formula sets; c.<id> is the formula's input
    assert all(r["value"] == pytest.approx(r["score"]) for r in rows)
    first = rows[1]
    assert (first["c.reach"], first["c.impact"], first["c.confidence"]) == pytest.approx(
        (450, 3, 1.0)
    )


def test_the_rice_intercom_example_workspace() -> None:
    # Its prioritize.yaml chooses the rice preset; no --criteria needed.
    rows = rank_json(REPO_ROOT / "examples" / "rice-intercom")
    assert scores(rows) == pytest.approx({"project-1": 675, "project-2": 400, "project-3": 800})
    assert ids(rows) == ["project-3", "project-1", "project-2"]


def test_rice_impact_is_limited_to_intercoms_scale(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace(
        {
            "backlogs/projects.yaml": POOL
            + """
items:
  - id: X
    title: X
    pool: p
    effort: 1
    scores: {reach: 10, impact: 4, confidence: 1}
"""
        }
    )
    result = run_cli("rank", "-w", ws, "-c", "rice", "-f", "json")
    assert result.exit_code == 2
    # lines: 1 value_pools, 2-3 the pool, 4 blank, 5 items, 6 id, 7 title, 8 pool, 9 effort, 10 scores.
    # "    scores: {reach: 10, impact: 4, confidence: 1}": "{" is column 13, "reach: 10, " 14-24,
    # "impact: " 25-32, so the 4 is column 33
    assert "backlogs/projects.yaml:10:33: not-allowed " in result.stderr


def test_rice_without_effort_is_unscored(make_workspace: Callable[[dict[str, str]], Path]) -> None:
    ws = make_workspace(
        {
            "backlogs/projects.yaml": POOL
            + """
items:
  - id: X
    title: X
    pool: p
    scores: {reach: 10, impact: 1, confidence: 1}
"""
        }
    )
    result = run_cli("rank", "-w", ws, "-c", "rice", "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert "X is unscored" in result.stderr and "effort" in result.stderr


# --- WSJF -----------------------------------------------------------------------------------

WSJF_BACKLOG = (
    POOL
    + """
items:
  - id: A
    title: Feature A
    pool: p
    effort: 3
    scores: {business_value: 20, time_criticality: 20, risk_reduction: 8}
  - id: B
    title: Feature B
    pool: p
    effort: 1
    scores: {business_value: 13, time_criticality: 8, risk_reduction: 1}
  - id: C
    title: Feature C
    pool: p
    effort: 1
    scores: {business_value: 20, time_criticality: 5, risk_reduction: 2}
"""
)


def test_wsjf_table(make_workspace: Callable[[dict[str, str]], Path]) -> None:
    ws = make_workspace({"backlogs/features.yaml": WSJF_BACKLOG})
    rows = rank_json(ws, "-c", "wsjf")
    # A: (20 + 20 + 8) / 3 = 48 / 3 = 16;  B: (13 + 8 + 1) / 1 = 22;  C: (20 + 5 + 2) / 1 = 27
    assert scores(rows) == pytest.approx({"A": 16, "B": 22, "C": 27})
    assert ids(rows) == ["C", "B", "A"]


def test_the_wsjf_release_example_workspace() -> None:
    rows = rank_json(REPO_ROOT / "examples" / "wsjf-release")
    expected = {
        "PRM-101": (20 + 8 + 5) / 8,  # 33 / 8 = 4.125
        "PRM-102": (8 + 20 + 13) / 5,  # 41 / 5 = 8.2
        "PRM-103": (8 + 13 + 13) / 5,  # 34 / 5 = 6.8
        "PRM-104": (13 + 3 + 3) / 13,  # 19 / 13 = 1.4615...
        "PRM-105": (5 + 2 + 1) / 2,  # 8 / 2 = 4
        "PRM-106": (3 + 5 + 20) / 3,  # 28 / 3 = 9.333...
        "PRM-107": (1 + 13 + 20) / 8,  # 34 / 8 = 4.25
        "PRM-108": (5 + 3 + 2) / 3,  # 10 / 3 = 3.333...
    }
    assert scores(rows) == pytest.approx(expected)
    assert ids(rows) == [
        "PRM-106",
        "PRM-102",
        "PRM-103",
        "PRM-107",
        "PRM-101",
        "PRM-105",
        "PRM-108",
        "PRM-104",
    ]


def test_wsjf_accepts_only_the_modified_fibonacci_scale(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace(
        {
            "backlogs/features.yaml": WSJF_BACKLOG.replace(
                "time_criticality: 5,", "time_criticality: 4,"
            )
        }
    )
    result = run_cli("rank", "-w", ws, "-c", "wsjf", "-f", "json")
    assert result.exit_code == 2
    # lines: 1-3 the pool, 4 blank, 5 items, 6-10 A, 11-15 B, 16 "- id: C" ... 20 C's scores.
    # "    scores: {business_value: 20, time_criticality: 4, ...}": "{" column 13,
    # "business_value: 20, " 14-33, "time_criticality: " 34-51, so the 4 is column 52
    assert "backlogs/features.yaml:20:52: not-allowed " in result.stderr
    assert "Traceback" not in result.stderr


# --- ICE ------------------------------------------------------------------------------------


def test_ice(make_workspace: Callable[[dict[str, str]], Path]) -> None:
    ws = make_workspace(
        {
            "backlogs/ideas.yaml": POOL
            + """
items:
  - id: A
    title: A
    pool: p
    scores: {ice_impact: 8, ice_confidence: 7, ease: 5}
  - id: B
    title: B
    pool: p
    scores: {ice_impact: 10, ice_confidence: 10, ease: 1}
  - id: C
    title: C
    pool: p
    scores: {ice_impact: 3, ice_confidence: 4, ease: 9}
"""
        }
    )
    rows = rank_json(ws, "-c", "ice")
    # A: 8 * 7 * 5 = 280;  B: 10 * 10 * 1 = 100;  C: 3 * 4 * 9 = 108; no effort needed
    assert scores(rows) == pytest.approx({"A": 280, "B": 100, "C": 108})
    assert ids(rows) == ["A", "C", "B"]


# --- default --------------------------------------------------------------------------------

DEFAULT_BACKLOG = (
    POOL
    + f"""
items:
  - id: A
    title: A
    pool: p
    effort: 2
    risk: low
    evidence:
      functional: {{completion_rate: 0.4, digital_take_up: 0.5}}
      operational: {{cost_per_transaction: 10, monthly_volume: 0}}
      experience: {{csat: 3, research_findings: 2}}
    scores: {{policy_alignment: 5}}
  - id: B
    title: B
    pool: p
    effort: 1
    risk: medium
    evidence:
      functional: {{completion_rate: 0.9, digital_take_up: 1}}
      operational: {{cost_per_transaction: 30, monthly_volume: {math.e - 1!r}}}
      experience: {{csat: 1}}
  - id: C
    title: C
    pool: p
    effort: 4
    risk: high
    evidence:
      functional: {{completion_rate: 0, digital_take_up: 0}}
      operational: {{cost_per_transaction: 20, monthly_volume: {math.e**2 - 1!r}}}
      experience: {{csat: 5, research_findings: 6}}
    scores: {{policy_alignment: 1}}
"""
)


def test_default_preset_by_hand(make_workspace: Callable[[dict[str, str]], Path]) -> None:
    ws = make_workspace({"backlogs/items.yaml": DEFAULT_BACKLOG})
    rows = {r["id"]: r for r in rank_json(ws, "-c", "default")}
    # weights: completion 3, cost 2, volume 2, satisfaction 2, take_up 1, research 1, policy 1; sum 12
    # completion (lower, [0, 1]):  A 1 - 0.4 = 0.6;  B 1 - 0.9 = 0.1;  C 1 - 0 = 1
    # cost (auto over 10, 30, 20): A 0;  B 1;  C 0.5
    # volume (log: ln(1 + x) = 0, 1, 2; auto): A 0;  B 0.5;  C 1
    # satisfaction (lower, [1, 5]): A 1 - 2/4 = 0.5;  B 1 - 0 = 1;  C 1 - 1 = 0
    # take_up (lower, [0, 1]): A 0.5;  B 0;  C 1
    # research (optional, auto over A 2 and C 6): A 0;  B missing 0;  C 1
    # policy (optional, [1, 5]): A (5-1)/4 = 1;  B missing 0;  C 0
    # A: 3*0.6 + 0 + 0 + 2*0.5 + 0.5 + 0 + 1 = 4.3 -> value 430/12 = 35.8333; score / 2 * 1.0 = 17.91667
    # B: 3*0.1 + 2 + 2*0.5 + 2 + 0 + 0 + 0 = 5.3 -> value 530/12 = 44.1667; score / 1 * 0.85 = 37.54167
    # C: 3 + 2*0.5 + 2 + 0 + 1 + 1 + 0 = 8 -> value 800/12 = 66.6667; score / 4 * 0.6 = 10
    assert {k: r["value"] for k, r in rows.items()} == pytest.approx(
        {"A": 430 / 12, "B": 530 / 12, "C": 800 / 12}
    )
    assert {k: r["score"] for k, r in rows.items()} == pytest.approx(
        {"A": 430 / 12 / 2, "B": 530 / 12 * 0.85, "C": 800 / 12 / 4 * 0.6}
    )
    assert [rows[k]["rank"] for k in ("B", "A", "C")] == [1, 2, 3]
    # contributions: 100 * w * n / 12
    assert rows["B"]["c.cost"] == pytest.approx(100 * 2 * 1 / 12)
    assert rows["A"]["c.completion"] == pytest.approx(100 * 3 * 0.6 / 12)
    assert rows["B"]["c.research"] == 0
    assert sum(v for k, v in rows["C"].items() if k.startswith("c.")) == pytest.approx(
        rows["C"]["value"]
    )


def test_default_is_used_without_criteria_or_settings(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace({"backlogs/items.yaml": DEFAULT_BACKLOG})
    assert scores(rank_json(ws)) == scores(rank_json(ws, "-c", "default"))


# --- the presets as files -------------------------------------------------------------------


@pytest.mark.parametrize("name", PRESETS)
def test_repository_criteria_files_are_the_presets_byte_for_byte(name: str) -> None:
    copy = REPO_ROOT / "criteria" / f"{name}.yaml"
    preset = REPO_ROOT / "src" / "prioritize" / "presets" / f"{name}.yaml"
    assert copy.read_bytes() == preset.read_bytes()


def test_the_presets_are_exactly_the_four() -> None:
    shipped = sorted(p.stem for p in (REPO_ROOT / "src" / "prioritize" / "presets").glob("*.yaml"))
    assert shipped == sorted(PRESETS)


@pytest.mark.parametrize("name", PRESETS)
def test_each_preset_works_in_a_workspace_without_a_criteria_folder(
    name: str, make_workspace: Callable[[dict[str, str]], Path]
) -> None:
    backlog = {"rice": RICE_BACKLOG, "wsjf": WSJF_BACKLOG, "default": DEFAULT_BACKLOG}.get(
        name, RICE_BACKLOG
    )
    ws = make_workspace({"backlogs/items.yaml": backlog})
    assert not (ws / "criteria").exists()
    result = run_cli("rank", "-w", ws, "-c", name, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        "rank,id,title,pool,status,risk,effort,value,score,depends_on,evidence_strength,confidence,c."
    )


def test_a_preset_copied_into_criteria_gives_the_same_ranking(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace(
        {
            "backlogs/projects.yaml": RICE_BACKLOG,
            "criteria/my-rice.yaml": (REPO_ROOT / "criteria" / "rice.yaml").read_text(
                encoding="utf-8"
            ),
        }
    )
    assert rank_json(ws, "-c", "my-rice") == rank_json(ws, "-c", "rice")
