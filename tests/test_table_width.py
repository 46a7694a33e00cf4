"""Every terminal table fits 80, 100, 120 and 200 columns, and shows its numbers whole.

Each command runs on the repository's sample workspace at each width. No line may be wider than
the terminal, and a line that opens with a table border closes with one (Rich crops a table too
wide for the terminal at its right edge, border and all). Then every number of the command's CSV
output is looked up in the table: in the row of its id, under the column's header, rounded the
way the renderer rounds it (see SPECS). A column that is not shown must be named on the table's
"Left out to fit N columns: ..." line.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rich.cells import cell_len

from conftest import REPO_ROOT, run_cli

WIDTHS = (80, 100, 120, 200)
SAMPLE_PARTS = ("backlogs", "criteria", "votes", "prioritize.yaml")
OPENING = "┏┃┡│├└"  # a table line starts with one of these: it must end with a border too
CLOSING = "┓┃┩│┤┘"


# --- what each command's table shows of its CSV -----------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A CSV column as the table writes it: rounded to `digits` (None: as explain writes raw
    values, four significant digits), times `scale` (shares shown as percentages)."""

    column: str
    digits: int | None = 0
    scale: float = 1.0


@dataclass(frozen=True)
class Spec:
    """Which table (the first whose headers include `key`), how a CSV row finds its table row
    (`key` header holds CSV column `key_column`), and header -> the figures in that cell."""

    args: tuple[str, ...]
    key: str
    key_column: str
    cells: dict[str, tuple[Figure, ...]] = field(default_factory=dict)


def f(column: str, digits: int | None = 0, scale: float = 1.0) -> tuple[Figure, ...]:
    return (Figure(column, digits, scale),)


SPECS = {
    # render/rank.py: rank whole, effort and value to 1 decimal, score to 2.
    "rank": Spec(
        ("rank",),
        "ID",
        "id",
        {
            "Rank": f("rank"),
            "Effort": f("effort", 1),
            "Value": f("value", 1),
            "Score": f("score", 2),
        },
    ),
    # render/ttv.py: weeks and the cumulative share to 1 decimal, value to 1 decimal.
    "ttv": Spec(
        ("ttv",),
        "ID",
        "id",
        {
            "Order": f("order"),
            "Team": f("team"),
            "Start week": f("start_week", 1),
            "Finish week": f("finish_week", 1),
            "Value": f("value", 1),
            "Cum. value": f("cumulative_value_pct", 1),
        },
    ),
    # render/pools.py: counts whole, value and effort to 1 decimal, progress as a whole percentage.
    "pools": Spec(
        ("pools",),
        "Pool",
        "id",
        {
            "Items": f("items"),
            "Scored": f("scored"),
            "Total value": f("total_value", 1),
            "Effort (points)": f("effort", 1),
            "KPIs": f("kpis"),
            "KPI progress (mean)": f("kpi_progress_mean", 0, 100),
        },
    ),
    "pools --kpis": Spec(
        ("pools", "--kpis"),
        "KPI",
        "id",
        {
            "Baseline": f("baseline", 2),
            "Current": f("current", 2),
            "Target": f("target", 2),
            "%": f("progress", 0, 100),
        },
    ),
    # render/votes.py: the figures to 2 decimals (whole here).
    "votes": Spec(
        ("votes",),
        "ID",
        "id",
        {h.capitalize(): f(h, 2) for h in ("votes", "median", "min", "max", "spread")},
    ),
    # render/outcomes.py: prediction to 1 decimal (#rank), pairs to 2, percentages to 1.
    "outcomes": Spec(
        ("outcomes",),
        "ID",
        "id",
        {
            "Predicted": (Figure("predicted_value", 1), Figure("predicted_rank")),
            "Effort": (Figure("effort", 2), Figure("actual_effort", 2)),
            "Error": f("effort_error_pct", 1),
            "Before → after": (Figure("before", 2), Figure("after", 2)),
            "Baseline → target": (Figure("baseline", 2), Figure("target", 2)),
            "Moved": f("kpi_moved_pct", 1),
        },
    ),
    # render/coverage.py: counts whole, the share of value to 1 decimal.
    "coverage": Spec(
        ("coverage",),
        "Persona",
        "persona",
        {
            "Items": f("items"),
            "In top 10": f("items_in_top"),
            "Value in top 10": f("value_in_top_pct", 1),
        },
    ),
    # render/explain.py: raw values to 4 significant digits, x and n to 3 decimals, weight and
    # contribution to 2.
    "explain": Spec(
        ("explain", "REN-5"),
        "Criterion",
        "criterion",
        {
            "Raw": f("raw", None),
            "x": f("input", 3),
            "n": f("normalized", 3),
            "Weight": f("weight", 2),
            "Contribution": f("contribution", 2),
        },
    ),
    "explain --vs": Spec(
        ("explain", "REN-5", "--vs", "BEN-8"),
        "Criterion",
        "criterion",
        {
            "Weight": f("weight", 2),
            "REN-5 raw": f("a_raw", None),
            "BEN-8 raw": f("b_raw", None),
            "REN-5 n": f("a_normalized", 3),
            "BEN-8 n": f("b_normalized", 3),
            "REN-5 contribution": f("a_contribution", 2),
            "BEN-8 contribution": f("b_contribution", 2),
            "Difference": f("difference", 2),
        },
    ),
    # render/sensitivity.py: median rank to 1 decimal, the percentiles whole, the share in percent.
    "sensitivity": Spec(
        ("sensitivity", "--runs", "50", "--seed", "1"),
        "ID",
        "id",
        {
            "Rank": f("rank"),
            "Median rank": f("median_rank", 1),
            "5th-95th pct": (Figure("p5_rank"), Figure("p95_rank")),
            "In top 10": f("top_k_probability", 0, 100),
        },
    ),
    # render/diff.py: ranks whole, scores to 2 decimals.
    "diff": Spec(
        ("diff", "HEAD"),
        "ID",
        "id",
        {
            "Was": f("old_rank"),
            "Now": f("new_rank"),
            "Old score": f("old_score", 2),
            "New score": f("new_score", 2),
        },
    ),
}


