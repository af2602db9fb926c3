"""Statistics as tables: the Data Cube observations of a dataset, flat and labelled.

Each observation becomes one row with its measure, period, value, unit, rank, the value as
printed, the curator's note, claim status and one column per dimension (the entity's id and
label), plus its citations; rows come in the source's order. A dataset's
source line says where the figures come from: the dataset's label, its `dataSource`s, who
it is `publishedBy`, the works it `cites`, and the source documents its own citations quote.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from civicgraph.graph.entities import NameIndex, citations_for
from civicgraph.model.ontology import Model
from civicgraph.model.text import printed_at
from civicgraph.model.vocab import entity_iri, slug_of
from civicgraph.store.sparql import select, value

if TYPE_CHECKING:
    from civicgraph.store.kept_graph import KeptGraph

DATASETS = """
SELECT ?ds (COUNT(DISTINCT ?obs) AS ?n) (GROUP_CONCAT(DISTINCT ?key; separator=" ") AS ?measures)
WHERE { ?obs a qb:Observation ; qb:dataSet ?ds ; qb:measureType/civ:recordKey ?key }
GROUP BY ?ds ORDER BY DESC(?n) ?ds"""

OBSERVATIONS = """
SELECT ?ds ?obs ?measure ?period ?value ?unit ?rank ?printed ?note ?status ?dim ?target WHERE {
  ?obs a qb:Observation ; qb:dataSet ?ds ; qb:measureType ?m ; civ:period ?period ;
       civ:unit ?unit ; civ:status/skos:prefLabel ?status .
  ?m civ:recordKey ?measure . ?obs ?m ?value .
  OPTIONAL { ?obs civ:rank ?rank } OPTIONAL { ?obs civ:printedAs ?printed }
  OPTIONAL { ?obs civ:note ?note }
  OPTIONAL { ?obs ?d ?target . ?d a qb:DimensionProperty ; civ:recordKey ?dim .
             FILTER(isIRI(?target)) }
} ORDER BY ?measure ?period ?rank ?obs ?dim"""

# the subject first: Oxigraph then starts from the bound dataset, not every relationship
CREDITS = """
SELECT ?ds ?key ?other WHERE {
  ?r civ:subject ?ds ; civ:relation ?p ; civ:object ?other . ?p civ:recordKey ?key .
  FILTER(?key = "dataSource" || ?key = "publishedBy" || ?key = "cites")
} ORDER BY ?key ?other"""

DOCUMENTS = """
SELECT ?ds ?citation WHERE {
  ?ds civ:citation/dcterms:source ?doc . ?doc dcterms:bibliographicCitation ?citation
} GROUP BY ?ds ?citation ORDER BY ?citation"""


def datasets(store: ox.Store, names: NameIndex) -> list[dict[str, Any]]:
    """List the datasets that hold observations, largest first, each with its source line."""
    found = []
    for row in select(store, DATASETS):
        slug = slug_of(value(row["ds"]))
        summary = names.entities.get(slug)
        found.append(
            {
                "id": slug,
                "label": summary.label if summary else slug,
                "observations": value(row["n"]),
                "measures": sorted(value(row["measures"]).split()),
                **source_line(store, names, slug),
            }
        )
    return found


def source_line(store: ox.Store, names: NameIndex, dataset: str) -> dict[str, Any]:
    """Say where a dataset's figures come from: its data sources, its publishers (kept apart:
    "Source: SNSP" under a figure names where the numbers came from, not who published it),
    the works it cites, and the source documents that print it."""
    bound = {"ds": ox.NamedNode(entity_iri(dataset))}
    credits: dict[str, list[str]] = {"dataSource": [], "publishedBy": [], "cites": []}
    for row in select(store, CREDITS, bound):
        other = slug_of(value(row["other"]))
        summary = names.entities.get(other)
        credits[value(row["key"])].append(summary.label if summary else other)
    documents = [value(row["citation"]) for row in select(store, DOCUMENTS, bound)]
    label = names.entities[dataset].label if dataset in names.entities else dataset
    parts = [f"Source: {label}"]
    if credits["dataSource"]:
        parts.append("data from " + ", ".join(credits["dataSource"]))
    if credits["publishedBy"]:
        parts.append("published by " + ", ".join(credits["publishedBy"]))
    if credits["cites"]:
        parts.append("after " + ", ".join(credits["cites"]))
    text = "; ".join(parts) + "."
    if documents:
        text += " As printed in " + "; ".join(d.rstrip(".") for d in documents) + "."
    return {
        "data_sources": credits["dataSource"],
        "publishers": credits["publishedBy"],
        "cites": credits["cites"],
        "documents": documents,
        "source_line": text,
    }


def observations(
    store: ox.Store,
    names: NameIndex,
    model: Model,
    dataset: str,
    measure: str | None = None,
) -> list[dict[str, Any]]:
    """Return a dataset's observations as flat rows (optionally one measure only)."""
    rows: dict[str, dict[str, Any]] = {}
    bound = {"ds": ox.NamedNode(entity_iri(dataset))}
    for row in select(store, OBSERVATIONS, bound):
        key = value(row["measure"])
        if measure is not None and key != measure:
            continue
        obs_iri = value(row["obs"])
        known = model.measures.get(key)
        obs = rows.setdefault(
            obs_iri,
            {
                "id": slug_of(obs_iri),
                "measure": key,
                "measure_label": known.label if known else key,
                "period": value(row["period"]),
                "value": value(row["value"]),
                "unit": value(row["unit"]),
                "rank": value(row["rank"]),
                "printed": value(row["printed"]),
                "note": value(row["note"]),
                "status": value(row["status"]),
                "dimensions": {},
            },
        )
        dim = value(row["dim"])
        if dim is not None:
            slug = slug_of(value(row["target"]))
            summary = names.entities.get(slug)
            obs["dimensions"][dim] = {"id": slug, "label": summary.label if summary else slug}
    cited = citations_for(store, list(rows))
    for obs_iri, obs in rows.items():
        obs["sources"] = cited[obs_iri]
    return sorted(rows.values(), key=in_source_order)


