"""The workspace: find its folder, read every file into one aggregate, locate problems in it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

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
from prioritize.models import (
    BacklogFile,
    Item,
    Settings,
    ValuePool,
    Votes,
    has_extension_keys,
    shared_names,
)

SETTINGS_FILE = "prioritize.yaml"
BACKLOGS_DIR = "backlogs"
VOTES_DIR = "votes"
# Findings that may only say "unknown" because the file defining the thing cannot be read.
CASCADE_CODES = frozenset(
    {"unknown-pool", "unknown-dependency", "unknown-vote-item", "unknown-kpi"}
)


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


# --- the workspace --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
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
    # Each item's data as read, only where load was asked to keep it (`keep_data`, to edit the
    # files); else only the data of items holding x- keys, by id, which a criterion may read.
    raw_items: list[dict[str, Any]] = field(default_factory=list)
    extended: dict[str, dict[str, Any]] = field(default_factory=dict)
    keeps_data: bool = False
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    files: dict[str, SourceFile] = field(default_factory=dict)
    votes: list[tuple[Votes, SourceFile]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # (kind, id) of entries that failed validation: known for references, never scored.
    invalid_ids: set[tuple[str, str]] = field(default_factory=set)
    # Backlog files that could not be read: what they define is unknown, so references that
    # might point into them are not reported; loading counts those it left out.
    unreadable: list[str] = field(default_factory=list)
    unchecked_references: int = 0
    # What the checks after reading found (broken references, evidence ranges), not yet
    # located, when load was asked to leave them to the caller.
    unlocated: list[Problem] = field(default_factory=list)
    _positions: dict[str, yamlio.Positions] = field(default_factory=dict, repr=False)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def raise_for_errors(self) -> None:
        """Refuse a workspace that cannot be used (docs/reference.md 6: exit 2 with located messages)."""
        if self.errors:
            raise PrioritizeError(self.errors)

    def locate(self, ref: Ref) -> Location:
        """The file, line and column a core problem refers to."""
        source, path = self._target(ref)
        if source is None:
            return Location(ref.id or SETTINGS_FILE)
        return source.locate(path, key=ref.key, positions=self.positions(source))

    def _target(self, ref: Ref) -> tuple[SourceFile | None, tuple[str | int, ...]]:
        """The file a problem is in and its path there."""
        origin = self.origins.get((ref.kind, ref.id))
        if origin is None:
            return self.files.get(ref.id), ref.path
        return origin.file, origin.path + ref.path

    def without_cascade(self, findings: Sequence[Finding]) -> tuple[list[Finding], int]:
        """`findings` less the unknown references a backlog file that cannot be read may define
        (one slip, one error), and how many were left out."""
        kept = [f for f in findings if not (self.unreadable and f.code in CASCADE_CODES)]
        return kept, len(findings) - len(kept)

    def cascade_notes(self, count: int) -> list[Finding]:
        """One note per unreadable backlog file: how many references (`count`) could not be
        checked."""
        if not count:
            return []
        refs = f"{count} reference{'s' if count != 1 else ''}"
        return [
            Finding(
                "unchecked-references",
                "warning",
                Location(rel),
                f"{refs} to items, pools or KPIs elsewhere could not be checked while this file "
                "cannot be read; fix it first",
            )
            for rel in self.unreadable
        ]

    def positions(self, source: SourceFile) -> yamlio.Positions:
        """Where every value of a file sits, read once per file and only when a problem needs it."""
        found = self._positions.get(source.path)
        if found is None:
            found = self._positions[source.path] = yamlio.positions(source.text)
        return found

    def finding(self, problem: Problem) -> Finding:
        return Finding(problem.code, problem.severity, self.locate(problem.ref), problem.message)

    def locate_all(self, problems: Iterable[Problem]) -> list[Finding]:
        """Every problem located, file by file, each file's positions let go once it is done.

        Keeps memory to one file's positions at a time however many files have problems, and
        reads of each file only what its problems' paths need.
        """
        grouped: dict[int, tuple[SourceFile | None, list[Problem]]] = {}
        for problem in problems:
            source = self._target(problem.ref)[0]
            grouped.setdefault(id(source), (source, []))[1].append(problem)
        located: list[Finding] = []
        for source, group in grouped.values():
            if source is not None:
                wanted = [self._target(p.ref)[1] for p in group]
                self._positions[source.path] = yamlio.positions(source.text, wanted)
            located.extend(self.finding(p) for p in group)
            if source is not None:
                self._positions.pop(source.path, None)
        return located


@dataclass(frozen=True)
class KnownFile:
    """A backlog file as another load read it without a finding, to be taken as it is."""

    source: SourceFile
    pools: list[tuple[ValuePool, Origin]]
    items: list[tuple[Item, Origin]]


@dataclass(frozen=True)
class Known:
    """What another load of the same workspace read without errors, shared with this one.

    `files`: backlog files whose bytes are the same, taken as they are. `items`: every item
    by id; an item of another file read equal is that one.
    """

    files: Mapping[str, KnownFile]
    items: Mapping[str, Item]


def known_files(ws: Workspace) -> dict[str, KnownFile]:
    """Every backlog file `ws` read, with the pools and items it defines, in file order.

    Only for a workspace loaded without errors: a file with an invalid entry would lose it.
    """
    known = {
        rel: KnownFile(source, [], [])
        for rel, source in ws.files.items()
        if rel.startswith(BACKLOGS_DIR + "/")
    }
    for pool in ws.pools:
        origin = ws.origins[("pool", pool.id)]
        known[origin.file.path].pools.append((pool, origin))
    for item in ws.items:
        origin = ws.origins[("item", item.id)]
        known[origin.file.path].items.append((item, origin))
    return known


def load(
    root: Path,
    *,
    files: FileSource | None = None,
    on_file: Callable[[int, int], None] | None = None,
    known: Known | None = None,
    locate_references: bool = True,
    keep_data: bool = False,
) -> Workspace:
    """Read every file of the workspace; problems become findings, never exceptions.

    Once a backlog file's models are built, its text and data are let go (read again only to
    locate a problem in it), unless `keep_data`, for a caller that edits the files.

    With `known`, its files are taken as read there, not read again (the caller vouches that
    their bytes are the same), and items read alike share their objects (held once in memory).
    With `locate_references` false, broken references and evidence ranges are left in
    `unlocated` for a caller that locates them with its other problems (each file's positions
    read once).
    """
    files = files or DiskSource(root)
    ws = Workspace(root, keeps_data=keep_data)
    source = read_source(files, SETTINGS_FILE, ws.findings)
    if source is not None and holds_mapping(source, ws.findings):
        ws.files[source.path] = source
        ws.settings = validate(Settings, source, ws.findings) or Settings()

    paths = files.list_yaml(BACKLOGS_DIR)
    for done, rel in enumerate(paths, start=1):
        same = known.files.get(rel) if known is not None else None
        if same is not None:
            if on_file is not None:
                on_file(done, len(paths))
            ws.files[rel] = same.source
            for pool, origin in same.pools:
                _add_pool(ws, pool, origin)
            for item, origin in same.items:
                _add_item(ws, item, None, origin)
            continue
        errors_before = len(ws.findings)
        source = read_source(files, rel, ws.findings)
        if on_file is not None:
            on_file(done, len(paths))
        if source is None or not holds_mapping(source, ws.findings) or source.data is None:
            if len(ws.findings) > errors_before:
                ws.unreadable.append(rel)
            continue
        first = len(ws.items)
        ws.files[rel] = kept = source if keep_data else source.let_go(files, rel)
        _add_backlog(ws, source, kept)
        if known is not None:
            _share(ws, first, known.items)
    for rel in files.list_yaml(VOTES_DIR):
        source = read_source(files, rel, ws.findings)
        if source is not None and holds_mapping(source, ws.findings) and source.data is not None:
            ws.files[rel] = source
            votes = validate(Votes, source, ws.findings)
            if votes is not None:
                ws.votes.append((votes, source))
    _check_references(ws, locate_references)
    return ws


def _share(ws: Workspace, first: int, items: Mapping[str, Item]) -> None:
    """Put the known item in place of each item from `first` on that is equal, so that the
    copies just read are let go (their data is not kept: see load)."""
    for index in range(first, len(ws.items)):
        same = items.get(ws.items[index].id)
        if same is not None and same == ws.items[index]:
            ws.items[index] = same


def _add_backlog(ws: Workspace, source: SourceFile, kept: SourceFile) -> None:
    """The pools and items of `source`, their origins in `kept` (the file as it is kept)."""
    # An item's data is kept with `keep_data`, or where its file has an x- key at all (one
    # search of the text spares a look into each item of nearly every file).
    keep = ws.keeps_data or "x-" in source.text
    if "id" in source.data:  # one item per file
        item = validate(Item, source, ws.findings)
        if item is not None:
            _add_item(ws, item, source.data if keep else None, Origin(kept, ()))
        elif isinstance(source.data, dict):
            _register_invalid(ws, "item", source.data, Origin(kept, ()))
        return
    backlog = validate(BacklogFile, source, ws.findings)
    if backlog is not None:
        pools, items = list(enumerate(backlog.value_pools)), list(enumerate(backlog.items))
    elif isinstance(source.data, dict):
        pools, items = _salvage(ws, source, kept)
    else:
        return
    for index, pool in pools:
        _add_pool(ws, pool, Origin(kept, _entry_path("value_pools", index)))
    for index, item in items:
        raw = source.data["items"][index] if keep else None
        _add_item(ws, item, raw, Origin(kept, _entry_path("items", index)))


@cache
def _entry_path(key: str, index: int) -> tuple[str, int]:
    """("items", 3): one tuple for every file's fourth item (a tuple per item was some six
    megabytes at 100,000 items)."""
    return key, index


def _salvage(
    ws: Workspace, source: SourceFile, kept: SourceFile
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
                _register_invalid(ws, kind, raw, Origin(kept, (key, index)))
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


def _add_item(ws: Workspace, item: Item, raw: dict[str, Any] | None, origin: Origin) -> None:
    """`raw`: the item's data as read, where it may be kept (see _add_backlog)."""
    if _claim_id(ws, "item", item.id, origin):
        _share_fields_set(item)
        _share_fields_set(item.evidence)
        if item.outcome is not None:
            _share_fields_set(item.outcome)
        _share_texts(item)
        ws.items.append(item)
        if ws.keeps_data and raw is not None:
            ws.raw_items.append(raw)
        elif raw is not None and has_extension_keys(raw):
            ws.extended[item.id] = raw
            _share_keys(raw)


