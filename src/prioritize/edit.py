"""Round-trip editing of YAML text, and the plan of `import`: CSV cells to values at paths in files.

Pure: text and data in, text and findings out. Editing goes through ruamel.yaml's round-trip
mode with the file's own indentation, line endings and quoting, and then is checked twice:
the untouched file must come back byte for byte (else the file is refused, not rewritten
differently), and the edited text must read back as the old data plus exactly the edits.
"""

from __future__ import annotations

import copy
import io
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import ScalarString
from ruamel.yaml.tokens import CommentToken

from prioritize import yamlio
from prioritize.errors import Finding, Location, Problem
from prioritize.models import Evidence, Item, Outcome, did_you_mean

Path_ = tuple[str | int, ...]

# --- values ---------------------------------------------------------------------------------

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TAGS = {
    int: "tag:yaml.org,2002:int",
    float: "tag:yaml.org,2002:float",
    date: "tag:yaml.org,2002:timestamp",
}


@dataclass(frozen=True)
class Value:
    """A value to write: the data, and for a number or date the text to write it as."""

    data: int | float | str | date
    text: str | None = None


def parse_cell(cell: str) -> Value:
    """A CSV cell as a value: a number where the text is one, an ISO date, else the text itself.

    Numbers keep the text they were typed as ("0.30" is written 0.30). Text with leading zeros
    (007, 00501) stays text: it is a code, not a quantity. So do yes, None, NA and the like.
    """
    text = cell.strip()
    if _INT.fullmatch(text):
        return Value(int(text), text)
    if _FLOAT.fullmatch(text):
        return Value(float(text), text)
    if _DATE.fullmatch(text):
        try:
            return Value(date.fromisoformat(text), text)
        except ValueError:
            pass
    return Value(text)


