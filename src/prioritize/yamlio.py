"""YAML in: the fast safe read and locating a problem in a file (writing lives in output.py)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from prioritize import yamlfast
from prioritize.yamlfast import MAX_DEPTH

# ruamel.yaml, the flow-depth pass and the line locator are imported where they are used: the
# exact path and locating a problem. A read that yaml-rs takes whole (most commands, most
# files) never loads them.
if TYPE_CHECKING:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    from prioritize.yamllines import Mark as Mark  # 1-based line and column
    from prioritize.yamllines import Path_ as Path_
    from prioritize.yamllines import Positions as Positions


@dataclass
class YamlError(Exception):
    """A file that cannot be read as data: a finding code, a message, a 1-based line and column."""

    code: str
    message: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.line}:{self.col}: {self.message}"


@cache
def _safe_yaml() -> YAML:
    # The C parser with the safe constructor: YAML 1.2, no tags that build objects,
    # duplicate keys are errors. Read-only commands never pay for a round-trip parse.
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import SafeConstructor

    yaml = YAML(typ="safe", pure=False)
    # A plain `=` resolves to the YAML 1.1 "value" type, which the safe constructor refuses;
    # the round-trip loader and yaml-rs read it as text, and so does this one.
    yaml.constructor.add_constructor("tag:yaml.org,2002:value", SafeConstructor.construct_yaml_str)
    return yaml


def decode(data: bytes) -> str:
    """The text of a UTF-8 file (a BOM is dropped); bad bytes are a located problem."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise YamlError(
            "encoding",
            f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8",
            line,
            col,
        ) from None
    return text.removeprefix("\ufeff")


def _check_flow_depth(text: str) -> None:
    # Measured as libyaml reads the text (brackets in comments, quotes and text do not count),
    # before it parses it: its parser slows with the square of the depth, its loader recurses.
    from prioritize.yamldepth import too_deep

    deep = too_deep(text, MAX_DEPTH)
    if deep is None:
        return
    message = f"nesting deeper than {MAX_DEPTH} levels"
    if not deep.certain:
        message += " (every [ and { after a ? key or a line starting with : counts as a level)"
    raise YamlError("syntax", message, deep.line, deep.col)


