"""How deeply a YAML text nests its flow collections, measured as libyaml's scanner reads it.

Both readers recurse once per level of nesting, and libyaml's event parser slows down with the
square of the depth, so depth is measured here, in one linear pass, before either reader sees
the text. Brackets count only where they are structure: never inside comments, quoted scalars
(`''` and backslash escapes, over several lines), block scalars (`|`, `>`, which end where
their indentation does) or plain text (`title: a [b]`, and the more-indented lines that
continue a plain scalar). Where a text takes a form this pass does not follow (a `?` key, a
line that starts with `: `, `: ` inside a continued plain scalar), every later `[` and `{`
counts as an opener and no closer counts: the depth can then only be overstated.

Block nesting is bounded separately (yamlio: leading columns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

# libyaml (the exact path) also breaks lines at NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR.
_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")
_OPENERS = re.compile(r"[\[{]")
_SPACES = re.compile(r"[ \t]*")
_INDENT = re.compile(r" *")
_SINGLE = re.compile(r"'[^']*(?:''[^']*)*'")
_DOUBLE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NAME = re.compile(r"[^\s,\[\]{}]*")  # an anchor or alias name
_TAG = re.compile(r"!<[^>\n]*>|!\S*")
_FLOW_GAP = re.compile(r"(?:[ \t\n]+|#[^\n]*)*")  # whitespace and comments between flow tokens
_FLOW_PLAIN_END = re.compile(r"[\[\]{},:?]|(?<=[ \t\n])#")
_BLOCK_PLAIN_END = re.compile(r"[ \t]#|:(?=[ \t\n]|\Z)|\n")
_CONTINUATION_END = re.compile(r"[ \t]#|:(?=[ \t\n]|\Z)")
_BLOCK_HEADER = re.compile(r"[|>](?:([1-9])[+-]?|[+-]([1-9])?)?[ \t]*(?:#[^\n]*)?(?=\n|\Z)")
_KEY_COLON = re.compile(r"[ \t]*:(?=[ \t\n]|\Z)")

# The fast path: a run of lines of the commonest shapes, matched in one go. A line is indentation,
# block entries (`- `), a plain or one-line quoted key, and a value that is empty, plain (no
# `: ` or ` #` in it), one-line quoted, or a one-line flow collection with nothing but plain
# text inside; then perhaps a comment. Such a line nests at most one level and holds nothing that
# could hide a bracket, whatever it turns out to be. A plain value must be followed by a line no
# more indented (or a comment line), so that no line of the run continues a plain scalar.
_GAP_LINES = r"(?:[ ]*(?:\#[^\n]*)?\n)*"
_PLAIN = (
    r"""(?:[^\s\-?:,\[\]{}\#&*!|>'"%@`]|[-?:](?=\S))"""
    r"""(?:[^\s:\#]++|:(?=\S)|(?<=\S)\#|[ \t]++(?=[^\s\#:])|[ \t]++:(?=\S))*+"""
)
_QUOTED = r"""(?:"[^"\\\n]*(?:\\[^\n][^"\\\n]*)*"|'[^'\n]*(?:''[^'\n]*)*')"""
_KEY = rf"""(?:[A-Za-z0-9_$(/.][^\n:\#\[\]{{}}'"]*+|{_QUOTED})[ ]*:(?:[ ]+|(?=\n|\Z))"""
_LINE = rf"""
    (?!(?:---|\.\.\.)(?:[ \t\n]|\Z))
    (?P<ind>[ ]*)
    (?=-(?:[ ]|\n|\Z)|{_KEY})
    (?P<dashes>(?:-(?:[ ]+|(?=\n|\Z)))*)
    (?P<key>{_KEY})?
    (?:
        (?P<plain>{_PLAIN})[ ]*
        (?:\#[^\n]*|(?=(?:\n[ ]*(?=\n))*+(?:\n[ ]*(?:\#|\Z)|\n(?!(?P=ind)[ \t])|\Z)))
      | (?P<closed>{_QUOTED}|[\[{{][^\[\]{{}}\n'"\#!]*[\]}}])[ ]*(?:\#[^\n]*)?
      | (?:\#[^\n]*)?
    )
    [ ]*(?:\n|\Z)
"""
_RUN = re.compile(rf"{_GAP_LINES}(?:(?P<last>{_LINE}){_GAP_LINES})+", re.VERBOSE | re.MULTILINE)
_ONE_LINE = re.compile(_LINE, re.VERBOSE | re.MULTILINE)


@dataclass(frozen=True)
class Deep:
    """Where a text nests deeper than the limit: 1-based line and column.

    `certain` is False where the depth was overstated past a form this pass does not follow.
    """

    line: int
    col: int
    certain: bool = True


class _Found(Exception):
    def __init__(self, offset: int, certain: bool = True) -> None:
        self.offset, self.certain = offset, certain


class _Lost(Exception):
    """A form this pass does not follow: from `offset` on, only openers count."""

    def __init__(self, offset: int) -> None:
        self.offset = offset


def too_deep(text: str, limit: int) -> Deep | None:
    """Where `text` first nests flow collections deeper than `limit` levels, or None."""
    if text.count("[") + text.count("{") <= limit:
        return None
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
        text = _BREAKS.sub("\n", text)
    try:
        _Scanner(text, limit).run()
    except _Found as found:
        line = text.count("\n", 0, found.offset) + 1
        col = found.offset - (text.rfind("\n", 0, found.offset) + 1) + 1
        return Deep(line, col, found.certain)
    return None


def max_depth(text: str) -> int:
    """The deepest flow nesting of `text` (an overstatement past a form not followed)."""
    scanner = _Scanner(_BREAKS.sub("\n", text), None)
    scanner.run()
    return scanner.deepest


def _end(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where `pattern`, which matches at least the empty string, stops matching from `pos`."""
    match = pattern.match(text, pos)
    assert match is not None
    return match.end()


def _marker(text: str, pos: int) -> bool:
    """Whether a document marker (`---`, `...`) starts the line at `pos`."""
    return text.startswith(("---", "..."), pos) and text[pos + 3 : pos + 4] in ("", " ", "\t", "\n")


@cache
def _block_content(indent: int) -> re.Pattern[str]:
    # Lines of a block scalar: indented at least `indent`, or holding only spaces.
    return re.compile(rf"(?:[ ]{{{indent}}}[^\n]*(?:\n|\Z)|[ ]*\n)*")


class _Scanner:
    def __init__(self, text: str, limit: int | None) -> None:
        self.text, self.limit = text, limit
        self.depth = self.deepest = 0
        # The column a node alone on a later line belongs to (the last key or `-` of a line that
        # ended without a value), or None where such a node would be an error.
        self.parent: int | None = -1
        # The indentation a line must exceed to continue the plain scalar before it, or None.
        self.plain: int | None = None

    def run(self) -> None:
        text, end, pos = self.text, len(self.text), 0
        try:
            while pos < end:
                if self.plain is not None:
                    pos = self._continued(pos)
                    continue
                run = _RUN.match(text, pos)
                if run is not None and run.end() > pos:
                    self._after_run(run)
                    pos = run.end()
                    continue
                pos = self._line(pos)
        except _Lost as lost:
            self._overstate(lost.offset)

    def _open(self, offset: int) -> None:
        self.depth += 1
        self.deepest = max(self.deepest, self.depth)
        if self.limit is not None and self.depth > self.limit:
            raise _Found(offset)

    def _overstate(self, offset: int) -> None:
        for match in _OPENERS.finditer(self.text, offset):
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)
            if self.limit is not None and self.depth > self.limit:
                raise _Found(match.start(), certain=False)

    def _after_run(self, run: re.Match[str]) -> None:
        line = _ONE_LINE.match(self.text, run.start("last"))
        assert line is not None
        if "[" in run.group() or "{" in run.group():
            self.deepest = max(self.deepest, self.depth + 1)
        start = line.start()
        if line.group("key"):
            col = line.start("key") - start
        else:
            col = line.start("dashes") - start + line.group("dashes").rstrip().rfind("-")
        empty = line.group("plain") is None and line.group("closed") is None
        # A plain value is never continued (the run's look-ahead saw to it).
        self.parent, self.plain = (col if empty else None), None

    def _line(self, pos: int) -> int:
        """Read one line in block context from its start; returns where the next one starts."""
        text = self.text
        if _marker(text, pos):
            self.plain, self.parent = None, -1
            return self._tokens(pos + 3, pos)
        first = _end(_SPACES, text, pos)
        if first >= len(text) or text[first] == "\n":
            return first + 1
        if text[first] == "#":
            return self._eol(first) + 1
        return self._tokens(first, pos)

    def _continued(self, pos: int) -> int:
        """Skip the lines that continue a plain scalar; returns where the next line starts."""
        text, end = self.text, len(self.text)
        assert self.plain is not None
        indent, self.plain = self.plain, None
        while pos < end:
            first = _end(_SPACES, text, pos)
            if first < end and text[first] == "\n":
                pos = first + 1  # a blank line: the scalar may go on after it
                continue
            if first >= end or text[first] == "#" or first - pos <= indent or _marker(text, pos):
                return pos  # not a continuation: read it as a line of its own
            eol = self._eol(first)
            stop = _CONTINUATION_END.search(text, first, eol)
            if stop is not None:
                if not stop.group().endswith("#"):
                    raise _Lost(stop.start())
                return eol + 1  # ` #`: the scalar ends, the rest of the line is a comment
            pos = eol + 1
        return end

    def _eol(self, pos: int) -> int:
        found = self.text.find("\n", pos)
        return len(self.text) if found < 0 else found

    def _bare(self, col: int) -> int:
        """The indentation a node that starts a line at `col` belongs to (see `parent`)."""
        if self.parent is None or col < self.parent:
            return -1  # libyaml's parser refuses the node: what follows is never read
        return self.parent

    def _tokens(self, pos: int, line_start: int) -> int:
        """Read the tokens of a line in block context; returns where the next line starts."""
        text, end = self.text, len(self.text)
        first_col = pos - line_start
        last: int | None = None  # the column of the line's last key or `-`
        key_start: int | None = None  # where a node that may turn out a key began
        empty = True
        while True:
            pos = _end(_SPACES, text, pos)
            if pos >= end or text[pos] == "\n":
                break
            c, col = text[pos], pos - line_start
            after = text[pos + 1] if pos + 1 < end else "\n"
            if c == "#":
                break
            if c == "-" and after in " \t\n":
                last, key_start, empty = col, None, True
                pos += 1
                continue
            if c in "?:" and after in " \t\n":
                raise _Lost(pos)
            if c in "&!":
                key_start = col if key_start is None else key_start
                pos = _end(_NAME, text, pos + 1) if c == "&" else _end(_TAG, text, pos)
                continue
            if c in "|>":
                header = _BLOCK_HEADER.match(text, pos)
                if header is None:
                    pos += 1
                    continue
                parent = last if last is not None else self._bare(first_col)
                return self._block_scalar(header, parent)
            if c in ",]}":  # closers outside any flow collection: libyaml refuses them
                pos += 1
                continue
            if c == "%" and col == 0:  # a directive
                break
            node_start = pos if key_start is None else key_start + line_start
            if c in "[{\"'*":
                line_before = line_start
                if c in "[{":
                    pos = self._flow(pos)
                elif c == "*":
                    pos = _end(_NAME, text, pos + 1)
                else:
                    quoted = (_SINGLE if c == "'" else _DOUBLE).match(text, pos)
                    if quoted is None:
                        return end  # never closed: the rest of the text is inside it
                    pos = quoted.end()
                line_start = text.rfind("\n", 0, pos) + 1
                colon = _KEY_COLON.match(text, pos)
                if colon is not None and line_start == line_before:
                    last, key_start, empty = node_start - line_start, None, True
                    pos = colon.end()
                    continue
                key_start, empty = None, False
                continue
            # A plain scalar: it ends at `: ` (a key), ` #` or the end of the line.
            stop = _BLOCK_PLAIN_END.search(text, pos)
            if stop is None or stop.group() == "\n":
                self.plain = last if last is not None else self._bare(first_col)
                self.parent = None
                return end if stop is None else stop.end()
            if stop.group().endswith("#"):
                key_start, empty = None, False
                break
            last, key_start, empty = node_start - line_start, None, True
            pos = stop.end()
        if empty and last is not None:
            self.parent = last
        elif not empty:
            self.parent = None
        return self._eol(pos) + 1

    def _block_scalar(self, header: re.Match[str], parent: int) -> int:
        """Skip a block scalar's content (libyaml's indentation rules); returns the next line."""
        text, end = self.text, len(self.text)
        pos = header.end() + 1
        step = header.group(1) or header.group(2)
        if step:
            indent = parent + int(step) if parent >= 0 else int(step)
        else:
            # Auto-detected: the deepest of the leading blank lines and the first line with text.
            widest, at = 0, pos
            while at < end:
                spaces = _end(_INDENT, text, at)
                widest = max(widest, spaces - at)
                if spaces >= end or text[spaces] != "\n":
                    break
                at = spaces + 1
            indent = max(widest, parent + 1, 1)
        self.plain, self.parent = None, None
        if pos >= end:
            return end
        return _end(_block_content(indent), text, pos)

    def _flow(self, pos: int) -> int:
        """Read a flow collection from its opener; returns the offset after its closer."""
        text, end = self.text, len(self.text)
        base = self.depth
        self._open(pos)
        pos += 1
        while True:
            pos = _end(_FLOW_GAP, text, pos)
            if pos >= end:
                self.depth = base
                return end  # never closed
            c = text[pos]
            if c in "[{":
                self._open(pos)
                pos += 1
            elif c in "]}":
                self.depth -= 1
                pos += 1
                if self.depth == base:
                    return pos
            elif c in ",?:" or (c == "-" and text[pos + 1 : pos + 2] in ("", " ", "\t", "\n")):
                pos += 1
            elif c in "'\"":
                quoted = (_SINGLE if c == "'" else _DOUBLE).match(text, pos)
                if quoted is None:
                    self.depth = base
                    return end
                pos = quoted.end()
            elif c in "&*":
                pos = _end(_NAME, text, pos + 1)
            elif c == "!":
                pos = _end(_TAG, text, pos)
            else:
                stop = _FLOW_PLAIN_END.search(text, pos + 1)
                if stop is None:
                    self.depth = base
                    return end
                pos = stop.start()
