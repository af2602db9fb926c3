"""Find entities by name and describe one as the contract's JSON profile.

Names match labels and aliases with case, accents and punctuation folded ("Marti" finds
"Alejandro Martí"); a miss suggests the closest names.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from civicgraph.errors import NotFoundError
from civicgraph.ingest import normalise_name
from civicgraph.ontology import Model
from civicgraph.sparql import select, value
from civicgraph.vocab import entity_iri, slug_of

SOURCE_FIELDS = ["document", "quote", "char_start", "char_end"]


@dataclass
class EntitySummary:
    """What is needed to show an entity in a list, a hop or a search result."""

    id: str
    label: str
    types: list[str]
    label_es: str | None = None
    aliases: list[str] = field(default_factory=list)

    def ref(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "types": self.types}


class NameIndex:
    """Every entity's names, folded for matching; built once from the store."""

    def __init__(self, store: ox.Store, model: Model) -> None:
        self.entities: dict[str, EntitySummary] = {}
        for row in select(store, "SELECT ?e ?rt WHERE { ?e a ?c . ?c civ:recordType ?rt }"):
            slug = slug_of(value(row["e"]))
            summary = self.entities.setdefault(slug, EntitySummary(slug, slug, []))
            summary.types.append(value(row["rt"]))
        names = """
            SELECT ?e ?name ?kind WHERE {
              { ?e rdfs:label ?name . BIND(LANG(?name) AS ?kind) }
              UNION { ?e skos:altLabel ?name . BIND("alias" AS ?kind) }
              ?e a/civ:recordType ?rt }"""
        self.by_name: dict[str, set[str]] = {}
        for row in select(store, names):
            slug, name, kind = slug_of(value(row["e"])), value(row["name"]), value(row["kind"])
            found = self.entities.get(slug)
            if found is None:
                continue
            summary = found
            if kind == "en":
                summary.label = name
            elif kind == "es":
                summary.label_es = name
            elif name not in summary.aliases:
                summary.aliases.append(name)
            self.by_name.setdefault(normalise_name(name), set()).add(slug)
        for summary in self.entities.values():
            summary.types.sort()
            summary.aliases.sort()
        self.model = model

    def resolve(self, name_or_id: str) -> EntitySummary:
        """Return the entity an id or a name denotes; raise NotFoundError with suggestions."""
        if name_or_id in self.entities:
            return self.entities[name_or_id]
        key = normalise_name(name_or_id)
        matches = sorted(self.by_name.get(key, ()))
        if len(matches) == 1:
            return self.entities[matches[0]]
        if len(matches) > 1:
            exact = [m for m in matches if normalise_name(self.entities[m].label) == key]
            if len(exact) == 1:
                return self.entities[exact[0]]
            raise NotFoundError(
                f"{name_or_id!r} names {len(matches)} entities; use an id",
                [f"{self.entities[m].label} ({m})" for m in matches],
            )
        suggestions = [f"{r.label} ({r.id})" for r, _ in self.search(name_or_id, limit=5)]
        raise NotFoundError(f"no entity named {name_or_id!r}", suggestions)

    def search(
        self, text: str, *, types: set[str] | None = None, limit: int = 20
    ) -> list[tuple[EntitySummary, float]]:
        """Rank entities by how well one of their names matches the text (1.0 is exact)."""
        key = normalise_name(text)
        if not key:
            return []
        scores: dict[str, float] = {}
        tokens = set(key.split())
        for name, slugs in self.by_name.items():
            if name == key:
                score = 1.0
            elif name.startswith(key):
                score = 0.9
            elif tokens <= set(name.split()):
                score = 0.8
            elif key in name:
                score = 0.7
            else:
                score = 0.6 * difflib.SequenceMatcher(None, key, name).ratio()
                if score < 0.4:
                    continue
            for slug in slugs:
                scores[slug] = max(scores.get(slug, 0.0), score)
        ranked = [
            (self.entities[slug], score)
            for slug, score in scores.items()
            if types is None or types & set(self.entities[slug].types)
        ]
        ranked.sort(key=lambda pair: (-pair[1], pair[0].label.casefold(), pair[0].id))
        return ranked[:limit]


