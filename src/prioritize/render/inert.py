"""Text from files made inert for the place it is written: a terminal, a log, a spreadsheet, a wiki.

Data in backlog files is hostile until shown otherwise. What it holds may never act on its
reader: no control character reaches a terminal or a CI log raw (ESC, BEL and their kin
repaint screens and forge output), no line starts a GitHub Actions workflow command (`::`),
no CSV cell is read as a formula by a spreadsheet (OWASP's CSV injection), and no Markdown
cell breaks its table or hides rows behind raw HTML.
"""

from __future__ import annotations

import re

# C0 controls but tab and line feed, DEL, C1 controls, and the bidirectional overrides and
# isolates that reorder what a reader sees (Trojan Source).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return {9: "\\t", 10: "\\n", 13: "\\r"}.get(code) or (
        f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    )


def printable(text: str) -> str:
    """`text` with every control character but tab and line feed shown as an escape (`\\x1b`)."""
    return _CONTROL.sub(_escaped, text) if _CONTROL.search(text) else text


def one_line(text: str) -> str:
    """`text` as one printable line: line breaks and tabs escaped too."""
    return _CONTROL_OR_BREAK.sub(_escaped, text) if _CONTROL_OR_BREAK.search(text) else text


def log_line(text: str) -> str:
    """One line for stderr or a CI log: printable, and never a GitHub Actions workflow command."""
    line = one_line(text)
    return "%3A" + line[1:] if line.startswith("::") else line


# What a spreadsheet reads as the start of a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(text: str) -> str:
    """A CSV text cell a spreadsheet shows as text: a leading `'` where it would start a formula,
    other control characters escaped."""
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return printable(text)


def markdown_cell(text: str) -> str:
    """A Markdown table cell: one line, pipes escaped, no raw HTML, no control characters."""
    escaped = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
    return one_line(escaped.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))
