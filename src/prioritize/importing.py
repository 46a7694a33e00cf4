"""The plan of `import`: CSV cells to values at paths in backlog files, every problem found first.

Pure: the CSV's rows and the items as read in, edits per file and located findings out.
"""

from __future__ import annotations

import copy
import math
import posixpath
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from prioritize.edits import Edit, NewItem, Path_, Value
from prioritize.errors import Finding, Location, Problem, Suggestions
from prioritize.import_columns import Column, resolve_columns, schema_order
from prioritize.import_sources import PLAIN, Format, header_key, known_states
from prioritize.models import STATUSES as MODEL_STATUSES
from prioritize.models import Evidence, Item, Outcome, did_you_mean
from prioritize.spreadsheet import NotNumeric, parse_number_cell
from prioritize.values import describe, is_number, number_problem, same_value

# `idea` is the status of an item nobody has shaped yet: the default of a created item.
NEW_STATUS = "idea"
STATUSES: tuple[str, ...] = tuple(dict.fromkeys((NEW_STATUS, *MODEL_STATUSES)))
BACKLOGS = "backlogs"
AS_OF = ("evidence", "as_of")
_MODELS: dict[str, type[BaseModel]] = {"evidence": Evidence, "outcome": Outcome}


@dataclass(frozen=True)
class Target:
    """An item an import may change: its file, its path in the file, and its data as read."""

    file: str
    path: Path_
    data: Mapping[str, Any]


@dataclass(frozen=True)
class NewFile:
    """A file to create: one item as the whole file (`alone`) or an items list, laid out like `like`."""

    alone: bool
    like: str | None = None


@dataclass
class ImportPlan:
    """What an import will change: edits and new items per file, the items after it, every problem.

    `creates` holds, per file, the items to add to it in CSV order; `new_files` the files to
    create among them; `created` the new items' ids. `items` and `data` hold every item the
    import touches or creates, as it will be. `cells` names, per (item id, dotted path inside
    the item), the CSV cell the value came from.
    """

    edits: dict[str, list[Edit]] = field(default_factory=dict)
    creates: dict[str, list[NewItem]] = field(default_factory=dict)
    new_files: dict[str, NewFile] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    items: dict[str, Item] = field(default_factory=dict)
    data: dict[str, dict[str, Any]] = field(default_factory=dict)
    cells: dict[tuple[str, str], Location] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def values(self) -> int:
        """How many values of existing items change."""
        return sum(len(edits) for edits in self.edits.values())

    @property
    def files(self) -> list[str]:
        """Every file the import writes, in path order."""
        return sorted({*self.edits, *self.creates})

    @property
    def named(self) -> set[str]:
        """The ids of the items the CSV gives a value for (changed or not): the only items
        `located` can place a problem of."""
        return {item_id for item_id, _ in self.cells}

    def located(self, problems: Iterable[Problem]) -> list[Finding]:
        """Scoring problems about imported values, located at the CSV cell they came from."""
        found: list[Finding] = []
        for problem in problems:
            cell = self.cells.get((problem.ref.id, ".".join(str(p) for p in problem.ref.path)))
            if cell is not None:
                found.append(Finding(problem.code, problem.severity, cell, problem.message))
        return found


def plan_import(
    table: Sequence[Sequence[str]],
    targets: Mapping[str, Target],
    *,
    csv_name: str,
    section: str | None = None,
    as_of: date | None = None,
    source: Format = PLAIN,
    pools: Mapping[str, str] | None = None,
    pool: str | None = None,
    files: Collection[str] = (),
    metrics: Mapping[str, Collection[tuple[str, ...]]] | None = None,
    new_metrics: bool = False,
) -> ImportPlan:
    """Plan an import of `table` (rows of cell texts, the header first) into the items `targets` names.

    Each row names an item in the id column; every other column is a dotted path into the
    item, or a bare metric name: under evidence.<section> with `section`, else where the
    workspace keeps that metric (`metrics`, see import_columns.known_metrics); `source` says how an
    export names its columns instead. Empty cells leave values as they are; values equal to
    what is there already are no edit. `as_of` also sets evidence.as_of of every item a row
    gives a value for.

    A row whose id no target has creates an item when it gives a title, in the pool of its
    `pool` cell or else `pool`; `pools` maps each pool id to the file defining it, `files` lists
    the workspace's backlog files (see `_place_new`). A metric column must name a metric in
    `metrics` unless `new_metrics`. Every problem is a finding at its CSV cell (row 1 is the header, columns count
    from 1): unknown or repeated ids, paths into values that are not mappings, numbers that
    could be misread, unknown states and pools, and items the new values would make invalid.
    """
    plan = ImportPlan()
    if not table:
        return plan
    id_index, columns = resolve_columns(
        table[0],
        csv_name,
        source=source,
        section=section,
        metrics=metrics,
        new_metrics=new_metrics,
        findings=plan.findings,
    )
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
    creating = _Creating(source, pools or {}, pool, _places(targets), set(files))
    first_row: dict[str, int] = {}
    target_names: Suggestions | None = None
    for number, row in enumerate(table[1:], start=2):
        texts = [(c, row[c.index].strip() if c.index < len(row) else "") for c in columns]
        texts = [(c, text) for c, text in texts if text]
        item_id = row[id_index].strip() if id_index < len(row) else ""
        where = Location(csv_name, number, id_index + 1)
        if not item_id:
            if texts:
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
        cells = _cells(plan, texts, source, csv_name, number)
        if cells is None:
            continue
        target = targets.get(item_id)
        if target is not None:
            _plan_row(plan, target, item_id, cells, as_of, where)
        elif any(c.path == ("title",) for c, _, _ in cells):
            _plan_new(plan, creating, item_id, cells, as_of, where)
        else:
            title = source.label("title") if source.others_ignored else "title"
            how = (
                f'give the row a "{title}"'
                if source.others_ignored
                else f'add "{title}" and "pool" columns (or pass --pool ID)'
            )
            if target_names is None:  # built once: thousands of unknown ids stay cheap
                target_names = Suggestions(targets)
            plan.findings.append(
                Finding(
                    "unknown-id",
                    "error",
                    where,
                    f'"{item_id}" is not an item of this workspace{target_names.hint(item_id)}; '
                    f"{how} to create it",
                )
            )
    return plan


