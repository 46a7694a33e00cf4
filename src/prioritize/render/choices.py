"""The output formats a user chooses between; imports nothing heavy, so `--help` can offer them.

Each report module maps every format to its renderer (`RANK_RENDERERS`, `TTV_RENDERERS`, ...);
tests/test_render_registry.py proves each command offers exactly the formats it can render.
"""

from __future__ import annotations

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
