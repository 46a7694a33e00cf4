"""`explain` in every format: one item's criteria and score, or two items side by side."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from rich.console import RenderableType
from rich.text import Text

from prioritize.analysis.explain import (
    A_CONTRIBUTION,
    A_NORMALIZED,
    A_RAW,
    B_CONTRIBUTION,
    B_NORMALIZED,
    B_RAW,
    CANNOT_CLOSE,
    CLOSES_GAP,
    CONTRIBUTION,
    CRITERION,
    DATA,
    DIFFERENCE,
    DIRECTION,
    INPUT,
    NAME,
    NEEDED_RAW,
    NORMALIZED,
    RAW,
    SOURCE,
    WEIGHT,
    Comparison,
    Explanation,
)  # fmt: skip
from prioritize.render.choices import Format
from prioritize.render.fit import FitTable, Kind, fit_table
from prioritize.render.formats import (
    SEPARATE_THOUSANDS_FROM,
    plain,
    records,
    round_for_reading,
    to_csv,
    to_json,
    to_markdown,
)
from prioritize.render.table import numbers, render_to_text, risk_text

# CSV of one item: the item's figures repeated on each criterion row.
EXPLAIN_CSV_COLUMNS = ["id", "rank", "value", "score", CRITERION, NAME, DATA, SOURCE, RAW, INPUT, NORMALIZED,
                       WEIGHT, CONTRIBUTION, NEEDED_RAW, CLOSES_GAP]  # fmt: skip


def _n(value: Any, digits: int = 2) -> str:
    return round_for_reading(value, digits)


def _raw(value: Any) -> str:
    """A raw value as written: numbers to four significant digits, large ones whole with separators."""
    value = plain(value)
    if value is None:
        return "missing"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return _n(value)


def _needed_text(needed: Any, now: Any) -> str:
    """The raw value needed, with "or more" / "or less" where both are numbers."""
    needed, now = plain(needed), plain(now)
    text = _raw(needed)
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (needed, now))
    if numbers and needed != now:
        text += " or more" if needed > now else " or less"
    return text


def _needed(row: Mapping[Hashable, Any], above: bool) -> str:
    """The per-criterion cell: the raw value that alone would close the gap."""
    if not above or row[CLOSES_GAP] is None:
        return ""
    if not row[CLOSES_GAP]:
        return CANNOT_CLOSE
    return _needed_text(row[NEEDED_RAW], row[RAW])


# --- sentences --------------------------------------------------------------------------------


def score_lines(e: Explanation, unit: str) -> list[str]:
    """Value, effort, risk, score and rank, in words."""
    if e.rank is None:
        return [
            f"{e.id} is unscored: {e.unscored}."
            if e.status not in ("done", "dropped")
            else f"{e.id} is not ranked: {e.unscored}."
        ]
    risk = f"risk {e.risk}" if e.risk else "no risk level"
    lines = []
    if e.method == "weighted":
        lines.append(f"Value {_n(e.value)}: the contributions added up (0-100).")
        effort = f" / effort {_n(e.effort)} {unit}" if e.per_effort else ""
        lines.append(
            f"Score {_n(e.score)} = value {_n(e.value)}{effort} x risk factor {_n(e.risk_factor)} ({risk})."
        )
    else:
        lines.append(f"Formula: {e.formula} = {e.substituted} = {_n(e.value)}.")
        lines.append(
            f"Score {_n(e.score)} = {_n(e.value)} x risk factor {_n(e.risk_factor)} ({risk})."
        )
    lines.append(f"Rank {e.rank} of {e.ranked}.")
    return lines


def move_up_line(e: Explanation) -> str | None:
    """What it would take to move up one place, in words."""
    if e.rank is None:
        return None
    if e.rank == 1 or e.move_up is None:
        return f"{e.id} is first: no item scores higher."
    m = e.move_up
    gap = f"To move up one place it needs {_n(m.gap)} more score, to reach {m.above} (rank {e.rank - 1}, score {_n(m.above_score)})"
    if m.gap == 0:
        gap = f"To move up one place it needs any more score: it ties with {m.above} (rank {e.rank - 1}), which comes first by id"
    if m.criterion is None:
        return f"{gap}. No single criterion can close the gap alone."
    return f"{gap}. Fastest: {m.criterion} at {_needed_text(m.needed_raw, m.current_raw)} (now {_raw(m.current_raw)})."


def separation_lines(c: Comparison, unit: str) -> list[str]:
    a, b = c.a, c.b
    lines: list[str] = []
    for e in (a, b):
        if e.rank is None:
            lines.append(f"{e.id} is not ranked: {e.unscored}.")
    if a.rank is None or b.rank is None:
        return lines
    first, second = (a, b) if a.rank < b.rank else (b, a)
    lines.append(
        f"{first.id} (rank {first.rank}, score {_n(first.score)}) ranks above {second.id} (rank {second.rank}, score {_n(second.score)})."
    )
    if c.separated_by is not None:
        row = c.criteria[c.criteria[CRITERION] == c.separated_by].iloc[0]
        if a.method == "weighted":
            lines.append(
                f"What separates them most: {c.separated_by} ({_n(row[A_CONTRIBUTION], 1)} vs {_n(row[B_CONTRIBUTION], 1)} "
                f"points of value; raw {_raw(row[A_RAW])} vs {_raw(row[B_RAW])})."
            )
        else:
            lines.append(
                f"What separates them most: {c.separated_by} ({_raw(row[A_RAW])} vs {_raw(row[B_RAW])}; with {b.id}'s value "
                f"{a.id} would score {_n(a.score - row[DIFFERENCE] if a.score is not None else None)})."
            )
    if a.method == "weighted" and (a.effort != b.effort or a.risk_factor != b.risk_factor):
        parts = []
        if a.per_effort and a.effort != b.effort:
            parts.append(f"effort {_n(a.effort)} vs {_n(b.effort)} {unit}")
        if a.risk_factor != b.risk_factor:
            parts.append(f"risk factor {_n(a.risk_factor)} vs {_n(b.risk_factor)}")
        if parts:
            lines.append(f"Beyond value ({_n(a.value)} vs {_n(b.value)}): {', '.join(parts)}.")
    return lines


# --- table ------------------------------------------------------------------------------------


def _heading(e: Explanation) -> Text:
    text = Text(f"{e.id}", style="bold")
    if e.title:
        text.append(f"  {e.title}")
    if e.pool:
        text.append(f"\npool {e.pool}, status {e.status}, ", style="dim")
        text.append_text(risk_text(e.risk) if e.risk else Text("no risk level", style="dim"))
    return text


def _raws(values: Any) -> list[Text]:
    """Raw values as _raw writes them, a column's whole numbers with thousands separators when
    any of its numbers reaches 10,000 (each row is its own criterion: decimals stay per row)."""
    cells = [plain(v) for v in values]
    numbers_ = [v for v in cells if isinstance(v, int | float) and not isinstance(v, bool)]
    separate = any(abs(v) >= SEPARATE_THOUSANDS_FROM for v in numbers_)
    texts = []
    for value in cells:
        whole = isinstance(value, int | float) and not isinstance(value, bool)
        whole = whole and float(value).is_integer() and abs(value) < 1e15
        text = f"{int(value):,}" if separate and whole else _raw(value)
        texts.append(Text(text, justify="right", no_wrap=True))
    return texts


def explain_table(e: Explanation) -> FitTable:
    """One row per criterion; narrow, the source (never cut: a path), x and n are left out in
    that order."""
    weighted = e.method == "weighted"
    above = e.move_up is not None
    table = fit_table(header_style="bold", show_lines=False)
    table.add_column("Criterion", Kind.LABEL)
    table.add_column("Source", Kind.LABEL, priority=3)
    table.add_column("Raw", Kind.NUMBER)
    table.add_column("x", Kind.NUMBER, priority=2)
    table.add_column("n" if weighted else "In formula", Kind.NUMBER, priority=1)
    if weighted:
        table.add_column("Weight", Kind.NUMBER)
        table.add_column("Contribution", Kind.NUMBER)
    if above:
        table.add_column(f"Alone, to pass {e.move_up.above}" if e.move_up else "", min_width=16)
    criteria = e.criteria
    columns = [_raws(criteria[RAW]), numbers(criteria[INPUT], 3), numbers(criteria[NORMALIZED], 3)]
    if weighted:
        # The contributions and their total (the value) share one format.
        contributions = numbers([*criteria[CONTRIBUTION], e.value], 2)
        columns += [numbers(criteria[WEIGHT]), contributions[:-1]]
    for k, row in enumerate(criteria.to_dict("records")):
        cells: list[Any] = [row[CRITERION], row[SOURCE], *(column[k] for column in columns)]
        if above:
            cells.append(_needed(row, above))
        table.add_row(*cells)
    if weighted and e.rank is not None:
        table.add_section()
        total: list[Any] = ["Value", "", "", "", "", "", contributions[-1]]
        table.add_row(*(total + ([""] if above else [])), style="bold")
    return table


def _both(write: Callable[[list[Any]], list[Text]], a: Any, b: Any) -> list[list[Text]]:
    """Two columns written as one (one format for both), then split again."""
    cells = write([*a, *b])
    return [cells[: len(a)], cells[len(a) :]]


def compare_table(c: Comparison) -> FitTable:
    """One row per criterion; narrow, the weight, then n, then the contributions are left out."""
    weighted = c.a.method == "weighted"
    table = fit_table(header_style="bold")
    table.add_column("Criterion", Kind.LABEL)
    if weighted:
        table.add_column("Weight", Kind.NUMBER, priority=3)
    for label, priority in (
        (f"{c.a.id} raw", 0),
        (f"{c.b.id} raw", 0),
        (f"{c.a.id} n", 2),
        (f"{c.b.id} n", 2),
    ):
        table.add_column(label, Kind.NUMBER, priority=priority)
    if weighted:
        table.add_column(f"{c.a.id} contribution", Kind.NUMBER, priority=1)
        table.add_column(f"{c.b.id} contribution", Kind.NUMBER, priority=1)
    table.add_column(
        "Difference" if weighted else f"{c.a.id} score lost with {c.b.id}'s value", Kind.NUMBER
    )
    criteria = c.criteria
    # Each figure of the two items in one format: a's and b's columns are written together.
    columns = [*_both(_raws, criteria[A_RAW], criteria[B_RAW]),
               *_both(lambda v: numbers(v, 3), criteria[A_NORMALIZED], criteria[B_NORMALIZED])]  # fmt: skip
    if weighted:
        columns.insert(0, numbers(criteria[WEIGHT]))
        columns += _both(numbers, criteria[A_CONTRIBUTION], criteria[B_CONTRIBUTION])
    columns.append(numbers(criteria[DIFFERENCE]))
    for k, row in enumerate(criteria.to_dict("records")):
        mark = row[CRITERION] == c.separated_by
        cells: list[Any] = [Text(row[CRITERION], style="bold" if mark else "")]
        table.add_row(*cells, *(column[k] for column in columns))
    return table


@dataclass(frozen=True)
class ExplainView:
    """What `explain ID` shows: one item explained, the unit effort is counted in, colour or not."""

    explanation: Explanation
    unit: str
    color: bool


@dataclass(frozen=True)
class CompareView:
    """What `explain ID --vs ID2` shows: two items side by side, the effort unit, colour or not."""

    comparison: Comparison
    unit: str
    color: bool


# --- machine formats --------------------------------------------------------------------------


def explanation_dict(e: Explanation) -> dict[str, Any]:
    """The JSON object of one item: {"id", "rank", "value", "score", "criteria": [...]} and more."""
    criteria = records(e.criteria.drop(columns=[DIRECTION]).rename(columns={CRITERION: "id"}))
    m = e.move_up
    return {
        "id": e.id,
        "title": e.title,
        "pool": e.pool,
        "status": e.status,
        "rank": e.rank,
        "ranked": e.ranked,
        "value": e.value,
        "score": e.score,
        "effort": e.effort,
        "risk": e.risk,
        "risk_factor": e.risk_factor,
        "method": e.method,
        "per_effort": e.per_effort,
        "unscored": e.unscored,
        "criteria": criteria,
        "first": e.rank == 1,
        "move_up": None if m is None else {
            "above": m.above, "above_score": m.above_score, "gap": m.gap, "criterion": m.criterion,
            "needed_raw": plain(m.needed_raw), "current_raw": plain(m.current_raw),
        },
        "formula": None if e.formula is None else {"text": e.formula, "substituted": e.substituted},
    }  # fmt: skip


def _explain_csv(view: ExplainView) -> str:
    e = view.explanation
    frame = e.criteria.assign(id=e.id, rank=e.rank, value=e.value, score=e.score)
    return to_csv(frame[EXPLAIN_CSV_COLUMNS])


def _compare_csv(view: CompareView) -> str:
    c = view.comparison
    frame = c.criteria.assign(
        id_a=c.a.id, id_b=c.b.id, separates=c.criteria[CRITERION] == c.separated_by
    )
    return to_csv(frame[["id_a", "id_b", *c.criteria.columns, "separates"]])


def _explain_markdown(view: ExplainView) -> str:
    e, unit = view.explanation, view.unit
    frame = e.criteria.assign(
        **{"to move up": [_needed(r, e.move_up is not None) for r in e.criteria.to_dict("records")]}
    )
    keep = [CRITERION, SOURCE, RAW, INPUT, NORMALIZED] + (
        [WEIGHT, CONTRIBUTION] if e.method == "weighted" else []
    )
    keep += ["to move up"] if e.move_up is not None else []
    title = f"### {e.id}: {e.title}\n\n" if e.title else f"### {e.id}\n\n"
    lines = [*score_lines(e, unit), *([line] if (line := move_up_line(e)) else [])]
    numeric = [INPUT, NORMALIZED, WEIGHT, CONTRIBUTION]
    table = (
        to_markdown(frame[keep], numeric=[RAW, *numeric], formatters={RAW: _raw})
        if len(frame)
        else ""
    )
    return title + table + "\n" + "".join(f"- {line}\n" for line in lines)


def _explain_json(view: ExplainView) -> str:
    return to_json(explanation_dict(view.explanation))


def _explain_table(view: ExplainView) -> str:
    e, unit = view.explanation, view.unit
    parts: list[RenderableType] = [_heading(e)]
    if len(e.criteria):
        parts.append(explain_table(e))
    parts += [Text(line) for line in score_lines(e, unit)]
    if (line := move_up_line(e)) is not None:
        parts.append(Text(line, style="bold"))
    return render_to_text(parts, color=view.color)


EXPLAIN_RENDERERS: Mapping[Format, Callable[[ExplainView], str]] = {
    Format.table: _explain_table,
    Format.csv: _explain_csv,
    Format.json: _explain_json,
    Format.markdown: _explain_markdown,
}


def _compare_json(view: CompareView) -> str:
    c = view.comparison
    rows = records(c.criteria.rename(columns={CRITERION: "id"}))
    return to_json(
        {
            "a": explanation_dict(c.a),
            "b": explanation_dict(c.b),
            "criteria": rows,
            "separated_by": c.separated_by,
        }
    )


def _compare_markdown(view: CompareView) -> str:
    c = view.comparison
    lines = separation_lines(c, view.unit)
    numeric = [col for col in c.criteria.columns if col != CRITERION]
    table = (
        to_markdown(c.criteria, numeric=numeric, formatters={A_RAW: _raw, B_RAW: _raw})
        if len(c.criteria)
        else ""
    )
    return f"### {c.a.id} vs {c.b.id}\n\n" + table + "\n" + "".join(f"- {line}\n" for line in lines)


def _compare_table(view: CompareView) -> str:
    c = view.comparison
    parts: list[RenderableType] = [Text(f"{c.a.id} vs {c.b.id}", style="bold")]
    if len(c.criteria):
        parts.append(compare_table(c))
    parts += [Text(line) for line in separation_lines(c, view.unit)]
    return render_to_text(parts, color=view.color)


COMPARE_RENDERERS: Mapping[Format, Callable[[CompareView], str]] = {
    Format.table: _compare_table,
    Format.csv: _compare_csv,
    Format.json: _compare_json,
    Format.markdown: _compare_markdown,
}
