"""Extreme input through every command: nesting, numbers and formulas at and past every bound.

Each example writes one workspace whose files hold what hypothesis picked: flow nesting behind
closers in comments and quotes, block nesting, huge and tiny integers and floats, .nan and
.inf in every place a number goes, formulas of hundreds of operators; then runs check, rank,
ttv, explain and report in-process. Whatever the input, each exits 0, 1 or 2, says no
"internal error" and lets no exception escape (run_cli re-raises one). The 40,000-level file
that crashed the interpreter runs in a child process instead: tests/test_nesting.py.

A deeper run on demand: PRIORITIZE_FUZZ_EXAMPLES=500 pytest tests/test_fuzz_extremes.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli

EXTREME_NUMBERS = [
    "0", "-0.0", "1", "-1", "1e308", "-1e308", "1e-320", "1e15", "1000000000000001",
    ".nan", ".NaN", ".inf", "-.inf", "9" * 4301, "-" + "9" * 6000, "0x7fffffffffffffff",
]  # fmt: skip
numbers = st.one_of(
    st.sampled_from(EXTREME_NUMBERS),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)


@st.composite
def nesting(draw: st.DrawFn) -> str:
    """An x- value nested by hypothesis: brackets, with closers hidden before, or indentation."""
    depth = draw(st.sampled_from([0, 1, 50, 99, 100, 101, 150, 255, 256, 300, 1000, 3000]))
    kind = draw(st.sampled_from(["flow", "mixed", "hidden", "quoted", "block"]))
    if kind == "flow":
        return f"[{'[' * depth}1{']' * depth}]"
    if kind == "mixed":
        return "{a: " * depth + "[1]" + "}" * depth
    if kind == "hidden":  # closers in a quoted scalar, then real openers
        return f"['{']' * depth}', {'[' * depth}{']' * depth}]"
    if kind == "quoted":
        return '"' + "[{" * depth + '"'
    lines = "".join(f"\n{' ' * (6 + k)}k{k}:" for k in range(min(depth, 400)))
    return lines + " 1"


# Titles and keys that try to act on a terminal or a CI log (YAML double-quoted escapes).
HOSTILE_TEXT = [
    "plain", "\\e]0;PWNED\\a\\e[2Jall clear", "\\n::error file=README.md,line=1::FORGED",
    "=HYPERLINK(1)", "\\u009b31m C1", "\\u202e reversed", "a\\rb", "\\x00nul",
]  # fmt: skip


@st.composite
def workspaces(draw: st.DrawFn) -> dict[str, str]:
    n = lambda: draw(numbers)  # noqa: E731 - one draw per use
    operators = draw(st.sampled_from([0, 1, 49, 50, 51, 200, 201, 350]))
    formula = draw(st.booleans())
    criteria = [
        "name: Fuzz",
        "agreed_by: [Tests]",
        f"risk_factor: {{low: {n()}, medium: 0.8}}",
        *(
            [f"method: formula\nformula: o{' + f' * operators}"]
            if formula
            else [f"per_effort: {draw(st.sampled_from(['true', 'false']))}"]
        ),
        "criteria:",
        f"  - {{id: f, data: functional, source: evidence.functional.rate, required: false, weight: {n()}}}",
        f"  - {{id: o, data: operational, source: scores.o, required: false, weight: {n()}}}",
        "  - {id: e, data: judgement, required: false}",
    ]
    backlog = [
        f"# {']' * draw(st.sampled_from([0, 10, 500, 5000]))}",
        "value_pools:",
        f"  - {{id: p, name: Pool, kpis: [{{id: k, name: K, baseline: {n()}, target: {n()}}}]}}",
        "items:",
        f'  - {{id: A-1, title: "{draw(st.sampled_from(HOSTILE_TEXT))}", pool: p, effort: {n()}, risk: low, scores: {{o: {n()}, e: 2}},',
        f"      evidence: {{functional: {{rate: {n()}}}}}}}",
        "  - id: A-2",
        f'    title: "{draw(st.sampled_from(HOSTILE_TEXT))}"',
        f'    "x-{draw(st.sampled_from(HOSTILE_TEXT))}": 1',
        "    pool: p",
        f"    effort: {n()}",
        "    depends_on: [A-1, A-9]",
        f"    scores: {{o: {n()}}}",
        f"    x-deep: {draw(nesting())}",
        "  - id: A-3",
        "    title: Three",
        "    pool: p",
        "    status: done",
        f"    outcome: {{delivered: 2026-01-02, actual_effort: {n()}, kpi: k, before: {n()}}}",
    ]
    return {
        "criteria/default.yaml": "\n".join(criteria) + "\n",
        "backlogs/a.yaml": "\n".join(backlog) + "\n",
        "votes/cio.yaml": f"stakeholder: CIO\nscores: {{A-1: {{e: {n()}}}}}\n",
        "prioritize.yaml": f"capacity: {{per_week: {n()}, teams: 2}}\n",
    }


COMMANDS = [
    ("check",),
    ("rank",),
    ("rank", "-f", "csv"),
    ("rank", "-f", "markdown"),
    ("rank", "-f", "json"),
    ("ttv", "-f", "csv"),
    ("explain", "A-1", "-f", "json"),
    ("report", "--output", "report.html"),
    ("ttv", "--capacity", "1e-300"),
    ("ttv", "--capacity", "3", "--start", "9999-12-01"),
]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("extremes")


@settings(
    max_examples=int(os.environ.get("PRIORITIZE_FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files=workspaces())
def test_extreme_input_never_crashes_any_command(root: Path, files: dict[str, str]) -> None:
    ws = root / "ws"
    for rel, text in files.items():
        path = ws / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for args in COMMANDS:
        result = run_cli(*args, "-w", ws, cwd=root)  # an escaping exception fails the test
        assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr[-500:])
        assert "internal error" not in result.stderr, (args, result.stderr[-800:])
        assert "Traceback" not in result.stderr + result.stdout, args
        for stream in (result.stdout, result.stderr):  # nothing raw reaches a terminal or a log
            assert not RAW_CONTROL.search(stream), (args, stream[-800:])
            assert not any(line.startswith("::") for line in stream.splitlines()), args


RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
