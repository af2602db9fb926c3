"""Find entities by name and describe one as the contract's JSON profile.

Names match labels and aliases with case, accents and punctuation folded ("Marti" finds
"Alejandro Martí"); a miss suggests the closest names.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import pyoxigraph as ox

from civicgraph.build.records import normalise_name
from civicgraph.errors import NotFoundError
from civicgraph.model.ontology import Model
from civicgraph.model.vocab import CIV, entity_iri, local_name, slug_of
from civicgraph.store.kept import date_basis
from civicgraph.store.sparql import value

T = TypeVar("T")

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
OWL_SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
DCT_SOURCE = "http://purl.org/dc/terms/source"
DCT_DESCRIPTION = "http://purl.org/dc/terms/description"
QB_DATASET = "http://purl.org/linked-data/cube#dataSet"
QB_MEASURE_TYPE = "http://purl.org/linked-data/cube#measureType"

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
    """Every entity's names, folded for matching."""

    def __init__(
        self,
        entities: Mapping[str, EntitySummary],
        model: Model,
        redirects: dict[str, str] | None = None,
        *,
        by_name: Mapping[str, set[str]] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self.entities = entities
        self.model = model
        self._labels = labels
        self.redirects = redirects or {}  # a merged id -> the id it was merged into
        if by_name is not None:  # folded already (the index kept beside a build)
            self.by_name = by_name
            return
        folded: dict[str, set[str]] = {}
        self.by_name = folded
        for slug, summary in entities.items():
            names = [summary.label, *summary.aliases]
            if summary.label_es is not None:
                names.append(summary.label_es)
            for name in names:
                folded.setdefault(normalise_name(name), set()).add(slug)

    @cached_property
    def labels(self) -> Mapping[str, str]:
        """Every entity's label by id (from the kept index, without the rest of each)."""
        if self._labels is not None:
            return self._labels
        return {slug: summary.label for slug, summary in self.entities.items()}

    @cached_property
    def merged_into(self) -> dict[str, list[str]]:
        """Return the ids merged into each entity that has any."""
        found: dict[str, list[str]] = {}
        for old, kept in sorted(self.redirects.items()):
            found.setdefault(kept, []).append(old)
        return found

    @classmethod
    def from_store(cls, store: ox.Store, model: Model) -> NameIndex:
        """Read every entity's types and names from the store, by index scans."""
        # Index scans, not SPARQL: this runs over every entity, so it must stay linear.
        entities: dict[str, EntitySummary] = {}
        for c in model.classes.values():
            for quad in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(c.iri), None):
                slug = slug_of(value(quad.subject))
                summary = entities.setdefault(slug, EntitySummary(slug, slug, []))
                summary.types.append(c.record_type)
        for predicate in (RDFS_LABEL, SKOS_ALT):
            for quad in store.quads_for_pattern(None, predicate, None, None):
                found = entities.get(slug_of(value(quad.subject)))
                if found is None or not isinstance(quad.object, ox.Literal):
                    continue
                name, language = quad.object.value, quad.object.language
                if predicate == SKOS_ALT:
                    if name not in found.aliases:
                        found.aliases.append(name)
                elif language == "en":
                    found.label = name
                elif language == "es":
                    found.label_es = name
        for summary in entities.values():
            summary.types.sort()
            summary.aliases.sort()
        return cls(entities, model, redirects_in(store, entities))

    def resolve(self, name_or_id: str) -> EntitySummary:
        """Return the entity an id or a name denotes; raise NotFoundError with suggestions."""
        if name_or_id in self.entities:
            return self.entities[name_or_id]
        if name_or_id in self.redirects:  # a merged id: its permalinks keep working
            return self.entities[self.redirects[name_or_id]]
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
        named: dict[str, float] = {}
        tokens = set(key.split())
        names = list(iter(self.by_name))  # the names alone; only those that score are looked up
        near = _near(key, names)
        for name in names:
            if name == key:
                score = 1.0
            elif name.startswith(key):
                score = 0.9
            elif tokens <= set(name.split()):
                score = 0.8
            elif key in name:
                score = 0.7
            elif name not in near:
                continue  # a fuzzy score below 0.4, as the bound below shows
            else:
                score = 0.6 * difflib.SequenceMatcher(None, key, name).ratio()
                if score < 0.4:
                    continue
            named[name] = score
        scores: dict[str, float] = {}
        for name, slugs in _many(self.by_name, named).items():
            for slug in slugs:
                scores[slug] = max(scores.get(slug, 0.0), named[name])
        summaries = _many(self.entities, scores)
        ranked = [
            (summaries[slug], score)
            for slug, score in scores.items()
            if types is None or types & set(summaries[slug].types)
        ]
        ranked.sort(key=lambda pair: (-pair[1], pair[0].label.casefold(), pair[0].id))
        return ranked[:limit]


