"""Every --json answer validates against the JSON Schema kept in schemas/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from civicgraph.cli.app import app
from civicgraph.config import REPO_DIR

SCHEMAS = REPO_DIR / "schemas"
runner = CliRunner()

COMMANDS = {
    "entity": ["entity", "Javier Sicilia"],
    "path": ["path", "USAID", "Judicial reform", "--k", "3"],
    "centrality": ["centrality", "--metric", "betweenness", "--sample", "40", "--top", "5"],
    "stats": ["stats"],
    "reach": ["reach", "Isabel Miranda de Wallace"],
    "neighbours": ["neighbours", "network-for-oral-trials", "--depth", "2"],
    "communities": ["communities", "--seed", "7"],
    "brokers": ["brokers"],
    "audit": ["audit"],
}


def test_every_schema_is_a_valid_schema() -> None:
    names = sorted(p.name for p in SCHEMAS.glob("*.schema.json"))
    # suggest and review write data/review/, so tests/cli/test_suggest.py and
    # tests/cli/test_review.py validate them on a copy
    written = ["suggest.schema.json", "review.schema.json"]
    assert names == sorted([*(f"{c}.schema.json" for c in COMMANDS), *written])
    for path in SCHEMAS.glob("*.schema.json"):
        Draft202012Validator.check_schema(json.loads(path.read_text()))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_json_output_validates(name: str, chapter_store: Path) -> None:
    # audit reads data/, not the store: it takes no --store
    where = [] if name == "audit" else ["--store", str(chapter_store)]
    result = runner.invoke(app, [*COMMANDS[name], "--json", *where])
    assert result.exit_code == 0, result.stderr
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    errors = sorted(Draft202012Validator(schema).iter_errors(json.loads(result.stdout)), key=str)
    assert not errors, [e.message for e in errors[:5]]


def test_jsonl_export_lines_validate_as_entities(mini_store: Path) -> None:
    result = runner.invoke(app, ["export", "--format", "jsonl", "--store", str(mini_store)])
    schema = json.loads((SCHEMAS / "entity.schema.json").read_text())
    validator = Draft202012Validator(schema)
    for line in result.stdout.splitlines():
        assert not list(validator.iter_errors(json.loads(line)))
