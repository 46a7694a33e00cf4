"""Spreadsheet cells and headers in `import`: numbers read only where they cannot be misread."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from conftest import run_cli
from prioritize.edits import Value
from prioritize.spreadsheet import NotNumeric, parse_number_cell


@pytest.mark.parametrize(
    ("cell", "data", "text"),
    [
        ("64,500", 64500, "64500"),
        ("1,234,567", 1234567, "1234567"),
        ("64,500.25", 64500.25, "64500.25"),
        ("$11.10", 11.1, "11.10"),
        ("$ 11.10", 11.1, "11.10"),
        ("£7", 7, "7"),
        ("€1,200", 1200, "1200"),
        ("USD 42", 42, "42"),
        ("42 USD", 42, "42"),
        ("42GBP", 42, "42"),
        ("EUR 3.5", 3.5, "3.5"),
        ("-$5", -5, "-5"),
        ("56%", 0.56, "0.56"),  # 56 / 100
        ("5.5%", 0.055, "0.055"),
        ("100%", 1, "1"),
        ("12 %", 0.12, "0.12"),
        ("0.30", 0.3, "0.30"),  # no marks: parse_cell, as typed
        ("42", 42, "42"),
        ("2026-10-01", date(2026, 10, 1), "2026-10-01"),
        ("high", "high", None),
        ("USDA grant 5", "USDA grant 5", None),  # words: text, not a number
    ],
)
def test_spreadsheet_numbers(cell: str, data: object, text: str | None) -> None:
    value = parse_number_cell(cell)
    assert value == Value(data, text)  # type: ignore[arg-type]
    assert type(value.data) is type(data)


@pytest.mark.parametrize(
    "cell", ["1,5", "12.500,00", "1,23,456", "1,2345", "64,500,", ",500", "$5%", "$5 USD", "1,5%"]
)
def test_ambiguous_numbers_are_refused(cell: str) -> None:
    with pytest.raises(NotNumeric):
        parse_number_cell(cell)


# --- through the CLI ------------------------------------------------------------------------

ITEMS = """\
value_pools:
  - id: p
    name: Pool
items:
  - id: A-1
    title: First
    pool: p
    effort: 2
    evidence:
      operational: {monthly_volume: 100, cost_per_transaction: 5.0}
