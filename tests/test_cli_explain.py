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
    assert "Fastest: a at 7 or more (now 5)" in r.stdout
    assert OUT_OF_REACH in r.stdout


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
    assert "Fastest: reach at" in r.stdout
    data = json.loads(
        run_cli(
            "explain", "project-1", "-f", "json", cwd=REPO_ROOT / "examples" / "rice-intercom"
        ).stdout
    )
    assert data["formula"]["substituted"] == "450 * 3 * 1 / 2"
