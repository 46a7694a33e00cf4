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
    A_PART,
    A_RAW,
    B_CONTRIBUTION,
    B_NORMALIZED,
    B_PART,
    B_RAW,
    CLOSES_GAP,
    CONTRIBUTION,
    CRITERION,
    DATA,
    DIFFERENCE,
    DIRECTION,
    EFFECT,
    INPUT,
    NAME,
    NEEDED_RAW,
    NORMALIZED,
    OUT_OF_REACH,
    PART,
    PART_CONFIDENCE,
    PART_EFFORT,
    PART_RISK,
    PART_SCORE,
    PART_VALUE,
    RAW,
    SOURCE,
    WEIGHT,
    Comparison,
    Explanation,
    Factor,
)  # fmt: skip
from prioritize.analysis.levers import Move
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


def _signed(value: float) -> str:
    """A change of score: "+8.75", "-0.52", "0"."""
    return ("+" if value > 0 else "") + _n(value)


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
        return OUT_OF_REACH
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
            f"Score {_n(e.score)} = value {_n(e.value)}{effort} x risk factor {_n(e.risk_factor)} ({risk}){_sure(e)}."
        )
    else:
        lines.append(f"Formula: {e.formula} = {e.substituted} = {_n(e.value)}.")
        lines.append(
            f"Score {_n(e.score)} = {_n(e.value)} x risk factor {_n(e.risk_factor)} ({risk}){_sure(e)}."
        )
    lines.append(f"Rank {e.rank} of {e.ranked}.")
    return lines


def _sure(e: Explanation) -> str:
    """The confidence factor in the score's sum, where the set applies one."""
    s = e.sureness
    if s is None or not s.applied:
        return ""
    return f" x confidence {_n(e.confidence_factor)} ({s.strength})"


# How each kind of evidence reads in a sentence: "a pilot would lift it to #4".
_EVIDENCE_WORDS = {
    "launch": "launch data",
    "pilot": "a pilot",
    "test": "a test",
    "analytics": "analytics",
    "research": "research",
    "survey": "a survey",
    "benchmark": "a benchmark",
    "anecdote": "an anecdote",
    "opinion": "an opinion",
}


def evidence_lines(e: Explanation) -> list[str]:
    """How sure the score is: the strongest source, its level, and what stronger evidence does."""
    s = e.sureness
    if s is None:
        return []
    if s.source is None:
        found = "Evidence: no sources recorded"
    elif s.strength in _EVIDENCE_WORDS:
        found = f"Evidence: strongest source {s.source}"
    else:
        found = f"Evidence: sources of no stated kind, first {s.source}"
    lines = [f"{found}; confidence {_n(s.level)} ({s.strength})."]
    if not s.applied:
        lines.append(
            "This criteria set does not weigh confidence (`confidence:`), so stronger evidence "
            "would not change the score."
        )
        return lines
    if e.rank is None:
        return lines
    if not s.stronger:
        lines.append("No stronger kind of evidence earns a higher level under this set.")
        return lines
    steps: list[str] = []
    best = e.rank
    for x in s.stronger:
        if x.rank < best:
            words = _EVIDENCE_WORDS[x.kind]
            steps.append(
                f"{words} would lift it to #{x.rank} (score {_n(x.score)})"
                if not steps
                else f"{words} to #{x.rank} ({_n(x.score)})"
            )
            best = x.rank
    top = s.stronger[-1]
    if e.rank == 1:
        lines.append(
            f"It is first already: {_EVIDENCE_WORDS[top.kind]} would raise its score to "
            f"{_n(top.score)}."
        )
    elif steps:
        lines.append("Stronger evidence: " + "; ".join(steps) + ".")
    else:
        lines.append(
            f"Stronger evidence would raise the score, to {_n(top.score)} with "
            f"{_EVIDENCE_WORDS[top.kind]}, but not the rank."
        )
    return lines


