"""`prioritize schema`: the JSON Schema of a kind of workspace file, for editors and CI."""

from enum import StrEnum
from typing import Annotated

import typer

from prioritize.cli.common import guarded
from prioritize.cli.options import OutputOption


class SchemaKind(StrEnum):
    # The same names as prioritize.schemas.KINDS (a test keeps them in step); kept here so
    # that --help does not import pydantic.
    backlog = "backlog"
    criteria = "criteria"
    settings = "settings"
    votes = "votes"


@guarded
def schema(
    kind: Annotated[
        SchemaKind,
        typer.Option(
            "--kind",
            "-k",
            help="Which file: backlog, criteria, settings (prioritize.yaml) or votes.",
        ),
    ] = SchemaKind.backlog,
    output: OutputOption = None,
) -> None:
    """Print the JSON Schema of a workspace file, for editors (yaml-language-server) and CI."""
    from prioritize.cli.common import emit
    from prioritize.schemas import schema_text

    emit(schema_text(kind.value), output)
