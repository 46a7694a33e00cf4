"""Findings of `check` as text, GitHub workflow annotations or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from prioritize.errors import Finding
from prioritize.render.choices import CheckFormat
from prioritize.render.inert import log_line


def summary(findings: Sequence[Finding], files: int) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if not findings:
        return f"all clear: {files} file{'s' if files != 1 else ''} checked, no problems"
    return (
        f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''} "
        f"in {files} file{'s' if files != 1 else ''} checked"
    )


def to_text(findings: Sequence[Finding]) -> str:
    """One `path:line:col: CODE message` line per finding: line breaks and every other control
    character escaped, so a message quoting the file can neither split into a second, fake
    finding line nor act on the terminal, and no line is a workflow command."""
    return "".join(f"{log_line(str(f))}\n" for f in findings)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def to_github(findings: Sequence[Finding], path_prefix: str = "") -> str:
    """`::error file=...,line=...,col=...,title=CODE::message` lines, escaped as GitHub requires.

    `path_prefix` turns workspace-relative paths into paths relative to the repository root.
    """
    lines = []
    for f in findings:
        level = "error" if f.severity == "error" else "warning"
        path = f.location.path if f.location.path.startswith("<") else path_prefix + f.location.path
        props = f"file={_escape_property(path)},line={f.location.line},col={f.location.col},title={_escape_property(f.code)}"
        lines.append(f"::{level} {props}::{_escape_data(f.message)}\n")
    return "".join(lines)


def to_json(findings: Sequence[Finding]) -> str:
    return json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class FindingsView:
    """What `check` writes: its findings, and the workspace's path inside its git repository."""

    findings: Sequence[Finding]
    path_prefix: str = ""


FINDINGS_RENDERERS: Mapping[CheckFormat, Callable[[FindingsView], str]] = {
    CheckFormat.text: lambda view: to_text(view.findings),
    CheckFormat.github: lambda view: to_github(view.findings, view.path_prefix),
    CheckFormat.json: lambda view: to_json(view.findings),
}
