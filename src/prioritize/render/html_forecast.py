"""The report's forecast: a fan chart of cumulative value, the deadlines, and what lands by the
end of the fiscal year. Inline SVG with its text alternative and its data as tables."""

from __future__ import annotations

from html import escape

from prioritize.analysis.forecast import (
    FAN_HIGH,
    FAN_LOW,
    LEVEL_DATE,
    MIGHT,
    P50_DATE,
    P95_DATE,
    P_ON_TIME,
    WILL,
    WONT,
    Forecast,
)
from prioritize.render.forecast import effort_sources
from prioritize.render.html_blocks import cell, cells, details, pct, table
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
from prioritize.scheduling import DUE, MANDATE
from prioritize.scoring import ID, TITLE

BAND_COLOUR, MEDIAN_COLOUR = "#9fc5e8", "#0b5394"


def fan_svg(forecast: Forecast, desc: str) -> str:
    """Cumulative percentage of total value by week: the P15-P85 band and the median line."""
    fan, height = forecast.fan, 380
    last = float(fan["week"].max())
    x_ticks = nice_ticks(0.0, max(last, 1.0), count=10)
    x, y = Axis(0.0, x_ticks[-1], 72, WIDTH - 24), Axis(0.0, 100.0, height - 60, 20)
    titles = (
        f"Weeks of work from {forecast.plan.start.isoformat()}",
        "Value delivered (% of total)",
    )
    body = plot_frame(x, y, (x_ticks, [0, 20, 40, 60, 80, 100]), titles)
    weeks = [float(w) for w in fan["week"]]
    upper = [f"{num(x(w))},{num(y(v))}" for w, v in zip(weeks, fan["p85"], strict=True)]
    lower = [f"{num(x(w))},{num(y(v))}" for w, v in zip(weeks, fan["p15"], strict=True)]
    band = " ".join(upper + lower[::-1])
    body.append(f'<polygon class="band" fill="{BAND_COLOUR}" stroke="none" points="{band}"/>')
    median = " ".join(f"{num(x(w))},{num(y(v))}" for w, v in zip(weeks, fan["p50"], strict=True))
    stroke = f' stroke="{MEDIAN_COLOUR}" stroke-width="3"'
    body.append(f'<polyline class="median" fill="none"{stroke} points="{median}"/>')
    legend = [
        (f"P{FAN_LOW} to P{FAN_HIGH} of runs", f'<rect x="{num(x.start + 16)}" y="{num(y.end + 10)}" width="40" height="12" fill="{BAND_COLOUR}"/>'),
        ("median run (P50)", svg_line(x.start + 16, y.end + 40, x.start + 56, y.end + 40, stroke)),
    ]  # fmt: skip
    for k, (label, mark) in enumerate(legend):
        body.append(
            f'<g class="legend">{mark}{svg_text(x.start + 64, y.end + 20 + 24 * k, label)}</g>'
        )
    return svg("forecast-chart", height, "Forecast: cumulative value over weeks", desc, body)


def fan_sentence(forecast: Forecast) -> str:
    summary, level = forecast.summary, forecast.options.level
    half, most = summary["weeks_to_50pct_p50"], summary["weeks_to_80pct_p50"]
    if half is None or most is None:
        return "The items forecast hold no value to deliver."
    return (
        f"Half the value arrives by week {half:.1f} in the median run ({summary['weeks_to_50pct_level']:.1f} "
        f"at P{level}), 80% by week {most:.1f} ({summary['weeks_to_80pct_level']:.1f} at P{level})."
    )


def _deadlines(forecast: Forecast) -> str:
    items, level = forecast.items, forecast.options.level
    due = items[items[DUE].notna()]
    if due.empty:
        return "<p>No item has a due date.</p>"
    columns = [("ID", False), ("Title", False), ("Due", True), ("Mandate", False),
               ("P50", True), (f"P{level}", True), ("P95", True), ("Chance on time", True)]  # fmt: skip
    chances = due[P_ON_TIME].tolist()
    rows = zip(
        cells(due[ID]), cells(due[TITLE]), cells(due[DUE]), cells(due[MANDATE]),
        cells(due[P50_DATE]), cells(due[LEVEL_DATE]), cells(due[P95_DATE]),
        [pct(c * 100) for c in chances],
        strict=True,
    )  # fmt: skip
    at_risk = ["left-out" if c * 100 < level else "" for c in chances]
    caption = (
        f"Items with a due date: when they land, and the share of runs that meet the date "
        f"(highlighted under {level}%)."
    )
    return table(caption, columns, rows, header=0, row_classes=at_risk)


def _cut_line(forecast: Forecast) -> str:
    cut, level = forecast.cut_line, forecast.options.level
    if cut is None:
        return ""

    def names(ids: list[str]) -> str:
        return ", ".join(cell(i) for i in ids) if ids else "none"

    return (
        f"<h3>By the end of the fiscal year, {escape(cut['by'].isoformat())}</h3>"
        f"<ul><li><strong>Will</strong> be delivered (in at least {level}% of runs): {names(cut[WILL])}</li>"
        f"<li><strong>Might</strong> be: {names(cut[MIGHT])}</li>"
        f"<li><strong>Won't</strong> be (in under {100 - level}% of runs): {names(cut[WONT])}</li></ul>"
        f"<p>Value delivered by then: {cell(cut['value_p50'], 1)} in the median run, "
        f"{cell(cut['value_level'], 1)} in at least {level}% of runs.</p>"
    )


def forecast_parts(forecast: Forecast) -> list[str]:
    sentence = fan_sentence(forecast)
    caption = (
        f"{forecast.options.runs:,} simulated schedules (seed {forecast.options.seed}): the band "
        f"holds the middle 70% of runs, the line the median. {effort_sources(forecast)}"
    )
    fan = forecast.fan
    rows = (
        [str(int(w)), pct(a), pct(b), pct(c)]
        for w, a, b, c in zip(fan["week"], fan["p15"], fan["p50"], fan["p85"], strict=True)
    )
    columns = [("Week", True), (f"P{FAN_LOW}", True), ("P50", True), (f"P{FAN_HIGH}", True)]
    data = table(
        f"Forecast: value delivered by the end of each week (% of total value, P{FAN_LOW} / P50 / P{FAN_HIGH})",
        columns,
        rows,
    )
    return [
        f"<p>{escape(sentence)}</p>",
        f"<figure>{fan_svg(forecast, sentence)}<figcaption>{escape(caption)}</figcaption></figure>",
        details("The chart as a table", data),
        "<h3>Deadlines</h3>",
        _deadlines(forecast),
        _cut_line(forecast),
    ]


__all__ = ["fan_svg", "forecast_parts"]
