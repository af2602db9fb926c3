"""The civicgraph namespace as a closed vocabulary: a misspelt term is an error, not a new IRI.

Every term listed here must exist in `ontology/civicgraph.ttl` (a test checks both ways).
The namespace is plain Python, as rdflib's `DefinedNamespace` with `_fail = True` would
be: importing rdflib takes longer than a whole `entity` command, which never needs it.
"""

from __future__ import annotations

ONTOLOGY_IRI = "https://w3id.org/civicgraph/ontology"
ID_BASE = "https://w3id.org/civicgraph/id/"
GRAPH_BASE = "https://w3id.org/civicgraph/graph/"
ONTOLOGY_GRAPH = GRAPH_BASE + "ontology"

CIV_NS = ONTOLOGY_IRI + "#"


class _Closed(type):
    """Give each name annotated in the class body its IRI; refuse any other name."""

    def __getattr__(cls, name: str) -> str:
        if name.startswith("_") or name not in cls.__annotations__:
            raise AttributeError(f"{name!r} is not a term of {cls.__name__}")
        return CIV_NS + name

    def __getitem__(cls, name: str) -> str:
        return cls.__getattr__(name)


class CIV(metaclass=_Closed):
    """Terms of the civicgraph ontology that code refers to by name (each an IRI string)."""

    # annotation properties that steer the code
    recordType: str
    recordKey: str
    edgeType: str
    nodeLabel: str
    defaultUnit: str
    contextual: str
    conceptScheme: str
    # classes code names directly
    Entity: str
    Agent: str
    SourceDocument: str
    Citation: str
    Relationship: str
    ClaimStatus: str
    ClaimStatusScheme: str
    ReviewStatus: str
    ReviewStatusScheme: str
    DateBasis: str
    DateBasisScheme: str
    # claim statuses
    reported: str
    alleged: str
    confirmed: str
    disputed: str
    # review statuses and date bases
    checked: str
    unreviewed: str
    stated: str
    within: str
    # provenance and relationship-node properties
    citation: str
    quote: str
    charStart: str
    charEnd: str
    path: str
    sha256: str
    subject: str
    object: str
    relation: str
    via: str
    concerning: str
    review: str
    dateBasis: str
    role: str
    startDate: str
    endDate: str
    status: str
    note: str
    disagreesWith: str
    # statistics
    period: str
    rank: str
    unit: str
    printedAs: str


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
