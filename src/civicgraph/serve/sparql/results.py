"""Serialise SPARQL answers for the endpoint, a row cap applied, and negotiate their format.

Oxigraph serialises a whole answer or nothing; a capped answer needs its first N rows
written out, so SELECT results are written here in the W3C formats (SPARQL 1.1 Query
Results JSON, XML, CSV and TSV). Graphs (Turtle, N-Triples, JSON-LD, RDF/XML) and booleans
use Oxigraph's own writers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from civicgraph.store.sparql import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

# format name -> media type; the first of each is the default
SOLUTION_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
# what a client may name, in `format`/`output`/`results` or in Accept, for each kind of
# answer: SPARQLWrapper sends its return format's name (`xml`, `json-ld`, `turtle`, `n3`…)
# and, for some, a media type as well; `xml` and `json` mean the W3C results formats for
# solutions and RDF/XML and JSON-LD for graphs
SOLUTION_NAMES = {
    **{name: name for name in SOLUTION_TYPES},
    **{media: name for name, media in SOLUTION_TYPES.items()},
    "srj": "json",
    "srx": "xml",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
GRAPH_NAMES = {
    **{name: name for name in GRAPH_TYPES},
    **{media: name for name, media in GRAPH_TYPES.items()},
    "turtle": "ttl",
    "n3": "ttl",  # Turtle is N3; SPARQLWrapper's N3 reads text/turtle
    "application/x-turtle": "ttl",
    "application/turtle": "ttl",
    "ntriples": "nt",
    "n-triples": "nt",
    "text/plain": "nt",
    "json-ld": "jsonld",
    "application/x-json+ld": "jsonld",
    "json": "jsonld",
    "application/json": "jsonld",
    "xml": "rdfxml",
    "rdf": "rdfxml",
    "rdf+xml": "rdfxml",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
}
FORMAT_PARAMETERS = ("format", "output", "results")
BOOLEAN_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


class NotAcceptable(ValueError):
    """No format the client asked for can be given (HTTP 406)."""


def accepted(accept: str) -> list[str]:
    """Return the media types of an Accept header, most preferred first."""
    ranked = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        quality = 1.0
        for field in fields[1:]:
            if field.startswith("q="):
                try:
                    quality = float(field[2:])
                except ValueError:
                    quality = 0.0
        if fields[0] and quality > 0:
            ranked.append((-quality, position, fields[0].lower()))
    return [media for _, _, media in sorted(ranked)]


def _by_accept(accept: str | None) -> tuple[str | None, str | None]:
    ranked = accepted(accept or "") or ["*/*"]
    solutions = graph = None
    for media in ranked:
        kind = media.removesuffix("/*") if media.endswith("/*") else None
        if kind == "*":
            solutions, graph = solutions or "json", graph or "ttl"
        elif kind:  # `text/*`, `application/*`: the first format of that type
            solutions = solutions or next(
                (n for n, m in SOLUTION_TYPES.items() if m.startswith(kind + "/")), None
            )
            graph = graph or next(
                (n for n, m in GRAPH_TYPES.items() if m.startswith(kind + "/")), None
            )
        else:
            solutions = solutions or SOLUTION_NAMES.get(media)
            graph = graph or GRAPH_NAMES.get(media)
    return solutions, graph


def negotiate(
    accept: str | None, requested: list[str] | None = None
) -> tuple[str | None, str | None]:
    """Pick the format for solutions and the one for graphs, None where none fits.

    The `format`/`output`/`results` parameters, where given, decide; otherwise Accept
    (no Accept, or `*/*`: JSON and Turtle). A parameter naming no known format, or an
    Accept that fits neither kind of answer, raises NotAcceptable.
    """
    values = [r.strip().lower() for r in requested or [] if r.strip()]
    if not values:
        solutions, graph = _by_accept(accept)
        if solutions is None and graph is None:
            raise NotAcceptable(
                f"none of the types in Accept ({accept}) can be given; ask for one of "
                + ", ".join([*SOLUTION_TYPES.values(), *GRAPH_TYPES.values()])
            )
        return solutions, graph
    names = []
    for value in values:  # a name, a media type or (SPARQLWrapper) a list of media types
        items = [item.split(";")[0].strip() for item in value.split(",")]
        known = [item for item in items if item in SOLUTION_NAMES or item in GRAPH_NAMES]
        if not known:
            choices = sorted({*SOLUTION_TYPES, *GRAPH_TYPES, "xml", "json", "turtle", "json-ld"})
            raise NotAcceptable(f"unknown format {value!r}; use one of {', '.join(choices)}")
        names += known
    solutions = next((SOLUTION_NAMES[n] for n in names if n in SOLUTION_NAMES), None)
    graph = next((GRAPH_NAMES[n] for n in names if n in GRAPH_NAMES), None)
    return solutions, graph


def not_acceptable(kind: str, graph: bool) -> str:
    """Say which formats an answer of this kind comes in, for a 406."""
    types = GRAPH_TYPES if graph else SOLUTION_TYPES
    return f"no format asked for fits a {kind} answer; ask for one of " + ", ".join(
        f"{name} ({media})" for name, media in types.items()
    )


def media_type(name: str) -> str:
    """Return the Content-Type of a format name, with a charset where it is text."""
    media = {**SOLUTION_TYPES, **GRAPH_TYPES}[name]
    return media + ("; charset=utf-8" if media.startswith("text/") else "")


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    found: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        found["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        found["datatype"] = term.datatype.value
    return found


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        parts = (("subject", term.subject), ("predicate", term.predicate), ("object", term.object))
        return "<triple>" + "".join(f"<{n}>{_xml_term(t)}</{n}>" for n, t in parts) + "</triple>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        datatype = quoteattr(term.datatype.value)
        return f"<literal datatype={datatype}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _csv_term(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


Row = Sequence[Term | None]


def solutions(variables: list[str], rows: Iterable[Row], fmt: str) -> bytes:
    """Write SELECT solutions in a W3C results format (json, xml, csv or tsv)."""
    if fmt == "json":
        bindings = [
            {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
            for row in rows
        ]
        answer = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        return json.dumps(answer, ensure_ascii=False).encode()
    if fmt == "xml":
        out = io.StringIO()
        out.write('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">')
        out.write("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in variables))
        out.write("</head><results>")
        for row in rows:
            out.write("<result>")
            for name, term in zip(variables, row, strict=True):
                if term is not None:
                    out.write(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
            out.write("</result>")
        out.write("</results></sparql>\n")
        return out.getvalue().encode()
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_term(t) for t in row] for row in rows)
        return out.getvalue().encode()
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(f"unknown results format {fmt!r}")


def boolean(answer: ox.QueryBoolean, fmt: str) -> bytes:
    """Write an ASK answer in a W3C results format."""
    return answer.serialize(format=BOOLEAN_FORMATS[fmt]) or b""


def triples(found: Iterable[ox.Triple], fmt: str) -> bytes:
    """Write triples as Turtle or RDF/XML (with the standard prefixes), N-Triples or JSON-LD."""
    prefixes = PREFIXES if fmt in ("ttl", "rdfxml") else None
    return ox.serialize(list(found), format=RDF_FORMATS[fmt], prefixes=prefixes) or b""
