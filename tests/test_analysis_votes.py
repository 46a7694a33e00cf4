"""analysis.votes: problems in votes files, medians in place of items' own scores, disagreement."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from conftest import REPO_ROOT
from prioritize import scoring as scoring_module
from prioritize import workspace as ws_module
from prioritize.analysis.votes import (
    DISCUSS,
    VOTE_COLUMNS,
    apply_votes,
    ballot_column,
    own_scores,
    vote_medians,
    vote_problems,
    vote_summary,
)  # fmt: skip
from prioritize.criteria_sets import load_criteria
from prioritize.errors import Ref
from prioritize.formula import CompiledCriteria
from prioritize.models import CriteriaSet, Item, Votes
from prioritize.pipeline import items_frame
from prioritize.scoring import ID, RANK, SCORE, Scoring, raw_column


def score(items: pd.DataFrame, criteria: CriteriaSet) -> Scoring:
    """Score as the pipeline does: the criteria set compiled with its formula."""
    return scoring_module.score(items, CompiledCriteria.compile(criteria))


CRITERIA = CriteriaSet.model_validate({
    "name": "Fit",
    "criteria": [
        {"id": "fit", "data": "judgement", "allowed": [1, 2, 3, 4, 5], "scale": {"range": [1, 5]}},
        {"id": "m", "data": "functional", "source": "evidence.functional.m", "scale": {"range": [0, 1]}},
        {"id": "reach", "data": "judgement", "required": False, "scale": {"range": [0, 1000]}},
        {"id": "size", "data": "judgement", "required": False, "allowed": ["S", "M", "L"],
         "scale": {"map": {"S": 1, "M": 2, "L": 3}, "range": [1, 3]}},
    ],
})  # fmt: skip
ITEMS = [Item(id="A", title="A", pool="p"), Item(id="B", title="B", pool="p")]


def votes(name: str, scores: dict[str, dict[str, Any]]) -> Votes:
    return Votes(stakeholder=name, scores=scores)


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    base = {
        "title": "t",
        "pool": "p",
        "status": "proposed",
        "risk": None,
        "facing": None,
        "effort": 1.0,
    }
    out = pd.DataFrame([{**base, **r} for r in rows])
    for c in CRITERIA.criteria:
        out[raw_column(c.id)] = pd.Series([r.get(raw_column(c.id)) for r in rows], dtype=object)
    return out


# --- problems --------------------------------------------------------------------------------


def test_problems_name_the_file_and_the_place() -> None:
    ballots = [
        (
            votes(
                "cio", {"AA": {"fit": 3}, "A": {"fitt": 3, "m": 0.5, "fit": 7}, "B": {"size": "XL"}}
            ),
            "votes/cio.yaml",
        ),
        (votes("cio", {"B": {"fit": 2}}), "votes/cio-2.yaml"),
    ]
    problems = vote_problems(ballots, ITEMS, CRITERIA)
    found = [(p.code, p.severity, p.ref) for p in problems]
    votes_file = "votes/cio.yaml"
    assert found == [
        ("unknown-vote-item", "error", Ref("votes", votes_file, ("scores", "AA"), key=True)),
        (
            "unknown-vote-criterion",
            "error",
            Ref("votes", votes_file, ("scores", "A", "fitt"), key=True),
        ),
        (
            "unknown-vote-criterion",
            "error",
            Ref("votes", votes_file, ("scores", "A", "m"), key=True),
        ),
        ("vote-not-allowed", "error", Ref("votes", votes_file, ("scores", "A", "fit"))),
        ("vote-not-allowed", "error", Ref("votes", votes_file, ("scores", "B", "size"))),
        ("duplicate-stakeholder", "error", Ref("votes", "votes/cio-2.yaml", ("stakeholder",))),
    ]
    messages = [p.message for p in problems]
    assert 'did you mean "A"' in messages[0]
    assert 'did you mean "fit"' in messages[1]
    assert "measured (functional evidence), not judged" in messages[2]
    assert messages[3] == "7 is not allowed for fit; use one of 1, 2, 3, 4, 5"


def test_problems_accept_workspace_pairs_and_clean_votes() -> None:
    class Source:
        path = "votes/x.yaml"

    assert (
        vote_problems(
            [(votes("x", {"A": {"fit": 4, "size": "M", "reach": 10}}), Source())], ITEMS, CRITERIA
        )
        == []
    )


def test_a_quoted_number_is_not_a_number() -> None:
    (problem,) = vote_problems(
        [(votes("x", {"A": {"reach": "10"}}), "votes/x.yaml")], ITEMS, CRITERIA
    )
    assert problem.code == "vote-not-allowed" and "needs a number" in problem.message


# --- medians ---------------------------------------------------------------------------------


def test_median_of_an_odd_number_of_votes_is_the_middle_vote() -> None:
    cast = [votes(n, {"A": {"fit": v}}) for n, v in (("a", 5), ("b", 1), ("c", 4))]
    assert vote_medians(cast, CRITERIA) == {("A", "fit"): 4}


def test_even_number_of_votes_on_free_numbers_takes_the_mean_of_the_middle_two() -> None:
    cast = [
        votes(n, {"A": {"reach": v}}) for n, v in (("a", 100), ("b", 400), ("c", 200), ("d", 900))
    ]
    assert vote_medians(cast, CRITERIA) == {("A", "reach"): 300}


def test_even_number_of_votes_on_a_listed_scale_takes_the_lower_middle_vote() -> None:
    # 2 and 5 would give 3.5, which `allowed` refuses; the lower middle vote keeps the scale.
    cast = [votes("a", {"A": {"fit": 5, "size": "L"}}), votes("b", {"A": {"fit": 2, "size": "S"}})]
    assert vote_medians(cast, CRITERIA) == {("A", "fit"): 2, ("A", "size"): "S"}


def test_mapped_votes_are_ordered_by_their_numbers_not_their_text() -> None:
    cast = [votes(n, {"A": {"size": v}}) for n, v in (("a", "L"), ("b", "S"), ("c", "M"))]
    assert vote_medians(cast, CRITERIA) == {("A", "size"): "M"}


def test_invalid_votes_and_votes_on_measured_criteria_are_left_out() -> None:
    cast = [
        votes("a", {"A": {"fit": 9, "m": 0.9}}),
        votes("b", {"A": {"fit": 2}}),
        votes("c", {"A": {"fit": None}}),
    ]
    assert vote_medians(cast, CRITERIA) == {("A", "fit"): 2}


# --- apply_votes -----------------------------------------------------------------------------


def test_apply_votes_replaces_only_voted_judgement_values_and_is_pure() -> None:
    items = frame([
        {ID: "A", "raw.fit": 1, "raw.m": 0.5},
        {ID: "B", "raw.fit": 5, "raw.m": 0.2},
    ])  # fmt: skip
    before = items.copy()
    cast = [
        votes("a", {"A": {"fit": 5, "m": 0.0}}),
        votes("b", {"A": {"fit": 5}}),
        votes("c", {"A": {"fit": 4}}),
    ]
    out = apply_votes(items, cast, CRITERIA)
    pd.testing.assert_frame_equal(items, before)
    assert list(out["raw.fit"]) == [5, 5]
    assert list(out["raw.m"]) == [0.5, 0.2]  # measured: votes ignored
    pd.testing.assert_frame_equal(apply_votes(out, cast, CRITERIA), out)  # twice is once


def test_votes_change_the_ranking_by_hand() -> None:
    # fit: weight 1, range [1, 5]; m: weight 1, range [0, 1]; the two optional criteria are missing (n = 0).
    # Without votes: A = 100 * (0 + 0.5) / 4 = 12.5, B = 100 * (1 + 0.2) / 4 = 30: B first.
    # Votes on A's fit 5, 5, 4: median 5, so A = 100 * (1 + 0.5) / 4 = 37.5: A first.
    items = frame([{ID: "A", "raw.fit": 1, "raw.m": 0.5}, {ID: "B", "raw.fit": 5, "raw.m": 0.2}])
    plain = score(items, CRITERIA).frame.set_index(ID)
    assert plain.loc["A", SCORE] == pytest.approx(12.5) and plain.loc["B", SCORE] == pytest.approx(
        30
    )
    cast = [votes(n, {"A": {"fit": v}}) for n, v in (("a", 5), ("b", 5), ("c", 4))]
    voted = score(apply_votes(items, cast, CRITERIA), CRITERIA).frame.set_index(ID)
    assert voted.loc["A", SCORE] == pytest.approx(37.5)
    assert (voted.loc["A", RANK], voted.loc["B", RANK]) == (1, 2)


def test_the_sample_votes_rank_like_medians_written_into_the_items(tmp_path: Path) -> None:
    """Scoring with apply_votes equals scoring a copy whose items hold the medians themselves."""
    root = tmp_path / "ws"
    shutil.copytree(REPO_ROOT / "backlogs", root / "backlogs")
    shutil.copytree(REPO_ROOT / "criteria", root / "criteria")
    shutil.copytree(REPO_ROOT / "votes", root / "votes")
    shutil.copy(REPO_ROOT / "prioritize.yaml", root / "prioritize.yaml")
    ws = ws_module.load(root, keep_data=True)  # its files are edited below: their text kept
    loaded = load_criteria(root, None, ws.settings)
    assert [
        p for p in vote_problems(ws.votes, ws.items, loaded.criteria) if p.severity == "error"
    ] == []
    voted = score(
        apply_votes(items_frame(ws, loaded.criteria.criteria), ws.votes, loaded.criteria),
        loaded.criteria,
    )

    medians = vote_medians(ws.votes, loaded.criteria)
    assert len(medians) >= 5
    for (item_id, criterion_id), median in medians.items():
        origin = ws.origins[("item", item_id)]
        where = origin.file.locate((*origin.path, "scores", criterion_id))
        path = root / where.path
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        line = lines[where.line - 1]
        start = where.col - 1
        end = start + len(line[start:].split()[0])
        lines[where.line - 1] = line[:start] + str(median) + line[end:]
        path.write_text("".join(lines), encoding="utf-8")
    shutil.rmtree(root / "votes")
    ws2 = ws_module.load(root)
    assert ws2.errors == [] and ws2.votes == []
    written = score(items_frame(ws2, loaded.criteria.criteria), loaded.criteria)

    a = voted.frame[[RANK, ID, SCORE]]
    b = written.frame[[RANK, ID, SCORE]]
    pd.testing.assert_frame_equal(a, b)
    # And the votes do move items: NOT-5's median 4 (own 5) costs it 100 * 0.25 / 12 / 2 = 1.0417
    # of score, BEN-4's median 4 (own 3) gains 100 * 0.25 / 12 / 3 = 0.6944.
    own = score(
        items_frame(ws_module.load(REPO_ROOT), loaded.criteria.criteria), loaded.criteria
    ).frame.set_index(ID)
    new = voted.frame.set_index(ID)
    assert new.loc["NOT-5", SCORE] == pytest.approx(own.loc["NOT-5", SCORE] - 100 * 0.25 / 12 / 2)
    assert new.loc["BEN-4", SCORE] == pytest.approx(own.loc["BEN-4", SCORE] + 100 * 0.25 / 12 / 3)
    assert (
        new.loc["NOT-5", RANK] > own.loc["NOT-5", RANK]
        and new.loc["BEN-4", RANK] < own.loc["BEN-4", RANK]
    )


# --- summary ---------------------------------------------------------------------------------


def test_summary_spread_flag_and_who_voted_what() -> None:
    cast = [
        votes("cio", {"B": {"fit": 5}, "A": {"fit": 3, "size": "S"}}),
        votes("dmv", {"A": {"fit": 1, "size": "L"}}),
        votes("hhs", {"A": {"fit": 2}, "B": {"fit": 4}}),
    ]
    summary = vote_summary(cast, CRITERIA, ["A", "B"], threshold=2)
    assert list(summary.columns) == [
        *VOTE_COLUMNS,
        ballot_column("cio"),
        ballot_column("dmv"),
        ballot_column("hhs"),
    ]
    rows = summary.to_dict("records")
    assert [(r["id"], r["criterion"]) for r in rows] == [("A", "fit"), ("A", "size"), ("B", "fit")]
    fit_a, size_a, fit_b = rows
    assert (fit_a["votes"], fit_a["median"], fit_a["min"], fit_a["max"], fit_a["spread"]) == (
        3,
        2,
        1,
        3,
        2.0,
    )
    assert fit_a["flag"] == DISCUSS  # spread 2 reaches the threshold 2
    assert (size_a["median"], size_a["min"], size_a["max"], size_a["spread"], size_a["flag"]) == (
        "S",
        "S",
        "L",
        2.0,
        DISCUSS,
    )
    assert (fit_b["median"], fit_b["spread"], fit_b["flag"]) == (4, 1.0, None)
    assert fit_b[ballot_column("dmv")] is None and fit_b[ballot_column("hhs")] == 4
    assert vote_summary(cast, CRITERIA, ["A", "B"], threshold=2.5)["flag"].isna().all()
    items = frame([{ID: "A", "raw.fit": 1}, {ID: "B", "raw.fit": 2}])
    assert own_scores(items, summary) == [1, None, 2]


def test_summary_without_votes_is_empty_with_the_columns() -> None:
    summary = vote_summary([], CRITERIA)
    assert summary.empty and list(summary.columns) == VOTE_COLUMNS
