"""The plan of `import`: CSV cells to values at paths in backlog files, every problem found first.

Pure: the CSV's rows and the items as read in, edits per file and located findings out.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from prioritize.edits import Edit, Path_, Value, parse_cell
from prioritize.errors import Finding, Location, Problem
from prioritize.models import Evidence, Item, Outcome, did_you_mean
from prioritize.values import describe, same_value

ID_COLUMN = "id"
AS_OF = ("evidence", "as_of")
_MODELS: dict[str, type[BaseModel]] = {"evidence": Evidence, "outcome": Outcome}


@dataclass(frozen=True)
class Target:
    """An item an import may change: its file, its path in the file, and its data as read."""

    file: str
    path: Path_
    data: Mapping[str, Any]


@dataclass
class ImportPlan:
    """What an import will change: edits per file, the items after the import, every problem.

    `cells` names, per (item id, dotted path inside the item), the CSV cell the value came from.
    """

    edits: dict[str, list[Edit]] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    data: dict[str, dict[str, Any]] = field(default_factory=dict)
    cells: dict[tuple[str, str], Location] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def values(self) -> int:
        """How many values change."""
        return sum(len(edits) for edits in self.edits.values())

    def located(self, problems: Iterable[Problem]) -> list[Finding]:
        """Scoring problems about imported values, located at the CSV cell they came from."""
        found: list[Finding] = []
        for problem in problems:
            cell = self.cells.get((problem.ref.id, ".".join(str(p) for p in problem.ref.path)))
            if cell is not None:
                found.append(Finding(problem.code, problem.severity, cell, problem.message))
        return found


@dataclass(frozen=True)
class _Column:
    index: int
    name: str
    path: tuple[str, ...]


def _columns(
    header: Sequence[str], csv_name: str, section: str | None, findings: list[Finding]
) -> tuple[int | None, list[_Column]]:
    def problem(col: int, code: str, message: str) -> None:
        findings.append(Finding(code, "error", Location(csv_name, 1, col), message))

    id_index: int | None = None
    columns: list[_Column] = []
    seen: dict[tuple[str, ...], int] = {}
    for index, raw in enumerate(header):
        name = raw.strip()
        if name == ID_COLUMN:
            if id_index is not None:
                problem(
                    index + 1,
                    "duplicate-column",
                    f'a second "{ID_COLUMN}" column (the first is column {id_index + 1})',
                )
            id_index = index if id_index is None else id_index
            continue
        if not name:
            problem(
                index + 1,
                "column-name",
                "this column has no name; name it with a dotted path such as evidence.operational.monthly_volume",
            )
            continue
        path = (
            ("evidence", section, name) if section and "." not in name else tuple(name.split("."))
        )
        if any(not step.strip() or step != step.strip() for step in path):
            problem(
                index + 1,
                "column-name",
                f'"{name}" is not a dotted path such as evidence.operational.monthly_volume',
            )
            continue
        if path in seen:
            problem(
                index + 1,
                "duplicate-column",
                f"column {seen[path] + 1} already sets {'.'.join(path)}",
            )
            continue
        seen[path] = index
        columns.append(_Column(index, name, path))
    if id_index is None:
        hint = (
            did_you_mean(ID_COLUMN, [h.strip() for h in header])
            or f" (the header has {', '.join(h.strip() for h in header)})"
        )
        problem(1, "no-id-column", f'no "{ID_COLUMN}" column to name the items{hint}')
    return id_index, columns


def plan_import(
    table: Sequence[Sequence[str]],
    targets: Mapping[str, Target],
    *,
    csv_name: str,
    section: str | None = None,
    as_of: date | None = None,
) -> ImportPlan:
    """Plan an import of `table` (rows of cell texts, the header first) into the items `targets` names.

    Each row names an item in the `id` column; every other column is a dotted path into the
    item (or, with `section`, a bare metric name under evidence.<section>). Empty cells leave
    values as they are; values equal to what is there already are no edit. `as_of` also sets
    evidence.as_of of every item a row gives a value for. Every problem is a finding at its
    CSV cell (row 1 is the header, columns count from 1): unknown or repeated ids, paths into
    values that are not mappings, and items the new values would make invalid.
    """
    plan = ImportPlan()
    if not table:
        return plan
    id_index, columns = _columns(table[0], csv_name, section, plan.findings)
    if id_index is None:
        return plan
    if as_of is not None and any(c.path == AS_OF for c in columns):
        column = next(c for c in columns if c.path == AS_OF)
        plan.findings.append(
            Finding(
                "duplicate-column",
                "error",
                Location(csv_name, 1, column.index + 1),
                "this column and --as-of both set evidence.as_of; use one",
            )
        )
        return plan
    first_row: dict[str, int] = {}
    for number, row in enumerate(table[1:], start=2):
        cells = [(c, row[c.index].strip() if c.index < len(row) else "") for c in columns]
        cells = [(c, text) for c, text in cells if text]
        item_id = row[id_index].strip() if id_index < len(row) else ""
        where = Location(csv_name, number, id_index + 1)
        if not item_id:
            if cells:
                plan.findings.append(
                    Finding("no-id", "error", where, "this row gives values but no id")
                )
            continue
        if item_id in first_row:
            plan.findings.append(
                Finding(
                    "duplicate-id",
                    "error",
                    where,
                    f'"{item_id}" is already imported by row {first_row[item_id]}; give each item one row',
                )
            )
            continue
        first_row[item_id] = number
        target = targets.get(item_id)
        if target is None:
            plan.findings.append(
                Finding(
                    "unknown-id",
                    "error",
                    where,
                    f'"{item_id}" is not an item of this workspace{did_you_mean(item_id, set(targets))}',
                )
            )
            continue
        _plan_row(
            plan,
            target,
            item_id,
            [(c, parse_cell(text), Location(csv_name, number, c.index + 1)) for c, text in cells],
            as_of,
            where,
        )
    return plan


def _plan_row(
    plan: ImportPlan,
    target: Target,
    item_id: str,
    cells: list[tuple[_Column, Value, Location]],
    as_of: date | None,
    where: Location,
) -> None:
    data: dict[str, Any] = copy.deepcopy(dict(target.data))
    edits: list[tuple[tuple[str, ...], Value, Location]] = []
    if as_of is not None and cells:
        cells = [*cells, (_Column(-1, "--as-of", AS_OF), Value(as_of, as_of.isoformat()), where)]
    ok = True
    for column, value, cell in cells:
        if isinstance(value.data, float) and not math.isfinite(value.data):
            plan.findings.append(
                Finding("invalid-value", "error", cell, f'"{value.text}" is too large a number')
            )
            ok = False
            continue
        conflict = _walk(data, column.path)
        if conflict is not None:
            plan.findings.append(
                Finding(
                    "not-a-mapping",
                    "error",
                    cell,
                    f"cannot set {column.name} of {item_id}: {conflict}",
                )
            )
            ok = False
            continue
        plan.cells[(item_id, ".".join(column.path))] = cell
        parent = _parent(data, column.path)
        if column.path[-1] in parent and same_value(parent[column.path[-1]], value.data):
            continue
        parent[column.path[-1]] = value.data
        edits.append((column.path, value, cell))
    if not ok or not edits:
        return
    try:
        item = Item.model_validate(data)
    except ValidationError as exc:
        plan.findings.extend(_invalid(exc, edits, where))
        return
    plan.items[item_id], plan.data[item_id] = item, data
    plan.edits.setdefault(target.file, []).extend(
        Edit((*target.path, *path), value, len(target.path)) for path, value, _ in edits
    )


def _walk(data: dict[str, Any], path: tuple[str, ...]) -> str | None:
    """Why a value cannot be set at `path` (something on the way is not a mapping), or None."""
    node: Any = data
    for depth, step in enumerate(path[:-1]):
        node = node.get(step)
        if node is None:
            return None
        if not isinstance(node, dict):
            return f"{'.'.join(path[: depth + 1])} holds {describe(node)}, not a mapping"
    return None


def _parent(data: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    node = data
    for step in path[:-1]:
        if node.get(step) is None:
            node[step] = {}
        node = node[step]
    return node


def _invalid(
    exc: ValidationError, edits: list[tuple[tuple[str, ...], Value, Location]], where: Location
) -> list[Finding]:
    """One finding per pydantic error, at the cell of the value that caused it."""
    findings: list[Finding] = []
    for error in exc.errors(include_url=False):
        loc = tuple(str(step) for step in error["loc"] if not _is_branch(step))
        cell = next(
            (c for path, _, c in edits if path[: len(loc)] == loc or loc[: len(path)] == path),
            where,
        )
        source = next((v for path, v, c in edits if c == cell), None)
        shown = f' "{source.text or source.data}"' if source is not None else ""
        name = ".".join(loc) or "item"
        if error["type"] == "extra_forbidden":
            model = _MODELS.get(loc[-2], Item) if len(loc) > 1 else Item
            message = f'unknown key "{loc[-1]}" in {name}{did_you_mean(loc[-1], list(model.model_fields))}'
            findings.append(Finding("unknown-key", "error", cell, message))
            continue
        text = str(error["msg"]).removeprefix("Value error, ")
        findings.append(
            Finding("invalid-value", "error", cell, f"{name}{shown}: {text[0].lower()}{text[1:]}")
        )
    return findings


def _is_branch(step: Any) -> bool:
    # Union branch tags in pydantic locations ("function-after[...]", "float") are not keys.
    return isinstance(step, str) and (
        any(ch in step for ch in "[]()") or step in {"str", "int", "float", "bool", "date"}
    )