def _many(mapping: Mapping[str, T], keys: Iterable[str]) -> dict[str, T]:
    """Look up many keys at once: in a few queries where the mapping is a kept table."""
    many = getattr(mapping, "many", None)
    if many is not None:
        return dict(many(keys))
    return {key: mapping[key] for key in keys if key in mapping}


def _near(key: str, names: list[str]) -> set[str]:
    """The names difflib could score at 0.4 or more (0.6 x a ratio of at least 2/3), found
    in C: difflib's ratio counts matching blocks, which are a common subsequence, so it
    never exceeds rapidfuzz's ratio (the longest common subsequence's); a name below 2/3
    there is below it in difflib too, and is not compared character by character."""
    from rapidfuzz import fuzz, process

    found = process.extract(key, names, scorer=fuzz.ratio, score_cutoff=66.6, limit=None)
    return {name for name, _, _ in found}


def redirects_in(store: ox.Store, entities: dict[str, EntitySummary]) -> dict[str, str]:
    """Return the merged ids of the store (an untyped instance `owl:sameAs` an entity)."""
    found = {}
    for quad in store.quads_for_pattern(None, OWL_SAME_AS, None, None):
        old, kept = slug_of(value(quad.subject)), slug_of(value(quad.object))
        if old not in entities and kept in entities and value(quad.subject) == entity_iri(old):
            found[old] = kept
    return dict(sorted(found.items()))


def properties(store: ox.Store, node: Any) -> dict[str, list[Any]]:
    """Return every (predicate, objects) of a node, by an index lookup."""
    found: dict[str, list[Any]] = {}
    for quad in store.quads_for_pattern(node, None, None, None):
        found.setdefault(quad.predicate.value, []).append(quad.object)
    return found


def _first(props: dict[str, list[Any]], predicate: str) -> Any:
    values = props.get(predicate)
    return value(values[0]) if values else None


class Citations:
    """Look up citation nodes, remembering each source document's path."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._paths: dict[str, str] = {}

    def path_of(self, document: ox.NamedNode) -> str:
        if document.value not in self._paths:
            props = properties(self.store, document)
            self._paths[document.value] = str(_first(props, str(CIV.path)) or document.value)
        return self._paths[document.value]

    def of(self, props: dict[str, list[Any]]) -> list[dict[str, Any]]:
        """Return the contract's `sources` list for a node whose properties are given."""
        found = []
        for citation in props.get(str(CIV.citation), []):
            cited = properties(self.store, citation)
            found.append(
                {
                    "document": self.path_of(cited[DCT_SOURCE][0]),
                    "quote": _first(cited, str(CIV.quote)),
                    "char_start": _first(cited, str(CIV.charStart)),
                    "char_end": _first(cited, str(CIV.charEnd)),
                }
            )
        found.sort(key=lambda c: (c["document"], c["char_start"], c["char_end"]))
        return found


