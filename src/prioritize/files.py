"""One file of a workspace: where files come from, reading one safely, validating it.

Every problem becomes a located finding worded for the person editing the file.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from prioritize import yamlio
from prioritize.errors import Finding, Location
from prioritize.models import (
    CRITERION_ID_PATTERN,
    PLAIN_SOURCE,
    TYPED_SOURCE,
    Capacity,
    Criterion,
    Evidence,
    Item,
    Kpi,
    Outcome,
    Scale,
    Source,
    ValuePool,
    did_you_mean,
)
from prioritize.values import describe

M = TypeVar("M", bound=BaseModel)

# For "did you mean": which model a mapping under each key is validated by.
_MODEL_UNDER_KEY: dict[str, type[BaseModel]] = {
    "value_pools": ValuePool,
    "items": Item,
    "kpis": Kpi,
    "evidence": Evidence,
    "outcome": Outcome,
    "criteria": Criterion,
    "scale": Scale,
    "capacity": Capacity,
    "sources": Source,
}


def is_yaml(name: str) -> bool:
    return name.endswith((".yaml", ".yml"))


class FileSource(Protocol):
    """Where a workspace's files come from: the disk, or a git revision (see gitio)."""

    def list_yaml(self, folder: str) -> list[str]:
        """Workspace-relative paths of every YAML file below `folder`, in sorted path order."""
        ...

    def read_bytes(self, rel: str) -> bytes | None:
        """The bytes of a workspace-relative file, or None where there is no such file."""
        ...


class OutsideWorkspace(Exception):
    """A path that leads, through a symbolic link or `..`, outside the folder it is read from."""

    def __init__(self, rel: str, target: str) -> None:
        super().__init__(rel, target)
        self.rel = rel
        self.target = target


class UnreadableFolder(OSError):
    """A folder whose listing the system refuses (its own error, errno and words kept)."""


@dataclass(frozen=True)
class DiskSource:
    """The workspace as it is in the working tree.

    Only what lies inside `root` is read: a file or folder that leads outside it (a symbolic
    link, a `..`) raises OutsideWorkspace on reading, unless `contained` is False (a file the
    user named on the command line). Links within `root` are followed, each folder once.
    """

    root: Path
    contained: bool = True

    @cached_property
    def _real_root(self) -> str:
        return os.path.realpath(self.root)

    def list_yaml(self, folder: str) -> list[str]:
        """Every YAML file below `folder`, and every folder below it that cannot be listed or
        leads outside the workspace: reading one of those raises what is wrong with it."""
        if not (self.root / folder).is_dir():
            return []
        found: list[str] = []
        seen: set[str] = set()
        pending = [folder]
        while pending:
            rel_dir = pending.pop()
            real = os.path.realpath(self.root / rel_dir)
            if self.contained and not _inside(real, self._real_root):
                found.append(rel_dir)
                continue
            if real in seen:  # a link back to a folder already listed
                continue
            seen.add(real)
            try:
                with os.scandir(self.root / rel_dir) as listing:
                    entries = list(listing)
            except OSError:
                found.append(rel_dir)
                continue
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}"
                if _is_dir(entry):
                    pending.append(rel)
                elif is_yaml(entry.name) and (entry.is_symlink() or _is_file(entry)):
                    found.append(rel)
        return sorted(found, key=lambda rel: rel.split("/"))

    def read_bytes(self, rel: str) -> bytes | None:
        path = self.root / rel
        if self.contained:
            real = self._resolve(rel)
            if not _inside(real, self._real_root):
                raise OutsideWorkspace(rel, real)
        try:
            found = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        if stat.S_ISDIR(found.st_mode):
            try:
                os.scandir(path).close()
            except OSError as exc:
                raise UnreadableFolder(exc.errno, exc.strerror, exc.filename) from None
            return None  # readable after all (its files are listed on their own)
        return path.read_bytes() if stat.S_ISREG(found.st_mode) else None

    @cached_property
    def _real_folders(self) -> dict[str, str]:
        return {}

    def _resolve(self, rel: str) -> str:
        """The real path of `rel`: its folder's, resolved once per folder, and the file's own
        link if it is one (os.path.realpath per file would cost an lstat per path step)."""
        folder, _, name = rel.rpartition("/")
        if name in ("", ".", ".."):
            return os.path.realpath(self.root / rel)
        real_folder = self._real_folders.get(folder)
        if real_folder is None:
            real_folder = self._real_folders[folder] = os.path.realpath(self.root / folder)
        full = os.path.join(real_folder, name)
        return os.path.realpath(full) if os.path.islink(full) else full


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # through links: a linked folder is listed like any other
    except OSError:
        return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


# --- one file -------------------------------------------------------------------------------


