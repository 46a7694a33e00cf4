"""`prioritize forecast` end to end, and what mandates and due dates do to `ttv` and `check`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run_cli

CRITERIA = """
    name: Value as judged
    agreed_by: [Test board]
    method: formula
    formula: v
    criteria:
      - id: v
        data: judgement
"""
SETTINGS = """
    criteria: v
    capacity: {per_week: 1, teams: 1}
    start: 2027-01-04
"""
POOLS = """
    value_pools:
      - {id: p, name: Pool P}
"""
SUMMARY_KEYS = [
    "runs", "seed", "level", "effort_source", "history_items", "weeks_to_50pct_p50",
    "weeks_to_50pct_level", "weeks_to_80pct_p50", "weeks_to_80pct_level", "deadlines_at_risk",
]  # fmt: skip
ITEM_KEYS = [
    "id", "title", "due", "mandate", "p50_week", "p50_date", "level_week", "level_date",
    "p95_week", "p95_date", "p_on_time",
]  # fmt: skip

Make = Callable[[dict[str, str]], Path]

# A: exactly 2 weeks. B: 1 to 9 weeks, likely 2, due Friday of week 5 (2027-02-05).
# C: exactly 5 weeks, after B. One team at 1 point a week from Monday 2027-01-04.
CHAIN = """
  - {id: A, title: Alpha, pool: p, effort: 2, effort_range: [2, 2], scores: {v: 30}}
  - {id: B, title: Beta, pool: p, effort: 2, effort_range: [1, 9], due: 2027-02-05, scores: {v: 20}}
  - {id: C, title: Gamma, pool: p, effort: 5, effort_range: [5, 5], scores: {v: 10}}
