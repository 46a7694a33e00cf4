"""The safe formula evaluator: parse to an AST, accept only a whitelist, evaluate over arrays.

Nothing here ever calls `eval`, `exec`, `compile` or `pandas.eval`; a formula is data, walked
node by node, and only the grammar of docs/reference.md section 4.6 has a meaning.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prioritize.models import CriteriaSet, did_you_mean

if TYPE_CHECKING:
    import numpy as np

MAX_FORMULA_LENGTH = 2000
# Walking a formula (checking, evaluating, explaining it) recurses once per level of its tree.
MAX_FORMULA_DEPTH = 50
MAX_FORMULA_OPERATORS = 200
GRAMMAR = "numbers, criterion ids, effort, + - * / **, parentheses and min max log sqrt abs"

# numpy's function for each operator and function, by name: numpy is imported to evaluate a
# formula, not to check one (reading a criteria set checks its formula; `import` scores nothing).
_BINARY: dict[type[ast.operator], str] = {
    ast.Add: "add",
    ast.Sub: "subtract",
    ast.Mult: "multiply",
    ast.Div: "divide",
    ast.Pow: "power",
}
_UNARY_FUNCTIONS = {"log": "log", "sqrt": "sqrt", "abs": "abs"}
_VARIADIC_FUNCTIONS = {"min": "minimum", "max": "maximum"}
FUNCTIONS = frozenset(_UNARY_FUNCTIONS) | frozenset(_VARIADIC_FUNCTIONS)

_NODE_NAMES = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripts",
    ast.Lambda: "lambda",
    ast.Compare: "comparisons",
    ast.BoolOp: "and/or",
    ast.IfExp: "if/else",
    ast.Tuple: "tuples",
    ast.List: "lists",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.JoinedStr: "strings",
    ast.Starred: "*args",
    ast.NamedExpr: ":=",
}


class FormulaError(Exception):
    """A formula outside the grammar: a finding code, a message and a 1-based column in the formula."""

    def __init__(self, code: str, message: str, col: int = 1) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.col = col


@dataclass(frozen=True)
class Formula:
    """A checked formula: its text, its tree and the names it reads."""

    text: str
    tree: ast.expr
    names: frozenset[str]


def _unsafe(node: ast.AST, what: str) -> FormulaError:
    return FormulaError(
        "formula-unsafe",
        f"{what} cannot be used in a formula; use only {GRAMMAR}",
        getattr(node, "col_offset", 0) + 1,
    )


def _check(node: ast.AST, known: frozenset[str], used: set[str]) -> None:
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise _unsafe(node, f'the operator "{ast.unparse(node)}"')
        _check(node.left, known, used)
        _check(node.right, known, used)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise _unsafe(node, "the operator in " + ast.unparse(node))
        _check(node.operand, known, used)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise _unsafe(
                node,
                f"the constant {node.value!r}" if not isinstance(node.value, str) else "a string",
            )
        try:
            number = float(node.value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):  # 1e999 reads as inf, 10**400 does not fit a float at all
            raise FormulaError(
                "formula-syntax", "a number in the formula is too large", node.col_offset + 1
            )
    elif isinstance(node, ast.Name):
        if node.id not in known:
            raise FormulaError(
                "formula-unknown-name",
                f'unknown name "{node.id}" in the formula{did_you_mean(node.id, known)}; '
                "names are criterion ids and effort",
                node.col_offset + 1,
            )
        used.add(node.id)
    elif isinstance(node, ast.Call):
        func = node.func
        if not isinstance(func, ast.Name) or func.id not in FUNCTIONS or node.keywords:
            raise _unsafe(node, f'the call "{ast.unparse(node)[:60]}"')
        wanted = "one argument" if func.id in _UNARY_FUNCTIONS else "two or more arguments"
        if (func.id in _UNARY_FUNCTIONS) != (len(node.args) == 1) or not node.args:
            raise FormulaError("formula-syntax", f"{func.id}() takes {wanted}", node.col_offset + 1)
        for arg in node.args:
            _check(arg, known, used)
    else:
        raise _unsafe(node, _NODE_NAMES.get(type(node), type(node).__name__))


def _check_size(tree: ast.expr) -> None:
    """Refuse a formula whose tree is too deep or too large to walk (without walking it recursively)."""
    operators = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_FORMULA_DEPTH:
            raise FormulaError(
                "formula-syntax",
                f"the formula nests more than {MAX_FORMULA_DEPTH} operators deep; simplify it",
                getattr(node, "col_offset", 0) + 1,
            )
        if isinstance(node, ast.BinOp | ast.UnaryOp | ast.Call):
            operators += 1
            if operators > MAX_FORMULA_OPERATORS:
                raise FormulaError(
                    "formula-syntax",
                    f"the formula has more than {MAX_FORMULA_OPERATORS} operators and calls",
                    getattr(node, "col_offset", 0) + 1,
                )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def compile_formula(text: str, names: set[str] | frozenset[str]) -> Formula:
    """Check a formula against the grammar and the names it may use; raise FormulaError if it strays."""
    if not text.strip():
        raise FormulaError("formula-syntax", "the formula is empty")
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(
            "formula-syntax", f"the formula is longer than {MAX_FORMULA_LENGTH} characters"
        )
    if "\n" in text.strip():
        raise FormulaError("formula-syntax", "write the formula on one line")
    known = frozenset(names) | {"effort"}
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(
            "formula-syntax", f"the formula is not valid arithmetic: {exc.msg}", exc.offset or 1
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError("formula-syntax", "the formula nests too deeply") from None
    _check_size(tree.body)
    used: set[str] = set()
    try:
        _check(tree.body, known - FUNCTIONS, used)
    except RecursionError:
        raise FormulaError("formula-syntax", "the formula nests too deeply") from None
    return Formula(text.strip(), tree.body, frozenset(used))


@dataclass(frozen=True)
class CompiledCriteria:
    """A criteria set ready to score: the set and, for a formula set, its compiled formula."""

    criteria: CriteriaSet
    formula: Formula | None = None

    def __post_init__(self) -> None:
        if (self.criteria.method == "formula") != (self.formula is not None):
            raise ValueError("a formula set, and only a formula set, carries a compiled formula")

    @classmethod
    def compile(cls, criteria: CriteriaSet) -> CompiledCriteria:
        """The set with its formula compiled; a formula that cannot be used raises FormulaError."""
        if criteria.method != "formula" or criteria.formula is None:
            return cls(criteria)
        return cls(criteria, compile_formula(criteria.formula, {c.id for c in criteria.criteria}))


@dataclass(frozen=True)
class Evaluation:
    """A formula's result per item, and which items divided by zero on the way."""

    values: np.ndarray
    divided_by_zero: np.ndarray


