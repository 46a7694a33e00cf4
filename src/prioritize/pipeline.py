"""The one way from a loaded workspace and criteria set to scores: votes applied, problems sorted.

Every command that scores goes through `score_workspace`; what it refuses, warns about or
leaves unscored is decided here once, not per command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, get_args, get_origin

import pandas as pd
from pydantic import BaseModel

from prioritize import confidence
from prioritize.analysis.outcomes import as_still_open
from prioritize.analysis.votes import apply_votes, vote_problems
from prioritize.criteria_sets import LoadedCriteria
from prioritize.errors import Finding, PrioritizeError
from prioritize.models import Criterion, Item
from prioritize.scoring import (
    DEPENDS_ON,
    EFFORT,
    EVIDENCE_STRENGTH,
    FACING,
    ID,
    POOL,
    RISK,
    STATUS,
    TITLE,
    Scoring,
    raw_column,
    score,
)
from prioritize.values import dig_steps
from prioritize.workspace import Workspace


@dataclass(frozen=True)
class Scored:
    """A workspace scored by one criteria set: what every command renders from.

    `items` is what was scored (every item, vote medians in place of own judgement scores);
    `vote_findings` every problem with the votes under this set, located (errors and warnings).
    """

    workspace: Workspace
    criteria: LoadedCriteria
    scoring: Scoring
    items: pd.DataFrame
    vote_findings: tuple[Finding, ...]

    @property
    def refusals(self) -> list[Finding]:
        """What makes the workspace unusable under this set: vote errors, values that cannot be scored."""
        votes = [f for f in self.vote_findings if f.severity == "error"]
        if votes:
            return votes
        return [self.workspace.finding(p) for p in self.scoring.problems]

    @property
    def vote_warnings(self) -> list[Finding]:
        return [f for f in self.vote_findings if f.severity != "error"]

    def raise_for_refusals(self) -> None:
        """Refuse the workspace (exit 2, located) where this set cannot score it."""
        if self.refusals:
            raise PrioritizeError(self.refusals)


def score_workspace(ws: Workspace, loaded: LoadedCriteria) -> Scored:
    """Score every open item of `ws` by `loaded`, stakeholders' vote medians applied.

    Votes with problems are left out of the medians (and reported in `vote_findings`), so that
    `check` can report them and still score what every other command would.
    """
    own_set = loaded.name == (ws.settings.criteria or "default")
    problems = vote_problems(ws.votes, ws.items, loaded.criteria, own_set=own_set)
    items = voted_items(ws, loaded)
    scoring = score(items, loaded.compiled)
    return Scored(ws, loaded, scoring, items, tuple(ws.finding(p) for p in problems))


def voted_items(ws: Workspace, loaded: LoadedCriteria) -> pd.DataFrame:
    """What `score_workspace` scores: the items frame with the vote medians in place."""
    frame = items_frame(ws, loaded.criteria.criteria)
    return apply_votes(frame, ws.votes, loaded.criteria) if ws.votes else frame


def predicted(scored: Scored) -> Scoring:
    """The delivered items scored and ranked with the open ones, as if they were still open."""
    return score(as_still_open(scored.items), scored.criteria.compiled)


def items_frame(ws: Workspace, criteria: list[Criterion]) -> pd.DataFrame:
    """One row per item in file order with the scoring columns and raw values per criterion."""
    items = ws.items

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
        DEPENDS_ON: text([tuple(i.depends_on) for i in items]),
        EVIDENCE_STRENGTH: text([confidence.strength(i.evidence) for i in items]),
    }
    # An item at a time, every criterion's value: each item's mappings are read while they are
    # at hand (a criterion at a time fetched all of them again per criterion, twice the time).
    readers = [_Reader(criterion.source_path.split(".")) for criterion in criteria]
    values: list[list[Any]] = [[] for _ in criteria]
    appends = [(column.append, read.read) for column, read in zip(values, readers, strict=True)]
    kept = ws.raw_items if ws.keeps_data else None
    for index, item in enumerate(items):
        raw = kept[index] if kept is not None else ws.extended.get(item.id) if ws.extended else None
        if raw is None:
            for append, read in appends:
                append(read(item))
        else:  # read as written, x- keys too
            for (append, _), reader in zip(appends, readers, strict=True):
                append(reader.in_data(raw))
    for criterion, column in zip(criteria, values, strict=True):
        columns[raw_column(criterion.id)] = pd.Series(column, dtype=object)
    return pd.DataFrame(columns)


class _Reader:
    """The value at a criterion's dotted source path in an item, as `values.dig_steps` finds it
    in the item's data: the item's fields (and its evidence's, its outcome's) by name, then the
    keys of a mapping. A field the models do not have (an x- key) is missing here; `in_data`
    reads it in the data as written."""

    def __init__(self, steps: list[str]) -> None:
        self.steps = steps
        fields: list[str] = []
        model: type[BaseModel] | None = Item
        # Whether every field on the way is on every item: a model (not `Outcome | None`), or
        # a mapping whose default is empty, as evidence sections and scores are.
        always = True
        for step in steps:
            if model is None or step not in model.model_fields:
                break
            fields.append(step)
            info = model.model_fields[step]
            model = _nested_model(info.annotation)
            always = always and (
                info.annotation is model
                if model is not None
                else get_origin(info.annotation) is dict
                and info.get_default(call_default_factory=True) == {}
            )
        self.keys = steps[len(fields) :]
        self.missing = not fields or (model is not None and bool(self.keys))
        # The model holding the last field, and that field: a field the data did not give
        # holds its default, which the data as written does not have.
        self.parent = attrgetter(".".join(fields[:-1])) if len(fields) > 1 else None
        self.last = fields[-1] if fields else ""
        self.read: Callable[[Item], Any] = self
        if fields and always and model is None and len(self.keys) == 1:
            # Nearly every source: one key of an evidence section or of scores, which are
            # mappings on every item (empty where not given). Read at C speed.
            mapping, key = attrgetter(".".join(fields)), self.keys[0]

            def read(item: Item) -> Any:
                value = mapping(item).get(key)
                return None if value != value else value  # NaN counts as missing

            self.read = read

    def __call__(self, item: Item) -> Any:
        if self.missing:
            return None
        try:
            parent = self.parent(item) if self.parent is not None else item
        except AttributeError:  # a step through a model that is absent (no outcome)
            return None
        if parent is None or self.last not in parent.__pydantic_fields_set__:
            return None
        if self.keys:
            return dig_steps(getattr(parent, self.last), self.keys)
        value = getattr(parent, self.last)  # a field itself: a mapping or list as written
        if isinstance(value, BaseModel):
            return dict(value)
        return list(value) if isinstance(value, tuple) else dig_steps(value, [])

    def in_data(self, data: dict[str, Any]) -> Any:
        return dig_steps(data, self.steps)


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (`Evidence`, `Outcome | None`), or None for any other field."""
    for kind in (annotation, *get_args(annotation)):
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            return kind
    return None
