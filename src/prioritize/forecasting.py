"""Pure Monte Carlo over the `ttv` scheduler: many plausible schedules at once, as numpy arrays.

Every run takes the items in the same order as `ttv` (scheduling.dispatch_order: which item is
taken next never depends on how long anything takes), so the runs differ only in how much effort
each item turns out to need and how much a team gets done in a week. One Python step per item,
each a numpy operation across all runs: runs x items, never a Python loop per run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# What an item's effort may turn out to be without a range or a history: the documented default
# spread, triangular from 0.75 to 1.5 times the estimate (work overruns more than it underruns).
DEFAULT_LOW, DEFAULT_HIGH = 0.75, 1.5
# Delivered items needed before their actual/estimate ratios stand in for an item's uncertainty.
HISTORY_MINIMUM = 5
_DIGITS = 9  # as scheduling: weeks rounded so that float noise never decides a tie
# The largest runs x teams x weeks capacity table a forecast may build (8 bytes a cell).
MAX_CAPACITY_CELLS = 60_000_000

RANGES, HISTORY, DEFAULT, MIXED = "ranges", "history", "default", "mixed"


class HorizonError(ValueError):
    """The schedule would run longer than the capacity table can hold."""


@dataclass(frozen=True)
class Efforts:
    """How each item's effort is drawn: a triangle (low, likely, high) or the workspace's history.

    `source[k]` is RANGES, HISTORY or DEFAULT for item k; `ratios` are the reference class
    (actual_effort / effort of delivered items), used by the HISTORY items.
    """

    likely: np.ndarray
    low: np.ndarray
    high: np.ndarray
    source: tuple[str, ...]
    ratios: np.ndarray

    @property
    def summary_source(self) -> str:
        used = set(self.source)
        return used.pop() if len(used) == 1 else (MIXED if used else DEFAULT)


def efforts(
    likely: Sequence[float] | np.ndarray,
    ranges: Sequence[tuple[float, float] | None],
    ratios: Sequence[float],
) -> Efforts:
    """The effort model of each item: its own range where it has one; else the history's ratios
    when at least HISTORY_MINIMUM delivered items recorded both efforts; else the default spread."""
    e = np.asarray(likely, dtype=float)
    history = np.asarray(ratios, dtype=float) if len(ratios) >= HISTORY_MINIMUM else np.empty(0)
    low, high, source = e * DEFAULT_LOW, e * DEFAULT_HIGH, []
    for k, bounds in enumerate(ranges):
        if bounds is not None:
            low[k], high[k] = bounds
            source.append(RANGES)
        else:
            source.append(HISTORY if len(history) else DEFAULT)
    return Efforts(e, low, high, tuple(source), history)


def triangular(low: np.ndarray, mode: np.ndarray, high: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Triangular draws over (low, mode, high) from uniform `u`, by inverting the distribution
    function (arrays broadcast together); where low == high the draw is exactly the mode."""
    width = high - low
    with np.errstate(divide="ignore", invalid="ignore"):
        cut = np.where(width > 0, (mode - low) / width, 0.0)
        drawn = np.where(
            u < cut,
            low + np.sqrt(u * width * (mode - low)),
            high - np.sqrt((1 - u) * width * (high - mode)),
        )
    return np.where(width > 0, drawn, mode)


def draw_efforts(model: Efforts, runs: int, rng: np.random.Generator) -> np.ndarray:
    """Effort of every item in every run: an array of items x runs (an item's runs side by
    side, as the scheduler reads them)."""
    n = len(model.likely)
    out = np.empty((n, runs))
    from_history = np.array([s == HISTORY for s in model.source], dtype=bool)
    if from_history.any():
        picks = rng.integers(0, len(model.ratios), size=(int(from_history.sum()), runs))
        out[from_history] = model.ratios[picks] * model.likely[from_history][:, None]
    shaped = ~from_history
    low, mode, high = (x[shaped][:, None] for x in (model.low, model.likely, model.high))
    width = high - low
    fixed = (width <= 0)[:, 0]
    if fixed.all():
        out[shaped] = mode
        return out
    drawn = triangular(low, mode, high, rng.random((len(mode), runs)))
    drawn[fixed] = mode[fixed]
    out[shaped] = drawn
    return out