def evaluate(formula: Formula, columns: Mapping[str, np.ndarray]) -> Evaluation:
    """The formula over float arrays of equal length; non-finite results are left for the caller."""
    import numpy as np

    length = len(next(iter(columns.values()))) if columns else 1
    zero_division = np.zeros(length, dtype=bool)

    def walk(node: ast.expr) -> np.ndarray:
        nonlocal zero_division
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return np.full(length, float(node.value))
        if isinstance(node, ast.Name):
            return np.asarray(columns[node.id], dtype=float)
        if isinstance(node, ast.UnaryOp):
            operand = walk(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Div):
                zero_division = zero_division | (right == 0)
            return _numpy_function(_BINARY[type(node.op)])(left, right)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [walk(arg) for arg in node.args]
            if node.func.id in _UNARY_FUNCTIONS:
                return _numpy_function(_UNARY_FUNCTIONS[node.func.id])(args[0])
            result, combine = args[0], _numpy_function(_VARIADIC_FUNCTIONS[node.func.id])
            for arg in args[1:]:
                result = combine(result, arg)
            return result
        raise AssertionError(
            f"unchecked node {type(node).__name__}"
        )  # compile_formula rules it out

    with np.errstate(all="ignore"):
        values = walk(formula.tree)
    return Evaluation(np.broadcast_to(values, (length,)).astype(float), zero_division)


def _numpy_function(name: str) -> Callable[..., np.ndarray]:
    """numpy's function of that name (see _BINARY)."""
    import numpy as np

    function: Callable[..., np.ndarray] = getattr(np, name)
    return function


def substitute(formula: Formula, values: Mapping[str, float]) -> str:
    """The formula with each name replaced by its number, for explaining one item."""

    class _Replace(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            value = values.get(node.id)
            if value is None:
                return node
            # A negative number as a minus sign on its size, so that unparsing brackets it
            # where it binds less tightly than its neighbours: (-3) ** 2, not -3 ** 2.
            if value < 0:
                return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=-value))
            return ast.Constant(value=value)

    return ast.unparse(_Replace().visit(ast.parse(formula.text, mode="eval")))