"""


@pytest.fixture
def ws(make_workspace: Callable[[dict[str, str]], Path]) -> Path:
    return make_workspace({"backlogs/b.yaml": ITEMS})


def digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_headers_any_case_and_spreadsheet_numbers_are_written_plainly(ws: Path) -> None:
    csv = ws.parent / "in.csv"
    csv.write_text(
        " ID ,EFFORT,Monthly_Volume,evidence.Functional.completion_rate,Cost_Per_Transaction\n"
        'A-1,3,"64,500",56%,$11.10\n'
    )
    result = run_cli("import", csv, "-w", ws, "--section", "operational")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "imported 4 values in 1 file\n"
    assert (ws / "backlogs/b.yaml").read_text() == ITEMS.replace("effort: 2", "effort: 3").replace(
        "operational: {monthly_volume: 100, cost_per_transaction: 5.0}",
        # functional goes before operational: schema order (as_of, sources, functional, ...)
        "functional: {completion_rate: 0.56}\n"
        "      operational: {monthly_volume: 64500, cost_per_transaction: 11.10}",
    )


@pytest.mark.parametrize(
    ("header", "cell", "message"),
    [
        (
            "evidence.operational.monthly_volume",
            '"1,5"',
            'in.csv:2:2: not-numeric evidence.operational.monthly_volume: "1,5" could be read more '
            "than one way; write it plainly (1234.5) or with commas between groups of three digits (1,234.5)",
        ),
        (
            "effort",
            '"12.500,00"',
            'in.csv:2:2: not-numeric effort: "12.500,00" could be read more than one way',
        ),
        (
            "evidence.operational.monthly_volume",
            '"1,23,456"',
            'in.csv:2:2: not-numeric evidence.operational.monthly_volume: "1,23,456" could be read',
        ),
        (
            "evidence.operational.monthly_volum",
            "5",
            'in.csv:1:2: unknown-column "evidence.operational.monthly_volum" names no metric of '
            'this workspace or its criteria (did you mean "monthly_volume"?); pass --new-metrics '
            "if it is a new one",
        ),
        (
            "scores.policy_alignmnt",
            "5",
            'in.csv:1:2: unknown-column "scores.policy_alignmnt" names no metric of this workspace '
            'or its criteria (did you mean "policy_alignment"?)',
        ),
    ],
)
def test_bad_cells_and_columns_are_located_and_change_nothing(
    ws: Path, header: str, cell: str, message: str
) -> None:
    before = digest(ws)
    (ws.parent / "in.csv").write_text(f"id,{header}\nA-1,{cell}\n")
    result = run_cli("import", "in.csv", "-w", ws, cwd=ws.parent)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith(message), result.stderr
    assert digest(ws) == before


def test_new_metrics_says_a_new_column_is_intended(ws: Path) -> None:
    (ws.parent / "in.csv").write_text('id,evidence.experience.complaints\nA-1,"1,204"\n')
    refused = run_cli("import", "in.csv", "-w", ws, cwd=ws.parent)
    assert refused.exit_code == 2
    assert "unknown-column" in refused.stderr
    result = run_cli("import", "in.csv", "-w", ws, "--new-metrics", cwd=ws.parent)
    assert result.exit_code == 0, result.stderr
    assert "      experience: {complaints: 1204}\n" in (ws / "backlogs/b.yaml").read_text()


def test_text_fields_keep_commas_currency_and_percent_as_typed(ws: Path) -> None:
    (ws.parent / "in.csv").write_text('id,title\nA-1,"Cut the $5 fee by 50%, at 1,5 sites"\n')
    result = run_cli("import", "in.csv", "-w", ws, cwd=ws.parent)
    assert result.exit_code == 0, result.stderr
    assert (
        "    title: Cut the $5 fee by 50%, at 1,5 sites\n" in (ws / "backlogs/b.yaml").read_text()
    )


def test_a_bare_metric_name_goes_where_the_workspace_keeps_it(ws: Path) -> None:
    # No --section: monthly_volume lives under evidence.operational in A-1, so it goes there.
    (ws.parent / "in.csv").write_text('ID,Monthly_Volume\nA-1,"64,500"\n')
    result = run_cli("import", "in.csv", "-w", ws, cwd=ws.parent)
    assert result.exit_code == 0, result.stderr
    assert (ws / "backlogs/b.yaml").read_text() == ITEMS.replace(
        "monthly_volume: 100", "monthly_volume: 64500"
    )


def test_a_bare_metric_name_kept_in_two_places_must_be_named_by_its_path(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace({
        "backlogs/b.yaml": ITEMS + "      functional: {monthly_volume: 3}\n"
    })  # fmt: skip
    before = digest(ws)
    (ws.parent / "in.csv").write_text("id,monthly_volume\nA-1,5\n")
    result = run_cli("import", "in.csv", "-w", ws, cwd=ws.parent)
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        2,
        'in.csv:1:2: ambiguous-column "monthly_volume" is kept under '
        "evidence.functional.monthly_volume or evidence.operational.monthly_volume: name the "
        "column by its dotted path",
    )
    assert digest(ws) == before


def test_a_misspelt_bare_metric_name_is_an_unknown_column_with_a_hint(ws: Path) -> None:
    (ws.parent / "in.csv").write_text("id,monthly_volumes\nA-1,5\n")
    result = run_cli("import", "in.csv", "-w", ws, cwd=ws.parent)
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        2,
        'in.csv:1:2: unknown-column "monthly_volumes" names no metric of this workspace or its '
        'criteria (did you mean "monthly_volume"?); name the column by its dotted path '
        "(evidence.operational.NAME) or give --section",
    )


def test_known_metrics_names_every_home_of_every_metric_in_use() -> None:
    from prioritize.import_columns import known_metrics

    items = [
        {"evidence": {"functional": {"completion_rate": 0.5}, "experience": {"csat": 3}}},
        {"evidence": {"operational": {"csat": 1, 7: 2}, "as_of": "x"}, "scores": {"reach": 2}},
        {"evidence": "not a mapping", "scores": None},
        {},
    ]
    assert known_metrics(
        items, ["scores.fit", "evidence.functional.completion_rate", "effort"]
    ) == {
        "completion_rate": {("evidence", "functional", "completion_rate")},
        "csat": {("evidence", "experience", "csat"), ("evidence", "operational", "csat")},
        "7": {("evidence", "operational", "7")},
        "reach": {("scores", "reach")},
        "fit": {("scores", "fit")},
    }
