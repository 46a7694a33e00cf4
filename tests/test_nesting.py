"""Nesting is bounded where it is structure, on both read paths, before any reader recurses.

`yamldepth` measures flow nesting as libyaml's scanner reads the text: brackets in comments,
quotes, block scalars and plain text are not nesting, so they can neither hide nesting that
follows (`# ]]]` then `[[[`) nor be refused as nesting (`"[[[..."`). Data nested deeper than
`yamlio.MAX_DEPTH` levels, however written, is a located `syntax` finding, so no recursive code
after the read (deepcopy, json, the round-trip loader) ever meets more. The case folders
nesting-* under data/check/ hold the small versions of these files.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml.events import (
    MappingEndEvent,
    MappingStartEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from conftest import run_cli, write_files
from prioritize import yamldepth, yamlio

CRITERIA = """
    name: Test set
    agreed_by: [Test lead]
    criteria:
      - {id: f, data: functional, source: scores.f, required: false}
      - {id: o, data: operational, source: scores.o, required: false}
      - {id: e, data: experience, source: scores.e, required: false}
"""
BACKLOG = """
    value_pools:
      - {id: p, name: Pool}
    items:
      - {id: A-1, title: First, pool: p, scores: {f: 1, o: 2, e: 3}, evidence: {sources: [{kind: test, name: T}]}}
"""


def workspace(root: Path, deep_file: str) -> Path:
    ws = write_files(root, {"criteria/default.yaml": CRITERIA, "backlogs/a.yaml": BACKLOG})
    (ws / "backlogs" / "deep.yaml").write_text(deep_file, encoding="utf-8")
    return ws


def hidden_nesting(levels: int) -> str:
    """Closers in a comment first, then real nesting: the red team's file."""
    return f"# {']' * levels}\nx-a: {'[' * levels}{']' * levels}\n"


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "prioritize", *map(str, args)],
        capture_output=True, text=True, timeout=300, check=False, cwd=cwd,
    )  # fmt: skip


def test_forty_thousand_levels_behind_a_comment_are_refused_not_a_crash(tmp_path: Path) -> None:
    # 120 KB that killed every command with SIGSEGV (rc 139). In child processes, since a crash
    # would take pytest with it.
    ws = workspace(tmp_path / "ws", hidden_nesting(40_000))
    assert len(hidden_nesting(40_000)) > 120_000
    located = f"backlogs/deep.yaml:2:{5 + yamlio.MAX_DEPTH + 1}: syntax nesting deeper than"
    ranked = run("rank", "-w", ws, cwd=tmp_path)
    assert ranked.returncode == 2, ranked.stderr[-500:]
    assert located in ranked.stderr
    assert "internal error" not in ranked.stderr
    checked = run("check", "-w", ws, cwd=tmp_path)
    assert checked.returncode == 1, checked.stderr[-500:]
    assert located in checked.stdout


def test_diff_refuses_forty_thousand_levels_in_a_commit(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws", BACKLOG)  # a harmless deep.yaml first
    git = ["git", "-C", str(ws), "-c", "user.name=t", "-c", "user.email=t@e"]
    subprocess.run([*git, "init", "-q"], check=True)
    (ws / "backlogs" / "deep.yaml").write_text(hidden_nesting(40_000), encoding="utf-8")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "deep"], check=True)
    (ws / "backlogs" / "deep.yaml").unlink()
    result = run("diff", "HEAD", "-w", ws, cwd=tmp_path)
    assert result.returncode == 2, result.stderr[-500:]
    assert "backlogs/deep.yaml:2:" in result.stderr
    assert "nesting deeper than" in result.stderr


@pytest.mark.parametrize("levels", [1_000, 5_000, 20_000])
def test_hidden_nesting_between_1000_and_20000_levels_is_a_finding(
    tmp_path: Path, levels: int
) -> None:
    # Was "internal error: RecursionError" (or read without complaint).
    ws = workspace(tmp_path / "ws", hidden_nesting(levels))
    result = run_cli("check", "-w", ws, cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"backlogs/deep.yaml:2:{5 + yamlio.MAX_DEPTH + 1}: syntax nesting deeper than "
        f"{yamlio.MAX_DEPTH} levels"
    ]


def test_many_brackets_in_a_quoted_description_are_text(tmp_path: Path) -> None:
    # 501 [ inside quotes were refused as "nesting deeper than 500 levels".
    deep = BACKLOG.replace("title: First", f'title: First, description: "{"[" * 501}"')
    ws = workspace(tmp_path / "ws", "")
    (ws / "backlogs" / "a.yaml").write_text(deep.replace("\n    ", "\n"), encoding="utf-8")
    result = run_cli("check", "-w", ws, cwd=tmp_path)
    assert result.exit_code == 0, result.stdout


def test_data_at_the_limit_goes_through_every_command(tmp_path: Path) -> None:
    # MAX_DEPTH levels in an x- key and in a score (not a number: a finding, not a crash).
    ws = workspace(tmp_path / "ws", "")
    inner = "[" * (yamlio.MAX_DEPTH - 5) + "]" * (yamlio.MAX_DEPTH - 5)
    text = (
        "value_pools:\n  - {id: p, name: Pool}\nitems:\n"
        f"  - {{id: A-1, title: First, pool: p, x-a: {inner}, scores: {{f: 1, o: 2, e: 3}}}}\n"
    )
    (ws / "backlogs" / "a.yaml").write_text(text, encoding="utf-8")
    for args in (("check",), ("rank", "-f", "json"), ("explain", "A-1", "-f", "json")):
        result = run_cli(*args, "-w", ws, cwd=tmp_path)
        assert result.exit_code == 0, (args, result.stderr)
    csv = tmp_path / "in.csv"
    csv.write_text("id,scores.f\nA-1,2\n", encoding="utf-8")
    result = run_cli("import", csv, "-w", ws, cwd=tmp_path)
    # Written back, or (ruamel lays such nesting out its own way) a located cannot-edit.
    assert result.exit_code == 0 or result.stderr.startswith("backlogs/a.yaml:4:1: cannot-edit")
    assert "internal error" not in result.stderr


