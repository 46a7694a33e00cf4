"""prioritize.formula: the whitelist grammar of docs/reference.md 4.6, and nothing else, ever runs."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prioritize.formula import (
    MAX_FORMULA_LENGTH,
    FormulaError,
    compile_formula,
    evaluate,
    substitute,
)

NAMES = {"reach", "impact", "confidence"}


def ev(text: str, **columns: list[float]) -> list[float]:
    formula = compile_formula(text, set(columns) - {"effort"} | NAMES)
    arrays = {name: np.array(values, dtype=float) for name, values in columns.items()}
    return list(evaluate(formula, arrays).values)


# --- the grammar ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # reach 450, impact 3, confidence 1.0, effort 2: 450 * 3 * 1 / 2 = 675
        ("reach * impact * confidence / effort", 675),
        ("reach + impact - confidence", 452),  # 450 + 3 - 1
        ("(reach + impact) * 2", 906),  # 453 * 2
        ("reach + impact * 2", 456),  # precedence: 450 + 6
        ("effort ** 3", 8),  # 2^3
        ("2 ** 3 ** 2", 512),  # right-associative: 2^(3^2) = 2^9
        ("-impact + +effort", -1),  # -3 + 2
        ("--impact", 3),
        ("min(reach, impact, effort)", 2),
        ("max(impact, effort)", 3),
        ("max(1, 2, 3, 4)", 4),
        ("log(1)", 0),  # natural log
        ("sqrt(reach / 2 - 144)", 9),  # sqrt(225 - 144) = sqrt(81)
        ("abs(impact - reach)", 447),
        ("1.5e2 + .5", 150.5),
        ("1_000 / 8", 125),
        ("reach / 4", 112.5),
        ("  effort  ", 2),  # surrounding space is fine
        ("confidence", 1),
    ],
)
def test_the_grammar_evaluates_arithmetic(text: str, expected: float) -> None:
    result = ev(text, reach=[450], impact=[3], confidence=[1.0], effort=[2])
    assert result == pytest.approx([expected])


def test_log_is_the_natural_logarithm() -> None:
    assert ev("log(reach)", reach=[math.e**3]) == pytest.approx([3.0])


def test_evaluates_over_columns() -> None:
    # Intercom's three projects, one per row: 675, 400, 800
    result = ev(
        "reach * impact * confidence / effort",
        reach=[450, 2000, 800],
        impact=[3, 1, 2],
        confidence=[1.0, 0.8, 0.5],
        effort=[2, 4, 1],
    )
    assert result == pytest.approx([675, 400, 800])


def test_names_records_what_the_formula_reads() -> None:
    assert compile_formula("reach * 2 / effort", NAMES).names == {"reach", "effort"}
    assert compile_formula("3", NAMES).names == frozenset()


def test_division_by_zero_is_flagged_per_row() -> None:
    formula = compile_formula("reach / (impact - 1)", NAMES)
    result = evaluate(
        formula, {"reach": np.array([6.0, 6.0, 0.0]), "impact": np.array([1.0, 3.0, 1.0])}
    )
    # row 0: 6 / 0; row 1: 6 / 2 = 3; row 2: 0 / 0
    assert list(result.divided_by_zero) == [True, False, True]
    assert result.values[1] == pytest.approx(3)


def test_a_constant_formula_broadcasts() -> None:
    formula = compile_formula("2 + 3", NAMES)
    result = evaluate(formula, {"reach": np.array([1.0, 2.0, 3.0])})
    assert list(result.values) == pytest.approx([5, 5, 5])


# --- what is refused ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("__import__('os').system('echo pwned')", "formula-unsafe"),
        ("effort.__class__", "formula-unsafe"),
        ("effort.__class__.__bases__[0].__subclasses__()", "formula-unsafe"),
        ("reach[0]", "formula-unsafe"),
        ("'a'", "formula-unsafe"),
        ("lambda: 1", "formula-unsafe"),
        ("open('x')", "formula-unsafe"),
        ("reach if effort else 1", "formula-unsafe"),
        ("reach < 1", "formula-unsafe"),
        ("[reach]", "formula-unsafe"),
        ("(reach, effort)", "formula-unsafe"),
        ("{reach}", "formula-unsafe"),
        ("{'a': reach}", "formula-unsafe"),
        ("reach % 2", "formula-unsafe"),
        ("reach // 2", "formula-unsafe"),
        ("reach @ reach", "formula-unsafe"),
        ("reach and effort", "formula-unsafe"),
        ("not reach", "formula-unsafe"),
        ("~reach", "formula-unsafe"),
        ("(reach := 1)", "formula-unsafe"),
        ("f'{reach}'", "formula-unsafe"),
        ("b'x'", "formula-unsafe"),
        ("True", "formula-unsafe"),
        ("None", "formula-unsafe"),
        ("1j", "formula-unsafe"),
        ("...", "formula-unsafe"),
        ("[x for x in reach]", "formula-unsafe"),
        ("log(x=reach)", "formula-unsafe"),
        ("eval('1')", "formula-unsafe"),
        ("exec('1')", "formula-unsafe"),
        ("getattr(reach, 'real')", "formula-unsafe"),
        ("min(reach)", "formula-syntax"),
        ("min()", "formula-syntax"),
        ("max(*reach)", "formula-syntax"),
        ("sqrt(reach, effort)", "formula-syntax"),
        ("log()", "formula-syntax"),
        ("reach *", "formula-syntax"),
        ("reach; effort", "formula-syntax"),
        ("reach\n+ effort", "formula-syntax"),
        ("", "formula-syntax"),
        ("   ", "formula-syntax"),
        ("1" * 400, "formula-syntax"),  # 1e399 does not fit a float
        ("reach * 1e999", "formula-syntax"),  # nor does 1e999, though Python reads it as inf
        ("reech", "formula-unknown-name"),
        ("log", "formula-unknown-name"),  # a function is not a value
        ("os", "formula-unknown-name"),
    ],
)
def test_refused(text: str, code: str) -> None:
    with pytest.raises(FormulaError) as caught:
        compile_formula(text, NAMES)
    assert caught.value.code == code
    assert caught.value.message


def test_refused_formulas_run_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a formula ran code")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "system", forbidden)
    for text in (
        "__import__('os').system('echo pwned')",
        "__import__('os').system('touch PWNED')",
        "open('x', 'w')",
        "effort.__class__",
    ):
        with pytest.raises(FormulaError):
            compile_formula(text, NAMES)
    out, err = capfd.readouterr()
    assert "pwned" not in out + err
    assert list(tmp_path.iterdir()) == []


def test_unknown_name_says_did_you_mean() -> None:
    with pytest.raises(FormulaError) as caught:
        compile_formula("reech * effort", NAMES)
    assert caught.value.code == "formula-unknown-name"
    assert '"reech"' in caught.value.message
    assert 'did you mean "reach"' in caught.value.message
    assert caught.value.col == 1


def test_misspelt_effort_says_did_you_mean() -> None:
    with pytest.raises(FormulaError) as caught:
        compile_formula("reach / efort", NAMES)
    assert 'did you mean "effort"' in caught.value.message
    # "reach / " is 8 characters: efort starts at column 9
    assert caught.value.col == 9


def test_the_column_points_at_the_offence() -> None:
    with pytest.raises(FormulaError) as caught:
        compile_formula("reach + effort.__class__", NAMES)
    # "reach + " is 8 characters: the attribute access starts at column 9
    assert caught.value.col == 9


def test_min_and_max_need_two_arguments_and_say_so() -> None:
    with pytest.raises(FormulaError) as caught:
        compile_formula("min(reach)", NAMES)
    assert "two or more" in caught.value.message


def test_a_very_long_formula_is_refused() -> None:
    text = " + ".join(["reach"] * 400)  # 400 * 5 + 399 * 3 = 3197 characters
    assert len(text) > MAX_FORMULA_LENGTH
    with pytest.raises(FormulaError) as caught:
        compile_formula(text, NAMES)
    assert caught.value.code == "formula-syntax"
    assert str(MAX_FORMULA_LENGTH) in caught.value.message


@pytest.mark.parametrize(
    "text",
    [
        "(" * 500 + "reach" + ")" * 500,  # 1005 characters, 500 levels of parentheses
        "-" * 1900 + "reach",  # 1900 nested unary minus
    ],
)
def test_deep_nesting_is_refused(text: str) -> None:
    assert len(text) <= MAX_FORMULA_LENGTH
    with pytest.raises(FormulaError) as caught:
        compile_formula(text, NAMES)
    assert caught.value.code == "formula-syntax"


def test_moderate_nesting_still_works() -> None:
    text = "(" * 50 + "reach" + ")" * 50 + "+1"
    assert ev(text, reach=[2]) == pytest.approx([3])


# --- property -------------------------------------------------------------------------------

FORMULA_PIECES = [
    "**",
    "//",
    "reach",
    "effort",
    "min(",
    "max(",
    "log(",
    "sqrt(",
    "abs(",
    "lambda",
    "__",
    "1e308",
    "0x",
]
FORMULA_CHARS = st.sampled_from(
    [
        *"reachimpactconfidenceffortlogsqrtminaxbs_ ()+-*/.,0123456789e<>=!%&|^~[]{}:;'\"\\@#$?\t\n",
        *FORMULA_PIECES,
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.lists(FORMULA_CHARS, max_size=12).map("".join), st.text(max_size=25)))
def test_property_any_string_compiles_or_raises_formula_error(text: str) -> None:
    try:
        formula = compile_formula(text, NAMES)
    except FormulaError as exc:
        assert exc.code in {"formula-syntax", "formula-unsafe", "formula-unknown-name"}
        assert isinstance(exc.col, int) and exc.col >= 1
        return
    columns = {name: np.array([0.0, -1.0, 2.5, 1e300]) for name in (*NAMES, "effort")}
    result = evaluate(formula, columns)
    assert result.values.shape == (4,)
    assert result.divided_by_zero.shape == (4,)


def test_substitute_brackets_a_negative_number_where_it_would_bind_differently() -> None:
    formula = compile_formula("x ** 2 + y * z - w", {"x", "y", "z", "w"})
    text = substitute(formula, {"x": -3.0, "y": -2, "z": 4, "w": -1})
    assert text == "(-3.0) ** 2 + -2 * 4 - -1"
    # The text, read as a formula, gives the number the formula gives for those values: 2.
    assert evaluate(compile_formula(text, set()), {}).values.tolist() == [2.0]