CITATIONS = """
SELECT ?node ?quote ?start ?end ?doc WHERE {
  ?node civ:citation ?c .
  ?c civ:quote ?quote ; civ:charStart ?start ; civ:charEnd ?end ; dcterms:source/civ:path ?doc .
} ORDER BY ?doc ?start ?end"""


def citations_for(store: ox.Store, nodes: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Return the contract's `sources` list for each node IRI (entity, relationship, ...)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for iri in nodes:
        found[iri] = [
            {
                "document": value(row["doc"]),
                "quote": value(row["quote"]),
                "char_start": value(row["start"]),
                "char_end": value(row["end"]),
            }
            for row in select(store, CITATIONS, {"node": ox.NamedNode(iri)})
        ]
    return found


RELATIONS = """
SELECT ?e ?rel ?key ?dir ?other ?role ?start ?end ?status WHERE {
  { ?rel civ:subject ?e ; civ:object ?other . BIND("out" AS ?dir) }
  UNION { ?rel civ:object ?e ; civ:subject ?other . BIND("in" AS ?dir) }
  ?rel civ:relation/civ:recordKey ?key ; civ:status/skos:prefLabel ?status .
  OPTIONAL { ?rel civ:role ?role } OPTIONAL { ?rel civ:startDate ?start }
  OPTIONAL { ?rel civ:endDate ?end }
} ORDER BY ?key ?dir ?other ?start ?rel"""

OBSERVATIONS = """
SELECT ?e ?obs ?measure ?period ?value ?unit ?rank ?dim ?target WHERE {
  { ?obs ?link ?e . ?link a qb:DimensionProperty } UNION { ?obs qb:dataSet ?e }
  ?obs a qb:Observation ; qb:measureType ?m ; civ:period ?period ; civ:unit ?unit .
  ?m civ:recordKey ?measure . ?obs ?m ?value .
  OPTIONAL { ?obs civ:rank ?rank }
  { ?obs ?d ?target . ?d a qb:DimensionProperty ; civ:recordKey ?dim . FILTER(isIRI(?target)) }
  UNION { ?obs qb:dataSet ?target . BIND("dataset" AS ?dim) }
} ORDER BY ?measure ?period ?rank ?obs ?dim"""

DETAILS = """
SELECT ?e ?description WHERE { OPTIONAL { ?e dcterms:description ?description } }"""


def profile(store: ox.Store, names: NameIndex, slug: str) -> dict[str, Any]:
    """Return one entity's profile in the contract's `entity --json` shape."""
    summary = names.entities[slug]
    iri = ox.NamedNode(entity_iri(slug))
    description = next(select(store, DETAILS, {"e": iri}), {}).get("description")
    relations: list[dict[str, Any]] = []
    for row in select(store, RELATIONS, {"e": iri}):
        other_slug = slug_of(value(row["other"]))
        other = names.entities.get(other_slug, EntitySummary(other_slug, other_slug, []))
        relations.append(
            {
                "id": slug_of(value(row["rel"])),
                "predicate": value(row["key"]),
                "direction": value(row["dir"]),
                "other": other.ref(),
                "role": value(row["role"]),
                "start": value(row["start"]),
                "end": value(row["end"]),
                "status": value(row["status"]),
                "sources": [],
            }
        )
    observations: dict[str, dict[str, Any]] = {}
    for row in select(store, OBSERVATIONS, {"e": iri}):
        obs_iri = value(row["obs"])
        obs = observations.setdefault(
            obs_iri,
            {
                "id": slug_of(obs_iri),
                "measure": value(row["measure"]),
                "period": value(row["period"]),
                "value": value(row["value"]),
                "unit": value(row["unit"]),
                "rank": value(row["rank"]),
                "dimensions": {},
                "sources": [],
            },
        )
        obs["dimensions"][value(row["dim"])] = slug_of(value(row["target"]))
    nodes = [iri.value] + [entity_iri(r["id"]) for r in relations] + list(observations)
    cited = citations_for(store, nodes)
    for relation in relations:
        relation["sources"] = cited[entity_iri(relation["id"])]
    for obs_iri, obs in observations.items():
        obs["sources"] = cited[obs_iri]
    return {
        "id": slug,
        "iri": iri.value,
        "label": summary.label,
        "label_es": summary.label_es,
        "types": summary.types,
        "aliases": summary.aliases,
        "description": value(description),
        "relations": relations,
        "observations": list(observations.values()),
        "sources": cited[iri.value],
    }
