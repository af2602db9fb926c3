"""Turn typed records into RDF, following the provenance model of the contract.

An entity is typed and labelled; a relationship becomes a `civ:Relationship` node plus the
plain triple `subject civ:<relation> object`; an observation becomes a `qb:Observation`;
every one of them points with `civ:citation` to citation nodes that hold the quote, the
offsets and the source document.

The graph is written as N-Triples text, one record at a time: Oxigraph's bulk loader
parses it far faster than Python can build term objects, and nothing holds the whole graph
in memory (see `store.builder`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from json.encoder import encode_basestring

from civicgraph.build.records import (
    Citation,
    EntityRecord,
    ObservationRecord,
    Origin,
    Records,
    RelationshipRecord,
)
from civicgraph.build.resolutions import aliases_taken
from civicgraph.build.sources import SourceDocument
from civicgraph.model.ontology import Model
from civicgraph.model.vocab import CIV, DATE_BASES, ID_BASE, REVIEWS, STATUSES

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
QB = "http://purl.org/linked-data/cube#"
OWL = "http://www.w3.org/2002/07/owl#"


def iri(value: object) -> str:
    """Write an IRI as an N-Triples term."""
    return f"<{value}>"


def node(slug: str) -> str:
    """Write the IRI of an instance (entity, relationship, observation, citation)."""
    return f"<{ID_BASE}{slug}>"


# Oxigraph writes a control character as `\u001F` (and DEL as `\u007F`), JSON as `\u001f`
# (and DEL as itself): the kept N-Triples (`store.kept_triples`) must read as Oxigraph's dump
ESCAPES = {c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F)}
ESCAPES.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"})
ESCAPES.update({ord('"'): '\\"', ord("\\"): "\\\\"})


def literal(value: str, lang: str | None = None) -> str:
    """Write a string literal as Oxigraph writes it back.

    A JSON string is a valid N-Triples string with the same escapes but for the case of
    `\\u00XX` and DEL; the rare value that has such a character is written by the table.
    """
    text: str = encode_basestring(value)  # json.dumps(value, ensure_ascii=False), in C
    if "\\u00" in text or "\x7f" in text:
        text = f'"{value.translate(ESCAPES)}"'
    return f"{text}@{lang}" if lang else text


def date_literal(value: str) -> str:
    """Type a date by its precision: xsd:gYear, xsd:gYearMonth or xsd:date."""
    kind = {4: "gYear", 7: "gYearMonth", 10: "date"}.get(len(value))
    return f"{literal(value)}^^<{XSD}{kind}>" if kind else literal(value)


def number_literal(value: int | Decimal) -> str:
    if isinstance(value, int):
        return f'"{value}"^^<{XSD}integer>'
    return f'"{decimal_lexical(value)}"^^<{XSD}decimal>'


def decimal_lexical(value: Decimal) -> str:
    """Write a decimal as Oxigraph keeps it: a value it holds (up to 18 fractional digits,
    some 1.7e20) without trailing zeros (`55.0` is stored and dumped as `55`), anything else
    (`1E+16`, which is no xsd:decimal) as it is."""
    text = str(value)
    whole, dot, fraction = text.partition(".")
    if "E" in text or len(fraction) > 18 or len(whole.lstrip("-")) > 19:
        return text
    text = f"{whole}.{fraction.rstrip('0')}".rstrip(".") if dot else text
    return "0" if text == "-0" else text


def bibliographic_citation(doc: SourceDocument) -> str:
    """Cite a source the way a reader expects: authors in their order, year, title, publisher."""
    authors = ", ".join(doc.authors)
    year = f" ({doc.year})" if doc.year is not None else ""
    publisher = f" {doc.publisher}." if doc.publisher else ""
    return f"{authors}{year}. {doc.title}.{publisher}".strip()


A = iri(RDF + "type")
LABEL = iri(RDFS + "label")
ALT_LABEL = iri(SKOS + "altLabel")
DEFINITION = iri(SKOS + "definition")
IN_SCHEME = iri(SKOS + "inScheme")
DESCRIPTION = iri(DCT + "description")
SOURCE = iri(DCT + "source")
SAME_AS = iri(OWL + "sameAs")
# The ontology's terms as N-Triples text, looked up once: the writer emits millions of them.
CITATION, NOTE, STATUS = iri(CIV.citation), iri(CIV.note), iri(CIV.status)
CITATION_CLASS, QUOTE = iri(CIV.Citation), iri(CIV.quote)
CHAR_START, CHAR_END = iri(CIV.charStart), iri(CIV.charEnd)
RELATIONSHIP, SUBJECT, OBJECT = iri(CIV.Relationship), iri(CIV.subject), iri(CIV.object)
RELATION, START_DATE, END_DATE = iri(CIV.relation), iri(CIV.startDate), iri(CIV.endDate)
ROLE, VIA, CONCERNING = iri(CIV.role), iri(CIV.via), iri(CIV.concerning)
REVIEW, DATE_BASIS = iri(CIV.review), iri(CIV.dateBasis)
PERIOD, UNIT, RANK, PRINTED_AS = iri(CIV.period), iri(CIV.unit), iri(CIV.rank), iri(CIV.printedAs)
STATUS_VALUES = {status: iri(CIV[status]) for status in STATUSES}
REVIEW_VALUES = {review: iri(CIV[review]) for review in REVIEWS}
DATE_BASIS_VALUES = {basis: iri(CIV[basis]) for basis in DATE_BASES}


class TripleWriter:
    """Write records as N-Triples lines, each triple once (as the store keeps it, so the
    text the build keeps has the store's triples, `store.kept_triples`): a citation node,
    a relationship's plain triple that another relationship also states, a name or a
    citation repeated in a record, or handed from a merged entity (`merged_into` names the
    entities others are merged into) to one that has it already."""

    def __init__(self, model: Model, merged_into: Iterable[str] = ()) -> None:
        self.model = model
        self._citations_written: set[str] = set()
        self._classes = {t: iri(c.iri) for t, c in model.classes.items()}
        self._stated: set[tuple[str, str, str]] = set()  # (subject, relation, object)
        self._merged_into = set(merged_into)
        self._shared: set[str] = set()  # the lines a merged entity may repeat

    def _new(self, lines: Iterable[str], shared: bool) -> Iterator[str]:
        """Yield the lines not yet written (within a record; `shared`: across records)."""
        for line in dict.fromkeys(lines):
            if shared:
                if line in self._shared:
                    continue
                self._shared.add(line)
            yield line

    def cite(
        self, subject: str, citations: list[Citation], out: list[str], shared: bool = False
    ) -> None:
        slugs = [citation.slug for citation in citations]
        links = [f"{subject} {CITATION} {node(slug)} .\n" for slug in slugs]
        out += self._new(links, shared) if shared or len(links) > 1 else links
        for slug, citation in zip(slugs, citations, strict=True):
            cite = node(slug)
            if slug in self._citations_written:
                continue
            self._citations_written.add(slug)
            where = citation.where
            out.append(
                f"{cite} {A} {CITATION_CLASS} .\n"
                f"{cite} {QUOTE} {literal(citation.quote)} .\n"
                f'{cite} {CHAR_START} "{where.start}"^^<{XSD}integer> .\n'
                f'{cite} {CHAR_END} "{where.end}"^^<{XSD}integer> .\n'
                f"{cite} {SOURCE} {node(where.document.id)} .\n"
            )

    def source(self, doc: SourceDocument) -> list[str]:
        s = node(doc.id)
        out = [f"{s} {A} <{CIV.SourceDocument}> .\n"]
        out.append(f"{s} <{DCT}title> {literal(doc.title, 'en')} .\n")
        out += [
            f"{s} <{DCT}creator> {literal(author)} .\n" for author in dict.fromkeys(doc.authors)
        ]
        if doc.year is not None:
            out.append(f"{s} <{DCT}issued> {date_literal(str(doc.year))} .\n")
        if doc.publisher is not None:
            out.append(f"{s} <{DCT}publisher> {literal(doc.publisher)} .\n")
        out.append(f"{s} <{DCT}bibliographicCitation> {literal(bibliographic_citation(doc))} .\n")
        out.append(f"{s} <{CIV.path}> {literal(doc.path)} .\n")
        out.append(f"{s} <{CIV.sha256}> {literal(doc.sha256)} .\n")
        return out

    def entity(self, entity: EntityRecord) -> list[str]:
        s = node(entity.id)
        shared = entity.id in self._merged_into
        out = [f"{s} {A} {self._classes[t]} .\n" for t in dict.fromkeys(entity.types)]
        out.append(f"{s} {LABEL} {literal(entity.label, 'en')} .\n")
        if entity.label_es is not None:
            out.append(f"{s} {LABEL} {literal(entity.label_es, 'es')} .\n")
        out += self._new(
            (f"{s} {ALT_LABEL} {literal(alias)} .\n" for alias in entity.aliases), shared
        )
        if entity.description is not None:
            out.append(f"{s} {DESCRIPTION} {literal(entity.description, 'en')} .\n")
        if entity.note is not None:
            out.append(f"{s} {NOTE} {literal(entity.note, 'en')} .\n")
        out.append(f"{s} {REVIEW} {REVIEW_VALUES[entity.review]} .\n")
        if self.model.conforms(entity.types, SKOS + "Concept"):
            # a SKOS concept gets its definition and the scheme its class names
            if entity.description is not None:
                out.append(f"{s} {DEFINITION} {literal(entity.description, 'en')} .\n")
            scheme = self.model.scheme_of(entity.types)
            if scheme:
                out.append(f"{s} {IN_SCHEME} {iri(scheme)} .\n")
        self.cite(s, entity.citations, out, shared)
        return out

    def redirect(self, old: EntityRecord, kept: str) -> list[str]:
        """Write a merged entity: its IRI only a redirect (`owl:sameAs` the kept one, typed
        as nothing), its names aliases of the kept entity, its citations the kept one's."""
        s = node(kept)
        out = [f"{node(old.id)} {SAME_AS} {s} .\n"]
        out += self._new((f"{s} {ALT_LABEL} {literal(n)} .\n" for n in aliases_taken(old)), True)
        self.cite(s, old.citations, out, shared=True)
        return out

    def relationship(self, rel: RelationshipRecord) -> list[str]:
        s, subject, obj = node(rel.id), node(rel.subject), node(rel.object)
        relation = iri(rel.relation.iri)
        stated = (rel.subject, rel.relation.key, rel.object)
        out = [] if stated in self._stated else [f"{subject} {relation} {obj} .\n"]
        self._stated.add(stated)
        out += [
            f"{s} {A} {RELATIONSHIP} .\n"
            f"{s} {SUBJECT} {subject} .\n"
            f"{s} {OBJECT} {obj} .\n"
            f"{s} {RELATION} {relation} .\n"
            f"{s} {STATUS} {STATUS_VALUES[rel.status]} .\n"
            f"{s} {REVIEW} {REVIEW_VALUES[rel.review]} .\n"
        ]
        if rel.start:
            out.append(f"{s} {START_DATE} {date_literal(rel.start)} .\n")
        if rel.end:
            out.append(f"{s} {END_DATE} {date_literal(rel.end)} .\n")
        if rel.role is not None:
            out.append(f"{s} {ROLE} {literal(rel.role)} .\n")
        if rel.via:
            out.append(f"{s} {VIA} {node(rel.via)} .\n")
        if rel.concerning:
            out.append(f"{s} {CONCERNING} {node(rel.concerning)} .\n")
        if rel.date_basis != "stated":
            out.append(f"{s} {DATE_BASIS} {DATE_BASIS_VALUES[rel.date_basis]} .\n")
        if rel.note is not None:
            out.append(f"{s} {NOTE} {literal(rel.note, 'en')} .\n")
        self.cite(s, rel.citations, out)
        return out

    def observation(self, obs: ObservationRecord) -> list[str]:
        s = node(obs.id)
        period = date_literal(obs.period) if "/" not in obs.period else literal(obs.period)
        out = [
            f"{s} {A} <{QB}Observation> .\n",
            f"{s} <{QB}dataSet> {node(obs.dataset)} .\n",
            f"{s} <{QB}measureType> {iri(obs.measure.iri)} .\n",
            f"{s} {iri(obs.measure.iri)} {number_literal(obs.value)} .\n",
            f"{s} {PERIOD} {period} .\n",
        ]
        for key, slug in sorted(obs.dimensions.items()):
            out.append(f"{s} {iri(self.model.dimensions[key].iri)} {node(slug)} .\n")
        out.append(f"{s} {UNIT} {literal(obs.unit)} .\n")
        if obs.rank is not None:
            out.append(f"{s} {RANK} {number_literal(obs.rank)} .\n")
        if obs.printed is not None:
            out.append(f"{s} {PRINTED_AS} {literal(obs.printed)} .\n")
        out.append(f"{s} {STATUS} {STATUS_VALUES[obs.status]} .\n")
        out.append(f"{s} {REVIEW} {REVIEW_VALUES[obs.review]} .\n")
        if obs.note is not None:
            out.append(f"{s} {NOTE} {literal(obs.note, 'en')} .\n")
        self.cite(s, obs.citations, out)
        return out

    def records(self, records: Records) -> Iterator[str]:
        """Yield the records' N-Triples text, a record at a time."""
        for entity in records.entities:
            yield "".join(self.entity(entity))
        for old, kept in records.merged:
            yield "".join(self.redirect(old, kept))
        for rel in records.relationships:
            yield "".join(self.relationship(rel))
        for obs in records.observations:
            yield "".join(self.observation(obs))


def ntriples(records: Records, sources: Iterable[SourceDocument], model: Model) -> Iterator[str]:
    """Yield the data graph as N-Triples text, a record's lines at a time."""
    writer = TripleWriter(model)
    for doc in sources:
        yield "".join(writer.source(doc))
    yield from writer.records(records)


def origins(records: Records) -> dict[str, Origin]:
    """Map each node's IRI to the record it came from (a citation: the first that cites it)."""
    found: dict[str, Origin] = {}
    items: list[EntityRecord | RelationshipRecord | ObservationRecord] = [
        *records.entities,
        *records.relationships,
        *records.observations,
    ]
    for item in items:
        found[ID_BASE + item.id] = item.origin
        for citation in item.citations:
            found.setdefault(ID_BASE + citation.slug, item.origin)
    return found
