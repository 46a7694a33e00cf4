"""The header of an import CSV: which column is the id, which item path each other column sets.

Pure. Names are matched trimmed and case-insensitively; a metric column must name a metric the
workspace or the criteria set already uses, unless new metrics are allowed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from prioritize.errors import Finding, Location, did_you_mean
from prioritize.import_sources import PLAIN, Format, header_key
from prioritize.models import EVIDENCE_KINDS, Evidence, Item, Outcome

ID_COLUMN = "id"
# Item fields a plain CSV may name by their bare name (in any case, even with --section).
ITEM_FIELDS = ("title", "pool", "status", "effort", "risk", "facing", "owner", "description")
# Fields whose cells are text as typed, never numbers.
TEXT_FIELDS: frozenset[tuple[str, ...]] = frozenset(
    [
        *((name,) for name in ("id", *ITEM_FIELDS) if name != "effort"),
        ("outcome", "kpi"),
        ("outcome", "notes"),
    ]
)
_SCHEMA: dict[tuple[str, ...], tuple[str, ...]] = {
    (): tuple(Item.model_fields),
    ("evidence",): tuple(Evidence.model_fields),
    ("outcome",): tuple(Outcome.model_fields),
}


@dataclass(frozen=True)
class Column:
    """A column that sets a value: its index (from 0), its name for messages, the path it sets."""

    index: int
    name: str
    path: tuple[str, ...]

    @property
    def numeric(self) -> bool:
        """Whether its cells are read as spreadsheet numbers (else as typed)."""
        return self.path not in TEXT_FIELDS and (
            is_metric(self.path)
            or self.path in {("effort",), ("outcome", "actual_effort")}
            or self.path in {("outcome", "before"), ("outcome", "after")}
        )


def is_metric(path: Sequence[str]) -> bool:
    """Whether `path` names a metric: evidence.<kind>.<name> or scores.<name>."""
    return (len(path) == 3 and path[0] == "evidence" and path[1] in EVIDENCE_KINDS) or (
        len(path) == 2 and path[0] == "scores"
    )


def known_metrics(
    items: Iterable[Mapping[str, object]], sources: Iterable[str]
) -> dict[str, set[tuple[str, ...]]]:
    """Metric names in use, each with where it lives (evidence.<kind>.<name> or scores.<name>):
    under any item's evidence sections or scores, or read by a criterion."""
    # Each mapping's keys are gathered a set at a time (a key per item was most of the time).
    keys: dict[tuple[str, ...], set[object]] = {}
    for data in items:
        evidence = data.get("evidence")
        if isinstance(evidence, dict):
            for kind in EVIDENCE_KINDS:
                section = evidence.get(kind)
                if isinstance(section, dict):
                    keys.setdefault(("evidence", kind), set()).update(section)
        scores = data.get("scores")
        if isinstance(scores, dict):
            keys.setdefault(("scores",), set()).update(scores)
    homes: dict[str, set[tuple[str, ...]]] = {}
    for prefix, names in keys.items():
        for name in map(str, names):
            homes.setdefault(name, set()).add((*prefix, name))
    for source in sources:
        path = tuple(source.split("."))
        if is_metric(path):
            homes.setdefault(path[-1], set()).add(path)
    return homes


