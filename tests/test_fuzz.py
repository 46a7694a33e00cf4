"""The reader under fire: random bytes, random YAML and YAML bombs never crash `check` or `rank`.

Whatever a backlog file holds, `check` answers with located findings (exit 1; 0 when the input
happens to be valid) and `rank` either ranks (0) or refuses with located findings (2). An
"internal error" (the CLI's last-resort boundary) or a traceback is always a bug.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from conftest import Result, run_cli, write_files
from prioritize import yamlio

FUZZ_FILE = "backlogs/fuzz.yaml"
FINDING_LINE = re.compile(r"^backlogs/fuzz\.yaml:\d+:\d+: [a-z][a-z-]* .+$")

BASE = {
    # Every criterion optional, reading both scores and evidence: random items get scored.
    "criteria/default.yaml": """
        name: Fuzz
        agreed_by: [Tests]
        per_effort: true
        risk_factor: {low: 1, medium: 0.8, high: 0.5}
        criteria:
          - {id: f, data: functional, source: evidence.functional.rate, required: false, scale: {range: [0, 1]}}
          - {id: o, data: operational, source: evidence.operational.volume, required: false, scale: {transform: log}}
          - {id: e, data: experience, source: scores.e, required: false, allowed: [1, 2, 3], scale: {map: {1: 1, 2: 5, 3: 9}}}
    """,
    "backlogs/base.yaml": """
        value_pools:
          - {id: p, name: Pool}
        items:
          - {id: BASE, title: Base, pool: p, effort: 1, evidence: {as_of: 2999-01-01, sources: [{kind: test, name: T}]}}
    """,
}

# A deeper run on demand: PRIORITIZE_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py
FUZZ_SETTINGS = settings(
    max_examples=int(os.environ.get("PRIORITIZE_FUZZ_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def fuzz_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_files(tmp_path_factory.mktemp("fuzz") / "ws", BASE)


def run_both(ws: Path, data: bytes) -> tuple[Result, Result]:
    """Write `data` as a backlog file; run check and rank; assert neither crashed."""
    (ws / FUZZ_FILE).write_bytes(data)
    checked = run_cli("check", "-w", ws, cwd=ws)
    ranked = run_cli("rank", "-w", ws, "-f", "csv", cwd=ws)
    for result in (checked, ranked):
        assert "internal error" not in result.stderr, (data, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout, (data, result.stderr)
    assert checked.exit_code in (0, 1, 2), (data, checked)
    assert ranked.exit_code in (0, 2), (data, ranked)
    if checked.exit_code == 1:
        assert checked.stdout, (data, checked.stderr)
    for line in checked.stdout.splitlines():
        assert FINDING_LINE.match(line) or line.startswith(("backlogs/base.yaml:", "criteria/")), (
            data,
            line,
        )
    # `check` passing means every other command can use the workspace.
    if checked.exit_code == 0:
        assert ranked.exit_code == 0, (data, ranked.stderr)
    if ranked.exit_code == 2:
        assert checked.exit_code == 1, (data, checked, ranked.stderr)
    return checked, ranked


# --- random structures -----------------------------------------------------------------------

KEYS = [
    "value_pools", "items", "id", "title", "name", "pool", "status", "effort", "risk", "facing",
    "owner", "personas", "depends_on", "evidence", "as_of", "sources", "functional", "operational",
    "experience", "rate", "volume", "scores", "e", "outcome", "delivered", "actual_effort", "kpi",
    "kpis", "data", "baseline", "target", "beneficiary", "kind", "x-note", "<<",
]  # fmt: skip
WORDS = [
    "p",
    "BASE",
    "A-1",
    "done",
    "dropped",
    "low",
    "high",
    "public",
    "proposed",
    "functional",
    "a b",
    "",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.text(max_size=12),
    st.sampled_from(WORDS),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=8), st.integers(-5, 5))
structures = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)
    ),
    max_leaves=25,
)
items = st.fixed_dictionaries(
    {
        "id": st.one_of(st.sampled_from(["A-1", "A-2", "BASE"]), scalars),
        "title": scalars,
        "pool": st.sampled_from(["p", "q"]),
    },
    optional={
        k: structures
        for k in ("status", "effort", "risk", "depends_on", "evidence", "scores", "outcome", "x-a")
    },
)
backlogs = st.one_of(
    structures,
    items,
    st.fixed_dictionaries(
        {},
        optional={
            "items": st.lists(items, max_size=4),
            "value_pools": st.lists(structures, max_size=2),
        },
    ),
)


def dump(data: Any) -> str:
    stream = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None
    yaml.dump(data, stream)
    return stream.getvalue()


# Mutations: (position as a fraction of the text, characters deleted, text inserted).
NOISE = st.text(alphabet=":-[]{}#&*!|>?,'\"\t\n %@`\\~0123456789.eE+yn", max_size=6)
mutations = st.lists(st.tuples(st.floats(0, 1), st.integers(0, 4), NOISE), max_size=4)


def mutate(text: str, edits: list[tuple[float, int, str]]) -> str:
    for where, delete, insert in edits:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + delete :]
    return text


@FUZZ_SETTINGS
@given(data=backlogs, edits=mutations)
def test_random_yaml_structures_never_crash(
    fuzz_ws: Path, data: Any, edits: list[tuple[float, int, str]]
) -> None:
    run_both(fuzz_ws, mutate(dump(data), edits).encode("utf-8"))


@FUZZ_SETTINGS
@given(data=st.binary(max_size=300))
def test_random_bytes_never_crash(fuzz_ws: Path, data: bytes) -> None:
    run_both(fuzz_ws, data)


@FUZZ_SETTINGS
@given(data=backlogs, at=st.floats(0, 1), noise=st.binary(min_size=1, max_size=8))
def test_random_bytes_inside_yaml_never_crash(
    fuzz_ws: Path, data: Any, at: float, noise: bytes
) -> None:
    text = dump(data).encode("utf-8")
    cut = int(at * len(text))
    run_both(fuzz_ws, text[:cut] + noise + text[cut:])


# --- bombs -----------------------------------------------------------------------------------


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 "lol"']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_ends_quickly_with_an_alias_finding(fuzz_ws: Path) -> None:
    start = time.perf_counter()
    checked, ranked = run_both(fuzz_ws, billion_laughs().encode())
    elapsed = time.perf_counter() - start

    assert checked.exit_code == 1
    # line 2 is `a1: &a1 [*a0, ...`: the first alias starts in column 10
    assert checked.stdout.startswith('backlogs/fuzz.yaml:2:10: alias alias "*a0" is not supported')
    assert len(checked.stdout.splitlines()) == 1
    assert ranked.exit_code == 2
    assert "backlogs/fuzz.yaml:2:10: alias " in ranked.stderr
    assert elapsed < 5, f"an alias bomb took {elapsed:.1f}s"  # a sanity bound, not a benchmark


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[" * 100_000, 1),
        ("{" * 100_000, 1),
        ("[{" * 50_000, 1),
        ("items:\n  - id: A\n    title: " + "[" * 100_000, 3),
    ],
    ids=["brackets", "braces", "mixed", "inside-a-file"],
)
def test_a_flow_nesting_bomb_is_a_syntax_finding(fuzz_ws: Path, text: str, line: int) -> None:
    start = time.perf_counter()
    checked, ranked = run_both(fuzz_ws, text.encode())
    assert checked.exit_code == 1
    lines = checked.stdout.splitlines()
    assert len(lines) == 1
    assert re.fullmatch(
        rf"backlogs/fuzz\.yaml:{line}:\d+: syntax nesting deeper than {yamlio.MAX_DEPTH} levels",
        lines[0],
    )
    assert ranked.exit_code == 2
    assert lines[0] in ranked.stderr
    assert time.perf_counter() - start < 5


def test_a_block_nesting_bomb_is_a_syntax_finding(tmp_path: Path) -> None:
    # In a child process: were the guard to fail, this input would kill the interpreter.
    ws = write_files(tmp_path / "ws", BASE)
    (ws / FUZZ_FILE).write_text("- " * 100_000 + "x\n", encoding="utf-8")
    for command, code in (("check", 1), ("rank", 2)):
        result = subprocess.run(
            [sys.executable, "-m", "prioritize", command, "-w", str(ws)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == code, (command, result.returncode, result.stderr[-500:])
        assert "backlogs/fuzz.yaml:1:" in result.stdout + result.stderr
        assert " syntax " in result.stdout + result.stderr
