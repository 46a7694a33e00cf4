"""Text from files is inert wherever it is written: terminals, logs, spreadsheets, Markdown."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import select
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import run_cli
from prioritize.render.inert import csv_text, log_line, markdown_cell, printable

Make = Callable[[dict[str, str]], Path]

CRITERIA = """
    name: Value as judged
    agreed_by: [Test board]
    method: formula
    formula: v
    criteria:
      - id: v
        data: judgement
"""
# Titles a hostile or careless file could hold: a formula, a command, an escape sequence that
# sets the window title and clears the screen, a forged workflow command, Markdown breakers.
TITLES = {
    "A": '=HYPERLINK("http://x.invalid","click")',
    "B": "+cmd|' /C calc'!A0",
    "C": "@SUM(1+1)",
    "D": "-1+1",
    "E": "\tleading tab",
    "F": "\x1b]0;PWNED\x07\x1b[2Jall clear",
    "G": "line\n::error file=README.md,line=1::FORGED",
    "H": "a | b <!-- hidden --> c\rd",
}


def hostile(make: Make) -> Path:
    # JSON strings are YAML double-quoted scalars: the control characters go in as escapes.
    items = "".join(
        f"  - {{id: {key}, title: {json.dumps(title)}, pool: p, scores: {{v: {10 - i}}}}}\n"
        for i, (key, title) in enumerate(TITLES.items())
    )
    backlog = "value_pools:\n  - {id: p, name: Pool}\nitems:\n" + items
    return make({"criteria/default.yaml": CRITERIA, "backlogs/b.yaml": backlog})


def test_the_helpers() -> None:
    assert printable("a\x1b[2Jb\x07\tc\nd\x9b") == "a\\x1b[2Jb\\x07\tc\nd\\x9b"
    assert printable("rtl \u202e override") == "rtl \\u202e override"
    assert log_line("::error file=x::forged") == "%3A:error file=x::forged"
    assert log_line("ok\n::error::forged") == "ok\\n::error::forged"
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert csv_text(f"{start}1").startswith("'")
    assert csv_text("plain - text") == "plain - text"
    assert markdown_cell("a | b <i>\r\nc") == "a \\| b &lt;i> c"


def test_csv_cells_that_would_start_a_formula_are_text_and_raw_csv_opts_out(
    make_workspace: Make,
) -> None:
    ws = hostile(make_workspace)
    result = run_cli("rank", "-w", ws, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    titles = {row["id"]: row["title"] for row in csv.DictReader(io.StringIO(result.stdout))}
    assert titles["A"] == '\'=HYPERLINK("http://x.invalid","click")'
    assert titles["B"] == "'+cmd|' /C calc'!A0"
    assert titles["C"] == "'@SUM(1+1)"
    assert titles["D"] == "'-1+1"
    assert titles["E"] == "'\tleading tab"
    assert titles["F"] == "\\x1b]0;PWNED\\x07\\x1b[2Jall clear"
    scores = [row["score"] for row in csv.DictReader(io.StringIO(result.stdout))]
    assert scores == ["10", "9", "8", "7", "6", "5", "4", "3"]  # numbers are never prefixed
    raw = run_cli("rank", "-w", ws, "-f", "csv", "--raw-csv")
    rows = csv.DictReader(io.StringIO(raw.stdout, newline=""))
    raw_titles = {row["id"]: row["title"] for row in rows}
    assert raw_titles == TITLES


def test_markdown_escapes_pipes_html_and_carriage_returns(make_workspace: Make) -> None:
    result = run_cli("rank", "-w", hostile(make_workspace), "-f", "markdown")
    row = next(line for line in result.stdout.splitlines() if "| H |" in line)
    assert "a \\| b &lt;!-- hidden --> c d" in row
    assert "\x1b" not in result.stdout and "\r" not in result.stdout


def test_no_raw_control_character_in_tables_text_or_stderr(make_workspace: Make) -> None:
    ws = hostile(make_workspace)
    for args in (("rank",), ("check",), ("explain", "F"), ("ttv", "--capacity", "1")):
        result = run_cli(*args, "-w", ws)
        for stream in (result.stdout, result.stderr):
            assert not any(ch in stream for ch in "\x1b\x07\r"), (args, stream)
            assert not any(line.startswith("::") for line in stream.splitlines()), (args, stream)


def test_a_forged_workflow_command_in_a_key_never_starts_a_stderr_line(
    make_workspace: Make,
) -> None:
    ws = make_workspace({
        "criteria/default.yaml": CRITERIA,
        "backlogs/b.yaml": 'value_pools: [{id: p, name: P}]\nitems:\n  - {id: A, title: T, pool: p, "\\n::error file=README.md,line=1::FORGED": 1}\n',
    })  # fmt: skip
    for command in ("rank", "check"):
        result = run_cli(command, "-w", ws)
        lines = (result.stdout + result.stderr).splitlines()
        assert any("FORGED" in line for line in lines)
        assert not any(line.startswith("::") for line in lines)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_real_terminal_gets_colour_but_never_the_files_escapes(make_workspace: Make) -> None:
    ws = hostile(make_workspace)
    primary, secondary = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    process = subprocess.Popen(
        [sys.executable, "-m", "prioritize", "rank", "-w", str(ws)],
        stdin=secondary, stdout=secondary, stderr=secondary, env={**env, "COLUMNS": "200", "TERM": "xterm"},
    )  # fmt: skip
    os.close(secondary)
    out = b""
    while True:
        ready, _, _ = select.select([primary], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    process.wait(timeout=30)
    os.close(primary)
    text = out.decode("utf-8", "replace")
    assert "\x1b[" in text  # Rich colours a terminal...
    assert "\x1b]0;" not in text and "\x07" not in text and "\x1b[2J" not in text  # ...files cannot
    assert "\\x1b]0;PWNED" in text  # shown, escaped


def test_json_keeps_the_exact_text(make_workspace: Make) -> None:
    rows = json.loads(run_cli("rank", "-w", hostile(make_workspace), "-f", "json").stdout)
    assert {r["id"]: r["title"] for r in rows}["F"] == "\x1b]0;PWNED\x07\x1b[2Jall clear"