def citations_for(store: ox.Store, nodes: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Return the contract's `sources` list for each node IRI (entity, relationship, ...)."""
    citations = Citations(store)
    cites = ox.NamedNode(str(CIV.citation))
    found = {}
    for iri in nodes:  # only the citation links: every quad read costs term lookups
        links = store.quads_for_pattern(ox.NamedNode(iri), cites, None, None)
        found[iri] = citations.of({cites.value: [quad.object for quad in links]})
    return found


def profile(
    store: ox.Store, names: NameIndex, slug: str, asked: str | None = None
) -> dict[str, Any]:
    """Return one entity's profile in the contract's `entity --json` shape.

    Built from index lookups around the entity, so its cost does not grow with the graph.
    A merged id gives its kept entity's profile; `merged_from` lists the ids merged into
    an entity, `redirected_from` the merged id it was asked by (`asked`), where there are.
    """
    slug = names.redirects.get(slug, slug)
    merges = _merges(names, slug, asked)
    model = names.model
    summary = names.entities[slug]
    iri = ox.NamedNode(entity_iri(slug))
    citations = Citations(store)
    own = properties(store, iri)
    relations: list[dict[str, Any]] = []
    ends = ((str(CIV.subject), str(CIV.object), "out"), (str(CIV.object), str(CIV.subject), "in"))
    for here, there, direction in ends:
        for quad in store.quads_for_pattern(None, ox.NamedNode(here), iri, None):
            props = properties(store, quad.subject)
            relation = model.relation_by_iri.get(_first(props, str(CIV.relation)) or "")
            if relation is None:
                continue
            other_slug = slug_of(_first(props, there))
            other = names.entities.get(other_slug, EntitySummary(other_slug, other_slug, []))
            start, end = _first(props, str(CIV.startDate)), _first(props, str(CIV.endDate))
            basis = _first(props, str(CIV.dateBasis))
            concerning = _first(props, str(CIV.concerning))
            relations.append(
                {
                    "id": slug_of(value(quad.subject)),
                    "predicate": relation.key,
                    "direction": direction,
                    "other": other.ref(),
                    "role": _first(props, str(CIV.role)),
                    "start": start,
                    "end": end,
                    "status": local_name(_first(props, str(CIV.status)) or str(CIV.reported)),
                    "review": local_name(_first(props, str(CIV.review)) or str(CIV.unreviewed)),
                    "date_basis": date_basis(basis and local_name(basis), start, end),
                    "concerning": _ref(names, slug_of(concerning)) if concerning else None,
                    "sources": citations.of(props),
                    **disagreements(store, model, props, citations),
                }
            )
    relations.sort(
        key=lambda r: (r["predicate"], r["direction"], r["other"]["id"], r["start"] or "", r["id"])
    )
    return {
        "id": slug,
        "iri": iri.value,
        "label": summary.label,
        "label_es": summary.label_es,
        "types": summary.types,
        "aliases": summary.aliases,
        "description": _first(own, DCT_DESCRIPTION),
        "relations": relations,
        "observations": observations_about(store, model, iri, citations),
        "sources": citations.of(own),
        **merges,
    }


def _merges(names: NameIndex, slug: str, asked: str | None) -> dict[str, Any]:
    merged_from = names.merged_into.get(slug)
    found: dict[str, Any] = {"merged_from": merged_from} if merged_from else {}
    return found | ({"redirected_from": asked} if asked in names.redirects else {})


def disagreements(
    store: ox.Store, model: Model, props: dict[str, list[Any]], citations: Citations
) -> dict[str, list[dict[str, Any]]]:
    """Return `{"disagrees_with": [...]}` for a relationship or observation that records from
    other documents contradict (`civ:disagreesWith`, see build.contradictions), else `{}`."""
    found = []
    for other in props.get(str(CIV.disagreesWith), []):
        theirs = properties(store, other)
        item: dict[str, Any] = {"id": slug_of(value(other))}
        relation = model.relation_by_iri.get(_first(theirs, str(CIV.relation)) or "")
        if relation is not None:
            item["predicate"] = relation.key
            item["start"] = _first(theirs, str(CIV.startDate))
            item["end"] = _first(theirs, str(CIV.endDate))
        else:
            measure = _first(theirs, QB_MEASURE_TYPE)
            item["value"] = _first(theirs, measure) if measure else None
        item["documents"] = sorted({c["document"] for c in citations.of(theirs)})
        found.append(item)
    return {"disagrees_with": sorted(found, key=lambda d: d["id"])} if found else {}


def _ref(names: NameIndex, slug: str) -> dict[str, str]:
    summary = names.entities.get(slug)
    return {"id": slug, "label": summary.label if summary else slug}


def observations_about(
    store: ox.Store, model: Model, iri: ox.NamedNode, citations: Citations
) -> list[dict[str, Any]]:
    """Return the observations that have the entity as a dimension or as their dataset."""
    keys = {d.iri: d.key for d in model.dimensions.values()} | {QB_DATASET: "dataset"}
    measures = {m.iri: m.key for m in model.measures.values()}
    found: dict[str, dict[str, Any]] = {}
    for quad in store.quads_for_pattern(None, None, iri, None):
        if quad.predicate.value not in keys or value(quad.subject) in found:
            continue
        props = properties(store, quad.subject)
        measure_iri = _first(props, QB_MEASURE_TYPE)
        if measure_iri not in measures:
            continue
        found[value(quad.subject)] = {
            "id": slug_of(value(quad.subject)),
            "measure": measures[measure_iri],
            "period": _first(props, str(CIV.period)),
            "value": _first(props, measure_iri),
            "unit": _first(props, str(CIV.unit)),
            "rank": _first(props, str(CIV.rank)),
            "dimensions": {
                keys[p]: slug_of(v[0].value)
                for p, v in sorted(props.items(), key=lambda kv: keys.get(kv[0], ""))
                if p in keys and isinstance(v[0], ox.NamedNode)
            },
            "sources": citations.of(props),
            **disagreements(store, model, props, citations),
        }
    return sorted(
        found.values(), key=lambda o: (o["measure"], str(o["period"]), o["rank"] or 0, o["id"])
    )
