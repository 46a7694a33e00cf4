"""The CSV formats `import` reads: which header names mean which item field, and workflow states.

Pure data and lookups. `csv` is prioritize's own CSV (an id column, item fields, dotted paths);
`jira` and `azure-devops` are those tools' standard CSV exports as downloaded, of which only
the columns below are read and every other column is ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


def header_key(name: str) -> str:
    """A header name as it is matched: trimmed, case-insensitive, inner spaces collapsed."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Format:
    """A CSV format: its columns (header key -> item field) and its workflow states.

    `columns` lists, per item field, the header names that carry it, the preferred first; where
    an export has several of them, the first of those names present in the header is read.
    `states` maps each workflow state (header_key form) to a status; None: the cell is the
    status itself. `others_ignored`: columns not in `columns` are skipped (an export carries
    dozens), instead of being read as dotted paths.
    """

    name: str
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    states: Mapping[str, str] | None = None
    others_ignored: bool = False
    id_label: str = "id"

    def field_of(self, header: Sequence[str]) -> dict[int, str]:
        """{column index: item field} for the columns this format reads, the first of each kind."""
        by_key: dict[str, int] = {}
        for index, name in enumerate(header):
            by_key.setdefault(header_key(name), index)
        found: dict[int, str] = {}
        for item_field, names in self.columns.items():
            for name in names:
                if name in by_key:
                    found[by_key[name]] = item_field
                    break
        return found

    def label(self, item_field: str) -> str:
        """The header name this format gives `item_field` (for messages)."""
        names = self.columns.get(item_field)
        return _TITLE_CASE.get(names[0], names[0]) if names else item_field


# Workflow states to statuses (docs/reference.md, `import --from`). Case-insensitive.
STATES: dict[str, str] = {
    **dict.fromkeys(["to do", "backlog", "open", "new"], "proposed"),
    **dict.fromkeys(["selected for development", "ready", "approved", "committed"], "ready"),
    **dict.fromkeys(["in progress", "active"], "in-progress"),
    **dict.fromkeys(["done", "closed", "resolved"], "done"),
    **dict.fromkeys(["won't do", "removed", "cancelled"], "dropped"),
}

# How the exports spell the states and columns, for messages.
_TITLE_CASE = {
    "to do": "To Do",
    "backlog": "Backlog",
    "open": "Open",
    "new": "New",
    "selected for development": "Selected for Development",
    "ready": "Ready",
    "approved": "Approved",
    "committed": "Committed",
    "in progress": "In Progress",
    "active": "Active",
    "done": "Done",
    "closed": "Closed",
    "resolved": "Resolved",
    "won't do": "Won't Do",
    "removed": "Removed",
    "cancelled": "Cancelled",
    "issue key": "Issue key",
    "summary": "Summary",
    "status": "Status",
    "story points": "Story Points",
    "custom field (story points)": "Custom field (Story Points)",
    "id": "ID",
    "title": "Title",
    "state": "State",
    "effort": "Effort",
}


def known_states() -> str:
    """The states STATES knows, as the exports spell them, for a message."""
    return ", ".join(_TITLE_CASE[state] for state in STATES)


PLAIN = Format("csv")
JIRA = Format(
    "jira",
    columns={
        "id": ("issue key",),
        "title": ("summary",),
        "status": ("status",),
        "effort": ("story points", "custom field (story points)"),
    },
    states=STATES,
    others_ignored=True,
    id_label="Issue key",
)
AZURE_DEVOPS = Format(
    "azure-devops",
    columns={
        "id": ("id",),
        "title": ("title",),
        "status": ("state",),
        "effort": ("effort", "story points"),
    },
    states=STATES,
    others_ignored=True,
    id_label="ID",
)

FORMATS: dict[str, Format] = {f.name: f for f in (PLAIN, JIRA, AZURE_DEVOPS)}
