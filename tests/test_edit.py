"""Round-trip editing (edit.apply_edits) and the plan of an import (importing.plan_import)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prioritize import yamlio
from prioritize.edit import EditError, Layout, apply_edits, detect_layout, round_trip
from prioritize.edits import Edit, Value, parse_cell
from prioritize.importing import Target, plan_import
from prioritize.values import same_value

REPO = Path(__file__).resolve().parent.parent


def changed_lines(old: str, new: str) -> list[tuple[str, str]]:
    return [(a, b) for a, b in zip(old.splitlines(), new.splitlines(), strict=False) if a != b]


# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "data", "text"),
    [
        ("42", 42, "42"),
        (" -7 ", -7, "-7"),
        ("0", 0, "0"),
        ("0.3", 0.3, "0.3"),
        ("0.30", 0.3, "0.30"),
        (".5", 0.5, ".5"),
        ("1e3", 1000.0, "1e3"),
        ("2026-10-01", date(2026, 10, 1), "2026-10-01"),
        ("yes", "yes", None),
        ("None", "None", None),
        ("NA", "NA", None),
        ("true", "true", None),
        ("007", "007", None),
        ("42,000", "42,000", None),
        ("2026-13-01", "2026-13-01", None),
        ("nan", "nan", None),
    ],
)
def test_a_cell_is_a_number_as_typed_a_date_or_else_text(
    cell: str, data: object, text: str | None
) -> None:
    value = parse_cell(cell)
    assert value == Value(data, text)  # type: ignore[arg-type]
    assert type(value.data) is type(data)


def test_same_value_treats_1_and_1_0_alike_but_not_text_or_booleans() -> None:
    assert same_value(1, 1.0)
    assert not same_value(1, "1")
    assert not same_value(True, 1)
    assert same_value(date(2026, 1, 1), date(2026, 1, 1))


# --- layout -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "layout"),
    [
        ("items:\n  - id: A\n    evidence:\n      x: 1\n", Layout(2, 4, 2)),
        ("items:\n- id: A\n  evidence:\n    x: 1\n", Layout(2, 2, 0)),
        ("items:\n    -   id: A\n        evidence:\n            x: 1\n", Layout(4, 8, 4)),
        ("a:\r\n   b: 1\r\n", Layout(3, 4, 2, "\r\n")),
        ("a: 1", Layout(final_newline=False)),
    ],
)
def test_detect_layout(text: str, layout: Layout) -> None:
    assert detect_layout(text) == layout


def test_block_scalar_contents_do_not_count_as_indentation() -> None:
    text = "a:\n  d: |\n        deep text\n        more\n  b:\n    c: 1\n"
    assert detect_layout(text).mapping == 2


# --- round trip -------------------------------------------------------------------------------


def yaml_files() -> list[Path]:
    folders = [
        REPO / "backlogs",
        REPO / "criteria",
        REPO / "src" / "prioritize" / "starter",
        REPO / "src" / "prioritize" / "presets",
    ]
    return sorted(p for folder in folders for p in folder.rglob("*.yaml"))


@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_an_untouched_file_round_trips_byte_for_byte(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert round_trip(text) == text
    assert apply_edits(text, []) == text


SAMPLE = """\
# Top comment.
items:
  - id: A   # the first
    title: "Quoted title"
    effort: 3  # a guess
    evidence:
      functional: {completion_rate: 0.61, digital_take_up: 0.52}
      operational:
        monthly_volume: 18000
        cost_per_transaction: 9.50

  # B comes next
  - id: B
    title: 'Single quoted'
    effort: 2