def in_source_order(obs: dict[str, Any]) -> tuple[Any, ...]:
    """Order observations by measure and period, then as the source prints them: by rank
    where it ranks them, else by where the value is printed (a table's rows top to bottom,
    each row's columns left to right; a sentence's figures in the order it gives them)."""
    printed = [
        (s["document"], s["char_start"] + at)
        for s in obs["sources"]
        if (at := printed_at(obs["value"], obs["printed"], s["quote"])) is not None
    ]
    where = min(printed) if printed else ("\uffff", 0)
    return (obs["measure"], str(obs["period"]), obs["rank"] or 0, where, obs["id"])


def stats(
    store: ox.Store, kept: KeptGraph | None = None, triples: int | None = None
) -> dict[str, Any]:
    """Count entities by type, relationships by type, observations, citations, triples;
    the first two from the kept graph when given, the triples as the build counted them
    when given (counted in the store, they take minutes at 400k entities)."""

    def by_key(sparql: str) -> dict[str, int]:
        return {value(r["k"]): value(r["n"]) for r in select(store, sparql)}

    def instances(cls: str) -> int:
        rows = select(store, f"SELECT (COUNT(?x) AS ?n) WHERE {{ ?x a {cls} }}")
        return int(value(next(rows)["n"]))

    if kept is not None:
        entities, relationships = kept.entities_by_type(), kept.choices["relationships"]
    else:
        entities = by_key(
            "SELECT ?k (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a/civ:recordType ?k } "
            "GROUP BY ?k ORDER BY ?k"
        )
        relationships = by_key(
            "SELECT ?k (COUNT(?r) AS ?n) WHERE { ?r a civ:Relationship ; "
            "civ:relation/civ:recordKey ?k } GROUP BY ?k ORDER BY ?k"
        )
    return {
        "entities": entities,
        "relationships": relationships,
        "observations": instances("qb:Observation"),
        "citations": instances("civ:Citation"),
        "triples": len(store) if triples is None else triples,
    }
