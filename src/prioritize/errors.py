"""Errors, locations and findings: the one vocabulary every layer reports problems in."""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property
from typing import Literal

Severity = Literal["error", "warning"]


class ExitCode(IntEnum):
    """The exit codes of docs/reference.md section 6."""

    OK = 0
    FINDINGS = 1
    USAGE = 2


def encodable(text: str) -> str:
    """`text` with the bytes of a file name that is not UTF-8 (which Python keeps as lone
    surrogates, and no output can encode) shown as escapes: b"ren\xffewals.yaml" -> ren\\xffewals.yaml."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: path relative to the workspace, 1-based line and column.

    The path is always encodable (see `encodable`)."""

    path: str
    line: int = 1
    col: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", encodable(self.path))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Finding:
    """One problem: a stable code, a severity, where it lives and what to do about it."""

    code: str
    severity: Severity
    location: Location
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", encodable(self.message))

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


class Suggestions:
    """ "Did you mean" over one set of names, asked for many words: build once per set.

    Up to EXACT_UP_TO names, every one is compared (difflib's closest, ratio at least 0.6).
    Beyond that, only the NEIGHBOURS names nearest the word in sorted order and as many nearest
    it read backwards: the names sharing its longest beginning or ending, which is where a
    misspelt id's match lives (REN-21 for REN-12, XEN-12 for REN-12). So thousands of unknown
    references cost thousands of small comparisons, not millions.
    """

    EXACT_UP_TO = 200
    NEIGHBOURS = 8

    def __init__(self, candidates: Iterable[str]) -> None:
        self._set = set(candidates)
        self._hints: dict[tuple[str, str | None], str] = {}

    @cached_property
    def _names(self) -> list[str]:
        # Sorted when first asked: most sets (every item id, every load) never are.
        return sorted(self._set)

    @cached_property
    def _backwards(self) -> list[str]:
        return sorted(name[::-1] for name in self._set)

    def __len__(self) -> int:
        return len(self._set)

    def hint(self, word: str, *, besides: str | None = None) -> str:
        """' (did you mean "x"?)' for a misspelt `word`, or ''; `besides` is never suggested."""
        key = (word, besides)
        if key not in self._hints:
            self._hints[key] = self._hint(word, besides)
        return self._hints[key]

    def _hint(self, word: str, besides: str | None) -> str:
        if len(self._names) <= self.EXACT_UP_TO:
            names: list[str] = self._names
        else:
            near = set(_around(self._names, word, self.NEIGHBOURS))
            near.update(n[::-1] for n in _around(self._backwards, word[::-1], self.NEIGHBOURS))
            names = sorted(near)
        if besides is not None:
            names = [n for n in names if n != besides]
        close = closest(word, names)
        return f' (did you mean "{close}"?)' if close is not None else ""


def closest(word: str, names: Iterable[str], cutoff: float = 0.6) -> str | None:
    """difflib.get_close_matches(word, names, n=1, cutoff)'s one match, or None, found with
    fewer full comparisons: a name's quick_ratio bounds its ratio from above, so names are
    compared in falling order of that bound until no bound can beat the best so far."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    bounds: list[tuple[float, str]] = []
    for name in names:
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() >= cutoff:
            bound = matcher.quick_ratio()
            if bound >= cutoff:
                bounds.append((bound, name))
    bounds.sort(reverse=True)
    best: tuple[float, str] | None = None
    for bound, name in bounds:
        if best is not None and (bound, name) < best:
            break  # the ratio never exceeds its bound: (ratio, name) <= (bound, name) < best
        matcher.set_seq1(name)
        ratio = matcher.ratio()
        if ratio >= cutoff and (best is None or (ratio, name) > best):
            best = (ratio, name)
    return None if best is None else best[1]


def _around(ordered: list[str], word: str, count: int) -> list[str]:
    at = bisect.bisect_left(ordered, word)
    return ordered[max(0, at - count) : at + count]


def did_you_mean(word: str, candidates: Iterable[str] | Suggestions) -> str:
    """A ' (did you mean "x"?)' hint for a misspelt name, or '' when nothing is close.

    Asking about many words against one large set? Build `Suggestions` once and pass it.
    """
    if not isinstance(candidates, Suggestions):
        candidates = Suggestions(candidates)
    return candidates.hint(word)


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
    "Suggestions",
    "did_you_mean",
    "encodable",
    "sort_findings",
]
