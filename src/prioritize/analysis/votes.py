"""Stakeholders' votes: their problems, their medians in place of items' own scores, and disagreement.

Pure: votes, items and criteria in; problems and frames out (docs/reference.md 5, `votes/`).

The median of a (item, criterion) pair is the middle vote. With an even number of votes it is
the mean of the two middle ones, except for a criterion that lists `allowed` values or maps
values to numbers: there it is the lower of the two middle votes (in the order of the scale),
so that the median is always a value the criterion accepts.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from prioritize.errors import Problem, Ref, Suggestions
from prioritize.models import CriteriaSet, Criterion, Item, Votes, did_you_mean
from prioritize.scoring import ID, raw_column
from prioritize.values import describe, is_number, number_problem, same_value

# Columns of `votes` (docs/reference.md 5).
CRITERION, VOTES, MEDIAN, MIN, MAX, SPREAD, FLAG = (
    "criterion",
    "votes",
    "median",
    "min",
    "max",
    "spread",
    "flag",
)
VOTE_COLUMNS = [ID, CRITERION, VOTES, MEDIAN, MIN, MAX, SPREAD, FLAG]
DISCUSS = "discuss"
DEFAULT_THRESHOLD = 2.0
BALLOT_PREFIX = "vote."


def ballot_column(stakeholder: str) -> str:
    """The column holding one stakeholder's vote in the frame of `vote_summary`."""
    return f"{BALLOT_PREFIX}{stakeholder}"


class _HasPath(Protocol):
    @property
    def path(self) -> str: ...


# A votes file as the workspace holds it, (Votes, SourceFile), or with its path as text.
VotesEntry = Votes | tuple[Votes, "_HasPath | str"]


def _entries(votes: Iterable[VotesEntry]) -> list[tuple[Votes, str]]:
    out: list[tuple[Votes, str]] = []
    for entry in votes:
        if isinstance(entry, Votes):
            out.append((entry, f"votes/{entry.stakeholder}.yaml"))
        else:
            model, source = entry
            out.append((model, source if isinstance(source, str) else source.path))
    return out


def _criteria(criteria: CriteriaSet | Iterable[Criterion]) -> list[Criterion]:
    return list(criteria.criteria if isinstance(criteria, CriteriaSet) else criteria)


def _choices(values: Iterable[Any]) -> str:
    return ", ".join(
        str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in values
    )


def _number(criterion: Criterion, value: Any) -> float | str:
    """The vote as a number on the criterion's scale (after `map`), or why it cannot be used."""
    if value is None:
        return "no value"
    if criterion.allowed is not None and not any(same_value(value, a) for a in criterion.allowed):
        return f"{describe(value)} is not allowed for {criterion.id}; use one of {_choices(criterion.allowed)}"
    if criterion.scale.map is not None:
        key = next((k for k in criterion.scale.map if same_value(value, k)), None)
        if key is None:
            return f"{describe(value)} has no number in the map of {criterion.id}; use one of {_choices(criterion.scale.map)}"
        return float(criterion.scale.map[key])
    if not is_number(value):
        return f"{criterion.id} needs a number here, not {describe(value)}"
    if problem := number_problem(value):
        return f"{criterion.id} {problem}"
    if criterion.scale.transform == "log" and float(value) < 0:
        return f"{criterion.id} takes the log of its value, which must be >= 0, not {value}"
    return float(value)


# Characters that show as nothing: a name holding one looks like the name without it.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"))


def same_voter(name: str) -> str:
    """The stakeholder a name means: two names with the same key are one person.

    NFKC-normalized (full-width and compatibility forms fold), invisible characters removed,
    trimmed and case-folded: `cio`, `CIO`, `"cio "` and `c\u200bio` are one voter.
    """
    return unicodedata.normalize("NFKC", name).translate(_INVISIBLE).strip().casefold()


