"""`prioritize schema` and the committed schemas/*.schema.json: generated from the models, never apart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT, run_cli
from prioritize import yamlio
from prioritize.cli.schema import SchemaKind
from prioritize.models import Item
from prioritize.schemas import KINDS, schema, schema_text

SCHEMAS = REPO_ROOT / "schemas"


def regenerate(kind: str) -> str:
    return f"prioritize schema --kind {kind} > schemas/{kind}.schema.json"


def objects(node: Any) -> list[dict[str, Any]]:
    """Every JSON object inside a schema, the schema itself first."""
    found: list[dict[str, Any]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            found.append(current)
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_the_committed_schema_matches_the_models(kind: str) -> None:
    committed = SCHEMAS / f"{kind}.schema.json"
    assert committed.is_file(), (
        f"schemas/{kind}.schema.json is missing; generate it: {regenerate(kind)}"
    )
    assert committed.read_text(encoding="utf-8") == schema_text(kind), (
        f"schemas/{kind}.schema.json no longer matches the models in src/prioritize/models.py; "
        f"regenerate it at the repository root with: {regenerate(kind)}"
    )


def test_there_is_a_committed_schema_for_every_kind_and_no_other() -> None:
    assert sorted(p.name for p in SCHEMAS.glob("*.json")) == sorted(
        f"{k}.schema.json" for k in KINDS
    )


def test_the_cli_kinds_are_the_schema_kinds() -> None:
    assert tuple(k.value for k in SchemaKind) == KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_the_command_prints_the_schema(kind: str, tmp_path: Path) -> None:
    result = run_cli("schema", "--kind", kind, cwd=tmp_path)  # no workspace needed
    assert result.exit_code == 0, result.stderr
    assert result.stdout == schema_text(kind)
    assert json.loads(result.stdout) == schema(kind)


def test_backlog_is_the_default_and_output_writes_a_file(tmp_path: Path) -> None:
    assert run_cli("schema", cwd=tmp_path).stdout == schema_text("backlog")
    out = tmp_path / "criteria.schema.json"
    result = run_cli("schema", "-k", "criteria", "--output", out, cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8") == schema_text("criteria")


def test_an_unknown_kind_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("schema", "--kind", "items", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stdout == ""
    with pytest.raises(ValueError, match="unknown kind"):
        schema("items")


@pytest.mark.parametrize("kind", KINDS)
def test_every_schema_names_its_dialect_and_title(kind: str) -> None:
    generated = schema(kind)
    assert list(generated)[:2] == ["$schema", "title"]
    assert generated["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert generated["title"].startswith("prioritize ")


def test_a_backlog_file_is_the_list_form_or_a_single_item() -> None:
    generated = schema("backlog")
    assert generated["anyOf"] == [{"$ref": "#/$defs/BacklogFile"}, {"$ref": "#/$defs/Item"}]
    defs = generated["$defs"]
    assert set(defs["BacklogFile"]["properties"]) == {"value_pools", "items"}
    assert set(defs["Item"]["properties"]) == set(Item.model_fields)
    assert defs["Item"]["required"] == ["id", "title", "pool"]
    assert defs["Item"]["properties"]["status"]["enum"] == [
        "idea",
        "proposed",
        "ready",
        "in-progress",
        "done",
        "dropped",
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_unknown_keys_are_refused_except_x_keys(kind: str) -> None:
    generated = schema(kind)
    closed = [o for o in objects(generated) if o.get("additionalProperties") is False]
    for node in closed:
        assert node["patternProperties"] == {"^x-": {}}, node.get("title")
    if kind == "backlog":
        assert {"BacklogFile", "Item", "ValuePool", "Evidence"} <= {o.get("title") for o in closed}
    else:
        assert generated["additionalProperties"] is False


def test_ids_carry_their_pattern() -> None:
    item = schema("backlog")["$defs"]["Item"]["properties"]
    assert item["id"].get("pattern") == r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
    assert item["depends_on"]["items"].get("pattern") == r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


# --- the schemas against real files (only where jsonschema happens to be installed) ----------


def as_json(data: Any) -> Any:
    """YAML data as a JSON document holds it: dates as text, every key as text."""
    return json.loads(json.dumps(data, default=str))


def sample_files() -> list[tuple[str, Path]]:
    files = [("backlog", p) for p in sorted((REPO_ROOT / "backlogs").rglob("*.y*ml"))]
    files += [("criteria", p) for p in sorted((REPO_ROOT / "criteria").glob("*.y*ml"))]
    files += [
        ("criteria", p)
        for p in sorted((REPO_ROOT / "src" / "prioritize" / "presets").glob("*.yaml"))
    ]
    files += [("votes", p) for p in sorted((REPO_ROOT / "votes").glob("*.y*ml"))]
    if (REPO_ROOT / "prioritize.yaml").is_file():
        files.append(("settings", REPO_ROOT / "prioritize.yaml"))
    return files


@pytest.fixture(scope="module")
def validators() -> dict[str, Any]:
    jsonschema = pytest.importorskip("jsonschema")
    found = {}
    for kind in KINDS:
        jsonschema.Draft202012Validator.check_schema(schema(kind))
        found[kind] = jsonschema.Draft202012Validator(schema(kind))
    return found


@pytest.mark.parametrize(
    ("kind", "path"),
    sample_files(),
    ids=[p.relative_to(REPO_ROOT).as_posix() for _, p in sample_files()],
)
def test_the_sample_workspace_conforms(validators: dict[str, Any], kind: str, path: Path) -> None:
    data = as_json(yamlio.read(path))
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validators[kind].iter_errors(data)
    ]
    assert errors == []


def test_the_backlog_schema_tells_good_from_bad(validators: dict[str, Any]) -> None:
    backlog = validators["backlog"]
    item = {
        "id": "A-1",
        "title": "First",
        "pool": "p",
        "x-jira": "A-1",
        "evidence": {"as_of": "2026-01-01"},
    }
    assert backlog.is_valid(item)
    assert backlog.is_valid(
        {"value_pools": [{"id": "p", "name": "P", "x-owner": "me"}], "items": [item]}
    )
    assert backlog.is_valid({})
    assert not backlog.is_valid({**item, "colour": "blue"})
    assert not backlog.is_valid({**item, "status": "later"})
    assert not backlog.is_valid({**item, "effort": "5"})
    assert not backlog.is_valid({"id": "A-1", "pool": "p"})
    assert not backlog.is_valid({"itmes": []})
    assert not backlog.is_valid({"items": [{**item, "efort": 3}]})
