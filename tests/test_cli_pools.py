"""`prioritize pools` end to end: a small workspace worked out by hand, and every format at the root."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run_cli

# One criterion x on [0, 10], weight 1, not per effort: value = score = 10 * x.
SIMPLE = """
name: Simple
agreed_by: [Test board]
criteria:
  - id: x
    data: judgement
    scale: {range: [0, 10]}
"""

BACKLOG = """
value_pools:
  - id: alpha
    name: Alpha pool
    beneficiary: constituents
    kind: opportunity
    kpis:
      - {id: up, name: Goes up, unit: "%", baseline: 40, current: 50, target: 80}
      - {id: down, name: Goes down, baseline: 20, current: 17, target: 8}
  - id: beta
    name: Beta pool
  - id: gamma
    name: Gamma pool
    kpis:
      - {id: flat, name: Flat, baseline: 1, current: 1, target: 1}
items:
  - {id: A1, title: First alpha, pool: alpha, effort: 2, scores: {x: 6}}
  - {id: A2, title: Second alpha, pool: alpha, effort: 3, scores: {x: 2}}
  - {id: A3, title: Unscored alpha, pool: alpha, effort: 4}
  - {id: B1, title: Only beta, pool: beta, scores: {x: 7}}
  - {id: G1, title: Done gamma, pool: gamma, status: done, effort: 1, scores: {x: 9}}
"""
# Values 10 * x: B1 70 (rank 1), A1 60 (rank 2), A2 20 (rank 3); A3 lacks x (unscored); G1 is done.
# alpha: items A1, A2, A3 = 3; scored 2; value 60 + 20 = 80; effort 2 + 3 + 4 = 9; top A1 (#2);
#        KPIs (50-40)/(80-40) = 0.25 and (17-20)/(8-20) = 0.25, mean 0.25
# beta:  items 1; scored 1; value 70; effort 0 (B1 has none); top B1 (#1); no KPIs
# gamma: no open items; value 0; its KPI has target == baseline: no progress
# Order by total value: alpha 80, beta 70, gamma 0.


@pytest.fixture
def ws(make_workspace: Callable[[dict[str, str]], Path]) -> Path:
    return make_workspace({"criteria/simple.yaml": SIMPLE, "backlogs/pools.yaml": BACKLOG})


def run(ws: Path, *args: str) -> str:
    result = run_cli("pools", "-w", ws, "-c", "simple", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_csv_one_row_per_pool(ws: Path) -> None:
    assert run(ws, "-f", "csv").splitlines() == [
        "id,name,beneficiary,kind,items,scored,total_value,effort,top_item,top_rank,kpis,kpi_progress_mean,flags",
        "alpha,Alpha pool,constituents,opportunity,3,2,80,9,A1,2,2,0.25,",
        "beta,Beta pool,,,1,1,70,0,B1,1,0,,no KPIs",
        "gamma,Gamma pool,,,0,0,0,0,,,1,,no open items",
    ]


def test_unscored_items_are_named_on_stderr(ws: Path) -> None:
    result = run_cli("pools", "-w", ws, "-c", "simple", "-f", "csv")
    assert "A3 is unscored: no x" in result.stderr


def test_json_pools_with_their_kpis(ws: Path) -> None:
    data = json.loads(run(ws, "--format", "json"))
    assert [p["id"] for p in data] == ["alpha", "beta", "gamma"]
    alpha, beta, gamma = data
    assert alpha["total_value"] == 80 and alpha["effort"] == 9 and alpha["top_item"] == "A1"
    assert alpha["kpis"] == [
        {
            "id": "up",
            "name": "Goes up",
            "data": None,
            "unit": "%",
            "baseline": 40,
            "current": 50,
            "target": 80,
            "progress": 0.25,
        },
        {
            "id": "down",
            "name": "Goes down",
            "data": None,
            "unit": None,
            "baseline": 20,
            "current": 17,
            "target": 8,
            "progress": 0.25,
        },
    ]
    assert alpha["kpi_progress_mean"] == 0.25
    assert alpha["flags"] == []
    assert beta["kpis"] == [] and beta["flags"] == ["no KPIs"]
    assert gamma["flags"] == ["no open items"] and gamma["kpis"][0]["progress"] is None
    assert gamma["top_item"] is None and gamma["top_rank"] is None


def test_kpis_option_gives_one_row_per_kpi(ws: Path) -> None:
    assert run(ws, "-f", "csv", "--kpis").splitlines() == [
        "pool,id,name,data,unit,baseline,current,target,progress",
        "alpha,up,Goes up,,%,40,50,80,0.25",
        "alpha,down,Goes down,,,20,17,8,0.25",
        "gamma,flat,Flat,,,1,1,1,",
    ]
    assert [k["id"] for k in json.loads(run(ws, "-f", "json", "--kpis"))] == ["up", "down", "flat"]


def test_markdown_pools_then_kpis(ws: Path) -> None:
    text = run(ws, "-f", "markdown")
    lines = text.splitlines()
    assert lines[0].startswith("| id | name | beneficiary |")
    assert (
        "| alpha | Alpha pool | constituents | opportunity | 3 | 2 | 80 | 9 | A1 | 2 | 2 | 25% |  |"
        in lines
    )
    assert "| gamma | Gamma pool |  |  | 0 | 0 | 0 | 0 |  |  | 1 |  | no open items |" in lines
    assert "| alpha | down | Goes down |  |  | 20 | 17 | 8 | 25% |" in lines
    assert "Criteria: Simple (simple), agreed by Test board" in text


def test_table_shows_bars_flags_and_top_item(ws: Path) -> None:
    text = run(ws)
    assert "Value pools: 3" in text
    assert "A1 (#2)" in text and "B1 (#1)" in text
    assert "no KPIs" in text and "no open items" in text
    # 25% of a 20-cell bar: 5 full cells, 15 empty
    assert "█████░░░░░░░░░░░░░░░ │ 25%" in text
    # no progress where target == baseline: an empty, dotted bar
    assert "····················" in text
    assert "Effort (points)" in text


def test_output_file(ws: Path, tmp_path: Path) -> None:
    target = tmp_path / "pools.json"
    result = run_cli("pools", "-w", ws, "-c", "simple", "-f", "json", "-o", target)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))[0]["id"] == "alpha"


def test_a_workspace_with_errors_is_refused(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace({"backlogs/b.yaml": "items:\n  - {id: A, title: A, pool: nowhere}\n"})
    result = run_cli("pools", "-w", ws)
    assert result.exit_code == 2
    assert "unknown-pool" in result.stderr


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_every_format_at_the_repository_root(fmt: str, tmp_path: Path) -> None:
    result = run_cli("pools", "--format", fmt, cwd=REPO_ROOT)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        pools = json.loads(result.stdout)
        assert pools and all(isinstance(p["kpis"], list) for p in pools)
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert rows and {"id", "total_value", "top_item", "kpi_progress_mean", "flags"} <= set(
            rows[0]
        )
    else:
        assert "renewals" in result.stdout
    written = tmp_path / f"pools.{fmt}"
    again = run_cli("pools", "-f", fmt, "-o", written, cwd=REPO_ROOT)
    assert again.exit_code == 0 and written.read_text(encoding="utf-8") == result.stdout


def test_kpis_and_criteria_options_at_the_repository_root() -> None:
    result = run_cli("pools", "--kpis", "-c", "rice", "-f", "csv", cwd=REPO_ROOT)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("pool,id,name,data,unit,baseline,current,target,progress\n")
