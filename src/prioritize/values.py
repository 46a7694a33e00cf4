"""Values read from files: how two are compared and how one is named in a message."""

from __future__ import annotations

import math
import sys
from datetime import date
from typing import Any

_QUOTED_MAX = (
    40  # longer text is cut in messages: a message names a value, it does not quote a file
)
# Every number read from a file lies within ±MAX_NUMBER: a float keeps 15 significant digits, so
# nothing a person types is lost, and sums and products of such numbers stay finite.
MAX_NUMBER = 1e15


def is_number(value: Any) -> bool:
    """A number as YAML gives one: int or float (numpy's too), never bool."""
    if type(value) in (int, float):
        return True
    np = _numpy()
    return np is not None and isinstance(value, np.integer | np.floating)


def _numpy() -> Any:
    """numpy where something has imported it, else None. Not imported here: where nothing has
    imported numpy no value can be a numpy number, and `import` and `init` start without it."""
    return sys.modules.get("numpy")


def number_problem(value: Any) -> str:
    """Why a number read from a file cannot be used ("" when it can): NaN, infinite, or beyond
    ±MAX_NUMBER (huge integers included, which float() and str() refuse)."""
    np = _numpy()
    if isinstance(value, int) or (np is not None and isinstance(value, np.integer)):
        return (
            ""
            if abs(int(value)) <= MAX_NUMBER
            else f"must be between -1e15 and 1e15, not {describe(value)}"
        )
    if math.isnan(value):
        return "must be a finite number, not nan"
    if math.isinf(value):
        return f"must be a finite number, not {describe(value)}"
    if abs(value) > MAX_NUMBER:
        return f"must be between -1e15 and 1e15, not {describe(value)}"
    return ""


def same_value(a: Any, b: Any) -> bool:
    """Whether a reader sees the same value: 1 and 1.0 are the same; True is not 1, "1" is not 1."""
    if is_number(a) and is_number(b):
        return bool(a == b)
    return type(a) is type(b) and a == b


def describe(value: Any) -> str:
    """The value as the YAML file spells it, for a message (true, not True; 2026-01-31, not a repr)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= _QUOTED_MAX else f'"{value[:_QUOTED_MAX]}..."'
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and value.bit_length() > 128:
        # str() refuses integers past 4,300 digits; a message names the size, not the digits
        digits = int(math.log10(abs(value))) + 1
        digits -= 10 ** (digits - 1) > abs(value)  # log10 rounds 999...9 up
        return f"a number of {digits:,} digits"
    return repr(value)


def dig(data: Any, dotted: str) -> Any:
    """The value at a dotted path in nested mappings, or None where any step is missing."""
    return dig_steps(data, dotted.split("."))


def dig_steps(data: Any, steps: list[str]) -> Any:
    """`dig` with the path already split: the value, or None (NaN counts as missing)."""
    for step in steps:
        if not isinstance(data, dict):
            return None
        data = data.get(step)
        if data is None:
            return None
    if isinstance(data, float) and math.isnan(data):
        return None
    return data
