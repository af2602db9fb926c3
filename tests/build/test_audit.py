"""`civicgraph audit`: what the sources name that no citation or entity covers, on the mini
fixture (every finding known by hand) and on the chapter (the acceptance of the curation)."""

from __future__ import annotations

import difflib
import json
import shutil
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from civicgraph.build.audit import (
    EXCLUDED_FILE,
    NEAR_DUPLICATE_RATIO,
    AuditReport,
    Spans,
    _unqualified,
    audit,
    find_mentions,
    find_near_duplicates,
    read_exclusions,
)
from civicgraph.build.ingest import read_records
from civicgraph.build.records import normalise_name
from civicgraph.build.sources import QuoteFinder, load_sources
from civicgraph.cli.app import app
from civicgraph.config import REPO_DIR
from civicgraph.model.ontology import load_model
from tests.conftest import BUNDLED_DATA, MINI

ONTOLOGY = REPO_DIR / "ontology"
runner = CliRunner()


@pytest.fixture(scope="module")
def chapter_audit() -> AuditReport:
    return audit(BUNDLED_DATA, ONTOLOGY)


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    shutil.copytree(MINI, tmp_path / "data")
    return tmp_path / "data"


def texts(findings: list) -> set[str]:  # type: ignore[type-arg]
    return {f.text for f in findings}


# ---------------------------------------------------------------- the mini fixture


def test_mini_reports_the_uncited_table_headings() -> None:
    report = audit(MINI, ONTOLOGY)
    assert texts(report.uncited) == {"Year", "Thefts"}
    assert report.not_entities == [] and report.excluded == []
    assert report.coverage["number"] == {
        "distinct": 5,
        "covered": 5,
        "occurrences": 6,
        "covered_occurrences": 6,
    }
    assert {s["id"] for s in report.single_citation} == {
        "ana-ruiz",
        "civic-fund",
        "clean-streets-network",
        "img-group",
        "police-reform",
        "safe-towns-program",
        "table-a",
        "villa-verde",
    }
    assert report.shared_names == [] and report.near_duplicates == []


def test_a_name_whose_citation_is_removed_becomes_uncited(mini_copy: Path) -> None:
    for path in (
        mini_copy / "entities" / "things.yaml",
        mini_copy / "relationships" / "links.yaml",
    ):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("part of the Safe Towns Program", "part of the"))
    report = audit(mini_copy, ONTOLOGY)
    uncited = {f.text: f for f in report.uncited}
    assert "Safe Towns Program" in uncited
    occurrence = uncited["Safe Towns Program"].occurrences[0]
    source = (mini_copy / "sources" / "mini.txt").read_text(encoding="utf-8")
    assert source[occurrence.start : occurrence.end] == "Safe Towns Program"
    assert (occurrence.line, occurrence.region) == (3, "body")


def test_an_uncited_number_is_reported_at_its_occurrence(mini_copy: Path) -> None:
    thefts = mini_copy / "observations" / "thefts.yaml"
    records = thefts.read_text(encoding="utf-8").split("\n- ")
    thefts.write_text(records[0] + "\n")  # keep the first observation only
    report = audit(mini_copy, ONTOLOGY)
    numbers = {f.text for f in report.uncited if f.kind == "number"}
    assert "987" in numbers


def test_exclusions_set_names_aside_and_unused_ones_are_reported(mini_copy: Path) -> None:
    (mini_copy / "EXCLUDED.md").write_text(
        "# Exclusions\n\n"
        "    - `Thefts` — an indented example is not an exclusion\n"
        "- `Year` — column heading of Table A\n"
        "- `Thefts` — column heading of Table A\n"
        "- `Nowhere Town` — matches nothing\n"
        "- `ana-ruiz` / `civic-fund` — a pair reviewed as distinct\n"
        "- not an exclusion: prose\n",
        encoding="utf-8",
    )
    exclusions = read_exclusions(mini_copy / "EXCLUDED.md")
    assert exclusions.names == {
        "year": "column heading of Table A",
        "thefts": "column heading of Table A",
        "nowhere town": "matches nothing",
    }
    assert exclusions.pairs == {
        frozenset({"ana-ruiz", "civic-fund"}): "a pair reviewed as distinct"
    }
    report = audit(mini_copy, ONTOLOGY)
    assert report.uncited == []
    assert {(f.text, f.excluded) for f in report.excluded} == {
        ("Year", "column heading of Table A"),
        ("Thefts", "column heading of Table A"),
    }
    assert report.unused_exclusions == ["nowhere town"]


def test_shared_names_and_near_duplicates_are_found_and_can_be_reviewed(mini_copy: Path) -> None:
    people = mini_copy / "entities" / "people.yaml"
    people.write_text(
        people.read_text(encoding="utf-8").replace("aliases: [Ruiz]", "aliases: [Ruiz, Civic Fund]")
    )
    report = audit(mini_copy, ONTOLOGY)
    assert report.shared_names == [
        {"name": "civic fund", "ids": ["ana-ruiz", "civic-fund"], "reviewed": False, "reasons": []}
    ]
    assert report.near_duplicates == [
        {"ids": ["ana-ruiz", "civic-fund"], "ratio": 1.0, "reviewed": False}
    ]
    (mini_copy / "EXCLUDED.md").write_text("- `civic-fund` / `ana-ruiz` — checked\n")
    report = audit(mini_copy, ONTOLOGY)
    assert report.shared_names[0]["reviewed"] and report.near_duplicates[0]["reviewed"]


