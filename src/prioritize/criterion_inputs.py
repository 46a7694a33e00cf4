"""How a criterion takes one value read from an item: the number it scores (its input, x) or why
it cannot. Plain Python, no pandas: scoring applies it to the values its columns cannot settle at
once, and `import` checks the values it writes with it without importing pandas."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from prioritize.errors import Problem, Ref
from prioritize.models import CLOSED_STATUSES, IDEA, CriteriaSet, Criterion, Item
from prioritize.values import describe, dig_steps, is_number, number_problem, same_value


@dataclass(frozen=True)
class Refusal:
    """Why a criterion cannot take a value: a finding code and the message."""

    code: str
    message: str


def take(criterion: Criterion, value: Any) -> float | Refusal | None:
    """x for one value: the number the criterion scores, after its allowed list, map and log
    transform; None where the value is missing (None or NaN); a Refusal where it cannot be used."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    scale = criterion.scale
    if criterion.allowed is not None and not any(same_value(value, a) for a in criterion.allowed):
        choices = ", ".join(str(a) for a in criterion.allowed)
        return Refusal(
            "not-allowed",
            f"{describe(value)} is not allowed for {criterion.id}; use one of {choices}",
        )
    if scale.map is not None:
        mapped = next((n for k, n in scale.map.items() if same_value(value, k)), None)
        if mapped is None:
            choices = ", ".join(str(k) for k in scale.map)
            return Refusal(
                "not-in-map",
                f"{describe(value)} has no number in the map of {criterion.id}; use one of {choices}",
            )
        value = mapped
    if not is_number(value):
        return Refusal("not-numeric", f"{criterion.id} needs a number here, not {describe(value)}")
    if bad := number_problem(value):
        return Refusal(
            "not-numeric",
            f"{criterion.id} needs a finite number here, not {describe(value)}"
            if "finite" in bad
            else f"{criterion.id} {bad}",
        )
    number = float(value)
    if scale.transform == "log":
        if number < 0:
            return Refusal(
                "invalid-value",
                f"{criterion.id} takes the log of its value, which must be >= 0, not {value}",
            )
        number = math.log1p(number)
    return number


def value_findings(
    criteria: CriteriaSet, items: Sequence[Item], data: Sequence[Mapping[str, Any]]
) -> tuple[list[Problem], list[Problem]]:
    """The problems `scoring.score` finds in these items' values, in its order (criterion by
    criterion, then item by item), and the out-of-range warnings `check` gives them
    (range_warning; ideas, still gathering their evidence, are left alone). Each value is read
    from the item's data as written. Closed items take no part, as in scoring; stakeholders'
    votes are not applied here."""
    open_data = [
        (item, raw)
        for item, raw in zip(items, data, strict=True)
        if item.status not in CLOSED_STATUSES
    ]
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for criterion in criteria.criteria:
        steps = criterion.source_path.split(".")
        path = tuple(steps)
        for item, raw in open_data:
            value = dig_steps(raw, steps)
            taken = take(criterion, value)
            if isinstance(taken, Refusal):
                ref = Ref("item", item.id, path)
                problems.append(Problem(taken.code, "error", ref, taken.message))
            elif taken is not None and item.status != IDEA:
                warning = range_warning(criterion, item.id, value, taken)
                if warning is not None:
                    warnings.append(warning)
    return problems, warnings


def range_warning(criterion: Criterion, item_id: str, raw: Any, x: float) -> Problem | None:
    """The out-of-range warning where the input `x` (read from `raw`) lies outside the
    criterion's fixed range, which scores it as the nearest end; with a "did you mean" where
    it reads as a percentage of the range (80 where 0.80 is meant). None inside the range, for
    a range of "auto" or none, and for no input (NaN)."""
    rng = criterion.scale.range
    if not isinstance(rng, tuple) or math.isnan(x):
        return None
    lo, hi = rng
    if lo <= x <= hi:
        return None
    plain = criterion.scale.transform is None and criterion.scale.map is None
    hint = f"; did you mean {x / 100:.2f}?" if plain and lo <= x / 100 <= hi else ""
    shown = describe(raw) if plain else f"{describe(raw)} (read as {x:g})"
    return Problem(
        "out-of-range",
        "warning",
        Ref("item", item_id, tuple(criterion.source_path.split("."))),
        f"{item_id}: {criterion.source_path} {shown} is outside {criterion.id}'s range "
        f"[{lo:g}, {hi:g}] and is scored as {min(max(x, lo), hi):g}{hint}",
    )
