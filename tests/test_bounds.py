"""Extreme input is a located finding or a usage error, never nonsense and never "internal error".

Numbers lie within ±1e15 and are finite (`.nan` included); weights and risk factors are at most
1e6, effort at least 1e-6, capacity 0.01 to 1e15, teams 1 to 1000; formulas nest at most 50
operators deep; schedules end by 9999-12-31. The case folders numbers-* under data/check/
cover the file side; these tests cover what needs a generated file, an option or a device.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Result, run_cli, write_files

CRITERIA = """
    name: Test set
    agreed_by: [Test lead]
    criteria:
      - {id: f, data: functional, source: evidence.functional.rate, required: false}
      - {id: o, data: operational, source: scores.o, required: false}
      - {id: e, data: judgement, required: false}
"""
BACKLOG = """
    value_pools:
      - {id: p, name: Pool}
    items:
      - {id: A-1, title: First, pool: p, effort: 2, scores: {o: 1, e: 2}}
      - {id: A-2, title: Second, pool: p, effort: 3, scores: {o: 2, e: 1}}
"""
HUGE = "9" * 5000  # Python's int() and str() refuse integers past 4,300 digits


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return write_files(
        tmp_path / "ws",
        {
            "criteria/default.yaml": CRITERIA,
            "backlogs/a.yaml": BACKLOG,
            "prioritize.yaml": "capacity: {per_week: 5}\n",
        },
    )


def assert_clean_refusal(result: Result, *located: str) -> None:
    stdout, stderr = result.stdout, result.stderr
    assert "internal error" not in stderr
    for text in located:
        assert text in stdout + stderr, (stdout, stderr)


def test_two_huge_weights_are_refused_not_ranked_as_nan(ws: Path) -> None:
    # Both weights 1e308: the sum overflowed, every score was NaN, rank exited 0 with an
    # arbitrary order and report died on "cannot convert float NaN to integer".
    criteria = ws / "criteria" / "default.yaml"
    text = criteria.read_text(encoding="utf-8")
    criteria.write_text(
        text.replace("required: false}", "required: false, weight: 1e308}", 2), encoding="utf-8"
    )
    for command in ("rank", "report", "ttv"):
        result = run_cli(command, "-w", ws, cwd=ws)
        assert result.exit_code == 2, (command, result.stdout)
        assert_clean_refusal(
            result,
            "criteria/default.yaml:4:",
            "weight must be at most 1e+06 (criterion f), not 1e+308",
            "(criterion o)",
        )


def test_a_huge_risk_factor_is_refused(ws: Path) -> None:
    criteria = ws / "criteria" / "default.yaml"
    criteria.write_text(
        criteria.read_text(encoding="utf-8").replace(
            "criteria:", "risk_factor: {low: 1e308}\ncriteria:"
        ),
        encoding="utf-8",
    )
    result = run_cli("rank", "-w", ws, cwd=ws)
    assert result.exit_code == 2
    assert_clean_refusal(result, "criteria/default.yaml:3:20: invalid-value low must be between")


@pytest.mark.parametrize(
    ("where", "located"),
    [
        ("evidence", "backlogs/a.yaml:4:"),
        ("votes", "votes/cio.yaml:2:"),
    ],
)
def test_an_integer_of_5000_digits_is_a_located_finding(ws: Path, where: str, located: str) -> None:
    if where == "evidence":
        (ws / "backlogs" / "a.yaml").write_text(
            "value_pools:\n  - {id: p, name: Pool}\nitems:\n"
            f"  - {{id: A-1, title: First, pool: p, evidence: {{functional: {{rate: {HUGE}}}}}}}\n",
            encoding="utf-8",
        )
    else:
        (ws / "votes").mkdir()
        (ws / "votes" / "cio.yaml").write_text(
            f"stakeholder: CIO\nscores: {{A-1: {{e: {HUGE}}}}}\n", encoding="utf-8"
        )
    checked = run_cli("check", "-w", ws, cwd=ws)
    assert checked.exit_code == 1
    assert_clean_refusal(checked, located, "a number of 5,000 digits")
    ranked = run_cli("rank", "-w", ws, cwd=ws)
    assert ranked.exit_code == 2
    assert_clean_refusal(ranked, located)


def test_an_integer_of_5000_digits_on_the_exact_path_is_located(ws: Path) -> None:
    # A tag sends the file to ruamel's loader, whose int() refuses the digits.
    (ws / "backlogs" / "a.yaml").write_text(
        "value_pools:\n  - {id: p, name: Pool}\nitems:\n"
        f"  - {{id: A-1, title: !!str First, pool: p, scores: {{o: {HUGE}}}}}\n",
        encoding="utf-8",
    )
    checked = run_cli("check", "-w", ws, cwd=ws)
    assert checked.exit_code == 1
    assert_clean_refusal(checked, "backlogs/a.yaml:4:")
    assert len(checked.stdout) < 2000  # the message names the value, it does not quote it


def test_an_integer_of_5000_digits_in_a_csv_cell_is_a_located_finding(ws: Path) -> None:
    csv = ws.parent / "in.csv"
    csv.write_text(f"id,scores.o\nA-1,{HUGE}\n", encoding="utf-8")
    result = run_cli("import", csv, "-w", ws, cwd=ws)
    assert result.exit_code == 2
    assert_clean_refusal(result, "in.csv:2:2: not-numeric", "between -1e15 and 1e15")


def test_explain_of_a_formula_350_operators_long_is_a_formula_finding(ws: Path) -> None:
    # ast.unparse recursed past Python's limit: "internal error: RecursionError".
    criteria = ws / "criteria" / "default.yaml"
    text = criteria.read_text(encoding="utf-8")
    formula = "o" + " + o" * 350
    criteria.write_text(
        text.replace("criteria:", f"method: formula\nformula: {formula}\ncriteria:"),
        encoding="utf-8",
    )
    for args in (("explain", "A-1"), ("check",), ("rank",)):
        result = run_cli(*args, "-w", ws, cwd=ws)
        assert result.exit_code in (1, 2), args
        assert_clean_refusal(result, "criteria/default.yaml:4:10: formula-syntax", "50")


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--capacity", "1e-300", "--capacity must be"),  # OverflowError
        ("--capacity", "nan", "--capacity must be"),
        ("--teams", "1000000000", "'--teams'"),  # MemoryError at 6.7 GB
    ],
)
def test_ttv_options_are_bounded(ws: Path, option: str, value: str, says: str) -> None:
    result = run_cli("ttv", "-w", ws, option, value, cwd=ws)
    assert result.exit_code == 2
    assert_clean_refusal(result, says)


def test_a_schedule_past_the_year_9999_is_an_error_not_an_integer(ws: Path) -> None:
    # The finish date came out as the integer 2932901.
    result = run_cli(
        "ttv", "-w", ws, "--start", "9999-12-20", "--capacity", "1", "-f", "csv", cwd=ws
    )
    assert result.exit_code == 2
    assert_clean_refusal(result, "runs past the year 9999")
    assert "2932901" not in result.stdout


def test_a_file_name_that_is_not_utf8_is_shown_escaped(ws: Path, tmp_path: Path) -> None:
    try:
        bad = ws / "backlogs" / os.fsdecode(b"b\xffad.yaml")
        bad.write_text("items:\n  - {id: X-1, title: T, pool: nope}\n", encoding="utf-8")
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses a name that is not UTF-8")
    out = tmp_path / "findings.txt"
    result = run_cli("check", "-w", ws, "--output", out, cwd=ws)
    assert result.exit_code == 1, result.stderr
    assert_clean_refusal(result)
    assert "backlogs/b\\xffad.yaml:2:31: unknown-pool" in out.read_text(encoding="utf-8")
    ranked = run_cli("rank", "-w", ws, cwd=ws)
    assert ranked.exit_code == 2
    assert_clean_refusal(ranked, "backlogs/b\\xffad.yaml:2:31: unknown-pool")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_standard_output_on_a_full_disk_is_a_clean_error(ws: Path) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "prioritize", "rank", "-w", str(ws)],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "prioritize: cannot write to standard output: No space left on device" in result.stderr
    assert "internal error" not in result.stderr
    assert "Exception ignored" not in result.stderr
