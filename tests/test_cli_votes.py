"""`prioritize votes` end to end, and votes used by the other commands."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run_cli, write_files

HEADER = "id,criterion,votes,median,min,max,spread,flag"

FILES = {
    "criteria/default.yaml": """
        name: Fit
        agreed_by: [Director]
        criteria:
          - id: fit
            data: judgement
            allowed: [1, 2, 3, 4, 5]
            scale: {range: [1, 5]}
          - id: m
            data: functional
            source: evidence.functional.m
            scale: {range: [0, 1]}
    """,
    "backlogs/b.yaml": """
        value_pools:
          - {id: p, name: Pool}
        items:
          - {id: A, title: Item A, pool: p, scores: {fit: 1}, evidence: {functional: {m: 0.5}}}
          - {id: B, title: Item B, pool: p, scores: {fit: 5}, evidence: {functional: {m: 0.2}}}
    """,
    "votes/cio.yaml": "stakeholder: cio\nrole: CIO\nscores:\n  A: {fit: 5}\n  B: {fit: 4}\n",
    "votes/dmv.yaml": "stakeholder: dmv\nscores:\n  A: {fit: 5}\n  B: {fit: 5}\n",
    "votes/hhs.yaml": "stakeholder: hhs\nscores:\n  A: {fit: 2}\n",
}


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return write_files(tmp_path / "ws", FILES)


def test_table_shows_who_voted_what_and_flags_disagreement(ws: Path) -> None:
    r = run_cli("votes", "-w", ws)
    assert r.exit_code == 0, r.stderr
    header = next(line for line in r.stdout.splitlines() if "Criterion" in line)
    assert all(name in header for name in ("cio", "dmv", "hhs"))
    line_a = next(line for line in r.stdout.splitlines() if line.strip("│ ").startswith("A "))
    assert "discuss" in line_a  # 5, 5, 2: spread 3
    assert "1 pair to discuss" in r.stdout


def test_csv_columns_and_values(ws: Path) -> None:
    r = run_cli("votes", "-w", ws, "-f", "csv")
    assert r.stdout.splitlines()[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    # A: 5, 5, 2 -> median 5, spread 3; B: 4, 5 -> the lower middle vote 4 (fit lists allowed values).
    assert rows == [
        {
            "id": "A",
            "criterion": "fit",
            "votes": "3",
            "median": "5",
            "min": "2",
            "max": "5",
            "spread": "3",
            "flag": "discuss",
        },
        {
            "id": "B",
            "criterion": "fit",
            "votes": "2",
            "median": "4",
            "min": "4",
            "max": "5",
            "spread": "1",
            "flag": "",
        },
    ]
    raised = list(
        csv.DictReader(
            io.StringIO(run_cli("votes", "-w", ws, "-f", "csv", "--threshold", "4").stdout)
        )
    )
    assert [row["flag"] for row in raised] == ["", ""]


def test_json_and_markdown(ws: Path) -> None:
    data = json.loads(run_cli("votes", "-w", ws, "-f", "json").stdout)
    assert data[0]["ballots"] == {"cio": 5, "dmv": 5, "hhs": 2}
    assert set(HEADER.split(",")) <= set(data[0])
    md = run_cli("votes", "-w", ws, "-f", "markdown").stdout
    assert md.startswith("| id | criterion | own | cio | dmv | hhs |")


def test_other_commands_use_the_medians(ws: Path) -> None:
    # Own scores: A = 100 * (0 + 0.5) / 2 = 25, B = 100 * (1 + 0.2) / 2 = 60.
    # Medians: A fit 5 -> 100 * (1 + 0.5) / 2 = 75; B fit 4 -> 100 * (0.75 + 0.2) / 2 = 47.5.
    data = json.loads(run_cli("explain", "A", "-w", ws, "-f", "json").stdout)
    assert (data["rank"], data["score"]) == (1, pytest.approx(75))
    assert data["criteria"][0]["raw"] == 5
    rows = list(
        csv.DictReader(
            io.StringIO(
                run_cli("sensitivity", "-w", ws, "--spread", "0", "--runs", "5", "-f", "csv").stdout
            )
        )
    )
    assert [row["id"] for row in rows] == ["A", "B"]


def test_bad_votes_are_located_and_exit_2(ws: Path) -> None:
    (ws / "votes" / "hhs.yaml").write_text(
        "stakeholder: hhs\nscores:\n  AA: {fit: 2}\n  B: {fit: 9}\n", encoding="utf-8"
    )
    r = run_cli("votes", "-w", ws)
    assert r.exit_code == 2
    assert (
        'votes/hhs.yaml:3:3: unknown-vote-item "AA" is not an item of this workspace (did you mean "A"?)'
        in r.stderr
    )
    assert "votes/hhs.yaml:4:12: vote-not-allowed 9 is not allowed for fit" in r.stderr
    assert run_cli("explain", "A", "-w", ws).exit_code == 2


def test_no_votes_says_how_to_add_them(tmp_path: Path) -> None:
    ws = write_files(
        tmp_path / "ws", {k: v for k, v in FILES.items() if not k.startswith("votes/")}
    )
    r = run_cli("votes", "-w", ws, "-f", "csv")
    assert r.exit_code == 0
    assert r.stdout == HEADER + "\n"
    assert "no votes" in r.stderr


def test_the_sample_workspace_has_exactly_one_disagreement() -> None:
    rows = list(csv.DictReader(io.StringIO(run_cli("votes", "-f", "csv", cwd=REPO_ROOT).stdout)))
    assert 5 <= len(rows) <= 6 and {row["criterion"] for row in rows} == {"policy_alignment"}
    assert [row["id"] for row in rows if row["flag"] == "discuss"] == ["NOT-5"]
    assert all(row["votes"] == "3" for row in rows)


def test_import_checks_a_value_as_scoring_takes_it_with_votes_in_place(tmp_path: Path) -> None:
    """Where stakeholders voted on an item, scoring takes their median, not the item's own
    score: an imported score there cannot make the item unusable, elsewhere it can."""
    item_c = "\n          - {id: C, title: Item C, pool: p}\n"  # indented as FILES is
    files = {**FILES, "backlogs/b.yaml": FILES["backlogs/b.yaml"].rstrip() + item_c}
    ws = write_files(tmp_path / "ws", files)
    csv_file = tmp_path / "fit.csv"
    csv_file.write_text("id,scores.fit\nA,7\nC,9\n", encoding="utf-8")
    result = run_cli("import", csv_file, "-w", ws)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:-1] == [
        f"{csv_file}:3:2: not-allowed 9 is not allowed for fit; use one of 1, 2, 3, 4, 5"
    ]
    for vote in ("cio", "dmv", "hhs"):
        (ws / "votes" / f"{vote}.yaml").unlink()
    result = run_cli("import", csv_file, "-w", ws)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:-1] == [
        f"{csv_file}:2:2: not-allowed 7 is not allowed for fit; use one of 1, 2, 3, 4, 5",
        f"{csv_file}:3:2: not-allowed 9 is not allowed for fit; use one of 1, 2, 3, 4, 5",
    ]


def test_import_with_votes_warns_of_a_value_outside_its_range_at_its_cell(ws: Path) -> None:
    csv_file = ws.parent / "m.csv"
    csv_file.write_text("id,evidence.functional.m\nA,50\n", encoding="utf-8")
    result = run_cli("import", csv_file, "-w", ws)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"{csv_file}:2:2: warning: out-of-range A: evidence.functional.m 50 is outside m's "
        "range [0, 1] and is scored as 1; did you mean 0.50?\nimported 1 value in 1 file\n"
    )
