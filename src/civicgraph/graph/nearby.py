"""Paths, reach and ego networks on the part of the graph they can use, read from the kept
graph (`store.kept_graph`) instead of the whole projection.

A breadth-first search over the memory-mapped CSR arrays finds which entities a query can
touch; only those are loaded (their labels, types and the relationships among them) into
a small projection, on which `paths`, `reach` and `neighbours` run unchanged (a path
search without a filter on plain dicts, `paths.Plain`: no networkx). What each loads:

- `neighbours` and `reach`: every entity within the hops asked for (contextual ones
  reached but not stepped through, as `reach.best_paths` does): the same answer as on the
  whole graph, since neither looks further.
- `path`: every entity on some path of at most L hops from A to B, that is, with
  d(A, v) + d(v, B) <= L, starting from L = the shortest distance. Every simple path of
  at most L hops lies among them, so the first paths examined are the whole graph's; when
  those run out before the pool of candidates is full (`paths.candidate_pool`), L grows by
  one, up to max_hops. Among paths of one length with equal evidence, which come first
  can differ from a search on the whole graph (networkx's search order depends on the
  graph it walks); the paths are equally short and equally attested.

A filter (`project.Filter`) only removes entities and relationships, so distances on the
filtered graph are never shorter: what is loaded for the whole graph holds everything the
filtered query can use, and the filter is applied to the part loaded.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from civicgraph.errors import NotFoundError, UsageError
from civicgraph.graph.entities import EntitySummary
from civicgraph.graph.paths import (
    Candidate,
    PathOptions,
    Plain,
    PlainViews,
    SourcesFor,
    candidate_pool,
)
from civicgraph.graph.paths import shortest_paths as paths_on
from civicgraph.graph.project import Filter, Views, filtered
from civicgraph.model.ontology import Model
from civicgraph.store.kept import edge_attributes
from civicgraph.store.kept_graph import KeptGraph

if TYPE_CHECKING:  # a path search without a filter runs on plain dicts (`paths.Plain`)
    import networkx as nx

STEPPED_SHARE = 1 / 3  # reach loads only what touches the entities it steps from, below this


def distances(kept: KeptGraph, start: int, blocked: Any, limit: int) -> Any:
    """Return each entity's hop count from `start` (-1 beyond `limit` or unreachable),
    searching breadth first; `blocked` (a boolean array, or None) entities are reached but
    never stepped through (the start always is)."""
    found = np.full(len(kept), -1, dtype=np.int16)
    found[start] = 0
    frontier = np.array([start], dtype=np.int64)
    for step in range(1, limit + 1):
        if blocked is not None and step > 1:
            frontier = frontier[~blocked[frontier]]
        if not frontier.size:
            break
        starts, ends = kept.indptr[frontier], kept.indptr[frontier + 1]
        lengths = ends - starts
        if lengths.sum() > len(kept.neighbours) // 8:  # a wide frontier: scan every row
            expanding = np.zeros(len(kept), dtype=bool)
            expanding[frontier] = True
            reached = kept.neighbours[expanding[kept.rows]]
        else:  # the positions of its rows' neighbours, row after row, without a Python loop
            offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
            reached = kept.neighbours[offsets + np.arange(int(lengths.sum()))]
        found[reached[found[reached] < 0]] = step  # (a neighbour listed twice: set twice)
        frontier = np.flatnonzero(found == step)
    return found


def local_graph(kept: KeptGraph, indexes: Any, touching: Any = None) -> nx.MultiDiGraph[str]:
    """Return the projection's subgraph on these entities (by index), read from the kept
    graph: nodes in slug order, edges by relationship id, as the projection has them;
    with `touching`, only the relationships with an end among those entities."""
    import networkx as nx

    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    _fill(graph, kept, indexes, touching)
    return graph


def _fill(
    graph: nx.MultiDiGraph[str] | Plain, kept: KeptGraph, indexes: Any, touching: Any
) -> None:
    slugs: dict[int, str] = {}
    for index, (slug, label, types) in kept.nodes(int(i) for i in indexes):
        graph.add_node(slug, label=label, types=types)
        slugs[index] = slug
    if touching is None:
        edges = kept.edges_among(slugs)
    else:
        edges = kept.edges_touching((int(i) for i in touching), slugs)
    for source, target, fields in edges:
        graph.add_edge(slugs[source], slugs[target], key=fields[0], **edge_attributes(fields))
    # what a relationship was about is named by its label: kept as a node without edges
    about = {fields[-2] for _, _, fields in edges if fields[-2] and fields[-2] not in graph}
    for _, (slug, label, types) in kept.nodes(index_of(kept, slug) for slug in sorted(about)):
        graph.add_node(slug, label=label, types=types)


def part_of(kept: KeptGraph, found: dict[str, Any]) -> nx.MultiDiGraph[str]:
    """Return the projection's subgraph on the entities a `path` answer steps on."""
    hops = [hop for path in found["paths"] for hop in path["hops"]]
    ends = {hop[end]["id"] for hop in hops for end in ("from", "to")}
    return local_graph(kept, [index_of(kept, slug) for slug in sorted(ends)])


