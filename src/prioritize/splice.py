"""Editing YAML text in place: a few scalars replaced or keys added, located from parser events.

Pure: text and edits in, text (or None) out. The splicer finds each target from the C parser's
events (start and end of every scalar, the keys of every mapping on the way), replaces exactly
the scalar's characters or inserts one new entry, and proves the result by one fast re-read
that must equal the old data plus the edits. Where it cannot prove a layout (text over several
lines, anchors, tags, complex keys, a mapping to create, text it cannot write exactly as the
round-trip writer would) it returns None and the caller takes the round-trip path
(edit.apply_edits), which composes the whole file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from ruamel.yaml.nodes import ScalarNode

from prioritize import yamlio
from prioritize.edits import Edit, Path_, Value

_STR = "tag:yaml.org,2002:str"
# Text the round-trip writer leaves plain: a conservative subset (no indicators, no ": " or
# " #", nothing that reads as another type; the resolver checks the last).
_PLAIN_BLOCK = re.compile(r"[A-Za-z][A-Za-z0-9 _.,()/&+'-]*(?<! )")
_PLAIN_FLOW = re.compile(r"[A-Za-z][A-Za-z0-9 _./()&+'-]*(?<! )")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_COMMENT = re.compile(r"[ \t]+#")
# Line patterns start with the newline before the line, not ^: the regex engine then skips to
# each newline, where ^ is tried at every character (five times slower over a file of items).
_ITEMS_KEY = re.compile(r"\nitems:[ \t]*(?:#[^\r\n]*)?\r?$", re.MULTILINE)
_CONTENT_LINE = re.compile(r"\n( *)[^ \r\n#]")  # not blank, not a comment


@cache
def _resolver() -> Any:
    """The round-trip loader's resolver: which tag plain text reads as (YAML 1.2)."""
    return YAML().resolver


def _resolves(text: str) -> str:
    return str(_resolver().resolve(ScalarNode, text, (True, False)))


@dataclass
class _Mapping:
    """A mapping on the way to an edit: its keys in order, where each entry's value ends."""

    flow: bool
    line: int  # the line of "{" (flow)
    start: int = -1  # index just after "{" (flow) or of the first key (block)
    column: int = -1  # column of the first key (block)
    keys: list[str] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)  # index after each entry's value


@dataclass
class _Scalar:
    start: int
    end: int
    style: str
    text: str


class _Unprovable(Exception):
    """A layout the splicer does not handle; the caller falls back."""


def _scan(text: str, wanted: set[Path_]) -> tuple[dict[Path_, _Mapping], dict[Path_, _Scalar]]:
    """The mappings and the scalars at the `wanted` paths.

    Raises _Unprovable on anything the splicer cannot keep exactly (see the module docstring).
    """
    prefixes: set[Path_] = {p[:n] for p in wanted for n in range(len(p) + 1)}
    mappings: dict[Path_, _Mapping] = {}
    scalars: dict[Path_, _Scalar] = {}
    # A frame: [path (None: not on the way to an edit), is_mapping, key or index,
    # awaiting a key, the _Mapping recorded for it or None]
    frames: list[list[Any]] = []
    last_end = 0  # where the last thing written ended (a scalar, a flow collection's bracket)
    for event in yamlio._safe_yaml().parse(text):
        kind = type(event)
        if kind is ScalarEvent:
            if event.anchor is not None or not (event.implicit[0] or event.implicit[1]):
                raise _Unprovable("an anchor or a tag")
            start, end = event.start_mark, event.end_mark
            if start.line != end.line and event.style not in ("|", ">"):
                raise _Unprovable("plain or quoted text over several lines")
            last_end = end.index
            if not frames:
                continue
            top = frames[-1]
            if top[1] and top[3]:  # a key
                top[2], top[3] = event.value, False
                record = top[4]
                if record is not None:
                    if not record.keys and not record.flow:
                        record.start, record.column = start.index, start.column
                    record.keys.append(event.value)
                continue
            if top[0] is not None:
                here = (*top[0], top[2])
                if here in wanted:
                    if start.line != end.line:
                        raise _Unprovable("a target over several lines")
                    scalars[here] = _Scalar(start.index, end.index, event.style or "", event.value)
            _advance(top, last_end)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or (event.tag is not None and not event.implicit):
                raise _Unprovable("an anchor or a tag")
            parent = frames[-1] if frames else None
            if parent is not None and parent[1] and parent[3]:
                raise _Unprovable("a complex key")
            path: Path_ | None = ()
            if parent is not None:
                path = None if parent[0] is None else (*parent[0], parent[2])
            if path is not None and path not in prefixes:
                path = None
            record = None
            if kind is MappingStartEvent and path is not None:
                flow = bool(event.flow_style)
                record = _Mapping(flow, event.start_mark.line)
                if flow:
                    record.start = event.end_mark.index
                mappings[path] = record
            frames.append([path, kind is MappingStartEvent, 0, True, record])
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            frame = frames.pop()
            if event.start_mark.index != event.end_mark.index:  # a flow collection's bracket
                last_end = event.end_mark.index
                record = frame[4]
                if record is not None and event.start_mark.line != record.line:
                    raise _Unprovable("a flow mapping over several lines")
            if frames:
                _advance(frames[-1], last_end)
        elif kind is AliasEvent:
            raise _Unprovable("an alias")
    return mappings, scalars


