"""Run SPARQL over the store and render the answers.

The default graph is the union of all graphs, so the ontology and the data answer together,
unless a query names its own dataset with FROM / FROM NAMED.
Values from users reach a query only as `substitutions` (bound variables), never as text.
A user's query never makes this process send a request: where one enters (`api.sparql`,
the endpoint's workers) `SERVICE` (federation) is refused unless its endpoint's host is one
the operator allowed (`refuse_remote`). The project's own queries skip the check.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox

from civicgraph.errors import QueryError

PREFIXES = {
    "civ": "https://w3id.org/civicgraph/ontology#",
    "id": "https://w3id.org/civicgraph/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "qb": "http://purl.org/linked-data/cube#",
    "sh": "http://www.w3.org/ns/shacl#",
}
FORMATS = ("json", "csv", "tsv", "table")
Row = dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None]


# SPARQL's tokens, as far as telling a SERVICE keyword apart from the same letters inside a
# string, an IRI, a comment, a variable or a prefixed name (`SERVICE:x` is a name).
_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*"
    r"|[?$]?[^\s{}()\[\];,<>\"'#=!|&+*/^]+"
    r"|\S"
)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
SERVICE_REFUSED = (
    "SERVICE is refused here: a query may not make the server send requests to another endpoint"
)


def _codepoint(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else match.group(0)


def _tokens(text: str) -> list[str]:
    # SPARQL lets `\u0053ERVICE` stand for SERVICE anywhere: undo such escapes first
    unescaped = _CODEPOINT.sub(_codepoint, text)
    return [t for t in _TOKEN.findall(unescaped) if not t.startswith("#")]


def has_dataset_clause(text: str) -> bool:
    """Tell whether a query names its dataset (`FROM` or `FROM NAMED`).

    In SPARQL 1.1 the keyword FROM appears only in a query's dataset clauses, so a FROM
    token outside strings, IRIs, comments and names is one. (pyoxigraph applies the
    clauses itself, but offers no parse tree to ask whether there are any.)
    """
    return any(token.upper() == "FROM" for token in _tokens(text))


def services_in(text: str) -> list[str | None]:
    """Return the endpoint of every `SERVICE` clause of a query: its IRI, or None where it
    is named by a variable or a prefixed name (which this check does not resolve)."""
    tokens = _tokens(text)
    found: list[str | None] = []
    for index, token in enumerate(tokens):
        if token.upper() != "SERVICE":
            continue
        rest = tokens[index + 1 : index + 3]
        if rest and rest[0].upper() == "SILENT":
            rest = rest[1:]
        target = rest[0] if rest else ""
        found.append(target[1:-1] if target.startswith("<") and target.endswith(">") else None)
    return found


def refuse_remote(text: str, allowed_hosts: Collection[str] = ()) -> None:
    """Raise QueryError if a query would call an endpoint not on `allowed_hosts` (entries are
    `host` or `host:port`); with none allowed, every SERVICE is refused."""
    for target in services_in(text):
        parts = urlsplit(target) if target else None
        if parts is None or not (
            parts.scheme in ("http", "https")
            and (parts.netloc in allowed_hosts or parts.hostname in allowed_hosts)
        ):
            shown = f"<{target}>" if target else "an endpoint named by a variable or prefix"
            allowed = ", ".join(sorted(allowed_hosts)) or "none"
            raise QueryError(f"{SERVICE_REFUSED} ({shown}; allowed hosts: {allowed})")


def query(
    store: ox.Store,
    sparql: str,
    bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Run a query with the standard prefixes, over the union of all graphs unless the
    query names its dataset (FROM / FROM NAMED, which Oxigraph then applies).

    Oxigraph substitutes a bound variable only where the query also selects it.
    """
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(k): v for k, v in (bindings or {}).items()
    }
    try:
        return store.query(
            sparql,
            prefixes=PREFIXES,
            use_default_graph_as_union=not has_dataset_clause(sparql),
            substitutions=substitutions or None,
        )
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from exc
    except (OSError, RuntimeError) as exc:
        raise QueryError(f"SPARQL evaluation failed: {exc}") from exc


def select(
    store: ox.Store,
    sparql: str,
    bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
) -> Iterator[Row]:
    """Run a SELECT query and yield each solution as a dict of variable name to term."""
    result = query(store, sparql, bindings)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("expected a SELECT query")
    names = [v.value for v in result.variables]
    for solution in result:
        yield {name: solution[name] for name in names}


def value(term: object) -> Any:
    """Return a term as a plain Python value: IRIs and strings as str, numbers as numbers."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value.rsplit("#", 1)[-1]
        if datatype in ("integer", "int", "long"):
            return int(term.value)
        if datatype in ("decimal", "double", "float"):
            number = float(term.value)
            return int(number) if number.is_integer() and "." not in term.value else number
        return term.value
    return getattr(term, "value", str(term))


def render(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, fmt: str) -> str:
    """Render an answer as W3C SPARQL JSON, CSV, TSV or a text table."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if isinstance(result, ox.QueryTriples):
        data = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
        return (data or b"").decode()
    if fmt == "table":
        return _table(result)
    formats = {
        "json": ox.QueryResultsFormat.JSON,
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
    }
    data = result.serialize(format=formats[fmt])
    return (data or b"").decode()


def _table(result: ox.QuerySolutions | ox.QueryBoolean) -> str:
    if isinstance(result, ox.QueryBoolean):
        return "true" if bool(result) else "false"
    names = [v.value for v in result.variables]
    rows = [[_short(solution[n]) for n in names] for solution in result]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    widths = [min(w, 60) for w in widths]
    out = io.StringIO()
    out.write("  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in rows:
        cells = [
            (c if len(c) <= w else c[: w - 1] + "…").ljust(w)
            for c, w in zip(row, widths, strict=True)
        ]
        out.write("  ".join(cells).rstrip() + "\n")
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")
    return out.getvalue()


def _short(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, base in PREFIXES.items():
            if term.value.startswith(base):
                return f"{prefix}:{term.value[len(base) :]}"
        return term.value
    return str(getattr(term, "value", term))


def rows_as_csv(header: list[str], rows: list[list[Any]]) -> str:
    """Render plain rows as CSV (for downloads in the explorer)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _plain_cell(term: object) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return term.value
    return getattr(term, "value", str(term))


def as_table(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, limit: int
) -> dict[str, Any]:
    """Turn any SPARQL answer into columns and rows of strings, at most `limit` rows."""
    if isinstance(result, ox.QueryBoolean):
        return {"columns": ["boolean"], "rows": [[bool(result)]], "truncated": False}
    if isinstance(result, ox.QueryTriples):
        columns = ["subject", "predicate", "object"]
        source: Any = ((t.subject, t.predicate, t.object) for t in result)
    else:
        columns = [v.value for v in result.variables]
        source = ([solution[name] for name in columns] for solution in result)
    rows: list[list[Any]] = []
    truncated = False
    for terms in source:
        if len(rows) == limit:
            truncated = True
            break
        rows.append([_plain_cell(term) for term in terms])
    return {"columns": columns, "rows": rows, "truncated": truncated}
