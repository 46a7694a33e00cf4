"""The output formats a user chooses between; imports nothing heavy, so `--help` can offer them.

Each report module maps every format to its renderer (`RANK_RENDERERS`, `TTV_RENDERERS`, ...);
tests/test_render_registry.py proves each command offers exactly the formats it can render.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum


class Format(StrEnum):
    """The `--format` choices of every tabular command."""

    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


class CheckFormat(StrEnum):
    """The `--format` choices of `check`: its findings as lines, workflow annotations or JSON."""

    text = "text"
    github = "github"
    json = "json"


# What a renderer returns: the whole text, or its pieces in order as they are drawn (a long
# table, so that it is never held whole). `cli.common.emit` writes either.
Rendered = str | Iterator[str]
