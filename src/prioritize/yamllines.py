"""Where the values of a plainly laid out YAML text sit, read from its lines without the parser.

Locating findings needs the position of every value; walking the C parser's events for that
costs more than the read itself, because each event becomes a Python object. Most files keep
to one layout: block mappings and sequences, one value per line, flow collections that close on
the line they open, block scalars, comments. `positions` reads that layout line by line and
gives exactly what the parser's events give (yamlio.positions); anything else (anchors, tags,
values over several lines, tabs, a second document, text the parser would refuse) gives None,
and the caller asks the parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

Path_ = tuple[str | int, ...]
Mark = tuple[int, int]  # 1-based line and column
Positions = dict[Path_, tuple[Mark, Mark | None]]

# Characters outside the layout: tabs, other line breaks (\r, \x85, \u2028, \u2029), a BOM,
# and whatever the parser's reader refuses.
_OUTSIDE = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
# A key as it opens a block entry: plain words, or quoted without backslashes; then ": " or
# ":" at the end of the line.
_KEY = re.compile(r"""(?:([\w][\w.\-/]*(?: [\w.\-/]+)*)|"([^"\\]*)"|'((?:[^']|'')*)'):(?: +|$)""")
_DOUBLE = re.compile(r"""\"(?:[^"\\]|\\[0abtnvfre "/\\N_LP])*\"""")
_SINGLE = re.compile(r"'(?:[^']|'')*'")
# (No "?" after the first character either: libyaml refuses "?`" inside a flow collection,
# which ruamel's own parser reads, so such text is left to the parser.)
_IN_FLOW = r"""(?:[^\s\-?:,\[\]{}#&*!|>'"%@`]|-[^\s\-,\[\]{}#:])[^,\[\]{}#:?]*"""
_FLOW_PLAIN = re.compile(_IN_FLOW)
# The common flow collections, plain words only and nothing nested, placed without recursion.
_PLAIN_SEQUENCE = re.compile(rf"\[ *(?:{_IN_FLOW}(?:, *{_IN_FLOW})*)?\]")
_PLAIN_MAPPING = re.compile(rf"{{ *(?:{_IN_FLOW}: +{_IN_FLOW}(?:, *{_IN_FLOW}: +{_IN_FLOW})*)?}}")
_REST = re.compile(r"(?: +(?:#.*)?)?$")  # what may follow a value on its line
_BLOCK_HEADER = re.compile(r"[|>][-+]?(?: +(?:#.*)?)?$")
_DOCUMENT_START = re.compile(r"---(?: +(?:#.*)?)?$")
_NOT_PLAIN = frozenset(",[]{}#&*!|>'\"%@`?:")
# First characters of a value that the inline path leaves to _value ("" is no value at all).
_SPECIAL = _NOT_PLAIN | {"", "-", '"', "'"}
_MAX_DEPTH = 64  # far beyond any real file; deeper texts go to the parser
_MAX_KEY = 1000  # the parser looks no further than 1024 characters for a key's colon


class _Beyond(Exception):
    """The text leaves the layout this module reads."""


def positions(text: str, wanted: Iterable[Path_] | None = None) -> Positions | None:
    """Where every value of `text` sits, and its key, as yamlio.positions gives it; None when
    the text is laid out in a way only the parser can place.

    With `wanted`, only what yamlio.locate reads to place those paths is kept: each path's
    steps as far as the text has them (an int step also as the text of a key).
    """
    if _OUTSIDE.search(text):
        return None
    index: Positions = {}
    try:
        _Scan(text.split("\n"), index, None if wanted is None else _prefixes(wanted)).run()
    except _Beyond:
        return None
    return index


def _prefixes(paths: Iterable[Path_]) -> set[Path_]:
    found: set[Path_] = {()}
    for path in paths:
        forms: list[Path_] = [()]
        for step in path:
            steps = (step, str(step)) if isinstance(step, int) else (step,)
            forms = [(*form, s) for form in forms for s in steps]
            found.update(forms)
    return found


