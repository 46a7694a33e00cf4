"""The charts of the HTML report as inline SVG, each with its text alternative, and the small HTML
building blocks (escaped cells, tables) the page shares with them.

String building only: frames in, HTML text out, every piece of user data escaped. Each chart is
an `<svg role="img">` with a `<title>` and a `<desc>`, followed by its data as a table in `<details>`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from html import escape

import pandas as pd

from prioritize.render.formats import fixed, plain, round_for_reading
from prioritize.render.ttv import chart_weeks, ordering_label
from prioritize.scheduling import FINISH_WEEK, TimeToValue, delivered_by
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
CHOSEN_COLOUR, LISTED_COLOUR = "#0b5394", "#8a4b00"
MAX_LABELS = 60  # beyond this many points, only the best-ranked carry their id
WIDTH = 960  # of every chart's viewBox; the page scales it to the column
CHAR_WIDTH, LABEL_HEIGHT = 7.0, 12  # a generous box for one character of an 11px id label


# --- building blocks --------------------------------------------------------------------------


def cell(value: object, digits: int | None = None) -> str:
    """A value as escaped cell text: empty for None and NaN; numbers rounded to `digits` when given."""
    value = plain(value)
    if value is None:
        return ""
    return escape(round_for_reading(value, digits) if digits is not None else str(value))


weeks = fixed
pct = partial(fixed, digits=0, suffix="%")


Column = tuple[str, bool]  # header text, numeric (right-aligned)


def table(
    caption: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[str]],
    *,
    header: int = 0,
    ident: str = "",
    row_classes: Sequence[str] = (),
) -> str:
    """A table of already-escaped cells with a caption; column `header` holds each row's `<th scope="row">`."""
    num = ' class="num"'
    head = "".join(
        f'<th scope="col"{num if n else ""}>{escape(label)}</th>' for label, n in columns
    )
    body = []
    for index, cells in enumerate(rows):
        klass = row_classes[index] if index < len(row_classes) else ""
        tds = [
            f'<th scope="row"{num if n else ""}>{c}</th>'
            if k == header
            else f"<td{num if n else ''}>{c}</td>"
            for k, (c, (_, n)) in enumerate(zip(cells, columns, strict=True))
        ]
        body.append((f'<tr class="{klass}">' if klass else "<tr>") + "".join(tds) + "</tr>")
    id_attr = f' id="{ident}"' if ident else ""
    return (
        f'<div class="table-wrap"><table{id_attr}><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def details(summary: str, content: str) -> str:
    return f"<details><summary>{escape(summary)}</summary>{content}</details>"


# --- axes -------------------------------------------------------------------------------------


def nice_ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten apart) from at most lo to at least hi."""
    if not hi > lo:
        lo, hi = lo - 1, hi + 1
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(k * step, 10) for k in range(first, last + 1)]


def tick_label(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10000 else f"{value:g}"


@dataclass(frozen=True)
class Axis:
    """A linear map from data values [lo, hi] to pixels [start, end]."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        return self.start + (value - self.lo) / (self.hi - self.lo) * (self.end - self.start)

    def inverse(self, pixel: float) -> float:
        return self.lo + (pixel - self.start) / (self.end - self.start) * (self.hi - self.lo)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, *, anchor: str = "start", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{klass}>{escape(text)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, extra: str = "") -> str:
    return f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"{extra}/>'


def _frame(
    x: Axis, y: Axis, ticks: tuple[Sequence[float], Sequence[float]], titles: tuple[str, str]
) -> list[str]:
    """Grid lines, the plot's border, tick labels and axis titles."""
    x_ticks, y_ticks = ticks
    grid = [_line(x.start, y(t), x.end, y(t)) for t in y_ticks] + [
        _line(x(t), y.start, x(t), y.end) for t in x_ticks
    ]
    parts = [
        '<g class="grid" aria-hidden="true">',
        *grid,
        '</g><g class="axis" aria-hidden="true">',
    ]
    parts.append(
        f'<rect x="{_n(x.start)}" y="{_n(y.end)}" width="{_n(x.end - x.start)}" height="{_n(y.start - y.end)}" fill="none"/>'
    )
    parts += [_text(x.start - 8, y(t) + 4, tick_label(t), anchor="end") for t in y_ticks]
    parts += [_text(x(t), y.start + 18, tick_label(t), anchor="middle") for t in x_ticks]
    parts.append(
        _text((x.start + x.end) / 2, y.start + 40, titles[0], anchor="middle", cls="axis-title")
    )
    middle = _n((y.start + y.end) / 2)
    parts.append(
        f'<text x="16" y="{middle}" text-anchor="middle" class="axis-title" transform="rotate(-90 16 {middle})">{escape(titles[1])}</text></g>'
    )
    return parts


