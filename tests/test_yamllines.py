"""Positions read from the lines (yamllines) are the parser's positions, or nothing.

`yamlio.positions` takes the line reader's answer wherever it gives one, so every finding's
line and column rests on this: for any text, `yamllines.positions` is None or exactly
`yamlio.parser_positions`. Generated workspaces and the repository's files must not fall back.
"""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from prioritize import yamlio, yamllines
from test_fuzz import NOISE, mutate, structures
from test_read_paths import REPO_ROOT, _generator, yaml_files

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_same_or_none(text: str) -> None:
    found = yamllines.positions(text)
    if found is not None:
        assert found == yamlio.parser_positions(text), text


def assert_same(text: str) -> None:
    found = yamllines.positions(text)
    assert found is not None, text
    assert found == yamlio.parser_positions(text), text


@pytest.mark.parametrize("one_per_file", [False, True], ids=["list-files", "one-per-file"])
def test_generated_files_are_placed_from_their_lines(tmp_path: Path, one_per_file: bool) -> None:
    _generator().generate(240, tmp_path, files=3, one_per_file=one_per_file, seed=11)
    for path in yaml_files(tmp_path):
        assert_same(path.read_text(encoding="utf-8"))


def test_the_repository_files_read_the_same() -> None:
    folders = ("backlogs", "criteria", "examples", "src/prioritize/presets", "tests/data")
    for folder in folders:
        for path in yaml_files(REPO_ROOT / folder):
            assert_same_or_none(path.read_bytes().decode("utf-8", "replace").lstrip("\ufeff"))


LAYOUTS = [
    "k:\n- a\n- b\nj: 1\n",
    "-\n  a: 1\n- b\n",
    "a: >-\n  x\n\n  y\nb: |\n  z\n  # not a comment\nc: |+\n\nd: 1\n",
    "- |\n  text\n- key: >\n    more\n  next: 2\n",
    "a: {x: [1, 'b c'], y: \"q\", z: {}}\nb: [ ]\nc: [a, -1, b c]\n",
    "  a: 1\n  b:\n    - x\n    - y: 2\n      z: [p]\n",
    "a: 'it''s'\n'k k': 2\n\"q\": 3\ne: \"\\\" \\\\ \\n\"\n",
    "---\na: 1  # note\n# end\n",
    "é: ü\nb: 😀 x # c\nc: a#b\n",
    "items:\n  - id: A\n    evidence:\n      as_of: 2026-01-01\n    scores: {a: 1, b : 2}\n  - id: B\n",
    "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n",
    "a: x\n  y\n",  # a plain value over two lines: the parser's
    "a: [1,\n  2]\n",
    "a: &x 1\nb: *x\n",
    "a: !tag 1\n",
    "a:\nb: 1\n",
    "a: 1\n---\nb: 2\n",
    "a:\tb\n",
    "a: 1\r\nb: 2\r\n",
    "? a\n: 1\n",
    "a: b: c\n",
    "a: 1\n b: 2\n",
    "- - a\n",
    "a: |2\n   x\n",
    "a: [1, ]\n",
    "a: {b}\n",
    "[a, b]\n",
    "",
    "# only a comment\n",
    "---\n",
]


@pytest.mark.parametrize("text", LAYOUTS)
def test_layouts_are_placed_as_the_parser_places_them(text: str) -> None:
    assert_same_or_none(text)


def test_the_common_layouts_do_not_fall_back() -> None:
    for text in LAYOUTS[:11]:
        assert_same(text)


def dump(data: Any, flow: bool | None, indent: tuple[int, int]) -> str:
    stream = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = flow
    yaml.indent(mapping=indent[0], sequence=indent[0] + indent[1], offset=indent[1])
    yaml.dump(data, stream)
    return stream.getvalue()


layouts = st.tuples(st.sampled_from([False, None]), st.sampled_from([(2, 0), (2, 2), (4, 2)]))


@SETTINGS
@given(data=structures, layout=layouts)
def test_dumped_yaml_is_placed_as_the_parser_places_it(data: Any, layout: Any) -> None:
    assert_same_or_none(dump(data, *layout))


@SETTINGS
@given(
    data=structures,
    layout=layouts,
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 4), NOISE), max_size=4),
)
def test_damaged_yaml_is_placed_as_the_parser_places_it_or_left_to_it(
    data: Any, layout: Any, edits: list[tuple[float, int, str]]
) -> None:
    assert_same_or_none(mutate(dump(data, *layout), edits))


LINE_PIECES = st.sampled_from(
    [" ", "  ", "- ", "a", "b c", "k: ", "k:", '"x"', "'y'", "[", "]", "{", "}", ", ", ": ",
     "#", " #", "|", ">-", "\n", "\n  ", "\n    ", "-1", "é", "x#y", "?", "&a", "*a", "!t"]
)  # fmt: skip


@SETTINGS
@given(pieces=st.lists(LINE_PIECES, max_size=40))
def test_assembled_lines_are_placed_as_the_parser_places_them_or_left_to_it(
    pieces: list[str],
) -> None:
    assert_same_or_none("".join(pieces))


# --- only the wanted paths --------------------------------------------------------------------


def assert_located_alike(text: str, wanted: list[tuple[str | int, ...]]) -> None:
    """Positions kept for `wanted` place each of those paths as the whole index does."""
    full = yamlio.parser_positions(text)
    kept = yamlio.positions(text, wanted)
    for path in wanted:
        for key in (False, True):
            assert yamlio.locate(kept, path, key=key) == yamlio.locate(full, path, key=key), (
                text,
                path,
            )


def near_paths(text: str, rng: Any) -> list[tuple[str | int, ...]]:
    """Paths the text has, some cut short, some going on past what it has, ints as text."""
    present = list(yamlio.parser_positions(text))
    paths: list[tuple[str | int, ...]] = []
    for path in rng.sample(present, min(len(present), 12)):
        choice = rng.randrange(4)
        if choice == 1:
            path = (*path, "missing", 0)
        elif choice == 2:
            path = path[: rng.randrange(len(path) + 1)]
        elif choice == 3:
            path = tuple(str(step) for step in path)
        paths.append(path)
    return paths


def test_generated_files_locate_the_wanted_paths_alike(tmp_path: Path) -> None:
    rng = random.Random(5)
    _generator().generate(120, tmp_path, files=2, seed=13)
    for path in yaml_files(tmp_path):
        text = path.read_text(encoding="utf-8")
        assert_located_alike(text, near_paths(text, rng))


@SETTINGS
@given(data=structures, layout=layouts, seed=st.integers(0, 2**16))
def test_wanted_paths_are_located_as_with_every_position(data: Any, layout: Any, seed: int) -> None:
    text = dump(data, *layout)
    assert_located_alike(text, near_paths(text, random.Random(seed)))


@pytest.mark.parametrize("text", ["- [0?`]\n", "- {a: 0?`}\n", "a: [why?]\n"])
def test_a_question_mark_inside_a_flow_collection_is_left_to_the_parser(text: str) -> None:
    # libyaml refuses "?`" inside a flow collection where ruamel's own parser reads it: the
    # positions of such a line are the parser's, never guessed from the line.
    assert yamllines.positions(text) is None
    assert_same_or_none(text)
