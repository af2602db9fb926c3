"""The network page: what it draws, where, and that data text never becomes markup."""

from __future__ import annotations

import json
import re

from civicgraph.api import CivicGraph
from civicgraph.explorer.drawing import family, network_html
from civicgraph.graph.layout import focus_subgraph, layout, path_positions, pick_nodes

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