@dataclass(slots=True)
class _Open:
    """A block collection still open: the indent of its keys or dashes, its path (None when
    nothing in it is kept), its items so far."""

    mapping: bool
    indent: int
    path: Path_ | None
    count: int = 0
    indentless: bool = False  # a sequence at its parent key's indent


class _Scan:
    """One pass over the lines, holding the open block collections."""

    def __init__(self, lines: list[str], index: Positions, wanted: set[Path_] | None) -> None:
        self.lines = lines
        self.index = index
        self.wanted = wanted  # None: keep every path
        self.frames: list[_Open] = []  # innermost last
        self.rooted = False  # the root collection has started
        # A value announced by "key:" or "-" with nothing after it: (path, key mark, indent of
        # its owner, owner is a mapping); the next line must open a collection for it.
        self.pending: tuple[Path_ | None, Mark | None, int, bool] | None = None

    def run(self) -> None:
        lines, index, frames, wanted = self.lines, self.index, self.frames, self.wanted
        started = False
        at, end = 0, len(lines)
        while at < end:
            line = lines[at]
            at += 1
            body = line.lstrip(" ")
            if not body or body[0] == "#":
                continue
            indent = len(line) - len(body)
            if body[0] == "-" and (len(body) == 1 or body[1] == " "):
                at = self._item(self._frame(indent, True, at), line, indent, at)
                continue
            key = _KEY.match(line, indent)
            if key is None:
                if started or self.rooted or indent or not _DOCUMENT_START.match(line):
                    raise _Beyond
                started = True  # "---" before the root: no event of its own is located
                continue
            top = frames[-1] if frames else None
            if (
                top is None
                or top.indent != indent
                or not top.mapping
                or self.pending is not None
                or key.end() - indent > _MAX_KEY
            ):
                at = self._entry(self._frame(indent, False, at), line, key, at)
                continue
            # The common line, "key: plain value" in the mapping already open, kept inline.
            start = key.end()
            path = top.path
            if path is not None:
                text = key[1]
                path = (*path, text if text is not None else _key_text(key))
                if wanted is not None and path not in wanted:
                    path = None
            value = line[start:]
            if value[:1] in _SPECIAL:
                at = self._value(line, start, path, (at, indent + 1), indent, True, at)
                continue
            if ":" in value or "#" in value:
                cut = value.find(" #")
                value = (value if cut < 0 else value[:cut]).rstrip(" ")
                if ": " in value or value.endswith(":"):
                    raise _Beyond
            if path is not None and path not in index:
                index[path] = ((at, start + 1), (at, indent + 1))
        if self.pending is not None or (started and not self.rooted):
            raise _Beyond  # an empty value: the parser places it by the token before it

    def _child(self, frame: _Open, step: str | int) -> Path_ | None:
        if frame.path is None:
            return None
        path = (*frame.path, step)
        return path if self.wanted is None or path in self.wanted else None

    def _frame(self, indent: int, dash: bool, line_no: int) -> _Open:
        """The open collection a line at `indent` belongs to, opening one where it starts."""
        frames = self.frames
        if self.pending is not None:
            path, key_mark, owner, owner_is_mapping = self.pending
            # A sequence may sit at its key's indent ("indentless"); anything else nests deeper.
            indentless = dash and owner_is_mapping and indent == owner
            if indent <= owner and not indentless:
                raise _Beyond
            self.pending = None
            return self._open(not dash, indent, path, (line_no, indent + 1), key_mark, indentless)
        while frames and frames[-1].indent > indent:
            frames.pop()
        if frames and not dash and frames[-1].indentless and frames[-1].indent == indent:
            frames.pop()  # an indentless sequence ends at its parent's next key
        if not frames:
            if self.rooted:  # a second root: the parser refuses it
                raise _Beyond
            self.rooted = True
            return self._open(not dash, indent, (), (line_no, indent + 1), None, False)
        top = frames[-1]
        if top.indent != indent or top.mapping is dash:
            raise _Beyond
        return top

    def _open(
        self,
        mapping: bool,
        indent: int,
        path: Path_ | None,
        mark: Mark,
        key_mark: Mark | None,
        indentless: bool,
    ) -> _Open:
        if len(self.frames) >= _MAX_DEPTH:
            raise _Beyond
        if path is not None:
            self.index.setdefault(path, (mark, key_mark))
        frame = _Open(mapping, indent, path, 0, indentless)
        self.frames.append(frame)
        return frame

    def _item(self, frame: _Open, line: str, indent: int, at: int) -> int:
        """A "- " line: the next item of a sequence, maybe a mapping opened on the same line."""
        path = self._child(frame, frame.count)
        frame.count += 1
        start = indent + 1
        while start < len(line) and line[start] == " ":
            start += 1
        key = _KEY.match(line, start) if start < len(line) else None
        if key is None:
            return self._value(line, start, path, None, indent, False, at)
        mapping = self._open(True, start, path, (at, start + 1), None, False)
        return self._entry(mapping, line, key, at)

    def _entry(self, frame: _Open, line: str, key: re.Match[str], at: int) -> int:
        """A "key: value" line of a block mapping."""
        if key.end() - key.start() > _MAX_KEY:
            raise _Beyond
        path = self._child(frame, _key_text(key))
        mark = (at, key.start() + 1)
        return self._value(line, key.end(), path, mark, frame.indent, True, at)

    def _value(
        self,
        line: str,
        start: int,
        path: Path_ | None,
        key_mark: Mark | None,
        owner: int,
        owner_is_mapping: bool,
        at: int,
    ) -> int:
        """Place the value that starts at `start` on line `at` (at `path`, unless None); the
        index of the next line to read."""
        first = line[start : start + 1]
        if first in ("", "#"):
            self.pending = (path, key_mark, owner, owner_is_mapping)
            return at
        mark = (at, start + 1)
        if first in "[{":
            index = self.index if path is not None else None  # None: read through, keep nothing
            end = _flow(line, start, path or (), mark, key_mark, index, 0)
        elif first == '"' or first == "'":
            quoted = (_DOUBLE if first == '"' else _SINGLE).match(line, start)
            if quoted is None:  # it goes on over the next line
                raise _Beyond
            end = quoted.end()
        elif first in "|>":
            if not _BLOCK_HEADER.match(line, start):
                raise _Beyond
            if path is not None:
                self.index.setdefault(path, (mark, key_mark))
            return self._skip_block_scalar(at, owner)
        else:
            if first in _NOT_PLAIN or (first == "-" and line[start + 1 : start + 2] in ("", " ")):
                raise _Beyond
            cut = line.find(" #", start)
            plain = (line[start:cut] if cut >= 0 else line[start:]).rstrip(" ")
            if ": " in plain or plain.endswith(":"):
                raise _Beyond
            end = len(line)
        if not _REST.match(line, end):
            raise _Beyond
        if path is not None:
            self.index.setdefault(path, (mark, key_mark))
        return at

    def _skip_block_scalar(self, at: int, owner: int) -> int:
        """The index of the first line after the block scalar whose header is on line `at`."""
        lines, end = self.lines, len(self.lines)
        while at < end and not lines[at]:
            at += 1
        if at == end:
            return at
        body = lines[at].lstrip(" ")
        if not body:  # a leading line of spaces sets the indent in ways not followed here
            raise _Beyond
        content = len(lines[at]) - len(body)
        if content <= owner:  # an empty scalar
            return at
        while at < end:
            body = lines[at].lstrip(" ")
            if body and len(lines[at]) - len(body) < content:
                if len(lines[at]) - len(body) > owner:
                    raise _Beyond
                break
            at += 1
        return at


