"""What a query worker does with a job: run a SPARQL query, describe an entity, or give the
ontology, each answer an HTTP status, a body and what to log of it.

Runs inside the worker processes (`worker`); nothing here knows about processes or HTTP.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from typing import Any

import pyoxigraph as ox

from civicgraph.errors import QueryError
from civicgraph.model.vocab import CIV, ID_BASE, ONTOLOGY_GRAPH
from civicgraph.serve.sparql import results
from civicgraph.store.sparql import PREFIXES, has_dataset_clause, refuse_remote

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"


@dataclass(frozen=True)
class Answer:
    """What a worker sends back: an HTTP status, a body and what to say about it.

    `build` names the build that answered; `last` says the worker stops after this answer
    (it cannot open the store's current build).
    """

    status: int
    content_type: str
    body: bytes
    rows: int = 0
    truncated: bool = False
    build: str = ""
    last: bool = False
    location: str = ""  # where a redirect points (a path on this server)


def text(status: int, message: str) -> Answer:
    """A plain-text answer: one line."""
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode())


def dataset(job: dict[str, Any]) -> dict[str, Any]:
    """The dataset arguments of `Store.query` for a job, per SPARQL 1.1 Query and Protocol.

    The protocol's `default-graph-uri`/`named-graph-uri` define the whole dataset where
    either is given (a graph not named is out of it: named graphs alone leave the default
    graph empty), overriding the query's own FROM/FROM NAMED; without them pyoxigraph
    applies those clauses itself; without either the default graph is the union of all
    graphs (the contract), which pyoxigraph would otherwise let override FROM.
    """
    default_graphs = job.get("default_graphs") or []
    named_graphs = job.get("named_graphs") or []
    if default_graphs or named_graphs:
        return {
            "default_graph": [ox.NamedNode(g) for g in default_graphs],
            "named_graphs": [ox.NamedNode(g) for g in named_graphs],
        }
    if has_dataset_clause(job["query"]):
        return {}
    return {"use_default_graph_as_union": True}


def run_query(store: ox.Store, job: dict[str, Any]) -> Answer:
    """Evaluate a SPARQL query, keep at most `max_rows` rows and serialise them."""
    try:
        refuse_remote(job["query"], job.get("allowed_services", ()))
    except QueryError as exc:
        return text(400, str(exc))
    try:
        graphs = dataset(job)
    except ValueError as exc:
        return text(400, f"a graph IRI in default-graph-uri or named-graph-uri is invalid: {exc}")
    try:
        answer = store.query(
            job["query"], prefixes=PREFIXES, base_iri=job.get("base_iri"), **graphs
        )
        limit = int(job["max_rows"])
        if isinstance(answer, ox.QueryTriples):
            fmt = job["graph"]
            if fmt is None:
                return text(406, results.not_acceptable("CONSTRUCT or DESCRIBE", graph=True))
            found = _capped(answer, limit)
            body = results.triples(found[:limit], fmt)
            return Answer(
                200, results.media_type(fmt), body, min(len(found), limit), _over(found, limit)
            )
        fmt = job["solutions"]
        if fmt is None:
            return text(406, results.not_acceptable("SELECT or ASK", graph=False))
        if isinstance(answer, ox.QueryBoolean):
            return Answer(200, results.media_type(fmt), results.boolean(answer, fmt), rows=1)
        variables = [v.value for v in answer.variables]
        rows = _capped(([s[v] for v in variables] for s in answer), limit)
        body = results.solutions(variables, rows[:limit], fmt)
        return Answer(200, results.media_type(fmt), body, min(len(rows), limit), _over(rows, limit))
    except SyntaxError as exc:
        return text(400, f"SPARQL syntax error: {exc}")
    except (OSError, RuntimeError, ValueError) as exc:
        return text(400, f"SPARQL evaluation failed: {exc}")


def _capped(items: Any, limit: int) -> list[Any]:
    """Take one item more than the cap, so that a truncated answer can say so."""
    found = []
    for item in items:
        found.append(item)
        if len(found) > limit:
            break
    return found


def _over(found: list[Any], limit: int) -> bool:
    return len(found) > limit


def describe(store: ox.Store, job: dict[str, Any]) -> Answer:
    """Answer `/id/<slug>`: the node's triples, incoming links and its citations' triples."""
    node = ox.NamedNode(ID_BASE + job["slug"])
    found = [q.triple for q in store.quads_for_pattern(node, None, None, None)]
    if not found:
        return text(404, f"nothing is known about {node.value}")
    kept = _merged_into(found)
    if kept is not None:  # a merged id: See Other, its kept entity (Linked Data practice)
        said = text(303, f"{node.value} was merged into {ID_BASE}{kept}")
        return replace(said, location=f"/id/{kept}", rows=len(found))
    incoming = [q.triple for q in store.quads_for_pattern(None, None, node, None)]
    cited = []
    for citation in store.quads_for_pattern(node, ox.NamedNode(str(CIV.citation)), None, None):
        if isinstance(citation.object, ox.NamedNode):
            cited += [q.triple for q in store.quads_for_pattern(citation.object, None, None, None)]
    if job.get("html"):
        page = _html_page(node, found, incoming, cited)
        return Answer(200, "text/html; charset=utf-8", page.encode(), rows=len(found))
    unique = list(dict.fromkeys([*found, *incoming, *cited]))
    fmt = job["graph"]
    if fmt is None:
        return text(406, results.not_acceptable("entity", graph=True))
    return Answer(200, results.media_type(fmt), results.triples(unique, fmt), rows=len(unique))


def _merged_into(found: list[ox.Triple]) -> str | None:
    """Return the kept entity's slug when a node is a merged id (untyped, `owl:sameAs` an
    instance of the graph), else None."""
    if any(t.predicate.value == RDF_TYPE for t in found):
        return None
    for t in found:
        kept = t.object.value if isinstance(t.object, ox.NamedNode) else ""
        if t.predicate.value == OWL_SAME_AS and kept.startswith(ID_BASE):
            return kept[len(ID_BASE) :]
    return None


def _link(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        shown = term.value
        for prefix, base in PREFIXES.items():
            if shown.startswith(base):
                shown = f"{prefix}:{shown[len(base) :]}"
                break
        href = "/id/" + term.value[len(ID_BASE) :] if term.value.startswith(ID_BASE) else term.value
        return f'<a href="{html.escape(href)}">{html.escape(shown)}</a>'
    if isinstance(term, ox.Literal):
        language = f" <small>@{html.escape(term.language)}</small>" if term.language else ""
        return html.escape(term.value) + language
    return html.escape(str(term))


def _html_page(
    node: ox.NamedNode, found: list[ox.Triple], incoming: list[ox.Triple], cited: list[ox.Triple]
) -> str:
    labels = [t.object for t in found if t.predicate.value == RDFS_LABEL]
    english = [t for t in labels if isinstance(t, ox.Literal) and t.language in ("en", None)]
    title = html.escape(english[0].value if english else node.value)

    def rows(triples: list[ox.Triple], incoming: bool = False) -> str:
        return "".join(
            f"<tr><td>{_link(t.subject if incoming else t.predicate)}</td>"
            f"<td>{_link(t.predicate if incoming else t.object)}</td></tr>"
            for t in triples
        )

    citation_rows = "".join(
        f"<tr><td>{_link(t.subject)}</td><td>{_link(t.predicate)}</td><td>{_link(t.object)}</td></tr>"
        for t in cited
    )
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p><code>{html.escape(node.value)}</code> · "
        f'<a href="?format=ttl">Turtle</a></p>'
        f"<h2>Statements</h2><table>{rows(found)}</table>"
        f"<h2>Referred to by</h2><table>{rows(incoming, incoming=True)}</table>"
        f"<h2>Citations</h2><table>{citation_rows}</table></body></html>"
    )


def ontology(store: ox.Store, job: dict[str, Any]) -> Answer:
    """Answer `/ontology`: the ontology graph as built into the store."""
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    fmt = job["graph"]
    if fmt is None:
        return text(406, results.not_acceptable("ontology", graph=True))
    found = [q.triple for q in store.quads_for_pattern(None, None, None, graph)]
    return Answer(200, results.media_type(fmt), results.triples(found, fmt), rows=len(found))


def ping(store: ox.Store, job: dict[str, Any]) -> Answer:
    """Answer nothing: the worker has checked that it holds the current build."""
    return text(200, "ready")


HANDLERS = {"query": run_query, "describe": describe, "ontology": ontology, "ping": ping}
