"""YAML in and out: the fast safe read, locating a problem in a file, the round-trip edit, atomic replace."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError, DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

# libyaml recurses per level of nesting and crashes the process somewhere past 10,000 levels;
# no real file comes near this bound.
MAX_FLOW_DEPTH = 500


@dataclass(frozen=True)
class YamlProblem(Exception):
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
    return YAML(typ="safe", pure=False)


def decode(data: bytes) -> str:
    """The text of a UTF-8 file (a BOM is dropped); bad bytes are a located problem."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem(
            "encoding",
            f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8",
            line,
            col,
        ) from None
    return text.removeprefix("\ufeff")


def _check_flow_depth(text: str) -> None:
    if text.count("[") + text.count("{") <= MAX_FLOW_DEPTH:
        return
    depth = 0
    for match in re.finditer(r"[\[\]{}]", text):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_FLOW_DEPTH:
            line, col = _position(text, match.start())
            raise YamlProblem("syntax", f"nesting deeper than {MAX_FLOW_DEPTH} levels", line, col)


# Block collections nest one level per indicator, and "- - - x" nests them on one line; libyaml's
# composer crashes somewhere past 25,000 such levels.
_DEEP_BLOCK = re.compile(r"^(?:[ \t]*[-?:](?:[ \t]+|$)){%d}" % MAX_FLOW_DEPTH, re.MULTILINE)


def _check_block_depth(text: str) -> None:
    match = _DEEP_BLOCK.search(text)
    if match is not None:
        line, col = _position(text, match.start())
        raise YamlProblem("syntax", f"nesting deeper than {MAX_FLOW_DEPTH} levels", line, col)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _check_aliases(text: str) -> None:
    # Aliases are refused outright, so an alias bomb ("billion laughs") costs one linear scan.
    if "*" not in text:
        return
    for event in _safe_yaml().parse(text):
        if isinstance(event, AliasEvent):
            mark = event.start_mark
            raise YamlProblem(
                "alias",
                f'alias "*{event.anchor}" is not supported; write the values out in full',
                mark.line + 1,
                mark.column + 1,
            )


def _problem(exc: YAMLError, text: str) -> YamlProblem:
    if isinstance(exc, DuplicateKeyError):
        code, mark = "duplicate-key", exc.problem_mark
        message = (exc.problem or "duplicate key").replace("found duplicate key", "duplicate key")
        message = message.split(" with value")[0] + "; each key may appear once in a mapping"
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
    else:
        return YamlProblem("syntax", str(exc).splitlines()[0] if str(exc) else "invalid YAML")
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return YamlProblem(code, message, line, col)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line + 1)
    return lines[line][column : column + 1] if line < len(lines) else ""


def parse(text: str) -> Any:
    """The data in one YAML document, read safely; a problem is raised as YamlProblem."""
    _check_flow_depth(text)
    _check_block_depth(text)
    try:
        _check_aliases(text)
        return _safe_yaml().load(text)
    except YAMLError as exc:
        raise _problem(exc, text) from None
    except (ValueError, OverflowError) as exc:
        # The constructor met a scalar it cannot build, such as the date 2026-02-30.
        raise _unbuildable(text, exc) from None
    except RecursionError:
        raise YamlProblem("syntax", "the file nests too deeply to read") from None


def _unbuildable(text: str, exc: Exception) -> YamlProblem:
    """Locate the first scalar the safe constructor fails on (composing never builds values)."""
    constructor = _safe_yaml().constructor
    stack = [compose(text)]
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
                return YamlProblem(
                    "invalid-value",
                    f'"{node.value}" is not a valid {what}: {inner}',
                    node.start_mark.line + 1,
                    node.start_mark.column + 1,
                )
    return YamlProblem("invalid-value", f"a value cannot be read: {exc}")


def read(path: Path) -> Any:
    """The data in a YAML file (None for an empty file)."""
    return parse(decode(path.read_bytes()))


# --- locating a problem ---------------------------------------------------------------------


def compose(text: str) -> Node | None:
    """The node tree of a text already known to parse: marks for every key and value."""
    return _safe_yaml().compose(text)  # type: ignore[no-any-return]


def locate(root: Node | None, path: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
    """1-based line and column of the value at `path` (or of its key, with key=True).

    Walks as deep as the file goes: a path into something missing lands on the nearest
    mapping or sequence that holds it, which is where a missing key belongs.
    """
    node = root
    key_node: Node | None = None
    if node is None:
        return 1, 1
    for step in path:
        child: Node | None = None
        if isinstance(node, MappingNode):
            for k, v in node.value:
                if str(k.value) == str(step):
                    child, key_node = v, k
                    break
        elif isinstance(node, SequenceNode) and isinstance(step, int):
            if 0 <= step < len(node.value):
                child, key_node = node.value[step], None
        if child is None:
            key_node = None
            break
        node = child
    target = key_node if key and key_node is not None else node
    return target.start_mark.line + 1, target.start_mark.column + 1


# --- writing ----------------------------------------------------------------------------------


def _default_mode() -> int:
    # mkstemp creates 0600; a new file should get what open() would give it.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` all at once, keeping its permissions; on failure it is untouched."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else _default_mode()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
