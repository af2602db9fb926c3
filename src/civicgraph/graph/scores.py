"""The centrality scores that depend on no option, computed once per build and kept.

PageRank and degree on the whole graph, weighted and undirected (the defaults of
`centrality`), on the actor layer and on every entity, are what the explorer and most
`centrality` calls ask for. `keep_scores` computes them with `centrality.scores`, exactly
as a call with the defaults does, and keeps them beside the build
(`store.kept_scores`); `kept_ranking` answers such a call from them, reading only the
rows of the ranking it returns, so `centrality --metric pagerank --top 10` costs the same
at any size. `civicgraph build` keeps them after each build; a build without them (made
by an older version, or read-only) computes them on the first call, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from civicgraph.graph import centrality, project
from civicgraph.store import kept_scores
from civicgraph.store.kept_names import code_digest
from civicgraph.store.kept_scores import kept_metrics, ranked, scores_db, write_scores

if TYPE_CHECKING:
    from civicgraph.graph.loaded import LoadedGraph
    from civicgraph.graph.project import Views
    from civicgraph.store.kept_graph import KeptGraph, Node

KEPT = ("pagerank", "degree")
LAYERS = ("actors", "all")


def _file(loaded: LoadedGraph) -> Path:
    return _named(loaded.build.directory, loaded.build.ontology_dir)


@cache  # the code and a build's ontology do not change while a process runs
def _named(build_dir: Path, ontology_dir: Path) -> Path:
    code = [str(m.__file__) for m in (centrality, project, kept_scores)]  # what makes them
    return scores_db(build_dir, code_digest(ontology_dir, *code))


def _layer(views: Views, layer: str) -> Views:
    return views.actors if layer == "actors" else views


Row = tuple[str, str, str, str, list[str], float]  # metric, layer, slug, label, types, score


def keep_scores(loaded: LoadedGraph) -> Path:
    """Compute the kept metrics on both layers, as `centrality` with its defaults does:
    above `centrality.IGRAPH_FROM` entities from the kept graph's arrays (`array_scores`),
    without loading the projection; below, on the projection."""
    rows: list[Row] = []
    kept = loaded.adjacency
    if len(kept) >= centrality.IGRAPH_FROM:
        every = kept.nodes()  # read once for both layers
        for layer in LAYERS:
            rows += array_scores(kept, layer, every)
    else:
        for layer in LAYERS:
            rows += _scores(loaded.views, layer)
    path = _file(loaded)
    write_scores(path, rows)
    return path


def _scores(whole: Views, layer: str) -> list[Row]:
    views = _layer(whole, layer)
    nodes = views.graph.nodes
    big = views.simple.number_of_nodes() >= centrality.IGRAPH_FROM
    converted = views.indexed if big else None
    rows: list[Row] = []
    for metric in KEPT:
        values = centrality.scores(views.simple, metric, converted=converted)
        rows += [
            (metric, layer, n, nodes[n]["label"], list(nodes[n]["types"]), float(v))
            for n, v in values.items()
        ]
    return rows


def array_scores(
    kept: KeptGraph, layer: str, every: list[tuple[int, Node]] | None = None
) -> list[Row]:
    """PageRank and degree centrality of one layer, from the kept CSR arrays: the numbers
    `centrality.scores` gives on the collapsed projection with the array engine
    (`pagerank_power`, whose sums do not depend on the edges' order) and networkx's
    `degree_centrality` (neighbours over n - 1, a loop counted twice)."""
    import numpy as np

    rows = np.repeat(np.arange(len(kept)), np.diff(kept.indptr))
    cols = np.asarray(kept.neighbours)
    shown = ~np.asarray(kept.contextual) if layer == "actors" else np.ones(len(kept), bool)
    once = (rows <= cols) & shown[rows] & shown[cols]  # each pair once, within the layer
    number = np.cumsum(shown) - 1  # the layer's own numbering, in slug order
    edges = np.stack([number[rows[once]], number[cols[once]]], axis=1)
    n = int(shown.sum())
    if n == 0:
        return []
    values = {
        "pagerank": centrality.pagerank_power(
            n, edges, np.asarray(kept.weights)[once], directed=False
        ),
        "degree": (np.bincount(edges[:, 0], minlength=n) + np.bincount(edges[:, 1], minlength=n))
        * (1.0 / (n - 1))
        if n > 1
        else np.ones(1),  # networkx's score of a lone entity
    }
    nodes = [node for index, node in every or kept.nodes() if shown[index]]
    return [
        (metric, layer, slug, label, types, float(score))
        for metric in KEPT
        for (slug, label, types), score in zip(nodes, values[metric].tolist(), strict=True)
    ]


def kept_ranking(
    loaded: LoadedGraph,
    metric: str,
    *,
    types: set[str] | None,
    top: int,
    include_context: bool,
) -> dict[str, Any] | None:
    """Answer `centrality` with its defaults from the kept scores (kept now if missing);
    None when this metric is not kept, or nothing could be kept (compute it then)."""
    if top < 0:
        return None
    layer = "all" if include_context else "actors"
    path = _kept(loaded, metric, layer)
    if path is None:
        return None
    rows = ranked(path, metric, layer)
    if types is not None:
        rows = (row for row in rows if types & set(row["types"]))
    return {
        "metric": metric,
        "directed": False,
        "normalized": True,
        "layer": layer,
        "results": list(islice(rows, top)),
    }


def _kept(loaded: LoadedGraph, metric: str, layer: str) -> Path | None:
    """Return the file keeping a metric on a layer, kept now if missing; None when the
    metric is not kept, or nothing could be kept (a read-only build)."""
    if metric not in KEPT:
        return None
    path = _file(loaded)
    if (metric, layer) not in (kept_metrics(path) or set()):
        keep_scores(loaded)
        if (metric, layer) not in (kept_metrics(path) or set()):
            return None
    return path


def kept_top(loaded: LoadedGraph, metric: str, layer: str, top: int) -> dict[str, float] | None:
    """Return the `top` best kept scores of a layer, and every entity tied with the last
    (so that any order among equals picks from them); None when they are not kept."""
    path = _kept(loaded, metric, layer)
    if path is None:
        return None
    found: dict[str, float] = {}
    last = float("inf")
    for row in ranked(path, metric, layer):  # best first
        if len(found) >= top and row["score"] < last:
            break
        found[row["id"]] = last = row["score"]
    return found


def kept_scores_of(
    loaded: LoadedGraph, metric: str, layer: str, slugs: list[str]
) -> dict[str, float]:
    """Return the kept scores of these entities on a layer (kept first if missing)."""
    path = _kept(loaded, metric, layer)
    return {} if path is None else kept_scores.scores_of(path, metric, layer, slugs)


def centrality_of(
    loaded: LoadedGraph,
    views: Callable[[], Views],
    metric: str,
    *,
    whole: bool,
    include_context: bool,
    types: set[str] | None,
    top: int,
    directed: bool,
    weighted: bool,
    sample: int | None,
    seed: int,
    engine: str,
) -> dict[str, Any]:
    """Rank by a metric (`centrality.centrality`), from the kept scores when the call asks
    for what they hold: the whole graph (`whole`: no filter), weighted, undirected, no
    sample, the default engine; `views` gives the graph to compute on otherwise."""
    if whole and weighted and not directed and sample is None and engine == "auto":
        kept = kept_ranking(loaded, metric, types=types, top=top, include_context=include_context)
        if kept is not None:
            return kept
    return centrality.centrality(
        views(),
        metric,
        types=types,
        top=top,
        directed=directed,
        weighted=weighted,
        sample=sample,
        seed=seed,
        engine=engine,
    )
