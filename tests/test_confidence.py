"""How sure are we: evidence strength, confidence levels and the score factor, weak evidence at
the top, evidence ranges and `sensitivity --vary evidence`, on hand-worked examples."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_cli
from prioritize import confidence
from prioritize.analysis.sensitivity import sensitivity
from prioritize.formula import CompiledCriteria
from prioritize.models import STRENGTHS, CriteriaSet, Evidence, Source
from prioritize.scoring import (
    DEPENDS_ON,
    EFFORT,
    EVIDENCE_STRENGTH,
    FACING,
    ID,
    POOL,
    RANK,
    RISK,
    STATUS,
    TITLE,
    raw_column,
    score,
)

Make = Callable[[dict[str, str]], Path]

# One criterion per kind of evidence, each weight 1: value = 100 * rate / 3.
CRITERIA = """
    name: Rate
    agreed_by: [Board]
    criteria:
      - {id: rate, data: functional, source: evidence.functional.rate, scale: {range: [0, 1]}}
      - {id: o, data: operational, source: scores.o, required: false, scale: {range: [0, 10]}}
      - {id: e, data: experience, source: scores.e, required: false, scale: {range: [0, 10]}}
"""
# A pilot 0.9, an opinion 0.1, plain text (unspecified) 0.1, no source (none) 0.1.
ITEMS = """
    value_pools: [{id: p, name: P}]
    items:
      - id: A
        title: Piloted
        pool: p
        evidence:
          sources: [{kind: pilot, name: two counties, date: 2026-09-30, n: 1200}, {kind: opinion, name: O}]
          functional: {rate: 0.8}
      - id: B
        title: Believed
        pool: p
        evidence: {sources: [{kind: opinion, name: the director}], functional: {rate: 1.0}}
      - id: C
        title: Written down
        pool: p
        evidence: {sources: [call notes], functional: {rate: 0.5}}
      - id: D
        title: Nothing
        pool: p
        evidence: {functional: {rate: 0.6}}
