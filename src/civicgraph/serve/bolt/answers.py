"""The procedures the Bolt shim answers itself, from the projection's schema (`shim`).

Neo4j tools ask for the schema through procedures ArcadeDB lacks or shapes differently:
LangChain's `Neo4jGraph` and neo4j-graphrag through `apoc.meta.data`, Neo4j Browser and
others through `db.schema.visualization`, and `SHOW PROCEDURES` / `SHOW FUNCTIONS`. A query
that starts with one of these `CALL`s and goes on (`YIELD … WHERE … RETURN …`) is rewritten:
the call becomes `UNWIND $rows` over the rows we computed, passed as a parameter, and the
rest of the client's query runs in ArcadeDB as written, under its read-only security.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from civicgraph.serve.bolt.rows import GraphRows

ROWS_PARAMETER = "civicgraph_rows"
ROW_VARIABLE = "civicgraph_row"


def neo4j_type(value: Any) -> str:
    """Return the type name `apoc.meta.data` gives a property value."""
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int):
        return "INTEGER"
    if isinstance(value, float):
        return "FLOAT"
    if isinstance(value, list):
        return "LIST"
    return "STRING"


@dataclass
class Schema:
    """Labels, relationship types and their properties' types, and which labels they join."""

    node_properties: dict[str, dict[str, str]] = field(default_factory=dict)
    edge_properties: dict[str, dict[str, str]] = field(default_factory=dict)
    # (start label, relationship type) -> end labels
    joins: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: GraphRows) -> Schema:
        schema = cls()
        labels_of: dict[str, tuple[str, ...]] = {}
        for labels, nodes in rows.nodes.items():
            for node in nodes:
                labels_of[node["id"]] = labels
                for label in labels:
                    known = schema.node_properties.setdefault(label, {})
                    for key, value in node["props"].items():
                        if value is not None:
                            known.setdefault(key, neo4j_type(value))
        for edge_type, edges in rows.edges.items():
            known = schema.edge_properties.setdefault(edge_type, {})
            for edge in edges:
                for key, value in edge["props"].items():
                    if value is not None:
                        known.setdefault(key, neo4j_type(value))
                for start in labels_of.get(edge["source"], ()):
                    ends = schema.joins.setdefault((start, edge_type), set())
                    ends.update(labels_of.get(edge["target"], ()))
        return schema

    def meta_data(self) -> list[dict[str, Any]]:
        """Return the rows of `apoc.meta.data()`: node and relationship properties, joins."""
        out: list[dict[str, Any]] = []

        def row(label: str, prop: str, kind: str, element: str, other: list[str]) -> None:
            out.append(
                {
                    "label": label,
                    "property": prop,
                    "count": 0,
                    "unique": False,
                    "index": False,
                    "existence": False,
                    "type": kind,
                    "array": kind == "LIST",
                    "sample": None,
                    "left": 0,
                    "right": 0,
                    "other": other,
                    "otherLabels": [],
                    "elementType": element,
                }
            )

        for label, props in sorted(self.node_properties.items()):
            for prop, kind in sorted(props.items()):
                row(label, prop, kind, "node", [])
        for (start, edge_type), ends in sorted(self.joins.items()):
            row(start, edge_type, "RELATIONSHIP", "node", sorted(ends))
        for edge_type, props in sorted(self.edge_properties.items()):
            for prop, kind in sorted(props.items()):
                row(edge_type, prop, kind, "relationship", [])
        return out


# What SHOW PROCEDURES lists: ours, and ArcadeDB's that answer in Neo4j's shape.
PROCEDURES = {
    "apoc.meta.data": "Examine the graph's labels, relationship types and properties.",
    "apoc.schema.nodes": "The schema's node indexes and constraints (none are declared).",
    "db.labels": "List the node labels.",
    "db.propertyKeys": "List the property keys.",
    "db.relationshipTypes": "List the relationship types.",
    "db.schema.visualization": "The schema: one node per label, relationships between them.",
    "dbms.components": "The server's name, versions and edition.",
}
# What SHOW FUNCTIONS lists: the Cypher functions the projection's queries commonly use.
FUNCTIONS = {
    "aggregating": ["avg", "collect", "count", "max", "min", "sum"],
    "list": ["keys", "labels", "nodes", "range", "relationships", "size"],
    "predicate": ["all", "any", "exists", "none"],
    "scalar": ["coalesce", "head", "id", "last", "length", "type", "toFloat", "toInteger"],
    "string": ["lower", "replace", "split", "toLower", "toString", "toUpper", "trim", "upper"],
}


