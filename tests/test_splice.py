"""The splicing editor (splice.splice_edits) writes the very bytes of the round-trip editor."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from prioritize.edit import (
    EditError,
    _new_key_position,
    _number_text,
    apply_edits,
    round_trip_edits,
)
from prioritize.edits import Edit, Value, parse_cell
from prioritize.splice import splice_edits


def splice(text: str, edits: list[Edit]) -> str | None:
    return splice_edits(text, edits, _new_key_position, _number_text)


SECTIONS = {
    "functional": ("completion_rate", "abandonment_rate", "digital_take_up"),
    "operational": ("monthly_volume", "cost_per_transaction", "handling_minutes"),
    "experience": ("csat", "research_findings"),
}
numbers = st.sampled_from(["0", "7", "42", "18000", "0.61", "0.30", "9.50", "1e3", "-2", ".5"])
words = st.sampled_from(["Intake team", "low", "it's new", "Ops", "yes", "a: b", "x # y", "2.1"])
comments = st.sampled_from(["", "", "  # a guess", "   # Sep export", " # c"])


def quoted(text: str, style: str) -> str:
    if style == "'":
        return "'" + text.replace("'", "''") + "'"
    if style == '"':
        return '"' + text + '"'
    return text


@st.composite
def backlog(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]]]:
    """A backlog file's text, and per item which keys, sections and metrics it holds."""
    indent = draw(st.sampled_from([2, 4]))
    dash_offset = draw(st.sampled_from([0, indent]))
    lines = []
    if draw(st.booleans()):
        lines += ["# A backlog.", ""]
    lines.append("items:")
    blank = draw(st.booleans())
    shapes = []
    for n in range(draw(st.integers(1, 3))):
        pad = " " * (dash_offset + 2)
        if blank and n:
            lines.append("")
        if draw(st.booleans()) and n:
            lines.append(" " * dash_offset + "# next one")
        title_style = draw(st.sampled_from(["", "'", '"']))
        lines.append(" " * dash_offset + f"- id: A-{n}" + draw(comments))
        lines.append(pad + "title: " + quoted(f"Item {n}", title_style))
        keys = ["id", "title"]
        if draw(st.booleans()):
            lines.append(pad + "effort: " + draw(numbers) + draw(comments))
            keys.append("effort")
        sections: dict[str, list[str]] = {}
        has_evidence = draw(st.booleans())
        if has_evidence:
            flow_evidence = draw(st.booleans())
            chosen = draw(st.lists(st.sampled_from(list(SECTIONS)), min_size=1, unique=True))
            as_of = draw(st.booleans())
            parts = []
            for name in chosen:
                metrics = draw(
                    st.lists(st.sampled_from(SECTIONS[name]), min_size=1, max_size=2, unique=True)
                )
                sections[name] = metrics
                parts.append((name, [(m, draw(numbers)) for m in metrics], draw(st.booleans())))
            if flow_evidence:
                inner = ", ".join(
                    f"{name}: {{{', '.join(f'{m}: {v}' for m, v in ms)}}}" for name, ms, _ in parts
                )
                head = "as_of: 2026-10-10, " if as_of else ""
                lines.append(pad + f"evidence: {{{head}{inner}}}" + draw(comments))
            else:
                lines.append(pad + "evidence:")
                sub = pad + " " * indent
                if as_of:
                    lines.append(sub + "as_of: 2026-10-10")
                for name, ms, flow in parts:
                    if flow:
                        body = ", ".join(f"{m}: {v}" for m, v in ms)
                        lines.append(sub + f"{name}: {{{body}}}" + draw(comments))
                    else:
                        lines.append(sub + f"{name}:")
                        for m, v in ms:
                            lines.append(sub + " " * indent + f"{m}: {v}" + draw(comments))
            keys.append("evidence")
            if as_of:
                sections["as_of"] = []
        if draw(st.booleans()):
            lines.append(pad + "risk: " + quoted("low", draw(st.sampled_from(["", "'", '"']))))
            keys.append("risk")
        if draw(st.booleans()):
            lines.append(pad + "# trailing note")
        shapes.append({"keys": keys, "sections": sections})
    if draw(st.booleans()):
        lines += ["", "# the end"]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines) + (newline if draw(st.booleans()) else "")
    return text, shapes


