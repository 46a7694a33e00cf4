"""`prioritize rank` end to end: columns, formats, filters, unscored items and bad input (exit 2)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import Result, run_cli, write_files

HEADER = "rank,id,title,pool,status,risk,effort,value,score,depends_on,evidence_strength,confidence"

# A weighted set, so that c.<id> columns are contributions:
#   reach: weight 3, range [0, 100];  pain: weight 1, range [0, 10];  sum(w) = 4
#   per effort, risk factor low 1, medium 0.5, high 0.25
CRITERIA = """
name: Value per effort
agreed_by: [Service director]
per_effort: true
risk_factor: {low: 1, medium: 0.5, high: 0.25}
criteria:
  - id: reach
    data: judgement
    weight: 3
    scale: {range: [0, 100]}
  - id: pain
    data: experience
    source: evidence.experience.pain
    weight: 1
    scale: {range: [0, 10]}
"""

LIST = """
value_pools:
  - id: renewals
    name: Renewals
  - id: permits
    name: Permits
items:
  - id: A
    title: Renew, online
    pool: renewals
    risk: low
    effort: 2
    scores: {reach: 50}
    evidence: {experience: {pain: 10}}
  - id: B
    title: Pay by card
    pool: permits
    risk: medium
    effort: 1
    scores: {reach: 100}
    evidence: {experience: {pain: 0}}
  - id: C
    title: Big rebuild
    pool: renewals
    risk: high
    effort: 3
    scores: {reach: 100}
    evidence: {experience: {pain: 10}}
  - id: D
    title: Small fix
    pool: permits
    risk: low
    effort: 5
    scores: {reach: 0}
    evidence: {experience: {pain: 10}}
  - id: F
    title: Finished
    pool: permits
    status: done
    effort: 1
    scores: {reach: 100}
    evidence: {experience: {pain: 10}}
  - id: G
    title: No estimate yet
    pool: permits
    risk: low
    scores: {reach: 100}
    evidence: {experience: {pain: 10}}
