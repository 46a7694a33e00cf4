"""The fast read path (`yamlio.parse`) gives exactly the data of ruamel's round-trip load.

Read-only commands read with a fast safe loader (yaml-rs where it reads exactly as ruamel, and
`parse_exact`, ruamel's C safe loader, for the rest); `import` and other writers edit with the
round-trip loader. Both must see the same values (docs/reference.md 7): YAML 1.2 everywhere, so `no`
and `on` are text, `010` is ten, `1e3` is a float. Round-trip data comes as CommentedMap,
ScalarFloat, ScalarInt, TimeStamp and friends; it is turned into plain Python first, then the two
are compared strictly: same types (1, 1.0 and True differ), NaN equal to NaN, -0.0 not 0.0.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import TaggedScalar

from prioritize import yamlio

REPO_ROOT = Path(__file__).resolve().parent.parent


def _generator() -> Any:
    """benchmarks/generate.py as a module (benchmarks/ is not a package)."""
    name = "prioritize_benchmarks_generate"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, REPO_ROOT / "benchmarks" / "generate.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the class is built
        spec.loader.exec_module(module)
    return sys.modules[name]


def plain(value: Any) -> Any:
    """Round-trip data as plain Python: dict, list, str, int, float, bool, None, date, datetime."""
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, bool):  # before int: bool is an int (and ScalarBoolean is an int)
        return bool(value)
    if isinstance(value, int) and type(value).__name__ == "ScalarBoolean":
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dt.datetime):
        return dt.datetime(
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
            tzinfo=value.tzinfo,
            fold=value.fold,
        )
    if isinstance(value, TaggedScalar) and str(value.tag) in (
        "tag:yaml.org,2002:str",
        "tag:yaml.org,2002:value",
    ):
        return str(
            value.value
        )  # `!!str 5` is "5"; a plain `=` (YAML 1.1's !!value) is the text "="
    return value


def differences(fast: Any, roundtrip: Any, where: str = "") -> list[str]:
    """Every place where the two readings differ in type or value ([] when they agree exactly)."""
    here = where or "<root>"
    if type(fast) is not type(roundtrip):
        return [
            f"{here}: {type(fast).__name__} {fast!r} != {type(roundtrip).__name__} {roundtrip!r}"
        ]
    if isinstance(fast, dict):
        found: list[str] = []
        if set(fast) != set(roundtrip):
            found.append(
                f"{here}: keys {sorted(map(repr, fast))} != {sorted(map(repr, roundtrip))}"
            )
        for key in fast.keys() & roundtrip.keys():
            found += differences(fast[key], roundtrip[key], f"{where}.{key}" if where else str(key))
        return found
    if isinstance(fast, list | tuple):
        if len(fast) != len(roundtrip):
            return [f"{here}: {len(fast)} entries != {len(roundtrip)}"]
        return [
            d
            for i, (a, b) in enumerate(zip(fast, roundtrip, strict=True))
            for d in differences(a, b, f"{where}[{i}]")
        ]
    if isinstance(fast, float):
        same = (math.isnan(fast) and math.isnan(roundtrip)) or (
            fast == roundtrip and math.copysign(1, fast) == math.copysign(1, roundtrip)
        )
        return [] if same else [f"{here}: {fast!r} != {roundtrip!r}"]
    if isinstance(fast, dt.datetime):
        same = fast == roundtrip and fast.isoformat() == roundtrip.isoformat()
        return [] if same else [f"{here}: {fast.isoformat()} != {roundtrip.isoformat()}"]
    return [] if fast == roundtrip else [f"{here}: {fast!r} != {roundtrip!r}"]


# `parse` picks yaml-rs or the exact path per file; `parse_exact` is the exact path alone, which
# reads every file that holds a tag, a quoted date, a merge key, ... Both must agree with round-trip.
READERS = {"parse": yamlio.parse, "parse_exact": yamlio.parse_exact}


@pytest.fixture(params=list(READERS))
def reader(request: pytest.FixtureRequest) -> Any:
    return READERS[request.param]


def both_readings(path: Path, read: Any = yamlio.parse) -> tuple[Any, Any]:
    """The file read by a fast-path reader and by the round-trip path, the latter made plain."""
    text = yamlio.decode(path.read_bytes())
    return read(text), plain(YAML().load(text))


def assert_same_reading(path: Path, read: Any = yamlio.parse) -> None:
    fast, roundtrip = both_readings(path, read)
    found = differences(fast, roundtrip)
    assert not found, f"{path}: {read.__name__} differs from the round-trip read:\n" + "\n".join(
        found[:20]
    )


def yaml_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


# --- the sample workspace ---------------------------------------------------------------------

SAMPLE_FILES = [
    *yaml_files(REPO_ROOT / "backlogs"),
    *yaml_files(REPO_ROOT / "criteria"),
    *[p for p in [REPO_ROOT / "prioritize.yaml"] if p.is_file()],
    *yaml_files(REPO_ROOT / "examples"),
    *yaml_files(REPO_ROOT / "src" / "prioritize" / "presets"),
]


def test_the_sample_workspace_has_files() -> None:
    assert len(SAMPLE_FILES) >= 10


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_sample_file_reads_the_same(path: Path, reader: Any) -> None:
    assert_same_reading(path, reader)


# --- a generated workspace --------------------------------------------------------------------


@pytest.mark.parametrize("one_per_file", [False, True], ids=["list-files", "one-per-file"])
def test_generated_workspace_reads_the_same(
    tmp_path: Path, one_per_file: bool, reader: Any
) -> None:
    summary = _generator().generate(240, tmp_path, files=3, one_per_file=one_per_file, seed=7)
    files = [
        tmp_path / "prioritize.yaml",
        *yaml_files(tmp_path / "backlogs"),
        *yaml_files(tmp_path / "criteria"),
    ]
    assert len(files) >= summary.files
    found: list[str] = []
    for path in files:
        fast, roundtrip = both_readings(path, reader)
        found += [f"{path.relative_to(tmp_path)}: {d}" for d in differences(fast, roundtrip)]
    assert not found, "\n".join(found[:20])


def test_generator_is_deterministic(tmp_path: Path) -> None:
    generate = _generator().generate
    generate(150, tmp_path / "a", seed=3)
    generate(150, tmp_path / "b", seed=3)
    first, second = yaml_files(tmp_path / "a"), yaml_files(tmp_path / "b")
    assert [p.relative_to(tmp_path / "a") for p in first] == [
        p.relative_to(tmp_path / "b") for p in second
    ]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second, strict=True))


# --- YAML 1.2 edge cases ----------------------------------------------------------------------

EDGE_CASES = """\
# Scalars that YAML 1.1 readers (PyYAML) and YAML 1.2 readers disagree on, and other hard cases.
yaml11_booleans: [no, on, yes, off, y, n, Yes, NO, On, OFF]
booleans: [true, false, True, FALSE]
octal_yaml11: 010
octal_yaml12: 0o10
negative_leading_zero: -010
hex: 0x1F
exponent: 1e3
exponent_negative: 1E-3
exponent_signed: +1.5e+3
exponent_no_fraction: .5e3
underscores: 1_000
sexagesimal: 1:20
inf: .inf
minus_inf: -.inf
plus_inf: +.Inf
nan: .nan
nan_caps: .NaN
nan_word: nan
tilde: ~
null_word: null
null_title: Null
empty:
plus_int: +12
minus_zero_int: -0
minus_zero_float: -0.0
float_trailing_dot: 1.
float_leading_dot: .5
date: 2026-09-15
date_one_digit_month: 2026-9-15
datetime_utc: 2026-09-15T10:20:30Z
datetime_offset: 2026-09-15 10:20:30.5 +02:00
datetime_lower_t: 2001-12-14t21:59:43.10-05:00
datetime_naive: 2026-09-15T10:20:30
big_int: 1234567890123456789012345678901234567890
big_negative_int: -1234567890123456789012345678901234567890
big_float: 123456789012345678901234567890.0
huge_float: 1e400
quoted: ["5", '010', "1e3", "no", 'on', "2026-09-15", "~", "null", "0x1F", ".inf"]
literal: |
  line one
    indented line two
