"""Errors, locations and findings: the one vocabulary every layer reports problems in."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Literal

Severity = Literal["error", "warning"]


class ExitCode(IntEnum):
    """The exit codes of docs/reference.md section 6."""

    OK = 0
    FINDINGS = 1
    USAGE = 2


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: path relative to the workspace, 1-based line and column."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Finding:
    """One problem: a stable code, a severity, where it lives and what to do about it."""

    code: str
    severity: Severity
    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.code} {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "path": self.location.path,
            "line": self.location.line,
            "col": self.location.col,
            "message": self.message,
        }


RefKind = Literal["item", "pool", "criteria", "settings", "votes", "file"]


@dataclass(frozen=True)
class Ref:
    """What a problem is about, before it has a place in a file.

    `path` leads from the item, pool or file into the value concerned; `key` points at the
    key rather than its value (an unknown key, say).
    """

    kind: RefKind
    id: str
    path: tuple[str | int, ...] = ()
    key: bool = False


@dataclass(frozen=True)
class Problem:
    """A finding from the pure core: code, severity and message about a Ref."""

    code: str
    severity: Severity
    ref: Ref
    message: str


@dataclass
class PrioritizeError(Exception):
    """Input that cannot be used: carries every finding that explains why (exit 2)."""

    findings: list[Finding] = field(default_factory=list)
    message: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.message or "; ".join(str(f) for f in self.findings))

    def __str__(self) -> str:
        return self.message or "\n".join(str(f) for f in self.findings)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ' (did you mean "x"?)' hint for a misspelt name, or '' when nothing is close."""
    close = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Findings in file order: path, line, column, then code."""
    return sorted(findings, key=lambda f: (f.location, f.code, f.message))


__all__ = [
    "ExitCode",
    "Finding",
    "Location",
    "PrioritizeError",
    "Problem",
    "Ref",
    "Severity",
    "did_you_mean",
    "sort_findings",
]