def _advance(frame: list[Any], end: int) -> None:
    if frame[1]:
        if frame[4] is not None:
            frame[4].ends.append(end)
        frame[3] = True
    else:
        frame[2] += 1


def splice_edits(
    text: str,
    edits: Sequence[Edit],
    position: Callable[[list[str], str, Edit], int],
    number_text: Callable[[Value], str],
    data: Any = None,
) -> str | None:
    """`text` with each edit applied in place and every other byte as it was, or None.

    `position(keys, key, edit)` says where a new key goes among a mapping's keys (as the
    round-trip editor places it); `number_text(value)` is the text the round-trip editor
    writes for a number or date. `data` is what yamlio.parse reads `text` as, where the caller
    has it already (it is left unchanged; None: read here). Only the items edited are scanned
    where the file is a list of items, not the whole file. None where the splicer cannot prove the result.
    """
    if not edits:
        return text
    newline = "\r\n" if "\r\n" in text else "\n"
    if newline == "\r\n" and text.count("\n") != text.count("\r\n"):
        return None  # mixed line endings
    try:
        old = yamlio.parse(text) if data is None else data
        mappings, scalars = _locate(text, edits, old)
        result = _apply(text, edits, mappings, scalars, newline, position, number_text)
        actual = yamlio.parse(result)
    except (_Unprovable, YAMLError, yamlio.YamlError):
        return None
    return result if _reads_as_edited(actual, old, edits) else None


def _locate(
    text: str, edits: Sequence[Edit], data: Any
) -> tuple[dict[Path_, _Mapping], dict[Path_, _Scalar]]:
    """What `_scan` finds for `edits`: in the edited entries of the top-level `items:` list
    alone where every edit lies in one (a file of many items), else in the whole text."""
    everything = {e.path for e in edits} | {e.path[:-1] for e in edits}
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return _scan(text, everything)
    by_entry: dict[int, set[Path_]] = {}
    for edit in edits:
        index = edit.path[1] if edit.item == 2 and edit.path[0] == "items" else None
        if not isinstance(index, int) or index >= len(items):
            return _scan(text, everything)
        inside = (0, *edit.path[2:])  # the entry is the first of a one-entry list
        by_entry.setdefault(index, set()).update((inside, inside[:-1]))
    spans = _entry_spans(text, len(items))
    if spans is None:
        return _scan(text, everything)
    mappings: dict[Path_, _Mapping] = {}
    scalars: dict[Path_, _Scalar] = {}
    for index, wanted in by_entry.items():
        start, end = spans[index]
        entry = text[start:end]
        # The cut must hold the whole entry and nothing else: a mapping cut short would give
        # new keys another place among the keys it still has.
        if yamlio.parse(entry) != [items[index]]:
            raise _Unprovable("an entry the line scan cannot cut out")
        found_mappings, found_scalars = _scan(entry, wanted)
        for path, mapping in found_mappings.items():
            if path:
                mapping.start += start if mapping.start >= 0 else 0
                mapping.ends = [e + start for e in mapping.ends]
                mappings[("items", index, *path[1:])] = mapping
        for path, scalar in found_scalars.items():
            scalar.start, scalar.end = scalar.start + start, scalar.end + start
            scalars[("items", index, *path[1:])] = scalar
    return mappings, scalars


