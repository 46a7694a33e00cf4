"""The workspace on disk: find it, read its files, resolve criteria and settings, locate problems."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from prioritize import yamlio
from prioritize.errors import Finding, Location, PrioritizeError, Problem, Ref
from prioritize.files import (
    DiskSource,
    FileSource,
    M,
    SourceFile,
    holds_mapping,
    read_source,
    validate,
)
from prioritize.formula import Formula, FormulaError, compile_formula
from prioritize.models import (
    BacklogFile,
    CriteriaSet,
    Criterion,
    Item,
    Settings,
    ValuePool,
    Votes,
    did_you_mean,
)
from prioritize.scoring import EFFORT, FACING, ID, POOL, RISK, STATUS, TITLE, raw_column

SETTINGS_FILE = "prioritize.yaml"
BACKLOGS_DIR = "backlogs"
CRITERIA_DIR = "criteria"
VOTES_DIR = "votes"
PRESETS = ("default", "rice", "wsjf", "ice")


def find_root(start: Path) -> Path:
    """The workspace holding `start`: `start` itself or its nearest parent with a backlogs/ folder."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / BACKLOGS_DIR).is_dir():
            return folder
    raise PrioritizeError(
        message=f"no workspace: neither {start} nor any folder above it holds a {BACKLOGS_DIR}/ folder "
        "(run `prioritize init` to start one, or pass --workspace DIR)"
    )


def workspace_root(given: Path | None, cwd: Path) -> Path:
    """The workspace a command works on: `--workspace` as given, else the one holding `cwd`."""
    if given is None:
        return find_root(cwd)
    if not (given / BACKLOGS_DIR).is_dir():
        raise PrioritizeError(message=f"no workspace: {given} holds no {BACKLOGS_DIR}/ folder")
    return given.resolve()


def backlog_files(root: Path) -> list[str]:
    """Every *.yaml and *.yml below backlogs/, workspace-relative, in sorted path order."""
    return DiskSource(root).list_yaml(BACKLOGS_DIR)


# --- criteria -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedCriteria:
    """A criteria set as chosen: the set, its compiled formula, and where it came from."""

    criteria: CriteriaSet
    formula: Formula | None
    source: SourceFile
    name: str
    builtin: bool


def _preset_text(name: str) -> str:
    return (
        resources.files("prioritize.presets").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    )


def load_criteria(
    root: Path | None,
    choice: str | None,
    settings: Settings | None = None,
    files: FileSource | None = None,
) -> LoadedCriteria:
    """Resolve and load a criteria set: a path, else criteria/NAME.yaml, else a built-in preset.

    `files` reads criteria/ from somewhere other than the disk (a git revision); a path given
    on the command line is always read from the disk.
    """
    name = choice or (settings.criteria if settings else None) or "default"
    findings: list[Finding] = []
    path = _criteria_path(root, name) if files is None or isinstance(files, DiskSource) else None
    if path is not None:
        source = read_source(DiskSource(path.parent), path.name, findings)
        if source is not None:
            source.path = _relative(path, root)
        return _criteria_from(source, findings, path.stem, builtin=False)
    workspace_files = files or (DiskSource(root) if root is not None else None)
    if workspace_files is not None and Path(name).name == name:
        for rel in (f"{CRITERIA_DIR}/{name}.yaml", f"{CRITERIA_DIR}/{name}.yml"):
            source = read_source(workspace_files, rel, findings)
            if source is not None or findings:
                return _criteria_from(source, findings, name, builtin=False)
    if name in PRESETS:
        source = SourceFile(f"<built-in {name}>", _preset_text(name))
        source.data = yamlio.parse(source.text)
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


def _criteria_path(root: Path | None, name: str) -> Path | None:
    """A criteria file named by path: from the current folder (the option) or the workspace (settings)."""
    candidate = Path(name)
    bases = [Path.cwd()] + ([root] if root is not None else [])
    for base in bases:
        path = candidate if candidate.is_absolute() else base / candidate
        if path.is_file():
            return path
    return None


def _relative(path: Path, root: Path | None) -> str:
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
    formula = None
    if criteria.method == "formula" and criteria.formula is not None:
        try:
            formula = compile_formula(criteria.formula, {c.id for c in criteria.criteria})
        except FormulaError as exc:
            raise PrioritizeError([formula_finding(source, exc)]) from None
    return LoadedCriteria(criteria, formula, source, name, builtin)


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


# --- the workspace --------------------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """Where an item or pool was defined: its file and its path inside that file."""

    file: SourceFile
    path: tuple[str | int, ...]


