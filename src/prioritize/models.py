"""Pydantic models: one top-level model per kind of file (backlog, criteria set, settings, votes)."""

from __future__ import annotations

import math
from datetime import date
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    Tag,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)

from prioritize.errors import did_you_mean
from prioritize.values import MAX_NUMBER, describe, is_number, number_problem
from prioritize.vocabulary import Risk

Status = Literal["idea", "proposed", "ready", "in-progress", "done", "dropped"]
Facing = Literal["internal", "public"]
Beneficiary = Literal["constituents", "agencies", "staff", "organization"]
PoolKind = Literal["cost-driver", "mission-inhibitor", "opportunity"]
EvidenceKind = Literal["functional", "operational", "experience"]
DataKind = Literal["functional", "operational", "experience", "judgement"]
Method = Literal["weighted", "formula"]
# What a piece of evidence is, strongest first (confidence.py orders and weighs them).
SourceKind = Literal[
    "launch", "pilot", "test", "analytics", "research", "survey", "benchmark", "anecdote", "opinion"
]
# An item's evidence strength: a source kind, or plain-text sources only, or none at all.
Strength = Literal[
    "launch", "pilot", "test", "analytics", "research", "survey", "benchmark", "anecdote",
    "opinion", "unspecified", "none",
]  # fmt: skip
Direction = Literal["higher", "lower"]

STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
RISKS: tuple[str, ...] = Risk.__args__  # type: ignore[attr-defined]
EVIDENCE_KINDS: tuple[str, ...] = EvidenceKind.__args__  # type: ignore[attr-defined]
SOURCE_KINDS: tuple[str, ...] = SourceKind.__args__  # type: ignore[attr-defined]
STRENGTHS: tuple[str, ...] = Strength.__args__  # type: ignore[attr-defined]
CLOSED_STATUSES = frozenset({"done", "dropped"})
# Captured, evidence not yet gathered: may lack effort, evidence and scores without failing check.
IDEA = "idea"

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
# Criterion ids are names in formulas, so they must be identifiers.
CRITERION_ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"


def _id_from_number(value: Any) -> Any:
    # YAML reads `id: 12` as a number; an id is a name, so take its text.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


# Field before the validator, so that the JSON schema keeps the pattern.
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=200), BeforeValidator(_id_from_number)]
CriterionId = Annotated[str, Field(pattern=CRITERION_ID_PATTERN, max_length=100)]
# Bounds that keep every sum and product of scoring finite (README, "Numbers").
MAX_WEIGHT = 1e6  # weights and risk factors
MIN_EFFORT = 1e-6  # effort and actual_effort
MIN_CAPACITY = 0.01  # capacity per week


def _within_bounds(value: Any) -> Any:
    # Before the float check: an integer of 5,000 digits cannot even be turned into a float.
    # (NaN and infinity are left to the finiteness checks, which word them as before.)
    if (
        is_number(value)
        and (problem := number_problem(value))
        and not (isinstance(value, float) and not math.isfinite(value))
    ):
        raise ValueError(problem)
    return value


# Strict: YAML gives numbers as numbers; a quoted "5" is a mistake worth reporting. Finite and
# within ±MAX_NUMBER, so `.nan` is refused like `.inf`.
Number = Annotated[
    StrictFloat, BeforeValidator(_within_bounds), AfterValidator(lambda v: _finite(v))
]
# A scalar as written: 1 stays 1 (not 1.0), so messages list values the way the file does.
Scalar = Annotated[
    StrictInt | StrictFloat | StrictStr, BeforeValidator(lambda v: _within_bounds(v))
]
Text = Annotated[str, Field(min_length=1)]


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