def _cells(
    plan: ImportPlan,
    texts: list[tuple[Column, str]],
    source: Format,
    csv_name: str,
    number: int,
) -> list[tuple[Column, Value, Location]] | None:
    """A row's non-empty cells as values; None (with findings) where one cannot be read."""
    cells: list[tuple[Column, Value, Location]] = []
    ok = True
    for column, text in texts:
        cell = Location(csv_name, number, column.index + 1)
        try:
            value = parse_number_cell(text) if column.numeric else Value(text)
        except NotNumeric as exc:
            plan.findings.append(Finding("not-numeric", "error", cell, f"{column.name}: {exc}"))
            ok = False
            continue
        if is_number(value.data) and number_problem(value.data):
            shown = describe(text.strip())
            plan.findings.append(
                Finding(
                    "not-numeric",
                    "error",
                    cell,
                    f"{column.name}: {shown} must be a finite number between -1e15 and 1e15",
                )
            )
            ok = False
            continue
        if column.path == ("status",):
            status = _status(text, source)
            if status is None:
                plan.findings.append(
                    Finding(
                        "unknown-state",
                        "error",
                        cell,
                        f'"{text}" is not a workflow state this import knows ({known_states()}); '
                        "rename it in the export or set the status by hand",
                    )
                )
                ok = False
                continue
            value = Value(status)
        cells.append((column, value, cell))
    return cells if ok else None


def _status(text: str, source: Format) -> str | None:
    """The status a status cell means: a workflow state of the export, else a status as typed."""
    if source.states is not None:
        return source.states.get(header_key(text))
    folded = text.casefold()
    return next((s for s in STATUSES if s == folded), text)


def _plan_row(
    plan: ImportPlan,
    target: Target,
    item_id: str,
    cells: list[tuple[Column, Value, Location]],
    as_of: date | None,
    where: Location,
) -> None:
    data: dict[str, Any] = copy.deepcopy(dict(target.data))
    if as_of is not None and cells:
        cells = [*cells, (Column(-1, "--as-of", AS_OF), Value(as_of, as_of.isoformat()), where)]
    edits = _merge(plan, data, item_id, cells)
    if not edits:
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


def _merge(
    plan: ImportPlan,
    data: dict[str, Any],
    item_id: str,
    cells: list[tuple[Column, Value, Location]],
) -> list[tuple[tuple[str, ...], Value, Location]] | None:
    """Set each cell's value in `data`; the values that changed, or None if one cannot be set."""
    edits: list[tuple[tuple[str, ...], Value, Location]] = []
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
    return edits if ok else None


# --- creating items -----------------------------------------------------------------------


@dataclass
class _Place:
    """Where some of a pool's items live: a file's items list, or a folder of one-item files."""

    file: str | None
    folder: str | None
    count: int = 0
    last: int = 0
    like: str = ""


def _places(targets: Mapping[str, Target]) -> dict[str, list[_Place]]:
    """Per pool, the places its items live in, with how many and the order of the last one."""
    found: dict[tuple[str, str | None, str | None], _Place] = {}
    for order, target in enumerate(targets.values()):
        pool = target.data.get("pool")
        if not isinstance(pool, str):
            continue
        alone = target.path == ()
        file = None if alone else target.file
        folder = posixpath.dirname(target.file) if alone else None
        place = found.setdefault((pool, file, folder), _Place(file, folder))
        place.count, place.last, place.like = place.count + 1, order, target.file
    by_pool: dict[str, list[_Place]] = {}
    for (pool, _, _), place in found.items():
        by_pool.setdefault(pool, []).append(place)
    return by_pool


