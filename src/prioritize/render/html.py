"""The `report` page: one self-contained HTML file for stakeholders (inline CSS and SVG, no scripts).

Standard-library string building; every piece of user data goes through `html.escape`. Sections:
at a glance, time to value, value versus effort, ranked backlog, criteria, value pools, persona
coverage, unscored items and warnings. The building blocks live in `render.html_blocks`, the
charts in `render.html_burnup` and `render.html_matrix`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

import pandas as pd

from prioritize import __version__
from prioritize import scheduling as sch
from prioritize.analysis import coverage as cov
from prioritize.analysis import pools as pl
from prioritize.analysis.forecast import Forecast
from prioritize.checks import weak_at_top
from prioritize.confidence import WEAK_EVIDENCE_TOP, applies, levels
from prioritize.errors import Finding
from prioritize.models import CriteriaSet, Criterion
from prioritize.render.coverage import left_out_line
from prioritize.render.formats import plain
from prioritize.render.html_blocks import cell, cells, details, pct, table, weeks
from prioritize.render.html_burnup import burn_up_figure
from prioritize.render.html_forecast import forecast_parts
from prioritize.render.html_matrix import matrix, matrix_desc, matrix_figure
from prioritize.render.rank import criteria_caption, top_contributions
from prioritize.render.ttv import ordering_label, plan_caption
from prioritize.scoring import (
    EFFORT,
    EVIDENCE_STRENGTH,
    ID,
    POOL,
    RANK,
    RISK,
    SCORE,
    TITLE,
    UNSCORED,
    VALUE,
)

SECTIONS = {
    "glance": "At a glance",
    "time-to-value": "Time to value",
    "forecast": "Forecast: how sure are we?",
    "value-effort": "Value versus effort",
    "ranked": "Ranked backlog",
    "criteria": "Criteria and who agreed them",
    "pools": "Value pools and KPI progress",
    "coverage": "Persona coverage",
    "warnings": "Unscored items and warnings",
}
NOTE = ' class="note"'


@dataclass(frozen=True)
class ReportData:
    """Everything the page shows, computed by the same core functions as the other commands."""

    title: str  # prioritize.yaml's title, else the workspace folder's name
    criteria: CriteriaSet
    criteria_name: str
    unit: str
    ranked: pd.DataFrame  # scoring.ranking_rows: rank order, RANK_COLUMNS and c.<id>
    unscored: pd.DataFrame  # Scoring.unscored: ID, TITLE, POOL, UNSCORED
    pools: pd.DataFrame  # analysis.pools.pool_rows
    kpis: pd.DataFrame  # analysis.pools.kpi_rows
    coverage: pd.DataFrame  # analysis.coverage.coverage_rows
    top: int  # how many ranked items count as the top for coverage
    findings: Sequence[Finding]  # check's findings, unscored items aside
    generated: date
    ttv: sch.TimeToValue | None = None
    no_schedule: str = ""  # why there is no schedule, and how to get one
    left_out: Sequence[Finding] = ()  # items left out of the schedule, and why
    forecast: Forecast | None = None  # with the schedule: Monte Carlo runs of it


def _section(ident: str, *parts: str) -> str:
    heading = f'<h2 id="{ident}-h">{escape(SECTIONS[ident])}</h2>'
    return f'<section id="{ident}" aria-labelledby="{ident}-h">{heading}{"".join(parts)}</section>'


def _gain(value: object) -> str:
    value = plain(value)
    return "" if value is None else f"{value:+.1f}"


def _header(data: ReportData) -> str:
    caption = criteria_caption(data.criteria, data.criteria_name)
    links = "".join(f'<li><a href="#{i}">{escape(t)}</a></li>' for i, t in SECTIONS.items())
    return (
        f'<header class="page"><h1>{cell(data.title)}</h1>'
        f"<p{'' if data.criteria.agreed_by else NOTE}>{escape(caption)}.</p>"
        f'<p class="meta">Backlog report generated on {data.generated.isoformat()} by prioritize {escape(__version__)}.</p>'
        f'<nav aria-label="Contents"><ol>{links}</ol></nav></header>'
    )


def total_value_says(data: ReportData) -> str:
    """What the total value means, in one sentence for someone who has never seen the tool."""
    crit, count = data.criteria, len(data.ranked)
    if not count:
        return "No item is ranked, so there is no value to add up."
    mean = float(data.ranked[VALUE].astype(float).mean())
    each = "it" if count == 1 else "each"
    if crit.method == "formula":
        what = (
            f"{each} is what the formula {crit.formula} gives {'it' if count == 1 else 'the item'}"
        )
    else:
        what = f"{each} scores 0 to 100 on the agreed criteria"
    risk = any(f != 1 for f in (crit.risk_factor or {}).values())
    effort = crit.method == "weighted" and crit.per_effort
    later = " and ".join(w for w, on in (("effort", effort), ("delivery risk", risk)) if on)
    counted = f", before {later} {'are' if effort and risk else 'is'} counted" if later else ""
    if count == 1:
        return f"The value of the one ranked item: {what}{counted}."
    return f"The value of the {count} ranked items added up: {what} ({mean:.1f} on average here){counted}."


def weeks_gained_says(ttv: sch.TimeToValue) -> str:
    """What the weeks gained over file order mean, in one sentence."""
    label, gain = ordering_label(ttv.order, ttv.low_risk_first), plain(ttv.summary[sch.GAIN])
    if ttv.order == "listed" and not ttv.low_risk_first:
        return "This report follows the backlog files as written, so it gains nothing over them."
    if gain is None:
        return "No value to deliver, so no weeks to gain."
    how = (
        "no sooner"
        if round(gain, 1) == 0
        else f"{abs(gain):.1f} weeks {'sooner' if gain > 0 else 'later'}"
    )
    return (
        f"Working in {label} order rather than down the backlog files as written, value arrives "
        f"{how} on average (each item counted by its value)."
    )


def _glance(data: ReportData) -> str:
    left_out = [f for f in data.coverage[cov.FLAG] if plain(f) is not None]
    total = cell(data.ranked[VALUE].astype(float).sum(), 1)
    figures = [
        ("Ranked items", str(len(data.ranked)), ""),
        ("Unscored items", str(len(data.unscored)), ""),
        ("Total value", total, total_value_says(data)),
    ]
    if data.ttv is not None and not data.ttv.schedule.empty:
        summary = data.ttv.summary
        figures += [
            ("Weeks to 80% of value", weeks(summary[sch.WEEKS_TO_80]), ""),
            ("Last delivery", cell(summary["last_finish_date"]), ""),
            ("Weeks gained over file order", _gain(summary[sch.GAIN]), weeks_gained_says(data.ttv)),
        ]
    figures += [
        (f"Personas left out of the top {data.top}", str(len(left_out)), ""),
        ("Check warnings", str(len(data.findings)), ""),
    ]
    entries = "".join(
        f'<div class="explained"><dt>{escape(k)}</dt><dd>{v}</dd><dd class="says">{escape(says)}</dd></div>'
        if says
        else f"<div><dt>{escape(k)}</dt><dd>{v}</dd></div>"
        for k, v, says in figures
    )
    return _section("glance", f'<dl class="figures">{entries}</dl>')


def _ttv_sentence(ttv: sch.TimeToValue) -> str:
    s, label = ttv.summary, ordering_label(ttv.order, ttv.low_risk_first)
    text = (
        f"In {label} order, half of the value arrives by week {weeks(s[sch.WEEKS_TO_50])} and 80% "
        f"by week {weeks(s[sch.WEEKS_TO_80])}; the last delivery is in week "
        f"{weeks(s[sch.LAST_FINISH])} ({s['last_finish_date']})."
    )
    compared = ttv.comparison
    listed = compared[(compared[sch.ORDER] == "listed") & ~compared[sch.LOW_RISK_FIRST]].iloc[0]
    if s[sch.GAIN] is not None and not (ttv.order == "listed" and not ttv.low_risk_first):
        text += (
            f" In file order, half arrives by week {weeks(listed[sch.WEEKS_TO_50])} and 80% by week "
            f"{weeks(listed[sch.WEEKS_TO_80])}: on average, value arrives {abs(s[sch.GAIN]):.1f} "
            f"weeks {'earlier' if s[sch.GAIN] >= 0 else 'later'} in {label} order."
        )
    return text


def _time_to_value(data: ReportData) -> str:
    ttv = data.ttv
    if ttv is None:
        return _section("time-to-value", f"<p{NOTE}>{escape(data.no_schedule)}</p>")
    left_out = ""
    if data.left_out:
        notes = "".join(
            f'<li>{cell(f.message)} <span class="where">({cell(f.location)})</span></li>'
            for f in data.left_out
        )
        left_out = f"<p>Left out of the schedule:</p><ul>{notes}</ul>"
    if ttv.schedule.empty or not ttv.summary[sch.TOTAL_VALUE] > 0:
        nothing = "Nothing to schedule: no open, scored item with an effort and some value."
        return _section("time-to-value", f"<p{NOTE}>{nothing}</p>", left_out)
    sentence = _ttv_sentence(ttv)
    caption = (
        "Cumulative share of total value delivered, week by week: the chosen order (solid) "
        f"against file order (dashed). {plan_caption(ttv, data.unit).split(' Weeks are')[0]}"
    )
    return _section(
        "time-to-value",
        f"<p>{escape(sentence)}</p>",
        burn_up_figure(ttv, sentence, caption),
        "<h3>Orderings compared</h3>",
        _comparison(ttv),
        details("The schedule, item by item", _schedule(ttv, data.unit)),
        left_out,
    )


def _forecast(data: ReportData) -> str:
    if data.forecast is None or data.forecast.items.empty or not data.forecast.total_value > 0:
        why = (
            data.no_schedule
            or "Nothing to forecast: no open, scored item with an effort and some value."
        )
        return _section("forecast", f"<p{NOTE}>{escape(why)}</p>")
    return _section("forecast", *forecast_parts(data.forecast))


def _comparison(ttv: sch.TimeToValue) -> str:
    rows = []
    for row in ttv.comparison.to_dict(orient="records"):
        label = ordering_label(row[sch.ORDER], bool(row[sch.LOW_RISK_FIRST]))
        figures = (sch.MEAN_WEEKS, sch.WEEKS_TO_50, sch.WEEKS_TO_80, sch.LAST_FINISH)
        chosen = " (chosen)" if row[sch.CHOSEN] else ""
        rows.append(
            [escape(label + chosen), *(weeks(row[k]) for k in figures), _gain(row[sch.GAIN])]
        )
    columns = [("Ordering", False), ("Mean weeks to value", True), ("Weeks to 50%", True),
               ("Weeks to 80%", True), ("Last delivery (week)", True), ("Gain over file order (weeks)", True)]  # fmt: skip
    caption = "The same teams, capacity and start in every ordering; mean weeks to value is weighted by value."
    return table(caption, columns, rows)


def _schedule(ttv: sch.TimeToValue, unit: str) -> str:
    columns = [("Order", True), ("ID", False), ("Title", False), ("Pool", False), ("Team", True),
               ("Start week", True), ("Finish week", True), ("Start", False), ("Finish", False),
               ("Value", True), ("Value delivered", True)]  # fmt: skip
    plan = ttv.schedule
    rows = zip(
        [str(o) for o in plan[sch.ORDER].tolist()], cells(plan[ID]), cells(plan[TITLE]),
        cells(plan[POOL]), [str(t) for t in plan[sch.TEAM].tolist()],
        [weeks(w) for w in plan[sch.START_WEEK].tolist()],
        [weeks(w) for w in plan[sch.FINISH_WEEK].tolist()], cells(plan[sch.START_DATE]),
        cells(plan[sch.FINISH_DATE]), cells(plan[VALUE], 1),
        [pct(p) for p in plan[sch.CUMULATIVE_VALUE_PCT].tolist()],
        strict=True,
    )  # fmt: skip
    return table(plan_caption(ttv, unit), columns, rows, header=1)


def _value_effort(data: ReportData) -> str:
    if data.ranked.empty or data.ranked[EFFORT].isna().all():
        why = "No item is ranked" if data.ranked.empty else "No ranked item has an effort"
        return _section("value-effort", f"<p{NOTE}>{why}: nothing to place on the matrix.</p>")
    crit = data.criteria
    chart = matrix(data.ranked, per_effort=crit.method == "weighted" and crit.per_effort)
    desc, fewer = matrix_desc(chart, data.unit), chart.fewer()
    return _section(
        "value-effort",
        f"<p>{escape(desc)}</p>",
        f"<p{NOTE}>{escape(fewer)}</p>" if fewer else "",
        matrix_figure(chart, data.unit, desc),
    )


def _ranked(data: ReportData) -> str:
    weighted = data.criteria.method == "weighted"
    columns = [("Rank", True), ("ID", False), ("Title", False), ("Pool", False), ("Risk", False),
               (f"Effort ({data.unit})", True), ("Value", True), ("Score", True), ("Evidence", False),
               ("Value comes from" if weighted else "Formula inputs", False)]  # fmt: skip
    ranked = data.ranked
    why = [top_contributions(row, data.criteria) for row in ranked.to_dict(orient="records")]
    weak = _weak_at_top(ranked)
    strengths = [
        f'<strong class="weak">{cell(kind)} (weak)</strong>' if item in weak else cell(kind)
        for item, kind in zip(ranked[ID].tolist(), ranked[EVIDENCE_STRENGTH].tolist(), strict=True)
    ]
    rows = list(zip(
        [str(r) for r in ranked[RANK].tolist()], cells(ranked[ID]), cells(ranked[TITLE]),
        [f'<span class="nowrap">{c}</span>' for c in cells(ranked[POOL])], cells(ranked[RISK]),
        cells(ranked[EFFORT], 1), cells(ranked[VALUE], 1), cells(ranked[SCORE], 2), strengths,
        [cell(w) for w in why],
        strict=True,
    ))  # fmt: skip
    count = len(rows)
    caption = f"{count} ranked item{'s' if count != 1 else ''}, highest score first"
    intro = (
        "Value comes from: the criteria adding most to each item's value, in points of value out of 100."
        if weighted
        else "Formula inputs: what each criterion gives the item's formula."
    )
    intro += (
        " Evidence: the strongest kind of source behind each item (launch data strongest, an "
        "opinion weakest)."
    )
    flag = ""
    if weak:
        named = ", ".join(weak)
        flag = (
            f"<p{NOTE}><strong>{len(weak)} of the top {WEAK_EVIDENCE_TOP} "
            f"rest{'s' if len(weak) == 1 else ''} on weak evidence</strong> (an anecdote, an "
            f"opinion, sources of no stated kind, or none): {cell(named)}. Test "
            f"{'it' if len(weak) == 1 else 'them'} before funding "
            f"{'it' if len(weak) == 1 else 'them'}: a pilot, a usability test, analytics.</p>"
        )
    return _section(
        "ranked",
        f"<p>{intro}</p>",
        flag,
        table(caption, columns, rows, header=1, ident="ranked-table"),
    )


def _weak_at_top(ranked: pd.DataFrame) -> list[str]:
    """Ids of the items in the top 10 resting on weak evidence, as check's weak-evidence finds them."""
    return [str(i) for i in weak_at_top(ranked)[ID]]


