"""Paths, reach and ego networks found on the part of the kept graph a search can use are
the ones found on the whole projection."""

from __future__ import annotations

import random
from dataclasses import replace

import networkx as nx
import numpy as np
import pytest

from civicgraph.api import CivicGraph
from civicgraph.errors import NotFoundError
from civicgraph.graph import nearby, paths, reach
from civicgraph.graph.entities import citations_for
from civicgraph.graph.project import Views, filtered, simple_undirected
from civicgraph.graph.subgraph import path_subgraph

OPTIONS = [
    paths.PathOptions(),
    paths.PathOptions(through_context=True),
    paths.PathOptions(k=5, time_consistent=True),
    paths.PathOptions(max_hops=3, through_context=True),
    paths.PathOptions(k=1, max_hops=4),
]


def answer(find: object, *args: object) -> object:
    try:
        return find(*args)  # type: ignore[operator]
    except NotFoundError as exc:
        return str(exc)


def pairs(chapter: CivicGraph, count: int, seed: int) -> list[tuple[str, str]]:
    """Pairs of entities, most of them linked by some path through actors."""
    actors = chapter.views.actors.simple
    ids = sorted(max(nx.connected_components(actors), key=len))
    chosen = random.Random(seed)
    return [tuple(chosen.sample(ids, 2)) for _ in range(count)]  # type: ignore[misc]


@pytest.mark.parametrize("options", OPTIONS)
def test_paths_on_the_part_nearby_are_the_paths_on_the_whole_graph(
    chapter: CivicGraph, options: paths.PathOptions
) -> None:
    kept, model = chapter.loaded.adjacency, chapter.model
    cite = lambda nodes: citations_for(chapter.store, nodes)  # noqa: E731
    found = 0
    for a, b in pairs(chapter, 80, seed=len(str(options))):
        source, target = chapter.names.entities[a], chapter.names.entities[b]
        asked = replace(options, target_kinds=frozenset(target.types))
        whole = answer(paths.shortest_paths, chapter.views, source, target, cite, asked)
        part = answer(nearby.shortest_paths, kept, model, source, target, cite, asked)
        assert part == whole, (a, b)
        found += isinstance(whole, dict)
    assert found >= 25  # not only "no path" answers


def test_a_filter_is_applied_to_the_part_nearby(chapter: CivicGraph) -> None:
    keep = chapter.keep(statuses=["reported"], between=(2006, 2012))
    whole_views = Views.of(filtered(chapter.projection, keep), chapter.model)
    cite = lambda nodes: citations_for(chapter.store, nodes)  # noqa: E731
    for a, b in [("carlos-pascual", "merida-initiative"), *pairs(chapter, 40, seed=7)]:
        source, target = chapter.names.entities[a], chapter.names.entities[b]
        options = paths.PathOptions(through_context=True)
        whole = answer(paths.shortest_paths, whole_views, source, target, cite, options)
        part = answer(
            nearby.shortest_paths, chapter.loaded.adjacency, chapter.model, source, target,
            cite, options, keep,
        )  # fmt: skip
        assert part == whole, (a, b)


@pytest.mark.parametrize("share", [0.0, 1.01])  # all relationships in reach; those touched
def test_reach_and_neighbours_on_the_part_nearby_are_the_whole_graphs(
    chapter: CivicGraph, share: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nearby, "STEPPED_SHARE", share)
    kept, model = chapter.loaded.adjacency, chapter.model
    targets = {t for name in ("Program", "Reform") for t in model.subtypes(name)}
    for slug in sorted(chapter.projection.nodes)[::7]:
        actor = chapter.names.entities[slug]
        for context in (False, True):
            assert nearby.reach(
                kept, model, actor, targets, max_hops=4, through_context=context, top=50
            ) == reach.reach(chapter.views, actor, targets, through_context=context)
        for depth in (1, 2):
            assert nearby.neighbours(kept, model, actor, depth) == reach.neighbours(
                chapter.views, actor, depth
            )


def test_distances_are_breadth_first_hop_counts(chapter: CivicGraph) -> None:
    kept = chapter.loaded.adjacency
    simple = simple_undirected(chapter.projection)
    slugs = [slug for _, (slug, _, _) in kept.nodes()]
    contextual = {slugs[i] for i in np.flatnonzero(kept.contextual)}
    for start in slugs[::25]:
        found = nearby.distances(kept, slugs.index(start), None, 3)
        expected = nx.single_source_shortest_path_length(simple, start, cutoff=3)
        assert {slugs[i]: int(d) for i, d in enumerate(found) if d >= 0} == expected
        # blocked entities are reached, never stepped through
        found = nearby.distances(kept, slugs.index(start), kept.contextual, 3)
        shown = {start} | (set(simple) - contextual)
        view = nx.subgraph_view(simple, filter_node=shown.__contains__)
        through = nx.single_source_shortest_path_length(view, start, cutoff=2)
        reached = set(through) | {n for m in through for n in simple[m] if through[m] < 3}
        assert {slugs[i] for i, d in enumerate(found) if d >= 0} == reached


def test_the_api_answers_from_the_part_nearby(chapter: CivicGraph) -> None:
    found = chapter.path("Carlos Pascual", "Merida Initiative")
    assert found["paths"][0]["hops"][-1]["to"]["id"] == "merida-initiative"
    # the subgraph of an answer, from the part it steps on: the projection's subgraph
    part = path_subgraph(nearby.part_of(chapter.loaded.adjacency, found), found)
    whole = path_subgraph(chapter.projection, found)
    assert sorted(part.nodes(data=True)) == sorted(whole.nodes(data=True))
    assert sorted(part.edges(keys=True, data=True), key=str) == sorted(
        whole.edges(keys=True, data=True), key=str
    )
    with pytest.raises(NotFoundError, match=r"only alleged hops|no relationship"):
        chapter.path("Javier Sicilia", "Merida Initiative", keep=chapter.keep(statuses=["alleged"]))