class SourceFile:
    """One file as read: its path as messages name it (workspace-relative), its text and its data.

    A command that needs neither once the file's models are built lets both go (`let_go`),
    which halves what a large workspace holds in memory. The text is then read again only
    where a problem in the file is located, and only if it is still the text first read
    (`digest`, git's blob id of its bytes): a file changed since has no line and column to give.
    """

    __slots__ = ("_read_again", "_text", "data", "digest", "path")

    def __init__(self, path: str, text: str, data: Any = None, *, digest: bytes = b"") -> None:
        self.path, self.data, self.digest = path, data, digest
        self._text: str | None = text
        self._read_again: Callable[[], bytes | None] | None = None

    @property
    def text(self) -> str:
        """The file's text: as read, or read again (empty where the file has changed since)."""
        if self._text is not None:
            return self._text
        try:
            data = self._read_again() if self._read_again is not None else None
            if data is not None and self.is_read_from(data):
                return yamlio.decode(data)
        except (OSError, yamlio.YamlError):
            pass
        self._read_again = None  # changed or gone: not read again
        return ""

    @property
    def changed(self) -> bool:
        """Whether the file was let go and has changed (or gone) since: its positions are lost."""
        return self._text is None and self._read_again is None

    def is_read_from(self, data: bytes) -> bool:
        """Whether `data` are the bytes this file was read from."""
        return _digest(data) == self.digest

    def let_go(self, files: FileSource, rel: str) -> SourceFile:
        """The same file without its text and data: the text is read from `files` when asked."""
        kept = SourceFile(self.path, "", digest=self.digest)
        kept._text = None
        kept._read_again = lambda: files.read_bytes(rel)
        return kept

    def locate(
        self,
        path: Sequence[str | int],
        *,
        key: bool = False,
        positions: yamlio.Positions | None = None,
    ) -> Location:
        """Where `path` sits in the file; `positions` (yamlio.positions of the text) saves
        reading them again when one file has many problems. Only the file where its text has
        changed since it was read."""
        if positions is None:
            positions = yamlio.positions(self.text)
        if self.changed:
            return Location(self.path)
        line, col = yamlio.locate(positions, path, key=key)
        return Location(self.path, line, col)