def _entry_spans(text: str, count: int) -> list[tuple[int, int]] | None:
    """Where each entry of the top-level block list `items:` starts and ends (whole lines, the
    comments below an entry with it); None unless exactly `count` entries are found.

    A line scan, not a parse: `_locate` proves each cut by reading it.
    """
    # Every line follows a newline in `lines`, the first too; a match's start (its newline)
    # there is where its line starts in `text`.
    lines = "\n" + text
    key = _ITEMS_KEY.search(lines)
    if key is None or _ITEMS_KEY.search(lines, key.end()) is not None:
        return None
    first = _CONTENT_LINE.search(lines, key.end())
    if first is None or lines[first.end() - 1] != "-":
        return None
    dash = len(first.group(1))
    entry = re.compile(rf"\n {{{dash}}}-(?:[ \t]|\r?$)", re.MULTILINE)
    after = re.compile(rf"\n(?! {{{dash}}}-(?:[ \t]|\r?$)) {{0,{dash}}}[^ \r\n#]", re.MULTILINE)
    stop = after.search(lines, first.start())
    end = stop.start() if stop is not None else len(text)
    starts = [m.start() for m in entry.finditer(lines, first.start(), end + 1)]
    if len(starts) != count:
        return None
    return list(zip(starts, [*starts[1:], end], strict=True))


def _reads_as_edited(actual: Any, old: Any, edits: Sequence[Edit]) -> bool:
    """Whether `actual` is `old` with each edit's value set (`actual` is changed on the way:
    each edited value is checked, then put back as it was in `old`)."""
    last = {edit.path: edit.value.data for edit in edits}
    for path, value in last.items():
        now, before = _parent(actual, path), _parent(old, path)
        if now is None or before is None:
            return False
        key = path[-1]
        if key not in now or now[key] != value:
            return False
        if key in before:
            now[key] = before[key]
        else:
            del now[key]
    return bool(actual == old)


def _parent(data: Any, path: Path_) -> dict[Any, Any] | None:
    """The mapping holding the value at `path`, through existing mappings and lists only."""
    node = data
    for step in path[:-1]:
        inside_list = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        inside_map = isinstance(node, dict) and isinstance(node.get(step), dict | list)
        if not inside_list and not inside_map:
            return None
        node = node[step]
    return node if isinstance(node, dict) else None


class _Placed:
    """A mapping's keys as the edits leave them, and the text of each new key's value."""

    def __init__(self, mapping: _Mapping) -> None:
        self.mapping = mapping
        self.keys = [*mapping.keys]
        self.new: dict[str, str] = {}


def _apply(
    text: str,
    edits: Sequence[Edit],
    mappings: dict[Path_, _Mapping],
    scalars: dict[Path_, _Scalar],
    newline: str,
    position: Callable[[list[str], str, Edit], int],
    number_text: Callable[[Value], str],
) -> str:
    replaced: dict[Path_, tuple[int, int, str]] = {}
    placed: dict[Path_, _Placed] = {}
    for edit in edits:
        parent, key = edit.path[:-1], edit.path[-1]
        mapping = mappings.get(parent)
        if mapping is None or not isinstance(key, str):
            raise _Unprovable("the edit's mapping is not there")
        scalar = scalars.get(edit.path)
        if scalar is not None:
            if scalar.style == "" and scalar.text == "":
                raise _Unprovable("an empty value")
            written = _scalar_text(edit.value, scalar.style, mapping.flow, number_text)
            replaced[edit.path] = (scalar.start, scalar.end, written)
            continue
        if key in mapping.keys:
            raise _Unprovable("the value is a collection")
        keys = placed.get(parent) or placed.setdefault(parent, _Placed(mapping))
        if key not in keys.new:
            if not _KEY.fullmatch(key) or _resolves(key) != _STR:
                raise _Unprovable("a key that needs quotes")
            keys.keys.insert(position(keys.keys, key, edit), key)
        keys.new[key] = _scalar_text(edit.value, "", mapping.flow, number_text)
    splices = sorted(replaced.values())
    for keys in placed.values():
        splices.extend(_insertions(text, keys, newline))
    splices.sort(key=lambda s: (s[0], s[1]))
    return _join(text, splices)