# --- the sample workspace, and one in git for diff --------------------------------------------

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Sample Author",
    "GIT_AUTHOR_EMAIL": "author@prioritize.invalid",
    "GIT_AUTHOR_DATE": "2026-11-25T10:00:00+00:00",
    "GIT_COMMITTER_NAME": "Sample Committer",
    "GIT_COMMITTER_EMAIL": "committer@prioritize.invalid",
    "GIT_COMMITTER_DATE": "2026-11-25T10:00:00+00:00",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(scope="module")
def diff_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample committed to a new repository, then BEN-4's completion rate raised: BEN-4
    moves up and others down."""
    ws = tmp_path_factory.mktemp("diff") / "sample"
    ws.mkdir()
    for part in SAMPLE_PARTS:
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, ws / part)
        else:
            shutil.copy2(source, ws / part)
    env = {**os.environ, **GIT_ENV}
    for args in (
        ("init", "-q", "-b", "main"),
        ("add", "-A"),
        ("-c", "commit.gpgsign=false", "commit", "-q", "-m", "Sample"),
    ):
        subprocess.run(["git", "-C", str(ws), *args], check=True, capture_output=True, env=env)
    path = ws / "backlogs" / "benefits-intake.yaml"
    text = path.read_text(encoding="utf-8")
    old = "functional: {completion_rate: 0.54, abandonment_rate: 0.46, form_error_rate: 0.19"
    assert text.count(old) == 1
    path.write_text(text.replace(old, old.replace("0.54", "0.80")), encoding="utf-8")
    return ws


def run(spec: Spec, fmt: str, columns: int, diff_ws: Path) -> str:
    cwd = diff_ws if spec.args[0] == "diff" else REPO_ROOT
    result = run_cli(*spec.args, "--format", fmt, cwd=cwd, columns=columns)
    assert result.exit_code == 0, result.stderr
    return result.stdout


# --- reading a table back ---------------------------------------------------------------------


@dataclass
class Parsed:
    headers: list[str]
    rows: list[list[str]]  # the first line of each row, cell by cell
    left_out: list[str]  # headers named on the "Left out to fit" line


def tables(text: str, width: int) -> Iterator[Parsed]:
    """Each boxed table of the output: its headers, rows (first lines) and what it left out."""
    lines = text.splitlines()
    tops = [i for i, line in enumerate(lines) if line.startswith("┏")]
    for n, top in enumerate(tops):
        end = tops[n + 1] if n + 1 < len(tops) else len(lines)
        block = lines[top:end]
        bars = [0, *(i for i, ch in enumerate(block[0]) if ch == "┳"), len(block[0]) - 1]
        spans = list(itertools.pairwise(bars))

        def cells(line: str, spans: list[tuple[int, int]] = spans) -> list[str]:
            return [line[a + 1 : b].strip() for a, b in spans]

        rule = next(i for i, line in enumerate(block) if line.startswith("┡"))
        heads = [cells(line) for line in block[1:rule]]
        headers = [" ".join(" ".join(col).split()) for col in zip(*heads, strict=True)]
        bottom = next(i for i, line in enumerate(block) if line.startswith("└"))
        body = [line for line in block[rule + 1 : bottom] if line.startswith("│")]
        after = " ".join(block[bottom + 1 :])
        left_out: list[str] = []
        note = re.search(rf"Left out to fit {width} columns: (.*?) \(", after)
        if note:
            left_out = [" ".join(name.split()) for name in note.group(1).split(", ")]
        yield Parsed(headers, [cells(line) for line in body], left_out)


def expected(raw: str, figure: Figure) -> float:
    value = float(raw) * figure.scale
    if figure.digits is None:  # explain's raw values: four significant digits, 1,000+ whole
        return (
            value
            if value.is_integer()
            else float(f"{value:.0f}" if abs(value) >= 1000 else f"{value:.4g}")
        )
    return float(f"{value:.{figure.digits}f}")


NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
UNSIGNED = re.compile(r"\d[\d,]*(?:\.\d+)?")


def figures_in(cell: str, signed: bool) -> list[float]:
    found = (NUMBER if signed else UNSIGNED).findall(cell.replace("#", " "))
    return [float(text.replace(",", "")) for text in found]


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("name", list(SPECS))
def test_table_fits_and_shows_every_number_whole(
    name: str, columns: int, diff_workspace: Path
) -> None:
    spec = SPECS[name]
    text = run(spec, "table", columns, diff_workspace)
    for line in text.splitlines():
        assert cell_len(line) <= columns, f"{cell_len(line)} > {columns}: {line}"
        if line[:1] and line[0] in OPENING:
            assert line.rstrip()[-1] in CLOSING, f"cut at the right edge: {line}"
    table = next(t for t in tables(text, columns) if spec.key in t.headers)
    key = table.headers.index(spec.key)
    records = list(csv.DictReader(io.StringIO(run(spec, "csv", columns, diff_workspace))))
    assert records, "the CSV has rows"
    rows = {row[key]: row for row in table.rows if row[key]}
    for shortened in [k for k in rows if k.endswith("…")]:  # an id shortened to fit (KPI ids)
        (full,) = [
            r[spec.key_column] for r in records if r[spec.key_column].startswith(shortened[:-1])
        ]
        rows[full] = rows.pop(shortened)
    checked = 0
    for header, figures in spec.cells.items():
        if header not in table.headers:
            assert header in table.left_out, f"{header} is neither shown nor said to be left out"
            continue
        column = table.headers.index(header)
        for record in records:
            row = rows.get(record[spec.key_column])
            if row is None:
                assert name == "ttv", f"{record[spec.key_column]} is not in the table"
                continue
            wanted = [expected(record[fig.column], fig) for fig in figures if record[fig.column]]
            signed = name in ("outcomes", "explain --vs", "explain")
            got = figures_in(row[column], signed)
            assert got == pytest.approx(wanted, abs=1e-9), (
                f"{header} of {record[spec.key_column]}: {row[column]!r}"
            )
            assert "…" not in row[column]
            checked += 1
    assert checked, "at least one number is checked"


def test_the_widths_leave_out_the_least_important_columns_first() -> None:
    """rank at 80 columns keeps Rank, ID, Title, Risk, Effort, Value and Score: 4 + 6 (REN-10)
    + 20 (the title's least) + 6 (medium) + 6 + 5 + 5 = 52 cells of content, 14 of padding and
    8 borders: 74. The pool (15 + 3), what an item waits for (After: the first to go) or the
    value's sources (16 + 3) would pass 80, as would the evidence strength (11 + 3): all four
    go."""
    narrow = run_cli("rank", columns=80, cwd=REPO_ROOT).stdout
    table = next(tables(narrow, 80))
    assert table.headers == ["Rank", "ID", "Title", "Risk", "Effort", "Value", "Score"]
    assert table.left_out == ["Pool", "Evidence", "After", "Value comes from"]
    # REN-5: value 12 + 1.82 + 14.47 + 7.92 + 4.67 + 0.93 + 8.33 = 50.14, over effort 2, risk low.
    first = ["1", "REN-5", "Text message renewal", "low", "2", "50.1", "25.07"]
    assert table.rows[0] == first  # the title's first line
    wide = run_cli("rank", columns=200, cwd=REPO_ROOT).stdout
    assert "Left out" not in wide
    assert next(tables(wide, 120)).headers[-1] == "Value comes from"


def test_ttv_shows_25_items_and_says_how_to_see_the_rest() -> None:
    """The sample schedules 36 items: 25 rows, then a line for the other 11; --all shows all."""
    folded = run_cli("ttv", cwd=REPO_ROOT).stdout
    schedule = next(tables(folded, 200))
    assert len([r for r in schedule.rows if r[0]]) == 25
    assert "… 11 more items: --all shows every one, --format csv too" in folded
    every = run_cli("ttv", "--all", cwd=REPO_ROOT).stdout
    assert len([r for r in next(tables(every, 200)).rows if r[0]]) == 36
    assert "more items" not in every


def test_a_column_of_numbers_has_one_format() -> None:
    """The notices pool's target 7000 sits beside 35,000 and 14,000 in the KPI table: 7,000."""
    text = run_cli("pools", "--kpis", columns=100, cwd=REPO_ROOT).stdout
    notice = next(line for line in text.splitlines() if "notice-calls" in line)
    assert "14,000" in notice and "12,500" in notice and " 7,000 " in notice
    # A whole contribution beside 1.82 is written 12.00 (REN-5's completion: weight 3 of 12,
    # times n 0.48, times 100).
    explain = run_cli("explain", "REN-5", columns=100, cwd=REPO_ROOT).stdout
    completion = next(line for line in explain.splitlines() if line.startswith("│ completion"))
    assert completion.rstrip("│ ").endswith("12.00")


def test_rank_shows_what_an_item_waits_for_when_the_rows_carry_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """rank's rows may carry `depends_on` (ids of the open items each waits for): the table shows
    it as After, the first column to go when the width is short."""
    from prioritize.cli.common import load_scored
    from prioritize.render.choices import Format
    from prioritize.render.rank import RANK_RENDERERS, RankView
    from prioritize.scoring import ranking_rows

    scored = load_scored(REPO_ROOT, None)
    rows = ranking_rows(scored.scoring, top=3, pool=None, risk=None, include_unscored=False)
    rows = rows.assign(depends_on=[["BEN-4", "NOT-2"], [], []])
    view = RankView(rows, scored.criteria.criteria, scored.criteria.name, "points", color=False)
    monkeypatch.setenv("COLUMNS", "200")
    wide = next(tables("".join(RANK_RENDERERS[Format.table](view)), 200))
    after = wide.headers.index("After")
    assert after == wide.headers.index("Evidence") + 1 == wide.headers.index("Score") + 2
    assert [row[after] for row in wide.rows if row[0]] == ["BEN-4, NOT-2", "", ""]
    monkeypatch.setenv("COLUMNS", "100")
    narrow = next(tables("".join(RANK_RENDERERS[Format.table](view)), 100))
    # At 100 columns the evidence strength stays, and what the value comes from goes.
    assert "After" not in narrow.headers
    assert narrow.left_out == ["Pool", "After", "Value comes from"]
