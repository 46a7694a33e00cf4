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
from prioritize.scoring import EFFORT, ID, RANK, TITLE, VALUE

QUADRANT = "quadrant"
QUICK_WIN, BIG_BET, FILL_IN, MONEY_PIT = "quick win", "big bet", "fill-in", "money pit"
QUADRANTS = (QUICK_WIN, BIG_BET, FILL_IN, MONEY_PIT)
# Per quadrant: name, meaning, point colour (at least 4.5:1 on white and on the tint) and tint.
QUADRANT_STYLE = {
    QUICK_WIN: ("Quick wins", "high value, low effort", "#2a6a1f", "#eaf5e6"),
    BIG_BET: ("Big bets", "high value, high effort", "#0b5394", "#e6f0f9"),
    FILL_IN: ("Fill-ins", "low value, low effort", "#4d535b", "#f1f2f3"),
    MONEY_PIT: ("Money pits", "low value, high effort", "#a3260b", "#fbece8"),
}
QUADRANT_NAMES = {q: style[0] for q, style in QUADRANT_STYLE.items()}
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


@dataclass(frozen=True)
class Matrix:
    """Ranked items with an effort, each in a quadrant, split at the medians of value and effort.

    `frame` has RANK, ID, TITLE, VALUE, EFFORT and QUADRANT in rank order. Value at or above the
    median is high; effort at or below the median is low. `unplaced` lists ranked items without
    an effort (formula sets need not read it): they have no place on the effort axis.
    """

    frame: pd.DataFrame
    value_median: float
    effort_median: float
    unplaced: tuple[str, ...]

    def members(self, quadrant: str) -> list[str]:
        return [
            str(i)
            for i, q in zip(self.frame[ID], self.frame[QUADRANT], strict=True)
            if q == quadrant
        ]


def matrix(ranked: pd.DataFrame) -> Matrix:
    """The value-versus-effort matrix of the ranked rows (`scoring.ranking_rows`, rank order)."""
    has_effort = ranked[EFFORT].notna()
    frame = ranked.loc[has_effort, [RANK, ID, TITLE, VALUE, EFFORT]].reset_index(drop=True)
    values, efforts = frame[VALUE].astype(float), frame[EFFORT].astype(float)
    value_median = float(values.median()) if len(frame) else math.nan
    effort_median = float(efforts.median()) if len(frame) else math.nan
    quadrant = [
        (QUICK_WIN if low else BIG_BET) if high else (FILL_IN if low else MONEY_PIT)
        for high, low in zip(values >= value_median, efforts <= effort_median, strict=True)
    ]
    unplaced = tuple(str(i) for i in ranked.loc[~has_effort, ID])
    return Matrix(frame.assign(**{QUADRANT: quadrant}), value_median, effort_median, unplaced)


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


def _divider(data: pd.Series, median: float, *, above: bool) -> float:
    """Where to draw a quadrant boundary: at the median, or, where items sit on it, half-way to
    the nearest value on the other side, so that each point lies inside its own quadrant."""
    beyond = data[data > median] if above else data[data < median]
    if not (data == median).any() or beyond.empty:
        return median
    return (median + float(beyond.min() if above else beyond.max())) / 2


def _padded(lo: float, hi: float) -> tuple[float, float]:
    pad = (hi - lo) * 0.05 or max(abs(hi) * 0.1, 1.0)
    return lo - pad, hi + pad