def same_value(a: Any, b: Any) -> bool:
    """Whether writing `b` over `a` would change nothing a reader sees (1 and 1.0 are the same)."""
    numbers = (int, float)
    if (
        isinstance(a, numbers)
        and isinstance(b, numbers)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return bool(a == b)
    return type(a) is type(b) and a == b


# --- the layout of a file -------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """How a file is written: indentation (ruamel's mapping, sequence, offset) and line ends."""

    mapping: int = 2
    sequence: int = 4
    offset: int = 2
    newline: str = "\n"
    final_newline: bool = True


_BLOCK_SCALAR = re.compile(r"[|>][-+0-9]*\s*(#.*)?$")


def _strip_comment(content: str) -> str:
    # A rough cut: " #" starts a comment outside quotes; good enough to see a line's ending.
    match = re.search(r"\s#", content)
    return (content[: match.start()] if match else content).rstrip()


def detect_layout(text: str) -> Layout:
    """The indentation and line endings `text` is written with (the commonest where mixed)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    mappings: Counter[int] = Counter()
    sequences: Counter[tuple[int, int]] = Counter()
    parent: int | None = None  # content column of the previous line when it opens a block
    scalar_column: int | None = None  # inside a block scalar: the column of its key
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        if scalar_column is not None:
            if indent > scalar_column:
                continue
            scalar_column = None
        column, dash = indent, None
        while stripped.startswith("- ") or stripped == "-":
            dash = column if dash is None else dash
            rest = stripped[1:].lstrip(" ")
            column += len(stripped) - len(rest)
            stripped = rest
        if parent is not None:
            if dash is not None:
                sequences[(dash - parent, column - parent)] += 1
            elif column > parent:
                mappings[column - parent] += 1
        content = _strip_comment(stripped)
        parent = column if content.endswith(":") or (dash is not None and not content) else None
        if _BLOCK_SCALAR.search(content) and ":" in content:
            scalar_column = column
    mapping = mappings.most_common(1)[0][0] if mappings else 2
    offset, sequence = sequences.most_common(1)[0][0] if sequences else (2, 4)
    if sequence < offset + 2 or offset < 0:
        offset, sequence = 2, 4
    return Layout(mapping, sequence, offset, newline, text.endswith("\n") or not text)


# --- editing text ---------------------------------------------------------------------------


class EditError(Exception):
    """A file that cannot be edited without changing more than the edits: message and line."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Edit:
    """Set the value at `path` (keys and list indexes from the top of the file).

    `item`: how many steps of `path` lead to a backlog item; new keys of the item, its evidence
    and its outcome then go where the schema orders them (KEY_ORDER) instead of last.
    """

    path: Path_
    value: Value
    item: int | None = None


class _Verbatim(ScalarString):
    """A scalar written exactly as its text, plain, with the tag its text resolves to.

    A ScalarString, so that ruamel does not turn it into the quoted string it replaces (a plain
    str set over a quoted one keeps the quotes, which is what a new string should do).
    """

    __slots__ = ("resolved_tag",)
    resolved_tag: str

    def __new__(cls, text: str, tag: str) -> _Verbatim:
        obj: _Verbatim = ScalarString.__new__(cls, text)
        obj.resolved_tag = tag
        return obj


class _Representer(RoundTripRepresenter):
    """The round-trip representer plus _Verbatim (a subclass: ruamel's registries are global)."""

    def represent_verbatim(self, data: _Verbatim) -> ScalarNode:
        return self.represent_scalar(data.resolved_tag, str(data))


_Representer.add_representer(_Verbatim, _Representer.represent_verbatim)

# Lines before a `---` document start (comments, %directives) and after a `...` end are kept
# verbatim: ruamel would drop comments above `---`.
_START = re.compile(r"\A((?:[ \t]*(?:#[^\n]*)?\n|%[^\n]*\n)*---[ \t]*(?:#[^\n]*)?\n)")
_END = re.compile(r"(\n\.\.\.[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*)\Z")


def _yaml(layout: Layout) -> YAML:
    yaml = YAML()
    yaml.Representer = _Representer
    yaml.preserve_quotes = True
    yaml.width = sys.maxsize
    yaml.indent(mapping=layout.mapping, sequence=layout.sequence, offset=layout.offset)
    return yaml


def _split(text: str) -> tuple[str, str, str]:
    """(verbatim head, the YAML body, verbatim tail) of a text with "\n" line ends."""
    head = _START.match(text)
    start = head.end() if head else 0
    tail = _END.search(text, start)
    end = tail.start() + 1 if tail else len(text)
    return text[:start], text[start:end], text[end:]


def _load(yaml: YAML, body: str) -> Any:
    try:
        return yaml.load(body)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise EditError(
            f"cannot read the file for editing: {exc}", mark.line + 1 if mark else 1
        ) from None


def _dump(yaml: YAML, data: Any, layout: Layout, head: str, tail: str) -> str:
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    text = head + buffer.getvalue() + tail
    if not layout.final_newline:
        text = text.removesuffix("\n")
    return text.replace("\n", layout.newline) if layout.newline != "\n" else text


def round_trip(text: str) -> str:
    """`text` read and written back unchanged; equal to `text` for every file `apply_edits` takes."""
    layout = detect_layout(text)
    head, body, tail = _split(text.replace("\r\n", "\n"))
    yaml = _yaml(layout)
    return _dump(yaml, _load(yaml, body), layout, head, tail)


def _first_difference(old: str, new: str) -> EditError:
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    number = next(
        (n for n, (a, b) in enumerate(zip(old_lines, new_lines, strict=False), start=1) if a != b),
        min(len(old_lines), len(new_lines)) + 1,
    )
    a = old_lines[number - 1] if number <= len(old_lines) else ""
    b = new_lines[number - 1] if number <= len(new_lines) else ""
    return EditError(
        f"the file cannot be written back byte for byte (line {number} would become {b.rstrip()!r} "
        f"instead of {a.rstrip()!r}), so it was left alone; mixed indentation or line endings, "
        "text folded over several lines and some comment placements are not kept: edit it by hand "
        "or make its layout uniform",
        number,
    )


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """`text` with each edit applied and every other byte as it was.

    A missing key is appended to its mapping, creating the mappings on its path as needed (in
    flow style where the mappings beside them are); comments and blank lines that followed the
    mapping's last entry stay after the new key.
    Numbers and dates are written as their Value.text. Raises EditError, writing nothing,
    where the untouched text does not round-trip or a path runs into something not a mapping.
    """
    layout = detect_layout(text)
    head, body, tail = _split(text.replace("\r\n", "\n"))
    yaml = _yaml(layout)
    untouched = _dump(yaml, _load(yaml, body), layout, head, tail)
    if untouched != text:
        raise _first_difference(text, untouched)
    data = _load(yaml, body)
    for edit in edits:
        _set(data, edit.path, _node_value(yaml, edit.value), edit.item)
    result = _dump(yaml, data, layout, head, tail)
    _verify(text, result, edits)
    return result


def _node_value(yaml: YAML, value: Value) -> Any:
    if value.text is None:
        return value.data
    tag = _TAGS[type(value.data)]
    if yaml.resolver.resolve(ScalarNode, value.text, (True, False)) == tag:
        return _Verbatim(value.text, tag)
    canonical = value.data.isoformat() if isinstance(value.data, date) else repr(value.data)
    return _Verbatim(canonical, tag)


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f'the text "{value}"'
    return f"{value!r}"


# Where a new key goes: after the keys the schema puts before it (as_of first in evidence,
# effort after status), so that a file reads like one written by hand. Other keys go last.
KEY_ORDER: dict[tuple[str, ...], tuple[str, ...]] = {
    (): tuple(Item.model_fields),
    ("evidence",): tuple(Evidence.model_fields),
    ("outcome",): tuple(Outcome.model_fields),
}


def _set(data: Any, path: Path_, value: Any, item: int | None) -> None:
    node = data
    for depth, step in enumerate(path):
        last = depth == len(path) - 1
        if isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            if last:
                node[step] = value
                return
            node = node[step]
            continue
        if not isinstance(node, CommentedMap):
            where = ".".join(str(p) for p in path[:depth]) or "the file"
            raise EditError(
                f"cannot set {'.'.join(map(str, path))}: {where} holds {_describe(node)}, not a mapping"
            )
        if step in node and (last or node[step] is not None):
            if last:
                node[step] = value
                return
            node = node[step]
            continue
        subtree, flow = value, _flow_siblings(node)
        for key in reversed(path[depth + 1 :]):
            subtree = CommentedMap({key: subtree})
            if flow:
                subtree.fa.set_flow_style()
        if step in node:  # `evidence:` with nothing under it
            node[step] = subtree
        else:
            order = (
                KEY_ORDER.get(tuple(map(str, path[item:depth])))
                if item is not None and depth >= item
                else None
            )
            _place(node, step, subtree, _position(node, step, order))
        return


def _position(mapping: CommentedMap, key: Any, order: tuple[str, ...] | None) -> int:
    """Where `key` goes in `mapping`: after the last key `order` puts before it; else at the end."""
    if order is None or key not in order:
        return len(mapping)
    rank = order.index(key)
    position = 0
    for index, existing in enumerate(mapping):
        if existing in order and order.index(existing) < rank:
            position = index + 1
    return position


def _flow_siblings(mapping: CommentedMap) -> bool:
    """Whether the mappings already in `mapping` are all written in flow style ({a: 1})."""
    nested = [v for v in mapping.values() if isinstance(v, CommentedMap)]
    return bool(nested) and all(v.fa.flow_style() for v in nested)


def _deepest(container: Any, key: Any) -> tuple[Any, Any]:
    """The entry (container, key) whose comment holds what follows the entry `key` of `container`:
    the entry itself, or for a block mapping or list, its own last entry, and so on down."""
    value = container[key]
    while (
        isinstance(value, CommentedMap | CommentedSeq) and len(value) and not value.fa.flow_style()
    ):
        container = value
        key = next(reversed(value)) if isinstance(value, CommentedMap) else len(value) - 1
        value = container[key]
    return container, key


def _slot(container: Any) -> int:
    return 2 if isinstance(container, CommentedMap) else 0  # where ruamel keeps a trailing comment


def _place(mapping: CommentedMap, key: Any, value: Any, position: int) -> None:
    """Put `key` at `position` of `mapping`. The comment lines and blank lines that followed the
    entry before it move to follow the new entry (an end-of-line comment stays on its line), so
    the new line sits right under its neighbour, not below a blank line or another item's comment."""
    moved: str | None = None
    if position > 0 and not mapping.fa.flow_style():
        container, before = _deepest(mapping, list(mapping)[position - 1])
        slots = container.ca.items.get(before)
        token = slots[_slot(container)] if slots else None
        if isinstance(token, CommentToken) and "\n" in token.value:
            eol, _, rest = token.value.partition("\n")
            if rest:
                moved = "\n" + rest
                if eol.strip():
                    token.value = eol + "\n"
                else:
                    slots[_slot(container)] = None
    if position >= len(mapping):
        mapping[key] = value
    else:
        mapping.insert(position, key, value)
    if moved is not None:
        container, after = _deepest(mapping, key)
        slots = container.ca.items.setdefault(after, [None, None, None, None])
        slots[_slot(container)] = CommentToken(moved, CommentMark(0))


def _verify(old_text: str, new_text: str, edits: Sequence[Edit]) -> None:
    expected = copy.deepcopy(yamlio.parse(old_text))
    for edit in edits:
        _set_plain(expected, edit.path, edit.value.data)
    try:
        actual = yamlio.parse(new_text)
    except yamlio.YamlProblem as problem:  # pragma: no cover - ruamel writes what it reads
        raise EditError(
            f"the edited file would not read back: {problem.message}", problem.line
        ) from None
    if actual != expected:
        raise EditError(
            "the edited file would not read back as the old data plus the edits; it was left alone"
        )


def _set_plain(data: Any, path: Path_, value: Any) -> None:
    """Set a value in plain nested dicts and lists, creating the mappings on the way."""
    node = data
    for step in path[:-1]:
        if isinstance(node, list) and isinstance(step, int):
            node = node[step]
            continue
        if node.get(step) is None:
            node[step] = {}
        node = node[step]
    node[path[-1]] = value


# --- the plan of an import ------------------------------------------------------------------

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
            return f"{'.'.join(path[: depth + 1])} holds {_describe(node)}, not a mapping"
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