@st.composite
def edit_sets(draw: st.DrawFn, shapes: list[dict[str, Any]]) -> list[Edit]:
    edits = []
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.integers(0, len(shapes) - 1))
        shape = shapes[n]
        kind = draw(st.sampled_from(["metric", "metric", "effort", "title", "risk", "x-", "as_of"]))
        value = parse_cell(draw(numbers))
        if kind == "metric" and shape["sections"]:
            name = draw(st.sampled_from([s for s in shape["sections"] if s != "as_of"] or ["x"]))
            if name == "x":
                continue
            metric = draw(st.sampled_from(SECTIONS[name]))
            path: tuple[str | int, ...] = ("items", n, "evidence", name, metric)
        elif kind == "effort":
            path = ("items", n, "effort")
        elif kind in ("title", "risk"):
            path, value = ("items", n, kind), Value(draw(words))
        elif kind == "x-":
            path, value = ("items", n, "x-note"), Value(draw(words))
        elif kind == "as_of" and "evidence" in shape["keys"]:
            path, value = ("items", n, "evidence", "as_of"), parse_cell("2026-11-02")
        else:
            continue
        edits.append(Edit(path, value, item=2))
    return edits


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_splicer_writes_the_bytes_of_the_round_trip_editor(data: st.DataObject) -> None:
    text, shapes = data.draw(backlog())
    edits = data.draw(edit_sets(shapes))
    try:
        expected = round_trip_edits(text, edits)
    except EditError:
        event("the round-trip editor refuses")
        assume(False)
    spliced = splice(text, edits)
    event("spliced" if spliced is not None else "fell back")
    if spliced is not None:
        assert spliced == expected
    assert apply_edits(text, edits) == expected


SAMPLE = """\
# Top comment.
items:
  - id: A   # the first
    title: "Quoted title"
    effort: 3  # a guess
    evidence:
      as_of: 2026-10-01
      functional: {completion_rate: 0.61, digital_take_up: 0.52}
      operational:
        monthly_volume: 18000
        cost_per_transaction: 9.50

  # B comes next
  - id: B
    title: 'Single quoted'
    effort: 2
"""


@pytest.mark.parametrize(
    "edits",
    [
        [Edit(("items", 0, "evidence", "operational", "monthly_volume"), parse_cell("18500"))],
        [Edit(("items", 0, "effort"), parse_cell("0.3"))],
        [Edit(("items", 0, "evidence", "functional", "error_rate"), parse_cell("0.1"), 2)],
        [Edit(("items", 0, "evidence", "operational", "calls"), parse_cell("900"), 2)],
        [Edit(("items", 0, "evidence", "as_of"), parse_cell("2026-11-01"), 2)],
        [Edit(("items", 1, "title"), Value("it's new"), 2)],
        [Edit(("items", 1, "pool"), Value("renewals"), 2)],
    ],
)
def test_common_edits_are_spliced_not_round_tripped(edits: list[Edit]) -> None:
    spliced = splice(SAMPLE, edits)
    assert spliced is not None
    assert spliced == round_trip_edits(SAMPLE, edits)


def test_a_block_scalar_elsewhere_does_not_stop_the_splicer() -> None:
    text = "a: >-\n  two\n  lines\nb: 1\n"
    assert splice(text, [Edit(("b",), parse_cell("2"))]) == "a: >-\n  two\n  lines\nb: 2\n"


@pytest.mark.parametrize(
    ("text", "edits"),
    [
        ("a: |\n  two\n  lines\nb: 1\n", [Edit(("a",), parse_cell("2"))]),  # a block scalar
        ("a: plain text\n  over lines\nb: 1\n", [Edit(("b",), parse_cell("2"))]),  # folded
        ("a: &x 1\nb: 1\n", [Edit(("b",), parse_cell("2"))]),  # an anchor
        ("a: !!str 1\nb: 1\n", [Edit(("b",), parse_cell("2"))]),  # a tag
        ("a: 1\n", [Edit(("b", "c"), parse_cell("2"))]),  # a mapping to create
        ("a:\nb: 1\n", [Edit(("a",), parse_cell("2"))]),  # an empty value
        ("a: 1\r\nb: 2\n", [Edit(("a",), parse_cell("2"))]),  # mixed line endings
        ("a: 1\n", [Edit(("b",), Value("true"))]),  # text that reads as a boolean
    ],
)
def test_layouts_the_splicer_cannot_prove_fall_back(text: str, edits: list[Edit]) -> None:
    assert splice(text, edits) is None
