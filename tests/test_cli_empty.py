"""Every command meets a workspace with no items calmly: exit 0, no internal error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import run_cli

EMPTY = {
    "prioritize.yaml": "capacity: {per_week: 5}\nstart: 2027-01-04\n",
    "backlogs/pools.yaml": "value_pools:\n  - id: p\n    name: A pool with nothing in it yet\n",
}

COMMANDS = [
    ["rank"],
    ["rank", "-f", "csv"],
    ["ttv"],
    ["ttv", "-f", "json"],
    ["check"],
    ["sensitivity"],
    ["votes"],
    ["pools"],
    ["outcomes"],
    ["coverage"],
    ["report"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_workspace_without_items(
    make_workspace: Callable[[dict[str, str]], Path], args: list[str]
) -> None:
    ws = make_workspace(EMPTY)
    result = run_cli(*args, "-w", ws)
    assert result.exit_code == 0, result.stderr
    assert "internal error" not in result.stderr


def test_the_csv_of_an_empty_ranking_is_its_header(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace(EMPTY)
    result = run_cli("rank", "-w", ws, "-f", "csv", "-c", "rice")
    assert (
        result.stdout
        == "rank,id,title,pool,status,risk,effort,value,score,depends_on,evidence_strength,confidence,c.reach,c.impact,c.confidence\n"
    )
