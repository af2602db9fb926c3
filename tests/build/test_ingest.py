"""Bad input: every kind of mistake is reported at its file and line, all at once, exit 2,
and the previous store keeps answering."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from civicgraph.build.ingest import SLUG
from civicgraph.build.records import normalise_name, observation_id, relationship_id
from civicgraph.cli.app import app

runner = CliRunner()


def build_cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["build", *args])
    return result.exit_code, result.stderr


def append(path: Path, text: str) -> int:
    """Append a record; return the line number its first line will have."""
    before = path.read_text(encoding="utf-8")
    if not before.endswith("\n"):
        before += "\n"
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + 1


def assert_old_store_answers() -> None:
    result = runner.invoke(app, ["entity", "Ana Ruiz", "--json"])
    assert result.exit_code == 0, result.stderr
    assert '"id": "ana-ruiz"' in result.stdout


@pytest.fixture
def built(workdir: Path) -> Path:
    code, err = build_cli()
    assert code == 0, err
    return workdir


BAD_RECORDS = {
    "unknown type": (
        "entities/people.yaml",
        '- id: bob\n  type: Wizard\n  label: Bob\n  sources: ["Ana Ruiz"]\n',
        "unknown type 'Wizard'",
        1,
    ),
    "unknown relation": (
        "relationships/links.yaml",
        "- subject: ana-ruiz\n  predicate: admires\n  object: civic-fund\n"
        '  sources: ["The Civic Fund funds"]\n',
        "unknown predicate 'admires'",
        1,
    ),
    "missing citation": (
        "entities/people.yaml",
        "- id: bob-lee\n  type: Person\n  label: Bob Lee\n",
        "entity has no citation (sources)",
        0,
    ),
    "quote not in the text": (
        "entities/people.yaml",
        "- id: bob-lee\n  type: Person\n  label: Bob Lee\n  sources:\n"
        '    - "Bob Lee founded everything"\n',
        "quote not found verbatim in the sources: 'Bob Lee founded everything'",
        4,
    ),
    "ambiguous quote": (
        "entities/people.yaml",
        "- id: bob-lee\n  type: Person\n  label: Bob Lee\n  sources:\n"
        '    - "Clean Streets Network"\n',
        "quote is ambiguous: found",
        4,
    ),
    "dangling reference": (
        "relationships/links.yaml",
        "- subject: ana-ruiz\n  predicate: leads\n  object: nobody-here\n"
        '  sources: ["The Civic Fund funds"]\n',
        "leads object 'nobody-here' is not a known entity id",
        2,
    ),
    "duplicate id": (
        "entities/people.yaml",
        "- id: civic-fund\n  type: Person\n  label: Another Fund\n"
        '  sources: ["The Civic Fund funds"]\n',
        "duplicate id 'civic-fund' (first defined at data/entities/groups.yaml:",
        0,
    ),
    "a date that is not a date": (
        "relationships/links.yaml",
        "- subject: ana-ruiz\n  predicate: leads\n  object: clean-streets-network\n"
        '  start: "2010-13"\n  sources: ["The Civic Fund funds"]\n',
        "start '2010-13' is not a date",
        3,
    ),
    "wrong domain": (
        "relationships/links.yaml",
        "- subject: villa-verde\n  predicate: funds\n  object: clean-streets-network\n"
        '  sources: ["The Civic Fund funds"]\n',
        "funds subject 'villa-verde' is a Municipality, but it must be a Agent",
        0,
    ),
    "mistyped number": (
        "observations/thefts.yaml",
        '- dataset: table-a\n  measure: quantity\n  period: "2012"\n  value: 1205\n'
        '  sources: ["2010\\t1,204"]\n',
        "value 1,205 does not appear in any of its quotes",
        3,
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_RECORDS))
def test_bad_record_names_file_and_line_and_keeps_old_store(built: Path, kind: str) -> None:
    relative, record, message, line_offset = BAD_RECORDS[kind]
    first_line = append(built / "data" / relative, record)
    code, err = build_cli()
    assert code == 2
    assert f"data/{relative}:{first_line + line_offset}: {message}" in err, err
    assert "the previous store is untouched" in err
    assert "Traceback" not in err
    assert_old_store_answers()


def test_malformed_yaml_names_line(built: Path) -> None:
    path = built / "data" / "entities" / "people.yaml"
    first = append(path, "- id: broken\n  label: [unclosed\n  type: Person\n")
    code, err = build_cli()
    assert code == 2
    assert f"data/entities/people.yaml:{first + 2}: malformed YAML" in err, err
    assert_old_store_answers()


def test_every_error_at_once(built: Path) -> None:
    append(built / "data" / "entities" / "people.yaml", BAD_RECORDS["unknown type"][1])
    append(built / "data" / "relationships" / "links.yaml", BAD_RECORDS["dangling reference"][1])
    append(built / "data" / "observations" / "thefts.yaml", BAD_RECORDS["mistyped number"][1])
    code, err = build_cli()
    assert code == 2
    assert "unknown type 'Wizard'" in err
    assert "'nobody-here' is not a known entity id" in err
    assert "does not appear in any of its quotes" in err
    assert "3 problem(s)" in err


def test_source_text_must_match_its_digest(built: Path) -> None:
    text = built / "data" / "sources" / "mini.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("Ana", "Anna"), encoding="utf-8")
    code, err = build_cli()
    assert code == 2
    assert "data/sources/mini.yaml:6: sha256" in err
    assert_old_store_answers()


def test_unknown_field_is_reported(built: Path) -> None:
    first = append(
        built / "data" / "entities" / "people.yaml",
        "- id: bob-lee\n  type: Person\n  label: Bob Lee\n  birthday: 1970\n"
        '  sources: ["Ana Ruiz"]\n',
    )
    code, err = build_cli()
    assert code == 2
    assert f"data/entities/people.yaml:{first + 3}: unknown field 'birthday'" in err


def test_labels_must_be_unique_after_normalising(built: Path) -> None:
    append(
        built / "data" / "entities" / "people.yaml",
        '- id: ana-ruiz-2\n  type: Person\n  label: ANA RUÍZ\n  sources: ["Ana Ruiz"]\n',
    )
    code, err = build_cli()
    assert code == 2
    assert "label 'ANA RUÍZ' is not unique after normalising" in err


@given(st.text(max_size=40))
def test_normalise_name_is_idempotent(name: str) -> None:
    once = normalise_name(name)
    assert normalise_name(once) == once
    assert once == once.strip()


@given(st.from_regex(r"[A-Za-zÀ-ÿ ]{1,20}", fullmatch=True))
def test_normalise_name_ignores_case_and_accents(name: str) -> None:
    assert normalise_name(name.upper()) == normalise_name(name.lower())
    assert normalise_name("Ciudad Juárez") == normalise_name("ciudad juarez")


@given(st.from_regex(r"[a-z0-9]+(-[a-z0-9]+){0,3}", fullmatch=True))
def test_derived_ids_never_collide_with_entity_slugs(slug: str) -> None:
    derived = relationship_id(slug, "leads", slug, None)
    assert SLUG.match(slug)
    assert not SLUG.match(derived)
    assert not SLUG.match(observation_id(slug, "homicides", "2010/2011", {"place": slug}))