@dataclass
class Workspace:
    """Everything read from a workspace, with the findings that reading raised."""

    root: Path
    settings: Settings = field(default_factory=Settings)
    pools: list[ValuePool] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    raw_items: list[dict[str, Any]] = field(default_factory=list)
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    files: dict[str, SourceFile] = field(default_factory=dict)
    votes: list[tuple[Votes, SourceFile]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # (kind, id) of entries that failed validation: known for references, never scored.
    invalid_ids: set[tuple[str, str]] = field(default_factory=set)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def raise_for_errors(self) -> None:
        """Refuse a workspace that cannot be used (PRODUCT.md 6: exit 2 with located messages)."""
        if self.errors:
            raise PrioritizeError(self.errors)

    def locate(self, ref: Ref) -> Location:
        """The file, line and column a core problem refers to."""
        origin = self.origins.get((ref.kind, ref.id))
        if origin is None:
            source = self.files.get(ref.id)
            return (
                source.locate(ref.path, key=ref.key)
                if source
                else Location(ref.id or SETTINGS_FILE)
            )
        return origin.file.locate(origin.path + ref.path, key=ref.key)

    def finding(self, problem: Problem) -> Finding:
        return Finding(problem.code, problem.severity, self.locate(problem.ref), problem.message)

    def locate_all(self, problems: Iterable[Problem]) -> list[Finding]:
        """Every problem located, file by file, each file's positions let go once it is done.

        Keeps memory to one file's positions at a time however many files have problems.
        """

        def source_of(problem: Problem) -> SourceFile | None:
            origin = self.origins.get((problem.ref.kind, problem.ref.id))
            return origin.file if origin is not None else self.files.get(problem.ref.id)

        grouped: dict[int, tuple[SourceFile | None, list[Problem]]] = {}
        for problem in problems:
            source = source_of(problem)
            grouped.setdefault(id(source), (source, []))[1].append(problem)
        located: list[Finding] = []
        for source, group in grouped.values():
            located.extend(self.finding(p) for p in group)
            if source is not None:
                source.__dict__.pop("positions", None)  # the cached_property's value
        return located

    def items_frame(self, criteria: Iterable[Criterion] = ()) -> pd.DataFrame:
        """One row per item in file order with the scoring columns and raw values per criterion."""
        items = self.items

        def text(values: list[Any]) -> pd.Series:
            # object, not pandas' string dtype: None stays None, and an empty frame keeps its types
            return pd.Series(values, dtype=object)

        columns: dict[str, Any] = {
            ID: text([i.id for i in items]),
            TITLE: text([i.title for i in items]),
            POOL: text([i.pool for i in items]),
            STATUS: text([i.status for i in items]),
            RISK: text([i.risk for i in items]),
            FACING: text([i.facing for i in items]),
            EFFORT: pd.Series([i.effort for i in items], dtype=float),
        }
        for criterion in criteria:
            columns[raw_column(criterion.id)] = pd.Series(
                [dig(raw, criterion.source_path) for raw in self.raw_items], dtype=object
            )
        return pd.DataFrame(columns)


def vote_problems(ws: Workspace, loaded: LoadedCriteria) -> list[Problem]:
    """Problems with the votes under the chosen criteria set.

    Votes are cast on the workspace's own set: under another set (`--criteria rice`, say) a
    vote on a criterion that set lacks simply does not apply, and is no problem.
    """
    from prioritize.analysis.votes import vote_problems as all_vote_problems

    problems = all_vote_problems(ws.votes, ws.items, loaded.criteria)
    own_set = loaded.name == (ws.settings.criteria or "default")
    return [p for p in problems if own_set or p.code != "unknown-vote-criterion"]


def scoring_input(ws: Workspace, loaded: LoadedCriteria) -> tuple[pd.DataFrame, list[Finding]]:
    """The items frame the criteria read, with stakeholders' vote medians in place of the
    items' own judgement scores (PRODUCT.md 5, votes/), and the votes' warnings.

    Votes that cannot be used (unknown item or criterion, a value outside `allowed`) refuse
    the workspace like any other error.
    """
    findings = [ws.finding(p) for p in vote_problems(ws, loaded)]
    if any(f.severity == "error" for f in findings):
        raise PrioritizeError(findings)
    return voted_items(ws, loaded), findings


def voted_items(ws: Workspace, loaded: LoadedCriteria) -> pd.DataFrame:
    """The items frame the criteria read, vote medians in place of own judgement scores.

    Votes with problems are left out (see analysis.votes.apply_votes): `check` reports them
    and still scores what every other command would.
    """
    from prioritize.analysis.votes import apply_votes

    frame = ws.items_frame(loaded.criteria.criteria)
    return apply_votes(frame, ws.votes, loaded.criteria) if ws.votes else frame


def dig(data: Any, dotted: str) -> Any:
    """The value at a dotted path in nested mappings, or None where any step is missing."""
    for step in dotted.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(step)
        if data is None:
            return None
    if isinstance(data, float) and math.isnan(data):
        return None
    return data


def load(
    root: Path,
    *,
    files: FileSource | None = None,
    on_file: Callable[[int, int], None] | None = None,
) -> Workspace:
    """Read every file of the workspace; problems become findings, never exceptions."""
    files = files or DiskSource(root)
    ws = Workspace(root)
    source = read_source(files, SETTINGS_FILE, ws.findings)
    if source is not None and holds_mapping(source, ws.findings):
        ws.files[source.path] = source
        ws.settings = validate(Settings, source, ws.findings) or Settings()

    paths = files.list_yaml(BACKLOGS_DIR)
    for done, rel in enumerate(paths, start=1):
        source = read_source(files, rel, ws.findings)
        if on_file is not None:
            on_file(done, len(paths))
        if source is None or not holds_mapping(source, ws.findings) or source.data is None:
            continue
        ws.files[rel] = source
        _add_backlog(ws, source)
    for rel in files.list_yaml(VOTES_DIR):
        source = read_source(files, rel, ws.findings)
        if source is not None and holds_mapping(source, ws.findings) and source.data is not None:
            ws.files[rel] = source
            votes = validate(Votes, source, ws.findings)
            if votes is not None:
                ws.votes.append((votes, source))
    _check_references(ws)
    return ws


def _add_backlog(ws: Workspace, source: SourceFile) -> None:
    # validate() may swap in the exact reading of the file, so source.data is read after it.
    if "id" in source.data:  # one item per file
        item = validate(Item, source, ws.findings)
        if item is not None:
            _add_item(ws, item, source.data, Origin(source, ()))
        elif isinstance(source.data, dict):
            _register_invalid(ws, "item", source.data, Origin(source, ()))
        return
    backlog = validate(BacklogFile, source, ws.findings)
    if backlog is not None:
        pools, items = list(enumerate(backlog.value_pools)), list(enumerate(backlog.items))
    elif isinstance(source.data, dict):
        pools, items = _salvage(ws, source)
    else:
        return
    for index, pool in pools:
        _add_pool(ws, pool, Origin(source, ("value_pools", index)))
    for index, item in items:
        _add_item(ws, item, source.data["items"][index], Origin(source, ("items", index)))


def _salvage(
    ws: Workspace, source: SourceFile
) -> tuple[list[tuple[int, ValuePool]], list[tuple[int, Item]]]:
    """The valid pools and items of a file that failed validation.

    The ids of invalid entries are still registered, so that one typo does not cascade into
    "unknown pool" or "unknown dependency" findings elsewhere.
    """

    def valid(model: type[M], key: str, kind: str) -> list[tuple[int, M]]:
        entries = source.data.get(key)
        found: list[tuple[int, M]] = []
        for index, raw in enumerate(entries if isinstance(entries, list) else []):
            try:
                found.append((index, model.model_validate(raw)))
            except ValidationError:
                _register_invalid(ws, kind, raw, Origin(source, (key, index)))
        return found

    return valid(ValuePool, "value_pools", "pool"), valid(Item, "items", "item")


def _register_invalid(ws: Workspace, kind: str, raw: Any, origin: Origin) -> None:
    raw_id = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(raw_id, int | str) and not isinstance(raw_id, bool):
        if not _claim_id(ws, kind, str(raw_id), origin):
            return
        ws.invalid_ids.add((kind, str(raw_id)))


def _claim_id(ws: Workspace, kind: str, entry_id: str, origin: Origin) -> bool:
    """Record where an id is defined; a second definition is a duplicate-id finding."""
    key = (kind, entry_id)
    first = ws.origins.get(key)
    if first is None:
        ws.origins[key] = origin
        return True
    what = "value pool" if kind == "pool" else "item"
    ws.findings.append(
        Finding(
            "duplicate-id",
            "error",
            origin.file.locate((*origin.path, "id")),
            f'{what} id "{entry_id}" is already used at {first.file.locate((*first.path, "id"))}; ids must be unique',
        )
    )
    return False


def _add_pool(ws: Workspace, pool: ValuePool, origin: Origin) -> None:
    if _claim_id(ws, "pool", pool.id, origin):
        ws.pools.append(pool)


def _add_item(ws: Workspace, item: Item, raw: dict[str, Any], origin: Origin) -> None:
    if _claim_id(ws, "item", item.id, origin):
        ws.items.append(item)
        ws.raw_items.append(raw)


def _check_references(ws: Workspace) -> None:
    from prioritize.checks import reference_problems

    known = {entry_id for kind, entry_id in ws.invalid_ids if kind == "pool"}
    known_items = {entry_id for kind, entry_id in ws.invalid_ids if kind == "item"}
    problems = reference_problems(ws.pools, ws.items, extra_pools=known, extra_items=known_items)
    ws.findings.extend(ws.finding(p) for p in problems)
