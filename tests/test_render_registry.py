"""Every command offers exactly the formats it has renderers for, and has a renderer for each.

The choices are read from the command as Typer builds it, so a format added to an enum without
a renderer (or a renderer for a format no command offers) fails here, not in a user's hands.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

import pytest
import typer.main

from prioritize.cli.app import app
from prioritize.render import (
    coverage,
    diff,
    explain,
    findings,
    forecast,
    outcomes,
    pools,
    rank,
    sensitivity,
    ttv,
    votes,
)

# Each command with a --format option, and every renderer mapping it dispatches on.
RENDERERS: dict[str, list[Mapping[Any, Any]]] = {
    "rank": [rank.RANK_RENDERERS],
    "ttv": [ttv.TTV_RENDERERS],
    "forecast": [forecast.FORECAST_RENDERERS],
    "explain": [explain.EXPLAIN_RENDERERS, explain.COMPARE_RENDERERS],
    "sensitivity": [sensitivity.SENSITIVITY_RENDERERS],
    "votes": [votes.VOTES_RENDERERS],
    "pools": [pools.POOLS_RENDERERS],
    "outcomes": [outcomes.OUTCOMES_RENDERERS],
    "coverage": [coverage.COVERAGE_RENDERERS],
    "diff": [diff.DIFF_RENDERERS],
    "check": [findings.FINDINGS_RENDERERS],
}


def _name(choice: Any) -> str:
    return str(choice.value) if isinstance(choice, Enum) else str(choice)


def _choices(option: Any) -> set[str]:
    """The values an option accepts: Click keeps them on its type, Typer's own core on its descriptor."""
    choices = getattr(getattr(option, "type", None), "choices", None)
    if choices is None:
        choices = option.type_descriptor.choices
    assert choices is not None, f"{option.opts} is not a choice"
    return {_name(c) for c in choices}


def format_choices() -> dict[str, set[str]]:
    """{command name: the choices of its --format option}, for every command that has one."""
    group: Any = typer.main.get_command(app)
    found = {}
    for name, command in group.commands.items():
        for param in command.params:
            if "--format" in getattr(param, "opts", ()):
                found[name] = _choices(param)
    return found


def test_every_command_with_a_format_option_has_renderers() -> None:
    assert sorted(format_choices()) == sorted(RENDERERS)


@pytest.mark.parametrize("command", sorted(RENDERERS))
def test_a_command_offers_exactly_the_formats_it_renders(command: str) -> None:
    offered = format_choices()[command]
    for renderers in RENDERERS[command]:
        assert {_name(f) for f in renderers} == offered
        assert all(callable(render) for render in renderers.values())


def test_the_choices_are_read_from_the_command() -> None:
    # Guards the helper above: were it to read nothing, every comparison would pass vacuously.
    assert format_choices()["rank"] == {"table", "csv", "json", "markdown"}
    assert format_choices()["check"] == {"text", "github", "json"}
