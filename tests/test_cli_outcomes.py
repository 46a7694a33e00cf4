"""`prioritize outcomes` end to end: a small workspace worked out by hand, and every format at the root."""

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
  - id: p
    name: Pool p
    kpis:
      - {id: calls, name: Calls, baseline: 1000, target: 500, current: 850}
      - {id: share, name: Share, baseline: 40, target: 80, current: 60}
  - id: q
    name: Pool q
items:
  - id: D1
    title: Done one
    pool: p
    status: done
    effort: 8
    scores: {x: 8}
    outcome: {delivered: 2026-09-30, actual_effort: 11, kpi: calls, before: 1000, after: 850}
  - id: D2
    title: Done two
    pool: p
    status: done
    effort: 4
    scores: {x: 3}
    outcome: {delivered: 2026-08-01, actual_effort: 3, kpi: share, before: 50, after: 60}
  - {id: D3, title: Done without outcome, pool: p, status: done, scores: {x: 5}}
  - {id: O1, title: Open one, pool: p, effort: 1, scores: {x: 5}}
  - {id: X1, title: Dropped, pool: p, status: dropped, scores: {x: 10}}
  - id: D4
    title: Done four
    pool: q
    status: done
    effort: 2
    scores: {x: 1}
    outcome: {delivered: 2026-10-01, actual_effort: 3, kpi: nope}
  - id: D5
    title: Done five
    pool: q
    status: done
    outcome: {actual_effort: 2}
