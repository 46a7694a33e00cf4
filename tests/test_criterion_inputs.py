"""criterion_inputs: how a criterion takes one value, shared by scoring and `import`'s check."""

from __future__ import annotations

import datetime
import math
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritize.checks import range_problems
from prioritize.criterion_inputs import Refusal, range_warning, take, value_findings
from prioritize.formula import CompiledCriteria
from prioritize.models import STATUSES, CriteriaSet, Criterion, Item
from prioritize.scoring import EFFORT, FACING, ID, POOL, RISK, STATUS, TITLE, raw_column, score


def criterion(**fields: Any) -> Criterion:
    return Criterion.model_validate(
        {"id": "c", "data": "operational", "source": "evidence.operational.x", **fields}
    )


def test_take_gives_the_number_after_the_map_and_the_log() -> None:
    assert take(criterion(), 3) == 3.0
    assert take(criterion(), None) is None
    assert take(criterion(), math.nan) is None
    assert take(criterion(scale={"map": {"low": 1, "high": 3}}), "high") == 3.0
    assert take(criterion(scale={"transform": "log"}), math.e - 1) == 1.0


def test_take_says_why_it_cannot_use_a_value() -> None:
    assert take(criterion(allowed=[1, 2]), 3) == Refusal(
        "not-allowed", "3 is not allowed for c; use one of 1, 2"
    )
    assert take(criterion(scale={"map": {"low": 1}}), "mid") == Refusal(
        "not-in-map", '"mid" has no number in the map of c; use one of low'
    )
    assert take(criterion(), "3") == Refusal("not-numeric", 'c needs a number here, not "3"')
    assert take(criterion(), True) == Refusal("not-numeric", "c needs a number here, not true")
    assert take(criterion(), math.inf) == Refusal(
        "not-numeric", "c needs a finite number here, not inf"
    )
    assert take(criterion(), 10**16) == Refusal(
        "not-numeric", "c must be between -1e15 and 1e15, not 10000000000000000"
    )
    assert take(criterion(scale={"transform": "log"}), -1) == Refusal(
        "invalid-value", "c takes the log of its value, which must be >= 0, not -1"
    )


def test_range_warning_names_the_value_the_range_and_a_percentage_meant_as_a_share() -> None:
    share = criterion(scale={"range": [0, 1]})
    assert range_warning(share, "A", 0.5, 0.5) is None
    assert range_warning(share, "A", 80, math.nan) is None
    assert range_warning(criterion(), "A", 80, 80.0) is None  # auto range: nothing is outside
    warning = range_warning(share, "A", 80, 80.0)
    assert warning is not None
    assert (warning.code, warning.severity, warning.ref.path) == (
        "out-of-range", "warning", ("evidence", "operational", "x"),
    )  # fmt: skip
    assert warning.message == (
        "A: evidence.operational.x 80 is outside c's range [0, 1] and is scored as 1; "
        "did you mean 0.80?"
    )
    below = range_warning(share, "A", -3, -3.0)
    assert below is not None and below.message.endswith("[0, 1] and is scored as 0")
    logged = criterion(scale={"range": [0, 2], "transform": "log"})
    read = math.log1p(20)
    far = range_warning(logged, "A", 20, read)
    assert far is not None
    assert far.message == (
        f"A: evidence.operational.x 20 (read as {read:g}) is outside c's range [0, 2] and is "
        "scored as 2"
    )


CRITERIA = [
    {},
    {"scale": {"range": [0, 1]}},
    {"scale": {"range": [0, 10], "transform": "log"}},
    {"allowed": [1, 2, 3, 0.5]},
    {"allowed": [1, "high"]},
    {"scale": {"map": {"low": 1, "high": 3, 2: 5}}},
    {"scale": {"transform": "log"}},
    {"allowed": [0, 1, 10], "scale": {"transform": "log"}},
]
VALUES = st.one_of(
    st.none(),
    st.integers(-3, 12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.5, 2.0, 10**16, 10**400, True, False, "3", "high", "low", ""]),
    st.just(datetime.date(2026, 1, 31)),
    st.just([1]),
    st.just({"a": 1}),
)


@settings(max_examples=150, deadline=None)
@given(
    kinds=st.lists(st.sampled_from(range(len(CRITERIA))), min_size=1, max_size=3),
    rows=st.lists(st.tuples(st.sampled_from(STATUSES), VALUES, VALUES, VALUES), max_size=10),
)
def test_value_findings_are_the_problems_scoring_finds_and_the_warnings_of_check(
    kinds: list[int], rows: list[tuple[str, Any, Any, Any]]
) -> None:
    """Item by item from the data as written, the problems, in the order, of scoring's columns,
    and the out-of-range warnings of `check`."""
    specs = [
        {"id": f"c{k}", "data": "operational", "source": f"evidence.operational.m{k}", **CRITERIA[kind]}
        for k, kind in enumerate(kinds)
    ]  # fmt: skip
    criteria = CriteriaSet.model_validate({"name": "t", "criteria": specs})
    items = [
        Item.model_validate({"id": f"I-{n}", "title": "T", "pool": "p", "status": status})
        for n, (status, *_) in enumerate(rows)
    ]
    data = [
        {"evidence": {"operational": {f"m{k}": values[k] for k in range(len(kinds))}}}
        for _, *values in rows
    ]
    frame = pd.DataFrame(
        {
            ID: pd.Series([i.id for i in items], dtype=object),
            TITLE: pd.Series([i.title for i in items], dtype=object),
            POOL: pd.Series(["p"] * len(items), dtype=object),
            STATUS: pd.Series([i.status for i in items], dtype=object),
            RISK: pd.Series([None] * len(items), dtype=object),
            FACING: pd.Series([None] * len(items), dtype=object),
            EFFORT: pd.Series([None] * len(items), dtype=float),
            **{
                raw_column(f"c{k}"): pd.Series([d[k] for _, *d in rows], dtype=object)
                for k in range(len(kinds))
            },
        }
    )
    scoring = score(frame, CompiledCriteria.compile(criteria))
    problems, warnings = value_findings(criteria, items, data)
    assert problems == list(scoring.problems)
    # check's warnings follow the rank order, these the items' order: the same warnings
    assert sorted(map(repr, warnings)) == sorted(map(repr, range_problems(scoring)))
