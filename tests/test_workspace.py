"""The workspace on disk (docs/reference.md 2-3): discovery, backlog file forms, keys, criteria resolution."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Result, run_cli, write_files
from prioritize.workspace import find_root

POOLS = """
value_pools:
  - id: p
    name: P
"""

# A criteria set that needs nothing from an item: every item it sees is scored 1.
# (A criterion is required, so make it optional and read a value nobody has.)
FLAT = """
name: Flat
method: formula
formula: 1 + x
criteria:
  - id: x
    data: judgement
    required: false
"""


def item(item_id: str, **extra: Any) -> str:
    lines = [f"id: {item_id}", f"title: Item {item_id}", "pool: p"]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


def rank(ws: Path | None, *args: str, cwd: Path | None = None) -> Result:
    workspace = ("-w", ws) if ws is not None else ()
    return run_cli("rank", *workspace, "-f", "json", *args, cwd=cwd)


def ranked_ids(result: Result) -> list[str]:
    assert result.exit_code == 0, result.stderr
    return [row["id"] for row in json.loads(result.stdout)]


# --- discovery ------------------------------------------------------------------------------


def test_the_current_folder_is_the_workspace(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace(
        {"backlogs/a.yaml": POOLS, "backlogs/b.yaml": item("B"), "criteria/flat.yaml": FLAT}
    )
    assert ranked_ids(rank(None, "-c", "flat", cwd=ws)) == ["B"]


@pytest.mark.parametrize("below", ["backlogs", "backlogs/deep/deeper", "docs/notes"])
def test_the_nearest_parent_holding_backlogs_is_the_workspace(
    below: str, make_workspace: Callable[[dict[str, str]], Path]
) -> None:
    ws = make_workspace(
        {"backlogs/a.yaml": POOLS, "backlogs/b.yaml": item("B"), "criteria/flat.yaml": FLAT}
    )
    (ws / below).mkdir(parents=True, exist_ok=True)
    assert ranked_ids(rank(None, "-c", "flat", cwd=ws / below)) == ["B"]
    assert find_root(ws / below) == ws.resolve()


def test_a_nested_workspace_wins_over_the_outer_one(tmp_path: Path) -> None:
    outer = write_files(
        tmp_path / "outer",
        {"backlogs/a.yaml": POOLS + "items:\n  - {id: OUT, title: Out, pool: p}\n"},
    )
    inner = write_files(
        outer / "projects" / "inner",
        {"backlogs/a.yaml": POOLS + "items:\n  - {id: IN, title: In, pool: p}\n"},
    )
    (inner / "sub").mkdir()
    assert find_root(inner / "sub") == inner.resolve()
    assert ranked_ids(rank(None, "-c", "ice", "--include-unscored", cwd=inner / "sub")) == ["IN"]
    assert ranked_ids(rank(None, "-c", "ice", "--include-unscored", cwd=outer / "projects")) == [
        "OUT"
    ]


def test_no_workspace_is_exit_2_with_a_clear_message(tmp_path: Path) -> None:
    lonely = tmp_path / "nowhere" / "at-all"
    lonely.mkdir(parents=True)
    if any((p / "backlogs").is_dir() for p in lonely.parents):
        pytest.skip("a folder above the temporary folder holds backlogs/")
    result = rank(None, cwd=lonely)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no workspace" in result.stderr
    assert "backlogs/" in result.stderr
    assert "Traceback" not in result.stderr


def test_workspace_option_without_backlogs_is_exit_2(tmp_path: Path) -> None:
    result = rank(tmp_path)
    assert result.exit_code == 2
    assert "no workspace" in result.stderr
    assert str(tmp_path) in result.stderr


def test_workspace_option_from_anywhere(
    make_workspace: Callable[[dict[str, str]], Path], tmp_path: Path
) -> None:
    ws = make_workspace(
        {"backlogs/a.yaml": POOLS, "backlogs/b.yaml": item("B"), "criteria/flat.yaml": FLAT}
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert ranked_ids(rank(ws, "-c", "flat", cwd=elsewhere)) == ["B"]


# --- backlog files --------------------------------------------------------------------------


def test_list_form_and_one_item_per_file_mix(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace(
        {
            "backlogs/pools.yaml": POOLS,
            "backlogs/list.yaml": "items:\n  - id: L1\n    title: One\n    pool: p\n  - id: L2\n    title: Two\n    pool: p\n",
            "backlogs/items/S1.yaml": item("S1"),
            "backlogs/items/S2.yml": item("S2"),
            "backlogs/a/b/c/deep.yaml": item("DEEP"),
            "backlogs/notes.txt": "not: [yaml",
            "backlogs/old.yaml.bak": "broken: [",
            "criteria/flat.yaml": FLAT,
        }
    )
    # all score 1: ranked by id
    assert ranked_ids(rank(ws, "-c", "flat")) == ["DEEP", "L1", "L2", "S1", "S2"]


def test_files_are_read_in_sorted_path_order(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace(
        {
            "backlogs/pools.yaml": POOLS,
            "backlogs/m.yaml": item("M1"),
            "backlogs/b.yaml": "items:\n  - {id: B2, title: B2, pool: p}\n  - {id: B1, title: B1, pool: p}\n",
            "backlogs/c/b/a.yaml": item("CBA"),
            "backlogs/a/z.yaml": item("AZ"),
            "backlogs/c/a.yml": item("CA"),
        }
    )
    # sorted paths below backlogs/: a/z.yaml, b.yaml, c/a.yml, c/b/a.yaml, m.yaml, pools.yaml;
    # within a file, items keep their order (B2 before B1).
    # Nobody is scored by ICE: --include-unscored lists the unscored items in file order.
    result = rank(ws, "-c", "ice", "--include-unscored")
    assert ranked_ids(result) == ["AZ", "B2", "B1", "CA", "CBA", "M1"]
    warned = [
        line.split(": warning: ")[1].split(" ")[0]
        for line in result.stderr.splitlines()
        if ": warning: " in line
    ]
    assert warned == ["AZ", "B2", "B1", "CA", "CBA", "M1"]


def test_an_empty_backlog_file_is_fine(make_workspace: Callable[[dict[str, str]], Path]) -> None:
    ws = make_workspace(
        {
            "backlogs/pools.yaml": POOLS,
            "backlogs/empty.yaml": "",
            "backlogs/comment.yaml": "# nothing yet\n",
        }
    )
    assert ranked_ids(rank(ws, "-c", "rice")) == []


def test_an_empty_backlogs_folder_is_a_workspace(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / "backlogs").mkdir(parents=True)
    assert ranked_ids(rank(ws, "-c", "rice")) == []


def test_ids_are_unique_across_the_workspace(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace(
        {
            "backlogs/a.yaml": POOLS + "items:\n  - id: X\n    title: First\n    pool: p\n",
            "backlogs/b.yaml": item("X"),
        }
    )
    result = rank(ws, "-c", "rice")
    assert result.exit_code == 2
    # a.yaml (leading newline stripped): 1 value_pools, 2 "  - id: p", 3 name, 4 items, 5 "  - id: X"
    # with X at column 9; b.yaml: "id: X" on line 1, X at column 5
    assert (
        'backlogs/b.yaml:1:5: duplicate-id item id "X" is already used at backlogs/a.yaml:5:9'
        in result.stderr
    )


def test_extension_keys_are_allowed_everywhere(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace(
        {
            "prioritize.yaml": "criteria: mine\nx-team: renewals\n",
            "backlogs/list.yaml": """
            x-source: jira export
            value_pools:
              - id: p
                name: P
                x-colour: teal
                kpis:
                  - {id: k, name: K, x-dashboard: url}
            items:
              - id: L1
                title: One
                pool: p
                effort: 2
                x-ticket: ABC-1
                evidence:
                  x-analyst: sam
                  functional: {rate: 0.5}
                scores: {reach: 10}
                outcome: {actual_effort: 2, x-note: late}
            """,
            "backlogs/one.yaml": item(
                "S1", effort=1, **{"x-owner": "kim", "scores": "{reach: 20}"}
            ),
            "criteria/mine.yaml": """
            name: Mine
            x-reviewed: 2026-10-01
            method: formula
            formula: reach / effort
            criteria:
              - id: reach
                data: judgement
                x-why: it matters
                scale: {transform: log, x-hint: base e}
            """,
        }
    )
    rows = json.loads(rank(ws).stdout)
    # L1: ln(1 + 10) / 2 = 1.1990;  S1: ln(1 + 20) / 1 = 3.0445
    assert [r["id"] for r in rows] == ["S1", "L1"]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {
                "backlogs/a.yaml": POOLS
                + "items:\n  - id: A\n    title: A\n    pool: p\n    efort: 3\n"
            },
            # 1 value_pools, 2-3 pool, 4 items, 5 id, 6 title, 7 pool, 8 "    efort: 3"
            'backlogs/a.yaml:8:5: unknown-key unknown key "efort" (did you mean "effort"?)',
            id="item",
        ),
        pytest.param(
            {"backlogs/a.yaml": "value_pools:\n  - id: p\n    nmae: P\n"},
            'backlogs/a.yaml:3:5: unknown-key unknown key "nmae" (did you mean "name"?)',
            id="pool",
        ),
        pytest.param(
            {"backlogs/a.yaml": POOLS + "itmes: []\n"},
            'backlogs/a.yaml:4:1: unknown-key unknown key "itmes" (did you mean "items"?)',
            id="top-level",
        ),
        pytest.param(
            {"backlogs/a.yaml": POOLS, "backlogs/s.yaml": "id: S\ntitel: S\npool: p\n"},
            'backlogs/s.yaml:2:1: unknown-key unknown key "titel" (did you mean "title"?)',
            id="one-item-file",
        ),
        pytest.param(
            {
                "backlogs/a.yaml": POOLS,
                "backlogs/s.yaml": "id: S\ntitle: S\npool: p\nevidence:\n  functonal: {a: 1}\n",
            },
            'backlogs/s.yaml:5:3: unknown-key unknown key "functonal" (did you mean "functional"?)',
            id="evidence",
        ),
        pytest.param(
            {
                "backlogs/a.yaml": POOLS,
                "prioritize.yaml": "criteria: rice\ncapacity:\n  per_wek: 3\n",
            },
            'prioritize.yaml:3:3: unknown-key unknown key "per_wek" (did you mean "per_week"?)',
            id="settings",
        ),
    ],
)
def test_unknown_keys_are_errors_with_did_you_mean(
    files: dict[str, str], expected: str, make_workspace: Callable[[dict[str, str]], Path]
) -> None:
    ws = make_workspace(files)
    result = rank(ws, "-c", "rice")
    assert result.exit_code == 2
    assert expected in result.stderr.splitlines()
    assert "Traceback" not in result.stderr


def test_unknown_key_in_a_criteria_file(make_workspace: Callable[[dict[str, str]], Path]) -> None:
    ws = make_workspace(
        {
            "backlogs/a.yaml": POOLS,
            "criteria/mine.yaml": "name: Mine\ncriteria:\n  - id: a\n    data: judgement\n    wieght: 2\n",
        }
    )
    result = rank(ws, "-c", "mine")
    assert result.exit_code == 2
    assert (
        'criteria/mine.yaml:5:5: unknown-key unknown key "wieght" (did you mean "weight"?)'
        in result.stderr.splitlines()
    )


def test_unknown_key_far_from_any_lists_the_keys(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace(
        {"backlogs/a.yaml": "value_pools:\n  - id: p\n    name: P\n    zzzzzz: 1\n"}
    )
    result = rank(ws, "-c", "rice")
    assert result.exit_code == 2
    line = next(line for line in result.stderr.splitlines() if "unknown-key" in line)
    assert line.startswith('backlogs/a.yaml:4:5: unknown-key unknown key "zzzzzz"')
    assert "did you mean" not in line
    assert "x-" in line


def test_free_names_in_evidence_and_scores(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace(
        {
            "backlogs/a.yaml": POOLS,
            "backlogs/s.yaml": item(
                "S",
                evidence="{functional: {anything_at_all: 1}, operational: {whatever: 2}}",
                scores="{made_up: 3}",
            ),
        }
    )
    assert rank(ws, "-c", "rice").exit_code == 0


# --- criteria resolution --------------------------------------------------------------------

RICE_ITEM = item("R", effort=2, scores="{reach: 10, impact: 1, confidence: 1}")


def only_set(name: str, formula: str) -> str:
    return f"name: {name}\nmethod: formula\nformula: {formula}\ncriteria:\n  - id: reach\n    data: judgement\n"


def score_of(result: Result) -> float:
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 1
    return float(rows[0]["score"])


def test_criteria_folder_wins_over_the_preset(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace(
        {
            "backlogs/a.yaml": POOLS,
            "backlogs/r.yaml": RICE_ITEM,
            "criteria/rice.yaml": only_set("Local", "reach * 100"),
        }
    )
    # criteria/rice.yaml: 10 * 100 = 1000 (the preset would give 10 * 1 * 1 / 2 = 5)
    assert score_of(rank(ws, "-c", "rice")) == pytest.approx(1000)


def test_yml_in_the_criteria_folder(make_workspace: Callable[[dict[str, str]], Path]) -> None:
    ws = make_workspace(
        {
            "backlogs/a.yaml": POOLS,
            "backlogs/r.yaml": RICE_ITEM,
            "criteria/local.yml": only_set("Local", "reach * 3"),
        }
    )
    assert score_of(rank(ws, "-c", "local")) == pytest.approx(30)  # 10 * 3


def test_the_preset_when_the_criteria_folder_lacks_the_name(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace(
        {
            "backlogs/a.yaml": POOLS,
            "backlogs/r.yaml": RICE_ITEM,
            "criteria/other.yaml": only_set("Other", "reach"),
        }
    )
    assert score_of(rank(ws, "-c", "rice")) == pytest.approx(5)  # 10 * 1 * 1 / 2


def test_a_path_wins_over_the_criteria_folder(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace(
        {
            "backlogs/a.yaml": POOLS,
            "backlogs/r.yaml": RICE_ITEM,
            "criteria/rice.yaml": only_set("Folder", "reach * 100"),
            "rice": only_set(
                "Path", "reach * 7"
            ),  # a file named like the set, in the current folder
        }
    )
    assert score_of(rank(ws, "-c", "rice", cwd=ws)) == pytest.approx(70)  # 10 * 7


def test_a_path_anywhere(make_workspace: Callable[[dict[str, str]], Path], tmp_path: Path) -> None:
    ws = make_workspace({"backlogs/a.yaml": POOLS, "backlogs/r.yaml": RICE_ITEM})
    elsewhere = tmp_path / "sets" / "mine.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(only_set("Elsewhere", "reach + 1"), encoding="utf-8")
    assert score_of(rank(ws, "-c", str(elsewhere))) == pytest.approx(11)


def test_settings_choose_the_set_and_the_option_overrides_them(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace(
        {
            "prioritize.yaml": "criteria: local\n",
            "backlogs/a.yaml": POOLS,
            "backlogs/r.yaml": RICE_ITEM,
            "criteria/local.yaml": only_set("Local", "reach * 3"),
        }
    )
    assert score_of(rank(ws)) == pytest.approx(30)
    assert score_of(rank(ws, "-c", "rice")) == pytest.approx(5)


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("ric", '(did you mean "rice"?)'),
        ("wsjff", '(did you mean "wsjf"?)'),
        ("my-sett", '(did you mean "my-set"?)'),
    ],
)
def test_unknown_criteria_name_is_exit_2_with_did_you_mean(
    name: str, hint: str, make_workspace: Callable[[dict[str, str]], Path]
) -> None:
    ws = make_workspace(
        {"backlogs/a.yaml": POOLS, "criteria/my-set.yaml": only_set("Mine", "reach")}
    )
    result = rank(ws, "-c", name)
    assert result.exit_code == 2
    assert f'no criteria set "{name}" {hint}' in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_criteria_name_without_a_criteria_folder(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace({"backlogs/a.yaml": POOLS})
    result = rank(ws, "-c", "nothing-like-it")
    assert result.exit_code == 2
    assert 'no criteria set "nothing-like-it"' in result.stderr
    assert "rice" in result.stderr  # the presets are listed


def test_a_second_load_shares_what_the_first_read_alike(tmp_path: Path) -> None:
    from prioritize import workspace

    listed = "items:\n  - id: A\n    title: A\n    pool: p\n  - id: B\n    title: B\n    pool: p\n"
    write_files(
        tmp_path,
        {"backlogs/pools.yaml": POOLS, "backlogs/list.yaml": listed, "backlogs/c.yaml": item("C")},
    )
    first = workspace.load(tmp_path)
    (tmp_path / "backlogs/list.yaml").write_text(listed.replace("title: B", "title: Bee"))
    before = {i.id: i for i in first.items}
    known = workspace.Known(
        {"backlogs/pools.yaml": workspace.known_files(first)["backlogs/pools.yaml"]}, before
    )
    second = workspace.load(tmp_path, known=known)
    fresh = workspace.load(tmp_path)
    assert second.items == fresh.items
    assert second.files["backlogs/pools.yaml"] is first.files["backlogs/pools.yaml"]
    assert second.pools[0] is first.pools[0]
    by_id = {i.id: i for i in second.items}
    assert by_id["A"] is before["A"]  # read alike in a changed file: the same object
    assert by_id["B"] is not before["B"] and by_id["B"].title == "Bee"
    assert by_id["C"] is before["C"]  # a one-item file's item too


# --- what a load keeps (issue 16: memory) ------------------------------------------------------


def test_a_load_lets_the_backlog_files_go_and_reads_one_again_to_locate_a_problem(
    tmp_path: Path,
) -> None:
    from prioritize import workspace
    from prioritize.errors import Ref

    write_files(tmp_path, {"backlogs/pools.yaml": POOLS, "backlogs/a.yaml": item("A", effort=2)})
    ws = workspace.load(tmp_path)
    source = ws.files["backlogs/a.yaml"]
    assert source.data is None
    assert source.text == "id: A\ntitle: Item A\npool: p\neffort: 2\n"  # read again
    assert str(ws.locate(Ref("item", "A", ("effort",)))) == "backlogs/a.yaml:4:9"

    kept = workspace.load(tmp_path, keep_data=True)
    assert kept.files["backlogs/a.yaml"].data["effort"] == 2
    assert kept.raw_items == [kept.files["backlogs/a.yaml"].data]


def test_a_file_changed_since_it_was_read_is_named_without_a_line(tmp_path: Path) -> None:
    from prioritize import workspace
    from prioritize.errors import Ref

    write_files(tmp_path, {"backlogs/pools.yaml": POOLS, "backlogs/a.yaml": item("A", effort=2)})
    ws = workspace.load(tmp_path)
    (tmp_path / "backlogs/a.yaml").write_text("\n\n\n" + item("A", effort=2))
    # as a file that cannot be read is named: its first line, not a line that has moved
    assert str(ws.locate(Ref("item", "A", ("effort",)))) == "backlogs/a.yaml:1:1"
    (tmp_path / "backlogs/a.yaml").unlink()
    assert workspace.load(tmp_path, keep_data=True).items == []


def test_items_read_from_their_models_equal_items_read_from_their_data() -> None:
    """Every criterion of every preset and of the sample's sets, and the paths a source may
    name beyond them, read the same from the models as from the data as written."""
    from conftest import REPO_ROOT
    from prioritize import workspace
    from prioritize.criteria_sets import load_criteria
    from prioritize.models import Criterion
    from prioritize.pipeline import items_frame
    from prioritize.values import describe

    lean = workspace.load(REPO_ROOT)
    kept = workspace.load(REPO_ROOT, keep_data=True)
    assert lean.raw_items == [] and len(kept.raw_items) == len(kept.items) == 42
    paths = [
        "effort", "effort_range", "status", "risk", "pool", "due", "personas", "depends_on", "evidence",
        "evidence.as_of", "evidence.functional", "evidence.nothing.here", "outcome.after",
        "outcome.delivered", "outcome.nothing", "scores.nothing", "title.deeper", "nothing",
    ]  # fmt: skip
    criteria = [Criterion(id=f"c{k}", data="judgement", source=p) for k, p in enumerate(paths)]
    for name in ("default", "rice", "ice", "wsjf"):
        criteria += load_criteria(REPO_ROOT, name, lean.settings).criteria.criteria
    from_models, from_data = items_frame(lean, criteria), items_frame(kept, criteria)
    assert list(from_models.columns) == list(from_data.columns)
    numbers = (int, float)  # an effort of 5 is 5.0 in its model: the same score
    for column in from_models.columns:  # what a value is, and a message names it as
        for a, b in zip(from_models[column], from_data[column], strict=True):
            same = a == b and (type(a) is type(b) or {type(a), type(b)} <= set(numbers))
            assert same or describe(a) == describe(b), (column, a, b)


def test_a_key_of_an_evidence_section_or_of_scores_is_read_the_fast_way() -> None:
    """Nearly every source is one key of a mapping every item has (empty where not given):
    read with one lookup, not a walk down the path per item. (The values are the same either
    way; a default that is no longer seen as empty once cost items_frame twice its time.)"""
    from prioritize.models import Item
    from prioritize.pipeline import _Reader

    for source in (
        "evidence.functional.completion_rate",
        "evidence.experience.csat",
        "scores.reach",
    ):
        reader = _Reader(source.split("."))
        assert reader.read is not reader, source
    for source in ("outcome.after", "effort", "evidence.functional", "title.deeper"):
        reader = _Reader(source.split("."))
        assert reader.read == reader, source
    item = Item.model_validate({"id": "A", "title": "a", "pool": "p", "scores": {"reach": 3}})
    assert _Reader(["scores", "reach"]).read(item) == 3
    assert _Reader(["evidence", "functional", "completion_rate"]).read(item) is None


def test_a_criterion_may_read_an_x_key_of_an_item(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "backlogs/pools.yaml": POOLS,
            "backlogs/a.yaml": item("A", **{"x-points": 3}, evidence="{x-jira: {points: 8}}"),
            "backlogs/b.yaml": item("B", **{"x-points": 5}),
            "criteria/default.yaml": """
                name: Points
                method: formula
                formula: points * jira
                criteria:
                  - id: points
                    data: judgement
                    source: x-points
                  - id: jira
                    data: judgement
                    source: evidence.x-jira.points
                    required: false
            """,
        },
    )
    result = rank(tmp_path, "-f", "csv", "--include-unscored")
    assert result.exit_code == 0, result.stderr
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["A"]["score"] == "24"