"""


def workspace(make: Make, extra: str = "", items: str = ITEMS) -> Path:
    return make(
        {
            "criteria/default.yaml": CRITERIA + extra,
            "backlogs/items.yaml": items,
        }
    )


def rank_rows(ws: Path, *args: str) -> list[dict[str, str]]:
    result = run_cli("rank", "-w", ws, "-f", "csv", *args)
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


# --- strength and levels ---------------------------------------------------------------------


def test_strength_is_the_strongest_kind_in_the_documented_order() -> None:
    assert STRENGTHS == (
        "launch", "pilot", "test", "analytics", "research", "survey", "benchmark", "anecdote",
        "opinion", "unspecified", "none",
    )  # fmt: skip
    kinds = STRENGTHS[:-2]
    for k, stronger in enumerate(kinds):
        for weaker in kinds[k + 1 :]:
            evidence = Evidence(
                sources=[
                    Source(kind=weaker, name="w"),  # type: ignore[arg-type]
                    Source(kind=stronger, name="s"),  # type: ignore[arg-type]
                    "plain text",
                ]
            )
            assert confidence.strength(evidence) == stronger
    assert confidence.strength(Evidence(sources=["a", "b"])) == "unspecified"
    assert confidence.strength(Evidence()) == "none"
    # The first of equally strong sources names it.
    two = Evidence(sources=[Source(kind="test", name="first"), Source(kind="test", name="second")])
    assert confidence.strongest_source(two) == Source(kind="test", name="first")
    assert confidence.stronger("research") == ["analytics", "test", "pilot", "launch"]
    assert confidence.stronger("none") == list(reversed(STRENGTHS[:-2]))


def test_built_in_levels_and_a_sets_own() -> None:
    assert dict(confidence.BUILT_IN_LEVELS) == {
        "launch": 1.0, "pilot": 0.9, "test": 0.8, "analytics": 0.7, "research": 0.6,
        "survey": 0.5, "benchmark": 0.4, "anecdote": 0.25, "opinion": 0.1,
        "unspecified": 0.1, "none": 0.1,
    }  # fmt: skip
    base = {"name": "S", "criteria": [{"id": "x", "data": "judgement"}]}
    assert confidence.levels(CriteriaSet.model_validate(base)) == confidence.BUILT_IN_LEVELS
    own = CriteriaSet.model_validate({**base, "confidence": {"survey": 0.6, "none": 0.05}})
    assert confidence.levels(own) == {**confidence.BUILT_IN_LEVELS, "survey": 0.6, "none": 0.05}
    assert confidence.applies(own)
    assert confidence.applies(CriteriaSet.model_validate({**base, "confidence": True}))
    assert not confidence.applies(CriteriaSet.model_validate({**base, "confidence": False}))
    assert not confidence.applies(CriteriaSet.model_validate(base))


# --- the score factor ------------------------------------------------------------------------


def test_without_confidence_scores_do_not_change_but_rank_shows_the_strength(
    make_workspace: Make,
) -> None:
    rows = rank_rows(workspace(make_workspace))
    # value = 100 * rate / 3: B 33.33, A 26.67, D 20, C 16.67; score = value (no per_effort).
    assert [(r["id"], float(r["score"])) for r in rows] == [
        ("B", 100 / 3), ("A", 100 * 0.8 / 3), ("D", 100 * 0.6 / 3), ("C", 100 * 0.5 / 3),
    ]  # fmt: skip
    assert [(r["evidence_strength"], r["confidence"]) for r in rows] == [
        ("opinion", "0.1"), ("pilot", "0.9"), ("none", "0.1"), ("unspecified", "0.1"),
    ]  # fmt: skip
    assert list(rows[0])[9:12] == ["depends_on", "evidence_strength", "confidence"]


def test_confidence_true_multiplies_each_score_by_its_level(make_workspace: Make) -> None:
    rows = rank_rows(workspace(make_workspace, "    confidence: true\n"))
    # A 26.67 x 0.9 = 24; B 33.33 x 0.1 = 3.33; D 20 x 0.1 = 2; C 16.67 x 0.1 = 1.67.
    assert [(r["id"], float(r["score"]), float(r["value"])) for r in rows] == [
        ("A", 100 * 0.8 / 3 * 0.9, 100 * 0.8 / 3),
        ("B", 100 / 3 * 0.1, 100 / 3),
        ("D", 100 * 0.6 / 3 * 0.1, 100 * 0.6 / 3),
        ("C", 100 * 0.5 / 3 * 0.1, 100 * 0.5 / 3),
    ]


def test_a_sets_own_levels_replace_only_the_kinds_it_names(make_workspace: Make) -> None:
    rows = rank_rows(workspace(make_workspace, "    confidence: {opinion: 0.5}\n"))
    # B 33.33 x 0.5 = 16.67 is now second; A keeps the built-in 0.9.
    assert [(r["id"], float(r["score"]), r["confidence"]) for r in rows] == [
        ("A", 100 * 0.8 / 3 * 0.9, "0.9"),
        ("B", 100 / 3 * 0.5, "0.5"),
        ("D", 100 * 0.6 / 3 * 0.1, "0.1"),
        ("C", 100 * 0.5 / 3 * 0.1, "0.1"),
    ]


def test_the_factor_comes_after_the_risk_factor_and_effort(make_workspace: Make) -> None:
    criteria = CRITERIA.replace("agreed_by: [Board]", "agreed_by: [Board]\n    per_effort: true")
    ws = make_workspace({
        "criteria/default.yaml": criteria + "    risk_factor: {high: 0.5}\n    confidence: true\n",
        "backlogs/items.yaml": """
            value_pools: [{id: p, name: P}]
            items:
              - id: A
                title: T
                pool: p
                effort: 4
                risk: high
                evidence: {sources: [{kind: test, name: t}], functional: {rate: 0.6}}
        """,
    })  # fmt: skip
    (row,) = rank_rows(ws)
    assert float(row["score"]) == 100 * 0.6 / 3 / 4 * 0.5 * 0.8  # 20 / 4 x 0.5 x 0.8 = 2


# --- explain ---------------------------------------------------------------------------------


def test_explain_names_the_strongest_source_and_what_stronger_evidence_would_do(
    make_workspace: Make,
) -> None:
    ws = workspace(make_workspace, "    confidence: true\n")
    text = run_cli("explain", "B", "-w", ws, columns=100).stdout
    assert "x confidence 0.10 (opinion)." in text
    assert 'Evidence: strongest source opinion "the director"; confidence 0.10 (opinion).' in text
    # B is second (3.33, behind A's 24): a test (0.8) makes it 26.67 and first; weaker kinds
    # (an anecdote 8.33 ... analytics 23.33) leave it second.
    assert "Stronger evidence: a test would lift it to #1 (score 26.67)." in text
    data = json.loads(run_cli("explain", "B", "-w", ws, "-f", "json").stdout)["evidence"]
    assert (data["strength"], data["confidence"], data["applied"]) == ("opinion", 0.1, True)
    assert data["source"] == 'opinion "the director"'
    assert [(s["kind"], s["rank"]) for s in data["stronger"]] == [
        ("anecdote", 2), ("benchmark", 2), ("survey", 2), ("research", 2), ("analytics", 2),
        ("test", 1), ("pilot", 1), ("launch", 1),
    ]  # fmt: skip
    assert data["stronger"][0]["score"] == pytest.approx(100 / 3 * 0.25)
    a = run_cli("explain", "A", "-w", ws, columns=100).stdout
    assert (
        'Evidence: strongest source pilot "two counties" (2026-09-30, n=1200); '
        "confidence 0.90 (pilot)." in a.replace("\n", " ")
    )
    assert "It is first already: launch data would raise its score to 26.67." in a


def test_explain_says_when_the_set_does_not_weigh_confidence(make_workspace: Make) -> None:
    text = run_cli("explain", "C", "-w", workspace(make_workspace), columns=200).stdout
    assert (
        'Evidence: sources of no stated kind, first "call notes"; confidence 0.10 (unspecified).'
        in text
    )
    assert "This criteria set does not weigh confidence" in text


def test_explain_vs_takes_confidence_apart(make_workspace: Make) -> None:
    ws = workspace(make_workspace, "    confidence: true\n")
    data = json.loads(run_cli("explain", "B", "--vs", "A", "-w", ws, "-f", "json").stdout)
    parts = {p["part"]: (p["a"], p["b"], p["effect"]) for p in data["parts"]}
    # B with A's 0.9: 33.33 x 0.9 = 30, against its own 3.33.
    assert parts["confidence"][:2] == (0.1, 0.9)
    assert parts["confidence"][2] == pytest.approx(100 / 3 * 0.9 - 100 / 3 * 0.1)
    assert data["separated_by"] == "confidence"


# --- check -----------------------------------------------------------------------------------


def test_weak_evidence_is_a_warning_for_the_top_ten_only(make_workspace: Make) -> None:
    ws = workspace(make_workspace)
    result = run_cli("check", "-w", ws, "-f", "json")
    assert result.exit_code == 0
    weak = [f for f in json.loads(result.stdout) if f["code"] == "weak-evidence"]
    # B, D and C (ranks 1, 3, 4) rest on an opinion, nothing, plain text; A on a pilot.
    assert [(f["message"].split(" ")[0], f["severity"], f["line"]) for f in weak] == [
        ("B", "warning", 9), ("C", "warning", 13), ("D", "warning", 17),
    ]  # fmt: skip
    assert "B is #1 in the ranking but rests on an opinion" in weak[0]["message"]
    assert "D is #3 in the ranking but rests on no evidence sources at all" in weak[2]["message"]
    assert run_cli("check", "-w", ws, "--strict").exit_code == 1


# --- bad input -------------------------------------------------------------------------------

ONE = """
    value_pools: [{id: p, name: P}]
    items:
      - id: A
        title: T
        pool: p
        evidence: EVIDENCE