def _move_text(m: Move, unit: str) -> str:
    """One lever moved, in words: "completion at 0.25 or less (now 0.7)", "risk medium (now high)"."""
    if m.kind == "risk":
        return f"risk {m.to} (now {m.now})"
    if m.kind == "effort":
        return f"effort at {_raw(m.to)} {unit} or less (now {_raw(m.now)})"
    return f"{m.lever} at {_needed_text(m.to, m.now)} (now {_raw(m.now)})"


def move_up_lines(e: Explanation, unit: str) -> list[str]:
    """What it would take to move up one place, in words: the gap, then the levers that close it."""
    if e.rank is None:
        return []
    if e.rank == 1 or e.move_up is None:
        return [f"{e.id} is first: no item scores higher."]
    m = e.move_up
    gap = f"To move up one place it needs {_n(m.gap)} more score, to reach {m.above} (rank {e.rank - 1}, score {_n(m.above_score)})."
    if m.gap == 0:
        gap = f"To move up one place it needs any more score: it ties with {m.above} (rank {e.rank - 1}), which comes first by id."
    if m.levers:
        lines = [gap, f"Smallest move alone: {_move_text(m.levers[0], unit)}."]
        if len(m.levers) > 1:
            lines.append(
                "Also alone: " + "; ".join(_move_text(x, unit) for x in m.levers[1:]) + "."
            )
        return lines
    single = "No single lever closes the gap: no criterion, effort or risk level alone."
    if m.pair is None:
        return [gap, single, "No pair of levers closes it either."]
    first, second = m.pair
    return [
        gap,
        single,
        f"Smallest pair: {_move_text(first, unit)}, with {_move_text(second, unit)}.",
    ]


def _factor_text(c: Comparison, f: Factor, unit: str) -> str:
    """A factor of the two scores, higher-ranked item first, and the lower one's score with it swapped."""
    h, lo = (c.a, c.b) if c.higher == c.a.id else (c.b, c.a)
    if f.kind == "effort":
        what = f"effort, {h.id} {_n(h.effort)} vs {lo.id} {_n(lo.effort)} {unit}"
    elif f.kind == "confidence":
        what = (
            f"confidence, {h.id} {_n(h.confidence_factor)} vs {lo.id} {_n(lo.confidence_factor)} "
            f"({_strength(h)} vs {_strength(lo)} evidence)"
        )
    elif f.kind == "risk":
        what = (
            f"risk, {h.id} {h.risk or 'none'} vs {lo.id} {lo.risk or 'none'} "
            f"(factor {_n(h.risk_factor)} vs {_n(lo.risk_factor)})"
        )
    else:
        row = c.criteria[c.criteria[CRITERION] == f.name].iloc[0]
        h_raw, lo_raw = (row[A_RAW], row[B_RAW]) if h is c.a else (row[B_RAW], row[A_RAW])
        what = f"{f.name}, {h.id} {_raw(h_raw)} vs {lo.id} {_raw(lo_raw)}"
        if h.method == "weighted":
            h_c, lo_c = (
                (row[A_CONTRIBUTION], row[B_CONTRIBUTION])
                if h is c.a
                else (row[B_CONTRIBUTION], row[A_CONTRIBUTION])
            )
            what += f" ({_n(h_c, 1)} vs {_n(lo_c, 1)} points of value)"
    swapped = (lo.score or 0.0) + f.effect
    return (
        f"{what}; with {h.id}'s {f.name}, {lo.id} would score {_n(swapped)} ({_signed(f.effect)})"
    )


def _strength(e: Explanation) -> str:
    return e.sureness.strength if e.sureness is not None else "no"


def _decomposition(c: Comparison, unit: str) -> str:
    """Both scores taken apart into value, effort and risk factor."""
    a, b = c.a, c.b
    sure = a.sureness is not None and a.sureness.applied
    times = " x confidence" if sure else ""

    def factors(e: Explanation) -> str:
        return f"{_n(e.risk_factor)}" + (f" x {_n(e.confidence_factor)}" if sure else "")

    if a.method == "weighted" and a.per_effort:
        return (
            f"Score = value / effort x risk factor{times}: "
            + "; ".join(
                f"{e.id} {_n(e.value)} / {_n(e.effort)} {unit} x {factors(e)} = {_n(e.score)}"
                for e in (a, b)
            )
            + "."
        )
    head = f"Score = value x risk factor{times}" + (
        ", value from the formula" if a.method == "formula" else ""
    )
    return (
        f"{head}: "
        + "; ".join(f"{e.id} {_n(e.value)} x {factors(e)} = {_n(e.score)}" for e in (a, b))
        + "."
    )


