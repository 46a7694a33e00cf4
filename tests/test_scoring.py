"""prioritize.scoring.score, rule by rule (docs/reference.md section 4), on small hand-built frames.

Every expected number is worked out by hand in the comment next to it.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any
from unittest.mock import patch

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritize.errors import Ref
from prioritize.formula import CompiledCriteria
from prioritize.models import CriteriaSet
from prioritize.scoring import (
    EFFORT,
    FACING,
    ID,
    POOL,
    RANK,
    RISK,
    SCORE,
    STATUS,
    TITLE,
    UNSCORED,
    VALUE,
    Scoring,
    contribution_column,
    normalized_column,
    raw_column,
    score,
)

# --- builders -------------------------------------------------------------------------------


def crit(cid: str, **fields: Any) -> dict[str, Any]:
    """A criterion as it would be written in a criteria file (judgement unless told)."""
    return {"id": cid, "data": "judgement", **fields}


def cset(*criteria: dict[str, Any], **fields: Any) -> CriteriaSet:
    return CriteriaSet.model_validate({"name": "test", "criteria": list(criteria), **fields})


def frame(rows: list[dict[str, Any]], criteria: CriteriaSet) -> pd.DataFrame:
    """The items frame scoring expects: one row per item, raw.<id> as object columns.

    Each row is {"id": ..., optional status/risk/effort, and criterion id: raw value}.
    """
    data: dict[str, Any] = {
        ID: [r["id"] for r in rows],
        TITLE: [r.get("title", f"Item {r['id']}") for r in rows],
        POOL: [r.get("pool", "p") for r in rows],
        STATUS: [r.get("status", "proposed") for r in rows],
        RISK: [r.get("risk") for r in rows],
        FACING: [r.get("facing") for r in rows],
        EFFORT: pd.Series([r.get("effort") for r in rows], dtype=float),
    }
    for c in criteria.criteria:
        data[raw_column(c.id)] = pd.Series([r.get(c.id) for r in rows], dtype=object)
    return pd.DataFrame(data)


def run(rows: list[dict[str, Any]], criteria: CriteriaSet) -> Scoring:
    return score(frame(rows, criteria), CompiledCriteria.compile(criteria))


def rows_by_id(scoring: Scoring) -> dict[str, pd.Series]:
    return {row[ID]: row for _, row in scoring.frame.iterrows()}


def values(scoring: Scoring) -> dict[str, float]:
    """value per scored item."""
    return {row[ID]: float(row[VALUE]) for _, row in scoring.ranked.iterrows()}


def scores(scoring: Scoring) -> dict[str, float]:
    return {row[ID]: float(row[SCORE]) for _, row in scoring.ranked.iterrows()}


def order(scoring: Scoring) -> list[str]:
    return list(scoring.ranked[ID])


def unscored(scoring: Scoring) -> dict[str, str]:
    return {row[ID]: row[UNSCORED] for _, row in scoring.unscored.iterrows()}


# --- step 3: range --------------------------------------------------------------------------


def test_fixed_range_scales_linearly_and_clips() -> None:
    cs = cset(crit("a", scale={"range": [10, 20]}))
    result = run(
        [
            {"id": "A", "a": 15},
            {"id": "B", "a": 25},
            {"id": "C", "a": 5},
            {"id": "D", "a": 12},
            {"id": "E", "a": 20},
        ],
        cs,
    )
    # one criterion, weight 1: value = 100 * n
    # A: (15-10)/(20-10) = 0.5 -> 50
    # B: (25-10)/10 = 1.5, clipped to 1 -> 100
    # C: (5-10)/10 = -0.5, clipped to 0 -> 0
    # D: (12-10)/10 = 0.2 -> 20
    # E: (20-10)/10 = 1 -> 100
    assert values(result) == pytest.approx({"A": 50, "B": 100, "C": 0, "D": 20, "E": 100})
    assert rows_by_id(result)["B"][normalized_column("a")] == pytest.approx(1.0)
    assert rows_by_id(result)["C"][normalized_column("a")] == pytest.approx(0.0)


def test_auto_range_is_the_default_and_spans_the_scored_values() -> None:
    cs = cset(crit("a"))  # no scale: range auto
    result = run([{"id": "P", "a": 2}, {"id": "Q", "a": 4}, {"id": "R", "a": 10}], cs)
    # lo = 2, hi = 10: P (2-2)/8 = 0, Q (4-2)/8 = 0.25, R (10-2)/8 = 1
    assert values(result) == pytest.approx({"P": 0, "Q": 25, "R": 100})


def test_explicit_range_auto_is_the_same_as_the_default() -> None:
    cs = cset(crit("a", scale={"range": "auto"}))
    result = run([{"id": "P", "a": 2}, {"id": "Q", "a": 4}, {"id": "R", "a": 10}], cs)
    assert values(result) == pytest.approx({"P": 0, "Q": 25, "R": 100})


def test_auto_range_ignores_done_dropped_and_unscored_items() -> None:
    # a: auto range, weight 1; b: required, fixed range [0, 1], weight 1.
    cs = cset(crit("a"), crit("b", scale={"range": [0, 1]}))
    result = run(
        [
            {"id": "P", "a": 2, "b": 0},
            {"id": "Q", "a": 4, "b": 0},
            {"id": "R", "a": 10, "b": 0},
            {"id": "U", "a": 1000},  # b missing: unscored, its a=1000 must not stretch the range
            {"id": "D", "a": 100, "b": 0, "status": "done"},
            {"id": "X", "a": -50, "b": 0, "status": "dropped"},
        ],
        cs,
    )
    # lo = 2, hi = 10 over P, Q, R only; b contributes 0 to everyone.
    # P: 100 * (0 + 0)/2 = 0;  Q: 100 * (0.25 + 0)/2 = 12.5;  R: 100 * (1 + 0)/2 = 50
    assert values(result) == pytest.approx({"P": 0, "Q": 12.5, "R": 50})
    assert set(unscored(result)) == {"U"}


def test_auto_range_ignores_items_unscored_for_want_of_effort() -> None:
    cs = cset(crit("a"), per_effort=True)
    result = run(
        [{"id": "P", "a": 2, "effort": 1}, {"id": "R", "a": 10, "effort": 1}, {"id": "U", "a": 50}],
        cs,
    )
    # lo = 2, hi = 10 (U has no effort, so it is unscored and out of the range)
    # P: n = 0 -> value 0; R: n = 1 -> value 100; score = value / 1
    assert values(result) == pytest.approx({"P": 0, "R": 100})
    assert scores(result) == pytest.approx({"P": 0, "R": 100})


def test_auto_range_ignores_items_with_a_value_that_cannot_be_scored() -> None:
    cs = cset(crit("a"), crit("b", allowed=[1, 2]))
    result = run(
        [{"id": "P", "a": 2, "b": 1}, {"id": "R", "a": 10, "b": 1}, {"id": "Z", "a": 90, "b": 7}],
        cs,
    )
    # Z's b=7 is not allowed: Z is unscored and its a=90 stays out of a's range.
    # a: lo 2, hi 10 -> P 0, R 1; b: auto range over {1, 1}: equal, n = 1 for both.
    # P: 100 * (0 + 1)/2 = 50; R: 100 * (1 + 1)/2 = 100
    assert values(result) == pytest.approx({"P": 50, "R": 100})
    assert [p.code for p in result.problems] == ["not-allowed"]


def test_auto_range_with_all_values_equal_gives_n_1() -> None:
    cs = cset(crit("a"), crit("b", scale={"range": [0, 10]}))
    result = run([{"id": "P", "a": 7, "b": 0}, {"id": "Q", "a": 7, "b": 10}], cs)
    # a: lo = hi = 7, so n = 1 for both (not 0/0)
    # P: 100 * (1 + 0)/2 = 50;  Q: 100 * (1 + 1)/2 = 100
    assert values(result) == pytest.approx({"P": 50, "Q": 100})
    assert all(math.isfinite(v) for v in values(result).values())


def test_auto_range_with_a_single_scored_item_gives_n_1() -> None:
    cs = cset(crit("a"))
    result = run([{"id": "P", "a": 3}], cs)
    # lo = hi = 3: n = 1 -> value 100
    assert values(result) == pytest.approx({"P": 100})


def test_auto_range_all_equal_then_direction_lower() -> None:
    # Steps 3 then 4, read literally: n = 1 where lo == hi, then lower gives 1 - 1 = 0.
    cs = cset(crit("a", direction="lower"))
    result = run([{"id": "P", "a": 7}, {"id": "Q", "a": 7}], cs)
    assert values(result) == pytest.approx({"P": 0, "Q": 0})


# --- step 4: direction ----------------------------------------------------------------------


def test_direction_lower_reverses_n() -> None:
    cs = cset(crit("a", direction="lower", scale={"range": [0, 10]}))
    result = run([{"id": "A", "a": 2}, {"id": "B", "a": 10}, {"id": "C", "a": 15}], cs)
    # A: 1 - 2/10 = 0.8 -> 80;  B: 1 - 1 = 0 -> 0;  C: clip(1.5) = 1, 1 - 1 = 0 -> 0
    assert values(result) == pytest.approx({"A": 80, "B": 0, "C": 0})


def test_direction_lower_with_auto_range() -> None:
    cs = cset(crit("a", direction="lower"))
    result = run([{"id": "P", "a": 2}, {"id": "Q", "a": 4}, {"id": "R", "a": 10}], cs)
    # lo 2, hi 10: n = 0, 0.25, 1; lower: 1, 0.75, 0
    assert values(result) == pytest.approx({"P": 100, "Q": 75, "R": 0})


# --- step 2: transform, map, allowed --------------------------------------------------------


def test_transform_log_is_ln_1_plus_x_before_the_range() -> None:
    cs = cset(crit("a", scale={"transform": "log", "range": [0, 4]}))
    result = run(
        [{"id": "A", "a": 0}, {"id": "B", "a": math.e**2 - 1}, {"id": "C", "a": math.e**4 - 1}], cs
    )
    # A: ln(1 + 0) = 0 -> n 0;  B: ln(1 + e^2 - 1) = 2 -> n 2/4 = 0.5;  C: ln(e^4) = 4 -> n 1
    assert values(result) == pytest.approx({"A": 0, "B": 50, "C": 100})


def test_transform_log_with_auto_range() -> None:
    cs = cset(crit("a", scale={"transform": "log"}))
    result = run(
        [{"id": "A", "a": 0}, {"id": "B", "a": math.e - 1}, {"id": "C", "a": math.e**2 - 1}], cs
    )
    # x = ln(1 + raw) = 0, 1, 2; auto lo 0, hi 2: n = 0, 0.5, 1.
    # (Without the log, B would be (e-1)/(e^2-1) = 0.269, not 0.5.)
    assert values(result) == pytest.approx({"A": 0, "B": 50, "C": 100})


def test_transform_log_of_a_negative_value_is_a_problem() -> None:
    cs = cset(crit("a", scale={"transform": "log"}))
    result = run([{"id": "A", "a": -1}, {"id": "B", "a": 1}], cs)
    assert [(p.code, p.ref.id) for p in result.problems] == [("invalid-value", "A")]
    assert set(unscored(result)) == {"A"}


def test_map_turns_values_into_numbers() -> None:
    cs = cset(
        crit(
            "size",
            allowed=["S", "M", "L"],
            scale={"map": {"S": 1, "M": 2, "L": 3}, "range": [1, 3]},
        )
    )
    result = run([{"id": "A", "size": "S"}, {"id": "B", "size": "M"}, {"id": "C", "size": "L"}], cs)
    # S -> 1 -> (1-1)/2 = 0;  M -> 2 -> 0.5;  L -> 3 -> 1
    assert values(result) == pytest.approx({"A": 0, "B": 50, "C": 100})


def test_map_with_auto_range() -> None:
    cs = cset(crit("size", scale={"map": {"S": 1, "M": 4, "L": 5}}))
    result = run([{"id": "A", "size": "S"}, {"id": "B", "size": "M"}, {"id": "C", "size": "L"}], cs)
    # 1, 4, 5 with lo 1, hi 5: 0, 3/4, 1
    assert values(result) == pytest.approx({"A": 0, "B": 75, "C": 100})


def test_a_value_outside_allowed_is_a_not_allowed_problem() -> None:
    cs = cset(crit("size", allowed=["S", "M", "L"], scale={"map": {"S": 1, "M": 2, "L": 3}}))
    result = run([{"id": "A", "size": "S"}, {"id": "B", "size": "XL"}], cs)
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.code == "not-allowed"
    assert problem.severity == "error"
    assert problem.ref == Ref("item", "B", ("scores", "size"))
    assert '"XL"' in problem.message
    assert "B" in unscored(result)


@pytest.mark.parametrize(
    ("raw", "accepted"),
    [
        (2, True),
        (2.0, True),  # 2 and 2.0 are the same number
        (4, False),
        ("2", False),  # text is not the number
        (True, False),  # a bool is not 1
    ],
)
def test_allowed_numbers(raw: Any, accepted: bool) -> None:
    cs = cset(crit("v", allowed=[1, 2, 3], scale={"range": [0, 4]}))
    result = run([{"id": "A", "v": raw}], cs)
    if accepted:
        assert result.problems == ()
        assert values(result) == pytest.approx({"A": 50})  # 2/4 = 0.5
    else:
        assert [p.code for p in result.problems] == ["not-allowed"]
        assert values(result) == {}


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (1, 0.0),
        (1.0, 0.0),  # 1 and 1.0 are the same key
        (2, 50.0),
        ("1", 100.0),  # text is its own key
    ],
)
def test_a_map_keyed_by_numbers_and_text(raw: Any, value: float) -> None:
    cs = cset(crit("v", scale={"map": {1: 0, 2: 2, "1": 4}, "range": [0, 4]}))
    result = run([{"id": "A", "v": raw}], cs)
    assert result.problems == ()
    assert values(result) == pytest.approx({"A": value})  # 0/4, 2/4, 4/4


@pytest.mark.parametrize("raw", [True, 3, "2"])
def test_a_value_matching_no_key_of_a_numeric_map_is_not_in_map(raw: Any) -> None:
    cs = cset(crit("v", scale={"map": {1: 0, 2: 2}, "range": [0, 4]}))
    result = run([{"id": "A", "v": raw}], cs)
    assert [p.code for p in result.problems] == ["not-in-map"]


def test_a_value_not_in_the_map_is_a_not_in_map_problem() -> None:
    cs = cset(crit("size", scale={"map": {"S": 1, "M": 2}}))
    result = run([{"id": "A", "size": "S"}, {"id": "B", "size": "XL"}], cs)
    assert [(p.code, p.ref) for p in result.problems] == [
        ("not-in-map", Ref("item", "B", ("scores", "size")))
    ]
    assert "B" in unscored(result)


@pytest.mark.parametrize("raw", ["five", True, False, [1, 2], {"a": 1}])
def test_a_value_that_is_not_a_number_is_a_not_numeric_problem(raw: Any) -> None:
    cs = cset(crit("v", source="evidence.operational.volume", data="operational"))
    result = run([{"id": "A", "v": raw}, {"id": "B", "v": 3}], cs)
    assert [(p.code, p.ref) for p in result.problems] == [
        ("not-numeric", Ref("item", "A", ("evidence", "operational", "volume")))
    ]
    assert "A" in unscored(result)
    assert order(result) == ["B"]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (True, "not true"),
        (False, "not false"),
        (date(2026, 1, 1), "not 2026-01-01"),
        ("five", 'not "five"'),
    ],
)
def test_not_numeric_messages_show_the_value_as_yaml_spells_it(raw: Any, shown: str) -> None:
    cs = cset(crit("v"))
    result = run([{"id": "A", "v": raw}], cs)
    message = result.problems[0].message
    assert message.endswith(shown)
    assert "datetime" not in message and "True" not in message


def test_an_infinite_value_is_a_not_numeric_problem() -> None:
    cs = cset(crit("v"))
    result = run([{"id": "A", "v": math.inf}, {"id": "B", "v": 3}], cs)
    assert [p.code for p in result.problems] == ["not-numeric"]


# --- step 1: missing values -----------------------------------------------------------------


def test_missing_required_criterion_makes_the_item_unscored_naming_criterion_and_source() -> None:
    cs = cset(
        crit(
            "completion",
            data="functional",
            source="evidence.functional.completion_rate",
            scale={"range": [0, 1]},
        ),
        crit("other", scale={"range": [0, 1]}),
    )
    result = run([{"id": "A", "completion": 0.5, "other": 1}, {"id": "B", "other": 1}], cs)
    reason = unscored(result)["B"]
    assert "completion" in reason
    assert "evidence.functional.completion_rate" in reason
    assert "other" not in reason
    assert [c.id for c in result.why["B"].missing] == ["completion"]
    assert result.problems == ()  # unscored is not an error
    b = rows_by_id(result)["B"]
    assert pd.isna(b[RANK]) and pd.isna(b[VALUE]) and pd.isna(b[SCORE])
    assert order(result) == ["A"]


def test_missing_judgement_criterion_names_its_default_source() -> None:
    cs = cset(crit("policy"))  # judgement without source: scores.policy
    result = run([{"id": "A"}], cs)
    assert "scores.policy" in unscored(result)["A"]


def test_null_nan_and_absent_are_all_missing() -> None:
    cs = cset(crit("a", scale={"range": [0, 1]}))
    result = run([{"id": "A", "a": None}, {"id": "B", "a": float("nan")}, {"id": "C"}], cs)
    assert set(unscored(result)) == {"A", "B", "C"}
    assert result.problems == ()


@pytest.mark.parametrize("direction", ["higher", "lower"])
@pytest.mark.parametrize("scale", [{"range": [0, 10]}, {}])
def test_missing_optional_criterion_gives_n_0_whatever_its_direction(
    direction: str, scale: dict[str, Any]
) -> None:
    cs = cset(
        crit("a", scale={"range": [0, 10]}),
        crit("b", required=False, direction=direction, scale=scale),
    )
    result = run([{"id": "A", "a": 5}, {"id": "B", "a": 5, "b": 4}], cs)
    # A: b missing, n_b = 0 even for "lower" (not 1 - 0 = 1): value = 100 * (0.5 + 0)/2 = 25
    row = rows_by_id(result)["A"]
    assert row[VALUE] == pytest.approx(25)
    assert row[contribution_column("b")] == pytest.approx(0)
    assert "A" not in unscored(result)


def test_missing_optional_values_stay_out_of_the_auto_range() -> None:
    cs = cset(crit("a", scale={"range": [0, 1]}), crit("b", required=False))
    result = run(
        [{"id": "A", "a": 0}, {"id": "B", "a": 0, "b": 2}, {"id": "C", "a": 0, "b": 6}], cs
    )
    # b: lo 2, hi 6 over B and C (A's missing b is not a 0 in the range)
    # A: 0;  B: 100 * (0 + 0)/2 = 0;  C: 100 * (0 + 1)/2 = 50
    assert values(result) == pytest.approx({"A": 0, "B": 0, "C": 50})


# --- step 5: weighted -----------------------------------------------------------------------


def test_weighted_value_and_contributions() -> None:
    cs = cset(
        crit("a", weight=3, scale={"range": [0, 10]}),
        crit("b", weight=1, scale={"range": [0, 4]}),
    )
    result = run([{"id": "A", "a": 5, "b": 4}], cs)
    row = rows_by_id(result)["A"]
    # n_a = 0.5, n_b = 1; sum(w) = 4
    # value = 100 * (3 * 0.5 + 1 * 1) / 4 = 100 * 2.5 / 4 = 62.5
    # c.a = 100 * 3 * 0.5 / 4 = 37.5;  c.b = 100 * 1 * 1 / 4 = 25;  37.5 + 25 = 62.5
    assert row[VALUE] == pytest.approx(62.5)
    assert row[SCORE] == pytest.approx(62.5)  # no per_effort, no risk_factor
    assert row[contribution_column("a")] == pytest.approx(37.5)
    assert row[contribution_column("b")] == pytest.approx(25)
    assert row[contribution_column("a")] + row[contribution_column("b")] == pytest.approx(
        row[VALUE]
    )


def test_fractional_weights() -> None:
    cs = cset(
        crit("a", weight=0.5, scale={"range": [0, 1]}),
        crit("b", weight=1.5, scale={"range": [0, 1]}),
    )
    result = run([{"id": "A", "a": 1, "b": 0}, {"id": "B", "a": 0, "b": 1}], cs)
    # sum(w) = 2; A: 100 * 0.5 / 2 = 25;  B: 100 * 1.5 / 2 = 75
    assert values(result) == pytest.approx({"A": 25, "B": 75})
    assert order(result) == ["B", "A"]


def test_per_effort_divides_value_by_effort() -> None:
    cs = cset(
        crit("a", weight=3, scale={"range": [0, 10]}),
        crit("b", weight=1, scale={"range": [0, 4]}),
        per_effort=True,
    )
    result = run(
        [{"id": "A", "a": 5, "b": 4, "effort": 2.5}, {"id": "B", "a": 10, "b": 4, "effort": 10}], cs
    )
    # A: value 62.5 (as above), score 62.5 / 2.5 = 25
    # B: value 100 * (3 + 1)/4 = 100, score 100 / 10 = 10
    assert values(result) == pytest.approx({"A": 62.5, "B": 100})
    assert scores(result) == pytest.approx({"A": 25, "B": 10})
    assert order(result) == ["A", "B"]  # ranked by score, not value


def test_per_effort_without_effort_is_unscored() -> None:
    cs = cset(crit("a", scale={"range": [0, 1]}), per_effort=True)
    result = run([{"id": "A", "a": 1, "effort": 1}, {"id": "B", "a": 1}], cs)
    assert "effort" in unscored(result)["B"]
    assert order(result) == ["A"]


def test_effort_is_not_needed_without_per_effort() -> None:
    cs = cset(crit("a", scale={"range": [0, 1]}))
    result = run([{"id": "A", "a": 1}], cs)
    assert scores(result) == pytest.approx({"A": 100})


def test_risk_factor_multiplies_the_score_not_the_value() -> None:
    cs = cset(
        crit("a", scale={"range": [0, 10]}),
        per_effort=True,
        risk_factor={"low": 1.0, "medium": 0.5, "high": 0.25},
    )
    result = run(
        [
            {"id": "L", "a": 8, "effort": 2, "risk": "low"},
            {"id": "M", "a": 8, "effort": 2, "risk": "medium"},
            {"id": "H", "a": 8, "effort": 2, "risk": "high"},
            {"id": "N", "a": 8, "effort": 2},  # no risk: factor 1
        ],
        cs,
    )
    # value = 100 * 8/10 = 80 for all; per effort 80 / 2 = 40
    # L: 40 * 1 = 40;  M: 40 * 0.5 = 20;  H: 40 * 0.25 = 10;  N: 40 * 1 = 40
    assert values(result) == pytest.approx({"L": 80, "M": 80, "H": 80, "N": 80})
    assert scores(result) == pytest.approx({"L": 40, "M": 20, "H": 10, "N": 40})
    assert order(result) == ["L", "N", "M", "H"]  # L and N tie at 40: by id


def test_risk_factor_without_per_effort() -> None:
    cs = cset(
        crit("a", scale={"range": [0, 10]}), risk_factor={"low": 1.0, "medium": 0.85, "high": 0.6}
    )
    result = run([{"id": "A", "a": 5, "risk": "high"}], cs)
    # value 50, score 50 * 0.6 = 30
    assert values(result) == pytest.approx({"A": 50})
    assert scores(result) == pytest.approx({"A": 30})


# --- step 7: ranking ------------------------------------------------------------------------


def test_ranking_is_score_descending() -> None:
    cs = cset(crit("a", scale={"range": [0, 10]}))
    result = run([{"id": "A", "a": 1}, {"id": "B", "a": 9}, {"id": "C", "a": 5}], cs)
    assert order(result) == ["B", "C", "A"]
    assert list(result.ranked[RANK]) == [1, 2, 3]


def test_ties_are_broken_by_id_ascending() -> None:
    cs = cset(crit("a", scale={"range": [0, 10]}))
    result = run(
        [
            {"id": "b", "a": 5},
            {"id": "c", "a": 5},
            {"id": "a", "a": 5},
            {"id": "z", "a": 9},
            {"id": "B", "a": 5},
        ],
        cs,
    )
    # z (90) first; then b, c, a, B all 50: "B" < "a" < "b" < "c" (ascending, as text)
    assert order(result) == ["z", "B", "a", "b", "c"]
    assert list(result.ranked[RANK]) == [1, 2, 3, 4, 5]


def test_unscored_items_come_after_the_ranked_in_file_order_with_no_rank() -> None:
    cs = cset(crit("a", scale={"range": [0, 10]}))
    result = run([{"id": "Z"}, {"id": "A", "a": 1}, {"id": "M"}, {"id": "B", "a": 2}], cs)
    assert list(result.frame[ID]) == ["B", "A", "Z", "M"]
    assert list(result.frame[RANK].isna()) == [False, False, True, True]


def test_done_and_dropped_items_take_no_part() -> None:
    cs = cset(crit("a", scale={"range": [0, 10]}))
    result = run(
        [
            {"id": "A", "a": 5},
            {"id": "D", "a": 10, "status": "done"},
            {"id": "X", "status": "dropped"},  # would be unscored if open
            {"id": "Y", "a": "nonsense", "status": "dropped"},  # would be a problem if open
            {"id": "R", "a": 1, "status": "ready"},
            {"id": "I", "a": 2, "status": "in-progress"},
        ],
        cs,
    )
    assert set(result.frame[ID]) == {"A", "R", "I"}
    assert order(result) == ["A", "I", "R"]
    assert result.problems == ()


def test_only_closed_items_gives_an_empty_ranking() -> None:
    cs = cset(crit("a", scale={"range": [0, 10]}))
    result = run([{"id": "D", "a": 10, "status": "done"}], cs)
    assert len(result.frame) == 0


# --- step 6: formula ------------------------------------------------------------------------


def test_formula_inputs_are_after_map_and_transform() -> None:
    cs = cset(
        crit("a", scale={"map": {"S": 1, "M": 3}}),
        crit("b", scale={"transform": "log"}),
        crit("c"),
        method="formula",
        formula="a * 10 + b + c",
    )
    result = run([{"id": "A", "a": "M", "b": math.e - 1, "c": 0.25}], cs)
    row = rows_by_id(result)["A"]
    # a: M -> 3;  b: ln(1 + e - 1) = 1;  c: 0.25 (no range: used as is)
    # 3 * 10 + 1 + 0.25 = 31.25
    assert row[VALUE] == pytest.approx(31.25)
    assert row[SCORE] == pytest.approx(31.25)
    # c.<id> holds the formula's input for formula sets
    assert row[contribution_column("a")] == pytest.approx(3)
    assert row[contribution_column("b")] == pytest.approx(1)
    assert row[contribution_column("c")] == pytest.approx(0.25)


def test_formula_uses_range_and_direction_only_where_a_range_is_named() -> None:
    cs = cset(
        crit("a", scale={"range": [0, 10]}, direction="lower"),
        crit("b", direction="lower"),  # no range: direction has no effect in a formula set
        crit("c", scale={"range": "auto"}),
        method="formula",
        formula="a * 100 + b + c",
    )
    result = run(
        [
            {"id": "P", "a": 2, "b": 7, "c": 2},
            {"id": "Q", "a": 10, "b": 7, "c": 10},
            {"id": "R", "a": 12, "b": 1, "c": 4},
        ],
        cs,
    )
    # a: range [0, 10], lower: P 1 - 0.2 = 0.8; Q 1 - 1 = 0; R 1 - clip(1.2) = 0
    # b: raw (7, 7, 1)
    # c: auto over (2, 10, 4): lo 2, hi 10 -> P 0, Q 1, R 0.25
    # P: 80 + 7 + 0 = 87;  Q: 0 + 7 + 1 = 8;  R: 0 + 1 + 0.25 = 1.25
    assert scores(result) == pytest.approx({"P": 87, "Q": 8, "R": 1.25})
    assert values(result) == pytest.approx({"P": 87, "Q": 8, "R": 1.25})


def test_formula_missing_optional_is_0() -> None:
    cs = cset(crit("a"), crit("b", required=False), method="formula", formula="a + 2 * b")
    result = run([{"id": "A", "a": 5}, {"id": "B", "a": 5, "b": 1}], cs)
    # A: 5 + 2 * 0 = 5;  B: 5 + 2 * 1 = 7
    assert scores(result) == pytest.approx({"A": 5, "B": 7})


def test_formula_missing_required_is_unscored() -> None:
    cs = cset(crit("a"), crit("b"), method="formula", formula="a + b")
    result = run([{"id": "A", "a": 5}], cs)
    assert "scores.b" in unscored(result)["A"]


def test_formula_reads_effort() -> None:
    cs = cset(crit("a"), method="formula", formula="a / effort")
    result = run([{"id": "A", "a": 6, "effort": 4}, {"id": "B", "a": 6}], cs)
    # A: 6 / 4 = 1.5; B has no effort, so it is unscored
    assert scores(result) == pytest.approx({"A": 1.5})
    assert "effort" in unscored(result)["B"]


def test_formula_without_effort_does_not_need_effort() -> None:
    cs = cset(crit("a"), crit("b"), method="formula", formula="a * b")
    result = run([{"id": "A", "a": 6, "b": 0.5}], cs)
    assert scores(result) == pytest.approx({"A": 3})


def test_formula_dividing_by_zero_is_unscored_with_why() -> None:
    cs = cset(crit("a"), crit("b"), method="formula", formula="a / (b - 1)")
    result = run(
        [{"id": "A", "a": 6, "b": 1}, {"id": "B", "a": 6, "b": 3}, {"id": "C", "a": 0, "b": 1}], cs
    )
    # A: 6 / 0 and C: 0 / 0 divide by zero; B: 6 / 2 = 3
    assert scores(result) == pytest.approx({"B": 3})
    reasons = unscored(result)
    assert set(reasons) == {"A", "C"}
    assert all("zero" in r for r in reasons.values())
    assert result.problems == ()


@pytest.mark.parametrize(
    ("formula", "a"),
    [
        ("log(a)", 0),  # ln 0 = -inf
        ("sqrt(a)", -1),  # nan
        ("a ** 400", 10),  # 10^400 overflows to inf (B: 4^400 = 1.7e240 is finite)
        ("log(a - 1)", 0),  # ln(-1) = nan
    ],
)
def test_formula_result_not_finite_is_unscored_with_why(formula: str, a: float) -> None:
    cs = cset(crit("a"), method="formula", formula=formula)
    result = run([{"id": "A", "a": a}, {"id": "B", "a": 4}], cs)
    assert "B" in scores(result)
    reason = unscored(result)["A"]
    assert "finite" in reason
    assert not any(math.isnan(v) or math.isinf(v) for v in scores(result).values())


def test_formula_ranking_and_ties() -> None:
    cs = cset(crit("a"), method="formula", formula="a * 2")
    result = run([{"id": "C", "a": 1}, {"id": "B", "a": 3}, {"id": "A", "a": 1}], cs)
    # B 6, then A 2 and C 2 tied: A before C
    assert order(result) == ["B", "A", "C"]


def test_formula_done_items_take_no_part() -> None:
    cs = cset(crit("a", scale={"range": "auto"}), method="formula", formula="a")
    result = run(
        [{"id": "A", "a": 2}, {"id": "B", "a": 4}, {"id": "D", "a": 100, "status": "done"}], cs
    )
    # auto range over A and B only: A 0, B 1
    assert scores(result) == pytest.approx({"A": 0, "B": 1})


def test_a_formula_set_and_only_a_formula_set_carries_a_compiled_formula() -> None:
    cs = cset(crit("a"), method="formula", formula="a")
    with pytest.raises(ValueError):
        CompiledCriteria(cs)
    weighted = cset(crit("a"))
    with pytest.raises(ValueError):
        CompiledCriteria(weighted, CompiledCriteria.compile(cs).formula)


# --- properties -----------------------------------------------------------------------------

PROPERTY_SET = cset(
    crit("a", weight=3, scale={"range": [0, 10]}),
    crit("b", weight=2),  # auto range
    crit("c", weight=1, direction="lower", scale={"transform": "log"}),
    crit("d", weight=0.5, required=False, scale={"range": [0, 1]}),
    per_effort=True,
    risk_factor={"low": 1.0, "medium": 0.85, "high": 0.6},
)


@st.composite
def backlogs(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=1, max_value=8))
    small = st.integers(min_value=0, max_value=4)  # few distinct values: many ties
    rows = []
    for index in range(count):
        row: dict[str, Any] = {
            "id": f"I{index}",
            "a": draw(st.one_of(small, st.floats(min_value=-5, max_value=15, allow_nan=False))),
            "b": draw(st.one_of(small, st.floats(min_value=-100, max_value=100, allow_nan=False))),
            "c": draw(st.one_of(small, st.floats(min_value=0, max_value=1e6, allow_nan=False))),
            "effort": draw(st.sampled_from([1, 2, 3, 5, 8, 0.5])),
            "risk": draw(st.sampled_from([None, "low", "medium", "high"])),
            "status": draw(st.sampled_from(["proposed", "ready", "in-progress", "done"])),
        }
        if draw(st.booleans()):
            row["d"] = draw(st.floats(min_value=0, max_value=1))
        rows.append(row)
    return rows


def ranking(scoring: Scoring) -> dict[str, tuple[int, float]]:
    return {row[ID]: (int(row[RANK]), float(row[SCORE])) for _, row in scoring.ranked.iterrows()}


@settings(max_examples=60, deadline=None)
@given(rows=backlogs(), data=st.data())
def test_property_ranking_does_not_depend_on_file_order(
    rows: list[dict[str, Any]], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(rows))
    first, second = run(rows, PROPERTY_SET), run(shuffled, PROPERTY_SET)
    assert ranking(first) == ranking(second)
    assert list(first.ranked[ID]) == list(second.ranked[ID])


@settings(max_examples=60, deadline=None)
@given(rows=backlogs(), data=st.data())
def test_property_raising_a_positively_weighted_criterion_never_lowers_the_score(
    rows: list[dict[str, Any]], data: st.DataObject
) -> None:
    # "a" has direction higher, weight 3 and a fixed range.
    index = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
    rise = data.draw(st.floats(min_value=0, max_value=20, allow_nan=False))
    raised = [dict(r) for r in rows]
    raised[index]["a"] = rows[index]["a"] + rise
    item = rows[index]["id"]
    before, after = scores(run(rows, PROPERTY_SET)), scores(run(raised, PROPERTY_SET))
    assert before.keys() == after.keys()
    if item in before:
        assert after[item] >= before[item]


@settings(max_examples=60, deadline=None)
@given(rows=backlogs())
def test_property_weighted_values_stay_within_0_and_100(rows: list[dict[str, Any]]) -> None:
    result = run(rows, PROPERTY_SET)
    for _, row in result.ranked.iterrows():
        assert -1e-9 <= row[VALUE] <= 100 + 1e-9
        contributions = [row[contribution_column(c.id)] for c in PROPERTY_SET.criteria]
        assert all(c >= -1e-9 for c in contributions)
        assert sum(contributions) == pytest.approx(row[VALUE])
        assert np.isfinite(row[SCORE])


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.none(),
            st.integers(-3, 8),
            st.floats(-5, 1e6, allow_nan=False),
            st.sampled_from([0.5, 2.0, 3, 1e16, math.inf, True, "3"]),
        ),
        max_size=12,
    ),
    allowed=st.one_of(st.none(), st.just([1, 2, 3, 0.5]), st.just([1, "high"])),
    log=st.booleans(),
)
def test_a_column_settled_at_once_equals_the_column_read_value_by_value(
    values: list[Any], allowed: list[Any] | None, log: bool
) -> None:
    """A column of plain numbers that a criterion takes (allowed, >= 0 under a log) is settled
    at C speed; the numbers, and any problems, are those of the loop that reads one by one."""
    from prioritize import scoring
    from prioritize.models import Criterion

    criterion = Criterion(
        id="c",
        data="operational",
        source="evidence.operational.x",
        allowed=allowed,
        scale={"transform": "log"} if log else {},
    )
    raw = pd.Series(values, dtype=object)
    ids = pd.Series([f"I-{k}" for k in range(len(values))], dtype=object)
    fast, fast_problems = scoring._inputs(criterion, raw, ids)
    with patch.object(scoring, "_taken_numbers", lambda *_: None):
        slow, slow_problems = scoring._inputs(criterion, raw, ids)
    assert np.array_equal(fast, slow, equal_nan=True)
    assert [p.message for p in fast_problems] == [p.message for p in slow_problems]