"""

SINGLE = """
# Waiting for the analytics export.
id: E
title: Pending evidence
pool: renewals
risk: low
effort: 2
evidence: {experience: {pain: 4}}
"""

# By hand (n = clip((x - lo) / (hi - lo)); value = 100 * (3 n_reach + n_pain) / 4; score = value / effort * factor):
#   A: n 0.5, 1   -> value 100 * 2.5 / 4 = 62.5; score 62.5 / 2 * 1      = 31.25
#   B: n 1, 0     -> value 100 * 3 / 4   = 75;   score 75 / 1 * 0.5      = 37.5
#   C: n 1, 1     -> value 100;                  score 100 / 3 * 0.25    = 8.3333...
#   D: n 0, 1     -> value 100 * 1 / 4   = 25;   score 25 / 5 * 1        = 5
#   E: no reach (unscored);  F: done (left out);  G: no effort (unscored)
# Ranking: B 1, A 2, C 3, D 4
EXPECTED = {
    "B": {"rank": 1, "value": 75.0, "score": 37.5, "c.reach": 75.0, "c.pain": 0.0},
    "A": {"rank": 2, "value": 62.5, "score": 31.25, "c.reach": 37.5, "c.pain": 25.0},
    "C": {"rank": 3, "value": 100.0, "score": 100 / 3 * 0.25, "c.reach": 75.0, "c.pain": 25.0},
    "D": {"rank": 4, "value": 25.0, "score": 5.0, "c.reach": 0.0, "c.pain": 25.0},
}


@pytest.fixture
def ws(make_workspace: Callable[[dict[str, str]], Path]) -> Path:
    return make_workspace(
        {
            "prioritize.yaml": "criteria: value\n",
            "criteria/value.yaml": CRITERIA,
            "backlogs/list.yaml": LIST,
            "backlogs/single/E.yaml": SINGLE,
        }
    )


def rank(ws: Path, *args: str) -> Result:
    result = run_cli("rank", "-w", ws, *args)
    assert result.exit_code == 0, result.stderr
    return result


def json_rows(ws: Path, *args: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(rank(ws, "-f", "json", *args).stdout)
    return rows


# --- formats --------------------------------------------------------------------------------


def test_csv_header_and_rows(ws: Path) -> None:
    text = rank(ws, "-f", "csv").stdout
    lines = text.splitlines()
    assert lines[0] == HEADER + ",c.reach,c.pain"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == ["B", "A", "C", "D"]
    a = next(r for r in rows if r["id"] == "A")
    assert a["title"] == "Renew, online"  # quoted, not split at the comma
    assert (a["pool"], a["status"], a["risk"]) == ("renewals", "proposed", "low")
    assert float(a["effort"]) == 2
    for row in rows:
        expected = EXPECTED[row["id"]]
        assert int(row["rank"]) == expected["rank"]
        for column in ("value", "score", "c.reach", "c.pain"):
            assert float(row[column]) == pytest.approx(expected[column])


def test_csv_and_json_carry_full_precision(ws: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(rank(ws, "-f", "csv").stdout)))
    c_score = next(r["score"] for r in rows if r["id"] == "C")
    # 100 / 3 * 0.25 = 8.333333333333334 to the last digit a float holds
    assert abs(float(c_score) - 100 / 3 * 0.25) < 1e-14
    assert len(c_score) >= 15
    c_json = next(r for r in json_rows(ws) if r["id"] == "C")
    assert abs(c_json["score"] - 100 / 3 * 0.25) < 1e-14


def test_json_is_a_list_of_row_objects(ws: Path) -> None:
    rows = json_rows(ws)
    assert isinstance(rows, list)
    assert [r["id"] for r in rows] == ["B", "A", "C", "D"]
    assert list(rows[0]) == [*HEADER.split(","), "c.reach", "c.pain"]
    for row in rows:
        expected = EXPECTED[row["id"]]
        assert row["rank"] == expected["rank"]
        assert isinstance(row["rank"], int)
        for column in ("value", "score", "c.reach", "c.pain"):
            assert row[column] == pytest.approx(expected[column])
        # contributions add up to value
        assert row["c.reach"] + row["c.pain"] == pytest.approx(row["value"])
    b = rows[0]
    assert (b["title"], b["pool"], b["status"], b["risk"], b["effort"]) == (
        "Pay by card",
        "permits",
        "proposed",
        "medium",
        1,
    )


def test_markdown_is_a_table(ws: Path) -> None:
    lines = rank(ws, "-f", "markdown").stdout.splitlines()
    cells = [c.strip() for c in lines[0].strip("|").split("|")]
    assert cells == [*HEADER.split(","), "c.reach", "c.pain"]
    assert re.fullmatch(r"\|( :?-{3,}:? \|)+", lines[1])
    body = [line for line in lines[2:] if line.startswith("|")]
    assert [line.strip("|").split("|")[1].strip() for line in body] == ["B", "A", "C", "D"]
    assert all(line.count("|") == lines[0].count("|") for line in body)


def test_table_is_the_default(ws: Path) -> None:
    out = rank(ws).stdout
    for item_id in ("A", "B", "C", "D"):
        assert re.search(rf"\b{item_id}\b", out)
    assert "Finished" not in out  # done item F
    assert "\x1b[" not in out  # no colour when not a terminal


def test_formula_set_columns_are_inputs(make_workspace: Callable[[dict[str, str]], Path]) -> None:
    ws = make_workspace(
        {
            "backlogs/a.yaml": """
            value_pools: [{id: p, name: P}]
            items:
              - {id: X, title: X, pool: p, effort: 4, scores: {reach: 300, impact: 0.5, confidence: 0.8}}
            """
        }
    )
    rows = json_rows(ws, "-c", "rice")
    assert list(rows[0]) == [*HEADER.split(","), "c.reach", "c.impact", "c.confidence"]
    # 300 * 0.5 * 0.8 / 4 = 30
    assert rows[0]["score"] == pytest.approx(30)
    assert (rows[0]["c.reach"], rows[0]["c.impact"], rows[0]["c.confidence"]) == pytest.approx(
        (300, 0.5, 0.8)
    )


# --- filters --------------------------------------------------------------------------------


def test_top(ws: Path) -> None:
    assert [r["id"] for r in json_rows(ws, "--top", "2")] == ["B", "A"]
    assert [r["id"] for r in json_rows(ws, "-n", "10")] == ["B", "A", "C", "D"]


def test_top_must_be_positive(ws: Path) -> None:
    assert run_cli("rank", "-w", ws, "--top", "0").exit_code == 2


def test_pool_keeps_whole_backlog_ranks(ws: Path) -> None:
    rows = json_rows(ws, "--pool", "renewals")
    assert [(r["id"], r["rank"]) for r in rows] == [("A", 2), ("C", 3)]


def test_pool_and_top_combine(ws: Path) -> None:
    rows = json_rows(ws, "--pool", "permits", "--top", "1")
    assert [(r["id"], r["rank"]) for r in rows] == [("B", 1)]


def test_unknown_pool_is_exit_2(ws: Path) -> None:
    result = run_cli("rank", "-w", ws, "--pool", "renewal")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert 'no value pool "renewal"' in result.stderr
    assert 'did you mean "renewals"' in result.stderr


def test_risk(ws: Path) -> None:
    assert [(r["id"], r["rank"]) for r in json_rows(ws, "--risk", "low")] == [("A", 2), ("D", 4)]
    assert [r["id"] for r in json_rows(ws, "--risk", "high")] == ["C"]


def test_unknown_risk_is_exit_2(ws: Path) -> None:
    assert run_cli("rank", "-w", ws, "--risk", "extreme").exit_code == 2


def test_include_unscored_appends_them_with_an_empty_rank(ws: Path) -> None:
    text = rank(ws, "-f", "csv", "--include-unscored").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    # ranked first, then unscored in file order: G (backlogs/list.yaml), E (backlogs/single/E.yaml)
    assert [(r["rank"], r["id"]) for r in rows] == [
        ("1", "B"),
        ("2", "A"),
        ("3", "C"),
        ("4", "D"),
        ("", "G"),
        ("", "E"),
    ]
    assert rows[-1]["score"] == "" and rows[-1]["value"] == ""
    json_tail = json_rows(ws, "--include-unscored")[-2:]
    assert [(r["id"], r["rank"], r["score"]) for r in json_tail] == [
        ("G", None, None),
        ("E", None, None),
    ]


def test_include_unscored_in_the_table(ws: Path) -> None:
    out = rank(ws, "--include-unscored").stdout
    assert "Pending evidence" in out  # E, unscored
    assert "No estimate yet" in out  # G, unscored
    assert "unscored" in out


def test_output_writes_the_file(ws: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "ranking.csv"
    target.parent.mkdir()
    result = rank(ws, "-f", "csv", "--output", str(target))
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == rank(ws, "-f", "csv").stdout
    assert target.read_text(encoding="utf-8").startswith(HEADER)


def test_output_replaces_an_existing_file(ws: Path, tmp_path: Path) -> None:
    target = tmp_path / "ranking.json"
    target.write_text("old", encoding="utf-8")
    rank(ws, "-f", "json", "-o", str(target))
    assert [r["id"] for r in json.loads(target.read_text(encoding="utf-8"))] == ["B", "A", "C", "D"]


# --- unscored items on stderr ---------------------------------------------------------------


def test_unscored_items_are_named_on_stderr_with_reason_and_place(ws: Path) -> None:
    result = rank(ws, "-f", "csv")
    lines = result.stderr.splitlines()
    # E.yaml: line 1 is a comment, the item's mapping starts at line 2, column 1
    e_line = next(line for line in lines if line.startswith("backlogs/single/E.yaml:2:1: "))
    assert "E is unscored" in e_line
    assert "reach" in e_line and "scores.reach" in e_line
    # list.yaml: 1 value_pools ... 5 "    name: Permits", 6 items; A 7-13, B 14-20, C 21-27,
    # D 28-34, F 35-41, G starts at 42 with "  - id: G": the mapping at column 5
    g_line = next(line for line in lines if line.startswith("backlogs/list.yaml:42:5: "))
    assert "G is unscored" in g_line and "effort" in g_line
    assert not any(" F " in line or "F is" in line for line in lines)  # done: no warning
    assert "Traceback" not in result.stderr
    assert "E" not in {row.split(",")[1] for row in result.stdout.splitlines()[1:]}


# --- bad input: one file per case under data/invalid/ ---------------------------------------

INVALID = Path(__file__).parent / "data" / "invalid"
BASE = """
value_pools:
  - id: p
    name: P