def _check_data_depth(data: Any, text: str) -> None:
    """Refuse data nested deeper than MAX_DEPTH, at the place it first goes too deep."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if type(node) is dict:
            children: Any = ((str(k), v) for k, v in node.items())
        elif type(node) is list:
            children = enumerate(node)
        else:
            continue
        if len(path) >= MAX_DEPTH:
            line, col = locate(positions(text), path)
            raise YamlError("syntax", f"nesting deeper than {MAX_DEPTH} levels", line, col)
        stack.extend((value, (*path, key)) for key, value in children)


# Block collections nest one level per indicator or step of indentation ("- - - x" nests them
# on one line); yaml-rs overflows past some 10,000 levels and libyaml past 25,000. Nesting can
# go no deeper than a line's leading columns, so those are bounded; no real file comes near.
MAX_LEADING_COLUMNS = 2000
_DEEP_BLOCK = re.compile(rf"^(?:[ \t]|[-?:](?=[ \t]|$)){{{MAX_LEADING_COLUMNS}}}", re.MULTILINE)
_DIRECTIVE = re.compile(r"^%YAML[ \t]+(?!1\.2\b)", re.MULTILINE)


def _check_block_depth(text: str) -> None:
    # Only a line that long can hold so many; measuring lines is a tenth of the search.
    if len(text) < MAX_LEADING_COLUMNS or max(map(len, text.split("\n"))) < MAX_LEADING_COLUMNS:
        return
    match = _DEEP_BLOCK.search(text)
    if match is not None:
        line, col = _position(text, match.start())
        raise YamlError(
            "syntax", f"nesting deeper than {MAX_LEADING_COLUMNS} leading columns", line, col
        )


def _check_directive(text: str) -> None:
    # A %YAML 1.1 directive would make `no` false and `010` eight on the round-trip path that
    # writes files back; files are YAML 1.2 throughout, so the directive is refused, not ignored.
    match = _DIRECTIVE.search(text) if "%YAML" in text else None
    if match is not None:
        line, col = _position(text, match.start())
        raise YamlError(
            "syntax", "remove the %YAML directive: files are read as YAML 1.2", line, col
        )


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _check_aliases(text: str) -> None:
    # Aliases are refused outright, so an alias bomb ("billion laughs") costs one linear scan.
    if "*" not in text:
        return
    from ruamel.yaml.events import AliasEvent

    for event in _safe_yaml().parse(text):
        if isinstance(event, AliasEvent):
            mark = event.start_mark
            raise YamlError(
                "alias",
                f'alias "*{event.anchor}" is not supported; write the values out in full',
                mark.line + 1,
                mark.column + 1,
            )


def _problem(exc: YAMLError, text: str) -> YamlError:
    from ruamel.yaml.constructor import ConstructorError, DuplicateKeyError
    from ruamel.yaml.error import MarkedYAMLError

    if isinstance(exc, DuplicateKeyError):
        code, mark = "duplicate-key", exc.problem_mark
        message = (exc.problem or "duplicate key").replace("found duplicate key", "duplicate key")
        message = message.split(" with value")[0] + "; each key may appear once in a mapping"
        if message.startswith('duplicate key "id"'):
            message += ' (if a new item starts here, it needs "- " before its id)'

    elif isinstance(exc, ConstructorError) and exc.problem and "tag" in exc.problem:
        code, mark = "unsafe-tag", exc.problem_mark
        tag = exc.problem.split("tag ")[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
        message = f"tag {tag} is not allowed: files hold data only"
    elif isinstance(exc, MarkedYAMLError):
        code, mark = "syntax", exc.problem_mark or exc.context_mark
        parts = [exc.context, exc.problem]
        message = "; ".join(p for p in parts if p) or "invalid YAML"
        if mark is not None and _char_at(text, mark.line, mark.column) == "\t":
            message += " (tabs cannot indent YAML; use spaces)"
        elif mark is not None and (hint := _indentation_hint(text, mark.line)):
            message = f"{hint} (the YAML reader says: {message})"
    else:
        return YamlError("syntax", str(exc).splitlines()[0] if str(exc) else "invalid YAML")
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return YamlError(code, message, line, col)


def _indentation_hint(text: str, line: int) -> str:
    """Plain words for the commonest slip: a line indented unlike the lines of its block.

    The parser notices the slip on the offending line or the one after it, so both are
    looked at; `line` is 0-based.
    """
    lines = text.split("\n")
    for candidate in (line, line - 1):
        if not 0 < candidate < len(lines) or not lines[candidate].strip():
            continue
        before = next(
            (
                lines[k]
                for k in range(candidate - 1, -1, -1)
                if lines[k].strip() and not lines[k].lstrip().startswith("#")
            ),
            None,
        )
        if before is None or before.rstrip().endswith((":", "|", ">", ">-", "|-")):
            continue
        indent = len(lines[candidate]) - len(lines[candidate].lstrip(" "))
        stripped = before.lstrip(" ")
        block = len(before) - len(stripped) + (2 if stripped.startswith("- ") else 0)
        if indent != block and indent > 0:
            return (
                f"line {candidate + 1} is indented {indent} spaces where the line before it "
                f"has {block}: line its key up with the others"
            )
    return ""


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line + 1)
    return lines[line][column : column + 1] if line < len(lines) else ""


def parse(text: str) -> Any:
    """The data in one YAML document, read safely; a problem is raised as YamlError.

    YAML 1.2 as ruamel.yaml's round-trip loader reads it: `no` and `on` are text, `010` is
    ten, dates are dates. No tag builds an object, aliases are refused, duplicate keys are errors.
    """
    _check_shape(text)
    data = yamlfast.read(text)
    return _exact(text) if data is yamlfast.MISSING else data


def parse_exact(text: str) -> Any:
    """The data as ruamel.yaml's safe loader reads it: the slower path that locates every problem."""
    _check_shape(text)
    return _exact(text)


def _check_shape(text: str) -> None:
    # What neither reader may see: block nesting that would crash it, a directive that changes
    # the schema. Flow nesting is measured before the exact path only: yaml-rs refuses more
    # than 255 levels of it by itself (tests/test_fuzz.py holds it to that), and what it
    # refuses goes to the exact path, so both paths end in the same refusal.
    _check_block_depth(text)
    _check_directive(text)


def _exact(text: str) -> Any:
    from ruamel.yaml.error import YAMLError

    _check_flow_depth(text)
    try:
        _check_aliases(text)
        data = _safe_yaml().load(text)
    except YAMLError as exc:
        raise _problem(exc, text) from None
    except (ValueError, OverflowError) as exc:
        # The constructor met a scalar it cannot build, such as the date 2026-02-30.
        raise _unbuildable(text, exc) from None
    except RecursionError:
        raise YamlError("syntax", "the file nests too deeply to read") from None
    _check_data_depth(data, text)
    return data


def _unbuildable(text: str, exc: Exception) -> YamlError:
    """Locate the first scalar the safe constructor fails on (composing never builds values)."""
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    constructor = _safe_yaml().constructor
    stack = [_safe_yaml().compose(text)]
    while stack:
        node = stack.pop()
        if isinstance(node, MappingNode):
            stack.extend(v for pair in reversed(node.value) for v in reversed(pair))
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
        elif node is not None:
            try:
                constructor.construct_object(node, deep=True)
            except (ValueError, OverflowError) as inner:
                what = "date" if "timestamp" in node.tag else "value"
                return YamlError(
                    "invalid-value",
                    f'"{_cut(node.value)}" is not a valid {what}: {_cut(str(inner))}',
                    node.start_mark.line + 1,
                    node.start_mark.column + 1,
                )
    return YamlError("invalid-value", f"a value cannot be read: {exc}")


