"""The report's value-versus-effort matrix: ranked items placed by effort and value, in bands of
rank cut by lines of equal score, as inline SVG with its text alternative and its data as a table.

String building only: frames in, HTML text out, every piece of user data escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import pandas as pd

from prioritize.render.formats import plain, round_for_reading
from prioritize.render.html_blocks import cell, cells, details, table
from prioritize.render.html_labels import (
    LABEL_HEIGHT,
    Box,
    along,
    label_box,
    place_labels,
)
from prioritize.render.html_svg import (
    WIDTH,
    Axis,
    nice_ticks,
    num,
    plot_frame,
    svg,
    svg_line,
    svg_text,
)
from prioritize.scoring import EFFORT, ID, RANK, RISK, SCORE, TITLE, VALUE

BAND = "band"
LINE_RANKS = (10, 25)  # the matrix's lines of equal score pass through these ranks' scores
# Per band, best first: point and line colour (at least 4.5:1 on white and on the tint), colour
# name for the caption, and the tint of the band's entry below the chart.
BAND_STYLE = (
    ("#0b5394", "blue", "#e6f0f9"),
    ("#8a4b00", "brown", "#f8ecdf"),
    ("#4d535b", "grey", "#f1f2f3"),
)
MAX_LABELS = 60  # beyond this many points, only the best-ranked carry their id


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, ..., 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _ranks(first: int, last: int) -> str:
    return f"Rank {first}" if first == last else f"Ranks {first}\u2013{last}"


def _in_text(band: str) -> str:
    """A band's name inside a sentence: "the top 10", "ranks 11\u201325"."""
    return f"the {band.lower()}" if band.startswith("Top") else band[0].lower() + band[1:]


@dataclass(frozen=True)
class ScoreLine:
    """The points whose score, before delivery risk, equals one ranked item's score: value /
    effort = score where the criteria set divides value by effort, else value = score."""

    rank: int
    item: str
    score: float


@dataclass(frozen=True)
class Matrix:
    """Ranked items with an effort, placed by effort and value, in bands of rank cut by score lines.

    `frame` has RANK, ID, TITLE, RISK, VALUE, EFFORT, SCORE and BAND (the index of the item's band
    in `bands`) in rank order. `lines` pass through the scores of the items ranked LINE_RANKS (10th
    and 25th), or of the last ranked item where fewer are ranked; the bands are the ranks down to
    each line's item, then the rest. `unplaced` lists ranked items without an effort (formula sets
    need not read it): they have no place on the effort axis.
    """

    frame: pd.DataFrame
    lines: tuple[ScoreLine, ...]
    ranked: int  # how many items are ranked, placed or not
    per_effort: bool  # the score divides value by effort (else effort does not count)
    unplaced: tuple[str, ...]

    @property
    def bands(self) -> list[str]:
        """Each band's name, best first: "Top 10", "Ranks 11\u201325", "Ranks 26\u201336"."""
        names, first = [], 1
        for line in self.lines:
            names.append(f"Top {line.rank}" if first == 1 else _ranks(first, line.rank))
            first = line.rank + 1
        if first <= self.ranked:
            names.append(_ranks(first, self.ranked))
        return names

    def members(self, band: int) -> list[str]:
        ids, bands = self.frame[ID].tolist(), self.frame[BAND].tolist()
        return [str(i) for i, b in zip(ids, bands, strict=True) if b == band]

    def level(self, value: float, effort: float) -> float:
        """The score a point has before delivery risk, the quantity constant along a line."""
        return value / effort if self.per_effort else value

    def fewer(self) -> str:
        """Where fewer items are ranked than LINE_RANKS needs, which item a line passes through instead."""
        n, (first, second) = self.ranked, LINE_RANKS
        if n >= second or n == 0:
            return ""
        if n > first:
            return (
                f"Only {n} items are ranked, so the second line passes through the last one's score "
                f"(the {ordinal(n)}) instead of the {ordinal(second)}'s."
            )
        one = f"Only {n} item{' is' if n == 1 else 's are'} ranked, so there is one line, through the "
        if n == first:
            return one + f"{ordinal(n)} (last) item's score; there is no {ordinal(second)}."
        return (
            one
            + f"last one's score (the {ordinal(n)}) instead of the {ordinal(first)}'s and the {ordinal(second)}'s."
        )

    def across(self) -> list[tuple[ScoreLine, bool, list[str]]]:
        """Per line and side, the items its line puts on the other side from their rank, as
        "ID (rank R, RISK risk)": (line, above, items). Only a risk factor other than 1 does that."""
        found: dict[tuple[int, bool], list[str]] = {}
        columns = (self.frame[c].tolist() for c in (ID, RANK, RISK, VALUE, EFFORT))
        for item_id, rank, risk, value, effort in zip(*columns, strict=True):
            level = self.level(float(value), float(effort))
            for k, line in enumerate(self.lines):
                if math.isclose(level, line.score, rel_tol=1e-9, abs_tol=1e-12):
                    continue
                above = level > line.score
                if above == (int(rank) > line.rank):
                    found.setdefault((k, above), []).append(
                        f"{item_id} (rank {rank}, {plain(risk) or 'no'} risk)"
                    )
        return [(self.lines[k], above, items) for (k, above), items in sorted(found.items())]


