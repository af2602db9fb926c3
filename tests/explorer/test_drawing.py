"""The network page: what it draws, where, and that data text never becomes markup."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import networkx as nx

from civicgraph.api import CivicGraph
from civicgraph.explorer.drawing import (
    CONTEXT_COLOUR,
    OTHER_RELATIONS,
    RELATION_COLOURS,
    family,
    network_html,
)
from civicgraph.graph.layout import (
    GROUP_GAP,
    focus_subgraph,
    kept_layout,
    layout,
    layout_key,
    path_positions,
    pick_nodes,
    relation_view,
)
from civicgraph.store.kept import positions_file, read_positions

HOSTILE = "<img src=x onerror=alert(1)>"


def nodes_of(page: str) -> list[dict[str, object]]:
    found = re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", page, re.S)
    assert found
    loaded: list[dict[str, object]] = json.loads(found.group(1))
    return loaded


def test_markup_in_a_name_is_never_markup_in_the_page(mini: CivicGraph) -> None:
    page = network_html(mini.projection, mini.model, focus="img-group")
    assert HOSTILE not in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page  # label and tip, JSON-escaped
    node = next(n for n in nodes_of(page) if n["id"] == "img-group")
    assert node["label"] == HOSTILE and "title" not in node  # the tip becomes text by script
    assert "textContent = text" in page and "innerHTML" not in page.split("</style>")[-1]


def test_page_is_self_contained_and_static(mini: CivicGraph) -> None:
    page = network_html(mini.projection, mini.model)
    assert not re.search(r"(src|href)=\"https?://", page)
    assert re.search(r'"physics":\s*\{\s*"enabled":\s*false', page)
    assert ".vis-overlay" not in page  # the editing stylesheet is left out


def test_a_click_opens_the_profile_page(mini: CivicGraph) -> None:
    page = network_html(mini.projection, mini.model, profile_page="profile")
    assert 'var profile = "profile";' in page
    assert "encodeURIComponent(params.nodes[0])" in page


def test_sizes_follow_the_scores(chapter: CivicGraph) -> None:
    scores = {"javier-sicilia": 1.0, "movement-for-peace-with-justice-and-dignity": 0.25}
    page = network_html(
        chapter.projection, chapter.model, nodes=list(scores), scores=scores, score_name="pr"
    )
    sizes = {n["id"]: n["size"] for n in nodes_of(page)}
    assert sizes["javier-sicilia"] > sizes["movement-for-peace-with-justice-and-dignity"]


def test_large_graphs_show_the_focus_and_top_nodes(chapter: CivicGraph) -> None:
    chosen = focus_subgraph(chapter.projection, 30, "javier-sicilia")
    assert len(chosen) == 30 and "javier-sicilia" in chosen


def test_a_focus_shows_its_neighbourhood_and_expansions_add_more(chapter: CivicGraph) -> None:
    graph = chapter.projection
    scores = {n: float(d) for n, d in graph.degree()}
    near = pick_nodes(graph, scores, focus="javier-sicilia", depth=1)
    assert near[0] == "javier-sicilia"
    assert set(near) == {"javier-sicilia", *graph.successors("javier-sicilia")} | set(
        graph.predecessors("javier-sicilia")
    )
    wider = pick_nodes(graph, scores, focus="javier-sicilia", depth=2)
    assert set(near) < set(wider)
    grown = pick_nodes(graph, scores, focus="javier-sicilia", expanded=[near[1]])
    assert set(near) <= set(grown)
    top = pick_nodes(graph, scores, top=10)
    assert top == sorted(graph.nodes, key=lambda n: (-scores[n], n))[:10]
    assert len(pick_nodes(graph, scores, top=400, limit=50)) == 50


def test_layout_is_deterministic_and_keeps_parts_apart(chapter: CivicGraph) -> None:
    simple = chapter.views.simple.subgraph(list(chapter.views.simple)[:60])
    first, second = layout(simple), layout(simple)
    assert first == second and set(first) == set(simple)


def test_path_positions_run_from_source_to_target(chapter: CivicGraph) -> None:
    found = chapter.path("javier-sicilia", "judicial-reform", k=2)
    positions = path_positions(found)
    assert positions["javier-sicilia"][0] < positions["judicial-reform"][0]


def test_family_follows_the_ontology(mini: CivicGraph) -> None:
    assert family(mini.model, ["InternationalDonor"]) == "Organization"
    assert family(mini.model, ["Municipality"]) == "Place"
    assert family(mini.model, ["Person"]) == "Person"


def edges_of(page: str) -> list[dict[str, object]]:
    found = re.search(r"edges = new vis\.DataSet\((\[.*?\])\);", page, re.S)
    assert found
    loaded: list[dict[str, object]] = json.loads(found.group(1))
    return loaded


def legend_of(page: str) -> list[dict[str, object]]:
    found = re.search(r"var legend = (\[.*?\]);", page, re.S)
    assert found
    loaded: list[dict[str, object]] = json.loads(found.group(1))
    return loaded


def top_page(chapter: CivicGraph, top: int = 100) -> str:
    scores = {n: float(d) for n, d in chapter.projection.degree()}
    shown = pick_nodes(chapter.projection, scores, top=top)
    return network_html(chapter.projection, chapter.model, nodes=shown, scores=scores)


def test_only_the_largest_entities_carry_a_label(chapter: CivicGraph) -> None:
    drawn = nodes_of(top_page(chapter))
    labelled = {str(n["id"]) for n in drawn if "label" in n}
    by_size = sorted(drawn, key=lambda n: (-float(str(n["size"])), str(n["id"])))
    assert labelled == {str(n["id"]) for n in by_size[:25]}  # the largest quarter of 100
    assert all(n["name"] for n in drawn)  # the rest are named on hover
    # a small drawing offers every name (the page still draws each only where it fits)
    three = ["javier-sicilia", *sorted(chapter.projection.successors("javier-sicilia"))[:2]]
    small = nodes_of(network_html(chapter.projection, chapter.model, nodes=three))
    assert all("label" in n for n in small)


def test_edges_are_coloured_by_relation_with_a_legend(chapter: CivicGraph) -> None:
    page = top_page(chapter)
    colours: dict[str, set[object]] = {}
    for edge in edges_of(page):
        colours.setdefault(str(edge["relation"]), set()).add(edge["color"])
    assert all(len(found) == 1 for found in colours.values())  # one colour per relation
    distinct = [next(iter(c)) for c in colours.values() if c != {OTHER_RELATIONS}]
    assert len(distinct) == len(set(distinct)) == len(RELATION_COLOURS)
    legend = legend_of(page)
    edge_keys = {
        str(row["name"]).split(" (")[0]: row["colour"] for row in legend if row["kind"] == "edge"
    }
    for relation, found in colours.items():
        if found != {OTHER_RELATIONS}:
            assert edge_keys[relation] == next(iter(found))  # each colour is in the legend
    assert "other relations" in edge_keys and "Publication" in {row["name"] for row in legend}


def test_a_relation_filter_keeps_only_who_takes_part(chapter: CivicGraph) -> None:
    whole = chapter.projection
    funds = chapter.view(chapter.keep(relations=["funds"])).graph
    assert funds.number_of_nodes() == whole.number_of_nodes()  # the filter keeps everyone
    drawn = relation_view(whole, funds)
    assert set(drawn) == {n for n in funds if funds.degree(n)}
    assert {"us-government", "usaid", "network-for-oral-trials"} <= set(drawn)
    assert all(d["predicate"] == "funds" for _, _, d in drawn.edges(data=True))


def test_a_relation_around_a_focus_is_more_than_the_focus(chapter: CivicGraph) -> None:
    whole = chapter.projection
    funds = chapter.view(chapter.keep(relations=["funds"])).graph
    # the Mérida Initiative funds no one and is funded by no one itself; its pillar IV is
    drawn = relation_view(whole, funds, "merida-initiative")
    assert {"merida-initiative", "merida-pillar-iv", "us-government"} <= set(drawn)
    linking = [(u, v) for u, v, d in drawn.edges(data=True) if d.get("context")]
    assert linking == [("merida-pillar-iv", "merida-initiative")]  # the way there, marked
    page = network_html(drawn, chapter.model, nodes=list(drawn), focus="merida-initiative")
    pale = [e for e in edges_of(page) if e["color"] == CONTEXT_COLOUR]
    assert len(pale) == 1 and any("linking the focus" in str(r["name"]) for r in legend_of(page))


def test_layout_keeps_communities_apart() -> None:
    # two tight groups joined by one link: each entity nearer its own group than the other
    graph: nx.Graph[str] = nx.Graph()
    for group in "ab":
        graph.add_edges_from((f"{group}{i}", f"{group}{j}") for i in range(6) for j in range(i))
    graph.add_edge("a0", "b0")
    positions = layout(graph)
    centre = {
        g: tuple(sum(positions[f"{g}{i}"][axis] for i in range(6)) / 6 for axis in (0, 1))
        for g in "ab"
    }
    for node, (x, y) in positions.items():
        own, other = centre[node[0]], centre["b" if node[0] == "a" else "a"]
        assert math.dist((x, y), own) < math.dist((x, y), other)
    across = min(
        math.dist(positions[f"a{i}"], positions[f"b{j}"]) for i in range(6) for j in range(6)
    )
    assert across >= GROUP_GAP  # a gap between the groups' circles


def test_a_layout_is_kept_beside_the_build(chapter: CivicGraph, tmp_path: Path) -> None:
    graph = nx.Graph(chapter.projection.subgraph(list(chapter.projection)[:40]).to_undirected())
    first = kept_layout(graph, tmp_path)
    kept = positions_file(tmp_path, layout_key(graph))
    assert kept.exists() and set(read_positions(tmp_path, layout_key(graph)) or ()) == set(graph)
    written = kept.stat().st_mtime_ns
    assert kept_layout(graph, tmp_path) == first and kept.stat().st_mtime_ns == written
    graph.remove_node(next(iter(graph)))  # another drawing, another layout
    assert layout_key(graph) != kept.stem


def test_layout_of_entities_with_no_link_between_them() -> None:
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(["a", "b", "c"])
    positions = layout(graph)
    assert len(set(positions.values())) == 3  # in a row, apart
    assert layout(nx.Graph()) == {}