def _scale(criterion: Criterion, method: str) -> str:
    scale, parts = criterion.scale, []
    if criterion.allowed is not None:
        parts.append("one of " + ", ".join(str(a) for a in criterion.allowed))
    if scale.map is not None:
        parts.append("map " + ", ".join(f"{k}: {v:g}" for k, v in scale.map.items()))
    if scale.transform:
        parts.append(f"{scale.transform} transform")
    if isinstance(scale.range, tuple):
        parts.append(f"range {scale.range[0]:g} to {scale.range[1]:g}")
    elif scale.range == "auto" or method == "weighted":
        parts.append("range of the scored items")
    return "; ".join(parts)


def _criteria(data: ReportData) -> str:
    crit = data.criteria
    if crit.agreed_by:
        when = f" on {crit.agreed_on.isoformat()}" if crit.agreed_on else ""
        agreed = f"<p><strong>Agreed by {cell(', '.join(crit.agreed_by))}{when}.</strong></p>"
    else:
        agreed = f"<p{NOTE}><strong>Nobody has agreed this criteria set yet</strong>: add agreed_by and agreed_on.</p>"
    if crit.method == "formula":
        how = f"Score is the formula <code>{cell(crit.formula)}</code>."
    else:
        per = "value per unit of effort" if crit.per_effort else "value"
        how = f"Value (0 to 100) is the weighted mean of the normalized criteria; score is {per}."
    if applies(crit):
        how += (
            " Each score is then multiplied by the confidence its evidence earns: "
            + escape(", ".join(f"{k} {v:g}" for k, v in levels(crit).items()))
            + "."
        )
    if crit.risk_factor:
        how += (
            " Risk factors: "
            + escape(", ".join(f"{k} {v:g}" for k, v in crit.risk_factor.items()))
            + "."
        )
    total = sum(c.weight for c in crit.criteria)
    rows = [
        [cell(c.id), cell(c.name), cell(c.data), f"<code>{cell(c.source_path)}</code>",
         "" if crit.method == "formula" else f"{c.weight:g} ({100 * c.weight / total:.0f}%)",
         f"{'lower' if c.direction == 'lower' else 'higher'} is better", cell(_scale(c, crit.method)),
         "yes" if c.required else "no"]
        for c in crit.criteria
    ]  # fmt: skip
    columns = [("Criterion", False), ("Name", False), ("Evidence", False), ("Reads", False),
               ("Weight", True), ("Direction", False), ("Scale", False), ("Required", False)]  # fmt: skip
    name = f"<p><strong>{cell(crit.name)}</strong> (<code>{cell(data.criteria_name)}</code>, {cell(crit.method)}).</p>"
    description = f"<p>{cell(crit.description)}</p>" if crit.description else ""
    caption = f"The {len(rows)} criteria of {crit.name}"
    return _section(
        "criteria", name, agreed, description, f"<p>{how}</p>", table(caption, columns, rows)
    )


