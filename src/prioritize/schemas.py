"""JSON Schemas of the workspace files, generated from the pydantic models, for editors and CI."""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from prioritize.models import BacklogFile, CriteriaSet, Item, Settings, Votes

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS = ("backlog", "criteria", "settings", "votes")

_TITLES = {
    "backlog": "prioritize backlog file",
    "criteria": "prioritize criteria set",
    "settings": "prioritize workspace settings (prioritize.yaml)",
    "votes": "prioritize votes file",
}
_DESCRIPTIONS = {
    "backlog": "A file below backlogs/: value_pools and items, or a single item as the top-level mapping.",
    "criteria": "A file in criteria/: one criteria set, named by the file's stem.",
    "settings": "prioritize.yaml at the workspace root.",
    "votes": "A file in votes/: one stakeholder's judgement scores, {ITEM_ID: {CRITERION_ID: value}}.",
}
_MODELS: dict[str, Any] = {
    # The loader reads a mapping with an `id` as one item, any other mapping as the list form.
    "backlog": BacklogFile | Item,
    "criteria": CriteriaSet,
    "settings": Settings,
    "votes": Votes,
}
EXTENSION_KEYS = "^x-"


def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one kind of file in KINDS; a new dict on each call.

    Unknown keys are refused as the loader refuses them, except `x-` extension keys.
    """
    if kind not in _MODELS:
        raise ValueError(f"unknown kind of file {kind!r}; one of {', '.join(KINDS)}")
    generated = TypeAdapter(_MODELS[kind]).json_schema(mode="validation")
    generated.pop("title", None)
    generated.pop("description", None)  # the model's docstring speaks to developers
    head = {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": _TITLES[kind],
        "description": _DESCRIPTIONS[kind],
    }
    result: dict[str, Any] = {**head, **generated}
    _allow_extension_keys(result)
    return result


def schema_text(kind: str) -> str:
    """The schema as the committed schemas/KIND.schema.json holds it: indented JSON, final newline."""
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"


def _allow_extension_keys(node: Any) -> None:
    """Wherever unknown keys are refused, let `x-` keys through, as models.Model does."""
    if isinstance(node, dict):
        if node.get("additionalProperties") is False:
            node["patternProperties"] = {EXTENSION_KEYS: {}}
        for value in node.values():
            _allow_extension_keys(value)
    elif isinstance(node, list):
        for value in node:
            _allow_extension_keys(value)


__all__ = ["KINDS", "schema", "schema_text"]
