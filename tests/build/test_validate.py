"""SHACL shapes catch what record-level checks cannot, and report at the record's line."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicgraph.build.records import Origin
from civicgraph.build.validate import ShapeChecker, check_shapes
from civicgraph.config import REPO_DIR
from civicgraph.errors import StoreError

ONTOLOGY = REPO_DIR / "ontology"
CIV = "https://w3id.org/civicgraph/ontology#"
ID = "https://w3id.org/civicgraph/id/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


def triples(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def source_and_citation(start: int, end: int) -> list[str]:
    return [
        f"<{ID}doc> {RDF_TYPE} <{CIV}SourceDocument> .",
        f'<{ID}doc> <{CIV}path> "doc.txt" .',
        f'<{ID}doc> <{CIV}sha256> "{"a" * 64}" .',
        f'<{ID}doc> <http://purl.org/dc/terms/title> "Doc"@en .',
        f"<{ID}cite-1> {RDF_TYPE} <{CIV}Citation> .",
        f'<{ID}cite-1> <{CIV}quote> "words" .',
        f'<{ID}cite-1> <{CIV}charStart> "{start}"^^<http://www.w3.org/2001/XMLSchema#integer> .',
        f'<{ID}cite-1> <{CIV}charEnd> "{end}"^^<http://www.w3.org/2001/XMLSchema#integer> .',
        f"<{ID}cite-1> <http://purl.org/dc/terms/source> <{ID}doc> .",
    ]


def test_a_conforming_graph_has_no_problems() -> None:
    data = triples(
        *source_and_citation(0, 5),
        f"<{ID}ana> {RDF_TYPE} <{CIV}Person> .",
        f'<{ID}ana> {LABEL} "Ana"@en .',
        f"<{ID}ana> <{CIV}citation> <{ID}cite-1> .",
        f"<{ID}ana> <{CIV}review> <{CIV}checked> .",
    )
    assert check_shapes(data, ONTOLOGY, {}) == []


def test_violations_are_reported_at_the_record_that_made_them() -> None:
    data = triples(
        *source_and_citation(9, 5),
        f"<{ID}ana> {RDF_TYPE} <{CIV}GovernmentAgency> .",  # a subclass: shapes still apply
        f'<{ID}ana> {LABEL} "Ana"@es .',
        f'<{ID}ana> {LABEL} "Ana B"@es .',
    )
    origins = {
        f"{ID}ana": Origin("data/entities/x.yaml", 7),
        f"{ID}cite-1": Origin("data/entities/x.yaml", 3),
    }
    problems = [str(p) for p in check_shapes(data, ONTOLOGY, origins)]
    assert "data/entities/x.yaml:7: ana: needs exactly one English rdfs:label (label)" in problems
    assert "data/entities/x.yaml:7: ana: needs at least one citation (citation)" in problems
    assert "data/entities/x.yaml:7: ana: has more than one Spanish rdfs:label (label)" in problems
    assert (
        "data/entities/x.yaml:3: cite-1: start offset must be before end offset (charStart)"
        in problems
    )


def test_the_child_process_reports_what_check_shapes_reports() -> None:
    data = triples(
        *source_and_citation(9, 5),
        f"<{ID}ana> {RDF_TYPE} <{CIV}Person> .",
        f'<{ID}ana> {LABEL} "Ana"@es .',
    )
    origins = {f"{ID}ana": Origin("data/entities/x.yaml", 7)}
    with ShapeChecker(ONTOLOGY) as checker:
        checker.send(data)
        found = checker.problems(origins)
    assert found == check_shapes(data, ONTOLOGY, origins)
    assert "data/entities/x.yaml:7: ana: needs at least one citation (citation)" in map(str, found)
    assert checker.process.returncode == 0


def test_a_child_that_fails_says_why(tmp_path: Path) -> None:
    with ShapeChecker(tmp_path / "no-ontology") as checker:
        checker.send(triples(f"<{ID}ana> {RDF_TYPE} <{CIV}Person> ."))
        with pytest.raises(StoreError, match=r"the SHACL check stopped: .*civicgraph\.ttl"):
            checker.problems({})


def test_a_child_never_asked_is_stopped() -> None:
    checker = ShapeChecker(ONTOLOGY)
    checker.close()
    assert checker.process.poll() is not None
