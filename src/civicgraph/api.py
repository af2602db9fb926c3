"""The Python API: everything the command line and the explorer can do, in one object.

    from civicgraph.api import CivicGraph
    graph = CivicGraph.open()                 # the store in .civicgraph/ (or $CIVICGRAPH_STORE)
    graph.entity("Javier Sicilia")            # the contract's profile as a dict
    graph.path("Carlos Pascual", "Merida Initiative")

The store is opened read-only, so several processes can read it at once.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from civicgraph.config import Settings
from civicgraph.entities import EntitySummary, NameIndex, citations_for, profile
from civicgraph.ontology import Model
from civicgraph.sparql import query, select, value
from civicgraph.store import current_build, model_for


class CivicGraph:
    """A built store, read-only, with the name index and projection cached on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.build_dir = current_build(settings.store_dir)
        self.store = ox.Store.read_only(str(self.build_dir / "oxigraph"))
        self.model: Model = model_for(settings)

    @classmethod
    def open(cls, store_dir: Path | None = None) -> CivicGraph:
        """Open the store that the settings (or `store_dir`) point at."""
        return cls(Settings.resolve(store_dir=store_dir))

    @staticmethod
    def current_version(store_dir: Path | None = None) -> str:
        """Name the build a store currently points at; it changes whenever a build lands."""
        settings = Settings.resolve(store_dir=store_dir)
        return str(current_build(settings.store_dir))

    @cached_property
    def names(self) -> NameIndex:
        return NameIndex(self.store, self.model)

    @cached_property
    def projection(self) -> nx.MultiDiGraph[str]:
        from civicgraph.project import project

        return project(self.store, self.model, self.names)

    def resolve(self, name_or_id: str) -> EntitySummary:
        """Return the entity an id, label or alias denotes (NotFoundError otherwise)."""
        return self.names.resolve(name_or_id)

    def entity(self, name_or_id: str) -> dict[str, Any]:
        """Return an entity's profile in the contract's JSON shape."""
        return profile(self.store, self.names, self.resolve(name_or_id).id)

    def search(
        self, text: str, *, type_: str | None = None, limit: int = 20
    ) -> list[dict[str, Any]]:
        """Return ranked candidates: id, label, types, score."""
        types = self.model.subtypes(type_) if type_ else None
        return [
            {**summary.ref(), "score": round(score, 3)}
            for summary, score in self.names.search(text, types=types, limit=limit)
        ]

    def path(self, source: str, target: str, *, k: int = 3, max_hops: int = 6) -> dict[str, Any]:
        """Return up to k shortest simple paths with cited hops (contract's `path --json`)."""
        from civicgraph.paths import shortest_paths

        return shortest_paths(
            self.projection,
            self.resolve(source),
            self.resolve(target),
            lambda nodes: citations_for(self.store, nodes),
            k=k,
            max_hops=max_hops,
        )

    def centrality(
        self, metric: str = "pagerank", *, type_: str | None = None, top: int = 20
    ) -> dict[str, Any]:
        """Rank entities by a centrality metric (contract's `centrality --json`)."""
        from civicgraph.analysis import centrality

        types = self.model.subtypes(type_) if type_ else None
        return centrality(self.projection, metric, types=types, top=top)

    def stats(self) -> dict[str, Any]:
        """Count entities by type, relationships by type, observations, citations, triples."""

        def by_key(sparql: str) -> dict[str, int]:
            return {value(r["k"]): value(r["n"]) for r in select(self.store, sparql)}

        def instances(cls: str) -> int:
            rows = select(self.store, f"SELECT (COUNT(?x) AS ?n) WHERE {{ ?x a {cls} }}")
            return int(value(next(rows)["n"]))

        return {
            "entities": by_key(
                "SELECT ?k (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a/civ:recordType ?k } "
                "GROUP BY ?k ORDER BY ?k"
            ),
            "relationships": by_key(
                "SELECT ?k (COUNT(?r) AS ?n) WHERE { ?r a civ:Relationship ; "
                "civ:relation/civ:recordKey ?k } GROUP BY ?k ORDER BY ?k"
            ),
            "observations": instances("qb:Observation"),
            "citations": instances("civ:Citation"),
            "triples": len(self.store),
        }

    def sparql(self, text: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query over the union of all graphs."""
        return query(self.store, text)
