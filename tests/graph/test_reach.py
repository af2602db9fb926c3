"""Reach and ego networks: what an actor connects to, and how."""

from __future__ import annotations

from civicgraph.api import CivicGraph


def test_reach_lists_reforms_nearest_first_with_paths(chapter: CivicGraph) -> None:
    found = chapter.reach("Javier Sicilia")
    ids = [r["id"] for r in found["results"]]
    assert {"police-reform", "judicial-reform"} <= set(ids)
    lengths = [r["length"] for r in found["results"]]
    assert lengths == sorted(lengths)
    for row in found["results"]:
        assert len(row["path"]) == row["length"]
        assert row["path"][0]["from"] == "javier-sicilia" and row["path"][-1]["to"] == row["id"]
        assert set(row["types"]) & chapter.model.subtypes("Program") | chapter.model.subtypes(
            "Reform"
        )


def test_reach_never_steps_through_context_but_may_end_there(timeline: CivicGraph) -> None:
    plain = timeline.reach("Beta Collective", to_types=["CivilSocietyOrganization"])
    steps = {step["to"] for row in plain["results"] for step in row["path"]}
    assert "omega-town" not in steps
    assert plain["results"][0]["id"] == "delta-league"
    towns = timeline.reach("Beta Collective", to_types=["Municipality"])
    assert [(r["id"], r["length"]) for r in towns["results"]] == [("omega-town", 1)]


def test_reach_prefers_the_better_attested_path(timeline: CivicGraph) -> None:
    found = timeline.reach("Alpha Foundation", to_types=["Reform"])
    best = found["results"][0]
    assert best["id"] == "gamma-reform" and best["weak_hops"] == 0
    assert best["path"][0]["to"] == "beta-collective"  # not through the alleged support


def test_neighbours_within_depth(mini: CivicGraph) -> None:
    one = mini.neighbours("Ana Ruiz", depth=1)
    assert [n["id"] for n in one["nodes"]] == ["ana-ruiz", "clean-streets-network"]
    two = mini.neighbours("Ana Ruiz", depth=2)
    assert {n["id"] for n in two["nodes"] if n["distance"] == 2} == {
        "civic-fund",
        "img-group",
        "police-reform",
        "villa-verde",
    }
    assert all(e["source"] in {n["id"] for n in two["nodes"]} for e in two["edges"])


def test_best_paths_match_brute_force_over_all_shortest_paths() -> None:
    import random
    from itertools import pairwise

    import networkx as nx

    from civicgraph.graph.paths import choose_hops, passable
    from civicgraph.graph.project import Views, collapse
    from civicgraph.graph.reach import best_paths

    rng = random.Random(7)
    for trial in range(40):
        n = rng.randint(2, 14)
        graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        graph.add_nodes_from(f"n{i:02d}" for i in range(n))
        for e in range(rng.randint(1, 3 * n)):
            a, b = rng.sample(sorted(graph.nodes), 2)
            status = rng.choice(["reported", "alleged", "confirmed", "disputed"])
            graph.add_edge(
                a, b, key=f"r{e:03d}", id=f"r{e:03d}", status=status, citations=rng.randint(0, 3)
            )
        blocked = frozenset(x for x in graph.nodes if rng.random() < 0.25) - {"n00"}
        views = Views(graph=graph, simple=collapse(graph), contextual=blocked)
        found = best_paths(views, "n00", blocked, cutoff=4)
        for target in graph.nodes:
            usable = passable(views.simple, blocked, {"n00", target})
            try:
                paths = list(nx.all_shortest_paths(usable, "n00", target))
            except nx.NetworkXNoPath:
                paths = []
            paths = [p for p in paths if len(p) <= 5]
            if not paths:
                assert target not in found, (trial, target)
                continue

            def score(nodes: list[str], graph: nx.MultiDiGraph[str] = graph) -> tuple[int, int]:
                hops = choose_hops(graph, nodes, time_consistent=False)
                assert hops is not None
                weak = sum(h["status"] not in ("reported", "confirmed") for h in hops)
                return weak, -sum(h["citations"] for h in hops)

            expected = min((score(p), tuple(p)) for p in paths)
            assert found[target] == expected, (trial, target)
            assert all(views.simple.has_edge(a, b) for a, b in pairwise(found[target][1]))