def matrix(ranked: pd.DataFrame, *, per_effort: bool) -> Matrix:
    """The value-versus-effort matrix of the ranked rows (`scoring.ranking_rows`, rank order);
    `per_effort`: the criteria set's score is value / effort (times the risk factor)."""
    count = len(ranked)
    lines = []
    for k in sorted({min(k, count) for k in LINE_RANKS} if count else ()):
        row = ranked[ranked[RANK] == k].iloc[0]
        lines.append(ScoreLine(k, str(row[ID]), float(row[SCORE])))
    has_effort = ranked[EFFORT].notna()
    columns = [RANK, ID, TITLE, RISK, VALUE, EFFORT, SCORE]
    frame = ranked.loc[has_effort, columns].reset_index(drop=True)
    band = [sum(int(r) > line.rank for line in lines) for r in frame[RANK]]
    unplaced = tuple(str(i) for i in ranked.loc[~has_effort, ID])
    return Matrix(frame.assign(**{BAND: band}), tuple(lines), count, per_effort, unplaced)


def _padded(lo: float, hi: float) -> tuple[float, float]:
    pad = (hi - lo) * 0.05 or max(abs(hi) * 0.1, 1.0)
    return lo - pad, hi + pad


def _score(value: float) -> str:
    return round_for_reading(value, 2)


def segment(
    chart: Matrix, line: ScoreLine, x: Axis, y: Axis
) -> tuple[float, float, float, float] | None:
    """The part of a score line inside the plot, in data units (effort, value, effort, value),
    left end first; None where the line misses the plot."""
    slope, level = (line.score, 0.0) if chart.per_effort else (0.0, line.score)
    if slope == 0:
        return (x.lo, level, x.hi, level) if y.lo <= level <= y.hi else None
    ends = sorted(((y.lo - level) / slope, (y.hi - level) / slope))
    lo, hi = max(x.lo, ends[0]), min(x.hi, ends[1])
    return (lo, slope * lo + level, hi, slope * hi + level) if lo < hi else None


def _line_label(
    x: Axis, y: Axis, part: tuple[float, float, float, float], text: str
) -> tuple[float, float, str]:
    """Where a score line's label goes: by the line's right end, inside the plot, clear of the line."""
    e0, v0, e1, v1 = part
    px, py, width = x(e1), y(v1), 7.5 * len(text)
    if math.isclose(e1, x.hi) or py > y.end + 1:  # the line leaves by the right edge
        return (x.end - 8, py - 8, "end")  # above the line, at the right edge
    ty = y.end + 16  # just below the top edge, on the line's right if there is room, else its left

    def crossing(pixel_y: float) -> float:
        return x(e0 + (e1 - e0) * (y.inverse(pixel_y) - v0) / (v1 - v0)) if v1 != v0 else px

    left, right = sorted((crossing(ty), crossing(ty - LABEL_HEIGHT)))
    return (right + 6, ty, "start") if right + 6 + width <= x.end - 4 else (left - 6, ty, "end")