def _svg(ident: str, height: int, title: str, desc: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


# --- the burn-up ------------------------------------------------------------------------------


def burn_up_series(report: TimeToValue) -> list[tuple[str, pd.DataFrame]]:
    """(label, schedule) to draw: the chosen order, then file order unless that is the chosen one."""
    series = [
        (f"{ordering_label(report.order, report.low_risk_first)} order (chosen)", report.schedule)
    ]
    if not (report.order == "listed" and not report.low_risk_first):
        series.append(("file order (listed)", report.listed))
    return series


def _steps(schedule: pd.DataFrame, x: Axis, y: Axis) -> str:
    """The cumulative share of value as a step line: flat between deliveries, up at each."""
    finishes = sorted(set(schedule[FINISH_WEEK].astype(float)))
    points, level = [(x(0.0), y(0.0))], 0.0
    for week, share in zip(finishes, delivered_by(schedule, finishes), strict=True):
        points += [(x(week), y(level)), (x(week), y(share or 0.0))]
        level = share or 0.0
    points.append((x.end, y(level)))
    return " ".join(f"{_n(px)},{_n(py)}" for px, py in points)


def burn_up_svg(report: TimeToValue, desc: str) -> str:
    """Cumulative percentage of total value delivered against weeks of work from the start."""
    height, series = 380, burn_up_series(report)
    last = max(float(frame[FINISH_WEEK].max()) for _, frame in series)
    x_ticks = nice_ticks(0.0, max(last, 1.0), count=10)
    x, y = Axis(0.0, x_ticks[-1], 72, WIDTH - 24), Axis(0.0, 100.0, height - 60, 20)
    titles = (f"Weeks of work from {report.plan.start.isoformat()}", "Value delivered (% of total)")
    body = _frame(x, y, (x_ticks, [0, 20, 40, 60, 80, 100]), titles)
    styles = [("chosen", CHOSEN_COLOUR, ""), ("listed", LISTED_COLOUR, ' stroke-dasharray="7 5"')]
    for k, ((label, frame), (cls, colour, dash)) in enumerate(zip(series, styles, strict=False)):
        stroke = f' stroke="{colour}" stroke-width="3"{dash}'
        body.append(
            f'<polyline class="series {cls}" fill="none"{stroke} points="{_steps(frame, x, y)}"/>'
        )
        ly = y.end + 22 + 22 * k  # the legend, top left: burn-up lines start bottom left
        body.append(
            f'<g class="legend">{_line(x.start + 16, ly - 4, x.start + 56, ly - 4, stroke)}{_text(x.start + 64, ly, label)}</g>'
        )
    return _svg("ttv-chart", height, "Time to value: cumulative value over weeks", desc, body)


def burn_up_figure(report: TimeToValue, desc: str, caption: str) -> str:
    """The burn-up chart, its caption, and the share delivered by the end of each week as a table."""
    series = burn_up_series(report)
    at = chart_weeks(max(float(frame[FINISH_WEEK].max()) for _, frame in series))
    shares = [delivered_by(frame, at) for _, frame in series]
    rows = ([str(w), *(pct(s[k]) for s in shares)] for k, w in enumerate(at))
    columns = [("Week", True)] + [(label, True) for label, _ in series]
    data = table("Value delivered by the end of each week (% of total value)", columns, rows)
    return (
        f"<figure>{burn_up_svg(report, desc)}<figcaption>{escape(caption)}</figcaption></figure>"
        + details("The chart as a table", data)
    )


# --- the value-versus-effort matrix -------------------------------------------------------------


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
        return [str(i) for i, b in zip(self.frame[ID], self.frame[BAND], strict=True) if b == band]

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
        for r in self.frame.to_dict(orient="records"):
            level = self.level(float(r[VALUE]), float(r[EFFORT]))
            for k, line in enumerate(self.lines):
                if math.isclose(level, line.score, rel_tol=1e-9, abs_tol=1e-12):
                    continue
                above = level > line.score
                if above == (int(r[RANK]) > line.rank):
                    found.setdefault((k, above), []).append(
                        f"{r[ID]} (rank {r[RANK]}, {plain(r[RISK]) or 'no'} risk)"
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


def _box(tx: float, ty: float, anchor: str, w: float) -> Box:
    left = tx if anchor == "start" else (tx - w if anchor == "end" else tx - w / 2)
    return Box(left, ty - LABEL_HEIGHT + 2, w, LABEL_HEIGHT)


def place_labels(
    points: Sequence[tuple[float, float, str]], area: Box, obstacles: Sequence[Box] = ()
) -> list[tuple[float, float, str, bool]]:
    """A spot per label, greedily in the order given: the first free one inside `area`, else the
    least crowded. Labels avoid the points, the obstacles and the labels placed before them."""
    placed = [*obstacles, *(Box(px - 5, py - 5, 10, 10) for px, py, _ in points)]
    chosen = []
    for px, py, text in points:
        w = CHAR_WIDTH * len(text) + 2
        best, best_cost = (px + 8, py + 4, "start", False), math.inf
        for spot in _spots(px, py):
            box = _box(spot[0], spot[1], spot[2], w)
            cost = sum(box.overlap(other) for other in placed) if box.inside(area) else math.inf
            if cost < best_cost:
                best, best_cost = spot, cost
            if cost == 0:
                break
        placed.append(_box(best[0], best[1], best[2], w))
        chosen.append(best)
    return chosen


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


def _along(x0: float, y0: float, x1: float, y1: float) -> list[Box]:
    """Small boxes every few pixels along a line, so that labels keep off it."""
    steps = max(1, int(math.hypot(x1 - x0, y1 - y0) / 6))
    return [
        Box(x0 + (x1 - x0) * k / steps - 2, y0 + (y1 - y0) * k / steps - 2, 4, 4)
        for k in range(steps + 1)
    ]


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
    body = _frame(x, y, (x_ticks, y_ticks), (f"Effort ({unit})", "Value"))
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
            _box(tx, ty + 1, anchor, 7.5 * len(text)),
            *_along(x(e0), y(v0), x(e1), y(v1)),
        ]
        body.append(
            _line(x(e0), y(v0), x(e1), y(v1), f' stroke="{colour}"')
            + f'<text x="{_n(tx)}" y="{_n(ty)}" text-anchor="{anchor}" class="score-label" '
            f'style="fill:{colour}">{escape(text)}</text>'
        )
    body.append("</g>")
    points = [(x(e), y(v), str(i)) for e, v, i in zip(efforts, values, frame[ID], strict=True)]
    body.append('<g class="points">')
    for (px, py, item_id), r in zip(points, frame.to_dict(orient="records"), strict=True):
        tip = (
            f"{item_id}: {r[TITLE]} (rank {r[RANK]}, value {float(r[VALUE]):.1f}, "
            f"effort {float(r[EFFORT]):g}, score {_score(r[SCORE])})"
        )
        fill = BAND_STYLE[min(int(r[BAND]), len(BAND_STYLE) - 1)][0]
        body.append(
            f'<circle cx="{_n(px)}" cy="{_n(py)}" r="5" fill="{fill}"><title>{escape(tip)}</title></circle>'
        )
    body.append('</g><g class="point-labels">')
    labelled = points[:MAX_LABELS]
    area = Box(x.start + 2, y.end + 2, x.end - x.start - 4, y.start - y.end - 4)
    for (px, py, item_id), (tx, ty, anchor, leader) in zip(
        labelled, place_labels(labelled, area, obstacles), strict=True
    ):
        body.append(
            (_line(px, py, tx, ty - 4, ' class="leader"') if leader else "")
            + _text(tx, ty, item_id, anchor=anchor)
        )
    body.append("</g>")
    return _svg("matrix-chart", height, "Value versus effort", desc, body)


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
    rows = [
        [str(r[RANK]), cell(r[ID]), cell(r[TITLE]), cell(r[VALUE], 1), cell(r[EFFORT], 1),
         cell(r[SCORE], 2), escape(names[int(r[BAND])])]
        for r in chart.frame.to_dict(orient="records")
    ]  # fmt: skip
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
    "burn_up_figure",
    "burn_up_svg",
    "cell",
    "details",
    "matrix",
    "matrix_caption",
    "matrix_desc",
    "matrix_figure",
    "matrix_svg",
    "nice_ticks",
    "ordinal",
    "pct",
    "place_labels",
    "risk_note",
    "segment",
    "table",
    "weeks",
]
