"""A path search without a filter runs on plain dicts (`paths.Plain`), not networkx, and finds
the same paths: the same candidate pool as networkx's search on the same part of the graph,
the same answer as on the whole projection, and networkx asked where its order decides."""

from __future__ import annotations

import random
from dataclasses import replace

import networkx as nx
import pytest

from civicgraph.api import CivicGraph
from civicgraph.errors import NotFoundError
from civicgraph.graph import nearby, paths
from civicgraph.graph.entities import citations_for

OPTIONS = [
    paths.PathOptions(),
    paths.PathOptions(through_context=True, max_hops=4),
    paths.PathOptions(k=5, time_consistent=True),
    paths.PathOptions(k=1, via=frozenset({"Organization", "GovernmentAgency"})),
    paths.PathOptions(avoid=frozenset({"mexico", "javier-sicilia"}), through_context=True),
]


def pairs(chapter: CivicGraph, count: int, seed: int) -> list[tuple[str, str]]:
    ids = sorted(max(nx.connected_components(chapter.views.simple), key=len))
    chosen = random.Random(seed)
    return [tuple(chosen.sample(ids, 2)) for _ in range(count)]  # type: ignore[misc]


def answer(find: object, *args: object) -> object:
    try:
        return find(*args)  # type: ignore[operator]
    except NotFoundError as exc:
        return str(exc)


@pytest.mark.parametrize("options", OPTIONS)
def test_a_plain_search_answers_as_networkx_on_the_whole_graph(
    chapter: CivicGraph, options: paths.PathOptions
) -> None:
    kept, model = chapter.loaded.adjacency, chapter.model
    cite = lambda nodes: citations_for(chapter.store, nodes)  # noqa: E731
    found = 0
    for a, b in pairs(chapter, 60, seed=len(str(options))):
        source, target = chapter.names.entities[a], chapter.names.entities[b]
        asked = replace(options, target_kinds=frozenset(target.types))
        whole = answer(paths.shortest_paths, chapter.views, source, target, cite, asked)
        part = answer(nearby.shortest_paths, kept, model, source, target, cite, asked)
        assert part == whole, (a, b)
        found += isinstance(whole, dict)
    assert found >= 8  # not only "no path" answers


def plain_part(chapter: CivicGraph, a: str, b: str) -> paths.PlainViews:
    """The part of the kept graph within 4 hops of both ends, as plain views."""
    kept = chapter.loaded.adjacency
    ends = [nearby.index_of(kept, a), nearby.index_of(kept, b)]
    near = [set((nearby.distances(kept, end, None, 4) >= 0).nonzero()[0]) for end in ends]
    found = nearby._path_views(kept, chapter.model, sorted(near[0] & near[1] | set(ends)), None)
    assert isinstance(found, paths.PlainViews)
    return found


@pytest.mark.parametrize("limit", [1, 4, 15, 60, paths.CANDIDATE_LIMIT])
def test_the_plain_pool_is_networkxs_or_networkx_is_asked(
    chapter: CivicGraph, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths, "CANDIDATE_LIMIT", limit)
    options = paths.PathOptions(k=2, max_hops=4, through_context=True)
    decided = 0
    for a, b in pairs(chapter, 30, seed=limit):
        views = plain_part(chapter, a, b)
        plain = paths._plain_pool(views, a, b, options)
        pool, complete = paths.candidate_pool(views.networkx(), a, b, options)
        if plain is not None:  # else networkx's search order decides, and networkx runs
            decided += 1
            assert (sorted(plain[0]), plain[1]) == (sorted(pool), complete), (a, b)
        assert paths.candidate_pool(views, a, b, options)[1] == complete
    assert decided >= 5  # the plain search answered, not only networkx


def test_plain_is_the_part_networkx_would_hold(chapter: CivicGraph) -> None:
    kept = chapter.loaded.adjacency
    indexes = range(0, len(kept), 3)
    graph = paths.Plain()
    nearby._fill(graph, kept, indexes, None)
    expected = nearby.local_graph(kept, indexes)
    found = graph.networkx()
    assert list(found.nodes(data=True)) == list(expected.nodes(data=True))
    assert list(found.edges(keys=True, data=True)) == list(expected.edges(keys=True, data=True))
    simple = {n: set(found.to_undirected()[n]) - {n} for n in found}
    assert {n: set(around) for n, around in graph.neighbours.items()} == simple
