"""The Network page's part of the graph, read from the kept files, lets `pick_nodes` choose
what it chooses on the whole layer, and draws it with the same relationships and scores."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from civicgraph.api import CivicGraph
from civicgraph.graph.layout import pick_nodes


def whole_layer(
    chapter: CivicGraph, metric: str, context: bool
) -> tuple[nx.MultiDiGraph[str], dict[str, float]]:
    count = len(chapter.names.entities)
    ranked = chapter.centrality(metric, top=count, include_context=context)
    scores = {row["id"]: row["score"] for row in ranked["results"]}
    return chapter.views.layered(context).graph, scores


def drawn(graph: nx.MultiDiGraph[str], nodes: list[str]) -> tuple[object, ...]:
    shown = graph.subgraph(nodes)
    edges = sorted((u, v, k, sorted(d.items())) for u, v, k, d in shown.edges(keys=True, data=True))
    return sorted(shown.nodes(data=True)), edges


def asks(chapter: CivicGraph) -> list[dict[str, object]]:
    """Network page views: the first one, foci near and far, expansions, both layers."""
    chosen = random.Random(7)
    ids = sorted(chapter.names.entities)
    found: list[dict[str, object]] = [{}, {"top": 20}, {"top": 400}, {"context": True}]
    for _ in range(30):
        found.append(
            {
                "focus": chosen.choice(ids),
                "depth": chosen.randint(1, 3),
                "top": chosen.choice([20, 100]),
                "expanded": tuple(chosen.sample(ids, chosen.randint(0, 2))),
                "context": chosen.random() < 0.3,
            }
        )
    found += [{"expanded": tuple(chosen.sample(ids, 3))} for _ in range(5)]
    return found


@pytest.mark.parametrize("metric", ["pagerank", "degree"])
def test_the_kept_part_draws_what_the_whole_layer_draws(chapter: CivicGraph, metric: str) -> None:
    model = chapter.model
    for ask in asks(chapter):
        focus = ask.get("focus")
        context = bool(ask.get("context")) or (
            focus is not None and model.is_contextual(chapter.names.entities[focus].types)  # type: ignore[index]
        )
        top, depth = int(ask.get("top", 100)), int(ask.get("depth", 1))  # type: ignore[call-overload]
        expanded = ask.get("expanded", ())
        graph, scores = whole_layer(chapter, metric, context)
        focused = focus if focus in graph else None
        want = pick_nodes(
            graph, scores, top=top, focus=focused, depth=depth, expanded=expanded, limit=400
        )  # type: ignore[arg-type]
        part = chapter.parts.network(
            metric, top=top, focus=focus, depth=depth, expanded=expanded, include_context=context
        )
        assert part is not None
        focused = focus if focus in part.graph else None
        got = pick_nodes(
            part.graph,
            part.scores,
            top=top,
            focus=focused,
            depth=depth,
            expanded=expanded,
            limit=400,
        )  # type: ignore[arg-type]
        assert got == want, ask
        assert drawn(part.graph, got) == drawn(graph, want), ask
        assert {n: part.scores[n] for n in got} == {n: scores[n] for n in want}
        assert part.total == graph.number_of_nodes()
        assert part.graph.number_of_nodes() < graph.number_of_nodes() or top >= 100 or depth > 1


def test_a_metric_not_kept_has_no_part(chapter: CivicGraph) -> None:
    assert (
        chapter.parts.network(
            "betweenness", top=10, focus=None, depth=1, expanded=(), include_context=False
        )
        is None
    )


def test_the_filter_choices_are_the_projections(chapter: CivicGraph) -> None:
    projection = chapter.projection
    choices = chapter.parts.choices()
    assert choices["types"] == sorted(
        {t for _, d in projection.nodes(data=True) for t in d["types"]}
    )
    assert choices["relations"] == sorted(
        {d["predicate"] for _, _, d in projection.edges(data=True)}
    )
    assert choices["statuses"] == sorted({d["status"] for _, _, d in projection.edges(data=True)})
    years = sorted(
        int(str(d[k])[:4])
        for _, _, d in projection.edges(data=True)
        for k in ("start", "end")
        if d.get(k)
    )
    assert choices["years"] == [years[0], years[-1]]
    assert choices["movements"] == {
        n: d["label"] for n, d in projection.nodes(data=True) if "Movement" in d["types"]
    }
    assert choices["movements"]  # the chapter has movements: the comparison is not empty


def test_the_ego_part_draws_what_the_whole_layer_draws(chapter: CivicGraph) -> None:
    model = chapter.model
    for entity in sorted(chapter.names.entities):
        context = model.is_contextual(chapter.names.entities[entity].types)
        graph = chapter.views.layered(context).graph
        degrees = {n: float(d) for n, d in graph.degree()}
        want = pick_nodes(graph, degrees, top=12, focus=entity)
        near, got = chapter.parts.ego(entity, top=12, include_context=context)
        assert got == want, entity
        assert drawn(near, got) == drawn(graph, want), entity
        assert {n: near.degree(n) for n in got} == {n: graph.degree(n) for n in want}, entity


def test_the_path_part_is_the_relationships_the_paths_use(chapter: CivicGraph) -> None:
    found = chapter.path("javier-sicilia", "judicial-reform", k=3)
    used = {hop["relationship"] for p in found["paths"] for hop in p["hops"]}
    projection = chapter.projection
    ends = {end["id"] for p in found["paths"] for h in p["hops"] for end in (h["from"], h["to"])}
    whole = projection.edge_subgraph(
        (a, b, k) for a, b, k in projection.edges(ends, keys=True) if k in used
    )
    part = chapter.parts.path(found)
    assert len(used) >= 3
    assert drawn(part, sorted(part)) == drawn(whole, sorted(whole))


def test_an_entity_timeline_from_its_part_is_the_one_from_the_whole_graph(
    chapter: CivicGraph,
) -> None:
    from civicgraph.graph.timeline import timeline

    dated = 0
    for entity in sorted(chapter.names.entities):
        whole = timeline(chapter.projection, chapter.model, chapter.store, entity)
        assert chapter.timeline(entity) == whole, entity
        if whole:
            by_type = timeline(chapter.projection, chapter.model, chapter.store, entity, {"Person"})
            assert chapter.timeline(entity, types=["Person"]) == by_type, entity
        dated += bool(whole)
    assert dated >= 20  # entities with dated relationships were compared


def test_the_counts_kept_are_the_counts_in_the_store(chapter: CivicGraph, mini: CivicGraph) -> None:
    from civicgraph.graph.tables import stats

    for graph in (chapter, mini):
        kept = graph.stats()
        assert kept == stats(graph.store)  # counted in the store by SPARQL
        assert sum(kept["relationships"].values()) == graph.projection.number_of_edges()