@dataclass
class _Creating:
    """What creating items needs to know, and the problems already reported once."""

    source: Format
    pools: Mapping[str, str]
    pool: str | None
    places: dict[str, list[_Place]]
    files: set[str]
    reported: set[str] = field(default_factory=set)


def _place_new(creating: _Creating, plan: ImportPlan, pool: str, item_id: str) -> str | None:
    """The file a new item of `pool` goes to, registering a new file in `plan`; None if taken.

    Where most of the pool's items are (the later place on a tie): the items list of a file, or
    a one-item file `<id>.yaml` beside the pool's one-item files. A pool without items gets
    `backlogs/<pool>.yaml`, with an items list (appended to if the file exists).
    """
    places = creating.places.get(pool)
    if places:
        best = max(places, key=lambda p: (p.count, p.last))
        if best.file is not None:
            return best.file
        file = f"{best.folder}/{item_id}.yaml"
        if file in creating.files or file in plan.new_files:
            return None
        plan.new_files[file] = NewFile(alone=True, like=best.like)
        return file
    file = f"{BACKLOGS}/{pool}.yaml"
    if file in creating.files or file in plan.new_files:
        return file
    plan.new_files[file] = NewFile(alone=False, like=creating.pools.get(pool))
    return file


def _plan_new(
    plan: ImportPlan,
    creating: _Creating,
    item_id: str,
    cells: list[tuple[Column, Value, Location]],
    as_of: date | None,
    where: Location,
) -> None:
    """Plan the item a row with an unknown id and a title creates."""
    given = {column.path: (column, value, cell) for column, value, cell in cells}
    pool_cell = given.get(("pool",))
    pool = str(pool_cell[1].data) if pool_cell else creating.pool
    if pool is None:
        plan.findings.append(
            Finding(
                "no-pool",
                "error",
                where,
                f'"{item_id}" is new and needs a value pool: add a "pool" column or pass --pool ID',
            )
        )
        return
    if pool not in creating.pools:
        hint = did_you_mean(pool, creating.pools) or (
            f" (the pools are {', '.join(sorted(creating.pools))})" if creating.pools else ""
        )
        if pool_cell is not None:
            plan.findings.append(
                Finding(
                    "unknown-pool",
                    "error",
                    pool_cell[2],
                    f'"{pool}" is not a value pool of this workspace{hint}',
                )
            )
        elif "--pool" not in creating.reported:
            creating.reported.add("--pool")
            plan.findings.append(
                Finding(
                    "unknown-pool",
                    "error",
                    where,
                    f'--pool "{pool}" is not a value pool of this workspace{hint}',
                )
            )
        return
    defaults = [
        (("id",), Value(item_id)),
        (("pool",), Value(pool)),
        (("status",), Value(NEW_STATUS)),
    ]
    cells = [
        *(
            (Column(-1, path[0], path), value, where)
            for path, value in defaults
            if path not in given
        ),
        *cells,
    ]
    if as_of is not None:
        cells.append((Column(-1, "--as-of", AS_OF), Value(as_of, as_of.isoformat()), where))
    data: dict[str, Any] = {}
    values = _merge(plan, data, item_id, cells)
    if values is None:
        return
    try:
        item = Item.model_validate(data)
    except ValidationError as exc:
        plan.findings.extend(_invalid(exc, values, where))
        return
    file = _place_new(creating, plan, pool, item_id)
    if file is None:
        plan.findings.append(
            Finding(
                "cannot-create",
                "error",
                where,
                f'cannot create "{item_id}": its file already exists; give the item another id',
            )
        )
        return
    ordered = sorted(values, key=lambda edit: schema_order(edit[0]))
    plan.creates.setdefault(file, []).append(NewItem(tuple((p, v) for p, v, _ in ordered)))
    plan.items[item_id], plan.data[item_id] = item, _ordered(data)
    plan.created.append(item_id)


def _ordered(data: dict[str, Any], path: tuple[str, ...] = ()) -> dict[str, Any]:
    """`data` with its keys, at every depth, in schema order (as written to the file)."""
    keys = sorted(data, key=lambda k: schema_order((*path, k))[-1])
    return {
        k: _ordered(data[k], (*path, k)) if isinstance(data[k], dict) else data[k] for k in keys
    }


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
        edit = next((e for e in edits if e[0][: len(loc)] == loc or loc[: len(e[0])] == e[0]), None)
        cell = edit[2] if edit is not None else where
        source = edit[1] if edit is not None else None
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
