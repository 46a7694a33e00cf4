"""Round-trip editing of YAML text: values set at paths, every other byte kept.

Pure: text and data in, text and findings out. Editing goes through ruamel.yaml's round-trip
mode with the file's own indentation, line endings and quoting, and then is checked twice:
the untouched file must come back byte for byte (else the file is refused, not rewritten
differently), and the edited text must read back as the old data plus exactly the edits.
"""

from __future__ import annotations

import copy
import io
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    ScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.tokens import CommentToken

from prioritize import yamlio
from prioritize.edits import Edit, NewItem, Path_, Value
from prioritize.models import Evidence, Item, Outcome
from prioritize.values import describe

_TAGS = {
    int: "tag:yaml.org,2002:int",
    float: "tag:yaml.org,2002:float",
    date: "tag:yaml.org,2002:timestamp",
}


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


class _Loaded(NamedTuple):
    """A text loaded for editing, with what is needed to dump it again in the same layout."""

    yaml: YAML
    layout: Layout
    head: str
    body: str
    tail: str
    data: Any


def _round_trip_checked(text: str) -> _Loaded:
    """`text` loaded for editing; raises EditError where it does not come back byte for byte."""
    layout = detect_layout(text)
    head, body, tail = _split(text.replace("\r\n", "\n"))
    yaml = _yaml(layout)
    untouched = _dump(yaml, _load(yaml, body), layout, head, tail)
    if untouched != text:
        raise _first_difference(text, untouched)
    return _Loaded(yaml, layout, head, body, tail, _load(yaml, body))


def apply_edits(text: str, edits: Sequence[Edit], data: Any = None) -> str:
    """`text` with each edit applied and every other byte as it was.

    Tries the splicer first (splice.splice_edits: the values replaced in place, a fraction of
    the cost), and takes the round-trip path where it cannot prove its result. `data`, what
    yamlio.parse reads `text` as where the caller has it (left unchanged), spares reading it again.
    A missing key is appended to its mapping, creating the mappings on its path as needed (in
    flow style where the mappings beside them are); comments and blank lines that followed the
    mapping's last entry stay after the new key.
    Numbers and dates are written as their Value.text. Raises EditError, writing nothing,
    where the untouched text does not round-trip or a path runs into something not a mapping.
    """
    if edits:
        from prioritize.splice import splice_edits

        spliced = splice_edits(text, edits, _new_key_position, _number_text, data)
        if spliced is not None:
            return spliced
    return round_trip_edits(text, edits)


def round_trip_edits(text: str, edits: Sequence[Edit]) -> str:
    """`apply_edits` through the round-trip loader alone, composing the whole file (slow)."""
    yaml, layout, head, _, tail, data = _round_trip_checked(text)
    for edit in edits:
        _set(data, edit.path, _node_value(yaml, edit.value), edit.item)
    result = _dump(yaml, data, layout, head, tail)
    _verify(text, result, edits)
    return result


def _new_key_position(keys: list[str], key: str, edit: Edit) -> int:
    """Where `_set` puts the new last key of `edit.path` among a mapping's `keys`."""
    depth, item = len(edit.path) - 1, edit.item
    order = (
        KEY_ORDER.get(tuple(map(str, edit.path[item:depth])))
        if item is not None and depth >= item
        else None
    )
    return _position(keys, key, order)


@cache
def _resolving_yaml() -> YAML:
    return YAML()


def _number_text(value: Value) -> str:
    """The text `apply_edits` writes for a number or date."""
    return str(_node_value(_resolving_yaml(), value))


def _node_value(yaml: YAML, value: Value) -> Any:
    if value.text is None:
        return value.data
    tag = _TAGS[type(value.data)]
    if yaml.resolver.resolve(ScalarNode, value.text, (True, False)) == tag:
        return _Verbatim(value.text, tag)
    canonical = value.data.isoformat() if isinstance(value.data, date) else repr(value.data)
    return _Verbatim(canonical, tag)


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
                f"cannot set {'.'.join(map(str, path))}: {where} holds {describe(node)}, not a mapping"
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


def _position(mapping: CommentedMap | list[str], key: Any, order: tuple[str, ...] | None) -> int:
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
    _reads_back(new_text, expected, "the edited file", "as the old data plus the edits")


def _reads_back(new_text: str, expected: Any, what: str, how: str) -> None:
    """Raise EditError, so that nothing is written, unless `new_text` reads as `expected`."""
    try:
        actual = yamlio.parse(new_text)
    except yamlio.YamlError as problem:  # pragma: no cover - ruamel writes what it reads
        raise EditError(f"{what} would not read back: {problem.message}", problem.line) from None
    if actual != expected:
        raise EditError(f"{what} would not read back {how}; it was left alone")


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


# --- creating items -------------------------------------------------------------------------


