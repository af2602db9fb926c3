"""A build with what the graph stage reads from it on first use.

The name index and the projection are read from the files kept beside the build
(`store.kept`); a build made by an older version, or a file lost, is computed from the
store once and kept. The views (the projection's derived graphs) are computed once.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from civicgraph.graph.entities import EntitySummary, NameIndex
from civicgraph.graph.project import Views, project
from civicgraph.store.builds import Build
from civicgraph.store.kept import cached_projection, read_names, write_names

if TYPE_CHECKING:
    import networkx as nx


class LoadedGraph:
    """An opened build, its name index, projection and views, each loaded when first used."""

    def __init__(self, build: Build) -> None:
        self.build = build

    @cached_property
    def names(self) -> NameIndex:
        """Every entity's names (from the kept file, else from the store, then kept)."""
        build = self.build
        found = read_names(build.directory, build.ontology_dir)
        if found is not None:
            rows, redirects = found
            try:
                summaries = {
                    slug: EntitySummary(slug, label, types, label_es, aliases)
                    for slug, label, label_es, types, aliases in rows
                }
            except (ValueError, TypeError):  # another layout: compute it again
                pass
            else:
                return NameIndex(summaries, build.model, redirects)
        index = NameIndex.from_store(build.store, build.model)
        kept = [[s.id, s.label, s.label_es, s.types, s.aliases] for s in index.entities.values()]
        write_names(build.directory, build.ontology_dir, kept, index.redirects)
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
    def views(self) -> Views:
        """The whole projection with its derived graphs, computed once."""
        return Views.of(self.projection, self.build.model)