def vote_problems(
    votes: Iterable[VotesEntry],
    items: Sequence[Item],
    criteria: CriteriaSet | Iterable[Criterion],
    *,
    own_set: bool = True,
) -> list[Problem]:
    """Everything wrong with the votes files, in file order; each Ref names the votes file by path.

    All errors: unknown-vote-item (no such item), unknown-vote-criterion (not a judgement
    criterion of the set), vote-not-allowed (a value the criterion does not accept: outside
    `allowed`, not in its `map`, not a number), duplicate-stakeholder (two files, one name).
    Votes are cast on the workspace's own set: under another set (`own_set` false, as with
    `--criteria rice`) a vote on a criterion that set lacks simply does not apply.
    """
    by_id = {c.id: c for c in _criteria(criteria)}
    item_ids = {i.id for i in items}
    item_names = Suggestions(item_ids)
    problems: list[Problem] = []
    first_file: dict[str, tuple[str, str]] = {}  # voter -> (path, name as written there)
    for model, path in _entries(votes):
        voter = same_voter(model.stakeholder)
        if voter in first_file:
            first_path, first_name = first_file[voter]
            same = (
                ""
                if first_name == model.stakeholder
                else f' (as "{first_name}": names are compared ignoring case, spaces at either '
                "end and invisible characters)"
            )
            problems.append(Problem(
                "duplicate-stakeholder", "error", Ref("votes", path, ("stakeholder",)),
                f'stakeholder "{model.stakeholder}" already voted in {first_path}{same}; one file per stakeholder',
            ))  # fmt: skip
        first_file.setdefault(voter, (path, model.stakeholder))
        for item_id, scores in model.scores.items():
            if item_id not in item_ids:
                problems.append(Problem(
                    "unknown-vote-item", "error", Ref("votes", path, ("scores", item_id), key=True),
                    f'"{item_id}" is not an item of this workspace{item_names.hint(item_id)}',
                ))  # fmt: skip
                continue
            for criterion_id, value in (scores or {}).items():
                where = ("scores", item_id, criterion_id)
                criterion = by_id.get(criterion_id)
                if criterion is None:
                    problems.append(Problem(
                        "unknown-vote-criterion", "error", Ref("votes", path, where, key=True),
                        f'"{criterion_id}" is not a criterion of the set "{getattr(criteria, "name", "")}"'
                        f"{did_you_mean(str(criterion_id), by_id)}",
                    ))  # fmt: skip
                elif criterion.data != "judgement":
                    problems.append(Problem(
                        "unknown-vote-criterion", "error", Ref("votes", path, where, key=True),
                        f"{criterion_id} is measured ({criterion.data} evidence), not judged; stakeholders vote only on judgement criteria",
                    ))  # fmt: skip
                elif value is not None and isinstance(number := _number(criterion, value), str):
                    problems.append(
                        Problem("vote-not-allowed", "error", Ref("votes", path, where), number)
                    )
    return [p for p in problems if own_set or p.code != "unknown-vote-criterion"]


@dataclass(frozen=True)
class _Ballot:
    stakeholder: str
    value: Any
    number: float


def _ballots(
    votes: Iterable[VotesEntry], criteria: Iterable[Criterion]
) -> dict[tuple[str, str], list[_Ballot]]:
    """The usable votes per (item id, judgement criterion id), in file order."""
    judged = {c.id: c for c in criteria if c.data == "judgement"}
    found: dict[tuple[str, str], list[_Ballot]] = {}
    for model, _ in _entries(votes):
        for item_id, scores in model.scores.items():
            for criterion_id, value in (scores or {}).items():
                criterion = judged.get(criterion_id)
                if criterion is None or value is None:
                    continue
                number = _number(criterion, value)
                if isinstance(number, float):
                    found.setdefault((item_id, criterion_id), []).append(
                        _Ballot(model.stakeholder, value, number)
                    )
    return found


