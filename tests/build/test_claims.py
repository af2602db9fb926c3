"""The audit's claim checks: relationships whose quotes may not say what the edge says."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from civicgraph.build.audit import audit
from civicgraph.build.claims import ClaimFinding, check_relationship
from civicgraph.build.ingest import read_records
from civicgraph.build.records import Citation, Records, RelationshipRecord
from civicgraph.build.sources import Located, QuoteFinder, load_sources
from civicgraph.cli.data import render_text
from civicgraph.config import REPO_DIR
from civicgraph.model.ontology import Model, load_model
from tests.conftest import BUNDLED_DATA, MINI

ONTOLOGY = REPO_DIR / "ontology"


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    shutil.copytree(MINI, tmp_path / "data")
    return tmp_path / "data"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# the mini fixture's two quotes that leave an end unnamed, known by hand
MINI_FLAGS = {
    ("name-not-quoted", "clean-streets-network--operatesIn--villa-verde"),  # "in 2010 in Villa…"
    ("name-not-quoted", "img-group--memberOf--clean-streets-network"),  # "joined the Clean…"
}


def added(data: Path) -> list[ClaimFinding]:
    """What the checks find beyond the fixture's own two flags."""
    return [f for f in audit(data, ONTOLOGY).claims if (f.check, f.relationship) not in MINI_FLAGS]


def test_the_mini_fixture_flags_only_its_two_unnamed_ends(mini_copy: Path) -> None:
    found = audit(mini_copy, ONTOLOGY).claims
    assert {(f.check, f.relationship) for f in found} == MINI_FLAGS
    assert all("subject" in f.message for f in found)


def test_a_finding_read_again_is_explained_by_its_bullet_in_excluded(mini_copy: Path) -> None:
    fine = "img-group--memberOf--clean-streets-network"
    with (mini_copy / "EXCLUDED.md").open("a", encoding="utf-8") as out:
        out.write(f"\n- `{fine}` — the group is named two sentences before.\n")
    report = audit(mini_copy, ONTOLOGY)
    explained = {f.relationship: f.explained for f in report.claims}
    assert explained == {
        fine: "the group is named two sentences before.",
        "clean-streets-network--operatesIn--villa-verde": None,
    }
    assert report.unused_exclusions == []
    text = render_text(report)
    assert "name-not-quoted (1; 1 more explained in EXCLUDED.md):" in text
    assert fine not in text


def test_a_year_no_quote_states_is_flagged_at_its_line(mini_copy: Path) -> None:
    edit(mini_copy / "relationships" / "links.yaml", 'start: "2010"', 'start: "2009"')
    (found,) = added(mini_copy)
    assert found == ClaimFinding(
        "date-not-quoted",
        "ana-ruiz--founded--clean-streets-network--2009",
        found.file,
        4,
        "start 2009: no quote of this relationship contains 2009",
    )
    assert found.file.endswith("relationships/links.yaml")


def test_a_quote_that_names_neither_end_is_flagged(mini_copy: Path) -> None:
    edit(
        mini_copy / "relationships" / "links.yaml",
        '    - "The Clean Streets Network demands police reform"',
        '    - "Police reform is part of the Safe Towns Program"',
    )
    assert [(f.check, f.relationship, f.message) for f in added(mini_copy)] == [
        (
            "name-not-quoted",
            "clean-streets-network--demands--police-reform",
            "no quote names the subject clean-streets-network (by its label or an alias)",
        )
    ]


@pytest.fixture(scope="module")
def chapter_claims() -> list[ClaimFinding]:
    return audit(BUNDLED_DATA, ONTOLOGY).claims


def test_the_chapter_has_no_unquoted_date_and_ranges_count_their_second_year(
    chapter_claims: list[ClaimFinding],
) -> None:
    # "Mexico's 1994–95 peso devaluation" states the end year 1995 with two digits
    assert not [f for f in chapter_claims if f.check == "date-not-quoted"]


def test_every_chapter_finding_points_at_its_record(chapter_claims: list[ClaimFinding]) -> None:
    for found in chapter_claims:
        lines = (REPO_DIR / found.file).read_text(encoding="utf-8").splitlines()
        record_start = max(i for i in range(found.line) if lines[i].startswith("- "))
        record = "\n".join(lines[record_start : found.line + 12])
        subject = found.relationship.split("--")[0]
        assert subject in record, (found, record)


@pytest.fixture(scope="module")
def chapter_records() -> tuple[Model, Records]:
    model = load_model(ONTOLOGY)
    sources, _ = load_sources(BUNDLED_DATA / "sources")
    records, _, _ = read_records(BUNDLED_DATA, model, QuoteFinder(sources))
    return model, records


def relationship(records: Records, relationship_id: str) -> RelationshipRecord:
    (found,) = [r for r in records.relationships if r.id == relationship_id]
    return found


def test_relatives_are_not_recorded_as_victims_and_the_check_would_say_so(
    chapter_claims: list[ClaimFinding], chapter_records: tuple[Model, Records]
) -> None:
    assert not [f for f in chapter_claims if f.check == "relative-as-victim"]
    model, records = chapter_records
    entities = {e.id: e for e in records.entities}
    father = relationship(
        records, "alejandro-marti--relativeOfVictimOf--marti-kidnapping-and-murder"
    )
    assert father.role == "father"
    as_victim = replace(father, relation=model.relations["victimOf"])
    assert [f.check for f in check_relationship(as_victim, entities)] == ["relative-as-victim"]


def test_table_cells_cite_their_row_and_heading_and_the_check_would_say_so(
    chapter_claims: list[ClaimFinding], chapter_records: tuple[Model, Records]
) -> None:
    assert not [f for f in chapter_claims if f.check == "bare-table-cell"]
    demand = relationship(chapter_records[1], "judicial-reform-movement--demands--judicial-reform")
    assert any("Key Activities/Demands" in c.quote for c in demand.citations)
    cell = "Implementation of judicial reforms nationally and in each state"
    document = demand.citations[0].where.document
    start = document.text.index(cell)
    bare = replace(demand, citations=[Citation(cell, Located(document, start, start + len(cell)))])
    assert [f.check for f in check_relationship(bare, {})] == ["bare-table-cell"]


def test_every_chapter_finding_is_mended_or_explained(chapter_claims: list[ClaimFinding]) -> None:
    # a finding the second reading found right carries its reason from EXCLUDED.md
    assert [f.relationship for f in chapter_claims if f.explained is None] == []


def test_every_record_of_the_chapter_has_been_read_a_second_time(
    chapter_records: tuple[Model, Records],
) -> None:
    _, records = chapter_records
    items: list[Any] = [*records.entities, *records.relationships, *records.observations]
    unread = [(item.origin.file, item.origin.line) for item in items if item.review != "checked"]
    assert unread == []