def _key_text(key: re.Match[str]) -> str:
    plain, double, single = key.groups()
    if plain is not None:
        return plain
    return double if double is not None else single.replace("''", "'")


def _flow(
    line: str,
    start: int,
    path: Path_,
    mark: Mark,
    key_mark: Mark | None,
    index: Positions | None,
    depth: int,
) -> int:
    """Place a flow collection that opens at `start` and its values (in `index`, unless None);
    the index after it."""
    plain = (_PLAIN_MAPPING if line[start] == "{" else _PLAIN_SEQUENCE).match(line, start)
    if plain is not None and plain.end() - start < _MAX_KEY:
        if index is not None:
            index.setdefault(path, (mark, key_mark))
            _place_plain_flow(plain.group(), start, path, mark[0], index)
        return plain.end()
    if depth >= _MAX_DEPTH:
        raise _Beyond
    if index is not None:
        index.setdefault(path, (mark, key_mark))
    mapping = line[start] == "{"
    close = "}" if mapping else "]"
    at = _skip_spaces(line, start + 1)
    if line[at : at + 1] == close:
        return at + 1
    number = 0
    while True:
        if mapping:
            key, after = _flow_key(line, at)
            inner_key: Mark | None = (mark[0], at + 1)
            if line[after : after + 2] != ": ":
                raise _Beyond
            at = _skip_spaces(line, after + 2)
            inner: Path_ = (*path, key)
        else:
            inner_key, inner = None, (*path, number)
            number += 1
        at = _skip_spaces(line, _flow_node(line, at, inner, mark[0], inner_key, index, depth))
        if line[at : at + 1] == close:
            return at + 1
        if line[at : at + 1] != ",":
            raise _Beyond
        at = _skip_spaces(line, at + 1)
        if line[at : at + 1] in ("", close):  # a trailing comma
            raise _Beyond


