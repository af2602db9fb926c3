"""FollowTheMoney entities of the graph, made with the `followthemoney` library itself.

Which FtM schema each class and relation becomes is declared in `ontology/ftm.yaml`.
Entities become Person / Organization / PublicBody / Project / Event / Address /
Territory / Document; source documents become Document entities; every relationship
becomes an interval entity whose `proof` is the Document of each source it cites, with
each quote and its code-point offsets in `description`. Dates go to `startDate` /
`endDate` only when the text states them; a period the text merely places a relationship
in (date basis `within`) goes to `date` and is said in `summary`. Observations
(statistics) have no clean FtM fit and are left out.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import yaml
from followthemoney import model as ftm_model
from followthemoney.proxy import EntityProxy
from followthemoney.statement import Statement, write_statements

from civicgraph.model.vocab import slug_of
from civicgraph.store.sparql import select, value

if TYPE_CHECKING:
    from civicgraph.graph.loaded import LoadedGraph

DATASET = "civicgraph"
PREFIX = "civicgraph-"
FALLBACK = ("UnknownLink", "subject", "object")

CITATIONS = """
SELECT ?rel ?quote ?start ?end ?doc WHERE {
  ?rel civ:citation ?c . ?c civ:quote ?quote ; civ:charStart ?start ; civ:charEnd ?end ;
       dcterms:source ?doc }"""
DOCUMENTS = """
SELECT ?doc ?path ?title ?publisher ?issued ?citation WHERE {
  ?doc a civ:SourceDocument ; civ:path ?path ; dcterms:title ?title .
  OPTIONAL { ?doc dcterms:publisher ?publisher } OPTIONAL { ?doc dcterms:issued ?issued }
  OPTIONAL { ?doc dcterms:bibliographicCitation ?citation } }"""
AUTHORS = "SELECT ?doc ?name WHERE { ?doc a civ:SourceDocument ; dcterms:creator ?name }"


@dataclass(frozen=True)
class FtmMapping:
    """Our record types and relation keys mapped to FtM schemata (from ontology/ftm.yaml)."""

    classes: dict[str, str | None]
    relations: dict[str, tuple[str, str, str]]

    @classmethod
    def read(cls, ontology_dir: Path) -> FtmMapping:
        raw = yaml.safe_load((ontology_dir / "ftm.yaml").read_text(encoding="utf-8"))
        relations = {
            key: (spec["schema"], spec["subject"], spec["object"])
            for key, spec in raw["relations"].items()
        }
        return cls(dict(raw["classes"]), relations)


def entity_id(slug: str) -> str:
    """Return the FtM id of an entity, relationship or source: our stable slug, prefixed."""
    return PREFIX + slug


def _schema_of(graph: LoadedGraph, mapping: FtmMapping, types: list[str]) -> str | None:
    """Return the FtM schema of an entity: its nearest mapped class, None when left out."""
    classes = graph.build.model.classes
    for record_type in types:
        for name in (record_type, *classes[record_type].ancestors):
            if name in mapping.classes:
                return mapping.classes[name]
    return None


def ftm_entities(graph: LoadedGraph) -> Iterator[EntityProxy]:
    """Yield every FtM entity of the export: documents, entities, then relationships."""
    mapping = FtmMapping.read(graph.build.ontology_dir)
    store = graph.build.store
    yield from _documents(store)
    made: dict[str, EntityProxy] = {}
    projection = graph.projection
    for slug in sorted(projection):
        schema = _schema_of(graph, mapping, projection.nodes[slug]["types"])
        if schema is None:
            continue
        summary = graph.names.entities[slug]
        proxy = ftm_model.make_entity(schema)
        proxy.id = entity_id(slug)
        proxy.add("name", summary.label)
        if summary.label_es:
            proxy.add("name", summary.label_es)
        proxy.add("alias", list(summary.aliases))
        proxy.add("sourceUrl", f"https://w3id.org/civicgraph/id/{slug}")
        if schema == "Address":
            proxy.add("full", summary.label)
        made[slug] = proxy
        yield proxy
    citations: dict[str, list[dict[str, Any]]] = {}
    for row in select(store, CITATIONS):
        citations.setdefault(slug_of(value(row["rel"])), []).append(row)
    model = graph.build.model
    for source, target, key in sorted(projection.edges(keys=True)):
        if source not in made or target not in made:
            continue  # an endpoint the mapping leaves out
        data = projection.edges[source, target, key]
        proxy = _relationship(made[source], made[target], key, data, mapping, model.relations)
        for row in sorted(citations.get(key, []), key=lambda r: int(value(r["start"]))):
            _cite(proxy, row)
        yield proxy


def _relationship(
    subject: EntityProxy,
    obj: EntityProxy,
    key: str,
    data: dict[str, Any],
    mapping: FtmMapping,
    relations: Any,
) -> EntityProxy:
    schema_name, subject_prop, object_prop = mapping.relations.get(data["predicate"], FALLBACK)
    schema = ftm_model.get(schema_name)
    assert schema is not None
    fits = subject.schema.is_a(schema.get(subject_prop).range.name) and obj.schema.is_a(  # type: ignore[union-attr]
        schema.get(object_prop).range.name  # type: ignore[union-attr]
    )
    if not fits:
        schema_name, subject_prop, object_prop = FALLBACK
    proxy = ftm_model.make_entity(schema_name)
    proxy.id = entity_id(key)
    proxy.add(subject_prop, subject.id)
    proxy.add(object_prop, obj.id)
    relation = relations.get(data["predicate"])
    label = relation.label if relation else data["predicate"]
    role = data.get("role") or (label if schema_name == "UnknownLink" else None)
    summary = f"{data['predicate']}; status {data['status']}; review {data['review']}"
    for prop in ("role", "relationship", "purpose"):  # the schema's word for a role
        if prop in proxy.schema.properties:
            proxy.add(prop, role)
            break
    else:
        summary += f"; role {role}" if role else ""
    start, end = data.get("start"), data.get("end")
    if data.get("date_basis") == "within":
        proxy.add("date", [d for d in (start, end) if d])
        summary += "; dated by the period the text gives, not said to begin or end then"
    else:
        proxy.add("startDate", start)
        proxy.add("endDate", end)
    if "status" in proxy.schema.properties:  # not every interval schema has one
        proxy.add("status", data["status"])
    proxy.add("summary", summary)
    proxy.add("recordId", key)
    proxy.add("sourceUrl", f"https://w3id.org/civicgraph/id/{key}")
    return proxy


def _cite(proxy: EntityProxy, row: dict[str, Any]) -> None:
    start, end = int(value(row["start"])), int(value(row["end"]))
    doc = slug_of(value(row["doc"]))
    proxy.add("proof", entity_id(doc))
    proxy.add("description", f"“{value(row['quote'])}” ({doc}, #char={start},{end})")


def _documents(store: Any) -> Iterator[EntityProxy]:
    authors: dict[str, list[str]] = {}
    for row in select(store, AUTHORS):
        authors.setdefault(value(row["doc"]), []).append(value(row["name"]))
    for row in sorted(select(store, DOCUMENTS), key=lambda r: value(r["doc"])):
        iri = value(row["doc"])
        proxy = ftm_model.make_entity("Document")
        proxy.id = entity_id(slug_of(iri))
        proxy.add("title", value(row["title"]))
        proxy.add("fileName", value(row["path"]))
        proxy.add("author", sorted(authors.get(iri, [])))
        for prop, column in (("publisher", "publisher"), ("summary", "citation")):
            if row.get(column) is not None:
                proxy.add(prop, value(row[column]))
        if row.get("issued") is not None:
            proxy.add("publishedAt", value(row["issued"]))
        yield proxy


def write_ftm(graph: LoadedGraph, sink: IO[bytes]) -> None:
    """Write FtM's line format: one entity as a JSON object per line."""

    for proxy in ftm_entities(graph):
        line = json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True)
        sink.write(line.encode("utf-8") + b"\n")


def write_ftm_statements(graph: LoadedGraph, sink: IO[bytes], origin: str) -> None:
    """Write the entities as FtM statements (CSV, the library's writer) for `dataset`."""
    statements = (
        stmt
        for proxy in ftm_entities(graph)
        for stmt in Statement.from_entity(proxy, dataset=DATASET, origin=origin)
    )
    # the library's writer closes the file it is given when done; keep ours open
    with io.BufferedWriter(_Unclosed(sink)) as kept:
        write_statements(kept, "csv", statements)


class _Unclosed(io.RawIOBase):
    """A writable view of a binary sink whose close leaves the sink open."""

    def __init__(self, sink: IO[bytes]) -> None:
        self.sink = sink

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        return self.sink.write(bytes(data))