def _bar(share: object) -> str:
    value = plain(share)
    if value is None or not math.isfinite(value):
        return '<span class="muted">no data</span>'
    width = max(0.0, min(value, 1.0)) * 100
    note = " (moved away from target)" if value < 0 else (" (target passed)" if value > 1 else "")
    bar = f'<span class="bar" aria-hidden="true"><span style="width:{width:.1f}%"></span></span>'
    return f'<span class="nowrap">{bar}{100 * value:.0f}%</span>{note}'


def _pools(data: ReportData) -> str:
    columns = [("Pool", False), ("Name", False), ("Open items", True), ("Scored", True),
               ("Total value", True), (f"Effort ({data.unit})", True), ("Top item", False),
               ("KPI progress (mean)", False), ("Flags", False)]  # fmt: skip
    rows = []
    for r in data.pools.to_dict(orient="records"):
        about = " · ".join(cell(v) for v in (r[pl.BENEFICIARY], r[pl.KIND]) if plain(v) is not None)
        top = (
            ""
            if plain(r[pl.TOP_ITEM]) is None
            else f"{cell(r[pl.TOP_ITEM])} (rank {cell(r[pl.TOP_RANK])})"
        )
        rows.append([
            cell(r[ID]), cell(r[pl.NAME]) + (f'<br><span class="muted">{about}</span>' if about else ""),
            str(r[pl.ITEMS]), str(r[pl.SCORED]), cell(r[pl.TOTAL_VALUE], 1), cell(r[EFFORT], 1),
            f'<span class="nowrap">{top}</span>', _bar(r[pl.KPI_PROGRESS_MEAN]), cell(", ".join(r[pl.FLAGS])),
        ])  # fmt: skip
    kpi_columns = [("KPI", False), ("Pool", False), ("Unit", False), ("Baseline", True), ("Current", True),
                   ("Target", True), ("Progress from baseline to target", False)]  # fmt: skip
    kpi_rows = [
        [cell(k[pl.NAME]), f'<span class="nowrap">{cell(k[POOL])}</span>', cell(k[pl.UNIT]), cell(k[pl.BASELINE], 2),
         cell(k[pl.CURRENT], 2), cell(k[pl.TARGET], 2), _bar(k[pl.PROGRESS])]
        for k in data.kpis.to_dict(orient="records")
    ]  # fmt: skip
    caption = "Each KPI's way from baseline to target, travelled so far"
    kpis = (
        table(caption, kpi_columns, kpi_rows) if kpi_rows else "<p>No value pool names a KPI.</p>"
    )
    pools_caption = "Value pools, highest total value of open items first"
    return _section("pools", table(pools_caption, columns, rows), "<h3>KPI progress</h3>", kpis)