def _digest(data: bytes) -> bytes:
    """Tells a file's bytes from any other's: whether a file is still as it was read. It is
    the id git gives the same bytes (a blob's SHA-1), so that `diff` can tell a file the same
    at a revision without reading it there."""
    digest = hashlib.sha1(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.digest()


def read_source(
    files: FileSource, rel: str, findings: list[Finding], *, shown_as: str | None = None
) -> SourceFile | None:
    """The file at `rel`, read and parsed; None where it is absent or unreadable (with a finding).

    `shown_as` is the path messages use, where it differs from `rel`.
    """
    name = shown_as or rel
    try:
        data = files.read_bytes(rel)
    except OutsideWorkspace as exc:
        findings.append(
            Finding(
                "outside-workspace",
                "error",
                Location(name),
                f"{name} leads outside the workspace (to {exc.target}): not read; keep the "
                "workspace's files inside it",
            )
        )
        return None
    except OSError as exc:
        what = "folder" if isinstance(exc, UnreadableFolder) else "file"
        findings.append(
            Finding(
                "unreadable", "error", Location(name), f"cannot read the {what}: {exc.strerror}"
            )
        )
        return None
    if data is None:
        return None
    try:
        text = yamlio.decode(data)
        return SourceFile(name, text, yamlio.parse(text), digest=_digest(data))
    except yamlio.YamlError as problem:
        findings.append(
            Finding(
                problem.code, "error", Location(name, problem.line, problem.col), problem.message
            )
        )
        return None


_EXPECTED = {
    "string_type": "text",
    "float_type": "a number",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "dict_type": "a mapping",
    "list_type": "a list",
    "tuple_type": "a list",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "a date (YYYY-MM-DD) without a time",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """The path into the data that a pydantic error location names (union branch tags dropped)."""
    path: list[str | int] = []
    node = data
    for step in loc:
        if (isinstance(node, dict) and step in node) or (
            isinstance(node, list | tuple) and isinstance(step, int) and 0 <= step < len(node)
        ):
            path.append(step)
            node = node[step]
        elif isinstance(node, dict) and isinstance(step, str) and not _is_branch_tag(step):
            path.append(step)  # a missing key
            break
    return tuple(path)


def _is_branch_tag(step: str) -> bool:
    return any(ch in step for ch in "[]()") or step in {
        "str",
        "int",
        "float",
        "bool",
        "date",
        "function-after",
        PLAIN_SOURCE,
        TYPED_SOURCE,
    }


def _model_for(root: type[BaseModel], path: tuple[str | int, ...]) -> type[BaseModel]:
    for step in reversed(path):
        if isinstance(step, str) and step in _MODEL_UNDER_KEY:
            return _MODEL_UNDER_KEY[step]
    return root


def validation_findings(
    exc: ValidationError,
    source: SourceFile,
    model: type[BaseModel],
    prefix: tuple[str | int, ...] = (),
) -> list[Finding]:
    """One located finding per pydantic error, worded for a person editing the file."""
    found: list[tuple[tuple[str | int, ...], bool, str, str]] = []
    seen: set[tuple[str | int, ...]] = set()
    for error in exc.errors(include_url=False):
        path = _data_path(source.data, prefix + tuple(error["loc"]))
        kind = error["type"]
        if kind == "extra_forbidden":
            field_name = str(path[-1]) if path else "?"
            parent = _model_for(model, path[:-1])
            hint = did_you_mean(field_name, list(parent.model_fields))
            code, message, at_key = "unknown-key", f'unknown key "{field_name}"{hint}', True
            if not hint:
                message += f"; keys here are {', '.join(parent.model_fields)} (or x- extensions)"
        elif kind == "missing":
            field_name = str(error["loc"][-1])
            code, message, at_key = "missing-key", f'"{field_name}" is required here', False
            path = path[:-1] if path and path[-1] == field_name else path
        else:
            name = next((str(p) for p in reversed(path) if isinstance(p, str)), "value")
            if error["loc"][-1:] == ("[key]",):  # a key of a mapping: named by the mapping
                name = next((f"{p} key" for p in reversed(path[:-1]) if isinstance(p, str)), name)
            value = error.get("input")
            at_key = False
            if kind == "literal_error":
                expected = error.get("ctx", {}).get("expected", "")
                choices = expected.replace("'", "")
                hint = (
                    did_you_mean(
                        str(value), [c.strip() for c in choices.replace(" or ", ",").split(",")]
                    )
                    if isinstance(value, str)
                    else ""
                )
                code, message = (
                    "invalid-value",
                    f"{describe(value)} is not a valid {name}{hint}; use one of {choices}",
                )
            elif kind in _EXPECTED:
                code, message = (
                    "wrong-type",
                    f"{name} must be {_EXPECTED[kind]}, not {describe(value)}",
                )
            elif kind == "string_pattern_mismatch":
                allowed = (
                    "letters, digits and _ (and not start with a digit), since formulas name it"
                    if error.get("ctx", {}).get("pattern") == CRITERION_ID_PATTERN
                    else "letters, digits, . _ - (and start with a letter or digit)"
                )
                code, message = (
                    "invalid-value",
                    f"{name} {describe(value)} may hold only {allowed}",
                )
            elif kind == "too_short":
                code, message = "invalid-value", f"{name} must not be empty"
            else:
                text = str(error["msg"]).removeprefix("Value error, ")
                text = text[:1].lower() + text[1:]
                joiner = " " if text.startswith("must") else ": "
                if not any(isinstance(p, str) for p in path):
                    code, message = "invalid-value", text or "invalid"
                else:
                    code, message = (
                        "invalid-value",
                        f"{name}{joiner}{text}" if text else f"{name} is invalid",
                    )
        if path in seen and kind != "extra_forbidden":
            continue
        seen.add(path)
        found.append((path, at_key, code, message))
    # One reading of the file's positions for all its errors, keeping only what they need.
    positions = yamlio.positions(source.text, [path for path, *_ in found]) if found else None
    findings: list[Finding] = []
    for path, at_key, code, message in found:
        location = source.locate(path, key=at_key, positions=positions)
        if comma := _comma_in_flow_number(source.text, location.line):
            code, message = "invalid-value", comma
        findings.append(Finding(code, "error", location, message))
    return findings


# A number written with a thousands comma inside { }: `{monthly_volume: 26,000}`.
_FLOW_COMMA_NUMBER = re.compile(r"[{,][^{},]*:\s*([-+]?\d{1,3})((?:,\d{3})+)\s*[,}]")


def _comma_in_flow_number(text: str, line: int) -> str:
    """Plain words for `26,000` inside a { } mapping, which YAML reads as two entries."""
    lines = text.split("\n", line)
    found = _FLOW_COMMA_NUMBER.search(lines[line - 1]) if 0 < line <= len(lines) else None
    if found is None:
        return ""
    number = found.group(1) + found.group(2)
    return (
        f"{number} inside {{ }} reads as two entries ({found.group(1)} and "
        f"{found.group(2).lstrip(',').split(',')[0]}): write {number.replace(',', '')} without the comma"
    )


def validate(model: type[M], source: SourceFile, findings: list[Finding]) -> M | None:
    """The file's data as `model`, or None with located findings."""
    try:
        return model.model_validate(source.data if source.data is not None else {})
    except ValidationError as exc:
        findings.extend(validation_findings(exc, source, model))
        return None


def holds_mapping(source: SourceFile, findings: list[Finding]) -> bool:
    if source.data is None or isinstance(source.data, dict):
        return True
    findings.append(
        Finding(
            "top-level",
            "error",
            source.locate(()),
            f"the file must hold a mapping of keys to values, not {describe(source.data)}",
        )
    )
    return False
