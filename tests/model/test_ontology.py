"""The model lives in ontology/: the code's terms exist there, and every term there is used,
shaped and documented."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from civicgraph.config import REPO_DIR
from civicgraph.model.ontology import load_model
from civicgraph.model.vocab import CIV

ONTOLOGY = REPO_DIR / "ontology"
CIV_NS = "https://w3id.org/civicgraph/ontology#"
QB = "http://purl.org/linked-data/cube#"


def civ_terms(graph: Graph) -> set[str]:
    return {str(s) for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(CIV_NS)}


def test_every_term_the_code_names_exists_in_the_ontology() -> None:
    graph = Graph().parse(ONTOLOGY / "civicgraph.ttl")
    defined = civ_terms(graph)
    named = {str(CIV[name]) for name in CIV.__annotations__}
    assert named <= defined, sorted(named - defined)
    # and nothing in src/ spells a civ: IRI by hand around the closed namespace
    for path in (REPO_DIR / "src" / "civicgraph").glob("*.py"):
        assert CIV_NS not in path.read_text() or path.name == "vocab.py" or path.name == "sparql.py"


def test_closed_namespace_rejects_a_typo() -> None:
    try:
        CIV.foundedd  # noqa: B018
    except AttributeError:
        return
    raise AssertionError("CIV accepted an undefined term")


def test_every_term_is_labelled_and_commented() -> None:
    graph = Graph().parse(ONTOLOGY / "civicgraph.ttl")
    for term in civ_terms(graph):
        assert graph.value(URIRef(term), RDFS.label), f"{term} has no rdfs:label"
        assert graph.value(URIRef(term), RDFS.comment), f"{term} has no rdfs:comment"


def test_every_term_is_used_by_code_data_or_shapes() -> None:
    graph = Graph().parse(ONTOLOGY / "civicgraph.ttl")
    shapes = (ONTOLOGY / "shapes.ttl").read_text()
    model = load_model(ONTOLOGY)
    steered = {c.iri for c in model.classes.values()}
    steered |= {r.iri for r in model.relations.values()}
    steered |= {d.iri for d in model.dimensions.values()} | {m.iri for m in model.measures.values()}
    named = {str(CIV[name]) for name in CIV.__annotations__}
    for term in civ_terms(graph):
        local = term[len(CIV_NS) :]
        used = term in steered or term in named or f"civ:{local}" in shapes
        # abstract superclasses are used through their subclasses
        used = used or any(graph.triples((None, RDFS.subClassOf, URIRef(term))))
        assert used, f"civ:{local} is defined but nothing uses it"


def test_every_entity_class_is_covered_by_a_shape() -> None:
    graph = Graph().parse(ONTOLOGY / "civicgraph.ttl")
    model = load_model(ONTOLOGY)
    for cls in model.classes.values():
        ancestors = set(graph.transitive_objects(URIRef(cls.iri), RDFS.subClassOf))
        assert URIRef(str(CIV.Entity)) in ancestors, f"{cls.record_type} is not a civ:Entity"
    assert "sh:targetClass civ:Entity" in (ONTOLOGY / "shapes.ttl").read_text()


def test_relations_are_edges_and_align_with_standard_vocabularies() -> None:
    model = load_model(ONTOLOGY)
    assert len(model.relations) >= 25
    for relation in model.relations.values():
        assert re.fullmatch(r"[A-Z_]+", relation.edge_type), relation.edge_type
    graph = Graph().parse(ONTOLOGY / "civicgraph.ttl")
    external = {
        str(o)
        for _, p, o in graph
        if p in (RDFS.subClassOf, RDFS.subPropertyOf) and not str(o).startswith(CIV_NS)
    }
    for vocabulary in (
        "xmlns.com/foaf",
        "www.w3.org/ns/org#",
        "www.w3.org/ns/prov#",
        "skos/core#",
        "purl.org/dc/terms/",
        "schema.org/",
        "linked-data/cube#",
    ):
        assert any(vocabulary in iri for iri in external), vocabulary


def test_measures_and_dimensions_are_data_cube_terms() -> None:
    graph = Graph().parse(ONTOLOGY / "civicgraph.ttl")
    model = load_model(ONTOLOGY)
    for measure in model.measures.values():
        assert (URIRef(measure.iri), RDF.type, URIRef(QB + "MeasureProperty")) in graph
        assert measure.default_unit
    for dimension in model.dimensions.values():
        assert (URIRef(dimension.iri), RDF.type, URIRef(QB + "DimensionProperty")) in graph
    assert (URIRef("https://w3id.org/civicgraph/ontology"), RDF.type, OWL.Ontology) in graph


def test_ontology_files_parse(tmp_path: Path) -> None:
    for name in ("civicgraph.ttl", "shapes.ttl"):
        assert len(Graph().parse(ONTOLOGY / name)) > 50
