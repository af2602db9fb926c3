"""The Python API: everything the command line and the explorer can do, in one object.

    from civicgraph.api import CivicGraph
    graph = CivicGraph.open()                 # the store in .civicgraph/ (or $CIVICGRAPH_STORE)
    graph.entity("Javier Sicilia")            # the contract's profile as a dict
    graph.path("Carlos Pascual", "Merida Initiative")

The store is opened read-only, so several processes can read it at once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from civicgraph.config import Settings
from civicgraph.errors import NotFoundError, UsageError
from civicgraph.graph.entities import EntitySummary, NameIndex, citations_for, profile
from civicgraph.graph.loaded import LoadedGraph
from civicgraph.graph.project import Filter, Views, checked_filter, filtered
from civicgraph.model.ontology import Model
from civicgraph.store.builds import Build, current_build, manifest
from civicgraph.store.sparql import query, refuse_remote

if TYPE_CHECKING:
    import networkx as nx

    from civicgraph.build.audit import AuditReport
    from civicgraph.graph.drawn import Parts


class CivicGraph:
    """A built store, read-only, with the name index and projection loaded on first use.

    The facade composes the stages: `store.builds.Build` (the opened build),
    `graph.loaded.LoadedGraph` (its names, projection and views) and the graph and serve
    functions that take them.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loaded = LoadedGraph(Build.open(settings))
        self._spans: dict[str, tuple[str, list[Any]]] = {}  # the source reader's, by document

    @classmethod
    def open(cls, store_dir: Path | None = None) -> CivicGraph:
        """Open the store that the settings (or `store_dir`) point at."""
        return cls(Settings.resolve(store_dir=store_dir))

    @staticmethod
    def current_version(store_dir: Path | None = None) -> str:
        """Name the build a store currently points at; it changes whenever a build lands."""
        settings = Settings.resolve(store_dir=store_dir)
        return str(current_build(settings.store_dir))

    @staticmethod
    def audit(settings: Settings | None = None) -> AuditReport:
        """Audit the curated data (not the store) against its sources; see build.audit."""
        from civicgraph.build.audit import audit

        settings = settings or Settings.resolve()
        return audit(settings.data_dir, settings.ontology_dir)

    @property
    def build_dir(self) -> Path:
        """The directory of the build this graph reads."""
        return self.loaded.build.directory

    @property
    def store(self) -> ox.Store:
        """The build's Oxigraph store, read-only."""
        return self.loaded.build.store

    @property
    def model(self) -> Model:
        """The ontology model the build was read with."""
        return self.loaded.build.model

    @property
    def names(self) -> NameIndex:
        """Every entity's names, for lookups and search."""
        return self.loaded.names

    @property
    def projection(self) -> nx.MultiDiGraph[str]:
        """The property-graph projection: one node per entity, one edge per relationship."""
        return self.loaded.projection

    @property
    def views(self) -> Views:
        """The whole projection with its derived graphs, computed once."""
        return self.loaded.views

    def resolve(self, name_or_id: str) -> EntitySummary:
        """Return the entity an id, label or alias denotes (NotFoundError otherwise)."""
        return self.names.resolve(name_or_id)

    def entity(self, name_or_id: str) -> dict[str, Any]:
        """Return an entity's profile in the contract's JSON shape."""
        return profile(self.store, self.names, self.resolve(name_or_id).id, asked=name_or_id)

    def search(
        self, text: str, *, type_: str | None = None, limit: int = 20
    ) -> list[dict[str, Any]]:
        """Return ranked candidates: id, label, types, score."""
        types = self.model.subtypes(type_) if type_ else None
        return [
            {**summary.ref(), "score": round(score, 3)}
            for summary, score in self.names.search(text, types=types, limit=limit)
        ]

    def keep(
        self,
        *,
        types: list[str] | None = None,
        relations: list[str] | None = None,
        statuses: list[str] | None = None,
        at: int | None = None,
        between: tuple[int, int] | None = None,
    ) -> Filter:
        """Check filter values against the ontology; a Filter (types widened to subtypes)."""
        return checked_filter(self.model, types, relations, statuses, at, between)

    def view(self, keep: Filter | None = None) -> Views:
        """Return the views of the part of the projection a filter keeps."""
        if keep is None or keep.is_empty():
            return self.views
        return Views.of(filtered(self.projection, keep), self.model)

    def types_of(self, name: str | None) -> set[str] | None:
        """Return a record type and its subtypes (None for no type), checking the name."""
        if name is None:
            return None
        return set(self.keep(types=[name]).types or ())

    def path(
        self,
        source: str,
        target: str,
        *,
        k: int = 3,
        max_hops: int = 6,
        via: str | None = None,
        avoid: list[str] | None = None,
        through_context: bool = False,
        time_consistent: bool = False,
        keep: Filter | None = None,
    ) -> dict[str, Any]:
        """Return up to k shortest simple paths with cited hops (contract's `path --json`)."""
        from civicgraph.graph.nearby import shortest_paths
        from civicgraph.graph.paths import PathOptions

        ends = self.resolve(source), self.resolve(target)
        options = PathOptions(
            k=k,
            max_hops=max_hops,
            via=frozenset(self.types_of(via) or ()) or None,
            avoid=frozenset(self.resolve(a).id for a in avoid or ()),
            through_context=through_context,
            time_consistent=time_consistent,
            target_kinds=frozenset(s for t in ends[1].types for s in self.model.subtypes(t)),
        )
        kept, cite = self.loaded.adjacency, lambda nodes: citations_for(self.store, nodes)
        try:
            return shortest_paths(kept, self.model, *ends, cite, options, keep)
        except NotFoundError as exc:
            if keep is None or not keep.statuses:
                raise
            wanted = " or ".join(sorted(keep.statuses))
            why = f"only {wanted} hops" if kept.count_with_status(keep.statuses) else ""
            why = why or f"no relationship in the graph is {wanted}"
            raise NotFoundError(f"{exc} ({why})") from None

    def evidence(self, found: dict[str, Any]) -> str:
        """Write a `path` answer as a Markdown evidence packet with footnoted quotes."""
        from civicgraph.graph.evidence import documents, packet

        return packet(found, self.model, documents(self.store))

    def centrality(
        self,
        metric: str = "pagerank",
        *,
        type_: str | None = None,
        top: int = 20,
        directed: bool = False,
        weighted: bool = True,
        sample: int | None = None,
        seed: int = 42,
        engine: str = "auto",
        keep: Filter | None = None,
        include_context: bool = False,
    ) -> dict[str, Any]:
        """Rank entities by a centrality metric (contract's `centrality --json`), on the
        actor layer unless `include_context` (see `Views.actors`)."""
        from civicgraph.graph.scores import centrality_of

        return centrality_of(
            self.loaded,
            lambda: self.view(keep).layered(include_context),
            metric,
            whole=keep is None or keep.is_empty(),
            include_context=include_context,
            types=self.types_of(type_),
            top=top,
            directed=directed,
            weighted=weighted,
            sample=sample,
            seed=seed,
            engine=engine,
        )

    def communities(
        self,
        *,
        seed: int = 42,
        resolution: float = 1.0,
        top: int = 10,
        keep: Filter | None = None,
        include_context: bool = False,
    ) -> dict[str, Any]:
        """Find communities (seeded Louvain) with their most connected members."""
        from civicgraph.graph.communities import communities

        views = self.view(keep).layered(include_context)
        return communities(views, seed=seed, resolution=resolution, top=top)

    def brokers(
        self,
        *,
        from_type: str = "Movement",
        to_type: str = "Reform",
        top: int = 20,
        keep: Filter | None = None,
        include_context: bool = False,
    ) -> dict[str, Any]:
        """Find entities whose removal cuts entities of one type off from another (actors
        broker: a shared place or citing publication is not one, unless `include_context`)."""
        from civicgraph.graph.communities import brokers

        views = self.view(keep).layered(include_context)
        found = brokers(
            views.graph,
            sources=self.types_of(from_type) or set(),
            targets=self.types_of(to_type) or set(),
            top=top,
        )
        return {"from_type": from_type, "to_type": to_type, "layer": views.layer, **found}

    def reach(
        self,
        actor: str,
        *,
        to_types: list[str] | None = None,
        max_hops: int = 4,
        through_context: bool = False,
        top: int = 50,
        keep: Filter | None = None,
    ) -> dict[str, Any]:
        """List the programs and reforms (or other types) an actor connects to."""
        from civicgraph.graph.nearby import reach

        kinds = to_types or ["Program", "Reform"]
        targets = {t for name in kinds for t in self.types_of(name) or ()}
        return reach(
            self.loaded.adjacency,
            self.model,
            self.resolve(actor),
            targets,
            max_hops=max_hops,
            through_context=through_context,
            top=top,
            keep=keep,
        )

    def neighbours(self, name_or_id: str, *, depth: int = 1) -> dict[str, Any]:
        """Return an entity's ego network within `depth` hops."""
        from civicgraph.graph.nearby import neighbours

        return neighbours(self.loaded.adjacency, self.model, self.resolve(name_or_id), depth)

    def stats(self) -> dict[str, Any]:
        """Count entities by type, relationships by type, observations, citations, triples."""
        from civicgraph.graph.tables import stats

        built = json.loads((self.build_dir / "build.json").read_text(encoding="utf-8"))
        return stats(self.store, self.loaded.adjacency, built.get("triples"))

    @property
    def parts(self) -> Parts:
        """The parts of the graph the explorer draws, read from the kept files (network
        views, ego networks, path answers, filter choices): see graph.drawn."""
        from civicgraph.graph.drawn import Parts

        return Parts(self.loaded)

    def sparql(self, text: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a user's SPARQL query over the union of all graphs; SERVICE is refused."""
        refuse_remote(text)
        return query(self.store, text)

    def sparql_table(self, text: str, *, limit: int = 10_000) -> dict[str, Any]:
        """Run a SPARQL query and return `{"columns", "rows", "truncated"}` (plain values)."""
        from civicgraph.store.sparql import as_table

        return as_table(self.sparql(text), limit)

    def cypher(
        self,
        text: str,
        *,
        uri: str | None = None,
        user: str = "root",
        password: str | None = None,
        database: str = "civicgraph",
        shared: bool = False,
    ) -> dict[str, Any]:
        """Run Cypher; return `{"columns", "rows"}`.

        On a Bolt server (`uri`, else CIVICGRAPH_BOLT_URI; `password`, else
        CIVICGRAPH_BOLT_PASSWORD) if there is one. Otherwise on a read-only embedded server:
        started in this process for this one query, or, with `shared`, a `serve bolt` child
        process started on first use and kept for this build (what the explorer uses).
        """
        from civicgraph.serve.bolt.cypher import run, run_embedded
        from civicgraph.serve.bolt.driver import BoltTarget

        uri = uri or self.settings.bolt_uri
        if uri:
            target = BoltTarget(uri, user, password or self.settings.bolt_password, database)
            return run(target, text)
        if shared:
            from civicgraph.serve.bolt.local import shared as shared_server

            return run(shared_server(self.settings.store_dir, self.build_dir.name), text)
        return run_embedded(self.loaded, text)

    @staticmethod
    def saved_queries(language: str) -> list[dict[str, str]]:
        """List the saved queries in queries/<language>/ (name, description, text)."""
        from civicgraph.serve.saved import saved_queries

        return [
            {"name": q.name, "description": q.description, "text": q.text}
            for q in saved_queries(language)
        ]

    def build_info(self) -> dict[str, Any]:
        """Return what the current build records of itself (when, from which data, counts)."""
        return manifest(self.settings.store_dir)

    def audit_build(self) -> AuditReport:
        """Audit the data directory the current build was made from."""
        from dataclasses import replace

        data_dir = self.build_info().get("data_dir")
        settings = replace(self.settings, data_dir=Path(data_dir)) if data_dir else self.settings
        return self.audit(settings)

    def audit_report(self, *, compute: bool = True) -> dict[str, Any] | None:
        """Return `audit_build()` as JSON, kept beside the build until the data changes;
        unless `compute`, only a kept one (None when none is kept yet)."""
        from civicgraph.store.kept_audit import audit_file, kept_json, read_kept

        data_dir = Path(self.build_info().get("data_dir") or self.settings.data_dir)
        path = audit_file(self.build_dir, data_dir, self.loaded.build.ontology_dir)
        if not compute:
            return read_kept(path)
        return kept_json(path, lambda: self.audit_build().to_json())

    def documents(self) -> dict[str, str]:
        """Return each source document's bibliographic citation, keyed by its path."""
        from civicgraph.graph.evidence import documents

        return documents(self.store)

    def read_source(
        self,
        document: str,
        *,
        at: int | None = None,
        end: int | None = None,
        start: int | None = None,
    ) -> dict[str, Any]:
        """Return a window of a source cut into highlighted spans with facts; graph.reader."""
        from civicgraph.graph.reader import loaded_spans, reading

        if document not in self._spans:  # read once per document: spans and their facts
            built = self.build_info().get("data_dir")
            dirs = [Path(d) / "sources" for d in (built, self.settings.data_dir) if d]
            self._spans[document] = loaded_spans(self.loaded, dirs, document)
        text, spans = self._spans[document]
        return {"document": document, **reading(text, spans, at=at, end=end, start=start)}

    def timeline(
        self,
        entity: str | None = None,
        *,
        types: list[str] | None = None,
        relations: list[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Return the dated relationships of an entity or of the graph; see graph.timeline."""
        from civicgraph.graph.timeline import timeline

        keep = self.keep(types=types, relations=relations)
        found = self.resolve(entity).id if entity is not None else None
        graph = self.parts.around(found) if found is not None else self.projection
        return timeline(graph, self.model, self.store, found, keep.types, keep.relations)

    def datasets(self) -> list[dict[str, Any]]:
        """List the datasets holding observations, each with its measures and source line."""
        from civicgraph.graph.tables import datasets

        return datasets(self.store, self.names)

    def observations(self, dataset: str, *, measure: str | None = None) -> list[dict[str, Any]]:
        """Return a dataset's observations as flat rows, dimensions labelled, quotes attached."""
        from civicgraph.graph.tables import observations

        found = self.resolve(dataset)
        if measure is not None and measure not in self.model.measures:
            known = ", ".join(sorted(self.model.measures))
            raise UsageError(f"unknown measure {measure!r} (known: {known})")
        return observations(self.store, self.names, self.model, found.id, measure)

    def path_subgraph(self, found: dict[str, Any], fmt: str = "graphml") -> bytes:
        """Write the entities and relationships of a `path` answer as GraphML or JSON."""
        from civicgraph.graph.nearby import part_of
        from civicgraph.graph.subgraph import path_subgraph, serialise

        return serialise(path_subgraph(part_of(self.loaded.adjacency, found), found), fmt)

    def export(self, fmt: str, sink: IO[bytes]) -> None:
        """Write the whole graph to `sink` in one of `graph.export.FORMATS`."""
        from civicgraph.graph.export import export

        export(self.loaded, fmt, sink)

    def export_neo4j_csv(self, directory: Path) -> list[Path]:
        """Write the Bolt projection as `neo4j-admin database import` files into `directory`."""
        from civicgraph.serve.bolt.admin_csv import write_neo4j_csv

        return write_neo4j_csv(self.loaded, directory)
