"""The source reader: a source text with every cited span and the facts each span supports.

A span is one stretch of a source (its code-point offsets) that one or more citations quote;
the facts it supports are the entities, relationships and observations citing it. A reading
is a window of the text (long texts are never handed on whole) cut into segments at every
span boundary, each segment saying which spans cover it, so a page can highlight them.
The text itself is read from the data directory the build was made from and checked against
the SHA-256 the store recorded, so offsets never land in a text that has since changed.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from civicgraph.errors import NotFoundError, StoreError
from civicgraph.graph.entities import DCT_SOURCE, QB_DATASET, QB_MEASURE_TYPE, NameIndex
from civicgraph.graph.entities import properties as properties_of
from civicgraph.model.ontology import Model
from civicgraph.model.vocab import CIV, local_name, slug_of
from civicgraph.store.kept import date_basis, edge_attributes, read_citations
from civicgraph.store.sparql import select, value

if TYPE_CHECKING:
    from civicgraph.graph.loaded import LoadedGraph

WINDOW = 4_000  # characters of text in one reading
KINDS = ("entity", "relationship", "observation")


@dataclass
class Span:
    """A stretch of a source that citations quote, with the facts that cite it."""

    start: int
    end: int
    quote: str
    facts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        return [k for k in KINDS if any(f["kind"] == k for f in self.facts)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "kinds": self.kinds,
            "facts": self.facts,
        }


def document_node(store: ox.Store, document: str) -> tuple[ox.NamedNode, str]:
    """Return a source document's node and recorded SHA-256, by its path under
    data/sources/ (NotFoundError, with the closest paths, for a document the store lacks)."""
    paths = {
        value(q.object): q.subject
        for q in store.quads_for_pattern(None, ox.NamedNode(str(CIV.path)), None, None)
    }
    if document not in paths:
        close = difflib.get_close_matches(document, list(paths), n=5, cutoff=0.3)
        raise NotFoundError(f"no source document {document!r}", close or sorted(paths)[:5])
    node = paths[document]
    sha = next(store.quads_for_pattern(node, ox.NamedNode(str(CIV.sha256)), None, None), None)
    if not isinstance(node, ox.NamedNode) or sha is None:
        raise StoreError(f"the store records no SHA-256 for {document!r}")
    return node, value(sha.object)


def source_text(directories: list[Path], document: str, sha256: str) -> str:
    """Read a source text from the first directory holding it with the SHA-256 the store
    recorded; StoreError when none does (the reader then cannot show it faithfully)."""
    for directory in directories:
        path = directory / document
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if hashlib.sha256(raw).hexdigest() == sha256:
            return raw.decode("utf-8")
    where = ", ".join(str(d) for d in directories)
    raise StoreError(f"the text of {document!r} as built is not in {where}")


def _first(props: dict[str, list[Any]], predicate: str) -> Any:
    values = props.get(predicate)
    return value(values[0]) if values else None


class _Facts:
    """Describe the nodes that cite a span as plain facts, each naming its entities."""

    def __init__(self, store: ox.Store, names: NameIndex, model: Model) -> None:
        self.store, self.names, self.model = store, names, model
        self.dimensions = {d.iri: d.key for d in model.dimensions.values()} | {
            QB_DATASET: "dataset"
        }
        self.measures = {m.iri: m.key for m in model.measures.values()}

    def ref(self, slug: str) -> dict[str, Any]:
        summary = self.names.entities.get(slug)
        return summary.ref() if summary else {"id": slug, "label": slug, "types": []}

    def relationship(
        self, slug: str, source: str, target: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        """A relationship as a fact, from its edge in the projection (or the same fields
        read from the store)."""
        relation = self.model.relations[data["predicate"]]
        return {
            "kind": "relationship",
            "id": slug,
            "predicate": relation.key,
            "verb": relation.label,
            "start": data.get("start"),
            "end": data.get("end"),
            "date_basis": data.get("date_basis"),
            "status": data["status"],
            "entities": [self.ref(source), self.ref(target)],
        }

    def of(self, node: Any) -> dict[str, Any] | None:
        slug = slug_of(value(node))
        if slug in self.names.entities:
            return {"kind": "entity", "id": slug, "entities": [self.ref(slug)]}
        props = properties_of(self.store, node)
        relation = self.model.relation_by_iri.get(_first(props, str(CIV.relation)) or "")
        if relation is not None:
            basis = _first(props, str(CIV.dateBasis))
            start, end = _first(props, str(CIV.startDate)), _first(props, str(CIV.endDate))
            data = {
                "predicate": relation.key,
                "start": start,
                "end": end,
                "date_basis": date_basis(local_name(basis) if basis else None, start, end),
                "status": local_name(_first(props, str(CIV.status)) or str(CIV.reported)),
            }
            subject = slug_of(_first(props, str(CIV.subject)))
            return self.relationship(slug, subject, slug_of(_first(props, str(CIV.object))), data)
        measure_iri = _first(props, QB_MEASURE_TYPE) or ""
        measure = self.measures.get(measure_iri)
        if measure is not None:
            dimensions = {
                self.dimensions[p]: self.ref(slug_of(v[0].value))
                for p, v in sorted(props.items())
                if p in self.dimensions and isinstance(v[0], ox.NamedNode)
            }
            return {
                "kind": "observation",
                "id": slug,
                "measure": measure,
                "period": _first(props, str(CIV.period)),
                "value": _first(props, measure_iri),
                "unit": _first(props, str(CIV.unit)),
                "dimensions": {k: d["id"] for k, d in dimensions.items()},
                "entities": list(dimensions.values()),
            }
        return None


def cited_spans(
    store: ox.Store, names: NameIndex, model: Model, document: ox.NamedNode
) -> list[Span]:
    """Return every span of a document that a citation quotes, in text order, each with
    the facts that cite it (entities first, then relationships, then observations)."""
    facts = _Facts(store, names, model)
    spans: dict[tuple[int, int], Span] = {}
    cites = ox.NamedNode(str(CIV.citation))
    for quad in store.quads_for_pattern(None, ox.NamedNode(DCT_SOURCE), document, None):
        citation = properties_of(store, quad.subject)
        start, end = _first(citation, str(CIV.charStart)), _first(citation, str(CIV.charEnd))
        if start is None or end is None:
            continue
        span = spans.setdefault(
            (int(start), int(end)), Span(int(start), int(end), _first(citation, str(CIV.quote)))
        )
        for link in store.quads_for_pattern(None, cites, quad.subject, None):
            fact = facts.of(link.subject)
            if fact is not None and fact not in span.facts:
                span.facts.append(fact)
    for span in spans.values():
        span.facts.sort(key=lambda f: (KINDS.index(f["kind"]), f["id"]))
    return sorted(spans.values(), key=lambda s: (s.start, -s.end))


OBSERVATIONS_CITED = """
SELECT ?doc ?node ?start ?end ?quote WHERE {
  ?node qb:measureType ?measure ; civ:citation ?c .
  ?c dcterms:source ?doc ; civ:charStart ?start ; civ:charEnd ?end .
  OPTIONAL { ?c civ:quote ?quote } }"""


def kept_spans(loaded: LoadedGraph, document: str, node: ox.NamedNode) -> list[Span] | None:
    """Return a document's cited spans as `cited_spans` does, from the files kept beside
    the build (the citations of entities and relationships, the projection's edges) and
    one query for the observations: a large source is cited tens of thousands of times,
    and reading each citation from the store took seconds. None when nothing is kept."""
    build = loaded.build
    kept = read_citations(build.directory, build.ontology_dir)
    if kept is None:
        return None
    facts = _Facts(build.store, loaded.names, build.model)
    cited = [
        slug_of(iri) for iri, cs in kept[0].items() if any(c["document"] == document for c in cs)
    ]
    edges = {  # the relationships cited here, read by id from the kept graph
        key: (u, v, edge_attributes(fields))
        for key, (u, v, fields) in loaded.adjacency.edges_by_id(cited).items()
    }
    spans: dict[tuple[int, int], Span] = {}

    def add(start: int, end: int, quote: str, fact: dict[str, Any] | None) -> None:
        span = spans.setdefault((start, end), Span(start, end, quote))
        if fact is not None and fact not in span.facts:
            span.facts.append(fact)

    for iri, citations in kept[0].items():
        slug = slug_of(iri)
        for citation in citations:
            if citation["document"] != document:
                continue
            if slug in loaded.names.entities:
                fact = facts.of(ox.NamedNode(iri))
            elif slug in edges:
                fact = facts.relationship(slug, *edges[slug])
            else:
                fact = None
            add(citation["char_start"], citation["char_end"], citation["quote"], fact)
    for row in select(build.store, OBSERVATIONS_CITED, {"doc": node}):
        add(
            int(value(row["start"])),
            int(value(row["end"])),
            value(row["quote"]),
            facts.of(row["node"]),
        )
    for span in spans.values():
        span.facts.sort(key=lambda f: (KINDS.index(f["kind"]), f["id"]))
    return sorted(spans.values(), key=lambda s: (s.start, -s.end))


def document_spans(
    store: ox.Store, names: NameIndex, directories: list[Path], document: str
) -> tuple[str, list[Span]]:
    """Return a document's text, from the first directory holding it as built, and its
    cited spans."""
    node, sha256 = document_node(store, document)
    return source_text(directories, document, sha256), cited_spans(store, names, names.model, node)


def window(
    text: str, *, at: int | None = None, start: int | None = None, size: int = WINDOW
) -> tuple[int, int]:
    """Return the stretch of text to show: from `start` exactly, else around `at` (a
    quarter of the window before it, back to the line's beginning), else from the
    beginning; the end moved on to the end of its line when that is near."""
    length = len(text)
    if start is not None:
        begin = min(max(0, start), max(0, length - 1))
    else:
        guess = max(0, (at or 0) - size // 4)
        line = text.rfind("\n", 0, guess)
        begin = line + 1 if line >= 0 and guess - line < size // 4 else guess
    stop = min(length, begin + size)
    newline = text.find("\n", stop)
    if stop < length and 0 <= newline - stop < size // 4:
        stop = newline + 1
    return begin, stop


def reading(
    text: str,
    spans: list[Span],
    *,
    at: int | None = None,
    end: int | None = None,
    start: int | None = None,
    size: int = WINDOW,
) -> dict[str, Any]:
    """Cut a window of the text into segments at every span boundary.

    Each segment is `{"start", "end", "text", "spans"}`, `spans` the indices (into the
    reading's `spans`) of the spans covering it, innermost first. The spans that start at
    `at` (and end at `end`, when given) are `marked`: the quote the reader was opened at.
    `previous` and `next` are where the windows before and after this one start (None at the
    text's ends).
    """
    begin, stop = window(text, at=at, start=start, size=size)
    shown = [s for s in spans if s.start < stop and s.end > begin]
    cuts = sorted(
        {begin, stop, *(min(max(p, begin), stop) for s in shown for p in (s.start, s.end))}
    )
    segments = []
    for left, right in pairwise(cuts):
        if left == right:
            continue
        covering = [i for i, s in enumerate(shown) if s.start <= left and s.end >= right]
        covering.sort(key=lambda i: shown[i].end - shown[i].start)
        segments.append({"start": left, "end": right, "text": text[left:right], "spans": covering})
    marked = [i for i, s in enumerate(shown) if s.start == at and (end is None or s.end == end)]
    return {
        "length": len(text),
        "window": {"start": begin, "end": stop},
        "previous": max(0, begin - size) if begin > 0 else None,
        "next": stop if stop < len(text) else None,
        "segments": segments,
        "spans": [s.as_dict() for s in shown],
        "marked": marked,
    }


def loaded_spans(
    loaded: LoadedGraph, directories: list[Path], document: str
) -> tuple[str, list[Span]]:
    """Return a document's text and cited spans, from the kept files where the build has
    them, else from the store."""
    node, sha256 = document_node(loaded.build.store, document)
    spans = kept_spans(loaded, document, node)
    if spans is None:
        spans = cited_spans(loaded.build.store, loaded.names, loaded.build.model, node)
    return source_text(directories, document, sha256), spans
