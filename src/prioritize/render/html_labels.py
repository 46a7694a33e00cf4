"""Where the labels of a chart's points go: the first free spot near each point, else the least
crowded, clear of the points, of other labels and of what the chart marks as an obstacle."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

CHAR_WIDTH, LABEL_HEIGHT = 7.0, 12  # a generous box for one character of an 11px id label


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def overlap(self, other: Box) -> float:
        dx = min(self.x + self.w, other.x + other.w) - max(self.x, other.x)
        dy = min(self.y + self.h, other.y + other.h) - max(self.y, other.y)
        return dx * dy if dx > 0 and dy > 0 else 0.0

    def inside(self, outer: Box) -> bool:
        return (outer.x <= self.x and self.x + self.w <= outer.x + outer.w
                and outer.y <= self.y and self.y + self.h <= outer.y + outer.h)  # fmt: skip


def _spots(px: float, py: float) -> list[tuple[float, float, str, bool]]:
    """Where a label may go, best first: (text x, baseline y, anchor, needs a leader line)."""
    near = [
        (px + 8, py + 4, "start"),
        (px - 8, py + 4, "end"),
        (px, py - 9, "middle"),
        (px, py + 17, "middle"),
    ]
    spots = [(tx, ty, a, False) for tx, ty, a in near]
    for shift in (s * k * (LABEL_HEIGHT + 1) for k in (1, 2, 3, 4) for s in (-1, 1)):
        spots += [(px + 12, py + 4 + shift, "start", True), (px - 12, py + 4 + shift, "end", True)]
    return spots


def label_box(tx: float, ty: float, anchor: str, w: float) -> Box:
    left = tx if anchor == "start" else (tx - w if anchor == "end" else tx - w / 2)
    return Box(left, ty - LABEL_HEIGHT + 2, w, LABEL_HEIGHT)


def place_labels(
    points: Sequence[tuple[float, float, str]], area: Box, obstacles: Sequence[Box] = ()
) -> list[tuple[float, float, str, bool]]:
    """A spot per label, greedily in the order given: the first free one inside `area`, else the
    least crowded. Labels avoid the points, the obstacles and the labels placed before them."""
    first = [*obstacles, *(Box(px - 5, py - 5, 10, 10) for px, py, _ in points)]
    # One row (x, y, w, h) per box to keep clear of; each label placed adds its own.
    placed = np.empty((len(first) + len(points), 4))
    placed[: len(first)] = [(b.x, b.y, b.w, b.h) for b in first]
    count = len(first)
    chosen = []
    for px, py, text in points:
        w = CHAR_WIDTH * len(text) + 2
        best, best_cost = (px + 8, py + 4, "start", False), math.inf
        for spot in _spots(px, py):
            box = label_box(spot[0], spot[1], spot[2], w)
            cost = _crowding(box, placed[:count]) if box.inside(area) else math.inf
            if cost < best_cost:
                best, best_cost = spot, cost
            if cost == 0:
                break
        label = label_box(best[0], best[1], best[2], w)
        placed[count] = (label.x, label.y, label.w, label.h)
        count += 1
        chosen.append(best)
    return chosen


def _crowding(box: Box, others: np.ndarray) -> float:
    """The area `box` shares with each of `others` (rows of x, y, w, h), added up in their order:
    `Box.overlap` for all of them at once."""
    x, y, w, h = others.T
    dx = np.minimum(box.x + box.w, x + w) - np.maximum(box.x, x)
    dy = np.minimum(box.y + box.h, y + h) - np.maximum(box.y, y)
    shared: list[float] = np.where((dx > 0) & (dy > 0), dx * dy, 0.0).tolist()
    return sum(shared)  # Python's own sum, as the overlaps one by one would add


def along(x0: float, y0: float, x1: float, y1: float) -> list[Box]:
    """Small boxes every few pixels along a line, so that labels keep off it."""
    steps = max(1, int(math.hypot(x1 - x0, y1 - y0) / 6))
    return [
        Box(x0 + (x1 - x0) * k / steps - 2, y0 + (y1 - y0) * k / steps - 2, 4, 4)
        for k in range(steps + 1)
    ]


__all__ = ["CHAR_WIDTH", "LABEL_HEIGHT", "Box", "along", "label_box", "place_labels"]