def _coverage(data: ReportData) -> str:
    top, rows, classes = data.top, [], []
    for r in data.coverage.to_dict(orient="records"):
        left_out = plain(r[cov.FLAG]) is not None
        best = plain(r[cov.SUGGESTION])
        rows.append([
            cell(r[cov.PERSONA]), str(r[cov.ITEMS]), str(r[cov.ITEMS_IN_TOP]), pct(r[cov.VALUE_IN_TOP_PCT]),
            '<span class="flag">Left out</span>' if left_out else "served",
            "" if best is None else f"{cell(best)} (rank {cell(r[cov.SUGGESTION_RANK])})",
        ])  # fmt: skip
        classes.append("left-out" if left_out else "")
    if not rows:
        return _section("coverage", "<p>No open item names a persona.</p>")
    columns = [("Persona", False), ("Items", True), (f"In top {top}", True), (f"Value in top {top}", True),
               ("Status", False), ("Best-ranked item serving it", False)]  # fmt: skip
    caption = f"Personas served by the top {top} ranked items, the least served first"
    line = f"<p><strong>{escape(left_out_line(data.coverage, top))}</strong></p>"
    return _section("coverage", line, table(caption, columns, rows, row_classes=classes))


def _warnings(data: ReportData) -> str:
    unscored = "<p>Every open item is scored.</p>"
    if not data.unscored.empty:
        rows = [
            [cell(r[ID]), cell(r[TITLE]), cell(r[POOL]), cell(r[UNSCORED])]
            for _, r in data.unscored.iterrows()
        ]
        columns = [("ID", False), ("Title", False), ("Pool", False), ("Why it is unscored", False)]
        caption = f"Open items the criteria cannot score, left out of the ranking: {len(rows)}"
        unscored = table(caption, columns, rows)
    found = "<p>prioritize check reports no warnings.</p>"
    if data.findings:
        rows = [
            [cell(f.location), cell(f.code), cell(f.severity), cell(f.message)]
            for f in data.findings
        ]
        columns = [("Where", False), ("Code", False), ("Severity", False), ("Message", False)]
        found = table(f"What prioritize check reports: {len(rows)}", columns, rows)
    return _section(
        "warnings", "<h3>Unscored items</h3>", unscored, "<h3>Check warnings</h3>", found
    )