def _check_references(ws: Workspace, locate: bool) -> None:
    from prioritize.item_checks import evidence_range_problems, reference_problems

    known = {entry_id for kind, entry_id in ws.invalid_ids if kind == "pool"}
    known_items = {entry_id for kind, entry_id in ws.invalid_ids if kind == "item"}
    problems = reference_problems(ws.pools, ws.items, extra_pools=known, extra_items=known_items)
    if not locate:
        ws.unlocated = [*problems, *evidence_range_problems(ws.items)]
        return
    kept, ws.unchecked_references = ws.without_cascade([ws.finding(p) for p in problems])
    ws.findings.extend(kept)
    ws.findings.extend(ws.finding(p) for p in evidence_range_problems(ws.items))


# Every model keeps the set of the fields its data gave, a set of its own: for an item and its
# evidence that was more than half of what the models held in memory. Items that give the same
# fields share one set (pydantic copies it before changing a copy's, and nothing changes it).
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


def _share_fields_set(model: BaseModel) -> None:
    given = model.__pydantic_fields_set__
    same = _FIELDS_SETS.setdefault(frozenset(given), given)
    if same is not given:
        object.__setattr__(model, "__pydantic_fields_set__", same)


# The texts items repeat (a pool, a status, an owner, personas, plain sources), each held once:
# the reader makes a new string for every value it reads, and at 100,000 items these copies
# held tens of MiB. Equal strings are interchangeable; a model is changed in its own record.
_TEXTS: dict[Any, Any] = {}
_REPEATED_FIELDS = ("pool", "status", "risk", "facing", "owner")
_repeated = itemgetter(*_REPEATED_FIELDS)


def _share_keys(raw: dict[str, Any]) -> None:
    """The keys of an item's data kept as read, each held once (models.shared_names)."""
    level: list[Any] = [raw]
    while level:
        below: list[Any] = []
        for node in level:
            if type(node) is dict:
                if all(type(key) is str for key in node):  # 1 and True are equal keys
                    shared_names(node)
                below.extend(node.values())
            elif type(node) is list:
                below.extend(node)
        level = below


def _share_texts(item: Item) -> None:
    texts = _TEXTS
    if len(texts) > 100_000:
        texts.clear()
    fields = item.__dict__
    values = _repeated(fields)  # (None too: as good a key as any)
    fields.update(zip(_REPEATED_FIELDS, map(texts.setdefault, values, values), strict=True))
    if item.personas:
        fields["personas"] = list(map(texts.setdefault, item.personas, item.personas))
    sources = item.evidence.sources
    if sources and type(sources[0]) is str:  # plain text (hashing a typed one costs more)
        item.evidence.__dict__["sources"] = list(map(texts.setdefault, sources, sources))
    else:
        for source in sources:  # typed: each keeps its own record of the fields it was given
            if isinstance(source, BaseModel):
                _share_fields_set(source)
