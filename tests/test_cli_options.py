"""The command line reads alike everywhere: one meaning per short option, no noise in --help."""

from __future__ import annotations

import typer.main

from conftest import run_cli
from prioritize.cli.app import app


def commands() -> dict[str, object]:
    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


def test_a_short_option_means_the_same_in_every_command() -> None:
    meaning: dict[str, set[str]] = {}
    for name, command in commands().items():
        for param in command.params:  # type: ignore[attr-defined]
            longs = [o for o in param.opts if o.startswith("--")]
            for short in (o for o in param.opts if not o.startswith("--")):
                meaning.setdefault(short, set()).update(f"{name}:{long}" for long in longs)
    clashes = {
        short: sorted(uses)
        for short, uses in meaning.items()
        if len({use.split(":")[1] for use in uses}) > 1
    }
    assert clashes == {}
    assert {use.split(":")[1] for use in meaning["-n"]} == {"--top"}


def test_help_shows_no_bool_metavar_on_flags() -> None:
    for name in commands():
        result = run_cli(name, "--help")
        assert result.exit_code == 0
        assert "<bool>" not in result.stdout, name