def _median(criterion: Criterion, ballots: list[_Ballot]) -> Any:
    ordered = sorted(ballots, key=lambda b: b.number)
    if criterion.allowed is not None or criterion.scale.map is not None or len(ordered) % 2:
        return ordered[(len(ordered) - 1) // 2].value
    middle = len(ordered) // 2
    return statistics.mean([ordered[middle - 1].value, ordered[middle].value])


def vote_medians(
    votes: Iterable[VotesEntry], criteria: CriteriaSet | Iterable[Criterion]
) -> dict[tuple[str, str], Any]:
    """The median vote per (item id, judgement criterion id) that has votes, as a raw value."""
    by_id = {c.id: c for c in _criteria(criteria)}
    return {
        key: _median(by_id[key[1]], ballots)
        for key, ballots in _ballots(votes, by_id.values()).items()
    }


def apply_votes(
    items: pd.DataFrame, votes: Iterable[VotesEntry], criteria: CriteriaSet | Iterable[Criterion]
) -> pd.DataFrame:
    """A new items frame whose `raw.<id>` holds the median vote wherever an item has votes on a
    judgement criterion; every other value is left as it was. Votes that vote_problems reports
    as errors, and votes on measured criteria, are left out. Applying it twice changes nothing.
    """
    medians = vote_medians(votes, criteria)
    if not medians:
        return items
    out = items.copy()
    for criterion in _criteria(criteria):
        column = raw_column(criterion.id)
        per_item = {
            item_id: value for (item_id, cid), value in medians.items() if cid == criterion.id
        }
        if column not in out.columns or not per_item:
            continue
        values = [
            per_item.get(item_id, old) for item_id, old in zip(out[ID], out[column], strict=True)
        ]
        out[column] = pd.Series(values, index=out.index, dtype=object)
    return out


def vote_summary(
    votes: Iterable[VotesEntry],
    criteria: CriteriaSet | Iterable[Criterion],
    item_order: Sequence[str] = (),
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """One row per (item, judgement criterion) with votes: VOTE_COLUMNS, then one `vote.<stakeholder>`
    column per stakeholder (file order) holding that stakeholder's vote or None.

    Rows follow `item_order` (items not in it after, by id), then the criteria's order. `min` and
    `max` are votes as written; `spread` is max - min on the criterion's numeric scale (after
    `map`); `flag` is "discuss" where the spread reaches `threshold`.
    """
    entries = _entries(votes)
    criteria_list = _criteria(criteria)
    ballots = _ballots(entries, criteria_list)
    stakeholders = list(dict.fromkeys(model.stakeholder for model, _ in entries))
    position = {item_id: i for i, item_id in enumerate(item_order)}
    criterion_position = {c.id: i for i, c in enumerate(criteria_list)}
    by_id = {c.id: c for c in criteria_list}
    keys = sorted(
        ballots, key=lambda k: (position.get(k[0], len(position)), k[0], criterion_position[k[1]])
    )
    rows: list[dict[str, Any]] = []
    for item_id, criterion_id in keys:
        cast = ballots[(item_id, criterion_id)]
        ordered = sorted(cast, key=lambda b: b.number)
        spread = ordered[-1].number - ordered[0].number
        row: dict[str, Any] = {
            ID: item_id,
            CRITERION: criterion_id,
            VOTES: len(cast),
            MEDIAN: _median(by_id[criterion_id], cast),
            MIN: ordered[0].value,
            MAX: ordered[-1].value,
            SPREAD: spread,
            FLAG: DISCUSS if spread >= threshold else None,
        }
        said = {b.stakeholder: b.value for b in cast}
        row.update({ballot_column(s): said.get(s) for s in stakeholders})
        rows.append(row)
    columns = VOTE_COLUMNS + [ballot_column(s) for s in stakeholders]
    out = pd.DataFrame(rows, columns=columns, dtype=object)
    return out.astype({VOTES: "int64", SPREAD: "float64"})


def own_scores(items: pd.DataFrame, summary: pd.DataFrame) -> list[Any]:
    """Per row of a vote summary, the item's own raw value that the median replaces (None if none)."""
    lookup: dict[tuple[str, str], Any] = {}
    for criterion_id in summary[CRITERION].unique() if len(summary) else []:
        column = raw_column(criterion_id)
        if column in items.columns:
            lookup.update(
                {(i, criterion_id): v for i, v in zip(items[ID], items[column], strict=True)}
            )
    return [lookup.get((i, c)) for i, c in zip(summary[ID], summary[CRITERION], strict=True)]