def _place_plain_flow(flow: str, start: int, path: Path_, line_no: int, index: Positions) -> None:
    """The values of a flow collection `_PLAIN_SEQUENCE` or `_PLAIN_MAPPING` matched."""
    inner = flow[1:-1]
    if not inner.strip(" "):
        return
    column = start + 2  # 1-based column of the first character inside the bracket
    mapping = flow[0] == "{"
    for number, part in enumerate(inner.split(",")):
        lead = len(part) - len(part.lstrip(" "))
        if mapping:
            key, _, value = part.partition(":")
            key_mark = (line_no, column + lead)
            value_at = column + len(key) + 1 + len(value) - len(value.lstrip(" "))
            index.setdefault((*path, key.strip(" ")), ((line_no, value_at), key_mark))
        else:
            index.setdefault((*path, number), ((line_no, column + lead), None))
        column += len(part) + 1


def _flow_node(
    line: str,
    at: int,
    path: Path_,
    line_no: int,
    key_mark: Mark | None,
    index: Positions | None,
    depth: int,
) -> int:
    first = line[at : at + 1]
    mark = (line_no, at + 1)
    if first in ("[", "{"):
        return _flow(line, at, path, mark, key_mark, index, depth + 1)
    found = (
        _DOUBLE.match(line, at)
        if first == '"'
        else _SINGLE.match(line, at)
        if first == "'"
        else _FLOW_PLAIN.match(line, at)
    )
    if found is None:
        raise _Beyond
    if index is not None:
        index.setdefault(path, (mark, key_mark))
    return found.end()


def _flow_key(line: str, at: int) -> tuple[str, int]:
    """A key inside { }: its text and the index after it (and after spaces before its colon)."""
    first = line[at : at + 1]
    if line.find(":", at, at + _MAX_KEY) < 0:
        raise _Beyond
    if first == '"' or first == "'":
        found = (_DOUBLE if first == '"' else _SINGLE).match(line, at)
        if found is None or "\\" in found.group():
            raise _Beyond
        text = found.group()[1:-1]
        return (text if first == '"' else text.replace("''", "'")), _skip_spaces(line, found.end())
    plain = _FLOW_PLAIN.match(line, at)
    if plain is None:
        raise _Beyond
    return plain.group().rstrip(" "), _skip_spaces(line, plain.end())


def _skip_spaces(line: str, at: int) -> int:
    while at < len(line) and line[at] == " ":
        at += 1
    return at
