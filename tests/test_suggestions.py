""" "Did you mean" over thousands of ids compares each word with a few of them, not all.

Speed itself is measured by benchmarks/run.py (its "Did you mean" section); here the work is
counted: how many names each misspelt word is compared with.
"""

from __future__ import annotations

import difflib
import random
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prioritize import errors
from prioritize.errors import Suggestions, did_you_mean
from prioritize.item_checks import reference_problems
from prioritize.models import Item, ValuePool


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many names each search for the closest weighed."""
    sizes: list[int] = []
    real = errors.closest

    def counting(word: str, possibilities: list[str], *args: object, **kwargs: object) -> object:
        names = list(possibilities)
        sizes.append(len(names))
        return real(word, names, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(errors, "closest", counting)
    yield sizes


def ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, b, a).ratio()


def items_with_unknown_dependencies(count: int) -> list[Item]:
    return [
        Item(id=f"REN-{k}", title="t", pool="p", depends_on=[f"REN-{k}x"]) for k in range(count)
    ]


def test_five_thousand_unknown_dependencies_compare_few_names_each(compared: list[int]) -> None:
    # Was every id for every reference: 5,000 x 4,999 comparisons, 79 s of `check`.
    problems = list(
        reference_problems([ValuePool(id="p", name="P")], items_with_unknown_dependencies(5000))
    )
    assert sum(p.code == "unknown-dependency" for p in problems) == 5000
    assert len(compared) == 5000
    assert max(compared) <= 4 * Suggestions.NEIGHBOURS
    # as close as the closest of all the ids (ties may fall otherwise); never the item's own id
    hint = next(p.message for p in problems if p.ref.id == "REN-120").split('"')[-2]
    best = max(ratio("REN-120x", f"REN-{k}") for k in range(5000) if k != 120)
    assert hint != "REN-120"
    assert ratio("REN-120x", hint) == best


IDS = [f"{prefix}-{k}" for prefix in ("REN", "BEN", "PER") for k in range(1000, 5000, 3)]


@pytest.mark.parametrize(
    "word",
    [
        "REN-1030",  # transposed digits of REN-1003
        "REN-10030",  # one character too many
        "REN-103",  # one too few
        "XEN-4321",  # the first character wrong
        "ben-2002",  # case
        "PER 1501",  # a space for the dash
        "nothing-like-it",
    ],
)
def test_ordinary_slips_get_the_hint_difflib_gives_over_every_id(word: str) -> None:
    close = difflib.get_close_matches(word, sorted(IDS), n=1, cutoff=0.6)
    assert Suggestions(IDS).hint(word) == (f' (did you mean "{close[0]}"?)' if close else "")


@given(
    st.text(alphabet="abcREN-12", min_size=1, max_size=8),
    st.lists(
        st.text(alphabet="abcREN-12", min_size=1, max_size=8), max_size=Suggestions.EXACT_UP_TO
    ),
)
def test_up_to_200_names_the_hint_is_difflib_over_all_of_them(word: str, names: list[str]) -> None:
    close = difflib.get_close_matches(word, sorted(set(names)), n=1, cutoff=0.6)
    assert did_you_mean(word, names) == (f' (did you mean "{close[0]}"?)' if close else "")


def test_a_word_asked_twice_is_answered_from_memory(compared: list[int]) -> None:
    names = Suggestions(f"ID-{random.Random(k).randrange(10**6)}" for k in range(1000))
    first = names.hint("ID-12")
    assert names.hint("ID-12") == first
    assert len(compared) == 1


@given(
    st.text(alphabet="abcREN-12", max_size=8),
    st.lists(st.text(alphabet="abcREN-12", max_size=8), max_size=40),
    st.sampled_from([0.0, 0.5, 0.6, 0.8, 1.0]),
)
def test_closest_is_difflib_s_one_closest_match(word: str, names: list[str], cutoff: float) -> None:
    close = difflib.get_close_matches(word, names, n=1, cutoff=cutoff)
    assert errors.closest(word, names, cutoff) == (close[0] if close else None)