def matrix_svg(chart: Matrix, unit: str, desc: str) -> str:
    """Each placed item as a point labelled with its id, over the four tinted quadrants."""
    height, frame = 600, chart.frame
    values, efforts = frame[VALUE].astype(float), frame[EFFORT].astype(float)
    lo, hi = _padded(values.min(), values.max())
    y_ticks = nice_ticks(max(lo, 0.0) if values.min() >= 0 else lo, hi)
    x_ticks = nice_ticks(0.0, _padded(0.0, efforts.max())[1], count=8)  # effort is > 0
    x, y = (
        Axis(x_ticks[0], x_ticks[-1], 72, WIDTH - 24),
        Axis(y_ticks[0], y_ticks[-1], height - 60, 20),
    )
    mx = x(_divider(efforts, chart.effort_median, above=True))
    my = y(_divider(values, chart.value_median, above=False))
    areas = {QUICK_WIN: (x.start, y.end, mx, my), BIG_BET: (mx, y.end, x.end, my),
             FILL_IN: (x.start, my, mx, y.start), MONEY_PIT: (mx, my, x.end, y.start)}  # fmt: skip
    body = [
        f'<rect x="{_n(x0)}" y="{_n(y0)}" width="{_n(x1 - x0)}" height="{_n(y1 - y0)}" fill="{QUADRANT_STYLE[q][3]}"/>'
        for q, (x0, y0, x1, y1) in areas.items()
    ]
    body += _frame(x, y, (x_ticks, y_ticks), (f"Effort ({unit})", "Value"))
    body.append(
        f'<g class="median" aria-hidden="true">{_line(mx, y.start, mx, y.end)}{_line(x.start, my, x.end, my)}</g>'
    )
    obstacles = []
    for tx, ty, text, anchor, cls in (
        (x.start + 8, y.end + 18, QUADRANT_NAMES[QUICK_WIN], "start", "quadrant-label"),
        (x.end - 8, y.end + 18, QUADRANT_NAMES[BIG_BET], "end", "quadrant-label"),
        (x.start + 8, y.start - 8, QUADRANT_NAMES[FILL_IN], "start", "quadrant-label"),
        (x.end - 8, y.start - 8, QUADRANT_NAMES[MONEY_PIT], "end", "quadrant-label"),
        (mx - 6, y.start - 26, f"median effort {chart.effort_median:g}", "end", "median-label"),
        (x.end - 8, my - 6, f"median value {chart.value_median:.1f}", "end", "median-label"),
    ):
        obstacles.append(_box(tx, ty + 1, anchor, 8.5 * len(text)))
        body.append(_text(tx, ty, text, anchor=anchor, cls=cls))
    points = [(x(e), y(v), str(i)) for e, v, i in zip(efforts, values, frame[ID], strict=True)]
    body.append('<g class="points">')
    for (px, py, item_id), quadrant, title, value, effort in zip(
        points, frame[QUADRANT], frame[TITLE], values, efforts, strict=True
    ):
        tip = f"{item_id}: {title} (value {value:.1f}, effort {effort:g}, {quadrant})"
        fill = QUADRANT_STYLE[quadrant][2]
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


def matrix_figure(chart: Matrix, unit: str, desc: str) -> str:
    """The matrix, its caption, the quadrants' members in rank order, and its data as a table."""
    more = (
        ""
        if len(chart.frame) <= MAX_LABELS
        else f" Only the {MAX_LABELS} best-ranked items carry their id."
    )
    caption = (
        "Each ranked item is a point labelled with its id. The dashed lines split the items at the median "
        "value and the median effort of ranked items: value at or above the median counts as high, effort "
        "at or below it as low (where items sit on a median, the line passes beside them, on the side of "
        f"their quadrant).{more}"
    )
    quadrants = "".join(
        f'<li class="q-{q.replace(" ", "-")}"><strong>{QUADRANT_NAMES[q]} ({len(chart.members(q))})</strong> '
        f'<span class="meaning">{QUADRANT_STYLE[q][1]}</span><br>{cell(", ".join(chart.members(q))) or "none"}</li>'
        for q in QUADRANTS
    )
    unplaced = (
        f"<p>Not on the matrix (no effort): {cell(', '.join(chart.unplaced))}.</p>"
        if chart.unplaced
        else ""
    )
    rows = [
        [
            str(r[RANK]),
            cell(r[ID]),
            cell(r[TITLE]),
            cell(r[VALUE], 1),
            cell(r[EFFORT], 1),
            QUADRANT_NAMES[r[QUADRANT]][:-1],
        ]
        for r in chart.frame.to_dict(orient="records")
    ]
    columns = [
        ("Rank", True),
        ("ID", False),
        ("Title", False),
        ("Value", True),
        (f"Effort ({unit})", True),
        ("Quadrant", False),
    ]
    data = table("Value and effort of each ranked item, in rank order", columns, rows, header=1)
    return (
        f"<figure>{matrix_svg(chart, unit, desc)}<figcaption>{escape(caption)}</figcaption></figure>"
        f'<ul class="quadrants">{quadrants}</ul>{unplaced}' + details("The chart as a table", data)
    )


def matrix_desc(chart: Matrix, unit: str) -> str:
    """One sentence for screen readers and the page: what is placed where, and how many per quadrant."""
    counts = ", ".join(f"{len(chart.members(q))} {QUADRANT_NAMES[q].lower()}" for q in QUADRANTS)
    return (
        f"Each of {len(chart.frame)} ranked items placed by effort ({unit}, across) and value (up), split at "
        f"the median effort ({chart.effort_median:g}) and the median value ({chart.value_median:.1f}): {counts}."
    )


__all__ = [
    "QUADRANTS",
    "Matrix",
    "burn_up_figure",
    "burn_up_svg",
    "cell",
    "details",
    "matrix",
    "matrix_desc",
    "matrix_figure",
    "matrix_svg",
    "nice_ticks",
    "pct",
    "place_labels",
    "table",
    "weeks",
]
