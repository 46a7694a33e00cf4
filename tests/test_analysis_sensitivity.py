"""analysis.sensitivity: Monte Carlo re-rankings over the weights, single-weight moves, the verdict."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import REPO_ROOT
from prioritize import scoring as scoring_module
from prioritize import workspace as ws_module
from prioritize.analysis.sensitivity import (
    FACTOR,
    ITEM_COLUMNS,
    MEDIAN_RANK,
    NEW_FIRST,
    NEW_WEIGHT,
    P5_RANK,
    P95_RANK,
    TOP_K_PROBABILITY,
    sensitivity,
    weight_moves,
)  # fmt: skip
from prioritize.analysis.votes import apply_votes
from prioritize.criteria_sets import load_criteria
from prioritize.formula import CompiledCriteria
from prioritize.models import CriteriaSet
from prioritize.pipeline import items_frame
from prioritize.scoring import ID, RANK, Scoring, raw_column


def score(items: pd.DataFrame, criteria: CriteriaSet) -> Scoring:
    """Score as the pipeline does: the criteria set compiled with its formula."""
    return scoring_module.score(items, CompiledCriteria.compile(criteria))


def scored(rows: list[dict[str, Any]], criteria: CriteriaSet) -> Scoring:
    base = {
        "title": "t",
        "pool": "p",
        "status": "proposed",
        "risk": None,
        "facing": None,
        "effort": 1.0,
    }
    frame = pd.DataFrame(
        [{**base, **{k: v for k, v in r.items() if not k.startswith("raw.")}} for r in rows]
    )
    for c in criteria.criteria:
        frame[raw_column(c.id)] = pd.Series([r.get(raw_column(c.id)) for r in rows], dtype=object)
    return score(frame, criteria)


def unit_criteria(*ids: str, weights: tuple[float, ...] | None = None, **extra: Any) -> CriteriaSet:
    weights = weights or (1.0,) * len(ids)
    return CriteriaSet.model_validate({
        "name": "Unit", **extra,
        "criteria": [{"id": i, "data": "functional", "weight": w, "scale": {"range": [0, 1]}} for i, w in zip(ids, weights, strict=True)],
    })  # fmt: skip


def sample() -> Scoring:
    ws = ws_module.load(REPO_ROOT)
    loaded = load_criteria(REPO_ROOT, None, ws.settings)
    return score(
        apply_votes(items_frame(ws, loaded.criteria.criteria), ws.votes, loaded.criteria),
        loaded.criteria,
    )


def test_spread_zero_reproduces_the_sample_ranking_exactly() -> None:
    scoring = sample()
    result = sensitivity(scoring, runs=20, spread=0.0, top=10)
    items = result.items
    assert list(items[ID]) == list(scoring.ranked[ID])
    ranks = items[RANK].astype(float)
    for column in (MEDIAN_RANK, P5_RANK, P95_RANK):
        assert (items[column] == ranks).all(), column
    assert (items[TOP_K_PROBABILITY] == (ranks <= 10).astype(float)).all()
    assert result.stable and result.first_share == 1.0


def test_spread_zero_is_exact_with_many_criteria_and_exact_ties() -> None:
    rng = np.random.default_rng(7)
    ids = [f"c{j}" for j in range(11)]
    criteria = unit_criteria(*ids, weights=tuple(float(j % 4 + 1) for j in range(11)), per_effort=True,
                             risk_factor={"low": 1.0, "medium": 0.85, "high": 0.6})  # fmt: skip
    rows = [
        {ID: f"I{i:03d}", "effort": float(rng.choice([1, 2, 3, 5])), "risk": str(rng.choice(["low", "medium", "high"])),
         **{f"raw.{c}": float(rng.choice([0.0, 0.25, 0.5, 1.0])) for c in ids}}
        for i in range(300)
    ]  # fmt: skip
    scoring = scored(rows, criteria)
    assert scoring.ranked["score"].duplicated().sum() > 10  # ties, broken by id
    result = sensitivity(scoring, runs=5, spread=0.0)
    assert (result.items[P5_RANK] == result.items[RANK].astype(float)).all()
    assert (result.items[P95_RANK] == result.items[RANK].astype(float)).all()


def test_the_same_seed_repeats_and_another_seed_differs() -> None:
    scoring = sample()
    a = sensitivity(scoring, runs=300, spread=0.5, seed=3)
    b = sensitivity(scoring, runs=300, spread=0.5, seed=3)
    c = sensitivity(scoring, runs=300, spread=0.5, seed=4)
    pd.testing.assert_frame_equal(a.items, b.items)
    assert a.verdict == b.verdict
    assert not a.items[TOP_K_PROBABILITY].equals(c.items[TOP_K_PROBABILITY]) or not a.items[
        MEDIAN_RANK
    ].equals(c.items[MEDIAN_RANK])


def test_two_items_that_only_the_weight_ratio_orders_split_the_runs() -> None:
    # A has n = (1, 0), B n = (0, 1), weights equal: A is first exactly when its weight's factor
    # is the larger, which is half the time for independent uniform factors.
    scoring = scored(
        [{ID: "A", "raw.x": 1.0, "raw.y": 0.0}, {ID: "B", "raw.x": 0.0, "raw.y": 1.0}],
        unit_criteria("x", "y"),
    )
    result = sensitivity(scoring, runs=4000, spread=0.3, top=1)
    share = result.items.set_index(ID)[TOP_K_PROBABILITY]
    assert share["A"] == pytest.approx(0.5, abs=0.03)
    assert share["A"] + share["B"] == pytest.approx(1.0)
    assert not result.stable and "fragile" in result.verdict


def test_effort_and_risk_apply_after_the_weighted_value() -> None:
    # Same criteria values: whatever the weights, A (effort 1) stays ahead of B (effort 2) and
    # B ahead of C (effort 2, high risk: 0.6).
    criteria = unit_criteria("x", "y", per_effort=True, risk_factor={"low": 1.0, "high": 0.6})
    rows = [
        {ID: "C", "effort": 2.0, "risk": "high", "raw.x": 0.9, "raw.y": 0.2},
        {ID: "B", "effort": 2.0, "risk": "low", "raw.x": 0.9, "raw.y": 0.2},
        {ID: "A", "effort": 1.0, "risk": "low", "raw.x": 0.9, "raw.y": 0.2},
    ]
    result = sensitivity(scored(rows, criteria), runs=500, spread=0.9, top=1)
    assert list(result.items[ID]) == ["A", "B", "C"]
    assert list(result.items[P95_RANK]) == [1, 2, 3] and list(result.items[P5_RANK]) == [1, 2, 3]
    assert result.stable


def test_weight_moves_by_hand() -> None:
    # A n = (1, 0, 0.5), B n = (0, 0.5, 0.5), weights 1, 1, 1: A = 150 / 3, B = 100 / 3.
    # x times k: A = 100 (k + 0.5) / (k + 2), B = 100 * 1 / (k + 2): B first below k = 0.5 (A first on the tie, by id).
    # y times k: A = 150 / (k + 2), B = 100 (0.5 k + 0.5) / (k + 2): B first above k = 2.
    # z times k: A - B = 100 / (k + 2) > 0 always: none within 10x.
    criteria = unit_criteria("x", "y", "z")
    scoring = scored(
        [
            {ID: "A", "raw.x": 1, "raw.y": 0, "raw.z": 0.5},
            {ID: "B", "raw.x": 0, "raw.y": 0.5, "raw.z": 0.5},
        ],
        criteria,
    )
    moves = weight_moves(scoring).set_index("criterion")
    assert (
        moves.loc["x", FACTOR] == pytest.approx(0.5, rel=1e-9) and moves.loc["x", NEW_FIRST] == "B"
    )
    assert moves.loc["x", FACTOR] < 0.5
    assert moves.loc["y", FACTOR] == pytest.approx(2.0, rel=1e-9) and moves.loc["y", FACTOR] > 2.0
    assert moves.loc["y", NEW_WEIGHT] == pytest.approx(2.0, rel=1e-9)
    assert pd.isna(moves.loc["z", FACTOR]) and moves.loc["z", NEW_FIRST] is None


def test_verdict_and_columns() -> None:
    result = sensitivity(sample(), runs=200)
    assert list(result.items.columns[: len(ITEM_COLUMNS)]) == ITEM_COLUMNS
    assert result.verdict.startswith("The top 10 is ")
    small = sensitivity(scored([{ID: "A", "raw.x": 1.0}], unit_criteria("x")), runs=10)
    assert small.stable and "cannot change" in small.verdict


def test_formula_sets_perturb_each_input_and_keep_spread_zero_exact() -> None:
    loaded = load_criteria(None, "rice")
    ws = ws_module.load(REPO_ROOT / "examples" / "rice-intercom")
    scoring = score(items_frame(ws, loaded.criteria.criteria), loaded.criteria)
    exact = sensitivity(scoring, runs=10, spread=0.0)
    assert exact.perturbed == "inputs"
    assert list(exact.items[P95_RANK]) == [1, 2, 3]
    noisy = sensitivity(scoring, runs=500, spread=0.3)
    # A shared factor per criterion could never reorder a product; a factor per input does.
    assert 0.5 < noisy.first_share < 1.0  # type: ignore[operator]
    # project-3 (800) loses first place to project-1 (675) when one of its inputs falls below 675 / 800.
    moves = noisy.criteria.set_index("criterion")
    assert (
        moves.loc["reach", FACTOR] == pytest.approx(675 / 800, rel=1e-9)
        and moves.loc["reach", NEW_FIRST] == "project-1"
    )


def test_progress_is_reported_and_1000_runs_over_1000_items_take_seconds() -> None:
    rng = np.random.default_rng(0)
    ids = [f"c{j}" for j in range(7)]
    rows = [
        {
            ID: f"I{i:04d}",
            "effort": float(rng.integers(1, 9)),
            **{f"raw.{c}": float(rng.random()) for c in ids},
        }
        for i in range(1000)
    ]
    scoring = scored(rows, unit_criteria(*ids, per_effort=True))
    seen: list[tuple[int, int]] = []
    start = time.perf_counter()
    result = sensitivity(
        scoring, runs=1000, on_progress=lambda done, total: seen.append((done, total))
    )
    assert time.perf_counter() - start < 10
    assert seen[-1] == (1000, 1000) and len(result.items) == 1000


@given(
    st.lists(
        st.tuples(
            st.floats(0, 1),
            st.floats(0, 1),
            st.floats(0, 1),
            st.sampled_from([1.0, 2.0, 5.0]),
            st.sampled_from(["pilot", "test", "opinion", "none"]),
        ),
        min_size=2,
        max_size=8,
    ),
    st.tuples(*[st.sampled_from([0.5, 1.0, 2.0, 3.0])] * 3),
    st.booleans(),
)
@settings(max_examples=60, deadline=None)
def test_solved_weight_moves_agree_with_a_search(
    rows: list[tuple[float, float, float, float, str]],
    weights: tuple[float, float, float],
    sure: bool,
) -> None:
    # The weighted sets' crossing is solved, not searched: a fine search over the same factors
    # (the grid and bisection formula sets use) must find the same first change.
    from prioritize.analysis.sensitivity import (
        MAX_FACTOR,
        MIN_FACTOR,
        _first_change,
        _first_change_weighted,
        _leaders,
        _Scorer,
    )

    # With `confidence: true` every item's line is scaled by its own level as well.
    criteria = unit_criteria("x", "y", "z", weights=weights, per_effort=True, confidence=sure)
    scoring = scored(
        [
            {ID: f"I{k}", "raw.x": x, "raw.y": y, "raw.z": z, "effort": e, "evidence_strength": s}
            for k, (x, y, z, e, s) in enumerate(rows)
        ],
        criteria,
    )
    scorer = _Scorer(scoring)
    leader = int(_leaders(scorer, scorer.ones(1))[0])
    # At an exact tie for first place the id decides, and the rounding of a moved weight's
    # scale can flip it where the straight lines never cross: such noise is not a crossing.
    scores = scoring.frame["score"].to_numpy(dtype=float)
    runner_up = np.delete(scores, leader).max()
    assume(scores[leader] - runner_up > 1e-9 * max(abs(scores[leader]), 1.0))
    for j in range(3):
        for limit in (MAX_FACTOR, MIN_FACTOR):
            solved = _first_change_weighted(scorer, j, leader, limit)
            grid = np.geomspace(1.0, limit, 401)[1:]
            searched = _first_change(scorer, j, grid, leader)
            if searched is None:
                assert solved is None
            else:
                assert solved is not None
                assert solved[0] == pytest.approx(searched[0], rel=1e-9)
                assert solved[1] == searched[1]


@pytest.mark.parametrize("terms", [1, 2, 7, 8, 9, 15, 16, 17, 40, 129, 300])
def test_criterion_by_criterion_sums_round_as_numpy_sums_each_row(terms: int) -> None:
    # The runs add whole columns of contributions; each item's value must round exactly as
    # scoring's `contributions.sum(axis=1)` rounds it, or a spread of 0 could reorder near-ties.
    from prioritize.analysis.sensitivity import _pairwise_sum

    rows = np.random.default_rng(terms).uniform(-100, 100, size=(3, 50, terms))
    summed = _pairwise_sum([rows[:, :, j] for j in range(terms)], (3, 50))
    assert np.array_equal(summed, rows.sum(axis=2))


@given(st.lists(st.lists(st.sampled_from([-np.inf, -1.0, 0.0, 0.5, 2.0]), min_size=5, max_size=5), min_size=1, max_size=6))  # fmt: skip
def test_ranks_put_ties_in_id_order_as_a_stable_sort_does(rows: list[list[float]]) -> None:
    from prioritize.analysis.sensitivity import _ranks

    scores = np.array(rows)
    order = np.argsort(-scores, axis=1, kind="stable")
    expected = np.empty_like(order)
    np.put_along_axis(expected, order, np.arange(1, scores.shape[1] + 1), axis=1)
    assert np.array_equal(_ranks(scores), expected)