def append_items(text: str, items: Sequence[NewItem]) -> str:
    """`text` with `items` appended to its top-level `items:` list, every other byte as it was.

    A new item is written in the file's layout, its keys in the order given; a string is quoted
    the way the same key of the list's last item is, and an evidence section is a flow mapping
    where the last item's are. Items separated by blank lines get one before the new item;
    comments and blank lines that followed the last item follow the new one. Raises EditError,
    writing nothing, where the text does not round-trip or holds no list of items.
    """
    yaml, layout, head, body, tail, data = _round_trip_checked(text)
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap) or "id" in data:
        raise EditError(
            "cannot add items to this file: it is not a backlog file with a list of items"
        )
    seq = data.get("items")
    if seq is None or (isinstance(seq, CommentedSeq) and not seq and seq.fa.flow_style()):
        seq = CommentedSeq()
        if "items" in data:
            data["items"] = seq
        else:
            _place(data, "items", seq, len(data))
    if not isinstance(seq, CommentedSeq):
        raise EditError(f"cannot add items: items holds {describe(seq)}, not a list")
    blank = _blank_before_last(seq, body.split("\n"))
    for item in items:
        _append(seq, _item_map(yaml, item, seq[-1] if len(seq) else None), blank=blank)
    result = _dump(yaml, data, layout, head, tail)
    expected = copy.deepcopy(yamlio.parse(text)) or {}
    expected.setdefault("items", None)
    expected["items"] = [*(expected["items"] or []), *(_plain_item(i) for i in items)]
    _verify_data(result, expected)
    return result


def new_items_file(items: Sequence[NewItem], *, alone: bool, like: str = "") -> str:
    """The text of a new backlog file: one item as the whole file (`alone`), else an `items:` list.

    Written in the layout (indentation, line endings) of `like`, the text of a file beside it.
    """
    if alone and len(items) != 1:
        raise ValueError("a one-item file holds exactly one item")
    layout = detect_layout(like) if like else Layout()
    layout = Layout(layout.mapping, layout.sequence, layout.offset, layout.newline, True)
    yaml = _yaml(layout)
    model = _load(yaml, _split(like.replace("\r\n", "\n"))[1]) if like else None
    if alone:
        data: Any = _item_map(yaml, items[0], model if isinstance(model, CommentedMap) else None)
        expected: Any = _plain_item(items[0])
    else:
        seq = CommentedSeq()
        last = model.get("items") if isinstance(model, CommentedMap) else None
        last_item = last[-1] if isinstance(last, CommentedSeq) and len(last) else None
        for item in items:
            _append(seq, _item_map(yaml, item, last_item))
        data = CommentedMap({"items": seq})
        expected = {"items": [_plain_item(i) for i in items]}
    result = _dump(yaml, data, layout, "", "")
    _verify_data(result, expected)
    return result


def _item_map(yaml: YAML, item: NewItem, model: Any) -> CommentedMap:
    """The item as a mapping in the order of its values, quoted and styled like `model`."""
    mapping = CommentedMap()
    for path, value in item.values:
        node, like = mapping, model
        for step in path[:-1]:
            if step not in node:
                node[step] = CommentedMap()
                if _flow_like(like, step):
                    node[step].fa.set_flow_style()
            node = node[step]
            like = like.get(step) if isinstance(like, CommentedMap) else None
        written = _node_value(yaml, value)
        old = like.get(path[-1]) if isinstance(like, CommentedMap) else None
        if value.text is None and isinstance(value.data, str):
            if isinstance(old, DoubleQuotedScalarString):
                written = DoubleQuotedScalarString(value.data)
            elif isinstance(old, SingleQuotedScalarString):
                written = SingleQuotedScalarString(value.data)
        node[path[-1]] = written
    return mapping


def _flow_like(model: Any, key: str) -> bool:
    """Whether a new mapping at `key` is written in flow style: as `model[key]` is, else as its
    sibling mappings are."""
    if not isinstance(model, CommentedMap):
        return False
    same = model.get(key)
    if isinstance(same, CommentedMap):
        return bool(same.fa.flow_style())
    return _flow_siblings(model)


def _blank_before_last(seq: CommentedSeq, lines: Sequence[str]) -> bool:
    """Whether a blank line separates the last entry of `seq` from the one before it in `lines`
    (the text `seq` was read from), comment lines in between aside."""
    if len(seq) < 2:
        return False
    number = seq.lc.item(len(seq) - 1)[0] - 1
    while number >= 0 and lines[number].lstrip().startswith("#"):
        number -= 1
    return number >= 0 and not lines[number].strip()


def _append(seq: CommentedSeq, mapping: CommentedMap, *, blank: bool = False) -> None:
    """Append `mapping` to the block list `seq`: a blank line before it when `blank` (the
    entries are separated by blank lines); what followed the last entry (comments, blank lines, the next key's
    leading comment) moves after the new one."""
    if not len(seq) or seq.fa.flow_style():
        seq.append(mapping)
        return
    container, key = _deepest(seq, len(seq) - 1)
    slots = container.ca.items.get(key)
    token = slots[_slot(container)] if slots else None
    eol, rest = "", ""
    if isinstance(token, CommentToken):
        eol, _, rest = token.value.partition("\n")
    separator = "\n" if blank else ""
    if eol.strip() or separator:
        slots = container.ca.items.setdefault(key, [None, None, None, None])
        slots[_slot(container)] = CommentToken(eol + "\n" + separator, CommentMark(0))
    elif slots:
        slots[_slot(container)] = None
    seq.append(mapping)
    if rest:
        container, key = _deepest(seq, len(seq) - 1)
        slots = container.ca.items.setdefault(key, [None, None, None, None])
        slots[_slot(container)] = CommentToken("\n" + rest, CommentMark(0))


def _plain_item(item: NewItem) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for path, value in item.values:
        _set_plain(data, path, value.data)
    return data


def _verify_data(new_text: str, expected: Any) -> None:
    _reads_back(new_text, expected, "the file with the new items", "as written")
