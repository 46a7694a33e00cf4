"""Rich terminal output shared by the commands' tables: the console, colours, number cells."""

from __future__ import annotations

import io
import os
from typing import Any

from rich.console import Console, RenderableType
from rich.text import Text

from prioritize.render.formats import round_for_reading

RISK_STYLES = {"low": "green", "medium": "yellow", "high": "red"}


def render_to_text(
    renderables: list[RenderableType], *, color: bool, width: int | None = None
) -> str:
    """What the renderables print as, for stdout (colour when it is a terminal) or a file (never)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color or "NO_COLOR" in os.environ,
        width=width or _width(),
        highlight=False,
        soft_wrap=False,
    )
    for renderable in renderables:
        console.print(renderable)
    return buffer.getvalue()


def _width() -> int:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        return int(columns)
    try:
        return max(os.get_terminal_size().columns, 80)
    except OSError:
        return 120


def risk_text(risk: Any) -> Text:
    risk = risk if isinstance(risk, str) else ""
    return Text(risk, style=RISK_STYLES.get(risk, ""))


def number(value: Any, digits: int = 2) -> Text:
    return Text(round_for_reading(value, digits), justify="right")
