"""`rank --order deliverable` and the depends_on column: what an item waits for is visible."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from conftest import REPO_ROOT, run_cli
from prioritize.scoring import deliverable_order


@st.composite
def backlogs(draw: st.DrawFn) -> tuple[list[str], dict[str, list[str]]]:
    """Ids in score order and acyclic dependencies (each item may depend on any item drawn
    before it in a random topological order), some on items outside the ranking."""
    size = draw(st.integers(0, 12))
    ids = [f"I{k}" for k in range(size)]
    topo = draw(st.permutations(ids))
    waits = {
        item: draw(st.lists(st.sampled_from([*topo[:k], "GONE"]), max_size=3, unique=True))
        for k, item in enumerate(topo)
        if k
    }
    return ids, waits


@given(backlogs())
def test_deliverable_order_never_lists_an_item_before_what_it_waits_for(
    case: tuple[list[str], dict[str, list[str]]],
) -> None:
    ids, waits = case
    order = deliverable_order(ids, waits)
    assert sorted(order) == sorted(ids)  # every item, once
    position = {item: k for k, item in enumerate(order)}
    for item, deps in waits.items():
        for dep in deps:
            if dep in position:
                assert position[dep] < position[item]


def test_deliverable_order_moves_only_what_it_must() -> None:
    # Score order A B C D; B waits for D. D comes forward just before B; nothing else moves.
    assert deliverable_order(["A", "B", "C", "D"], {"B": ["D"]}) == ["A", "D", "B", "C"]
    # With no dependencies it is the score order.
    assert deliverable_order(["A", "B", "C"], {}) == ["A", "B", "C"]


def test_rank_shows_what_each_item_waits_for_and_can_order_by_it() -> None:
    by_score = json.loads(run_cli("rank", "-w", REPO_ROOT, "-f", "json").stdout)
    rank_of = {row["id"]: row["rank"] for row in by_score}
    # In the sample, NOT-3 (#20) waits for NOT-4 (#24): the ranking values it higher, and says so.
    not3 = next(row for row in by_score if row["id"] == "NOT-3")
    assert (not3["rank"], not3["depends_on"], rank_of["NOT-4"]) == (20, ["NOT-4"], 24)
    assert list(by_score[0])[:12] == [
        "rank", "id", "title", "pool", "status", "risk", "effort", "value", "score", "depends_on",
        "evidence_strength", "confidence",
    ]  # fmt: skip

    deliverable = json.loads(
        run_cli("rank", "-w", REPO_ROOT, "-f", "json", "--order", "deliverable").stdout
    )
    order = [row["id"] for row in deliverable]
    assert order.index("NOT-4") == order.index("NOT-3") - 1
    assert sorted(order) == sorted(rank_of)
    for row in deliverable:
        assert all(order.index(dep) < order.index(row["id"]) for dep in row["depends_on"])

    csv_header = run_cli("rank", "-w", REPO_ROOT, "-f", "csv").stdout.splitlines()[0]
    assert csv_header.startswith(
        "rank,id,title,pool,status,risk,effort,value,score,depends_on,evidence_strength,confidence,c."
    )