@dataclass
class Answer:
    """Rows the shim sends itself, or a rewritten query for ArcadeDB, or a failure."""

    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    query: str | None = None  # set: run this (with `parameters`) in ArcadeDB instead
    parameters: dict[str, Any] = field(default_factory=dict)
    failure: tuple[str, str] | None = None  # (code, message)


CALL = re.compile(r"\s*CALL\s+([A-Za-z_][\w.]*)\s*\(", re.IGNORECASE)
SHOW = re.compile(r"\s*SHOW\s+(PROCEDURES|FUNCTIONS)\b", re.IGNORECASE)
EXPLAIN = re.compile(r"\s*(EXPLAIN|PROFILE)\b", re.IGNORECASE)
NAME = r"[A-Za-z_]\w*"
YIELD = re.compile(
    rf"\s*YIELD\s+(\*|(?:{NAME}(?:\s+AS\s+{NAME})?\s*,\s*)*{NAME}(?:\s+AS\s+{NAME})?)",
    re.IGNORECASE,
)


def without_explain(text: str) -> tuple[bool, str]:
    """Return whether the query starts with EXPLAIN or PROFILE, and the query after it."""
    found = EXPLAIN.match(text)
    return (True, text[found.end() :]) if found else (False, text)


def _closing(text: str, at: int) -> int | None:
    """Return the index after the `)` closing the `(` before `at`, skipping strings."""
    depth, quote = 1, ""
    while at < len(text):
        char = text[at]
        if quote:
            if char == "\\":
                at += 1
            elif char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return at + 1
        at += 1
    return None


class Answers:
    """Answer, rewrite or pass on each query, from the projection's schema."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema

    def tables(self) -> dict[str, tuple[list[str], list[list[Any]]]]:
        """Return each procedure we answer as (columns, rows) of plain values."""
        meta = self.schema.meta_data()
        meta_columns = list(meta[0]) if meta else ["label", "property", "type", "elementType"]
        procedures = [[name, text, "READ", False] for name, text in sorted(PROCEDURES.items())]
        functions = [
            [name, category, f"Cypher's {name}()."]
            for category, names in sorted(FUNCTIONS.items())
            for name in names
        ]
        index_columns = ["label", "properties", "status", "type", "size", "valuesSelectivity"]
        return {
            "apoc.meta.data": (meta_columns, [list(r.values()) for r in meta]),
            "apoc.schema.nodes": (index_columns, []),
            "SHOW PROCEDURES": (["name", "description", "mode", "worksOnSystem"], procedures),
            "SHOW FUNCTIONS": (["name", "category", "description"], functions),
        }

    def answer(self, text: str, parameters: dict[str, Any]) -> Answer | None:
        """Return what to do with a query the shim handles; None to pass it on unchanged."""
        explained, body = without_explain(text)
        called = CALL.match(body)
        shown = SHOW.match(body)
        if called:
            name = called.group(1)
            end = _closing(body, called.end())
            if end is None:
                return None
            if name.lower() == "db.schema.visualization":
                if explained or body[end:].strip(" ;\n\t"):
                    return None  # a visualization's rows are nodes: answered whole only
                return Answer(columns=["nodes", "relationships"], query="visualization")
            table = self.tables().get(name)
            if table is None:
                return None
        elif shown:
            table, end = self.tables()[f"SHOW {shown.group(1).upper()}"], shown.end()
        else:
            return None
        columns, rows = table
        yielded = YIELD.match(body, end)
        rest = body[yielded.end() :] if yielded else body[end:]
        picks = [(c, c) for c in columns]
        if yielded and yielded.group(1) != "*":
            picks = []
            for item in yielded.group(1).split(","):
                words = item.split()
                picks.append((words[0], words[-1]))
            if any(name not in columns for name, _ in picks):
                return Answer(failure=("Neo.ClientError.Statement.SyntaxError", "unknown column"))
        if not rest.strip(" ;\n\t"):
            chosen = [columns.index(name) for name, _ in picks]
            out_rows = [] if explained else [[row[i] for i in chosen] for row in rows]
            return Answer(columns=[alias for _, alias in picks], rows=out_rows)
        # the rest of the client's query runs in ArcadeDB over our rows, passed as a parameter
        items = ", ".join(f"{ROW_VARIABLE}.{name} AS {alias}" for name, alias in picks)
        prefix = "EXPLAIN " if explained else ""
        query = f"{prefix}UNWIND ${ROWS_PARAMETER} AS {ROW_VARIABLE} WITH {items} {rest}"
        maps = [dict(zip(columns, row, strict=True)) for row in rows]
        return Answer(query=query, parameters={**parameters, ROWS_PARAMETER: maps})