def render_report(data: ReportData) -> str:
    """The whole page: one HTML document that needs nothing else to display or to print."""
    sections = (
        _header,
        _glance,
        _time_to_value,
        _forecast,
        _value_effort,
        _ranked,
        _criteria,
        _pools,
        _coverage,
        _warnings,
    )
    body = "\n".join(section(data) for section in sections)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{cell(data.title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n<footer><p>Made with prioritize {escape(__version__)} from the "
        f"backlog files and the criteria set {cell(data.criteria_name)}.</p></footer>\n</main>\n</body>\n</html>\n"
    )


CSS = """
:root{color-scheme:light;--ink:#1b1b1b;--muted:#454545;--line:#c6c9ce;--soft:#f3f4f6;--accent:#0b5394}
*{box-sizing:border-box}
html{background:#fff;color:var(--ink)}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Liberation Sans",sans-serif}
main{max-width:72rem;margin:0 auto;padding:1.5rem 1.5rem 3rem}
header.page{border-bottom:4px solid var(--accent);padding-bottom:.75rem}
h1{font-size:2rem;line-height:1.2;margin:0 0 .5rem}
h2{font-size:1.5rem;line-height:1.25;margin:2.25rem 0 .75rem}
h3{font-size:1.15rem;margin:1.5rem 0 .5rem}
p{margin:.5rem 0;max-width:66rem}
.meta{color:var(--muted);font-size:.9rem}
a{color:var(--accent)}
nav ol{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;list-style:none;padding:0;margin:.5rem 0 0}
code{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.9em;background:var(--soft);padding:0 .2em}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(12.5rem,1fr));grid-auto-flow:dense;gap:.75rem;margin:0}
@media (min-width:36rem){.figures .explained{grid-column:span 2}}
.figures div{background:var(--soft);border-left:4px solid var(--accent);padding:.5rem .85rem}
.figures dt{font-size:.875rem;color:var(--muted)}
.figures dd{margin:0;font-size:1.5rem;font-weight:700;font-variant-numeric:tabular-nums}
.figures dd.says{font-size:.875rem;font-weight:400;line-height:1.4;color:var(--muted);margin-top:.2rem}
.table-wrap{overflow-x:auto;max-width:100%;background:linear-gradient(to right,#fff 30%,rgba(255,255,255,0)) 0 0/2.5rem 100% no-repeat local,linear-gradient(to left,#fff 30%,rgba(255,255,255,0)) 100% 0/2.5rem 100% no-repeat local,linear-gradient(to right,rgba(0,0,0,.2),rgba(0,0,0,0)) 0 0/.8rem 100% no-repeat scroll,linear-gradient(to left,rgba(0,0,0,.2),rgba(0,0,0,0)) 100% 0/.8rem 100% no-repeat scroll}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.25rem 0 1rem}
caption{caption-side:top;text-align:left;font-weight:600;padding:.25rem 0 .4rem;position:sticky;left:0;max-width:calc(100vw - 4rem)}
th,td{padding:.3rem .55rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{border-bottom:2px solid var(--ink);vertical-align:bottom}
tbody th{font-weight:600;white-space:nowrap}
tbody tr:nth-child(even){background:rgba(0,0,0,.03)}
.nowrap{white-space:nowrap}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
thead .num{white-space:normal}
tr.left-out,tr.left-out:nth-child(even){background:rgba(222,97,63,.12)}
.flag{font-weight:700;color:#fff;background:#a3260b;padding:0 .4rem;border-radius:3px;white-space:nowrap}
.weak{color:#8a4b00}
.note{background:#fff4d6;color:#4d3200;border-left:4px solid #9c6d00;padding:.6rem .9rem}
.muted,.where,.meaning{color:var(--muted)}
.bar{display:inline-block;width:6rem;height:.75rem;background:#e3e5e8;border:1px solid #767b82;vertical-align:-.05rem;margin-right:.5rem}
.bar>span{display:block;height:100%;background:#2a6a1f}
figure{margin:.75rem 0}
figcaption{color:var(--muted);font-size:.875rem;margin-top:.25rem}
.chart{display:block;width:100%;height:auto;font-family:inherit}
.chart text{font-size:13px;fill:#1b1b1b}
.chart .grid line{stroke:#e1e3e6}
.chart .axis rect{stroke:#6b7079}
.chart .axis-title{font-weight:600}
.chart .score-lines line{stroke-width:2;stroke-dasharray:8 5}
.chart .score-lines text.score-label{font-size:12px;font-weight:700;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
.chart .point-labels text{font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
.chart circle{stroke:#fff;stroke-width:1.5}
.chart .leader{stroke:#6b7079}
.bands{display:grid;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));gap:.5rem;list-style:none;padding:0;margin:.5rem 0 1rem}
.bands li{padding:.5rem .75rem;border-left:4px solid}
details{margin:.25rem 0 1rem}
summary{cursor:pointer;color:var(--accent);font-weight:600}
footer{margin-top:2.5rem;border-top:1px solid var(--line);color:var(--muted);font-size:.875rem}
@media print{
  @page{margin:14mm}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  body{font-size:10pt}
  main{max-width:none;padding:0}
  nav,details{display:none}
  h2,h3{break-after:avoid}
  figure,tr,.figures div,.bands li{break-inside:avoid}
  thead{display:table-header-group}
  table{font-size:8.5pt}
  th,.num{white-space:normal}
  .table-wrap{overflow:visible;background:none}
  caption{position:static;max-width:none}
  a{color:inherit;text-decoration:none}
}
"""

__all__ = ["CSS", "SECTIONS", "ReportData", "render_report"]