def _views(
    kept: KeptGraph, model: Model, indexes: Any, keep: Filter | None, touching: Any = None
) -> Views:
    graph = local_graph(kept, indexes, touching)
    return Views.of(filtered(graph, keep) if keep is not None else graph, model)


def _path_views(
    kept: KeptGraph, model: Model, indexes: Any, keep: Filter | None
) -> Views | PlainViews:
    """The views a path search runs on: plain dicts where no filter applies."""
    if keep is not None and not keep.is_empty():
        return _views(kept, model, indexes, keep)
    graph = Plain()
    _fill(graph, kept, indexes, None)
    return PlainViews.of(graph, model)


def index_of(kept: KeptGraph, entity: str) -> int:
    """Return an entity's index in the kept arrays; NotFoundError when it is not there."""
    found = kept.index_of(entity)
    if found is None:  # the name index and the kept graph come from one build
        raise NotFoundError(f"{entity!r} is not in the graph")
    return found


def shortest_paths(
    kept: KeptGraph,
    model: Model,
    source: EntitySummary,
    target: EntitySummary,
    sources_for: SourcesFor,
    options: PathOptions,
    keep: Filter | None = None,
) -> dict[str, Any]:
    """`paths.shortest_paths` on the entities within reach of both ends (see above)."""
    a, b = index_of(kept, source.id), index_of(kept, target.id)
    blocked = np.zeros(len(kept), dtype=bool)
    if not options.through_context:
        blocked |= kept.contextual
    blocked[[index_of(kept, slug) for slug in options.avoid]] = True
    blocked[[a, b]] = False
    limit = options.max_hops
    from_a, from_b = distances(kept, a, blocked, limit), distances(kept, b, blocked, limit)
    total = np.where((from_a >= 0) & (from_b >= 0), from_a.astype(np.int32) + from_b, limit + 1)
    total[blocked] = limit + 1  # never on a path; the ends are not blocked
    pool: list[Candidate] = []
    views, shown = _path_views(kept, model, [a, b], keep), 2
    for hops in range(max(int(from_a[b]), 1), limit + 1 if from_a[b] >= 0 else 0):
        indexes = np.flatnonzero(total <= hops)
        if len(indexes) != shown:  # more entities within reach: load them
            views, shown = _path_views(kept, model, indexes, keep), len(indexes)
        within = replace(options, max_hops=hops)
        pool, complete = candidate_pool(views, source.id, target.id, within)
        if complete:
            break
    return paths_on(views, source, target, sources_for, options, pool=pool)


def reach(
    kept: KeptGraph,
    model: Model,
    actor: EntitySummary,
    targets: set[str],
    *,
    max_hops: int,
    through_context: bool,
    top: int,
    keep: Filter | None = None,
) -> dict[str, Any]:
    """`reach.reach` on the entities within max_hops of the actor, with the relationships
    of those it steps from (nearer than max_hops, and not blocked): the search never looks
    at a relationship between two entities of its last layer, most of what is in reach."""
    from civicgraph.graph.reach import reach as reach_on

    start = index_of(kept, actor.id)
    blocked = None if through_context else kept.contextual
    within = distances(kept, start, blocked, max_hops)
    stepped = (within >= 0) & (within < max_hops)
    if blocked is not None:
        stepped &= ~np.asarray(blocked)
    stepped[start] = True
    ball = np.flatnonzero(within >= 0)
    # two lookups per entity stepped from: worth it where they are few of those in reach
    few = int(stepped.sum()) < STEPPED_SHARE * len(ball)
    touching = np.flatnonzero(stepped) if few else None
    views = _views(kept, model, ball, keep, touching)
    return reach_on(
        views, actor, targets, max_hops=max_hops, through_context=through_context, top=top
    )


def neighbours(kept: KeptGraph, model: Model, center: EntitySummary, depth: int) -> dict[str, Any]:
    """`reach.neighbours` on the entities within `depth` hops of the center."""
    from civicgraph.graph.reach import neighbours as neighbours_on

    if depth < 1:
        raise UsageError("--depth must be at least 1")
    within = distances(kept, index_of(kept, center.id), None, depth)
    return neighbours_on(_views(kept, model, np.flatnonzero(within >= 0), None), center, depth)