@dataclass(frozen=True)
class Capacity:
    """Effort a team completes in a week: fixed, or drawn per team and week from `history`;
    from each of `changes` (week counted from the start, factor > 0) on, it is multiplied by
    that change's factor, the latest change in force replacing those before it."""

    per_week: float
    teams: int
    history: tuple[float, ...] = ()
    changes: tuple[tuple[float, float], ...] = ()

    @property
    def fixed(self) -> bool:
        return not self.history and not self.changes


def finish_weeks(
    sequence: Sequence[int],
    deps: Sequence[Sequence[int]],
    effort: np.ndarray,
    capacity: Capacity,
    rng: np.random.Generator,
) -> np.ndarray:
    """The finish week of every item in every run (items x runs, as `effort`), by the list
    scheduling of `ttv`: items in `sequence`, each on the team that frees up first (ties: the
    lowest team), starting no earlier than its dependencies finish. With fixed capacity an item
    takes effort / per_week weeks, exactly as in `ttv`; otherwise it takes as long as its
    team's weekly capacities need to add up to its effort."""
    runs = effort.shape[1]
    if capacity.fixed:
        return _schedule(sequence, deps, effort / capacity.per_week, capacity.teams, None)
    weeks = _horizon(effort, capacity)
    table = _CapacityTable(capacity, runs, weeks, rng)
    while True:
        try:
            return _schedule(sequence, deps, effort, capacity.teams, table)
        except _Overrun:
            table.extend()


class _Overrun(Exception):
    pass


def _schedule(
    sequence: Sequence[int],
    deps: Sequence[Sequence[int]],
    work: np.ndarray,
    teams: int,
    table: _CapacityTable | None,
) -> np.ndarray:
    n, runs = work.shape
    free = np.zeros((teams, runs))  # when each team frees up, in each run
    finish = np.empty((n, runs))
    everyone = np.arange(runs)
    first_team = np.zeros(runs, dtype=np.int64)
    for k in sequence:
        # The first of equals: the lowest team number, as in ttv.
        team = first_team if teams == 1 else free.argmin(axis=0)
        begin = free[0] if teams == 1 else free[team, everyone]
        for d in deps[k]:
            begin = np.maximum(begin, finish[d])
        end = finish[k]
        if table is None:
            np.add(begin, work[k], out=end)
        else:
            end[:] = table.finish(team, begin, work[k])
        np.round(end, _DIGITS, out=end)
        if teams == 1:
            free[0] = end
        else:
            free[team, everyone] = end
    return finish


def _horizon(effort: np.ndarray, capacity: Capacity) -> int:
    """A first guess of the weeks the table must hold: all the work at the mean weekly capacity
    shared by the teams, with room to spare; the table grows if a run needs more."""
    mean = float(np.mean(capacity.history)) if capacity.history else capacity.per_week
    slowest = min([1.0, *(f for _, f in capacity.changes)])
    total = float(effort.sum(axis=0).max()) if effort.size else 0.0
    last_change = max([0.0, *(w for w, _ in capacity.changes)])
    return math.ceil(1.5 * total / (mean * slowest * capacity.teams) + last_change) + 8