"""


def workspace(make: Make, items: str = CHAIN, settings: str = SETTINGS) -> Path:
    return make(
        {
            "prioritize.yaml": settings,
            "criteria/v.yaml": CRITERIA,
            "backlogs/pools.yaml": POOLS,
            "backlogs/items.yaml": "items:\n" + items,
        }
    )


def forecast_json(ws: Path, *args: str) -> dict:  # type: ignore[type-arg]
    result = run_cli("forecast", "-w", ws, "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_json_has_exactly_the_documented_keys_and_hand_worked_figures(make_workspace: Make) -> None:
    doc = forecast_json(workspace(make_workspace), "--by", "2027-02-05")
    assert list(doc) == ["summary", "items", "cut_line"]
    assert list(doc["summary"]) == SUMMARY_KEYS
    assert [list(row) for row in doc["items"]] == [ITEM_KEYS] * 3
    summary = doc["summary"]
    assert (summary["runs"], summary["seed"], summary["level"]) == (10_000, 0, 85)
    assert (summary["effort_source"], summary["history_items"]) == ("ranges", 0)
    a, b, c = doc["items"]
    assert (a["p50_week"], a["level_week"], a["p95_week"]) == (2, 2, 2)
    assert (a["p50_date"], a["due"], a["p_on_time"]) == ("2027-01-15", None, None)
    # B is done by week 5 when its effort is at most 3: 1 - (9-3)^2 / ((9-1)(9-2)) = 35.7%.
    assert b["due"] == "2027-02-05"
    assert b["p_on_time"] == pytest.approx(1 - 36 / 56, abs=0.025)  # 5 sd of 10,000 runs
    assert summary["deadlines_at_risk"] == ["B"]
    # Median of tri(1, 2, 9): 9 - sqrt(0.5 * 8 * 7) = 3.708, after A's 2 weeks: 5.708.
    assert b["p50_week"] == pytest.approx(2 + 9 - 28**0.5, abs=0.05)
    assert c["p50_week"] == pytest.approx(b["p50_week"] + 5, abs=1e-9)
    cut = doc["cut_line"]
    assert cut == {
        "by": "2027-02-05",
        "will": ["A"],
        "might": ["B"],
        "wont": ["C"],
        "value_p50": 30,
        "value_level": 30,
    }


def test_without_by_the_cut_line_is_null(make_workspace: Make) -> None:
    assert forecast_json(workspace(make_workspace))["cut_line"] is None


def test_the_same_seed_gives_byte_identical_output_and_another_seed_other_figures(
    make_workspace: Make,
) -> None:
    ws = workspace(make_workspace)
    outputs = [
        run_cli("forecast", "-w", ws, "-f", fmt, "--runs", "2000", *seed).stdout
        for fmt in ("json", "csv", "table", "markdown")
        for seed in ((), ("--seed", "0"), ("--seed", "7"))
    ]
    for k in range(0, len(outputs), 3):
        assert outputs[k] == outputs[k + 1]
    assert outputs[0] != outputs[2]


def test_csv_holds_the_item_rows(make_workspace: Make) -> None:
    result = run_cli("forecast", "-w", workspace(make_workspace), "-f", "csv", "--runs", "500")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == ",".join(ITEM_KEYS)
    assert lines[1] == "A,Alpha,,,2,2027-01-15,2,2027-01-15,2,2027-01-15,"
    assert [line.split(",")[0] for line in lines[1:]] == ["A", "B", "C"]


def test_the_table_says_where_efforts_came_from_and_draws_the_fan(make_workspace: Make) -> None:
    result = run_cli("forecast", "-w", workspace(make_workspace), "--by", "2027-02-05")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Effort from the item's effort_range on 3 items." in out
    assert "Deadlines under 85% sure" in out and "B" in out
    assert "By 2027-02-05: the cut line" in out
    assert "Value delivered by the end of each week" in out


def test_markdown_is_a_now_next_later_roadmap(make_workspace: Make) -> None:
    result = run_cli("forecast", "-w", workspace(make_workspace), "-f", "markdown")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("## Roadmap (P85: delivered by then in 85% of runs)")
    # Everything lands in the first quarter of 2027, the quarter the plan starts in.
    assert "### Now (2027 Q1)" in out
    assert "- **A** Alpha: by 2027-01-15" in out


def test_capacity_history_is_drawn_from(make_workspace: Make) -> None:
    # One item of 10; a week does 5 (2 in 3) or 15 (1 in 3): P50 1.333 weeks, P85 2.0.
    items = (
        "  - {id: A, title: Alpha, pool: p, effort: 10, effort_range: [10, 10], scores: {v: 1}}\n"
    )
    settings = SETTINGS.replace(
        "capacity: {per_week: 1, teams: 1}",
        "capacity: {per_week: 10, teams: 1, history: [5, 5, 15]}",
    )
    doc = forecast_json(workspace(make_workspace, items, settings))
    row = doc["items"][0]
    assert row["p50_week"] == pytest.approx(4 / 3)
    assert row["level_week"] == pytest.approx(2.0)


def test_a_capacity_change_halves_capacity_from_its_date(make_workspace: Make) -> None:
    items = (
        "  - {id: A, title: Alpha, pool: p, effort: 1, effort_range: [1, 1], scores: {v: 2}}\n"
        "  - {id: B, title: Beta, pool: p, effort: 1, effort_range: [1, 1], scores: {v: 1}}\n"
    )
    doc = forecast_json(
        workspace(make_workspace, items), "--capacity-change", "2027-01-11:-50%", "--runs", "10"
    )
    # A takes week 0; from Monday 11 January a week does 0.5, so B takes weeks 1 and 2.
    assert [r["p50_week"] for r in doc["items"]] == [1, 3]
    assert [r["p50_date"] for r in doc["items"]] == ["2027-01-08", "2027-01-22"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--runs", "0"), "--runs"),
        (("--by", "2027-02-30"), "--by"),
        (("--by", "next friday"), "--by"),
        (("--capacity-change", "2027-03-01:-100%"), "would leave no capacity"),
        (("--capacity-change", "2027-03-01:-150%"), "would leave no capacity"),
        (("--capacity-change", "March:-10%"), "is not DATE:CHANGE%"),
        (("--capacity-change", "2027-13-01:-10%"), "is not a date"),
        (("--level", "99"), "--level"),
    ],
)
def test_bad_options_are_usage_errors(
    make_workspace: Make, args: tuple[str, ...], message: str
) -> None:
    result = run_cli("forecast", "-w", workspace(make_workspace), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_a_range_that_does_not_hold_the_effort_is_a_located_error(make_workspace: Make) -> None:
    items = "  - {id: A, title: Alpha, pool: p, effort: 5, effort_range: [6, 9], scores: {v: 1}}\n"
    result = run_cli("forecast", "-w", workspace(make_workspace, items))
    assert result.exit_code == 2
    assert "backlogs/items.yaml:2:" in result.stderr
    assert "effort 5 is outside [6, 9]" in result.stderr


# --- mandates in ttv and check ----------------------------------------------------------------

MANDATES = """
  - {id: A, title: Alpha, pool: p, effort: 2, scores: {v: 30}}
  - {id: DEP, title: Groundwork, pool: p, effort: 1, scores: {v: 1}}
  - {id: LAW, title: Statute, pool: p, effort: 1, scores: {v: 2}, depends_on: [DEP],
     mandate: "State law SB-412", due: 2027-01-08}
  - {id: LATE, title: Audit fix, pool: p, effort: 3, scores: {v: 3}, mandate: "Audit 2026-07",
     due: 2027-01-11}
  - {id: T, title: Target, pool: p, effort: 1, scores: {v: 4}, due: 2027-01-04}
