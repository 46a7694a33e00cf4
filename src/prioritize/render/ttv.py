"""The time-to-value report in every format: schedule, summary, pools, orderings compared, burn-up chart."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from prioritize.render.choices import Format
from prioritize.render.formats import (
    fixed,
    plain,
    records,
    round_for_reading,
    to_csv,
    to_json,
    to_markdown,
)
from prioritize.render.table import number, render_to_text
from prioritize.scheduling import (
    CHOSEN,
    CUMULATIVE_VALUE_PCT,
    FINISH_DATE,
    FINISH_WEEK,
    GAIN,
    LAST_FINISH,
    LOW_RISK_FIRST,
    MEAN_WEEKS,
    ORDER,
    START_DATE,
    START_WEEK,
    TEAM,
    TOTAL_VALUE,
    WEEKS_TO_50,
    WEEKS_TO_80,
    TimeToValue,
    delivered_by,
)
from prioritize.scoring import ID, POOL, TITLE, VALUE

CHART_WIDTH = 28  # characters for 100% of value: two bars and their labels fit in 80 columns
CHART_MAX_ROWS = 26
_EIGHTHS = " ▏▎▍▌▋▊▉"

_SUMMARY_LABELS = {
    TOTAL_VALUE: "Total value",
    MEAN_WEEKS: "Mean weeks to value (value-weighted)",
    WEEKS_TO_50: "Weeks to 50% of value",
    WEEKS_TO_80: "Weeks to 80% of value",
    LAST_FINISH: "Weeks to the last delivery",
    GAIN: "Gain over file order (weeks of mean time to value)",
}


def ordering_label(order: str, low_risk_first: bool) -> str:
    return f"{order} + low-risk first" if low_risk_first else order


def plan_caption(report: TimeToValue, unit: str) -> str:
    plan = report.plan
    teams = f"{plan.teams} team{'s' if plan.teams != 1 else ''}"
    return (
        f"Order: {ordering_label(report.order, report.low_risk_first)}, in-progress items first; "
        f"{teams} at {round_for_reading(plan.per_week)} {unit} a week each, from {plan.start.isoformat()}. "
        "Weeks are weeks of work from the start; dates are working days. "
        "Cum. value: the share of total value delivered by the item's finish."
    )


_weeks = fixed
_pct = partial(fixed, suffix="%")


def _gain(value: Any) -> str:
    value = plain(value)
    if value is None:
        return ""
    return f"{value:+.1f}"


# --- table (Rich) -----------------------------------------------------------------------------


def schedule_table(report: TimeToValue, unit: str) -> Table:
    frame = report.schedule
    table = Table(
        title=f"Time to value: {len(frame)} item{'s' if len(frame) != 1 else ''}",
        caption=plan_caption(report, unit),
        caption_justify="left",
        header_style="bold",
    )
    table.add_column("Order", justify="right")
    table.add_column("ID", no_wrap=True)
    table.add_column("Title", overflow="fold")
    table.add_column("Pool", overflow="fold")
    table.add_column("Team", justify="right")
    table.add_column("Start\nweek", justify="right")
    table.add_column("Finish\nweek", justify="right")
    table.add_column("Start", no_wrap=True)
    table.add_column("Finish", no_wrap=True)
    table.add_column("Value", justify="right")
    table.add_column("Cum.\nvalue", justify="right")
    for cells in frame.to_dict(orient="records"):
        table.add_row(
            str(cells[ORDER]),
            cells[ID],
            cells[TITLE],
            cells[POOL],
            str(cells[TEAM]),
            Text(_weeks(cells[START_WEEK]), justify="right"),
            Text(_weeks(cells[FINISH_WEEK]), justify="right"),
            round_for_reading(cells[START_DATE]),
            round_for_reading(cells[FINISH_DATE]),
            number(cells[VALUE], 1),
            Text(_pct(cells[CUMULATIVE_VALUE_PCT]), justify="right"),
        )
    return table


def summary_table(report: TimeToValue) -> Table:
    summary = report.summary
    table = Table(
        title="Summary", show_header=False, title_justify="left", box=None, padding=(0, 2, 0, 0)
    )
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row(_SUMMARY_LABELS[TOTAL_VALUE], round_for_reading(summary[TOTAL_VALUE], 1))
    for key in (MEAN_WEEKS, WEEKS_TO_50, WEEKS_TO_80, LAST_FINISH):
        table.add_row(_SUMMARY_LABELS[key], _weeks(summary[key]))
    table.add_row("Last delivery", round_for_reading(summary["last_finish_date"]))
    table.add_row(_SUMMARY_LABELS[GAIN], _gain(summary[GAIN]))
    return table


def pools_table(report: TimeToValue) -> Table:
    table = Table(
        title="Value pools: first and last delivery", title_justify="left", header_style="bold"
    )
    table.add_column("Pool", overflow="fold")
    table.add_column("Items", justify="right")
    table.add_column("Value", justify="right")
    table.add_column("First wk", justify="right")
    table.add_column("First date", no_wrap=True)
    table.add_column("Last wk", justify="right")
    table.add_column("Last date", no_wrap=True)
    for row in report.pools.to_dict(orient="records"):
        table.add_row(
            row[POOL],
            str(row["items"]),
            number(row[VALUE], 1),
            Text(_weeks(row["first_delivery_week"]), justify="right"),
            round_for_reading(row["first_delivery_date"]),
            Text(_weeks(row["last_delivery_week"]), justify="right"),
            round_for_reading(row["last_delivery_date"]),
        )
    return table


def comparison_table(report: TimeToValue) -> Table:
    table = Table(
        title="Orderings compared (same teams, capacity and start)",
        title_justify="left",
        caption="Gain: weeks by which value arrives earlier, on average, than in file order (listed).",
        caption_justify="left",
        header_style="bold",
    )
    table.add_column("Ordering")
    table.add_column("Mean wks to value", justify="right")
    table.add_column("Wks to 50%", justify="right")
    table.add_column("Wks to 80%", justify="right")
    table.add_column("Last delivery wk", justify="right")
    table.add_column("Gain (wks)", justify="right")
    for row in report.comparison.to_dict(orient="records"):
        chosen = bool(row[CHOSEN])
        label = ordering_label(row[ORDER], bool(row[LOW_RISK_FIRST])) + (
            " (chosen)" if chosen else ""
        )
        table.add_row(
            Text(label, style="bold" if chosen else ""),
            *(
                Text(_weeks(row[key]), justify="right")
                for key in (MEAN_WEEKS, WEEKS_TO_50, WEEKS_TO_80, LAST_FINISH)
            ),
            Text(_gain(row[GAIN]), justify="right"),
        )
    return table


def chart_weeks(last_week: float, max_rows: int = CHART_MAX_ROWS) -> list[int]:
    """Week ends to draw: every week, or every k-th week (and the last) when there are many."""
    horizon = max(1, math.ceil(last_week - 1e-9))
    step = max(1, math.ceil(horizon / max_rows))
    weeks = list(range(step, horizon + 1, step))
    if not weeks or weeks[-1] != horizon:
        weeks.append(horizon)
    return weeks


def bar(pct: float | None, width: int = CHART_WIDTH) -> str:
    """A horizontal bar of block characters, `width` characters at 100%, in eighths."""
    if pct is None:
        return ""
    eighths = round(max(0.0, min(pct, 100.0)) / 100.0 * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def burn_up_chart(report: TimeToValue) -> RenderableType:
    """Cumulative value by the end of each week: the chosen order against file order."""
    chosen_label = ordering_label(report.order, report.low_risk_first)
    same = report.order == "listed" and not report.low_risk_first
    last = max(
        report.summary[LAST_FINISH] or 0.0,
        float(report.listed[FINISH_WEEK].max()) if len(report.listed) else 0.0,
    )
    weeks = chart_weeks(last)
    series = [(chosen_label, "green", delivered_by(report.schedule, weeks))]
    if not same:
        series.append(("listed", "blue", delivered_by(report.listed, weeks)))
    table = Table(
        title="Value delivered by the end of each week (burn-up)",
        title_justify="left",
        header_style="bold",
        box=None,
        padding=(0, 1, 0, 0),
    )
    table.add_column("Week", justify="right")
    for label, _, _ in series:
        table.add_column(label, no_wrap=True)
    for k, week in enumerate(weeks):
        cells: list[RenderableType] = [str(week)]
        for _, style, values in series:
            pct = values[k]
            cells.append(
                Text.assemble((bar(pct).ljust(CHART_WIDTH), style), " ", (_pct(pct).rjust(6), ""))
            )
        table.add_row(*cells)
    return table


def ttv_renderables(report: TimeToValue, unit: str) -> list[RenderableType]:
    if report.schedule.empty:
        return [Text("Nothing to schedule: no open, scored item with an effort.")]
    return [
        schedule_table(report, unit),
        Text(""),
        summary_table(report),
        Text(""),
        pools_table(report),
        Text(""),
        comparison_table(report),
        Text(""),
        burn_up_chart(report),
    ]


@dataclass(frozen=True)
class TtvView:
    """What `ttv` shows: the report, the unit effort is counted in, and whether the table has colour."""

    report: TimeToValue
    unit: str
    color: bool


# --- machine formats --------------------------------------------------------------------------


def ttv_document(report: TimeToValue) -> dict[str, Any]:
    """The JSON document: {"summary": {...}, "schedule": [...], "comparison": [...]}."""
    return {
        "summary": {
            key: plain(value) if key != "pools" else value for key, value in report.summary.items()
        },
        "schedule": records(report.schedule),
        "comparison": records(report.comparison),
    }


def _markdown(view: TtvView) -> str:
    report, unit = view.report, view.unit
    weeks: dict[str, Callable[[Any], str]] = {c: _weeks for c in (START_WEEK, FINISH_WEEK)}
    schedule = to_markdown(
        report.schedule,
        formatters={**weeks, VALUE: lambda v: round_for_reading(v, 1), CUMULATIVE_VALUE_PCT: _pct},
    )
    summary = report.summary
    rows = [(_SUMMARY_LABELS[TOTAL_VALUE], round_for_reading(summary[TOTAL_VALUE], 1))]
    rows += [
        (_SUMMARY_LABELS[key], _weeks(summary[key]))
        for key in (MEAN_WEEKS, WEEKS_TO_50, WEEKS_TO_80, LAST_FINISH)
    ]
    rows += [
        ("Last delivery", round_for_reading(summary["last_finish_date"])),
        (_SUMMARY_LABELS[GAIN], _gain(summary[GAIN])),
    ]
    summary_md = to_markdown(pd.DataFrame(rows, columns=["figure", "value"]), numeric=["value"])
    pools_md = to_markdown(
        report.pools,
        numeric=["items", VALUE, "first_delivery_week", "last_delivery_week"],
        formatters={
            VALUE: lambda v: round_for_reading(v, 1),
            "first_delivery_week": _weeks,
            "last_delivery_week": _weeks,
        },
    )
    comparison = report.comparison.assign(
        **{
            ORDER: [
                ordering_label(o, bool(lrf))
                for o, lrf in zip(
                    report.comparison[ORDER], report.comparison[LOW_RISK_FIRST], strict=True
                )
            ]
        }
    ).drop(columns=[LOW_RISK_FIRST])
    comparison_md = to_markdown(
        comparison,
        numeric=[TOTAL_VALUE, MEAN_WEEKS, WEEKS_TO_50, WEEKS_TO_80, LAST_FINISH, GAIN],
        formatters={
            CHOSEN: lambda v: "yes" if v else "",
            TOTAL_VALUE: lambda v: round_for_reading(v, 1),
            **{c: _weeks for c in (MEAN_WEEKS, WEEKS_TO_50, WEEKS_TO_80, LAST_FINISH)},
            GAIN: _gain,
        },
    )
    return (
        "### Time to value: schedule\n\n" + schedule + f"\n{plan_caption(report, unit)}\n"
        "\n### Summary\n\n" + summary_md
        + "\n### Value pools: first and last delivery\n\n" + pools_md
        + "\n### Orderings compared\n\n" + comparison_md
        + "\nGain: weeks by which value arrives earlier, on average, than in file order (listed).\n"
    )  # fmt: skip


def _csv(view: TtvView) -> str:
    """The schedule only."""
    return to_csv(view.report.schedule)


def _json(view: TtvView) -> str:
    return to_json(ttv_document(view.report))


def _table(view: TtvView) -> str:
    return render_to_text(ttv_renderables(view.report, view.unit), color=view.color)


TTV_RENDERERS: Mapping[Format, Callable[[TtvView], str]] = {
    Format.table: _table,
    Format.csv: _csv,
    Format.json: _json,
    Format.markdown: _markdown,
}
