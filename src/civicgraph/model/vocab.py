"""The civicgraph namespace as a closed vocabulary: a misspelt term is an error, not a new IRI.

Every term listed here must exist in `ontology/civicgraph.ttl` (a test checks both ways).
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

ONTOLOGY_IRI = "https://w3id.org/civicgraph/ontology"
ID_BASE = "https://w3id.org/civicgraph/id/"
GRAPH_BASE = "https://w3id.org/civicgraph/graph/"
ONTOLOGY_GRAPH = GRAPH_BASE + "ontology"


class CIV(DefinedNamespace):
    """Terms of the civicgraph ontology that code refers to by name."""

    _NS = Namespace("https://w3id.org/civicgraph/ontology#")
    _fail = True

    # annotation properties that steer the code
    recordType: URIRef
    recordKey: URIRef
    edgeType: URIRef
    nodeLabel: URIRef
    defaultUnit: URIRef
    contextual: URIRef
    conceptScheme: URIRef
    # classes code names directly
    Entity: URIRef
    Agent: URIRef
    SourceDocument: URIRef
    Citation: URIRef
    Relationship: URIRef
    ClaimStatus: URIRef
    ClaimStatusScheme: URIRef
    ReviewStatus: URIRef
    ReviewStatusScheme: URIRef
    DateBasis: URIRef
    DateBasisScheme: URIRef
    # claim statuses
    reported: URIRef
    alleged: URIRef
    confirmed: URIRef
    disputed: URIRef
    # review statuses and date bases
    checked: URIRef
    unreviewed: URIRef
    stated: URIRef
    within: URIRef
    # provenance and relationship-node properties
    citation: URIRef
    quote: URIRef
    charStart: URIRef
    charEnd: URIRef
    path: URIRef
    sha256: URIRef
    subject: URIRef
    object: URIRef
    relation: URIRef
    via: URIRef
    concerning: URIRef
    review: URIRef
    dateBasis: URIRef
    role: URIRef
    startDate: URIRef
    endDate: URIRef
    status: URIRef
    note: URIRef
    disagreesWith: URIRef
    # statistics
    period: URIRef
    rank: URIRef
    unit: URIRef
    printedAs: URIRef


STATUSES = ("reported", "alleged", "confirmed", "disputed")
REVIEWS = ("unreviewed", "checked")  # the first is the default
DATE_BASES = ("stated", "within")  # the first is the default


def entity_iri(slug: str) -> str:
    """Return the IRI of an instance (entity, relationship, observation, citation)."""
    return ID_BASE + slug


def slug_of(iri: str) -> str:
    """Return the slug of an instance IRI (the IRI itself if it is not one of ours)."""
    return iri[len(ID_BASE) :] if iri.startswith(ID_BASE) else iri


def local_name(iri: str) -> str:
    """Return the part of an IRI after its last '#' or '/'."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