"""


def test_ttv_schedules_mandates_first_with_their_dependencies(make_workspace: Make) -> None:
    result = run_cli("ttv", "-w", workspace(make_workspace, MANDATES), "-f", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    rows = [(r["id"], r["finish_date"], r["due"], r["late"], r["mandate"]) for r in doc["schedule"]]
    # LAW (due 8 Jan) and the DEP it needs first; then LATE (due 11 Jan); then by score.
    assert rows == [
        ("DEP", "2027-01-08", None, None, None),
        ("LAW", "2027-01-15", "2027-01-08", True, "State law SB-412"),
        ("LATE", "2027-02-05", "2027-01-11", True, "Audit 2026-07"),
        ("A", "2027-02-19", None, None, None),
        ("T", "2027-02-26", "2027-01-04", True, None),
    ]
    summary = doc["summary"]
    assert (summary["mandated"], summary["deadlines_met"], summary["deadlines_missed"]) == (2, 0, 3)


def test_check_warns_of_a_mandated_item_the_plan_delivers_late(make_workspace: Make) -> None:
    result = run_cli("check", "-w", workspace(make_workspace, MANDATES))
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "deadline-missed" in line]
    assert lines == [
        "backlogs/items.yaml:6:40: deadline-missed LAW is due 2027-01-08 (State law SB-412), but "
        "the plan delivers it on 2027-01-15: bring it or its dependencies forward, or add capacity",
        "backlogs/items.yaml:8:11: deadline-missed LATE is due 2027-01-11 (Audit 2026-07), but "
        "the plan delivers it on 2027-02-05: bring it or its dependencies forward, or add capacity",
    ]  # a due date without a mandate (T) is a target: no warning


def test_the_sample_forecast_runs(make_workspace: Make) -> None:
    result = run_cli("forecast", "-w", REPO_ROOT, "-f", "json", "--runs", "500")
    assert result.exit_code == 0, result.stderr


def test_runs_x_items_is_bounded(make_workspace: Make, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("prioritize.analysis.forecast.MAX_ITEM_RUNS", 300)
    ws = workspace(make_workspace)
    # Three items: the default 10,000 runs become 100, and a note says so.
    result = run_cli("forecast", "-w", ws, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["runs"] == 100
    assert "note: 100 runs, not 10,000: runs x items stays within 300 for 3 items" in result.stderr
    # Asked for more than fit: refused, with the most that fit.
    refused = run_cli("forecast", "-w", ws, "--runs", "101")
    assert refused.exit_code == 2
    assert "at most 300 fit, so give --runs 100 or fewer" in refused.stderr