class _CapacityTable:
    """Capacity per run, team and week, and its running total, to find when work completes."""

    def __init__(self, capacity: Capacity, runs: int, weeks: int, rng: np.random.Generator):
        self.capacity, self.runs, self.rng = capacity, runs, rng
        self.per_week = np.empty((runs, capacity.teams, 0))
        self._grow(weeks)

    def extend(self) -> None:
        self._grow(self.per_week.shape[2])

    def _grow(self, more: int) -> None:
        start = self.per_week.shape[2]
        cells = self.runs * self.capacity.teams * (start + more)
        if cells > MAX_CAPACITY_CELLS:
            raise HorizonError(f"the forecast would run past {start} weeks")
        if self.capacity.history:
            history = np.asarray(self.capacity.history, dtype=float)
            drawn = history[
                self.rng.integers(0, len(history), (self.runs, self.capacity.teams, more))
            ]
        else:
            drawn = np.full((self.runs, self.capacity.teams, more), self.capacity.per_week)
        week = np.arange(start, start + more)
        factor = np.ones(more)
        # The latest change in force wins (a later 0% restores the usual capacity); a change
        # applies from the week that holds its date.
        for from_week, change in sorted(self.capacity.changes):
            factor[week >= math.floor(from_week)] = change
        drawn *= factor
        self.per_week = np.concatenate([self.per_week, drawn], axis=2)
        zero = np.zeros((self.runs, self.capacity.teams, 1))
        self.done_by = np.concatenate([zero, np.cumsum(self.per_week, axis=2)], axis=2)

    def finish(self, team: np.ndarray, begin: np.ndarray, work: np.ndarray) -> np.ndarray:
        """When each run's team, starting at `begin` (weeks), has done `work` more effort."""
        rows = np.arange(self.runs)
        weeks = self.per_week.shape[2]
        whole = np.minimum(np.floor(begin).astype(np.int64), weeks - 1)
        target = (
            self.done_by[rows, team, whole] + (begin - whole) * self.per_week[rows, team, whole]
        ) + work
        if np.any(target > self.done_by[rows, team, weeks]):
            raise _Overrun
        # The first week boundary at which the running total reaches the target, by bisection
        # across all runs at once.
        lo = np.zeros(self.runs, dtype=np.int64)
        hi = np.full(self.runs, weeks, dtype=np.int64)
        while np.any(lo < hi):
            mid = (lo + hi) // 2
            short = self.done_by[rows, team, mid] < target
            lo = np.where(short, mid + 1, lo)
            hi = np.where(short, hi, mid)
        at = lo  # done_by[at] >= target > done_by[at - 1]
        before = np.maximum(at - 1, 0)
        exact = self.done_by[rows, team, at] == target
        rate = self.per_week[rows, team, before]
        with np.errstate(divide="ignore", invalid="ignore"):
            inside = before + (target - self.done_by[rows, team, before]) / rate
        return np.where(exact | (at == 0), at.astype(float), inside)


def percentile(values: np.ndarray, level: float | Sequence[float], axis: int = 0) -> np.ndarray:
    """The smallest value at least `level` percent of runs reach or beat (inverted CDF); several
    levels at once share one partial sort."""
    return np.asarray(np.percentile(values, level, axis=axis, method="inverted_cdf"))


@dataclass(frozen=True)
class Deliveries:
    """Each run's finishes in time order with the value delivered so far: what the summary's
    weeks-to-a-share and value-by-a-date figures read, sorted once."""

    finish: np.ndarray  # runs x items, ascending along each run
    running: np.ndarray  # runs x items: cumulative value at each of those finishes
    total: float

    @classmethod
    def of(cls, finish: np.ndarray, values: np.ndarray) -> Deliveries:
        order = np.argsort(finish, axis=1, kind="stable")
        return cls(
            np.take_along_axis(finish, order, axis=1),
            np.cumsum(values[order], axis=1),
            float(values.sum()),
        )

    def weeks_to_share(self, share: float) -> np.ndarray:
        """Per run, the finish week at which cumulative value first reaches `share` of the
        total (as scheduling.figures); NaN where the total value is not > 0."""
        runs = self.finish.shape[0]
        if not self.total > 0 or self.finish.shape[1] == 0:
            return np.full(runs, np.nan)
        first = np.argmax(self.running >= share * self.total * (1 - 1e-12), axis=1)
        return np.asarray(self.finish[np.arange(runs), first])