"""


def test_changing_a_value_changes_that_line_only() -> None:
    new = apply_edits(
        SAMPLE,
        [Edit(("items", 0, "evidence", "operational", "monthly_volume"), parse_cell("18500"))],
    )
    assert changed_lines(SAMPLE, new) == [
        ("        monthly_volume: 18000", "        monthly_volume: 18500")
    ]
    assert len(new) == len(SAMPLE)


def test_numbers_are_written_as_typed() -> None:
    new = apply_edits(
        SAMPLE,
        [
            Edit(("items", 0, "effort"), parse_cell("0.3")),
            Edit(("items", 1, "effort"), parse_cell("2.50")),
        ],
    )
    assert "    effort: 0.3 # a guess\n" in new  # the comment keeps its column
    assert "    effort: 2.50\n" in new
    assert yamlio.parse(new)["items"][0]["effort"] == 0.3


def test_a_value_in_a_flow_mapping_stays_in_it() -> None:
    new = apply_edits(
        SAMPLE, [Edit(("items", 0, "evidence", "functional", "completion_rate"), parse_cell("0.7"))]
    )
    assert changed_lines(SAMPLE, new) == [
        (
            "      functional: {completion_rate: 0.61, digital_take_up: 0.52}",
            "      functional: {completion_rate: 0.7, digital_take_up: 0.52}",
        )
    ]


def test_a_new_metric_joins_its_flow_mapping() -> None:
    new = apply_edits(
        SAMPLE, [Edit(("items", 0, "evidence", "functional", "error_rate"), parse_cell("0.12"))]
    )
    assert (
        "      functional: {completion_rate: 0.61, digital_take_up: 0.52, error_rate: 0.12}\n"
        in new
    )


def test_a_new_key_sits_under_its_neighbour_not_below_the_blank_line_and_comment() -> None:
    new = apply_edits(
        SAMPLE, [Edit(("items", 0, "evidence", "operational", "calls"), parse_cell("900"))]
    )
    assert (
        "        cost_per_transaction: 9.50\n        calls: 900\n\n  # B comes next\n  - id: B\n"
        in new
    )


def test_new_keys_follow_the_schema_order_when_the_edit_names_the_item() -> None:
    edits = [
        Edit(("items", 1, "evidence", "experience", "csat"), parse_cell("3.1"), item=2),
        Edit(("items", 1, "evidence", "as_of"), parse_cell("2026-11-02"), item=2),
        Edit(("items", 1, "pool"), parse_cell("renewals"), item=2),
    ]
    new = apply_edits(SAMPLE, edits)
    assert new.endswith(
        "  - id: B\n    title: 'Single quoted'\n    pool: renewals\n    effort: 2\n"
        "    evidence:\n      as_of: 2026-11-02\n      experience:\n        csat: 3.1\n"
    )


def test_a_new_section_is_written_in_flow_style_where_its_siblings_are() -> None:
    text = "evidence:\n  functional: {a: 1}\n  operational: {b: 2}\n"
    new = apply_edits(text, [Edit(("evidence", "experience", "csat"), parse_cell("2.5"))])
    assert new == text + "  experience: {csat: 2.5}\n"


def test_a_string_replacing_a_quoted_string_keeps_the_quotes_and_a_number_drops_them() -> None:
    text = "a: 'old'\nb: \"2.1\"  # quoted by mistake\n"
    new = apply_edits(text, [Edit(("a",), parse_cell("it's new")), Edit(("b",), parse_cell("2.3"))])
    assert new == "a: 'it''s new'\nb: 2.3    # quoted by mistake\n"


def test_text_that_reads_as_something_else_is_quoted() -> None:
    new = apply_edits(
        "a: 1\n",
        [Edit(("b",), Value("true")), Edit(("c",), Value("null")), Edit(("d",), Value("yes"))],
    )
    assert yamlio.parse(new) == {"a": 1, "b": "true", "c": "null", "d": "yes"}


def test_crlf_four_spaces_and_no_final_newline_are_kept() -> None:
    text = "a:\r\n    b: 1   # c\r\n    c:\r\n        d: 2"
    new = apply_edits(
        text, [Edit(("a", "c", "d"), parse_cell("3")), Edit(("a", "c", "e"), parse_cell("4"))]
    )
    assert new == "a:\r\n    b: 1   # c\r\n    c:\r\n        d: 3\r\n        e: 4"


def test_a_document_start_with_comments_above_it_and_an_end_marker_are_kept() -> None:
    text = "# about\n%YAML 1.2\n---\na: 1\n...\n# after\n"
    assert (
        apply_edits(text, [Edit(("a",), parse_cell("2"))])
        == "# about\n%YAML 1.2\n---\na: 2\n...\n# after\n"
    )


def test_an_empty_section_key_gets_its_first_value() -> None:
    new = apply_edits(
        "evidence:\n  operational:\nx: 1\n",
        [Edit(("evidence", "operational", "calls"), parse_cell("5"))],
    )
    assert yamlio.parse(new) == {"evidence": {"operational": {"calls": 5}}, "x": 1}


@pytest.mark.parametrize(
    "text",
    [
        "a:\n  b: 1\nc:\n    d: 2\n",  # two indentations
        "a: this plain text\n  runs over two lines\n",  # folded plain scalar
        "a: 1\r\nb: 2\n",  # mixed line endings
    ],
)
def test_a_file_that_does_not_round_trip_is_refused_with_the_line(text: str) -> None:
    with pytest.raises(EditError) as caught:
        apply_edits(text, [Edit(("a",), parse_cell("5"))])
    assert "byte for byte" in caught.value.message
    assert caught.value.line >= 1


def test_a_path_through_a_scalar_is_refused() -> None:
    with pytest.raises(EditError, match="not a mapping"):
        apply_edits("a: 1\n", [Edit(("a", "b"), parse_cell("2"))])


number_texts = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.decimals(
        min_value=-(10**6), max_value=10**6, places=4, allow_nan=False, allow_infinity=False
    ).map(str),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(repr),
)


@given(number_texts)
def test_any_number_is_written_as_typed_and_reads_back_as_that_number(text: str) -> None:
    value = parse_cell(text)
    new = apply_edits(SAMPLE, [Edit(("items", 1, "effort"), value)])
    if value.text is not None and not isinstance(value.data, date):
        assert f"    effort: {text}\n" in new
        assert yamlio.parse(new)["items"][1]["effort"] == value.data
    assert changed_lines(SAMPLE, new) == [("    effort: 2", f"    effort: {text}")] or text == "2"


# --- the plan of an import --------------------------------------------------------------------

ITEMS = {
    "REN-1": Target(
        "backlogs/renewals.yaml",
        ("items", 0),
        {
            "id": "REN-1",
            "title": "T",
            "pool": "p",
            "effort": 3,
            "evidence": {"operational": {"monthly_volume": 100}},
        },
    ),
    "REN-2": Target(
        "backlogs/renewals.yaml", ("items", 1), {"id": "REN-2", "title": "U", "pool": "p"}
    ),
    "0042": Target(
        "backlogs/items/0042.yaml", (), {"id": "0042", "title": "V", "pool": "p", "effort": "x"}
    ),
}


def plan(rows: list[list[str]], **options: object):  # type: ignore[no-untyped-def]
    return plan_import(rows, ITEMS, csv_name="in.csv", **options)  # type: ignore[arg-type]


def test_plan_edits_per_file_and_skips_empty_cells_and_equal_values() -> None:
    result = plan(
        [["id", "monthly_volume", "csat"], ["REN-1", "100", "3.5"], ["REN-2", "", "2"]],
        section="operational",
    )
    assert result.findings == []
    assert result.edits == {
        "backlogs/renewals.yaml": [
            Edit(("items", 0, "evidence", "operational", "csat"), Value(3.5, "3.5"), 2),
            Edit(("items", 1, "evidence", "operational", "csat"), Value(2, "2"), 2),
        ]
    }
    assert result.values == 2
    assert result.data["REN-2"]["evidence"] == {"operational": {"csat": 2}}


def test_plan_keeps_words_as_text_and_ids_as_written() -> None:
    result = plan([["id", "evidence.experience.note", "effort"], ["0042", "None", "5"]])
    assert result.findings == []
    assert result.edits["backlogs/items/0042.yaml"] == [
        Edit(("evidence", "experience", "note"), Value("None"), 0),
        Edit(("effort",), Value(5, "5"), 0),
    ]


def test_plan_as_of_is_set_for_each_row_with_values() -> None:
    result = plan(
        [["id", "evidence.experience.csat"], ["REN-1", "3"], ["REN-2", ""]], as_of=date(2026, 11, 2)
    )
    assert result.edits["backlogs/renewals.yaml"][-1] == Edit(
        ("items", 0, "evidence", "as_of"), Value(date(2026, 11, 2), "2026-11-02"), 2
    )
    assert len(result.edits["backlogs/renewals.yaml"]) == 2


def test_plan_reports_every_problem_at_its_cell() -> None:
    result = plan(
        [
            ["id", "effort", "evidnce.x", "evidence.operational.monthly_volume.deep"],
            ["RN-1", "1", "", ""],
            ["REN-1", "abc", "", ""],
            ["REN-1", "2", "", ""],
            ["REN-2", "", "1", ""],
            ["REN-1x", "", "", ""],
            ["", "3", "", ""],
        ]
    )
    lines = [str(f) for f in result.findings]
    assert lines == [
        'in.csv:2:1: unknown-id "RN-1" is not an item of this workspace (did you mean "REN-1"?); '
        'add "title" and "pool" columns (or pass --pool ID) to create it',
        'in.csv:3:2: invalid-value effort "abc": input should be a valid number',
        'in.csv:4:1: duplicate-id "REN-1" is already imported by row 3; give each item one row',
        'in.csv:5:3: unknown-key unknown key "evidnce" in evidnce (did you mean "evidence"?)',
        'in.csv:6:1: unknown-id "REN-1x" is not an item of this workspace (did you mean "REN-1"?); '
        'add "title" and "pool" columns (or pass --pool ID) to create it',
        "in.csv:7:1: no-id this row gives values but no id",
    ]
    assert result.edits == {}


def test_plan_refuses_a_path_through_a_value() -> None:
    result = plan([["id", "evidence.operational.monthly_volume.deep"], ["REN-1", "1"]])
    assert [f.code for f in result.findings] == ["not-a-mapping"]
    assert (
        "evidence.operational.monthly_volume holds 100, not a mapping" in result.findings[0].message
    )


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (["key", "x"], "no-id-column"),  # ID, Id and " id " are the id column (any case)
        (["id", "effort", "effort"], "duplicate-column"),
        (["id", "id"], "duplicate-column"),
        (["id", ""], "column-name"),
        (["id", "evidence..x"], "column-name"),
    ],
)
def test_plan_checks_the_header(header: list[str], code: str) -> None:
    result = plan([header, ["REN-1", *["1"] * (len(header) - 1)]])
    assert code in [f.code for f in result.findings]
    assert all(f.location.line == 1 for f in result.findings)


def test_plan_refuses_an_as_of_column_together_with_the_option() -> None:
    result = plan([["id", "evidence.as_of"], ["REN-1", "2026-01-01"]], as_of=date(2026, 1, 2))
    assert [f.code for f in result.findings] == ["duplicate-column"]
