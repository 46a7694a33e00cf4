"""Values read from files: how two are compared and how one is named in a message."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

_QUOTED_MAX = (
    40  # longer text is cut in messages: a message names a value, it does not quote a file
)


def is_number(value: Any) -> bool:
    """A number as YAML gives one: int or float (numpy's too), never bool."""
    return type(value) in (int, float) or isinstance(value, np.integer | np.floating)


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
    return repr(value)
