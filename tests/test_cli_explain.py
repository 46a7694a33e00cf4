"""`prioritize explain` end to end: every format, --vs, unscored and unknown items."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run_cli, write_files
from prioritize.analysis.explain import OUT_OF_REACH

# sum(w) = 4; per effort. A: n = (0.5, 0.8) value 57.5, effort 2: 28.75. B: n = (0.8, 0.5) value 72.5: 36.25.
# A's gap 7.5 of score is 15 of value: a must reach n 0.7 (a = 7); b cannot (n 1.4).
FILES = {
    "criteria/default.yaml": """
        name: Two
        agreed_by: [Director]
        per_effort: true
        criteria:
          - id: a
            data: functional
            weight: 3
            scale: {range: [0, 10]}
          - id: b
            data: operational
            weight: 1
            direction: lower
            scale: {range: [0, 100]}
    """,
    "backlogs/b.yaml": """
        value_pools:
          - {id: p, name: Pool}
        items:
          - {id: A, title: Item A, pool: p, effort: 2, evidence: {functional: {a: 5}, operational: {b: 20}}}
          - {id: B, title: Item B, pool: p, effort: 2, evidence: {functional: {a: 8}, operational: {b: 50}}}
          - {id: C, title: Item C, pool: p, effort: 2, evidence: {operational: {b: 50}}}
          - {id: D, title: Item D, pool: p, status: done, effort: 2, evidence: {functional: {a: 1}, operational: {b: 1}}}
    """,
}


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return write_files(tmp_path / "ws", FILES)


def test_table_shows_criteria_score_and_the_move_up(ws: Path) -> None:
    r = run_cli("explain", "A", "-w", ws)
    assert r.exit_code == 0, r.stderr
    assert "Item A" in r.stdout and "Rank 2 of 2." in r.stdout
    assert "Score 28.75 = value 57.50 / effort 2 points" in r.stdout
    assert "it needs 7.50 more score, to reach B (rank 1, score 36.25)" in r.stdout
    # Effort: 57.5 / 36.25 = 1.586 closes it too, a cut of 0.207 against a's move of n 0.2.
    assert "Smallest move alone: a at 7 or more (now 5)." in r.stdout
    assert "Also alone: effort at 1.586 points or less (now 2)." in r.stdout
    assert OUT_OF_REACH in r.stdout  # b


def test_json_has_the_contract_keys(ws: Path) -> None:
    r = run_cli("explain", "A", "-w", ws, "-f", "json")
    data = json.loads(r.stdout)
    assert {"id", "rank", "value", "score", "criteria"} <= set(data)
    assert (data["id"], data["rank"], data["value"], data["score"]) == ("A", 2, 57.5, 28.75)
    a, _ = data["criteria"]
    assert {"id", "raw", "normalized", "weight", "contribution"} <= set(a)
    assert (a["id"], a["raw"], a["normalized"], a["weight"], a["contribution"]) == (
        "a",
        5,
        0.5,
        3.0,
        37.5,
    )
    assert sum(c["contribution"] for c in data["criteria"]) == pytest.approx(data["value"])
    assert data["move_up"]["above"] == "B" and data["move_up"]["criterion"] == "a"
    assert data["move_up"]["needed_raw"] == pytest.approx(7)


def test_csv_has_one_row_per_criterion(ws: Path) -> None:
    r = run_cli("explain", "A", "-w", ws, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["criterion"] for row in rows] == ["a", "b"]
    assert {row["id"] for row in rows} == {"A"} and rows[0]["rank"] == "2"
    assert rows[1]["closes_gap"] == "false" and rows[1]["needed_raw"] == ""


def test_markdown(ws: Path) -> None:
    r = run_cli("explain", "B", "-w", ws, "-f", "markdown")
    assert r.stdout.startswith("### B: Item B")
    assert "| criterion |" in r.stdout and "- B is first: no item scores higher." in r.stdout


def test_first_item_says_it_is_first(ws: Path) -> None:
    r = run_cli("explain", "B", "-w", ws)
    assert "B is first" in r.stdout
    assert json.loads(run_cli("explain", "B", "-w", ws, "-f", "json").stdout)["move_up"] is None


def test_unscored_and_closed_items_are_explained_with_exit_0(ws: Path) -> None:
    r = run_cli("explain", "C", "-w", ws)
    assert r.exit_code == 0
    assert "C is unscored: no a (at evidence.functional.a)." in r.stdout
    data = json.loads(run_cli("explain", "C", "-w", ws, "-f", "json").stdout)
    assert data["rank"] is None and data["unscored"] == "no a (at evidence.functional.a)"
    closed = run_cli("explain", "D", "-w", ws)
    assert closed.exit_code == 0 and "done" in closed.stdout


def test_unknown_id_is_exit_2_with_did_you_mean(ws: Path) -> None:
    r = run_cli("explain", "BB", "-w", ws)
    assert r.exit_code == 2
    assert 'no item "BB"' in r.stderr and 'did you mean "B"?' in r.stderr
    vs = run_cli("explain", "A", "--vs", "AA", "-w", ws)
    assert vs.exit_code == 2 and 'did you mean "A"?' in vs.stderr


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_vs_in_every_format(ws: Path, fmt: str) -> None:
    r = run_cli("explain", "A", "--vs", "B", "-w", ws, "-f", fmt)
    assert r.exit_code == 0, r.stderr
    if fmt == "json":
        data = json.loads(r.stdout)
        assert data["a"]["id"] == "A" and data["b"]["id"] == "B"
        # a: 37.5 vs 60 (-22.5); b: 20 vs 12.5 (7.5): a separates them most.
        assert data["separated_by"] == "a"
        assert data["criteria"][0]["difference"] == pytest.approx(-22.5, abs=0.01)
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(r.stdout)))
        assert [row["separates"] for row in rows] == ["true", "false"]
        assert rows[0]["id_a"] == "A" and rows[0]["id_b"] == "B"
    else:
        assert "What separates them most: a" in r.stdout


def test_every_sample_item_in_json_adds_up() -> None:
    ranked = run_cli("rank", "-f", "csv", cwd=REPO_ROOT).stdout.splitlines()[1:4]
    for line in ranked:
        item = next(csv.reader([line]))[1]
        data = json.loads(run_cli("explain", item, "-f", "json", cwd=REPO_ROOT).stdout)
        assert sum(c["contribution"] for c in data["criteria"]) == pytest.approx(data["value"])


def test_formula_sets_show_the_substituted_formula() -> None:
    r = run_cli("explain", "project-1", cwd=REPO_ROOT / "examples" / "rice-intercom")
    assert r.exit_code == 0, r.stderr
    assert "reach * impact * confidence / effort = 450 * 3 * 1 / 2 = 675" in r.stdout
    assert "Smallest move alone: reach at 533.3 or more (now 450)." in r.stdout
    data = json.loads(
        run_cli(
            "explain", "project-1", "-f", "json", cwd=REPO_ROOT / "examples" / "rice-intercom"
        ).stdout
    )
    assert data["formula"]["substituted"] == "450 * 3 * 1 / 2"


# --- levers and comparisons on hand-made workspaces --------------------------------------------

# One criterion on 0..10; no per effort, so effort is no lever; risk discounts.
RISKY = {
    "criteria/default.yaml": """
        name: Risky
        agreed_by: [Director]
        risk_factor: {low: 1.0, medium: 0.85, high: 0.6}
        criteria:
          - id: a
            data: functional
            scale: {range: [0, 10]}
    """,
}


def backlog(*items: str) -> dict[str, str]:
    lines = "\n".join(f"          - {item}" for item in items)
    return {"backlogs/b.yaml": f"""
        value_pools:
          - {{id: p, name: Pool}}
        items:
{lines}
    """}  # fmt: skip


def test_a_risk_change_alone_closes_the_gap(tmp_path: Path) -> None:
    # X: a 9, value 90, high: 90 * 0.6 = 54. Y: a 7, value 70, low: 70. By a, X would need
    # 70 / 0.6 = 116.7 of value, a = 11.67 > 10: out of reach. Medium: 90 * 0.85 = 76.5 >= 70.
    ws = write_files(tmp_path / "ws", {**RISKY, **backlog(
        "{id: X, title: Item X, pool: p, effort: 3, risk: high, evidence: {functional: {a: 9}}}",
        "{id: Y, title: Item Y, pool: p, effort: 3, risk: low, evidence: {functional: {a: 7}}}",
    )})  # fmt: skip
    r = run_cli("explain", "X", "-w", ws)
    assert r.exit_code == 0, r.stderr
    assert "it needs 16 more score, to reach Y (rank 1, score 70)." in r.stdout
    assert "Smallest move alone: risk medium (now high)." in r.stdout
    assert OUT_OF_REACH in r.stdout and "No single lever" not in r.stdout
    data = json.loads(run_cli("explain", "X", "-w", ws, "-f", "json").stdout)
    assert data["move_up"]["levers"] == [
        {"lever": "risk", "kind": "risk", "now": "high", "to": "medium", "size": 0.5}
    ]
    assert data["move_up"]["pair"] is None and data["move_up"]["criterion"] is None
    assert data["criteria"][0]["needed_raw"] is None and data["criteria"][0]["closes_gap"] is False


def test_no_single_lever_says_so_once_and_names_the_smallest_pair(tmp_path: Path) -> None:
    # X: a 2, value 20, high: 12. Y: a 9, low: 90. By a alone: 90 / 0.6 = 150 of value: out of
    # reach; risk low gives 20, medium 17. Together: low (two steps of three levels: 1) with a 9
    # (n up 0.7) = 1.7; medium would need a = 90 / 0.85 / 10 = 10.59, above the range.
    ws = write_files(tmp_path / "ws", {**RISKY, **backlog(
        "{id: X, title: Item X, pool: p, effort: 3, risk: high, evidence: {functional: {a: 2}}}",
        "{id: Y, title: Item Y, pool: p, effort: 3, risk: low, evidence: {functional: {a: 9}}}",
    )})  # fmt: skip
    r = run_cli("explain", "X", "-w", ws)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.count("No single lever closes the gap") == 1
    assert "Smallest pair: a at 9 or more (now 2), with risk low (now high)." in r.stdout
    pair = json.loads(run_cli("explain", "X", "-w", ws, "-f", "json").stdout)["move_up"]["pair"]
    assert [(m["lever"], m["to"]) for m in pair] == [("a", pytest.approx(9)), ("risk", "low")]
    assert [m["size"] for m in pair] == [pytest.approx(0.7), 1.0]


def test_no_pair_either(tmp_path: Path) -> None:
    # Z: a 1, high: 6. Y: a 10, low: 100. Z's best, a 10 at low risk, ties Y at 100, and a tie
    # ranks by id: Y first. So neither one lever nor two lift Z.
    ws = write_files(tmp_path / "ws", {**RISKY, **backlog(
        "{id: Z, title: Item Z, pool: p, effort: 3, risk: high, evidence: {functional: {a: 1}}}",
        "{id: Y, title: Item Y, pool: p, effort: 3, risk: low, evidence: {functional: {a: 10}}}",
    )})  # fmt: skip
    r = run_cli("explain", "Z", "-w", ws)
    assert r.exit_code == 0, r.stderr
    assert "No single lever closes the gap" in r.stdout
    assert "No pair of levers closes it either." in r.stdout
    assert (
        json.loads(run_cli("explain", "Z", "-w", ws, "-f", "json").stdout)["move_up"]["pair"]
        is None
    )


EFFORT_DECIDES = {
    "criteria/default.yaml": """
        name: Effort decides
        agreed_by: [Director]
        per_effort: true
        risk_factor: {low: 1.0, medium: 0.85, high: 0.6}
        criteria:
          - id: a
            data: functional
            scale: {range: [0, 10]}
    """,
    **backlog(
        "{id: H, title: Item H, pool: p, effort: 1, risk: low, evidence: {functional: {a: 4}}}",
        "{id: L, title: Item L, pool: p, effort: 4, risk: medium, evidence: {functional: {a: 8}}}",
    ),
}


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_vs_names_what_favours_the_higher_item(tmp_path: Path, fmt: str) -> None:
    # H: value 40 / effort 1 x 1 = 40. L: 80 / 4 x 0.85 = 17. The evidence (a) favours L.
    # L with H's a: 40 / 4 x 0.85 = 8.5 (-8.5); H's effort: 80 x 0.85 = 68 (+51); H's risk: 20 (+3).
    ws = write_files(tmp_path / "ws", EFFORT_DECIDES)
    r = run_cli("explain", "L", "--vs", "H", "-w", ws, "-f", fmt)
    assert r.exit_code == 0, r.stderr
    assert "H (rank 1, score 40) ranks above L (rank 2, score 17)." in r.stdout
    assert (
        "What separates them most: effort, H 1 vs L 4 points; with H's effort, L would score 68 (+51)."
        in r.stdout
    )
    assert (
        "In L's favour most: a, H 4 vs L 8 (40 vs 80 points of value); with H's a, L would score 8.50 (-8.50)."
        in r.stdout
    )
    assert (
        "Score = value / effort x risk factor: L 80 / 4 points x 0.85 = 17; H 40 / 1 points x 1 = 40."
        in r.stdout
    )


def test_vs_json_takes_the_score_apart(tmp_path: Path) -> None:
    ws = write_files(tmp_path / "ws", EFFORT_DECIDES)
    data = json.loads(run_cli("explain", "L", "--vs", "H", "-w", ws, "-f", "json").stdout)
    assert (data["higher"], data["separated_by"], data["separated_kind"]) == (
        "H",
        "effort",
        "effort",
    )
    assert (data["favours_lower"], data["favours_lower_kind"]) == ("a", "criterion")
    parts = {p["part"]: p for p in data["parts"]}
    assert list(parts) == ["value", "effort", "risk_factor", "score"]
    assert (parts["value"]["a"], parts["value"]["b"]) == (80, 40)
    assert (parts["effort"]["a"], parts["effort"]["b"], parts["effort"]["effect"]) == (
        4, 1, pytest.approx(51)
    )  # fmt: skip
    assert (parts["risk_factor"]["a"], parts["risk_factor"]["b"]) == (0.85, 1.0)
    assert parts["risk_factor"]["effect"] == pytest.approx(3)
    assert parts["score"]["effect"] is None
    (a,) = data["criteria"]
    assert {"id", "weight", "a_raw", "b_raw", "difference", "effect"} <= set(a)
    assert a["effect"] == pytest.approx(-8.5)
    for side in ("a", "b"):
        assert {"id", "rank", "value", "score", "effort", "risk_factor", "criteria"} <= set(
            data[side]
        )