def _positive_finite(value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        raise ValueError("must be a finite number greater than 0")
    return value


def _effort(value: float) -> float:
    if value < MIN_EFFORT:
        raise ValueError(f"must be at least {MIN_EFFORT:g}")
    return value


def _pair(value: Any) -> Any:
    if isinstance(value, list) and len(value) != 2:
        raise ValueError(f"must be two numbers, [low, high], not {len(value)}")
    return value


def _capacity(value: float) -> float:
    if value < MIN_CAPACITY:
        raise ValueError(f"must be at least {MIN_CAPACITY:g}")
    return value


def _data_value(value: Any) -> Any:
    """Evidence and scores hold anything, but the numbers in them are finite and bounded."""
    kind = type(value)
    # Nearly every value is one plain scalar: settled without the walk (NaN and infinities
    # fail the comparison and take it).
    if kind is str or kind is bool or value is None:
        return value
    if (kind is int or kind is float) and -MAX_NUMBER <= value <= MAX_NUMBER:
        return value
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif is_number(node) and not isinstance(node, bool):
            problem = number_problem(node)
            if problem and not (isinstance(node, float) and math.isinf(node)):
                # (an infinite value a criterion reads is a not-numeric finding of scoring)
                raise ValueError(problem)
    return value


FiniteNumber = Number
PositiveNumber = Annotated[
    StrictFloat, BeforeValidator(_within_bounds), AfterValidator(_positive_finite)
]
Effort = Annotated[PositiveNumber, AfterValidator(_effort)]
DataValue = Annotated[Any, AfterValidator(_data_value)]


def _plain_data(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    # A mapping of names to plain scalars in bounds, as nearly every evidence and scores
    # mapping is, is kept as read: validating each value is what each item cost most. Anything
    # else is validated value by value, and located there.
    #
    # Kept, its names are held once (_NAMES): a reader makes a new string for every key it
    # reads, and the names every item repeats (completion_rate, reach, ...) cost some 60 bytes
    # each in every item.
    if type(value) is dict:
        names = _NAMES
        if len(names) > 100_000:
            names.clear()
        kept = {}
        for key, item in value.items():
            kind = type(item)
            if type(key) is not str or not (
                kind is str
                or kind is bool
                or item is None
                or ((kind is int or kind is float) and -MAX_NUMBER <= item <= MAX_NUMBER)
            ):
                return handler(value)
            kept[names.setdefault(key, key)] = item
        return kept
    return handler(value)


# The names of the mappings kept as read, each held once.
_NAMES: dict[str, str] = {}


def shared_names(mapping: dict[str, Any]) -> dict[str, Any]:
    """`mapping`, whose keys are all text, refilled in place and in its order with the names
    held once (_NAMES), as the mappings kept as read are."""
    names = _NAMES
    values = list(mapping.values())
    keys = list(map(names.setdefault, mapping, mapping))
    mapping.clear()
    mapping.update(zip(keys, values, strict=True))
    return mapping


DataMapping = Annotated[dict[str, DataValue], WrapValidator(_plain_data)]


class Model(BaseModel):
    """Base: unknown keys are errors, except `x-` extension keys, which are dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)

    @model_validator(mode="before")
    @classmethod
    def _drop_extension_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        # This runs once per model, tens of thousands of times. Keys that are all field names,
        # as nearly every mapping's are, hold no x- key: one set comparison says so.
        if data.keys() <= _field_names(cls):
            return data
        for k in data:  # a plain loop
            if isinstance(k, str) and k.startswith("x-"):
                return {
                    k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))
                }
        return data


@cache
def _field_names(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(model.model_fields)


# --- backlog files ---------------------------------------------------------------------------


class Kpi(Model):
    id: Id
    name: Text
    data: EvidenceKind | None = None
    unit: str | None = None
    baseline: Number | None = None
    target: Number | None = None
    current: Number | None = None
    description: str | None = None


class ValuePool(Model):
    id: Id
    name: Text
    beneficiary: Beneficiary | None = None
    kind: PoolKind | None = None
    owner: str | None = None
    description: str | None = None
    kpis: list[Kpi] = []

    @field_validator("kpis")
    @classmethod
    def _unique_kpis(cls, kpis: list[Kpi]) -> list[Kpi]:
        seen: set[str] = set()
        for kpi in kpis:
            if kpi.id in seen:
                raise ValueError(f'KPI id "{kpi.id}" appears twice in this pool')
            seen.add(kpi.id)
        return kpis


Day = date  # a field named `date` would hide the type inside its class


# Words people write for a kind of evidence, by the kind they mean (a hint, never a match).
_KIND_WORDS = {
    "launch": ("launch", "live", "release", "rollout", "production"),
    "pilot": ("pilot", "trial", "beta"),
    "test": ("usab", "prototyp", "a/b", "ab test", "experiment", "comprehension"),
    "analytics": ("analytic", "data", "log", "report", "funnel", "metric", "dashboard"),
    "research": ("research", "interview", "shadow", "diary", "contextual", "ethnograph"),
    "survey": ("survey", "questionnaire", "poll", "csat"),
    "benchmark": ("benchmark", "audit", "compar", "other state", "standard"),
    "anecdote": ("anecdot", "story", "complaint", "feedback", "note"),
    "opinion": ("opinion", "belief", "hunch", "expert", "view", "judgement", "judgment", "idea"),
}


def _known_kind(value: Any) -> Any:
    # A typo gets the usual "did you mean" from the literal check; a word people use for a kind
    # ("usability study", "interviews") is told which kind it is.
    if not isinstance(value, str) or value in SOURCE_KINDS or did_you_mean(value, SOURCE_KINDS):
        return value
    words = value.lower()
    meant = next((k for k, stems in _KIND_WORDS.items() if any(s in words for s in stems)), None)
    if meant is not None:
        raise ValueError(
            f'must be one of {", ".join(SOURCE_KINDS)}, not "{value}" (did you mean "{meant}"?)'
        )
    return value


class Source(Model):
    """A typed piece of evidence: what it is (its kind), what it is called, when, and how many."""

    kind: Annotated[SourceKind, BeforeValidator(_known_kind)]
    name: Text
    date: Day | None = None
    n: Annotated[StrictInt, Field(ge=1)] | None = None  # how many people or cases it covers


# Branch names of the sources union; files.py leaves them out of error locations.
PLAIN_SOURCE, TYPED_SOURCE = "plain-source", "typed-source"


def _source_branch(value: Any) -> str:
    return PLAIN_SOURCE if isinstance(value, str) else TYPED_SOURCE


# A source is plain text (as before) or a typed mapping: only the branch a value takes can
# fail, so a mapping with a wrong kind is one located error, not one per branch.
SourceEntry = Annotated[
    Annotated[str, Tag(PLAIN_SOURCE)] | Annotated[Source, Tag(TYPED_SOURCE)],
    Discriminator(_source_branch),
]


def _ordered_pair(value: tuple[float, float]) -> tuple[float, float]:
    if value[0] > value[1]:
        raise ValueError(f"must be [low, high] with low <= high, not [{value[0]:g}, {value[1]:g}]")
    return value


Range = Annotated[tuple[Number, Number], BeforeValidator(_pair), AfterValidator(_ordered_pair)]


def _plain_sources(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    # A list of plain-text sources, as most are, is kept as read: choosing a branch for each
    # entry is a Python call per source.
    if type(value) is list and all(type(entry) is str for entry in value):
        return value
    return handler(value)


def _empty(kind: type[list[Any]] | type[dict[str, Any]]) -> Any:
    """A field's default: a new empty list or dict for each model that lacks the field, made by
    calling `kind`; pydantic deep-copies a default written `[]` or `{}` for each, a Python
    call per item that lacks it. The schema still shows the default."""
    return Field(default_factory=kind, json_schema_extra={"default": kind()})


class Evidence(Model):
    as_of: date | None = None
    sources: Annotated[list[SourceEntry], WrapValidator(_plain_sources)] = _empty(list)
    functional: DataMapping = _empty(dict)
    operational: DataMapping = _empty(dict)
    experience: DataMapping = _empty(dict)
    # How far a measured value may be off: {functional.completion_rate: [low, high]}, the
    # value between them (checks.range_problems); sensitivity --vary evidence draws from it.
    ranges: dict[str, Range] = _empty(dict)


class Outcome(Model):
    delivered: date | None = None
    actual_effort: Effort | None = None
    kpi: str | None = None
    before: Number | None = None
    after: Number | None = None
    notes: str | None = None


class Item(Model):
    id: Id
    title: Text
    pool: Id
    status: Status = "proposed"
    effort: Effort | None = None
    # The team's range around the likely effort, for forecasts: low <= effort <= high.
    effort_range: Annotated[tuple[Effort, Effort], BeforeValidator(_pair)] | None = None
    due: date | None = None  # delivered by this day: a target, or with a mandate an obligation
    mandate: Text | None = None  # why it is not optional: a statute, an audit finding, an order
    risk: Risk | None = None
    facing: Facing | None = None
    owner: str | None = None
    description: str | None = None
    personas: list[str] = _empty(list)
    depends_on: list[Id] = _empty(list)
    evidence: Evidence = Field(
        default_factory=Evidence, json_schema_extra={"default": Evidence().model_dump(mode="json")}
    )
    scores: DataMapping = _empty(dict)
    outcome: Outcome | None = None

    @field_validator("effort_range")
    @classmethod
    def _range_holds_effort(
        cls, value: tuple[float, float] | None, info: ValidationInfo
    ) -> tuple[float, float] | None:
        if value is None or "effort" not in info.data:  # a bad effort is reported on its own
            return value
        low, high = value
        effort = info.data["effort"]
        if effort is None:
            raise ValueError("must come with an effort, the likely effort between low and high")
        if not low <= effort <= high:
            raise ValueError(
                f"must be [low, high] with low <= effort <= high; effort {effort:g} is outside "
                f"[{low:g}, {high:g}]"
            )
        return value

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES


def has_extension_keys(data: dict[str, Any]) -> bool:
    """Whether valid item data holds x- keys (its model drops them) where a criterion's
    source may read one: beside the item's fields, its evidence's or its outcome's."""
    if not data.keys() <= _field_names(Item):
        return True
    for key, model in (("evidence", Evidence), ("outcome", Outcome)):
        part = data.get(key)
        if isinstance(part, dict) and not part.keys() <= _field_names(model):
            return True
    return False


class BacklogFile(Model):
    """A backlog file in list form: value pools and items."""

    value_pools: list[ValuePool] = []
    items: list[Item] = []


# --- criteria sets ----------------------------------------------------------------------------


class Scale(Model):
    # None: auto for weighted sets, no normalization in formula sets (docs/reference.md 4.6).
    range: tuple[FiniteNumber, FiniteNumber] | Literal["auto"] | None = None
    transform: Literal["log"] | None = None
    map: dict[StrictInt | StrictFloat | StrictStr, Number] | None = None

    @field_validator("range")
    @classmethod
    def _ordered(cls, value: Any) -> Any:
        if isinstance(value, tuple):
            lo, hi = value
            if not lo < hi:
                raise ValueError("range must be [lo, hi] with lo < hi")
        return value

    @field_validator("map")
    @classmethod
    def _finite_map(cls, value: dict[Any, float] | None) -> dict[Any, float] | None:
        for number in (value or {}).values():
            _finite(number)
        return value


def _level(value: float) -> float:
    if not 0 < value <= 1:
        raise ValueError(f"must be a level in (0, 1]: above 0 and at most 1, not {value:g}")
    return value


ConfidenceLevel = Annotated[StrictFloat, BeforeValidator(_within_bounds), AfterValidator(_level)]
# Branch names of `confidence:` (true or false, or levels by kind); both read as union branches
# in error locations (files.py), so only the branch a value takes reports its errors.
CONFIDENCE_FLAG, CONFIDENCE_LEVELS = "bool", "dict[kind,level]"


def _confidence_branch(value: Any) -> str:
    return CONFIDENCE_FLAG if isinstance(value, bool) else CONFIDENCE_LEVELS


class Criterion(Model):
    id: CriterionId
    name: str | None = None
    description: str | None = None
    data: DataKind
    source: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
    weight: Annotated[StrictFloat, AfterValidator(_positive_finite)] = 1
    direction: Direction = "higher"
    scale: Scale = Scale()
    allowed: list[Scalar] | None = Field(default=None, min_length=1)
    required: StrictBool = True

    @field_validator("weight", mode="before")
    @classmethod
    def _bounded_weight(cls, value: Any, info: ValidationInfo) -> Any:
        # Bounded, so that the weights' sum (and each share of it) stays a finite number.
        finite = not (isinstance(value, float) and not math.isfinite(value))
        if is_number(value) and finite and (number_problem(value) or value > MAX_WEIGHT):
            raise ValueError(
                f"must be at most {MAX_WEIGHT:g} (criterion {info.data.get('id', '?')}), "
                f"not {describe(value)}; weights count only relative to each other"
            )
        return value

    @property
    def source_path(self) -> str:
        """Where in an item the raw value lives (docs/reference.md 4: judgement reads scores.<id>)."""
        if self.source:
            return self.source
        if self.data == "judgement":
            return f"scores.{self.id}"
        return f"evidence.{self.data}.{self.id}"

    @property
    def label(self) -> str:
        return self.name or self.id


class CriteriaSet(Model):
    name: Text
    description: str | None = None
    agreed_by: list[Text] = []
    agreed_on: date | None = None
    method: Method = "weighted"
    per_effort: StrictBool = False
    risk_factor: dict[Risk, FiniteNumber] | None = None
    # Multiply scores by the confidence the evidence earns: true for the built-in levels, or
    # a level per strength (those it leaves out keep the built-in one).
    confidence: (
        Annotated[
            Annotated[StrictBool, Tag(CONFIDENCE_FLAG)]
            | Annotated[dict[Strength, ConfidenceLevel], Tag(CONFIDENCE_LEVELS)],
            Discriminator(_confidence_branch),
        ]
        | None
    ) = None
    formula: str | None = None
    criteria: list[Criterion] = Field(min_length=1)

    @field_validator("risk_factor")
    @classmethod
    def _factors_positive(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        if any(factor < 0 for factor in (value or {}).values()):
            raise ValueError("risk factors must be >= 0")
        if any(factor > MAX_WEIGHT for factor in (value or {}).values()):
            raise ValueError(f"risk factors must be at most {MAX_WEIGHT:g}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> CriteriaSet:
        ids = [c.id for c in self.criteria]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"criterion ids must be unique: {', '.join(duplicates)}")
        if "effort" in ids:
            raise ValueError('"effort" is the item\'s effort; give the criterion another id')
        if self.method == "formula" and not self.formula:
            raise ValueError("method formula needs a formula")
        if self.method == "weighted" and self.formula:
            raise ValueError("a formula is only used with method: formula")
        if self.method == "formula" and self.per_effort:
            raise ValueError("per_effort is for weighted sets; divide by effort in the formula")
        return self

    @property
    def evidence_kinds(self) -> set[str]:
        return {c.data for c in self.criteria}


# --- settings and votes -----------------------------------------------------------------------


def _some_work(history: list[float] | None) -> list[float] | None:
    if history is not None and not any(week > 0 for week in history):
        raise ValueError("needs at least one week in which the team completed some effort")
    return history


NonNegativeNumber = Annotated[
    StrictFloat, Field(ge=0), BeforeValidator(_within_bounds), AfterValidator(lambda v: _finite(v))
]


class Capacity(Model):
    per_week: Annotated[PositiveNumber, AfterValidator(_capacity)]
    teams: Annotated[StrictInt, Field(ge=1, le=1000)] = 1
    # Effort one team completed in each past week: forecasts draw a week's capacity from it.
    history: Annotated[
        list[NonNegativeNumber] | None, Field(min_length=1), AfterValidator(_some_work)
    ] = None


def _month_day(value: str) -> str:
    month, _, day = value.partition("-")
    try:
        date(2001, int(month), int(day))  # a year without 29 February: every year has the day
    except ValueError:
        raise ValueError(
            f"must be a month and day, MM-DD (07-01 is 1 July), not {value!r}"
        ) from None
    if len(month) != 2 or len(day) != 2:
        raise ValueError(f"must be a month and day, MM-DD (07-01 is 1 July), not {value!r}")
    return value


class Settings(Model):
    """`prioritize.yaml`."""

    criteria: str | None = None
    capacity: Capacity | None = None
    start: date | None = None
    unit: str = "points"
    title: str | None = None
    # The first day of the fiscal year, MM-DD: the report forecasts to the end of the current one.
    fiscal_year_start: Annotated[StrictStr, AfterValidator(_month_day)] = "07-01"


class Votes(Model):
    """`votes/NAME.yaml`: one stakeholder's judgement scores."""

    stakeholder: Text
    role: str | None = None
    scores: dict[Id, dict[str, Any]] = {}


__all__ = [
    "CLOSED_STATUSES",
    "EVIDENCE_KINDS",
    "IDEA",
    "PLAIN_SOURCE",
    "RISKS",
    "SOURCE_KINDS",
    "STATUSES",
    "STRENGTHS",
    "TYPED_SOURCE",
    "BacklogFile",
    "Capacity",
    "CriteriaSet",
    "Criterion",
    "Evidence",
    "Item",
    "Kpi",
    "Outcome",
    "Scale",
    "Settings",
    "Source",
    "ValuePool",
    "Votes",
    "did_you_mean",
]