def separation_lines(c: Comparison, unit: str) -> list[str]:
    """Which item ranks above, what favours it most, what favours the other most, both scores apart."""
    a, b = c.a, c.b
    lines: list[str] = []
    for e in (a, b):
        if e.rank is None:
            lines.append(f"{e.id} is not ranked: {e.unscored}.")
    if a.rank is None or b.rank is None:
        return lines
    first, second = (a, b) if c.higher == a.id else (b, a)
    lines.append(
        f"{first.id} (rank {first.rank}, score {_n(first.score)}) ranks above {second.id} (rank {second.rank}, score {_n(second.score)})."
    )
    if c.separated_by is not None:
        lines.append(f"What separates them most: {_factor_text(c, c.separated_by, unit)}.")
    elif first.id != second.id:
        lines.append(
            f"No single factor favours {first.id}: it ranks above {second.id} by their combination"
            + (", or by id on a tie." if first.score == second.score else ".")
        )
    if c.favours_lower is not None:
        lines.append(f"In {second.id}'s favour most: {_factor_text(c, c.favours_lower, unit)}.")
    lines.append(_decomposition(c, unit))
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
    separates = _separating_criterion(c)
    for k, row in enumerate(criteria.to_dict("records")):
        mark = row[CRITERION] == separates
        cells: list[Any] = [Text(row[CRITERION], style="bold" if mark else "")]
        table.add_row(*cells, *(column[k] for column in columns))
    return table


_PART_LABELS = {
    PART_VALUE: "Value",
    PART_EFFORT: "Effort",
    PART_RISK: "Risk factor",
    PART_CONFIDENCE: "Confidence",
    PART_SCORE: "Score",
}


def _separating_criterion(c: Comparison) -> str | None:
    f = c.separated_by
    return f.name if f is not None and f.kind == "criterion" else None


def parts_table(c: Comparison, unit: str) -> FitTable:
    """Both scores taken apart: value, effort (where the score uses it), risk factor, score; and the
    lower-ranked item's score with each part of the higher-ranked one's, against its own."""
    lower = c.b.id if c.higher == c.a.id else c.a.id
    table = fit_table(header_style="bold")
    table.add_column("Score from", Kind.LABEL)
    table.add_column(c.a.id, Kind.NUMBER)
    table.add_column(c.b.id, Kind.NUMBER)
    table.add_column(f"{lower} score with {c.higher}'s", Kind.NUMBER, priority=1)
    for row in c.parts.to_dict("records"):
        part, effect = row[PART], row[EFFECT]
        label = _PART_LABELS[part] + (f" ({unit})" if part == PART_EFFORT else "")
        change = (
            ""
            if effect is None or effect != effect
            else f"{_n((_score_of(c, lower) or 0.0) + effect)} ({_signed(effect)})"
        )
        table.add_row(
            Text(label),
            _part_cell(c, part, A_PART),
            _part_cell(c, part, B_PART),
            Text(change, justify="right", no_wrap=True),
        )
    return table


def _part_cell(c: Comparison, part: str, side: str) -> Text:
    e = c.a if side == A_PART else c.b
    if part == PART_EFFORT:
        return numbers([e.effort])[0]
    if part == PART_RISK:
        return Text(f"{_n(e.risk_factor)} ({e.risk or 'no risk'})", justify="right", no_wrap=True)
    if part == PART_CONFIDENCE:
        strength = e.sureness.strength if e.sureness is not None else ""
        return Text(f"{_n(e.confidence_factor)} ({strength})", justify="right", no_wrap=True)
    return numbers([e.value if part == PART_VALUE else e.score])[0]


