"""The time-to-value report in every format: schedule, summary, pools, orderings compared, burn-up chart."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd
from rich.console import RenderableType
from rich.text import Text

from prioritize.render.choices import Format, Rendered
from prioritize.render.fit import FitTable, Kind, fit_table
from prioritize.render.formats import (
    csv_pieces,
    fixed,
    plain,
    records,
    round_for_reading,
    to_json,
    to_markdown,
)
from prioritize.render.table import numbers, render_pieces
from prioritize.scheduling import (
    CHOSEN,
    CUMULATIVE_VALUE_PCT,
    DEADLINES_MET,
    DEADLINES_MISSED,
    DUE,
    FINISH_DATE,
    FINISH_WEEK,
    GAIN,
    LAST_FINISH,
    LATE,
    LOW_RISK_FIRST,
    MANDATE,
    MANDATED,
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
SCHEDULE_ROWS = 25  # the schedule's rows shown in the table without --all
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


def _cells(values: Any, write: Callable[[Any], str] = _weeks) -> list[Text]:
    """Number cells written with a fixed number of decimals (weeks, percentages): one format."""
    return [Text(write(v), justify="right", no_wrap=True) for v in values]


def schedule_table(report: TimeToValue, unit: str, rows: int | None = SCHEDULE_ROWS) -> FitTable:
    """The schedule, its first `rows` items only (all with None); narrow, the start date and
    week, team, pool, cumulative value and finish week are left out in that order."""
    frame = report.schedule
    has_due = bool(frame[DUE].notna().any())
    due_note = " Due: * marks a mandate, late a finish after the due date." if has_due else ""
    table = fit_table(
        title=f"Time to value: {len(frame)} item{'s' if len(frame) != 1 else ''}",
        caption=plan_caption(report, unit) + due_note,
        caption_justify="left",
        header_style="bold",
    )
    table.hint = "use a wider terminal or --format csv"
    table.fold_after, table.fold_noun = rows, "items"
    table.fold_hint = "--all shows every one, --format csv too"
    table.add_column("Order", Kind.NUMBER)
    table.add_column("ID", Kind.LABEL)
    table.add_column("Title", min_width=20)
    table.add_column("Pool", Kind.LABEL, priority=4, max_width=16)
    table.add_column("Team", Kind.NUMBER, priority=5)
    table.add_column("Start\nweek", Kind.NUMBER, priority=6)
    table.add_column("Finish\nweek", Kind.NUMBER, priority=2)
    table.add_column("Start", Kind.LABEL, priority=7)
    table.add_column("Finish", Kind.LABEL)
    table.add_column("Value", Kind.NUMBER, priority=1)
    table.add_column("Cum.\nvalue", Kind.NUMBER, priority=3)
    if has_due:
        table.add_column("Due", Kind.LABEL, priority=1)
    # Only the rows shown are built; numbers still take the format of their whole column.
    head = frame if rows is None else frame.iloc[:rows]
    table.unlisted = len(frame) - len(head)
    shown = len(head)
    columns = zip(
        numbers(frame[ORDER], 0, first=shown),
        numbers(frame[TEAM], 0, first=shown),
        _cells(head[START_WEEK]),
        _cells(head[FINISH_WEEK]),
        numbers(frame[VALUE], 1, first=shown),
        _cells(head[CUMULATIVE_VALUE_PCT], _pct),
        strict=True,
    )
    for cells, (order, team, start, finish, value, cumulative) in zip(
        head.to_dict(orient="records"), columns, strict=True
    ):
        table.add_row(
            order,
            cells[ID],
            cells[TITLE],
            cells[POOL],
            team,
            start,
            finish,
            round_for_reading(cells[START_DATE]),
            round_for_reading(cells[FINISH_DATE]),
            value,
            cumulative,
            *([_due_cell(cells)] if has_due else []),
        )
    return table


def _due_cell(row: Mapping[Hashable, Any]) -> Text:
    """The due date, * for a mandate, and LATE in red when the plan misses it."""
    due = row[DUE]
    if due is None or (isinstance(due, float) and math.isnan(due)):
        return Text("")
    text = Text(due.isoformat() + (" *" if row[MANDATE] else ""))
    if row[LATE]:
        text.append(" late", style="bold red")
    return text


def summary_table(report: TimeToValue) -> FitTable:
    summary = report.summary
    table = fit_table(
        title="Summary", show_header=False, title_justify="left", box=None, padding=(0, 2, 0, 0)
    )
    table.add_column("figure", min_width=24)
    table.add_column("value", Kind.NUMBER)
    table.add_row(_SUMMARY_LABELS[TOTAL_VALUE], round_for_reading(summary[TOTAL_VALUE], 1))
    for key in (MEAN_WEEKS, WEEKS_TO_50, WEEKS_TO_80, LAST_FINISH):
        table.add_row(_SUMMARY_LABELS[key], _weeks(summary[key]))
    table.add_row("Last delivery", round_for_reading(summary["last_finish_date"]))
    table.add_row(_SUMMARY_LABELS[GAIN], _gain(summary[GAIN]))
    if summary[DEADLINES_MET] or summary[DEADLINES_MISSED]:
        table.add_row(
            "Due dates met / missed", f"{summary[DEADLINES_MET]} / {summary[DEADLINES_MISSED]}"
        )
    return table


def pools_table(report: TimeToValue) -> FitTable:
    table = fit_table(
        title="Value pools: first and last delivery", title_justify="left", header_style="bold"
    )
    table.hint = "use a wider terminal or --format json"
    table.add_column("Pool", Kind.LABEL, max_width=24)
    table.add_column("Items", Kind.NUMBER, priority=3)
    table.add_column("Value", Kind.NUMBER, priority=2)
    table.add_column("First wk", Kind.NUMBER, priority=4)
    table.add_column("First date", Kind.LABEL)
    table.add_column("Last wk", Kind.NUMBER, priority=1)
    table.add_column("Last date", Kind.LABEL)
    pools = report.pools
    columns = zip(
        numbers(pools["items"], 0),
        numbers(pools[VALUE], 1),
        _cells(pools["first_delivery_week"]),
        _cells(pools["last_delivery_week"]),
        strict=True,
    )
    for row, (items, value, first, last) in zip(
        pools.to_dict(orient="records"), columns, strict=True
    ):
        table.add_row(
            row[POOL],
            items,
            value,
            first,
            round_for_reading(row["first_delivery_date"]),
            last,
            round_for_reading(row["last_delivery_date"]),
        )
    return table


def comparison_caption(report: TimeToValue) -> str:
    text = "Gain: weeks by which value arrives earlier, on average, than in file order (listed)."
    mandated = report.summary[MANDATED]
    if mandated:
        text += (
            f" In every ordering the {mandated} mandated item{'s' if mandated != 1 else ''} "
            "(and what they depend on) come first, after the items in progress."
        )
    return text


def comparison_table(report: TimeToValue) -> FitTable:
    table = fit_table(
        title="Orderings compared (same teams, capacity and start)",
        title_justify="left",
        caption=comparison_caption(report),
        caption_justify="left",
        header_style="bold",
    )
    table.hint = "use a wider terminal or --format json"
    table.add_column("Ordering", min_width=16)
    table.add_column("Mean wks to value", Kind.NUMBER)
    table.add_column("Wks to 50%", Kind.NUMBER, priority=2)
    table.add_column("Wks to 80%", Kind.NUMBER, priority=3)
    table.add_column("Last delivery wk", Kind.NUMBER, priority=1)
    table.add_column("Gain (wks)", Kind.NUMBER)
    comparison = report.comparison
    weeks = [_cells(comparison[key]) for key in (MEAN_WEEKS, WEEKS_TO_50, WEEKS_TO_80, LAST_FINISH)]
    for k, row in enumerate(comparison.to_dict(orient="records")):
        chosen = bool(row[CHOSEN])
        label = ordering_label(row[ORDER], bool(row[LOW_RISK_FIRST])) + (
            " (chosen)" if chosen else ""
        )
        table.add_row(
            Text(label, style="bold" if chosen else ""),
            *(column[k] for column in weeks),
            Text(_gain(row[GAIN]), justify="right", no_wrap=True),
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
    table = fit_table(
        title="Value delivered by the end of each week (burn-up)",
        title_justify="left",
        header_style="bold",
        box=None,
        padding=(0, 1, 0, 0),
    )
    table.hint = "use a wider terminal"
    table.add_column("Week", Kind.NUMBER)
    for k, (label, _, _) in enumerate(series):
        table.add_column(label, Kind.LABEL, priority=k)
    for k, week in enumerate(weeks):
        cells: list[RenderableType] = [Text(str(week), justify="right")]
        for _, style, values in series:
            pct = values[k]
            cells.append(
                Text.assemble((bar(pct).ljust(CHART_WIDTH), style), " ", (_pct(pct).rjust(6), ""))
            )
        table.add_row(*cells)
    return table


def ttv_renderables(
    report: TimeToValue, unit: str, rows: int | None = SCHEDULE_ROWS
) -> list[RenderableType]:
    """The schedule (its first `rows` items; every one with None), summary, pools, orderings
    compared and burn-up chart."""
    if report.schedule.empty:
        return [Text("Nothing to schedule: no open, scored item with an effort.")]
    return [
        schedule_table(report, unit, rows),
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
    """What `ttv` shows: the report, the unit effort is counted in, and whether the table has colour.

    The table shows the schedule's first SCHEDULE_ROWS items unless `all_rows`; the other formats
    always hold every item.
    """

    report: TimeToValue
    unit: str
    color: bool
    all_rows: bool = False


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
    if summary[DEADLINES_MET] or summary[DEADLINES_MISSED]:
        rows.append(
            ("Due dates met / missed", f"{summary[DEADLINES_MET]} / {summary[DEADLINES_MISSED]}")
        )
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
        + f"\n{comparison_caption(report)}\n"
    )  # fmt: skip


def _csv(view: TtvView) -> Iterator[str]:
    """The schedule only."""
    return csv_pieces(view.report.schedule)  # a long table: written as it is made


def _json(view: TtvView) -> str:
    return to_json(ttv_document(view.report))


def _table(view: TtvView) -> Rendered:
    rows = None if view.all_rows else SCHEDULE_ROWS
    return render_pieces(ttv_renderables(view.report, view.unit, rows), color=view.color)


TTV_RENDERERS: Mapping[Format, Callable[[TtvView], Rendered]] = {
    Format.table: _table,
    Format.csv: _csv,
    Format.json: _json,
    Format.markdown: _markdown,
}
