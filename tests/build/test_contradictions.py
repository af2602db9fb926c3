"""Records from different documents that disagree on a date, a relation or a value are
contradictions: the audit lists them, and a record from the same document, an undated one or
one of another role disagrees with nothing."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from civicgraph.build.audit import audit
from civicgraph.build.contradictions import disagreement_triples, find_contradictions
from civicgraph.cli.app import app
from civicgraph.config import REPO_DIR
from civicgraph.model.ontology import load_model
from tests.conftest import BUNDLED_DATA
from tests.two_sources import (
    DEMANDS,
    FOUNDED_2010,
    FOUNDED_2011,
    OPPOSED,
    THEFTS_2010,
    THEFTS_2010_SECOND,
    read,
    two_sources,
)

ONTOLOGY = REPO_DIR / "ontology"
runner = CliRunner()


def test_the_ontology_declares_supports_and_demands_incompatible_with_opposed() -> None:
    model = load_model(ONTOLOGY)
    assert model.incompatible("supports", "opposed") and model.incompatible("opposed", "demands")
    assert not model.incompatible("supports", "funds")


def test_audit_lists_a_date_a_relation_and_a_value_contradiction(tmp_path: Path) -> None:
    data = two_sources(tmp_path / "data")
    report = audit(data, ONTOLOGY)
    found = {c.kind: c.to_json() for c in report.contradictions}
    assert sorted(found) == ["date", "relation", "value"]
    assert found["date"]["ids"] == [FOUNDED_2010, FOUNDED_2011]
    assert found["relation"]["ids"] == [DEMANDS, OPPOSED]
    # files are read in name order: observations/second.yaml comes before thefts.yaml
    assert found["value"]["ids"] == [THEFTS_2010_SECOND, THEFTS_2010]
    first, second = found["date"]["records"]
    assert first == {
        "id": FOUNDED_2010,
        "file": str(data / "relationships" / "links.yaml"),
        "line": 1,
        "documents": ["mini.txt"],
        "says": "start 2010",
    }
    assert (second["file"], second["line"], second["documents"], second["says"]) == (
        str(data / "relationships" / "second.yaml"),
        1,
        ["second.txt"],
        "start 2011",
    )
    relation, value = found["relation"]["message"], found["value"]["message"]
    assert relation == "relation: demands (mini.txt) against opposed (second.txt)"
    assert value == "value: 1,240 (second.txt) against 1,204 (mini.txt)"


def test_cli_audit_shows_contradictions_in_json_and_text(tmp_path: Path) -> None:
    data = two_sources(tmp_path / "data")
    result = runner.invoke(app, ["audit", "--data", str(data), "--json"])
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    schema = json.loads((REPO_DIR / "schemas" / "audit.schema.json").read_text())
    assert not list(Draft202012Validator(schema).iter_errors(answer))
    contradictions = answer["contradictions"]
    assert [c["kind"] for c in contradictions] == ["value", "date", "relation"]  # by file
    result = runner.invoke(app, ["audit", "--data", str(data)])
    assert "Contradictions: sources that disagree (3):" in result.stdout
    date = "  date: start 2010 (mini.txt) against start 2011 (second.txt)\n"
    date += f"    {data}/relationships/links.yaml:1: {FOUNDED_2010}\n"
    date += f"    {data}/relationships/second.yaml:1: {FOUNDED_2011}\n"
    assert date in result.stdout


def test_each_contradiction_is_written_both_ways(tmp_path: Path) -> None:
    records = read(two_sources(tmp_path / "data"))
    triples = disagreement_triples(find_contradictions(records, load_model(ONTOLOGY)))
    lines = triples.splitlines()
    assert len(lines) == 6 and len(set(lines)) == 6
    assert all("<https://w3id.org/civicgraph/ontology#disagreesWith>" in line for line in lines)


def add_relationships(data: Path, text: str) -> Path:
    (data / "relationships" / "more.yaml").write_text(text, encoding="utf-8")
    return data


def test_what_is_not_a_contradiction(tmp_path: Path) -> None:
    """A date of the same year or no date at all, another date basis, another role, another
    date from the same document, and compatible relations disagree with nothing."""
    data = two_sources(tmp_path / "data")
    for name in ("second.yaml",):
        (data / "relationships" / name).unlink()
    (data / "observations" / "second.yaml").unlink()
    add_relationships(
        data,
        """\
- subject: ana-ruiz
  predicate: founded
  object: clean-streets-network
  start: "2010-05"
  sources:
    - "The Clean Streets Network was founded by Ana Ruiz in 2011"
- subject: ana-ruiz
  predicate: founded
  object: clean-streets-network
  sources:
    - "The Clean Streets Network was founded by Ana Ruiz"
- subject: ana-ruiz
  predicate: founded
  object: clean-streets-network
  start: "2009"
  date_basis: within
  sources:
    - "Ana Ruiz in 2011"
- subject: ana-ruiz
  predicate: leads
  object: clean-streets-network
  start: "2011"
  role: treasurer
  sources:
    - "founded by Ana Ruiz in 2011"
- subject: ana-ruiz
  predicate: leads
  object: clean-streets-network
  start: "2015"
  role: president
  sources:
    - "Ana Ruiz founded"
- subject: ana-ruiz
  predicate: leads
  object: clean-streets-network
  start: "2016"
  role: Treasurer
  sources:
    - "The Civic Fund gave grants"
- subject: clean-streets-network
  predicate: supports
  object: police-reform
  sources:
    - "The Clean Streets Network opposed"
""",
    )
    records = read(data)
    assert find_contradictions(records, load_model(ONTOLOGY)) == []


def test_the_bundled_data_has_no_contradictions() -> None:
    assert find_contradictions(read(BUNDLED_DATA), load_model(ONTOLOGY)) == []