folded: >
  folded one
  folded two

  new paragraph
folded_strip: >-
  stripped
  text
literal_keep: |+
  kept

plain_multi_line: first
  second
  third
double_quoted: "tab\\there \\u00e9 \\U0001F680 \\"quoted\\" \\
  continued"
single_quoted: 'it''s'
unicode: [São Paulo, 東京, Ελληνικά, العربية, 🚀 launch, "é", naïve café]
unicode_key_é: value
keys:
  2: int key
  1.5: float key
  true: bool key
  no: str key
  2026-01-01: date key
  null: null key
  010: octal-looking key
explicit_tags: [!!str 5, !!int "7", !!float 3, !!str no]
merged:
  <<: {inherited: 1, overridden: 1}
  overridden: 2
nested: {a: [1, {b: [2.5, {c: ~}]}], d: []}
"""

EXPECTED = {
    "yaml11_booleans": ["no", "on", "yes", "off", "y", "n", "Yes", "NO", "On", "OFF"],
    "booleans": [True, False, True, False],
    "octal_yaml11": 10,
    "octal_yaml12": 8,
    "negative_leading_zero": -10,
    "hex": 31,
    "exponent": 1000.0,
    "exponent_negative": 0.001,
    "exponent_signed": 1500.0,
    "exponent_no_fraction": ".5e3",
    "underscores": 1000,  # ruamel reads 1_000 as a number, YAML 1.1 style, on both paths
    "sexagesimal": "1:20",
    "inf": math.inf,
    "minus_inf": -math.inf,
    "plus_inf": math.inf,
    "nan_word": "nan",
    "tilde": None,
    "null_word": None,
    "null_title": None,
    "empty": None,
    "plus_int": 12,
    "minus_zero_int": 0,
    "minus_zero_float": -0.0,
    "float_trailing_dot": 1.0,
    "float_leading_dot": 0.5,
    "date": dt.date(2026, 9, 15),
    "date_one_digit_month": "2026-9-15",
    "datetime_utc": dt.datetime(2026, 9, 15, 10, 20, 30, tzinfo=dt.UTC),
    "datetime_offset": dt.datetime(
        2026, 9, 15, 10, 20, 30, 500000, tzinfo=dt.timezone(dt.timedelta(hours=2))
    ),
    "datetime_lower_t": dt.datetime(
        2001, 12, 14, 21, 59, 43, 100000, tzinfo=dt.timezone(dt.timedelta(hours=-5))
    ),
    "datetime_naive": dt.datetime(2026, 9, 15, 10, 20, 30),
    "big_int": 1234567890123456789012345678901234567890,
    "big_negative_int": -1234567890123456789012345678901234567890,
    "big_float": 1.2345678901234568e29,
    "huge_float": math.inf,
    "quoted": ["5", "010", "1e3", "no", "on", "2026-09-15", "~", "null", "0x1F", ".inf"],
    "literal": "line one\n  indented line two\n",
    "folded": "folded one folded two\nnew paragraph\n",
    "folded_strip": "stripped text",
    "literal_keep": "kept\n\n",
    "plain_multi_line": "first second third",
    "double_quoted": 'tab\there é 🚀 "quoted" continued',
    "single_quoted": "it's",
    "unicode": ["São Paulo", "東京", "Ελληνικά", "العربية", "🚀 launch", "é", "naïve café"],
    "unicode_key_é": "value",
    "keys": {
        2: "int key",
        1.5: "float key",
        True: "bool key",
        "no": "str key",
        dt.date(2026, 1, 1): "date key",
        None: "null key",
        10: "octal-looking key",
    },
    "explicit_tags": ["5", 7, 3.0, "no"],
    "merged": {"inherited": 1, "overridden": 2},
    "nested": {"a": [1, {"b": [2.5, {"c": None}]}], "d": []},
}


@pytest.fixture
def edge_file(tmp_path: Path) -> Path:
    path = tmp_path / "edge-cases.yaml"
    path.write_text(EDGE_CASES, encoding="utf-8")
    return path


def test_edge_cases_read_the_same(edge_file: Path, reader: Any) -> None:
    assert_same_reading(edge_file, reader)


def _edge_entries() -> dict[str, str]:
    """Each top-level entry of EDGE_CASES as a document of its own.

    The whole file holds tags, a merge key and quoted dates, so `parse` sends it down the exact
    path; one entry per document lets every entry that yaml-rs may read be read by it.
    """
    entries: dict[str, str] = {}
    key = ""
    for line in EDGE_CASES.splitlines(keepends=True):
        if line[:1] not in ("", " ", "#", "\n"):
            key = line.split(":", 1)[0]
            entries[key] = ""
        if key:
            entries[key] += line
    return entries


EDGE_ENTRIES = _edge_entries()


@pytest.mark.parametrize("text", EDGE_ENTRIES.values(), ids=list(EDGE_ENTRIES))
def test_each_edge_case_reads_the_same(tmp_path: Path, text: str, reader: Any) -> None:
    path = tmp_path / "entry.yaml"
    path.write_text(text, encoding="utf-8")
    assert_same_reading(path, reader)


def test_edge_cases_read_as_yaml_1_2(edge_file: Path) -> None:
    fast = yamlio.read(edge_file)
    entry_by_entry: dict[str, Any] = {}
    for text in EDGE_ENTRIES.values():
        entry_by_entry.update(yamlio.parse(text))
    assert not differences(entry_by_entry, fast)
    assert math.isnan(fast["nan"]) and math.isnan(fast["nan_caps"])
    wrong = {key: d for key, want in EXPECTED.items() if (d := differences(fast[key], want, key))}
    assert not wrong, wrong
    assert set(fast) == set(EXPECTED) | {"nan", "nan_caps"}


# Plain scalars built from the characters that decide how YAML resolves them: numbers in every
# base, signs, underscores, exponents, dots, colons, dates and the words true/null/inf/nan/yes.
SCALAR_ALPHABET = "0123456789.-+_:eEoxXbBaAfFnNiItTlLsSuUrRyYZ "
SCALAR_PIECES = [
    "0o",
    "0x",
    "0b",
    ".inf",
    ".nan",
    "true",
    "null",
    "yes",
    "no",
    "on",
    "2026-09-15",
    "T10:20:30",
    "1_000",
    "1e3",
    "~",
]


def _reading(text: str) -> tuple[str, Any]:
    try:
        return "read", yamlio.parse(text)
    except yamlio.YamlError as problem:
        return "refused", problem.code


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(SCALAR_PIECES), st.text(SCALAR_ALPHABET, min_size=1, max_size=4)),
        min_size=1,
        max_size=4,
    )
)
def test_any_plain_scalar_reads_the_same(pieces: list[str]) -> None:
    # Texts with dates or underscores take the exact path; the others are read by yaml-rs.
    scalar = "".join(pieces).strip()
    text = f"value: {scalar}\nlisted: [{scalar.replace(':', '')}]\n"
    try:
        expected: tuple[str, Any] = ("read", plain(YAML().load(text)))
    except Exception:  # the round-trip path cannot read it either
        expected = ("refused", None)
    got = _reading(text)
    assert got[0] == expected[0], f"{text!r}: fast path {got}, round-trip {expected}"
    if got[0] == "read":
        assert not differences(got[1], expected[1]), f"{text!r}: {differences(got[1], expected[1])}"


# A `%YAML 1.1` directive would make the round-trip loader read `no` as false and `010` as
# eight: files are YAML 1.2 throughout, so every path refuses the directive, located. A plain
# `=` (YAML 1.1's "value" type) reads as text on every path, whichever path a file takes.


def test_a_yaml_directive_is_refused_where_it_stands() -> None:
    text = "# settings\n%YAML 1.1\n---\nflag: no\nmode: 010\n"
    for read in (yamlio.parse, yamlio.parse_exact):
        with pytest.raises(yamlio.YamlError) as caught:
            read(text)
        assert (caught.value.code, caught.value.line, caught.value.col) == ("syntax", 2, 1)


@pytest.mark.parametrize("text", ["operator: =\n", "operator: =\nnote: '2026-01-01'\n"])
def test_an_equals_sign_is_text_on_every_path(text: str) -> None:
    expected = plain(YAML().load(text))
    assert expected["operator"] == "="
    assert not differences(yamlio.parse(text), expected)
    assert not differences(yamlio.parse_exact(text), expected)


# --- hostile nesting ----------------------------------------------------------------------------


def _deep_block_text(levels_per_line: int, lines: int) -> str:
    """Block sequences nested `levels_per_line * lines` deep, never more than levels_per_line per line."""
    parts, indent = [], 0
    for k in range(lines):
        parts.append(" " * indent + "- " * levels_per_line + ("x" if k == lines - 1 else "") + "\n")
        indent += 2 * levels_per_line
    return "".join(parts)


def test_deep_nesting_spread_over_lines_is_refused_not_a_crash(tmp_path: Path) -> None:
    # 15,000 levels in 30 lines of 499 indicators each (under the per-line guard): yaml-rs
    # overflows its stack somewhere past 10,000 levels and libyaml past 25,000, killing the
    # process with SIGSEGV. Run in a child process so that a crash fails this test only.
    path = tmp_path / "deep.yaml"
    path.write_text(_deep_block_text(499, 30), encoding="utf-8")
    code = (
        "import sys\nfrom prioritize import yamlio\n"
        "try:\n    yamlio.read(__import__('pathlib').Path(sys.argv[1]))\n"
        "except yamlio.YamlError as problem:\n    print(problem.code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, (
        f"the reader died with exit {result.returncode}: {result.stderr[-300:]}"
    )
    assert result.stdout.strip() == "syntax"


def test_keys_seen_across_files_keep_their_types_and_date_checks() -> None:
    """The fast read remembers the text keys it has seen (yamlfast._KEYS) to look at a
    mapping's keys only when one is new: keys that are not text stay what they are, and a key
    shaped like an impossible date is refused every time."""
    assert yamlio.parse("{1: a, name: x}") == {1: "a", "name": "x"}
    second = yamlio.parse("{true: b, name: y}")
    assert second == {True: "b", "name": "y"}
    assert type(next(iter(second))) is bool
    for _ in range(2):
        with pytest.raises(yamlio.YamlError):
            yamlio.parse("2026-02-30: x\n")


def test_the_names_of_kept_evidence_are_held_once_across_items() -> None:
    """Evidence and scores mappings are kept as read; each name in them is one string for
    every item (models.shared_names), in the order written, with the values as read."""
    from prioritize.models import BacklogFile

    text = (
        "items:\n"
        "  - {id: A, title: a, pool: p, evidence: {functional: {completion_rate: 0.5, "
        "error_rate: 0.1}}, scores: {reach: 3}}\n"
        "  - {id: B, title: b, pool: p, evidence: {functional: {error_rate: 0.2, "
        "completion_rate: 0.7}}, scores: {reach: 4}}\n"
    )
    first, second = BacklogFile.model_validate(yamlio.parse(text)).items
    assert first.evidence.functional == {"completion_rate": 0.5, "error_rate": 0.1}
    assert list(second.evidence.functional) == ["error_rate", "completion_rate"]
    for a, b in (
        (first.evidence.functional, second.evidence.functional),
        (first.scores, second.scores),
    ):
        for name in a:
            assert next(k for k in b if k == name) is next(k for k in a if k == name)