"""


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        (
            "{sources: [{kind: pilt, name: x}], functional: {rate: 1}}",
            'backlogs/items.yaml:6:CC: invalid-value "pilt" is not a valid kind (did you mean '
            '"pilot"?); use one of launch, pilot, test, analytics, research, survey, benchmark, '
            "anecdote or opinion",
        ),
        (
            "{sources: [{kind: usability study, name: x}], functional: {rate: 1}}",
            "backlogs/items.yaml:6:CC: invalid-value kind must be one of launch, pilot, test, "
            'analytics, research, survey, benchmark, anecdote, opinion, not "usability study" '
            '(did you mean "test"?)',
        ),
        (
            "{sources: [{kind: pilot}], functional: {rate: 1}}",
            'backlogs/items.yaml:6:CC: missing-key "name" is required here',
        ),
        (
            "{functional: {rate: 0.8}, ranges: {functional.rate: [0.9, 1.0]}}",
            "backlogs/items.yaml:6:CC: invalid-value the range [0.9, 1] must hold the measured "
            "value of evidence.functional.rate, 0.8: low <= value <= high",
        ),
        (
            "{functional: {rate: 0.8}, ranges: {functional.nope: [0, 1]}}",
            "backlogs/items.yaml:6:CC: invalid-value a range for evidence.functional.nope, which "
            "A does not have; add the measured value or remove the range",
        ),
        (
            "{functional: {rate: 0.8}, ranges: {functional.rate: [1, 0]}}",
            "backlogs/items.yaml:6:CC: invalid-value functional.rate must be [low, high] with low "
            "<= high, not [1, 0]",
        ),
        (
            "{functional: {rate: 0.8}, ranges: {rate: [0, 1]}}",
            "backlogs/items.yaml:6:CC: invalid-value a range names a metric below evidence, as "
            'functional.NAME or operational.NAME or experience.NAME, not "rate"',
        ),
    ],
    ids=["unknown-kind", "a-word-for-a-kind", "no-name", "low-above-value", "missing-metric", "low-above-high", "no-section"],
)  # fmt: skip
def test_bad_evidence_is_a_located_error(make_workspace: Make, evidence: str, message: str) -> None:
    ws = workspace(make_workspace, items=ONE.replace("EVIDENCE", evidence))
    result = run_cli("rank", "-w", ws)
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    line, _, rest = first.partition(":6:")
    column, _, text = rest.partition(": ")
    assert f"{line}:6:CC: {text}" == message
    # The column points at what is wrong: the kind's value, the source, the range, its key.
    at = "    evidence: " + evidence
    pointed = at[int(column) - 1 :]
    expected_start = {
        "unknown-kind": "pilt", "a-word-for-a-kind": "usability", "no-name": "{kind: pilot}", "low-above-value": "[0.9",
        "missing-metric": "functional.nope", "low-above-high": "[1, 0]", "no-section": "rate:",
    }  # fmt: skip
    assert any(pointed.startswith(s) for s in expected_start.values()), (pointed, first)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("{pilot: 1.5}", "pilot must be a level in (0, 1]: above 0 and at most 1, not 1.5"),
        ("{pilot: 0}", "pilot must be a level in (0, 1]: above 0 and at most 1, not 0"),
        ("{pilt: 0.5}", '"pilt" is not a valid confidence key (did you mean "pilot"?)'),
        ("maybe", 'confidence must be a mapping, not "maybe"'),
    ],
)
def test_a_bad_confidence_setting_is_a_located_error(
    make_workspace: Make, setting: str, message: str
) -> None:
    ws = workspace(make_workspace, f"    confidence: {setting}\n")
    result = run_cli("rank", "-w", ws)
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith("criteria/default.yaml:7:"), first
    assert message in first, first


# --- sensitivity --vary evidence ---------------------------------------------------------------


def _scored(
    rates: list[float], volumes: list[float], method: str, direction: str
) -> tuple[CompiledCriteria, pd.DataFrame]:
    count = len(rates)
    ids = [f"I-{k:02d}" for k in range(count)]
    frame = pd.DataFrame({
        ID: ids, TITLE: ids, POOL: ["p"] * count, STATUS: ["ready"] * count,
        RISK: [None] * count, FACING: [None] * count, EFFORT: [float(1 + k % 3) for k in range(count)],
        DEPENDS_ON: [()] * count, EVIDENCE_STRENGTH: ["test"] * count,
        raw_column("rate"): pd.Series(rates, dtype=object),
        raw_column("volume"): pd.Series(volumes, dtype=object),
    })  # fmt: skip
    criteria = {
        "name": "S",
        "method": method,
        "per_effort": method == "weighted",
        "confidence": True,
        "criteria": [
            {"id": "rate", "data": "functional", "source": "evidence.functional.rate",
             "direction": direction, "weight": 2},
            {"id": "volume", "data": "operational", "source": "evidence.operational.volume",
             "scale": {"transform": "log", "range": "auto"}},
        ],
    }  # fmt: skip
    if method == "formula":
        criteria["formula"] = "(rate + 1) * volume / effort"
    return CompiledCriteria.compile(CriteriaSet.model_validate(criteria)), frame


backlogs = st.integers(min_value=2, max_value=10).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(0, 1, allow_nan=False), min_size=n, max_size=n),
        st.lists(st.floats(0, 1e5, allow_nan=False), min_size=n, max_size=n),
        st.lists(st.floats(0, 0.3), min_size=n, max_size=n),
    )
)


@settings(max_examples=40, deadline=None)
@given(
    backlog=backlogs,
    method=st.sampled_from(["weighted", "formula"]),
    direction=st.sampled_from(["higher", "lower"]),
    vary=st.sampled_from(["evidence", "both"]),
)
def test_zero_width_ranges_reproduce_the_ranking_and_wide_ones_keep_the_order_of_percentiles(
    backlog: tuple[list[float], list[float], list[float]], method: str, direction: str, vary: str
) -> None:
    rates, volumes, widths = backlog
    compiled, frame = _scored(rates, volumes, method, direction)
    scoring = score(frame, compiled)
    ids = list(frame[ID])
    exact = {
        i: {"functional.rate": (r, r), "operational.volume": (v, v)}
        for i, r, v in zip(ids, rates, volumes, strict=True)
    }
    if vary == "evidence":
        same = sensitivity(scoring, runs=30, seed=3, vary="evidence", ranges=exact).items
        for column in ("median_rank", "p5_rank", "p95_rank"):
            assert same[column].tolist() == same[RANK].astype(float).tolist()
    wide = {
        i: {"functional.rate": (max(0.0, r - w), r + w), "operational.volume": (v, v * (1 + w))}
        for i, r, v, w in zip(ids, rates, volumes, widths, strict=True)
    }
    varied = sensitivity(scoring, runs=60, seed=5, vary=vary, ranges=wide).items
    assert (varied["p5_rank"] <= varied["median_rank"]).all()
    assert (varied["median_rank"] <= varied["p95_rank"]).all()


def test_evidence_runs_draw_within_the_ranges_and_count_them() -> None:
    compiled, frame = _scored([0.5, 0.5], [100.0, 100.0], "weighted", "higher")
    scoring = score(frame, compiled)
    # Both rates 0.5 (auto range: n = 1 for both), so I-00 (effort 1) is first: value 100
    # against I-01's 100 / 2. A draw of I-00's rate from tri(0, 0.5, 0.6) puts it at n = 1 and
    # I-01 at 0 above 0.5 (100 against 16.7), and at n = 0 and I-01 at 1 below it
    # (100 / 3 = 33.3 against 50): I-00 stays first with P(rate > 0.5) = 1 - 0.5^2 / 0.3 = 1/6.
    ranges = {"I-00": {"functional.rate": (0.0, 0.6)}}
    result = sensitivity(scoring, runs=2000, seed=0, vary="evidence", ranges=ranges)
    assert (result.vary, result.ranged) == ("evidence", 1)
    rows = result.items.set_index("id")
    assert rows.loc["I-00", [RANK, "median_rank", "p5_rank", "p95_rank"]].tolist() == [1, 2, 1, 2]
    assert result.first_share == pytest.approx(1 / 6, abs=0.03)
    assert sensitivity(scoring, runs=50, seed=0, vary="weights", ranges=ranges).ranged == 0


def test_sensitivity_vary_evidence_through_the_cli(make_workspace: Make) -> None:
    ranged = ITEMS.replace(
        "functional: {rate: 0.6}}",
        "functional: {rate: 0.6}, ranges: {functional.rate: [0.2, 0.9]}}",
    )
    ws = workspace(make_workspace, items=ranged)
    data = json.loads(run_cli("sensitivity", "-w", ws, "--vary", "evidence", "-f", "json").stdout)
    assert (data["vary"], data["ranged"]) == ("evidence", 1)
    d = next(item for item in data["items"] if item["id"] == "D")
    assert (d["rank"], d["p5_rank"] <= d["median_rank"] <= d["p95_rank"]) == (3, True)
    assert d["p5_rank"] < d["p95_rank"]  # D's rate from 0.2 to 0.9 passes C's 0.5 and A's 0.8
    table = " ".join(run_cli("sensitivity", "-w", ws, "--vary", "both", columns=200).stdout.split())
    assert "every one of the 1 evidence value with a range drawn from its range" in table
    bad = run_cli("sensitivity", "-w", ws, "--vary", "everything")
    assert bad.exit_code == 2
    assert "Traceback" not in bad.stderr


def test_the_report_shows_the_strength_and_flags_weak_evidence_at_the_top(
    make_workspace: Make,
) -> None:
    html = run_cli("report", "-w", workspace(make_workspace)).stdout
    assert ">Evidence</th>" in html
    assert '<strong class="weak">opinion (weak)</strong>' in html  # B, first
    assert "<td>pilot</td>" in html  # A: strong evidence, not flagged
    assert "3 of the top 10 rest on weak evidence</strong>" in html
    assert ": B, D, C. Test them before funding them" in html
    sure = run_cli("report", "-w", workspace(make_workspace, "    confidence: true\n")).stdout
    assert "Each score is then multiplied by the confidence its evidence earns: launch 1" in sure
