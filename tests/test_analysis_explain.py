"""analysis.explain: per-criterion figures, what would lift an item one place, two items compared."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from conftest import REPO_ROOT
from prioritize import scoring as scoring_module
from prioritize import workspace as ws_module
from prioritize.analysis.explain import (
    A_PART,
    B_PART,
    CLOSES_GAP,
    CONTRIBUTION,
    CRITERION,
    DIFFERENCE,
    EFFECT,
    NEEDED_RAW,
    NORMALIZED,
    PART,
    RAW,
    compare_items,
    explain_item,
)  # fmt: skip
from prioritize.analysis.votes import apply_votes
from prioritize.criteria_sets import load_criteria
from prioritize.errors import PrioritizeError
from prioritize.formula import CompiledCriteria
from prioritize.models import CriteriaSet
from prioritize.pipeline import items_frame
from prioritize.scoring import ID, Scoring, raw_column


def score(items: pd.DataFrame, criteria: CriteriaSet) -> Scoring:
    """Score as the pipeline does: the criteria set compiled with its formula."""
    return scoring_module.score(items, CompiledCriteria.compile(criteria))


def items(rows: list[dict[str, Any]], criteria: CriteriaSet) -> pd.DataFrame:
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
    return frame


def by_criterion(explanation: Any) -> dict[str, dict[str, Any]]:
    return {r[CRITERION]: r for r in explanation.criteria.to_dict("records")}


# a: weight 3, range [0, 10]; b: weight 1, range [0, 100], lower is better; per effort.
TWO = CriteriaSet.model_validate({
    "name": "Two",
    "per_effort": True,
    "criteria": [
        {"id": "a", "data": "functional", "weight": 3, "scale": {"range": [0, 10]}},
        {"id": "b", "data": "operational", "weight": 1, "direction": "lower", "scale": {"range": [0, 100]}},
    ],
})  # fmt: skip


def test_contributions_weights_and_the_move_up_by_hand() -> None:
    # X: n = (0.5, 1 - 0.2 = 0.8): value = 100 * (3 * 0.5 + 0.8) / 4 = 57.5, score 57.5 / 2 = 28.75
    # Y: n = (0.8, 0.5):           value = 100 * (3 * 0.8 + 0.5) / 4 = 72.5, score 36.25
    # X's gap 7.5 of score is 15 of value. By a: n must rise by 15 * 4 / (100 * 3) = 0.2 to 0.7,
    # so a = 7. By b: n must rise by 15 * 4 / 100 = 0.6 to 1.4 > 1: it cannot.
    frame = items([
        {ID: "X", "effort": 2.0, "raw.a": 5, "raw.b": 20},
        {ID: "Y", "effort": 2.0, "raw.a": 8, "raw.b": 50},
    ], TWO)  # fmt: skip
    e = explain_item(score(frame, TWO), "X")
    assert (e.rank, e.value, e.score) == (2, pytest.approx(57.5), pytest.approx(28.75))
    rows = by_criterion(e)
    assert rows["a"][NORMALIZED] == pytest.approx(0.5) and rows["a"][CONTRIBUTION] == pytest.approx(
        37.5
    )
    assert rows["b"][NORMALIZED] == pytest.approx(0.8) and rows["b"][CONTRIBUTION] == pytest.approx(
        20
    )
    assert rows["a"][CONTRIBUTION] + rows["b"][CONTRIBUTION] == pytest.approx(e.value)
    assert e.move_up is not None
    assert (e.move_up.above, e.move_up.gap) == ("Y", pytest.approx(7.5))
    assert (e.move_up.criterion, e.move_up.needed_raw, e.move_up.current_raw) == (
        "a",
        pytest.approx(7),
        5,
    )
    assert rows["b"][NEEDED_RAW] is None and rows["b"]["closes_gap"] is False


def test_lower_is_better_inverts_the_range_and_direction() -> None:
    # b weight 3 now: X n = (0.5, 0.8): value 100 * (0.5 + 2.4) / 4 = 72.5; Y n = (1, 0.9): 100 * (1 + 2.7) / 4 = 92.5.
    # X needs 20 more value: n_b up by 20 * 4 / 300 = 0.2667 to 1.0667 > 1: cannot; n_a up by 0.8 to 1.3: cannot.
    # With Y at b = 30 (n 0.7): Y = 100 * (1 + 2.1) / 4 = 77.5, gap 5: n_b up by 5 * 4 / 300 to 0.8667,
    # so b = 100 * (1 - 0.8667) = 13.33.
    criteria = CriteriaSet.model_validate({
        "name": "Lower",
        "criteria": [
            {"id": "a", "data": "functional", "weight": 1, "scale": {"range": [0, 10]}},
            {"id": "b", "data": "operational", "weight": 3, "direction": "lower", "scale": {"range": [0, 100]}},
        ],
    })  # fmt: skip
    far = explain_item(
        score(
            items(
                [{ID: "X", "raw.a": 5, "raw.b": 20}, {ID: "Y", "raw.a": 10, "raw.b": 10}], criteria
            ),
            criteria,
        ),
        "X",
    )
    assert far.move_up is not None and far.move_up.criterion is None
    near = explain_item(
        score(
            items(
                [{ID: "X", "raw.a": 5, "raw.b": 20}, {ID: "Y", "raw.a": 10, "raw.b": 30}], criteria
            ),
            criteria,
        ),
        "X",
    )
    assert near.move_up is not None and near.move_up.criterion == "b"
    assert near.move_up.needed_raw == pytest.approx(100 * (1 - (0.8 + 5 * 4 / 300)))


# One criterion on a fixed range; risk discounts; no per effort, so effort is no lever.
RISKY = CriteriaSet.model_validate({
    "name": "Risky",
    "risk_factor": {"low": 1.0, "medium": 0.85, "high": 0.6},
    "criteria": [{"id": "a", "data": "functional", "scale": {"range": [0, 10]}}],
})  # fmt: skip


def test_a_risk_level_alone_closes_the_gap_when_no_criterion_can() -> None:
    # X: a 9, n 0.9, value 90, high risk: score 90 * 0.6 = 54. Y: a 7, value 70, low: 70.
    # X needs 70: by a, value 70 / 0.6 = 116.7, n 1.167: a = 11.67, above the range's 10: out of
    # reach. Risk medium: 90 * 0.85 = 76.5 >= 70 (one step of three levels: 1/2); low: 90 (1).
    scoring = score(
        items([{ID: "X", "risk": "high", "raw.a": 9}, {ID: "Y", "risk": "low", "raw.a": 7}], RISKY),
        RISKY,
    )
    e = explain_item(scoring, "X")
    assert (e.rank, e.score) == (2, pytest.approx(54))
    assert e.move_up is not None and e.move_up.gap == pytest.approx(16)
    row = by_criterion(e)["a"]
    assert row[NEEDED_RAW] is None and row[CLOSES_GAP] is False
    assert e.move_up.criterion is None
    # One move per lever, its smallest: medium.
    assert [(m.lever, m.kind, m.now, m.to, m.size) for m in e.move_up.levers] == [
        ("risk", "risk", "high", "medium", 0.5)
    ]
    assert e.move_up.pair is None


def test_a_criterion_target_outside_its_range_is_out_of_reach() -> None:
    # X a 2 (value 20), Y a 9 (90), both low risk: X needs n 0.9, a = 9, inside 0..10: in reach.
    # With X at high risk (score 12) it needs 90 / 0.6 = 150 of value, a = 15: out of reach;
    # risk low gives 20, medium 17: not enough.
    scoring = score(
        items([{ID: "X", "risk": "low", "raw.a": 2}, {ID: "Y", "risk": "low", "raw.a": 9}], RISKY),
        RISKY,
    )
    near = explain_item(scoring, "X")
    assert near.move_up is not None and near.move_up.needed_raw == pytest.approx(9)
    far = explain_item(
        score(
            items(
                [{ID: "X", "risk": "high", "raw.a": 2}, {ID: "Y", "risk": "low", "raw.a": 9}],
                RISKY,
            ),
            RISKY,
        ),
        "X",
    )
    assert far.move_up is not None and far.move_up.levers == ()
    assert by_criterion(far)["a"][NEEDED_RAW] is None
    # The pair: risk low (1) with a at 9 (n 0.7); risk medium (1/2) would need a = 90 / 0.85 / 10
    # = 10.59, out of range. So a 9 with low, total 1.7.
    assert far.move_up.pair is not None
    assert [(m.lever, m.to, m.size) for m in far.move_up.pair] == [
        ("a", pytest.approx(9), pytest.approx(0.7)),
        ("risk", "low", 1.0),
    ]


def test_the_smallest_pair_when_no_single_lever_suffices() -> None:
    # a weight 1 on 0..10, b weight 3 on 0..100, lower is better; no effort, no risk levers.
    # X n = (0.5, 0.8): value 100 * (0.5 + 2.4) / 4 = 72.5; Y n = (1, 0.9): 92.5. X needs 20 of
    # value: dn_a + 3 dn_b = 0.8, with dn_a <= 0.5 and dn_b <= 0.2. Alone neither can (0.8, 0.267).
    # Least dn_a + dn_b: b goes first (3 points a step): dn_b 0.2 (b = 0), then dn_a 0.2 (a = 7).
    criteria = CriteriaSet.model_validate({
        "name": "Lower",
        "criteria": [
            {"id": "a", "data": "functional", "weight": 1, "scale": {"range": [0, 10]}},
            {"id": "b", "data": "operational", "weight": 3, "direction": "lower", "scale": {"range": [0, 100]}},
        ],
    })  # fmt: skip
    scoring = score(
        items([{ID: "X", "raw.a": 5, "raw.b": 20}, {ID: "Y", "raw.a": 10, "raw.b": 10}], criteria),
        criteria,
    )
    e = explain_item(scoring, "X")
    assert e.move_up is not None and e.move_up.levers == ()
    assert e.move_up.pair is not None
    assert [(m.lever, m.to, m.size) for m in e.move_up.pair] == [
        ("a", pytest.approx(7), pytest.approx(0.2)),
        ("b", pytest.approx(0, abs=1e-9), pytest.approx(0.2)),
    ]


def test_log_and_auto_ranges_invert_through_the_log() -> None:
    # volume: log, auto range over ln(1 + 0) = 0 .. ln(1 + 999): P 0, Q ln(100) / ln(1000) = 2/3, R 1.
    # Q needs n = 1: x = ln(1000), raw 999. P needs Q's n = 2/3: x = ln(100), raw 99.
    criteria = CriteriaSet.model_validate({
        "name": "Log", "criteria": [{"id": "volume", "data": "operational", "scale": {"transform": "log"}}],
    })  # fmt: skip
    scoring = score(
        items(
            [{ID: "P", "raw.volume": 0}, {ID: "Q", "raw.volume": 99}, {ID: "R", "raw.volume": 999}],
            criteria,
        ),
        criteria,
    )
    q, p = explain_item(scoring, "Q"), explain_item(scoring, "P")
    assert q.value == pytest.approx(100 * 2 / 3)
    assert q.move_up is not None and q.move_up.needed_raw == pytest.approx(999)
    assert p.move_up is not None and p.move_up.needed_raw == pytest.approx(99)


def test_allowed_values_give_the_smallest_value_that_closes_the_gap() -> None:
    # fit 1..5 on range [1, 5], weight 1; m weight 1 on [0, 1]. A: n (0.25, 0.5) value 37.5; B: n (0.5, 0.6) value 55.
    # A needs 17.5 of value: n_fit up by 17.5 * 2 / 100 = 0.35 to 0.6: fit 3.4, so the allowed 4
    # (n 0.75, a move of 0.5); m up by 0.35 to 0.85, a smaller move, so m comes first.
    criteria = CriteriaSet.model_validate({
        "name": "Fit",
        "criteria": [
            {"id": "fit", "data": "judgement", "allowed": [1, 2, 3, 4, 5], "scale": {"range": [1, 5]}},
            {"id": "m", "data": "functional", "scale": {"range": [0, 1]}},
        ],
    })  # fmt: skip
    scoring = score(
        items(
            [{ID: "A", "raw.fit": 2, "raw.m": 0.5}, {ID: "B", "raw.fit": 3, "raw.m": 0.6}], criteria
        ),
        criteria,
    )
    e = explain_item(scoring, "A")
    assert by_criterion(e)["fit"][NEEDED_RAW] == 4
    assert by_criterion(e)["m"][NEEDED_RAW] == pytest.approx(0.85)
    assert e.move_up is not None
    assert [(m.lever, m.size) for m in e.move_up.levers] == [
        ("m", pytest.approx(0.35)),
        ("fit", pytest.approx(0.5)),
    ]


def test_first_unscored_closed_and_unknown_items() -> None:
    frame = items([
        {ID: "X", "effort": 2.0, "raw.a": 5, "raw.b": 20},
        {ID: "Y", "effort": 2.0, "raw.a": 8, "raw.b": 50},
        {ID: "Z", "effort": 2.0, "raw.a": None, "raw.b": 50},
        {ID: "D", "status": "done", "effort": 2.0, "raw.a": 1, "raw.b": 1},
    ], TWO)  # fmt: skip
    scoring = score(frame, TWO)
    first = explain_item(scoring, "Y")
    assert first.rank == 1 and first.move_up is None
    unscored = explain_item(scoring, "Z")
    assert unscored.rank is None and unscored.score is None
    assert unscored.unscored == "no a (at evidence.functional.a)"
    assert by_criterion(unscored)["a"][RAW] is None
    closed = explain_item(scoring, "D", statuses={"X": "proposed", "D": "done"})
    assert closed.rank is None and "done" in (closed.unscored or "")
    with pytest.raises(PrioritizeError, match=r'no item "Yy".*did you mean "Y"'):
        explain_item(scoring, "Yy")


def test_a_missing_optional_criterion_counts_as_zero() -> None:
    criteria = CriteriaSet.model_validate({
        "name": "Opt",
        "criteria": [
            {"id": "a", "data": "functional", "scale": {"range": [0, 10]}},
            {"id": "b", "data": "operational", "required": False, "direction": "lower", "scale": {"range": [0, 10]}},
        ],
    })  # fmt: skip
    scoring = score(
        items([{ID: "X", "raw.a": 5}, {ID: "Y", "raw.a": 10, "raw.b": 0}], criteria), criteria
    )
    e = explain_item(scoring, "X")
    rows = by_criterion(e)
    assert (
        rows["b"][RAW] is None and rows["b"][NORMALIZED] == 0.0 and rows["b"][CONTRIBUTION] == 0.0
    )
    assert e.value == pytest.approx(25)
    # Gap 75 of value: n_b needs 1.5 (cannot); n_a needs 2 (cannot).
    assert e.move_up is not None and e.move_up.criterion is None


def test_contributions_add_up_to_value_on_every_item_of_the_sample() -> None:
    ws = ws_module.load(REPO_ROOT)
    loaded = load_criteria(REPO_ROOT, None, ws.settings)
    scoring = score(
        apply_votes(items_frame(ws, loaded.criteria.criteria), ws.votes, loaded.criteria),
        loaded.criteria,
    )
    assert len(scoring.ranked) > 20
    for item_id in scoring.ranked[ID]:
        e = explain_item(scoring, item_id)
        assert e.criteria[CONTRIBUTION].sum() == pytest.approx(e.value, abs=1e-9)
        if e.rank and e.rank > 1:
            assert e.move_up is not None and e.move_up.gap >= 0


def test_the_needed_value_really_lifts_the_item() -> None:
    """Write the needed raw value into the item and rescore: it reaches the score of the one above."""
    ws = ws_module.load(REPO_ROOT)
    loaded = load_criteria(REPO_ROOT, None, ws.settings)
    frame = apply_votes(items_frame(ws, loaded.criteria.criteria), ws.votes, loaded.criteria)
    scoring = score(frame, loaded.criteria)
    checked = 0
    for item_id in scoring.ranked[ID].iloc[1:12]:
        e = explain_item(scoring, item_id)
        assert e.move_up is not None
        for c in loaded.criteria.criteria:
            need = by_criterion(e)[c.id][NEEDED_RAW]
            if need is None or c.scale.range in (None, "auto"):
                continue  # auto ranges move when the value does; fixed ranges are exact
            changed = frame.copy()
            changed[raw_column(c.id)] = [
                need if i == item_id else v
                for i, v in zip(changed[ID], changed[raw_column(c.id)], strict=True)
            ]
            new = score(changed, loaded.criteria).frame.set_index(ID)
            assert new.loc[item_id, "score"] >= e.move_up.above_score - 1e-9
            checked += 1
    assert checked > 5


def test_effort_and_risk_moves_really_lift_the_item() -> None:
    """Write each effort or risk move into the item and rescore: it reaches the score above."""
    ws = ws_module.load(REPO_ROOT)
    loaded = load_criteria(REPO_ROOT, None, ws.settings)
    frame = apply_votes(items_frame(ws, loaded.criteria.criteria), ws.votes, loaded.criteria)
    scoring = score(frame, loaded.criteria)
    kinds = set()
    for item_id in scoring.ranked[ID].iloc[1:]:
        e = explain_item(scoring, item_id)
        assert e.move_up is not None and e.move_up.levers  # per effort: effort always can
        for move in e.move_up.levers:
            if move.kind == "criterion":
                continue
            column = "effort" if move.kind == "effort" else "risk"
            changed = frame.assign(**{column: frame[column].astype(object)})
            changed.loc[changed[ID] == item_id, column] = move.to
            new = score(changed, loaded.criteria).frame.set_index(ID)
            assert new.loc[item_id, "score"] >= e.move_up.above_score - 1e-9
            kinds.add(move.kind)
    assert kinds == {"effort", "risk"}


# --- formula sets ----------------------------------------------------------------------------

RICE_PATH = REPO_ROOT / "src" / "prioritize" / "presets" / "rice.yaml"


def rice() -> tuple[Any, Any]:
    loaded = load_criteria(None, "rice")
    ws = ws_module.load(REPO_ROOT / "examples" / "rice-intercom")
    scoring = score(items_frame(ws, loaded.criteria.criteria), loaded.criteria)
    return scoring, scoring.formula


def test_formula_sets_substitute_the_numbers_and_solve_for_the_gap() -> None:
    # Intercom's example: project-3 800, project-1 450 * 3 * 1.0 / 2 = 675, project-2 400.
    # project-1 needs 800: reach 800 * 2 / 3 = 533.3, inside the 450..2000 seen: a move of
    # 83.3 / 1550 = 0.054; confidence 800 / 675 = 1.185, above the 0.5..1 seen: out of reach;
    # impact 3 is already the top of its scale; effort 2 * 675 / 800 = 1.6875, a cut of 0.156.
    scoring, _ = rice()
    e = explain_item(scoring, "project-1")
    assert (e.rank, e.score) == (2, pytest.approx(675))
    assert e.substituted == "450 * 3 * 1 / 2"
    rows = by_criterion(e)
    assert rows["reach"][NEEDED_RAW] == pytest.approx(1600 / 3, rel=1e-9)
    assert rows["confidence"][NEEDED_RAW] is None and rows["confidence"]["closes_gap"] is False
    assert rows["impact"][NEEDED_RAW] is None
    assert e.move_up is not None and (e.move_up.above, e.move_up.gap, e.move_up.criterion) == (
        "project-3",
        pytest.approx(125),
        "reach",
    )
    assert [(m.lever, m.to, m.size) for m in e.move_up.levers] == [
        ("reach", pytest.approx(1600 / 3, rel=1e-9), pytest.approx((1600 / 3 - 450) / 1550)),
        ("effort", pytest.approx(1.6875), pytest.approx(0.3125 / 2)),
    ]
    # project-2 (400) needs 675: impact 1 -> 2 on its listed scale gives 800.
    two = explain_item(scoring, "project-2")
    assert by_criterion(two)["impact"][NEEDED_RAW] == 2


DIV = CriteriaSet.model_validate({
    "name": "Div", "method": "formula", "formula": "gain / cost",
    "criteria": [{"id": "gain", "data": "judgement"}, {"id": "cost", "data": "operational"}],
})  # fmt: skip


def test_formula_with_a_divisor_criterion_solves_downwards() -> None:
    # C (20 / 2 = 10) widens the values seen to gain 10..20, cost 2..5.
    scoring = score(
        items(
            [{ID: "A", "raw.gain": 10, "raw.cost": 5}, {ID: "B", "raw.gain": 12, "raw.cost": 4},
             {ID: "C", "raw.gain": 20, "raw.cost": 2}],
            DIV,
        ),
        DIV,
    )  # fmt: skip
    e = explain_item(scoring, "A")  # 2 vs 3: gain 15, or cost 10 / 3
    rows = by_criterion(e)
    assert rows["gain"][NEEDED_RAW] == pytest.approx(15)
    assert rows["cost"][NEEDED_RAW] == pytest.approx(10 / 3)


def test_formula_inputs_move_only_within_the_values_seen_else_a_pair() -> None:
    # A 10 / 5 = 2 needs B's 12 / 4 = 3. Seen: gain 10..12, cost 4..5. Alone, gain would need 15
    # and cost 10 / 3: both out of reach. Together gain / cost >= 3 with gain <= 12 and cost >= 4
    # asks for both at their ends: gain 12 (a move of 2 / 2 = 1) with cost 4 (1 / 1 = 1).
    scoring = score(
        items(
            [{ID: "A", "raw.gain": 10, "raw.cost": 5}, {ID: "B", "raw.gain": 12, "raw.cost": 4}],
            DIV,
        ),
        DIV,
    )
    e = explain_item(scoring, "A")
    rows = by_criterion(e)
    assert rows["gain"][NEEDED_RAW] is None and rows["cost"][NEEDED_RAW] is None
    assert e.move_up is not None and e.move_up.levers == ()
    assert e.move_up.pair is not None
    (first, second) = e.move_up.pair
    assert (first.lever, first.to, first.size) == ("gain", pytest.approx(12), pytest.approx(1))
    assert (second.lever, second.to, second.size) == ("cost", pytest.approx(4), pytest.approx(1))


# --- comparisons -----------------------------------------------------------------------------


def test_compare_names_the_largest_contribution_difference() -> None:
    frame = items([
        {ID: "X", "effort": 2.0, "raw.a": 5, "raw.b": 20},
        {ID: "Y", "effort": 2.0, "raw.a": 8, "raw.b": 50},
    ], TWO)  # fmt: skip
    scoring = score(frame, TWO)
    c = compare_items(explain_item(scoring, "X"), explain_item(scoring, "Y"))
    diff = dict(zip(c.criteria[CRITERION], c.criteria[DIFFERENCE], strict=True))
    assert diff["a"] == pytest.approx(100 * 3 * (0.5 - 0.8) / 4)  # -22.5
    assert diff["b"] == pytest.approx(100 * 1 * (0.8 - 0.5) / 4)  # 7.5
    assert c.separated_by is not None and c.separated_by.name == "a"


def test_compare_formula_items_by_swapping_one_value() -> None:
    # project-2 = 2000 * 1 * 0.8 / 4 = 400. With project-1's reach 450: 90 (400 - 90 = 310);
    # impact 3: 1200 (-800); confidence 1.0: 500 (-100). Impact separates them most.
    scoring, formula = rice()
    c = compare_items(
        explain_item(scoring, "project-2"),
        explain_item(scoring, "project-1"),
        formula,
    )
    diff = dict(zip(c.criteria[CRITERION], c.criteria[DIFFERENCE], strict=True))
    assert diff == {
        "reach": pytest.approx(310),
        "impact": pytest.approx(-800),
        "confidence": pytest.approx(-100),
    }
    assert c.separated_by is not None and c.separated_by.name == "impact"


def test_compare_with_an_unscored_item_separates_nothing() -> None:
    frame = items([{ID: "X", "raw.a": 5, "raw.b": 20}, {ID: "Z", "raw.a": None, "raw.b": 50}], TWO)
    scoring = score(frame, TWO)
    c = compare_items(explain_item(scoring, "X"), explain_item(scoring, "Z"))
    assert c.separated_by is None and c.criteria[DIFFERENCE].isna().all()
    assert not math.isnan(c.criteria["a_normalized"].iloc[0])


def test_compare_names_the_factor_in_favour_of_the_higher_item_effort_here() -> None:
    # a on 0..10, per effort, risk factors. H: a 4, value 40, effort 1, low: score 40.
    # L: a 8, value 80, effort 4, medium: 80 / 4 * 0.85 = 17. H ranks first though a favours L.
    # L with H's a: 40 / 4 * 0.85 = 8.5 (-8.5); H's effort: 80 / 1 * 0.85 = 68 (+51);
    # H's risk: 80 / 4 * 1 = 20 (+3); H's whole value: the same as a here (-8.5).
    criteria = CriteriaSet.model_validate({
        "name": "Effort decides", "per_effort": True,
        "risk_factor": {"low": 1.0, "medium": 0.85, "high": 0.6},
        "criteria": [{"id": "a", "data": "functional", "scale": {"range": [0, 10]}}],
    })  # fmt: skip
    scoring = score(
        items([
            {ID: "H", "effort": 1.0, "risk": "low", "raw.a": 4},
            {ID: "L", "effort": 4.0, "risk": "medium", "raw.a": 8},
        ], criteria),
        criteria,
    )  # fmt: skip
    c = compare_items(explain_item(scoring, "L"), explain_item(scoring, "H"))
    assert c.higher == "H"
    assert c.separated_by is not None
    assert (c.separated_by.name, c.separated_by.kind) == ("effort", "effort")
    assert c.separated_by.effect == pytest.approx(51)
    assert c.favours_lower is not None and c.favours_lower.name == "a"
    assert c.criteria[EFFECT].tolist() == [pytest.approx(-8.5)]
    assert c.criteria[DIFFERENCE].tolist() == [pytest.approx(40)]  # L's contribution minus H's
    parts = {r[PART]: (r[A_PART], r[B_PART], r[EFFECT]) for r in c.parts.to_dict("records")}
    assert parts["value"] == (pytest.approx(80), pytest.approx(40), pytest.approx(-8.5))
    assert parts["effort"] == (4, 1, pytest.approx(51))
    assert parts["risk_factor"] == (0.85, 1.0, pytest.approx(3))
    assert parts["score"][:2] == (pytest.approx(17), pytest.approx(40))
    assert math.isnan(parts["score"][2])


def test_compare_formula_items_effort_and_risk_effects() -> None:
    # project-2 (400) with project-1's effort 2: 2000 * 1 * 0.8 / 2 = 800 (+400); no risk: 0.
    scoring, formula = rice()
    c = compare_items(
        explain_item(scoring, "project-2"), explain_item(scoring, "project-1"), formula
    )
    parts = {r[PART]: r[EFFECT] for r in c.parts.to_dict("records")}
    assert parts["effort"] == pytest.approx(400) and parts["risk_factor"] == 0
    assert parts["value"] == pytest.approx(675 - 400)
    assert c.separated_by is not None and c.separated_by.name == "impact"  # +800
