"""Centrality equals networkx computed independently on the exported GraphML; igraph agrees
with networkx; communities and brokers are deterministic and make sense."""

from __future__ import annotations

import io

import networkx as nx
import pytest

from civicgraph.api import CivicGraph
from civicgraph.graph.centrality import sample_sources
from civicgraph.store.sparql import select, value


def graphml_graph(graph: CivicGraph, *, directed: bool = False) -> nx.Graph:
    """Read the GraphML export and collapse it the documented way, with networkx alone."""
    sink = io.BytesIO()
    graph.export("graphml", sink)
    multi = nx.read_graphml(io.BytesIO(sink.getvalue()), force_multigraph=True)
    simple = nx.DiGraph() if directed else nx.Graph()
    simple.add_nodes_from(multi.nodes)
    for a, b in multi.edges() if directed else multi.to_undirected().edges():
        if simple.has_edge(a, b):
            simple[a][b]["weight"] += 1
        else:
            simple.add_edge(a, b, weight=1)
    return simple


EXPECTED = {
    "pagerank": lambda g: nx.pagerank(g, weight="weight"),
    "betweenness": nx.betweenness_centrality,
    "degree": nx.degree_centrality,
    "eigenvector": lambda g: nx.eigenvector_centrality(g, max_iter=1000, weight="weight"),
    "closeness": nx.closeness_centrality,
}


def scores_of(ranked: dict) -> dict[str, float]:
    return {row["id"]: row["score"] for row in ranked["results"]}


@pytest.mark.parametrize("metric", sorted(EXPECTED))
def test_metric_equals_networkx_on_exported_graphml(chapter: CivicGraph, metric: str) -> None:
    reference = EXPECTED[metric](graphml_graph(chapter))
    ranked = chapter.centrality(metric, top=10_000, engine="networkx", include_context=True)
    assert ranked["metric"] == metric and ranked["directed"] is False
    assert scores_of(ranked) == pytest.approx(reference, abs=1e-12)


def test_analytics_use_the_actor_layer_unless_asked(chapter: CivicGraph) -> None:
    """The chapter itself, Mexico and Figure 1 led the ranking of "actors" while places,
    works and concepts counted; by default they are left out, and the JSON says so."""
    contextual = chapter.views.contextual
    ranked = chapter.centrality(top=20)
    assert ranked["layer"] == "actors"
    assert [r["id"] for r in ranked["results"] if r["id"] in contextual] == []
    everything = chapter.centrality(top=20, include_context=True)
    assert everything["layer"] == "all"
    assert everything["results"][0]["id"] == "building-resilient-communities-in-mexico-intro"
    assert {"mexico", "figure-1"} <= {r["id"] for r in everything["results"][:5]}
    found = chapter.communities(top=3)
    leaders = [m["id"] for c in found["communities"] for m in c["top"]]
    assert found["layer"] == "actors" and not set(leaders) & contextual
    assert chapter.communities(include_context=True)["layer"] == "all"
    assert chapter.brokers()["layer"] == "actors"


@pytest.mark.parametrize("metric", ["pagerank", "betweenness", "degree", "closeness"])
def test_directed_metric_equals_networkx(chapter: CivicGraph, metric: str) -> None:
    reference = EXPECTED[metric](graphml_graph(chapter, directed=True))
    ranked = chapter.centrality(
        metric, top=10_000, directed=True, engine="networkx", include_context=True
    )
    assert ranked["directed"] is True
    assert scores_of(ranked) == pytest.approx(reference, abs=1e-12)


@pytest.mark.parametrize("directed", [False, True])
def test_igraph_engine_agrees_with_networkx(chapter: CivicGraph, directed: bool) -> None:
    simple = graphml_graph(chapter, directed=directed)
    # networkx's default PageRank stops at tolerance 1e-6; the fast engine iterates to 1e-11,
    # so compare with networkx iterated to convergence
    precise = nx.pagerank(simple, weight="weight", tol=1e-14, max_iter=10_000)
    fast = chapter.centrality(
        "pagerank", top=10_000, directed=directed, engine="igraph", include_context=True
    )
    assert scores_of(fast) == pytest.approx(precise, abs=1e-9)
    exact = nx.betweenness_centrality(simple)
    fast = chapter.centrality(
        "betweenness", top=10_000, directed=directed, engine="igraph", include_context=True
    )
    assert scores_of(fast) == pytest.approx(exact, abs=1e-12)


def test_sampled_betweenness_matches_networkx_subset_estimator(chapter: CivicGraph) -> None:
    simple = graphml_graph(chapter)
    sources = sample_sources(simple, 60, seed=3)
    raw = nx.betweenness_centrality_subset(simple, sources, list(simple), normalized=False)
    n = simple.number_of_nodes()
    expected = {v: b * n / 60 * 2 / ((n - 1) * (n - 2)) for v, b in raw.items()}
    for engine in ("igraph", "networkx"):
        ranked = chapter.centrality(
            "betweenness", sample=60, seed=3, top=10_000, engine=engine, include_context=True
        )
        assert ranked["sample"] == {"k": 60, "seed": 3}
        assert scores_of(ranked) == pytest.approx(expected, abs=1e-12)


def test_sampling_every_node_is_exact_betweenness(mini: CivicGraph) -> None:
    exact = scores_of(mini.centrality("betweenness", top=100))
    n = len(mini.names.entities)
    assert scores_of(mini.centrality("betweenness", sample=n, top=100)) == pytest.approx(exact)


