"""Choosing a criteria set: a file path, a set in criteria/, or a built-in preset, compiled to score."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from prioritize import yamlio
from prioritize.errors import Finding, Location, PrioritizeError
from prioritize.files import (
    DiskSource,
    FileSource,
    SourceFile,
    holds_mapping,
    read_source,
    validate,
)
from prioritize.formula import CompiledCriteria, FormulaError
from prioritize.models import CriteriaSet, Settings, did_you_mean
from prioritize.workspace import SETTINGS_FILE

CRITERIA_DIR = "criteria"
PRESETS = ("default", "rice", "wsjf", "ice")


@dataclass(frozen=True)
class LoadedCriteria:
    """A criteria set as chosen: the compiled set, where it came from and the name it goes by."""

    compiled: CompiledCriteria
    source: SourceFile
    name: str
    builtin: bool

    @property
    def criteria(self) -> CriteriaSet:
        return self.compiled.criteria


def _preset_text(name: str) -> str:
    return (
        resources.files("prioritize.presets").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    )


def load_criteria(
    root: Path | None,
    choice: str | None,
    settings: Settings | None = None,
    *,
    cwd: Path | None = None,
    files: FileSource | None = None,
) -> LoadedCriteria:
    """Resolve and load a criteria set: a path, else criteria/NAME.yaml, else a built-in preset.

    A path is tried from `cwd` (where the command was typed), then from the workspace. `files`
    reads criteria/ from somewhere other than the disk (a git revision); a set named by path is
    then not looked for on the disk.
    """
    name = choice or (settings.criteria if settings else None) or "default"
    findings: list[Finding] = []
    path = _criteria_path(name, [cwd, root]) if files is None else None
    if path is not None:
        if choice is None and root is not None:  # named by the settings: inside the workspace
            _refuse_outside(path, name, root)
        source = read_source(
            DiskSource(path.parent, contained=False),
            path.name,
            findings,
            shown_as=_shown(path, root),
        )
        return _criteria_from(source, findings, path.stem, builtin=False)
    workspace_files = files or (DiskSource(root) if root is not None else None)
    if workspace_files is not None and Path(name).name == name:
        for rel in (f"{CRITERIA_DIR}/{name}.yaml", f"{CRITERIA_DIR}/{name}.yml"):
            source = read_source(workspace_files, rel, findings)
            if source is not None or findings:
                return _criteria_from(source, findings, name, builtin=False)
    if name in PRESETS:
        text = _preset_text(name)
        source = SourceFile(f"<built-in {name}>", text, yamlio.parse(text))
        return _criteria_from(source, findings, name, builtin=True)
    local = (
        {Path(rel).stem for rel in workspace_files.list_yaml(CRITERIA_DIR)}
        if workspace_files
        else set()
    )
    known = sorted(set(PRESETS) | local)
    raise PrioritizeError(
        message=f'no criteria set "{name}"{did_you_mean(name, known)}: give a file path, the name of a file in '
        f"{CRITERIA_DIR}/, or a built-in preset ({', '.join(PRESETS)})"
    )


def _criteria_path(name: str, bases: list[Path | None]) -> Path | None:
    """A criteria file named by path: from the current folder (the option) or the workspace (settings)."""
    candidate = Path(name)
    for base in bases:
        if base is None and not candidate.is_absolute():
            continue
        path = candidate if candidate.is_absolute() or base is None else base / candidate
        if path.is_file():
            return path
    return None


def _refuse_outside(path: Path, name: str, root: Path) -> None:
    """A criteria file the settings name must lie inside the workspace; one the user names on
    the command line may lie anywhere. The file outside is never read, so nothing of it is quoted."""
    real = os.path.realpath(path)
    top = os.path.realpath(root)
    if real == top or real.startswith(top.rstrip(os.sep) + os.sep):
        return
    settings = DiskSource(root).read_bytes(SETTINGS_FILE) or b""
    try:
        location = SourceFile(SETTINGS_FILE, yamlio.decode(settings)).locate(("criteria",))
    except yamlio.YamlError:
        location = Location(SETTINGS_FILE)
    raise PrioritizeError(
        [
            Finding(
                "outside-workspace",
                "error",
                location,
                f'criteria "{name}" leads outside the workspace (to {real}): not read; keep '
                "criteria sets in criteria/, or give a file outside with --criteria",
            )
        ]
    )


def _shown(path: Path, root: Path | None) -> str:
    """How messages name a criteria file: relative to the workspace where it lies inside it."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _criteria_from(
    source: SourceFile | None, findings: list[Finding], name: str, *, builtin: bool
) -> LoadedCriteria:
    if source is None or not holds_mapping(source, findings):
        raise PrioritizeError(findings)
    criteria = validate(CriteriaSet, source, findings)
    if criteria is None:
        raise PrioritizeError(findings)
    try:
        compiled = CompiledCriteria.compile(criteria)
    except FormulaError as exc:
        raise PrioritizeError([formula_finding(source, exc)]) from None
    return LoadedCriteria(compiled, source, name, builtin)


def formula_finding(source: SourceFile, exc: FormulaError) -> Finding:
    """A formula error located at its column within the formula where the formula sits on one line."""
    location = source.locate(("formula",))
    line_text = source.text.splitlines()[location.line - 1] if source.text else ""
    formula_start = line_text.find(
        str(source.data.get("formula", "")).strip()[:20], location.col - 1
    )
    col = (formula_start + exc.col) if formula_start >= 0 else location.col
    return Finding(
        exc.code,
        "error",
        Location(location.path, location.line, col),
        f"{exc.message} (in {source.path})",
    )