def _score_of(c: Comparison, item_id: str) -> float | None:
    return c.a.score if c.a.id == item_id else c.b.score


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


def _move_dict(m: Move) -> dict[str, Any]:
    """One lever moved: which, from what to what, and its size (the share of its scale)."""
    return {
        "lever": m.lever,
        "kind": m.kind,
        "now": plain(m.now),
        "to": plain(m.to),
        "size": m.size,
    }


def explanation_dict(e: Explanation) -> dict[str, Any]:
    """The JSON object of one item: {"id", "rank", "value", "score", "criteria": [...]} and more."""
    criteria = records(e.criteria.drop(columns=[DIRECTION]).rename(columns={CRITERION: "id"}))
    m, s = e.move_up, e.sureness
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
            "levers": [_move_dict(x) for x in m.levers],
            "pair": None if m.pair is None else [_move_dict(x) for x in m.pair],
        },
        "formula": None if e.formula is None else {"text": e.formula, "substituted": e.substituted},
        "evidence": None if s is None else {
            "strength": s.strength, "confidence": s.level, "applied": s.applied,
            "source": s.source,
            "stronger": [
                {"kind": x.kind, "confidence": x.level, "score": x.score, "rank": x.rank}
                for x in s.stronger
            ],
        },
    }  # fmt: skip


def _explain_csv(view: ExplainView) -> str:
    e = view.explanation
    frame = e.criteria.assign(id=e.id, rank=e.rank, value=e.value, score=e.score)
    return to_csv(frame[EXPLAIN_CSV_COLUMNS])


def _compare_csv(view: CompareView) -> str:
    c = view.comparison
    frame = c.criteria.assign(
        id_a=c.a.id, id_b=c.b.id, separates=c.criteria[CRITERION] == _separating_criterion(c)
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
    lines = [*score_lines(e, unit), *evidence_lines(e), *move_up_lines(e, unit)]
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
    parts += [Text(line) for line in evidence_lines(e)]
    parts += [Text(line, style="bold") for line in move_up_lines(e, unit)]
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
            "higher": c.higher,
            "separated_by": _factor_name(c.separated_by),
            "separated_kind": None if c.separated_by is None else c.separated_by.kind,
            "favours_lower": _factor_name(c.favours_lower),
            "favours_lower_kind": None if c.favours_lower is None else c.favours_lower.kind,
            "parts": records(c.parts),
        }
    )


def _factor_name(f: Factor | None) -> str | None:
    return None if f is None else f.name


def _compare_markdown(view: CompareView) -> str:
    c = view.comparison
    lines = separation_lines(c, view.unit)
    numeric = [col for col in c.criteria.columns if col != CRITERION]
    table = (
        to_markdown(c.criteria, numeric=numeric, formatters={A_RAW: _raw, B_RAW: _raw})
        if len(c.criteria)
        else ""
    )
    if len(c.parts):
        lower = c.b.id if c.higher == c.a.id else c.a.id
        change = f"{lower} score change with {c.higher}'s"
        named = c.parts.rename(columns={A_PART: c.a.id, B_PART: c.b.id, EFFECT: change})
        table += "\n" + to_markdown(named, numeric=[c.a.id, c.b.id, change])
    return f"### {c.a.id} vs {c.b.id}\n\n" + table + "\n" + "".join(f"- {line}\n" for line in lines)


def _compare_table(view: CompareView) -> str:
    c = view.comparison
    parts: list[RenderableType] = [Text(f"{c.a.id} vs {c.b.id}", style="bold")]
    if len(c.criteria):
        parts.append(compare_table(c))
    if len(c.parts):
        parts.append(parts_table(c, view.unit))
    parts += [Text(line) for line in separation_lines(c, view.unit)]
    return render_to_text(parts, color=view.color)


COMPARE_RENDERERS: Mapping[Format, Callable[[CompareView], str]] = {
    Format.table: _compare_table,
    Format.csv: _compare_csv,
    Format.json: _compare_json,
    Format.markdown: _compare_markdown,
}