def test_cli_audit_json_and_text(mini_copy: Path) -> None:
    result = runner.invoke(app, ["audit", "--data", str(mini_copy), "--json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {
        "coverage",
        "uncited",
        "not_entities",
        "excluded",
        "single_citation",
        "shared_names",
        "near_duplicates",
        "unused_exclusions",
        "claims",
        "contradictions",
    }
    assert report["contradictions"] == []
    assert {f["text"] for f in report["uncited"]} == {"Year", "Thefts"}
    assert report["uncited"][0]["occurrences"][0]["document"] == "mini.txt"
    result = runner.invoke(app, ["audit", "--data", str(mini_copy)])
    assert result.exit_code == 0
    assert "uncited names and numbers (2):" in result.stdout
    assert "'Year'  mini.txt:8 (table)" in result.stdout


def test_cli_audit_of_broken_data_fails_cleanly(mini_copy: Path) -> None:
    people = mini_copy / "entities" / "people.yaml"
    people.write_text(
        people.read_text(encoding="utf-8").replace("Ana Ruiz founded", "Ana R. founded")
    )
    result = runner.invoke(app, ["audit", "--data", str(mini_copy)])
    assert result.exit_code == 2
    assert "quote not found verbatim" in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- the chapter


def test_chapter_every_name_and_number_is_cited_or_excluded(chapter_audit: AuditReport) -> None:
    assert [f.text for f in chapter_audit.uncited] == []
    coverage = chapter_audit.coverage["number"]
    assert coverage["covered_occurrences"] == coverage["occurrences"] > 300


def test_chapter_every_cited_name_is_an_entity_or_excluded(chapter_audit: AuditReport) -> None:
    assert [f.text for f in chapter_audit.not_entities] == []
    assert chapter_audit.unused_exclusions == []
    # exclusions never hide a body-text name of an actor: the excluded ones are listed by kind
    excluded = {normalise_name(f.text) for f in chapter_audit.excluded}
    for name in ("usaid", "freedom house", "tijuana", "mesas de seguridad", "merida initiative"):
        assert name not in excluded


def test_chapter_duplicates_are_reviewed(chapter_audit: AuditReport) -> None:
    assert all(s["reviewed"] for s in chapter_audit.shared_names), chapter_audit.shared_names
    assert all(d["reviewed"] for d in chapter_audit.near_duplicates)
    shared = {s["name"]: s["ids"] for s in chapter_audit.shared_names}
    assert shared["chihuahua"] == ["chihuahua-city", "chihuahua-state"]


def test_chapter_single_citation_entities_are_listed(chapter_audit: AuditReport) -> None:
    single = {s["id"] for s in chapter_audit.single_citation}
    assert "uruapan" in single  # in Table 1 once, and nowhere else
    assert "tijuana" not in single and "javier-sicilia" not in single


def test_chapter_mentions_point_at_their_words() -> None:
    documents, problems = load_sources(BUNDLED_DATA / "sources")
    assert not problems
    for document in documents:
        for finding in find_mentions(document, []):
            for occurrence in finding.occurrences:
                words = document.text[occurrence.start : occurrence.end]
                if finding.kind == "name":
                    assert normalise_name(words) == finding.key
                else:
                    assert words == finding.text
                assert not occurrence.covered


def test_chapter_known_names_are_found() -> None:
    documents, _ = load_sources(BUNDLED_DATA / "sources")
    keys = {f.key for f in find_mentions(documents[0], []) if f.kind == "name"}
    # "and" never joins two names: "Calderón and Bush" are two, so the movement is split too
    for name in (
        "movement for peace with justice",
        "plan estrategico de juarez",
        "isabel miranda de wallace",
        "usaid",
        "knights templar organization",
        "woodrow wilson international center for scholars",
    ):
        assert name in keys, name
    # sentence openers are not names
    assert not keys & {"however", "indeed", "fortunately", "the"}


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 20)), max_size=30),
    st.integers(0, 70),
    st.integers(0, 10),
)
def test_a_stretch_is_covered_exactly_when_one_cited_span_holds_it(
    spans: list[tuple[int, int]], start: int, length: int
) -> None:
    cited = [(s, s + n) for s, n in spans]
    expected = any(s <= start and start + length <= e for s, e in cited)
    assert Spans(cited).cover(start, start + length) == expected


def test_near_duplicates_are_the_pairs_a_comparison_of_every_pair_finds() -> None:
    sources, _ = load_sources(BUNDLED_DATA / "sources")
    records, _, _ = read_records(BUNDLED_DATA, load_model(ONTOLOGY), QuoteFinder(sources))
    exclusions = read_exclusions(BUNDLED_DATA / EXCLUDED_FILE)
    found = {tuple(f["ids"]) for f in find_near_duplicates(records, exclusions)}
    names = {
        e.id: {
            _unqualified(n) for n in [e.label, *([e.label_es] if e.label_es else []), *e.aliases]
        }
        for e in records.entities
    }
    every = {
        (a, b)
        for (a, na), (b, nb) in combinations(sorted(names.items()), 2)
        if max(difflib.SequenceMatcher(None, x, y).ratio() for x in na for y in nb)
        >= NEAR_DUPLICATE_RATIO
    }
    assert found == every and found  # the same pairs, and some to find
