"""Read the model from `ontology/`: which types, relations, dimensions and measures exist.

The code never restates the model; it asks this module. Parsing uses pyoxigraph, which is
fast enough to do on every command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from civicgraph.errors import StoreError
from civicgraph.model.vocab import CIV

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
QB = "http://purl.org/linked-data/cube#"
OWL_DISJOINT = "http://www.w3.org/2002/07/owl#propertyDisjointWith"

ONTOLOGY_FILE = "civicgraph.ttl"
SHAPES_FILE = "shapes.ttl"


@dataclass(frozen=True)
class EntityClass:
    """A class that data records may name in `type:`."""

    iri: str
    record_type: str
    node_label: str
    label: str
    ancestors: tuple[str, ...]  # record types of its civ superclasses, nearest first
    superclasses: tuple[str, ...]  # IRIs of every superclass, in any vocabulary
    contextual: bool  # path search does not step through its instances unless asked
    scheme: str | None = None  # IRI of the skos:ConceptScheme its instances belong to


@dataclass(frozen=True)
class Relation:
    """A relation between two entities: asserted as a triple and qualified by a node."""

    iri: str
    key: str
    edge_type: str
    label: str
    domain: str | None
    range: str | None


@dataclass(frozen=True)
class Dimension:
    """A Data Cube dimension an observation record may give under `dimensions:`."""

    iri: str
    key: str
    range: str | None


@dataclass(frozen=True)
class Measure:
    """A Data Cube measure an observation record may name in `measure:`."""

    iri: str
    key: str
    default_unit: str
    label: str


@dataclass(frozen=True)
class Model:
    """Everything the code needs to know about the ontology."""

    classes: dict[str, EntityClass] = field(default_factory=dict)
    relations: dict[str, Relation] = field(default_factory=dict)
    dimensions: dict[str, Dimension] = field(default_factory=dict)
    measures: dict[str, Measure] = field(default_factory=dict)
    class_by_iri: dict[str, EntityClass] = field(default_factory=dict)
    relation_by_iri: dict[str, Relation] = field(default_factory=dict)
    # pairs of relation keys declared owl:propertyDisjointWith (either way round)
    disjoint: set[frozenset[str]] = field(default_factory=set)

    def incompatible(self, first: str, second: str) -> bool:
        """Tell whether two relations (by key) cannot both hold between the same entities."""
        return frozenset((first, second)) in self.disjoint

    def subtypes(self, record_type: str) -> set[str]:
        """Return the record type and every record type below it."""
        return {c.record_type for c in self.classes.values() if record_type in c.ancestors} | {
            record_type
        }

    def is_contextual(self, record_types: list[str]) -> bool:
        """Tell whether an entity of these types only gives context (a place, a work...)."""
        return any(self.classes[t].contextual for t in record_types if t in self.classes)

    def scheme_of(self, record_types: list[str]) -> str | None:
        """Return the concept scheme an entity of these types belongs to, if any."""
        schemes = [self.classes[t].scheme for t in record_types if t in self.classes]
        return next((s for s in schemes if s), None)

    def conforms(self, record_types: list[str], wanted_iri: str) -> bool:
        """Tell whether an entity of these types is an instance of the class `wanted_iri`."""
        return any(
            wanted_iri == self.classes[t].iri or wanted_iri in self.classes[t].superclasses
            for t in record_types
            if t in self.classes
        )


def _objects(graph: dict[str, dict[str, list[Term]]], subject: str, predicate: str) -> list[str]:
    return [
        t.value for t in graph.get(subject, {}).get(predicate, []) if not isinstance(t, ox.Triple)
    ]


def _literal(graph: dict[str, dict[str, list[Term]]], subject: str, predicate: str) -> str:
    values = _objects(graph, subject, predicate)
    return values[0] if values else ""


def parse_turtle(path: Path) -> list[ox.Triple]:
    """Parse a Turtle file into triples, naming the file on a syntax error."""
    try:
        return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    except (SyntaxError, OSError) as exc:
        raise StoreError(f"{path}: cannot read the ontology: {exc}") from exc


@cache
def load_model(ontology_dir: Path) -> Model:
    """Read `civicgraph.ttl` and return the model the code works with."""
    graph: dict[str, dict[str, list[Term]]] = {}
    for triple in parse_turtle(ontology_dir / ONTOLOGY_FILE):
        if isinstance(triple.subject, ox.NamedNode):
            graph.setdefault(triple.subject.value, {}).setdefault(
                triple.predicate.value, []
            ).append(triple.object)

    def closure(iri: str) -> tuple[str, ...]:
        seen: list[str] = []
        frontier = _objects(graph, iri, RDFS + "subClassOf")
        while frontier:
            parent = frontier.pop(0)
            if parent not in seen:
                seen.append(parent)
                frontier.extend(_objects(graph, parent, RDFS + "subClassOf"))
        return tuple(seen)

    model = Model()
    for iri in graph:
        record_type = _literal(graph, iri, str(CIV.recordType))
        if record_type:
            ancestors = closure(iri)
            cls = EntityClass(
                iri=iri,
                record_type=record_type,
                node_label=_literal(graph, iri, str(CIV.nodeLabel)) or record_type,
                label=_literal(graph, iri, RDFS + "label"),
                ancestors=tuple(
                    _literal(graph, a, str(CIV.recordType))
                    for a in ancestors
                    if _literal(graph, a, str(CIV.recordType))
                ),
                superclasses=ancestors,
                contextual=any(
                    _literal(graph, c, str(CIV.contextual)) == "true" for c in (iri, *ancestors)
                ),
                scheme=next(
                    (
                        _literal(graph, c, str(CIV.conceptScheme))
                        for c in (iri, *ancestors)
                        if _literal(graph, c, str(CIV.conceptScheme))
                    ),
                    None,
                ),
            )
            model.classes[record_type] = cls
            model.class_by_iri[iri] = cls
        key = _literal(graph, iri, str(CIV.recordKey))
        if not key:
            continue
        kinds = set(_objects(graph, iri, RDF_TYPE))
        range_ = _literal(graph, iri, RDFS + "range") or None
        if QB + "DimensionProperty" in kinds:  # period is a dimension with its own record key
            model.dimensions[key] = Dimension(iri=iri, key=key, range=range_)
        elif QB + "MeasureProperty" in kinds:
            model.measures[key] = Measure(
                iri=iri,
                key=key,
                default_unit=_literal(graph, iri, str(CIV.defaultUnit)),
                label=_literal(graph, iri, RDFS + "label"),
            )
        elif _literal(graph, iri, str(CIV.edgeType)):
            relation = Relation(
                iri=iri,
                key=key,
                edge_type=_literal(graph, iri, str(CIV.edgeType)),
                label=_literal(graph, iri, RDFS + "label"),
                domain=_literal(graph, iri, RDFS + "domain") or None,
                range=range_,
            )
            model.relations[key] = relation
            model.relation_by_iri[iri] = relation
    for iri, relation in model.relation_by_iri.items():
        for other in _objects(graph, iri, OWL_DISJOINT):
            if other in model.relation_by_iri:
                model.disjoint.add(frozenset((relation.key, model.relation_by_iri[other].key)))
    return model
