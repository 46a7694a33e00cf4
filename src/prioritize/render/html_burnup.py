"""The report's time-to-value chart: cumulative value delivered, week by week, as inline SVG
with its text alternative and its data as a table."""

from __future__ import annotations

from html import escape

import pandas as pd

from prioritize.render.html_blocks import details, pct, table
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
from prioritize.render.ttv import chart_weeks, ordering_label
from prioritize.scheduling import FINISH_WEEK, TimeToValue, delivered_by

CHOSEN_COLOUR, LISTED_COLOUR = "#0b5394", "#8a4b00"


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
    return " ".join(f"{num(px)},{num(py)}" for px, py in points)


def burn_up_svg(report: TimeToValue, desc: str) -> str:
    """Cumulative percentage of total value delivered against weeks of work from the start."""
    height, series = 380, burn_up_series(report)
    last = max(float(frame[FINISH_WEEK].max()) for _, frame in series)
    x_ticks = nice_ticks(0.0, max(last, 1.0), count=10)
    x, y = Axis(0.0, x_ticks[-1], 72, WIDTH - 24), Axis(0.0, 100.0, height - 60, 20)
    titles = (f"Weeks of work from {report.plan.start.isoformat()}", "Value delivered (% of total)")
    body = plot_frame(x, y, (x_ticks, [0, 20, 40, 60, 80, 100]), titles)
    styles = [("chosen", CHOSEN_COLOUR, ""), ("listed", LISTED_COLOUR, ' stroke-dasharray="7 5"')]
    for k, ((label, frame), (cls, colour, dash)) in enumerate(zip(series, styles, strict=False)):
        stroke = f' stroke="{colour}" stroke-width="3"{dash}'
        body.append(
            f'<polyline class="series {cls}" fill="none"{stroke} points="{_steps(frame, x, y)}"/>'
        )
        ly = y.end + 22 + 22 * k  # the legend, top left: burn-up lines start bottom left
        body.append(
            f'<g class="legend">{svg_line(x.start + 16, ly - 4, x.start + 56, ly - 4, stroke)}{svg_text(x.start + 64, ly, label)}</g>'
        )
    return svg("ttv-chart", height, "Time to value: cumulative value over weeks", desc, body)


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


__all__ = ["burn_up_figure", "burn_up_series", "burn_up_svg"]
