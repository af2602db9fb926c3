"""A build with what the graph stage reads from it on first use.

The name index, the projection and the graph's arrays are read from the files kept beside
the build (`store.kept`, `store.kept_names`, `store.kept_graph`); a build made by an older
version, or a file lost, is computed from the store once and kept. The views (the
projection's derived graphs) are computed once.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from civicgraph.graph.entities import EntitySummary, NameIndex
from civicgraph.graph.project import Views, project
from civicgraph.store.builds import Build
from civicgraph.store.kept import cached_projection, edge_row
from civicgraph.store.kept_names import Row, names_db, read_names_db, write_names_db

if TYPE_CHECKING:
    import networkx as nx

    from civicgraph.store.kept_graph import KeptGraph, Node


class LoadedGraph:
    """An opened build, its name index, projection and views, each loaded when first used."""

    def __init__(self, build: Build) -> None:
        self.build = build

    @cached_property
    def names(self) -> NameIndex:
        """Every entity's names (from the kept index, else from the store, then kept)."""
        build = self.build
        path = names_db(build.directory, build.ontology_dir)
        kept = read_names_db(path, _summary)
        if kept is not None:
            return NameIndex(
                kept.entities,
                build.model,
                kept.redirects,
                by_name=kept.by_name,
                labels=kept.labels,
            )
        index = NameIndex.from_store(build.store, build.model)
        rows = [(s.id, s.label, s.label_es, s.types, s.aliases) for s in index.entities.values()]
        write_names_db(path, rows, index.redirects)
        return index

    @cached_property
    def projection(self) -> nx.MultiDiGraph[str]:
        """The property-graph projection (from the kept file, else projected and kept)."""
        build = self.build
        return cached_projection(
            build.directory,
            build.ontology_dir,
            lambda: project(build.store, build.model, self.names),
        )

    @cached_property
    def adjacency(self) -> KeptGraph:
        """The graph as memory-mapped arrays and indexed tables (from the kept files, else
        from the projection, then kept): what path, reach and neighbours read."""
        from civicgraph.store.kept_graph import graph_dir, kept_graph  # numpy: only here

        build = self.build

        def rows() -> tuple[list[Node], list[list[Any]]]:
            graph = self.projection
            nodes = [(n, data["label"], data["types"]) for n, data in graph.nodes(data=True)]
            return nodes, [edge_row(u, v, data) for u, v, data in graph.edges(data=True)]

        path = graph_dir(build.directory, build.ontology_dir)
        return kept_graph(path, rows, build.model.is_contextual)

    @cached_property
    def views(self) -> Views:
        """The whole projection with its derived graphs, computed once."""
        return Views.of(self.projection, self.build.model)


def _summary(row: Row) -> EntitySummary:
    slug, label, label_es, types, aliases = row
    return EntitySummary(slug, label, types, label_es, aliases)