def _axes(chart: Matrix, height: int) -> tuple[Axis, Axis, list[float], list[float]]:
    values, efforts = chart.frame[VALUE].astype(float), chart.frame[EFFORT].astype(float)
    levels = [] if chart.per_effort else [line.score for line in chart.lines]
    least = min([float(values.min()), *levels])
    lo, hi = _padded(least, max([float(values.max()), *levels]))
    y_ticks = nice_ticks(max(lo, 0.0) if least >= 0 else lo, hi)
    x_ticks = nice_ticks(0.0, _padded(0.0, efforts.max())[1], count=8)  # effort is > 0
    x = Axis(x_ticks[0], x_ticks[-1], 72, WIDTH - 24)
    y = Axis(y_ticks[0], y_ticks[-1], height - 60, 20)
    return x, y, x_ticks, y_ticks


def matrix_svg(chart: Matrix, unit: str, desc: str) -> str:
    """Each placed item as a point labelled with its id and coloured by its band of rank, under
    the dashed lines of equal score."""
    height, frame = 600, chart.frame
    values, efforts = frame[VALUE].astype(float), frame[EFFORT].astype(float)
    x, y, x_ticks, y_ticks = _axes(chart, height)
    body = plot_frame(x, y, (x_ticks, y_ticks), (f"Effort ({unit})", "Value"))
    obstacles = []
    body.append('<g class="score-lines">')
    for k, line in enumerate(chart.lines):
        part = segment(chart, line, x, y)
        if part is None:
            continue
        e0, v0, e1, v1 = part
        colour = BAND_STYLE[k][0]
        text = f"score of the {ordinal(line.rank)}: {_score(line.score)}"
        tx, ty, anchor = _line_label(x, y, part, text)
        obstacles += [
            label_box(tx, ty + 1, anchor, 7.5 * len(text)),
            *along(x(e0), y(v0), x(e1), y(v1)),
        ]
        body.append(
            svg_line(x(e0), y(v0), x(e1), y(v1), f' stroke="{colour}"')
            + f'<text x="{num(tx)}" y="{num(ty)}" text-anchor="{anchor}" class="score-label" '
            f'style="fill:{colour}">{escape(text)}</text>'
        )
    body.append("</g>")
    ids = [str(i) for i in frame[ID].tolist()]
    points = [
        (x(e), y(v), i) for e, v, i in zip(efforts.tolist(), values.tolist(), ids, strict=True)
    ]
    body.append('<g class="points">')
    columns = (frame[c].tolist() for c in (TITLE, RANK, VALUE, EFFORT, SCORE, BAND))
    for (px, py, item_id), (title, rank, value, effort, score, band) in zip(
        points, zip(*columns, strict=True), strict=True
    ):
        tip = (
            f"{item_id}: {title} (rank {rank}, value {float(value):.1f}, "
            f"effort {float(effort):g}, score {_score(score)})"
        )
        fill = BAND_STYLE[min(int(band), len(BAND_STYLE) - 1)][0]
        body.append(
            f'<circle cx="{num(px)}" cy="{num(py)}" r="5" fill="{fill}"><title>{escape(tip)}</title></circle>'
        )
    body.append('</g><g class="point-labels">')
    labelled = points[:MAX_LABELS]
    area = Box(x.start + 2, y.end + 2, x.end - x.start - 4, y.start - y.end - 4)
    for (px, py, item_id), (tx, ty, anchor, leader) in zip(
        labelled, place_labels(labelled, area, obstacles), strict=True
    ):
        body.append(
            (svg_line(px, py, tx, ty - 4, ' class="leader"') if leader else "")
            + svg_text(tx, ty, item_id, anchor=anchor)
        )
    body.append("</g>")
    return svg("matrix-chart", height, "Value versus effort", desc, body)


def _lines_in_words(chart: Matrix) -> str:
    lhs = "value / effort" if chart.per_effort else "value"
    said = [
        f"{lhs} = {_score(line.score)} (the {ordinal(line.rank)} item's score, {line.item})"
        for line in chart.lines
    ]
    return " and ".join(said)


