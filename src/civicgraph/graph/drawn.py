"""The parts of the graph the explorer draws, read from the kept files.

A drawing shows at most a few hundred entities, but choosing them on the whole projection
means reading and collapsing it first: minutes at 400k entities. `Parts` loads only the
candidates, found by breadth-first searches over the kept arrays (`store.kept_graph`), into
a small projection, with their scores from the kept scores; on it the explorer's choosers
pick what they pick on the whole layer, so the drawing is the same at any size (tests hold
the two equal):

- `network`: the Network page. With a kept metric (`scores.KEPT`: PageRank, degree) and no
  filter, the candidates are the best `top` of the layer and every entity tied with the
  last, and whatever lies within the depths asked around the focus and the expanded
  entities. `layout.pick_nodes` can choose nothing else, sees each with the same score,
  and finds every hop of a neighbourhood among them.
- `ego`: the profile's drawing, an entity and its best connected neighbours, with every
  relationship of each one drawn, so that its count of relationships is the whole layer's.
- `around`: an entity's own relationships and their other ends (its timeline).
- `path`: the relationships a `path` answer steps on.
- `choices`: what the filters offer (kept at build, `KeptGraph.choices`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from civicgraph.graph.nearby import distances, index_of, local_graph, part_of
from civicgraph.graph.scores import kept_scores_of, kept_top

if TYPE_CHECKING:
    import networkx as nx

    from civicgraph.graph.loaded import LoadedGraph
    from civicgraph.store.kept_graph import KeptGraph


class Part(NamedTuple):
    """A layer's entities a drawing may show, the relationships among them, their scores."""

    graph: nx.MultiDiGraph[str]
    scores: dict[str, float]
    total: int  # entities in the whole layer


class Parts:
    """The explorer's drawings' parts of one opened build."""

    def __init__(self, loaded: LoadedGraph) -> None:
        self.loaded = loaded

    @property
    def kept(self) -> KeptGraph:
        return self.loaded.adjacency

    def choices(self) -> dict[str, Any]:
        """What filters can offer: types, relations, statuses, years, movements."""
        return self.kept.choices

    def network(
        self,
        metric: str,
        *,
        top: int,
        focus: str | None = None,
        depth: int = 1,
        expanded: tuple[str, ...] = (),
        include_context: bool = False,
    ) -> Part | None:
        """Return what `pick_nodes` needs to choose the Network page's entities (see
        above); None when the metric is not kept (the caller scores the whole layer)."""
        layer = "all" if include_context else "actors"
        best = kept_top(self.loaded, metric, layer, top)
        if best is None:
            return None
        kept, blocked = self.kept, self._blocked(include_context)
        wanted = np.zeros(len(kept), dtype=bool)
        wanted[[index_of(kept, slug) for slug in best]] = True
        around = [(focus, depth)] if focus is not None else []
        for center, hops in [*around, *((slug, 1) for slug in expanded)]:
            start = kept.index_of(center)
            if start is None or (blocked is not None and blocked[start]):
                continue  # not in this layer: the page draws no neighbourhood for it
            wanted |= distances(kept, start, blocked, hops) >= 0
        shown = self._layer(wanted, None, blocked)
        scores = dict(best)
        missing = [n for n in shown if n not in best]
        scores.update(kept_scores_of(self.loaded, metric, layer, missing))
        total = len(kept) - (0 if blocked is None else int(np.count_nonzero(blocked)))
        return Part(shown, scores, total)

    def ego(self, entity: str, *, top: int, include_context: bool) -> tuple[Any, list[str]]:
        """Return an entity's best connected neighbours in a layer (at most `top` with it,
        most relationships first, as `pick_nodes` ranks them by degree) and a graph holding
        every relationship of each of them within the layer."""
        kept, blocked = self.kept, self._blocked(include_context)
        start = index_of(kept, entity)
        near = distances(kept, start, blocked, 1) >= 0
        if blocked is not None:
            near &= ~blocked
        near[start] = True
        counts = {int(i): self._degree(int(i), blocked) for i in np.flatnonzero(near)}
        slugs = dict(kept.nodes(counts))
        ranked = sorted((i for i in counts if i != start), key=lambda i: (-counts[i], slugs[i][0]))
        chosen = [start, *ranked[: top - 1]]
        linked = np.zeros(len(kept), dtype=bool)
        for index in chosen:
            linked[kept.neighbours[kept.indptr[index] : kept.indptr[index + 1]]] = True
        linked[chosen] = True
        return self._layer(linked, chosen, blocked), [slugs[i][0] for i in chosen]

    def around(self, entity: str) -> nx.MultiDiGraph[str]:
        """Return an entity, its neighbours and its own relationships (a timeline's)."""
        kept = self.kept
        start = index_of(kept, entity)
        near = kept.neighbours[kept.indptr[start] : kept.indptr[start + 1]]
        return local_graph(kept, [start, *near.tolist()], [start])

    def path(self, found: dict[str, Any]) -> nx.MultiDiGraph[str]:
        """Return the entities a `path` answer steps on and the relationships it uses."""
        used = {hop["relationship"] for p in found["paths"] for hop in p["hops"]}
        whole = part_of(self.kept, found)
        kept = [(a, b, k) for a, b, k in whole.edges(keys=True) if k in used]
        return whole.edge_subgraph(kept)  # type: ignore[arg-type]  # the stubs want pairs

    def _blocked(self, include_context: bool) -> Any:
        return None if include_context else np.asarray(self.kept.contextual)

    def _degree(self, index: int, blocked: Any) -> int:
        """Count an entity's relationships within the layer (one with itself twice, as
        networkx counts a loop)."""
        kept = self.kept
        row = slice(kept.indptr[index], kept.indptr[index + 1])
        others, weights = kept.neighbours[row], kept.weights[row]
        inside = np.ones(len(others), bool) if blocked is None else ~blocked[others]
        return int(weights[inside].sum() + weights[others == index].sum())

    def _layer(self, wanted: Any, touching: Any, blocked: Any) -> nx.MultiDiGraph[str]:
        """The projection's subgraph on the wanted entities of the layer (only the
        relationships `touching` some, when given), without contextual ones outside it."""
        if blocked is not None:
            wanted = wanted & ~blocked  # reached, never stepped through: not in the layer
        graph = local_graph(self.kept, np.flatnonzero(wanted), touching)
        if blocked is None:
            return graph
        model = self.loaded.build.model  # what relationships were about may be contextual
        inside = [n for n, data in graph.nodes(data=True) if not model.is_contextual(data["types"])]
        return graph.subgraph(inside)