def _cut(text: str) -> str:
    return text if len(text) <= 60 else text[:60] + "..."


def read(path: Path) -> Any:
    """The data in a YAML file (None for an empty file)."""
    return parse(decode(path.read_bytes()))


# --- locating a problem ---------------------------------------------------------------------


def positions(text: str, wanted: Iterable[Path_] | None = None) -> Positions:
    """Where every value of a text sits, and its key: {path: ((line, col), key (line, col) or None)}.

    Map keys appear in paths as text, list indexes as ints. A text that does not parse gives
    what was read before the problem. With `wanted`, what `locate` needs for those paths may
    be all that is kept.
    """
    # Read from the lines where the layout allows (most files): the parser's events cost more.
    from prioritize import yamllines

    found = yamllines.positions(text, wanted)
    return found if found is not None else parser_positions(text)


def parser_positions(text: str) -> Positions:
    """`positions` from the parser's events alone (no resolving, no composing), which is an
    order of magnitude faster than composing nodes."""
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import MappingStartEvent, ScalarEvent, StreamEndEvent

    ignored, starts, ends = _event_kinds()
    index: Positions = {}
    # Frames of open collections: [path, is_mapping, next index or pending key, key mark, skip depth]
    frames: list[list[Any]] = []
    # The loop is kept flat: a file with findings has tens of thousands of events, and check
    # locates findings in hundreds of files.
    next_event = _event_reader(text)
    try:
        while True:
            event = next_event()
            kind = type(event)
            if kind in ignored:
                if kind is StreamEndEvent:
                    break
                continue
            top = frames[-1] if frames else None
            if top is not None and top[4]:  # inside a complex key: skip to its end
                top[4] += 1 if kind in starts else -1 if kind in ends else 0
                continue
            if kind in ends:
                frames.pop()
                if frames:
                    _advance(frames[-1])
                continue
            start = event.start_mark
            at: Mark = (start.line + 1, start.column + 1)
            if top is None:
                path: Path_ = ()
                index.setdefault(path, (at, None))
            elif top[1]:
                if top[2] is _AWAIT_KEY:
                    if kind is ScalarEvent:
                        top[2], top[3] = str(event.value), at
                    else:  # a mapping or sequence used as a key
                        top[2], top[3], top[4] = None, at, 1
                    continue
                path = (*top[0], top[2])
                if path not in index:
                    index[path] = (at, top[3])
            else:
                path = (*top[0], top[2])
                if path not in index:
                    index[path] = (at, None)
            if kind in starts:
                mapping = kind is MappingStartEvent
                frames.append([path, mapping, _AWAIT_KEY if mapping else 0, None, 0])
            elif top is not None:
                if top[1]:
                    top[2], top[3] = _AWAIT_KEY, None
                else:
                    top[2] += 1
    except YAMLError:
        pass
    return index


@cache
def _event_kinds() -> tuple[frozenset[type], frozenset[type], frozenset[type]]:
    """The parse events `parser_positions` passes over, those that open a collection and those
    that close one."""
    from ruamel.yaml import events

    ignored = {events.StreamStartEvent, events.StreamEndEvent}
    ignored |= {events.DocumentStartEvent, events.DocumentEndEvent}
    starts = {events.MappingStartEvent, events.SequenceStartEvent}
    ends = {events.MappingEndEvent, events.SequenceEndEvent}
    return frozenset(ignored), frozenset(starts), frozenset(ends)


def _event_reader(text: str) -> Callable[[], Any]:
    """The parse events of `text`, one per call: from the C parser itself where it is installed
    (its generator wrapper costs a third of the time), else from ruamel's generator."""
    yaml = _safe_yaml()
    if hasattr(yaml.Parser, "raw_parse"):  # the C parser, which is built from the text
        return cast(Callable[[], Any], yaml.Parser(text).get_event)
    return functools.partial(next, iter(yaml.parse(text)))


class _AwaitKey:
    pass


_AWAIT_KEY = _AwaitKey()


def _advance(frame: list[Any]) -> None:
    if frame[1]:
        frame[2], frame[3] = _AWAIT_KEY, None
    else:
        frame[2] += 1


def locate(index: Positions, path: Sequence[str | int], *, key: bool = False) -> Mark:
    """1-based line and column of the value at `path` (or of its key, with key=True).

    Walks as deep as the file goes: a path into something missing lands on the nearest
    mapping or sequence that holds it, which is where a missing key belongs.
    """
    found: Path_ = ()
    complete = True
    for step in path:
        candidates = (step, str(step)) if isinstance(step, int) else (str(step),)
        nxt = next(((*found, c) for c in candidates if (*found, c) in index), None)
        if nxt is None:
            complete = False
            break
        found = nxt
    value_mark, key_mark = index.get(found, ((1, 1), None))
    if key and complete and key_mark is not None:
        return key_mark
    return value_mark
