"""Turn typed records into RDF quads, following the provenance model of the contract.

An entity is typed and labelled; a relationship becomes a `civ:Relationship` node plus the
plain triple `subject civ:<relation> object`; an observation becomes a `qb:Observation`;
every one of them points with `civ:citation` to citation nodes that hold the quote, the
offsets and the source document.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pyoxigraph as ox

from civicgraph.ingest import Citation, Origin, Records
from civicgraph.ontology import Model
from civicgraph.sources import SourceDocument
from civicgraph.vocab import CIV, DATA_GRAPH, entity_iri

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
DCT = "http://purl.org/dc/terms/"
QB = "http://purl.org/linked-data/cube#"
GRAPH = ox.NamedNode(DATA_GRAPH)


def _n(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def date_literal(value: str) -> ox.Literal:
    """Type a date by its precision: xsd:gYear, xsd:gYearMonth or xsd:date."""
    kind = {4: "gYear", 7: "gYearMonth", 10: "date"}.get(len(value), "string")
    return ox.Literal(value, datatype=ox.NamedNode(XSD + kind))


def number_literal(value: int | Decimal) -> ox.Literal:
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "decimal"))


class QuadWriter:
    """Accumulate quads for records and remember which record each node came from."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.quads: list[ox.Quad] = []
        self.origins: dict[str, Origin] = {}
        self._citations_written: set[str] = set()

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        self.quads.append(ox.Quad(s, p, o, GRAPH))

    def text(self, s: ox.NamedNode, p: object, value: str | None, lang: str | None = None) -> None:
        if value is not None:
            self.add(s, _n(p), ox.Literal(value, language=lang) if lang else ox.Literal(value))

    def cite(self, s: ox.NamedNode, citations: list[Citation], origin: Origin) -> None:
        for citation in citations:
            node = _n(entity_iri(citation.slug))
            self.add(s, _n(CIV.citation), node)
            if citation.slug in self._citations_written:
                continue
            self._citations_written.add(citation.slug)
            self.origins[node.value] = origin
            self.add(node, RDF_TYPE, _n(CIV.Citation))
            self.add(node, _n(CIV.quote), ox.Literal(citation.quote))
            self.add(node, _n(CIV.charStart), number_literal(citation.where.start))
            self.add(node, _n(CIV.charEnd), number_literal(citation.where.end))
            self.add(node, _n(DCT + "source"), _n(entity_iri(citation.where.document.id)))

    def source(self, doc: SourceDocument) -> None:
        node = _n(entity_iri(doc.id))
        self.add(node, RDF_TYPE, _n(CIV.SourceDocument))
        self.text(node, DCT + "title", doc.title, "en")
        for author in doc.authors:
            self.text(node, DCT + "creator", author)
        if doc.year is not None:
            self.add(node, _n(DCT + "issued"), date_literal(str(doc.year)))
        self.text(node, DCT + "publisher", doc.publisher)
        self.text(node, CIV.path, doc.path)
        self.text(node, CIV.sha256, doc.sha256)

    def records(self, records: Records) -> None:
        for entity in records.entities:
            node = _n(entity_iri(entity.id))
            self.origins[node.value] = entity.origin
            for record_type in entity.types:
                self.add(node, RDF_TYPE, _n(self.model.classes[record_type].iri))
            self.text(node, RDFS_LABEL.value, entity.label, "en")
            self.text(node, RDFS_LABEL.value, entity.label_es, "es")
            for alias in entity.aliases:
                self.text(node, SKOS_ALT.value, alias)
            self.text(node, DCT + "description", entity.description, "en")
            self.text(node, CIV.note, entity.note, "en")
            self.cite(node, entity.citations, entity.origin)

        for rel in records.relationships:
            node = _n(entity_iri(rel.id))
            self.origins[node.value] = rel.origin
            subject, obj = _n(entity_iri(rel.subject)), _n(entity_iri(rel.object))
            self.add(subject, _n(rel.relation.iri), obj)
            self.add(node, RDF_TYPE, _n(CIV.Relationship))
            self.add(node, _n(CIV.subject), subject)
            self.add(node, _n(CIV.object), obj)
            self.add(node, _n(CIV.relation), _n(rel.relation.iri))
            self.add(node, _n(CIV.status), _n(CIV[rel.status]))
            if rel.start:
                self.add(node, _n(CIV.startDate), date_literal(rel.start))
            if rel.end:
                self.add(node, _n(CIV.endDate), date_literal(rel.end))
            self.text(node, CIV.role, rel.role)
            if rel.via:
                self.add(node, _n(CIV.via), _n(entity_iri(rel.via)))
            self.text(node, CIV.note, rel.note, "en")
            self.cite(node, rel.citations, rel.origin)

        for obs in records.observations:
            node = _n(entity_iri(obs.id))
            self.origins[node.value] = obs.origin
            self.add(node, RDF_TYPE, _n(QB + "Observation"))
            self.add(node, _n(QB + "dataSet"), _n(entity_iri(obs.dataset)))
            self.add(node, _n(QB + "measureType"), _n(obs.measure.iri))
            self.add(node, _n(obs.measure.iri), number_literal(obs.value))
            period = obs.period
            self.add(
                node,
                _n(CIV.period),
                date_literal(period) if "/" not in period else ox.Literal(period),
            )
            for key, slug in sorted(obs.dimensions.items()):
                self.add(node, _n(self.model.dimensions[key].iri), _n(entity_iri(slug)))
            self.text(node, CIV.unit, obs.unit)
            if obs.rank is not None:
                self.add(node, _n(CIV.rank), number_literal(obs.rank))
            self.text(node, CIV.printedAs, obs.printed)
            self.add(node, _n(CIV.status), _n(CIV[obs.status]))
            self.text(node, CIV.note, obs.note, "en")
            self.cite(node, obs.citations, obs.origin)


def to_quads(
    records: Records, sources: list[SourceDocument], model: Model
) -> tuple[list[ox.Quad], dict[str, Origin]]:
    """Return the data graph's quads and, for each node, the record it came from."""
    writer = QuadWriter(model)
    for doc in sources:
        writer.source(doc)
    writer.records(records)
    return writer.quads, writer.origins


def ontology_quads(triples: Iterator[ox.Triple] | list[ox.Triple], graph: str) -> list[ox.Quad]:
    """Put the ontology's triples into their own named graph."""
    target = ox.NamedNode(graph)
    return [ox.Quad(t.subject, t.predicate, t.object, target) for t in triples]