"""
# Predicted values, 10 * x over open and done items (the dropped X1 takes no part):
#   D1 80 (rank 1), D3 50 and O1 50 (tie, by id: D3 2, O1 3), D2 30 (4), D4 10 (5); D5 lacks x.
# Rows, delivered first to last, the undated D5 last: D2, D1, D4, D5 (D3 has no outcome).
#   D2: effort error 100 * (3 - 4) / 4 = -25;   KPI share 100 * (60 - 50) / (80 - 40) = 25
#   D1: effort error 100 * (11 - 8) / 8 = 37.5; KPI calls 100 * (850 - 1000) / (500 - 1000) = 30
#   D4: effort error 100 * (3 - 2) / 2 = 50;    KPI "nope" is not one of q's: empty
#   D5: no effort, no KPI: both empty
# Summary: p: 2 items, median(-25, 37.5) = 6.25, mean(25, 30) = 27.5
#          q: 2 items, median(50) = 50, no KPI movement
#          all pools: 4 items, median(-25, 37.5, 50) = 37.5, mean(25, 30) = 27.5


@pytest.fixture
def ws(make_workspace: Callable[[dict[str, str]], Path]) -> Path:
    return make_workspace({"criteria/simple.yaml": SIMPLE, "backlogs/b.yaml": BACKLOG})


def run(ws: Path, *args: str) -> str:
    result = run_cli("outcomes", "-w", ws, "-c", "simple", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_csv_item_rows(ws: Path) -> None:
    assert run(ws, "-f", "csv").splitlines() == [
        "id,title,pool,predicted_value,predicted_rank,effort,actual_effort,effort_error_pct,"
        "kpi,baseline,before,after,target,kpi_moved_pct,delivered",
        "D2,Done two,p,30,4,4,3,-25,share,40,50,60,80,25,2026-08-01",
        "D1,Done one,p,80,1,8,11,37.5,calls,1000,1000,850,500,30,2026-09-30",
        "D4,Done four,q,10,5,2,3,50,nope,,,,,,2026-10-01",
        "D5,Done five,q,,,,2,,,,,,,,",
    ]


def test_summary_option(ws: Path) -> None:
    assert run(ws, "-f", "csv", "--summary").splitlines() == [
        "pool,items,median_effort_error_pct,mean_kpi_moved_pct",
        "p,2,6.25,27.5",
        "q,2,50,",
        "all pools,4,37.5,27.5",
    ]
    assert [r["pool"] for r in json.loads(run(ws, "-f", "json", "--summary"))] == [
        "p",
        "q",
        "all pools",
    ]


def test_json_outcomes_and_summary(ws: Path) -> None:
    data = json.loads(run(ws, "-f", "json"))
    assert set(data) == {"outcomes", "summary"}
    d1 = data["outcomes"][1]
    assert d1 == {
        "id": "D1", "title": "Done one", "pool": "p", "predicted_value": 80, "predicted_rank": 1,
        "effort": 8, "actual_effort": 11, "effort_error_pct": 37.5, "kpi": "calls", "baseline": 1000,
        "before": 1000, "after": 850, "target": 500, "kpi_moved_pct": 30, "delivered": "2026-09-30",
    }  # fmt: skip
    assert data["summary"][-1] == {
        "pool": "all pools",
        "items": 4,
        "median_effort_error_pct": 37.5,
        "mean_kpi_moved_pct": 27.5,
    }


def test_an_unpredictable_delivered_item_is_named_on_stderr(ws: Path) -> None:
    result = run_cli("outcomes", "-w", ws, "-c", "simple", "-f", "csv")
    assert "backlogs/b.yaml:" in result.stderr
    assert "warning: D5 has no predicted value: no x (at scores.x)" in result.stderr


def test_markdown_items_then_summary(ws: Path) -> None:
    lines = run(ws, "-f", "markdown").splitlines()
    assert (
        "| D1 | Done one | p | 80 | 1 | 8 | 11 | 37.50 | calls | 1000 | 1000 | 850 | 500 | 30 | 2026-09-30 |"
        in lines
    )
    assert "| all pools | 4 | 37.50 | 27.50 |" in lines


def test_table_items_and_lesson(ws: Path) -> None:
    text = run(ws)
    assert "Outcomes: 4 delivered items" in text
    # One format per column: the error column has a value with a decimal, so -25% is -25.0%.
    assert "8 → 11" in text and "+37.5%" in text and "-25.0%" in text
    assert "1000 → 850" in text and "1000 → 500" in text
    assert "Median effort error +37.5% (above 0: work took longer than estimated)" in text
    assert "+27.5% of the way to target on average" in text


def test_check_warns_about_done_items_without_outcome_and_unknown_kpis(ws: Path) -> None:
    result = run_cli("check", "-w", ws, "-c", "simple")
    out = result.stdout + result.stderr
    assert "done-without-outcome" in out and "D3" in out
    assert 'unknown-kpi KPI "nope" is not a KPI of value pool "q"' in out


def test_no_outcomes(make_workspace: Callable[[dict[str, str]], Path]) -> None:
    ws = make_workspace(
        {
            "criteria/simple.yaml": SIMPLE,
            "backlogs/b.yaml": "value_pools: [{id: p, name: P}]\nitems: [{id: A, title: A, pool: p, scores: {x: 1}}]\n",
        }
    )
    assert run(ws, "-f", "csv").count("\n") == 1
    assert "Outcomes: 0 delivered items" in run(ws)
    assert json.loads(run(ws, "-f", "json"))["summary"] == [
        {
            "pool": "all pools",
            "items": 0,
            "median_effort_error_pct": None,
            "mean_kpi_moved_pct": None,
        }
    ]


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_every_format_at_the_repository_root(fmt: str, tmp_path: Path) -> None:
    result = run_cli("outcomes", "--format", fmt, cwd=REPO_ROOT)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        data = json.loads(result.stdout)
        assert data["outcomes"] and data["summary"][-1]["pool"] == "all pools"
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert rows and {"predicted_rank", "effort_error_pct", "kpi_moved_pct"} <= set(rows[0])
    else:
        assert "all pools" in result.stdout
    written = tmp_path / f"outcomes.{fmt}"
    again = run_cli("outcomes", "-f", fmt, "-o", written, cwd=REPO_ROOT)
    assert again.exit_code == 0 and written.read_text(encoding="utf-8") == result.stdout


def test_criteria_and_summary_at_the_repository_root() -> None:
    result = run_cli("outcomes", "-c", "wsjf", "--summary", "-f", "csv", cwd=REPO_ROOT)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("pool,items,median_effort_error_pct,mean_kpi_moved_pct\n")
