"""The forecast in every format: per-item percentiles, summary, cut line, fan chart, roadmap."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from rich.console import RenderableType
from rich.text import Text

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
    quarter,
)
from prioritize.forecasting import DEFAULT, HISTORY, RANGES
from prioritize.render.choices import Format
from prioritize.render.fit import FitTable, Kind, fit_table
from prioritize.render.formats import (
    fixed,
    plain,
    records,
    round_for_reading,
    to_csv,
    to_json,
)
from prioritize.render.inert import markdown_cell
from prioritize.render.table import render_to_text
from prioritize.render.ttv import CHART_WIDTH, bar, chart_weeks, ordering_label
from prioritize.scheduling import DUE, MANDATE
from prioritize.scoring import ID, TITLE

ITEM_ROWS = 25  # the items shown in the table without --all
_weeks = fixed
_pct = partial(fixed, suffix="%")


def _chance(value: Any) -> str:
    value = plain(value)
    return "" if value is None else f"{value * 100:.0f}%"


def _date(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else ""


def effort_sources(forecast: Forecast) -> str:
    """Where the efforts came from, in words: which source, on how many items."""
    words = {
        RANGES: "the item's effort_range",
        HISTORY: f"the history of {forecast.summary['history_items']} delivered items",
        DEFAULT: "the default spread (0.75x to 1.5x the estimate)",
    }
    parts = [
        f"{words[source]} on {count} item{'s' if count != 1 else ''}"
        for source, count in forecast.sources.items()
    ]
    return "Effort from " + ("; ".join(parts) if parts else "no item") + "."


def plan_caption(forecast: Forecast, unit: str) -> str:
    plan, options = forecast.plan, forecast.options
    teams = f"{plan.teams} team{'s' if plan.teams != 1 else ''}"
    weeks = forecast.capacity_weeks
    history = f" (a week drawn from {weeks} past weeks, capacity.history)" if weeks else ""
    changes = "".join(
        f"; from {c.on.isoformat()} capacity x{round_for_reading(c.factor)}"
        for c in options.changes
    )
    return (
        f"{options.runs:,} runs, seed {options.seed}. Order: "
        f"{ordering_label(options.order, options.low_risk_first)}, in-progress items first, then "
        f"mandated ones; {teams} at {round_for_reading(plan.per_week)} {unit} a week each"
        f"{history}"
        f"{changes}, from {plan.start.isoformat()}. "
        f"P{options.level}: delivered by then in {options.level}% of runs. Due: * marks a mandate."
    )


# --- table (Rich) -----------------------------------------------------------------------------


def items_table(forecast: Forecast, unit: str, rows: int | None) -> FitTable:
    frame = forecast.items
    level = forecast.options.level
    table = fit_table(
        title=f"Forecast: {len(frame)} item{'s' if len(frame) != 1 else ''}",
        caption=plan_caption(forecast, unit),
        caption_justify="left",
        header_style="bold",
    )
    table.hint = "use a wider terminal or --format csv"
    table.fold_after, table.fold_noun = rows, "items"
    table.fold_hint = "--all shows every one, --format csv too"
    table.add_column("ID", Kind.LABEL)
    table.add_column("Title", min_width=16)
    table.add_column("Due", Kind.LABEL, priority=3)
    table.add_column("P50", Kind.LABEL, priority=2)
    table.add_column(f"P{level}", Kind.LABEL)
    table.add_column("P95", Kind.LABEL, priority=4)
    table.add_column("On time", Kind.NUMBER, priority=1)
    for row in frame.to_dict(orient="records"):
        late = row[P_ON_TIME] is not None and row[P_ON_TIME] * 100 < level
        due = _date(row[DUE]) + (" *" if row[MANDATE] else "")
        table.add_row(
            row[ID],
            row[TITLE],
            due,
            _date(row[P50_DATE]),
            _date(row[LEVEL_DATE]),
            _date(row[P95_DATE]),
            Text(_chance(row[P_ON_TIME]), style="red" if late else "", justify="right"),
        )
    return table


def summary_table(forecast: Forecast) -> FitTable:
    summary, level = forecast.summary, forecast.options.level
    table = fit_table(
        title="Summary", show_header=False, title_justify="left", box=None, padding=(0, 2, 0, 0)
    )
    table.add_column("figure", min_width=24)
    table.add_column("value", Kind.LABEL)
    for share in (50, 80):
        table.add_row(
            f"Weeks to {share}% of value (P50 / P{level})",
            f"{_weeks(summary[f'weeks_to_{share}pct_p50'])} / "
            f"{_weeks(summary[f'weeks_to_{share}pct_level'])}",
        )
    risky = summary["deadlines_at_risk"]
    table.add_row(
        f"Deadlines under {level}% sure",
        ", ".join(risky) if risky else "none",
    )
    return table


def cut_line_table(forecast: Forecast) -> FitTable | None:
    cut = forecast.cut_line
    if cut is None:
        return None
    level = forecast.options.level
    table = fit_table(
        title=f"By {cut['by'].isoformat()}: the cut line",
        title_justify="left",
        show_header=False,
        box=None,
        padding=(0, 2, 0, 0),
    )
    table.add_column("group", min_width=12)
    table.add_column("items")
    for key, label in (
        (WILL, f"Will (>= {level}%)"),
        (MIGHT, f"Might ({100 - level}-{level}%)"),
        (WONT, f"Won't (< {100 - level}%)"),
    ):
        table.add_row(label, ", ".join(cut[key]) if cut[key] else "none")
    table.add_row(
        "Value by then",
        f"{round_for_reading(cut['value_p50'], 1)} at P50, "
        f"{round_for_reading(cut['value_level'], 1)} at P{level}",
    )
    return table


def fan_bar(low: float, median: float, high: float, width: int = CHART_WIDTH) -> Text:
    """One week of the fan chart: solid to P15, shaded to P50, light to P85."""
    solid = bar(low, width)
    middle = len(bar(median, width))
    outer = len(bar(high, width))
    text = Text(solid, style="green")
    text.append("▓" * max(0, middle - len(solid)), style="green")
    text.append("░" * max(0, outer - max(middle, len(solid))), style="green")
    return text


def fan_chart(forecast: Forecast) -> FitTable:
    fan = forecast.fan
    table = fit_table(
        title="Value delivered by the end of each week",
        title_justify="left",
        header_style="bold",
        box=None,
        padding=(0, 1, 0, 0),
    )
    table.hint = "use a wider terminal"
    table.add_column("Week", Kind.NUMBER)
    table.add_column(f"█ P{FAN_LOW}  ▓ P50  ░ P{FAN_HIGH}", Kind.LABEL)
    table.add_column(f"P{FAN_LOW} / P50 / P{FAN_HIGH}", Kind.LABEL, priority=1)
    last = float(fan["week"].max()) if len(fan) else 0.0
    shown = set(chart_weeks(last))
    for row in fan.to_dict(orient="records"):
        if int(row["week"]) not in shown:
            continue
        low, median, high = row["p15"], row["p50"], row["p85"]
        table.add_row(
            Text(str(int(row["week"])), justify="right"),
            fan_bar(low, median, high),
            f"{low:.0f}% / {median:.0f}% / {high:.0f}%",
        )
    return table


def forecast_renderables(forecast: Forecast, unit: str, rows: int | None) -> list[RenderableType]:
    if forecast.items.empty:
        return [Text("Nothing to forecast: no open, scored item with an effort.")]
    out: list[RenderableType] = [
        items_table(forecast, unit, rows),
        Text(effort_sources(forecast)),
        Text(""),
        summary_table(forecast),
    ]
    cut = cut_line_table(forecast)
    if cut is not None:
        out += [Text(""), cut]
    if len(forecast.fan):
        out += [Text(""), fan_chart(forecast)]
    return out


@dataclass(frozen=True)
class ForecastView:
    forecast: Forecast
    unit: str
    color: bool
    all_rows: bool = False


# --- machine formats --------------------------------------------------------------------------


def forecast_document(forecast: Forecast) -> dict[str, Any]:
    """{"summary": {...}, "items": [...], "cut_line": {...} or null}, keys as docs/reference.md 5."""
    cut = forecast.cut_line
    return {
        "summary": {key: plain(value) for key, value in forecast.summary.items()},
        "items": records(forecast.items),
        "cut_line": None if cut is None else {key: plain(value) for key, value in cut.items()},
    }


def _roadmap(view: ForecastView) -> str:
    """Now / Next / Later by the quarter each item is delivered in at the level."""
    forecast = view.forecast
    if forecast.items.empty:
        return "Nothing to forecast: no open, scored item with an effort.\n"
    level = forecast.options.level
    now = quarter(forecast.plan.start)
    quarters = [quarter(d) for d in forecast.items[LEVEL_DATE]]
    order = sorted(set(quarters))
    following = (
        order[order.index(now) + 1] if now in order and order.index(now) + 1 < len(order) else None
    )
    lines = [
        f"## Roadmap (P{level}: delivered by then in {level}% of runs)",
        "",
        markdown_cell(plan_caption(forecast, view.unit)),
        "",
        markdown_cell(effort_sources(forecast)),
    ]
    sections: dict[str, list[str]] = {"Now": [], "Next": [], "Later": []}
    for row, q in zip(forecast.items.to_dict(orient="records"), quarters, strict=True):
        section = "Now" if q <= now else ("Next" if q == following else "Later")
        when = f" ({q})" if section == "Later" else ""
        due = f"; due {_date(row[DUE])} ({_chance(row[P_ON_TIME])} on time)" if row[DUE] else ""
        mandate = f"; mandate: {markdown_cell(row[MANDATE])}" if row[MANDATE] else ""
        sections[section].append(
            f"- **{markdown_cell(row[ID])}** {markdown_cell(row[TITLE])}: by "
            f"{_date(row[LEVEL_DATE])}{when}{due}{mandate}"
        )
    titles = {
        "Now": f"Now ({now})",
        "Next": f"Next ({following or 'the quarter after'})",
        "Later": "Later",
    }
    for name, entries in sections.items():
        lines += ["", f"### {titles[name]}", "", *(entries or ["- nothing"])]
    cut = forecast.cut_line
    if cut is not None:
        lines += [
            "",
            f"### By {cut['by'].isoformat()}",
            "",
            f"- Will (>= {level}%): {', '.join(map(markdown_cell, cut[WILL])) or 'none'}",
            f"- Might: {', '.join(map(markdown_cell, cut[MIGHT])) or 'none'}",
            f"- Won't (< {100 - level}%): {', '.join(map(markdown_cell, cut[WONT])) or 'none'}",
        ]
    return "\n".join(lines) + "\n"


def _csv(view: ForecastView) -> str:
    return to_csv(view.forecast.items)


def _json(view: ForecastView) -> str:
    return to_json(forecast_document(view.forecast))


def _table(view: ForecastView) -> str:
    rows = None if view.all_rows else ITEM_ROWS
    return render_to_text(forecast_renderables(view.forecast, view.unit, rows), color=view.color)


FORECAST_RENDERERS: Mapping[Format, Callable[[ForecastView], str]] = {
    Format.table: _table,
    Format.csv: _csv,
    Format.json: _json,
    Format.markdown: _roadmap,
}

__all__ = ["FORECAST_RENDERERS", "ForecastView", "forecast_document"]
