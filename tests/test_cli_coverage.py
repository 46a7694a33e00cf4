"""`prioritize coverage` end to end: a small workspace worked out by hand, and every format at the root."""

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
  - {id: p, name: Pool}
items:
  - {id: A, title: A, pool: p, personas: [p1, p2], scores: {x: 9}}
  - {id: B, title: B, pool: p, personas: [p2], scores: {x: 8}}
  - {id: C, title: C, pool: p, personas: [p1, p3], scores: {x: 7}}
  - {id: D, title: D, pool: p, personas: [p3], scores: {x: 6}}
  - {id: E, title: E, pool: p, personas: [p4]}
  - {id: F, title: F, pool: p, personas: [p5], status: done, scores: {x: 10}}
  - {id: G, title: G, pool: p, scores: {x: 5}}
"""
# Values 10 * x: A 90 (rank 1), B 80 (2), C 70 (3), D 60 (4), G 50 (5); E lacks x; F is done,
# so p5 is no persona of the backlog.
# --top 2 (A, B):
#   p1: A, C -> 2 items, 1 in the top, 100 * 90 / (90 + 70) = 56.25%
#   p2: A, B -> 2 items, 2 in the top, 100%
#   p3: C, D -> 2 items, 0 in the top, 0%: left out; its best item is C at rank 3
#   p4: E is unscored -> 0 items, 0 in the top, no value: left out, nothing to suggest
#   order: items_in_top ascending, then persona: p3, p4, p1, p2
# --top 10 (default): every scored item is in the top: p1, p2, p3 100%; only p4 left out.


@pytest.fixture
def ws(make_workspace: Callable[[dict[str, str]], Path]) -> Path:
    return make_workspace({"criteria/simple.yaml": SIMPLE, "backlogs/b.yaml": BACKLOG})


def run(ws: Path, *args: str) -> str:
    result = run_cli("coverage", "-w", ws, "-c", "simple", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_csv_top_two(ws: Path) -> None:
    assert run(ws, "--top", "2", "-f", "csv").splitlines() == [
        "persona,items,items_in_top,value_in_top_pct,flag,suggestion,suggestion_rank",
        "p3,2,0,0,left out,C,3",
        "p4,0,0,,left out,,",
        "p1,2,1,56.25,,,",
        "p2,2,2,100,,,",
    ]


def test_default_top_is_ten(ws: Path) -> None:
    assert run(ws, "-f", "csv").splitlines()[1:] == [
        "p4,0,0,,left out,,",
        "p1,2,2,100,,,",
        "p2,2,2,100,,,",
        "p3,2,2,100,,,",
    ]


def test_json(ws: Path) -> None:
    data = json.loads(run(ws, "-n", "2", "-f", "json"))
    assert data[0] == {
        "persona": "p3",
        "items": 2,
        "items_in_top": 0,
        "value_in_top_pct": 0,
        "flag": "left out",
        "suggestion": "C",
        "suggestion_rank": 3,
    }
    assert data[2]["value_in_top_pct"] == 56.25
    assert data[2]["flag"] is None and data[2]["suggestion"] is None


def test_markdown(ws: Path) -> None:
    lines = run(ws, "-n", "2", "-f", "markdown").splitlines()
    assert (
        lines[0]
        == "| persona | items | items_in_top | value_in_top_pct | flag | suggestion | suggestion_rank |"
    )
    assert "| p3 | 2 | 0 | 0 | left out | C | 3 |" in lines
    assert "| p1 | 2 | 1 | 56.25 |  |  |  |" in lines


def test_table_flags_and_suggests(ws: Path) -> None:
    text = run(ws, "-n", "2")
    assert "Coverage: personas served by the top 2 of 5 ranked items" in text
    assert "C (rank 3)" in text
    assert "56.2%" in text  # 56.25 to one place, half to even
    assert "Left out of the top 2: p3, p4." in text


def test_unscored_items_are_named_on_stderr(ws: Path) -> None:
    result = run_cli("coverage", "-w", ws, "-c", "simple", "-f", "csv")
    assert "E is unscored" in result.stderr


def test_top_must_be_positive(ws: Path) -> None:
    assert run_cli("coverage", "-w", ws, "--top", "0").exit_code == 2


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_every_format_at_the_repository_root(fmt: str, tmp_path: Path) -> None:
    result = run_cli("coverage", "--format", fmt, cwd=REPO_ROOT)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        rows = json.loads(result.stdout)
        assert rows and {"persona", "items_in_top", "suggestion", "suggestion_rank"} <= set(rows[0])
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert rows and "value_in_top_pct" in rows[0]
    else:
        assert "older-adults" in result.stdout
    written = tmp_path / f"coverage.{fmt}"
    again = run_cli("coverage", "-f", fmt, "-o", written, cwd=REPO_ROOT)
    assert again.exit_code == 0 and written.read_text(encoding="utf-8") == result.stdout


def test_top_and_criteria_at_the_repository_root() -> None:
    result = run_cli("coverage", "-n", "3", "-c", "ice", "-f", "json", cwd=REPO_ROOT)
    assert result.exit_code == 0, result.stderr
    assert sum(r["items_in_top"] for r in json.loads(result.stdout)) >= 3