def test_import_into_an_item_nested_too_deeply_is_a_located_refusal(tmp_path: Path) -> None:
    # Was "internal error: RecursionError" from the round trip (copy.deepcopy, ruamel's loader).
    ws = workspace(tmp_path / "ws", "")
    text = (
        "value_pools:\n  - {id: p, name: Pool}\nitems:\n"
        f"  - {{id: A-1, title: First, pool: p, x-a: {'[' * 300}{']' * 300}}}\n"
    )
    (ws / "backlogs" / "a.yaml").write_text(text, encoding="utf-8")
    csv = tmp_path / "in.csv"
    csv.write_text("id,scores.f\nA-1,2\n", encoding="utf-8")
    result = run_cli("import", csv, "-w", ws, cwd=tmp_path)
    assert result.exit_code == 2
    assert "internal error" not in result.stderr
    assert "backlogs/a.yaml:4:" in result.stderr
    assert "nesting deeper than" in result.stderr
    assert (ws / "backlogs" / "a.yaml").read_text(encoding="utf-8") == text


def test_yaml_rs_refuses_deep_flow_nesting_by_itself(tmp_path: Path) -> None:
    # The fast path relies on this: yaml-rs answers deep flow nesting with an error (then the
    # exact path, which measures first, refuses it), never with a crash. Should an upgrade
    # drop the limit, this fails before users do.
    pytest.importorskip("yaml_rs")
    code = (
        "import yaml_rs\n"
        "for text in ('[' * 10**6, '{a: ' * 10**6, '- ' * 900 + '[{' * 10**5):\n"
        "    try:\n        yaml_rs.loads(text)\n    except Exception:\n        print('refused')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-300:]
    assert result.stdout.split() == ["refused"] * 3


# --- the measure against libyaml's own reading --------------------------------------------------


def libyaml_depth(text: str) -> int:
    """The deepest nesting of bracketed flow collections in libyaml's events, up to any error."""
    opened: list[bool] = []
    deepest = 0
    try:
        for event in yamlio._safe_yaml().parse(text):
            if isinstance(event, SequenceStartEvent | MappingStartEvent):
                at = event.start_mark.index
                bracket = "[" if isinstance(event, SequenceStartEvent) else "{"
                # An implicit one-pair mapping starts where its key does: not a bracket of its own.
                opened.append(bool(event.flow_style) and text[at : at + 1] == bracket)
                deepest = max(deepest, sum(opened))
            elif isinstance(event, SequenceEndEvent | MappingEndEvent):
                opened.pop()
    except Exception:
        pass  # what follows an error is never read
    return deepest


PIECES = [
    "[", "]", "{", "}", "#", " #", "'", '"', "|", ">", "|1", ">-", "- ", ":", ": ", " ", "\t",
    "\n", "\n  ", "\n    ", "\n - ", "a", "k: ", "key: ", "?", "&a ", "!t", "*a", ",", "\\",
    "--- ", "---\n", "\u2028", "\r", "x y", "-",
]  # fmt: skip


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_the_measure_never_understates_libyaml(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert yamldepth.max_depth(text) >= libyaml_depth(text), repr(text)


def test_the_measure_is_exact_on_realistic_files() -> None:
    text = (
        "# a [comment] with ]]] in it\n"
        "items:\n"
        "  - id: A  # }}}\n"
        "    title: 'it''s [x'\n"
        '    depends_on: [B, "C]", {k: [1, 2]}]\n'
        "    description: >-\n      text [[[\n      more ]]]\n"
        "    owner: plain [text\n      continued ]] here\n"
        "    scores: {f: [1, [2, [3]]]}\n"
    )
    assert yamldepth.max_depth(text) == libyaml_depth(text) == 4


@pytest.mark.parametrize(
    "text",
    [
        "x: " + "[" * 99 + "]" * 99 + "\n",  # 100 levels with the mapping: read
        "x: " + "[" * 100 + "]" * 100 + "\n",  # 101: refused
        "x: " + "{a: " * 100 + "1" + "}" * 100 + "\n",
        "".join(" " * k + f"k{k}:\n" for k in range(100)) + " " * 100 + "v: 1\n",
        "".join(" " * k + f"k{k}:\n" for k in range(99)) + " " * 99 + "v: 1\n",
        hidden_nesting(300),
        f'x: "{"[" * 300}"\n',
    ],
    ids=["flow-100", "flow-101", "mapping-101", "block-101", "block-100", "hidden", "quoted"],
)
def test_both_read_paths_apply_the_same_bound(text: str) -> None:
    def outcome(reader: object) -> object:
        try:
            return ("data", reader(text))  # type: ignore[operator]
        except yamlio.YamlError as problem:
            return ("refused", problem.code, problem.line, problem.col, problem.message)

    fast, exact = outcome(yamlio.parse), outcome(yamlio.parse_exact)
    assert fast == exact