def matrix_caption(chart: Matrix) -> str:
    """How to read the matrix: what the colours, the lines and the distances from them mean."""
    colours = ", ".join(
        f"{BAND_STYLE[k][1]} for {_in_text(name)}" for k, name in enumerate(chart.bands)
    )
    if chart.per_effort:
        lines = (
            "Each dashed line joins the points of equal value per unit of effort, the score before "
            "delivery risk; it runs through the origin, and the steeper a point's own line, the "
            "better its score: the best sit high and to the left."
        )
    else:
        lines = (
            "Each dashed line joins the points of equal value, the score before delivery risk; "
            "this criteria set's score does not divide by effort, so the lines are level."
        )
    more = (
        ""
        if len(chart.frame) <= MAX_LABELS
        else f" Only the {MAX_LABELS} best-ranked items carry their id."
    )
    return f"Each ranked item is a point labelled with its id, coloured by its rank: {colours}. {lines}{more}"


def risk_note(chart: Matrix) -> str:
    """Which items a line puts on the other side from their rank, and why; empty where none."""
    ratio = "value per effort" if chart.per_effort else "value"
    parts = []
    for line, above, items in chart.across():
        names = ", ".join(items[:-1]) + f" and {items[-1]}" if len(items) > 1 else items[0]
        side, rank = ("above", "below") if above else ("below", "above")
        verb = ("lies", "ranks") if len(items) == 1 else ("lie", "rank")
        parts.append(
            f"{names} {verb[0]} {side} the line through the {ordinal(line.rank)} item's score but "
            f"{verb[1]} {rank} it"
        )
    if not parts:
        return ""
    return (
        f"A score is the {ratio} times the risk factor, so delivery risk can move an item across "
        f"a line: {'; '.join(parts)}."
    )


def _ids(ids: Sequence[str]) -> str:
    """Ids separated by commas, none broken across lines; "none" for none."""
    return ", ".join(f'<span class="nowrap">{cell(i)}</span>' for i in ids) or "none"


def matrix_figure(chart: Matrix, unit: str, desc: str) -> str:
    """The matrix, its caption, each band's members in rank order, and its data as a table."""
    bands = "".join(
        f'<li style="border-color:{BAND_STYLE[k][0]};background:{BAND_STYLE[k][2]}">'
        f"<strong>{escape(name)} ({len(chart.members(k))})</strong><br>"
        f"{_ids(chart.members(k))}</li>"
        for k, name in enumerate(chart.bands)
    )
    note = risk_note(chart)
    unplaced = (
        f"<p>Not on the matrix (no effort): {cell(', '.join(chart.unplaced))}.</p>"
        if chart.unplaced
        else ""
    )
    names = chart.bands
    frame = chart.frame
    rows = zip(
        [str(r) for r in frame[RANK].tolist()], cells(frame[ID]), cells(frame[TITLE]),
        cells(frame[VALUE], 1), cells(frame[EFFORT], 1), cells(frame[SCORE], 2),
        [escape(names[int(b)]) for b in frame[BAND].tolist()],
        strict=True,
    )  # fmt: skip
    columns = [("Rank", True), ("ID", False), ("Title", False), ("Value", True),
               (f"Effort ({unit})", True), ("Score", True), ("Band", False)]  # fmt: skip
    data = table("Value and effort of each ranked item, in rank order", columns, rows, header=1)
    return (
        f"<figure>{matrix_svg(chart, unit, desc)}<figcaption>{escape(matrix_caption(chart))}</figcaption></figure>"
        f'<ul class="bands">{bands}</ul>'
        + (f"<p>{escape(note)}</p>" if note else "")
        + unplaced
        + details("The chart as a table", data)
    )


def matrix_desc(chart: Matrix, unit: str) -> str:
    """For screen readers and the page: what is placed where, the lines, and how many per band."""
    counts = ", ".join(
        f"{len(chart.members(k))} in {_in_text(name)}" for k, name in enumerate(chart.bands)
    )
    return (
        f"Each of {len(chart.frame)} ranked items placed by effort ({unit}, across) and value (up) "
        f"and coloured by rank: {counts}. Dashed lines of equal score before delivery risk: "
        f"{_lines_in_words(chart)}."
    )


__all__ = [
    "LINE_RANKS",
    "Matrix",
    "ScoreLine",
    "matrix",
    "matrix_caption",
    "matrix_desc",
    "matrix_figure",
    "matrix_svg",
    "ordinal",
    "risk_note",
    "segment",
]