def test_projection_has_one_edge_per_relationship_node(chapter: CivicGraph) -> None:
    count = value(
        next(select(chapter.store, "SELECT (COUNT(?r) AS ?n) WHERE { ?r a civ:Relationship }"))["n"]
    )
    assert chapter.projection.number_of_edges() == count
    assert chapter.projection.number_of_nodes() == len(chapter.names.entities)
    assert not any(n.startswith("cite-") for n in chapter.projection.nodes)


def test_type_filter_ranks_only_that_type_and_ties_are_stable(chapter: CivicGraph) -> None:
    people = chapter.centrality("degree", type_="Person", top=500)["results"]
    assert people and all("Person" in r["types"] for r in people)
    order = [(-r["score"], r["label"].casefold(), r["id"]) for r in people]
    assert order == sorted(order)
    assert chapter.centrality("degree", type_="Person", top=500)["results"] == people


def test_projection_filters_narrow_the_graph(timeline: CivicGraph) -> None:
    whole = timeline.projection
    only_demands = timeline.view(timeline.keep(relations=["demands"])).graph
    assert only_demands.number_of_edges() == 2 < whole.number_of_edges()
    organisations = timeline.view(timeline.keep(types=["Organization"])).graph
    assert set(organisations) == {"alpha-foundation", "delta-league"}
    in_2016 = timeline.view(timeline.keep(at=2016)).graph
    assert {k for _, _, k in in_2016.edges(keys=True)} == {
        "alpha-foundation--funds--beta-collective--2015",
        "delta-league--demands--gamma-reform--2010",
        "beta-collective--operatesIn--omega-town",
        "delta-league--operatesIn--omega-town",
    }


def test_communities_are_deterministic_and_partition_the_graph(chapter: CivicGraph) -> None:
    first = chapter.communities(seed=11)
    assert chapter.communities(seed=11) == first
    members = [m for c in first["communities"] for m in c["members"]]
    # the actor layer: every entity that is not a place, work, dataset or concept
    assert sorted(members) == sorted(set(chapter.names.entities) - chapter.views.contextual)
    everything = chapter.communities(seed=11, include_context=True)
    assert sorted(m for c in everything["communities"] for m in c["members"]) == sorted(
        chapter.names.entities
    )
    assert 0 < first["modularity"] <= 1
    sizes = [c["size"] for c in first["communities"]]
    assert sizes == sorted(sizes, reverse=True)


def test_brokers_cut_people_off_from_programs(mini: CivicGraph) -> None:
    found = mini.brokers(from_type="Person", to_type="Program")
    assert [(r["id"], r["disconnected_pairs"]) for r in found["results"]] == [
        ("clean-streets-network", 1),
        ("police-reform", 1),
    ]
    assert found["results"][0]["examples"] == [{"from": "ana-ruiz", "to": "safe-towns-program"}]


def test_chapter_brokers_between_movements_and_reforms_are_actors(chapter: CivicGraph) -> None:
    found = chapter.brokers()
    assert found["results"]
    for row in found["results"]:
        assert not chapter.model.is_contextual(row["types"])


def test_cut_losses_match_brute_force_on_random_graphs() -> None:
    import random

    from civicgraph.graph.communities import _cut_losses

    rng = random.Random(5)
    for trial in range(150):
        n = rng.randint(1, 20)
        g = nx.relabel_nodes(
            nx.gnm_random_graph(n, rng.randint(0, n + 5), seed=trial), lambda i: f"n{i}"
        )
        sources = {x for x in g if rng.random() < 0.4}
        targets = {x for x in g if rng.random() < 0.4}
        expected = {}
        for v in g:
            home = nx.node_connected_component(g, v) - {v}
            before = len(sources & home) * len(targets & home)
            after = sum(
                len(sources & p) * len(targets & p)
                for p in nx.connected_components(g.subgraph(home))
            )
            if before > after:
                expected[v] = before - after
        losses, points = _cut_losses(g, sources, targets)
        assert losses == expected
        assert points == len(list(nx.articulation_points(g)))


@pytest.mark.parametrize("directed", [False, True])
def test_power_pagerank_equals_networkx_with_self_loops_and_dangling_nodes(directed: bool) -> None:
    from civicgraph.graph.centrality import pagerank_power

    g = nx.gnm_random_graph(60, 150, seed=3, directed=directed)
    g.add_edges_from([(5, 5), (7, 7)])  # self-loops
    g.add_nodes_from([60, 61])  # isolated: dangling either way
    for a, b in g.edges():
        g[a][b]["weight"] = 1.0 + (a * 7 + b) % 3
    edges = list(g.edges())
    weights = [g[a][b]["weight"] for a, b in edges]
    found = pagerank_power(len(g), edges, weights, directed=directed)
    precise = nx.pagerank(g, weight="weight", tol=1e-14, max_iter=10_000)
    assert dict(enumerate(found)) == pytest.approx(precise, abs=1e-10)


def test_indexed_from_pairs_equals_indexed_from_the_graph(chapter: CivicGraph) -> None:
    from civicgraph.graph.indexed import indexed

    views = chapter.views
    fast, walked = views.indexed, indexed(views.simple)
    assert fast.nodes == walked.nodes == list(views.simple.nodes)

    def edges(found) -> dict[frozenset[str], float]:
        named = [frozenset((found.nodes[a], found.nodes[b])) for a, b in found.edges.tolist()]
        return dict(zip(named, found.weights.tolist(), strict=True))

    assert edges(fast) == edges(walked)
    assert len(edges(fast)) == views.simple.number_of_edges() == len(fast.weights)
    assert max(fast.weights) > 1  # some pairs carry several relationships