items:
  - id: BASE
    title: Base
    pool: p
    effort: 1
    scores: {reach: 1, impact: 1, confidence: 1}
"""
FINDING_LINE = re.compile(r"^[^:\s]+:\d+:\d+: [a-z][a-z-]* \S.*$")
SUMMARY_LINE = re.compile(r"^prioritize: \d+ errors?; nothing was done$")


@dataclass(frozen=True)
class Case:
    """A bad-input file. Its leading comment lines say what `rank` must report:

    - `# expect: CODE line:col` (first line): a finding with that code at that place;
      `CODE|CODE` accepts either code;
    - `# message: TEXT`: the finding's exact message;
    - `# xfail: REASON`: a known bug (strict: the case fails once the bug is fixed, as a
      reminder to drop the line).
    """

    path: Path
    codes: tuple[str, ...]
    line: int
    col: int
    message: str | None
    xfail: str | None

    @classmethod
    def read(cls, path: Path) -> Case:
        head = path.read_bytes().decode("utf-8", errors="replace").splitlines()
        match = re.fullmatch(r"# expect: ([a-z][a-z|-]*) (\d+):(\d+)", head[0].strip())
        assert match, f"{path} must start with '# expect: CODE line:col'"

        def directive(name: str) -> str | None:
            return next(
                (h.removeprefix(f"# {name}: ") for h in head if h.startswith(f"# {name}: ")), None
            )

        return cls(
            path,
            tuple(match[1].split("|")),
            int(match[2]),
            int(match[3]),
            directive("message"),
            directive("xfail"),
        )

    @property
    def role(self) -> str:
        return self.path.parent.name

    @property
    def workspace_path(self) -> str:
        return {
            "backlogs": f"backlogs/{self.path.name}",
            "criteria": f"criteria/{self.path.name}",
            "settings": "prioritize.yaml",
        }[self.role]


CASE_FILES = sorted(p for p in INVALID.rglob("*") if p.suffix in (".yaml", ".yml"))


def case_param(path: Path) -> Any:
    case = Case.read(path)
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=f"{path.parent.name}/{path.name}", marks=marks)


CASES = [case_param(path) for path in CASE_FILES]


def test_there_are_bad_input_cases_for_every_role() -> None:
    roles = {p.parent.name for p in CASE_FILES}
    assert roles == {"backlogs", "criteria", "settings"}
    assert len(CASE_FILES) >= 20


def test_the_base_workspace_of_the_bad_input_cases_is_fine(tmp_path: Path) -> None:
    ws = write_files(tmp_path / "ws", {"backlogs/base.yaml": BASE})
    result = run_cli("rank", "-w", ws, "-c", "rice", "-f", "csv", cwd=ws)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_exit_2_with_a_located_finding(case: Case, tmp_path: Path) -> None:
    ws = write_files(tmp_path / "ws", {"backlogs/base.yaml": BASE})
    target = ws / case.workspace_path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(case.path.read_bytes())
    criteria = case.path.stem if case.role == "criteria" else "rice"

    result = run_cli("rank", "-w", ws, "-c", criteria, "-f", "csv", cwd=ws)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines, "no message on stderr"
    for line in lines:
        assert FINDING_LINE.match(line) or SUMMARY_LINE.match(line), (
            f"not a located finding: {line!r}"
        )
    prefixes = [f"{case.workspace_path}:{case.line}:{case.col}: {code} " for code in case.codes]
    if case.message is not None:
        assert any(prefix + case.message in lines for prefix in prefixes), (
            f"{prefixes[0]}{case.message!r} not in {lines}"
        )
    else:
        assert any(line.startswith(tuple(prefixes)) for line in lines), f"{prefixes} not in {lines}"
    assert not list(tmp_path.rglob("PWNED"))
    assert not (Path.cwd() / "PWNED").exists()


def test_a_criterion_id_with_a_dash_says_what_criterion_ids_allow(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace(
        {
            "backlogs/base.yaml": BASE,
            "criteria/dashed.yaml": "name: Dashed\ncriteria:\n  - id: reach-it\n    data: judgement\n",
        }
    )
    result = run_cli("rank", "-w", ws, "-c", "dashed")
    assert result.exit_code == 2
    # line 3 is "  - id: reach-it": the id starts at column 9
    line = next(
        line for line in result.stderr.splitlines() if line.startswith("criteria/dashed.yaml:3:9: ")
    )
    assert line.startswith("criteria/dashed.yaml:3:9: invalid-value ")
    assert ". _ -" not in line  # a dash is exactly what is not allowed