def _scalar_text(value: Value, style: str, flow: bool, number_text: Callable[[Value], str]) -> str:
    """The text the round-trip writer gives `value` replacing a scalar of `style` ("" plain)."""
    if value.text is not None:
        return number_text(value)
    data = value.data
    if not isinstance(data, str):
        raise _Unprovable("not text")
    if style == "'":
        if not _quotable(data):
            raise _Unprovable("text the writer may quote otherwise")
        return "'" + data.replace("'", "''") + "'"
    if style == '"':
        if not _quotable(data) or not data.isascii():
            raise _Unprovable("text the writer may escape")
        return '"' + data.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if style != "" or not (_PLAIN_FLOW if flow else _PLAIN_BLOCK).fullmatch(data):
        raise _Unprovable("text the writer may quote")
    if _resolves(data) != _STR:
        raise _Unprovable("text that reads as something else")
    return data


def _quotable(text: str) -> bool:
    return bool(text) and text.isprintable() and "\ufeff" not in text and "\x85" not in text


def _insertions(text: str, keys: _Placed, newline: str) -> list[tuple[int, int, str]]:
    """Where the new keys of one mapping go: after the existing entry before them."""
    mapping = keys.mapping
    groups: dict[int, list[str]] = {}  # index of the existing entry before them (-1: none)
    before = -1
    for key in keys.keys:
        if key in keys.new:
            groups.setdefault(before, []).append(key)
        else:
            before = mapping.keys.index(key)
    out: list[tuple[int, int, str]] = []
    for after, new in groups.items():
        entries = [f"{k}: {keys.new[k]}" for k in new]
        if mapping.flow:
            if not mapping.keys:
                raise _Unprovable("an empty flow mapping")
            if after < 0:
                out.append((mapping.start, mapping.start, "".join(e + ", " for e in entries)))
            else:
                at = mapping.ends[after]
                out.append((at, at, "".join(", " + e for e in entries)))
            continue
        indent = " " * mapping.column
        if after < 0:
            line_start = text.rfind("\n", 0, mapping.start) + 1
            if text[line_start : mapping.start].strip(" ") or line_start == 0:
                raise _Unprovable("a first key not at the start of its line")
            previous = text[text.rfind("\n", 0, line_start - 1) + 1 : line_start].strip()
            if not previous or previous.startswith("#"):
                raise _Unprovable("a comment or blank line above the first key")
            out.append((line_start, line_start, "".join(indent + e + newline for e in entries)))
            continue
        end = mapping.ends[after]
        line_end = text.find("\n", end)
        if line_end < 0:  # the last line, without a line break
            out.append((len(text), len(text), "".join(newline + indent + e for e in entries)))
        else:
            at = line_end + 1
            out.append((at, at, "".join(indent + e + newline for e in entries)))
    return out


def _join(text: str, splices: list[tuple[int, int, str]]) -> str:
    """`text` with each (start, end, new text) splice made; an end-of-line comment after a
    changed value keeps its column where the line leaves room, else sits one space after it."""
    parts: list[str] = []
    done = 0
    for number, (start, end, new) in enumerate(splices):
        if start < done:
            raise _Unprovable("overlapping edits")
        parts.append(text[done:start])
        parts.append(new)
        done = end
        if start == end and (new.endswith("\n") or new.startswith(("\n", "\r\n"))):
            continue  # a new line: the lines around it are untouched
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        rest = text[end:line_end]
        match = _COMMENT.search(rest)
        if match is None:
            continue
        if any(q in rest[: match.start()] for q in "'\"#"):
            raise _Unprovable("a comment after quoted text")
        later = [s for s in splices[number + 1 :] if s[0] < line_end]
        if later:
            continue  # the last splice on the line places the comment
        line_start = text.rfind("\n", 0, start) + 1
        column = end + match.end() - 1 - line_start  # the "#" in the old line
        head = "".join(parts)
        head_line = head[head.rfind("\n") + 1 :] + rest[: match.start()]
        pad = column - len(head_line) if column > len(head_line) else 1
        parts.append(rest[: match.start()] + " " * pad)
        done = end + match.end() - 1
    parts.append(text[done:])
    return "".join(parts)