def resolve_columns(
    header: Sequence[str],
    csv_name: str,
    *,
    source: Format = PLAIN,
    section: str | None = None,
    metrics: Mapping[str, Collection[tuple[str, ...]]] | None = None,
    new_metrics: bool = False,
    findings: list[Finding],
) -> tuple[int | None, list[Column]]:
    """(index of the id column, the columns that set values), problems added to `findings`.

    `metrics`: the metric names in use, each with where it lives (see known_metrics). A bare
    metric name (no dots, no `section`) goes where the workspace already keeps that metric. A
    metric column must name one of them unless `new_metrics` (or `metrics` is None: any name).
    """
    homes = metrics or {}
    new_metrics = new_metrics or metrics is None
    if source.others_ignored:
        return _export_columns(header, csv_name, source, findings)

    def problem(col: int, code: str, message: str) -> None:
        findings.append(Finding(code, "error", Location(csv_name, 1, col), message))

    id_index: int | None = None
    columns: list[Column] = []
    seen: dict[tuple[str, ...], int] = {}
    for index, raw in enumerate(header):
        name = raw.strip()
        key = header_key(raw)
        if key == ID_COLUMN:
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
        if key in ITEM_FIELDS:
            path: tuple[str, ...] = (key,)
        elif section and "." not in name:
            path = ("evidence", section, name)
        elif "." not in name and not _item_key(name):
            known = _known_spelling(name, homes)
            places = sorted(homes[known]) if known is not None else []
            if len(places) != 1:
                where = " or ".join(".".join(p) for p in places)
                problem(
                    index + 1,
                    "unknown-column" if not places else "ambiguous-column",
                    f'"{name}" is kept under {where}: name the column by its dotted path'
                    if places
                    else f'"{name}" names no metric of this workspace or its criteria'
                    f"{did_you_mean(name, homes) or ''}; name the column by its dotted path "
                    "(evidence.operational.NAME) or give --section",
                )
                continue
            path = places[0]
        else:
            path = _schema_case(tuple(name.split(".")))
        if any(not step.strip() or step != step.strip() for step in path):
            problem(
                index + 1,
                "column-name",
                f'"{name}" is not a dotted path such as evidence.operational.monthly_volume',
            )
            continue
        if not new_metrics and is_metric(path):
            known = _known_spelling(path[-1], homes)
            if known is None:
                hint = did_you_mean(path[-1], homes) or ""
                problem(
                    index + 1,
                    "unknown-column",
                    f'"{name}" names no metric of this workspace or its criteria{hint}; '
                    "pass --new-metrics if it is a new one",
                )
                continue
            path = (*path[:-1], known)
        if path in seen:
            problem(
                index + 1,
                "duplicate-column",
                f"column {seen[path] + 1} already sets {'.'.join(path)}",
            )
            continue
        seen[path] = index
        columns.append(Column(index, name, path))
    if id_index is None:
        names = [h.strip() for h in header]
        if not header:
            hint = " (the first line is blank: the header must be the first line)"
        else:
            shown = f" (the header has {', '.join(names)})" if any(names) else ""
            hint = did_you_mean(ID_COLUMN, names) or shown
        problem(1, "no-id-column", f'no "{ID_COLUMN}" column to name the items{hint}')
    return id_index, columns


def _export_columns(
    header: Sequence[str], csv_name: str, source: Format, findings: list[Finding]
) -> tuple[int | None, list[Column]]:
    fields = source.field_of(header)
    id_index = next((index for index, name in fields.items() if name == "id"), None)
    columns = [
        Column(index, header[index].strip(), (name,))
        for index, name in sorted(fields.items())
        if name != "id"
    ]
    if id_index is None:
        findings.append(
            Finding(
                "no-id-column",
                "error",
                Location(csv_name, 1, 1),
                f'no "{source.id_label}" column to name the items: is this a {source.name} CSV export?',
            )
        )
    return id_index, columns


def _item_key(name: str) -> bool:
    """Whether a bare column name is a key of the item itself (a field, or an x- extension)."""
    return name.startswith("x-") or name.casefold() in {f.casefold() for f in _SCHEMA[()]}


def _schema_case(path: tuple[str, ...]) -> tuple[str, ...]:
    """`path` with each step that names a schema key (in any case) spelt as the schema spells it."""
    fixed: list[str] = []
    for step in path:
        keys = _SCHEMA.get(tuple(fixed), ())
        fixed.append(next((k for k in keys if k.casefold() == step.casefold()), step))
    return tuple(fixed)


def _known_spelling(name: str, metrics: Collection[str]) -> str | None:
    if name in metrics:
        return name
    matches = sorted(m for m in metrics if m.casefold() == name.casefold())
    return matches[0] if len(matches) == 1 else None


def schema_order(path: tuple[str, ...]) -> tuple[int, ...]:
    """A sort key putting item paths in schema order (id, title, pool, status, effort, ...
    evidence); keys the schema does not know go after those it does, in the order given."""
    key: list[int] = []
    for depth, step in enumerate(path):
        order = _SCHEMA.get(path[:depth], ())
        key.append(order.index(step) if step in order else len(order))
    return tuple(key)
