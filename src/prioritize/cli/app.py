"""The Typer app: global options, the commands, and `main`, the console script."""

import gc
from typing import Annotated

import typer

from prioritize import __version__
from prioritize.cli import (
    check,
    coverage,
    diff,
    explain,
    forecast,
    import_,
    init,
    outcomes,
    pools,
    rank,
    report,
    schema,
    sensitivity,
    ttv,
    votes,
)

app = typer.Typer(
    name="prioritize",
    help="Rank a public-service backlog by agreed criteria over functional, operational and experience evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: it fits any terminal, shows no <bool> metavar on flags, and needs no Rich.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"prioritize {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback for unexpected errors.")
    ] = False,
) -> None:
    from prioritize.cli.common import DEBUG

    DEBUG["on"] = debug


# Typer reads every command's signature at each run. The command modules therefore evaluate
# their annotations as they are defined (no `from __future__ import annotations`; names known
# only to type checkers are quoted): Typer evaluating them from text cost some 30 ms a run.
app.command("rank")(rank.rank)
app.command("ttv")(ttv.ttv)
app.command("forecast")(forecast.forecast)
app.command("check")(check.check)
app.command("pools")(pools.pools)
app.command("outcomes")(outcomes.outcomes)
app.command("coverage")(coverage.coverage)
app.command("explain")(explain.explain)
app.command("sensitivity")(sensitivity.sensitivity)
app.command("votes")(votes.votes)
app.command("diff")(diff.diff)
app.command("import")(import_.import_)
app.command("init")(init.init)
app.command("schema")(schema.schema)
app.command("report")(report.report)


def main() -> None:
    # Reading a workspace builds millions of small containers and next to no cycles: the
    # default threshold collected every 700 of them, a sixth of a large command's time.
    gc.set_threshold(100_000, 50, 100)
    app()
