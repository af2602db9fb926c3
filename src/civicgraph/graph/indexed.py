"""A simple graph numbered for the array engines: node order, index pairs, weights.

PageRank runs on these arrays directly (`centrality.pagerank_power`); igraph is built from
them only for the metrics it computes. `project.Views` keeps the numbered form of the
whole projection's simple graph, so repeated calls pay for the numbering once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True)
class Indexed:
    """A simple graph as arrays: its node order, its edges as pairs of node indexes (an
    m×2 integer array) and their weights. PageRank runs on these directly; igraph is built
    from them only for the metrics it computes."""

    nodes: list[str]
    edges: Any  # numpy int64, shape (m, 2)
    weights: Any  # numpy float64, shape (m,)
    directed: bool

    @cached_property
    def igraph(self) -> Any:
        import igraph as ig

        return ig.Graph(n=len(self.nodes), edges=self.edges.tolist(), directed=self.directed)


def indexed(graph: nx.Graph[str], pairs: dict[tuple[str, str], list[str]] | None = None) -> Indexed:
    """Number the nodes of a simple graph and list its edges as index pairs.

    `pairs` (`project.pairs_of`, the edges of an undirected weighted simple graph) saves
    walking the graph: at 100k entities that walk takes longer than PageRank itself.
    """
    import numpy as np

    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    directed = graph.is_directed()
    if pairs is not None and not directed:
        # straight into numpy: no tuple per edge (at 100k, a list of tuples costs 0.3 s)
        ends = map(index.__getitem__, chain.from_iterable(pairs))
        edges = np.fromiter(ends, dtype=np.int64, count=2 * len(pairs)).reshape(-1, 2)
        weights = np.fromiter(map(len, pairs.values()), dtype=float, count=len(pairs))
        return Indexed(nodes, edges, weights, directed)
    ends_list: list[int] = []
    weight_list: list[float] = []
    # the raw adjacency dicts: several times faster than graph.edges(data=...) at 100k
    for a, neighbours in graph.adjacency():
        i = index[a]
        for b, data in neighbours.items():
            j = index[b]
            if directed or i <= j:  # an undirected edge is listed at both ends
                ends_list += (i, j)
                weight_list.append(float(data["weight"]))
    edges = np.array(ends_list, dtype=np.int64).reshape(-1, 2)
    return Indexed(nodes, edges, np.array(weight_list, dtype=float), directed)
