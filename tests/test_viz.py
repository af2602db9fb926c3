"""The network page escapes every text that comes from the data."""

from __future__ import annotations

import re

from civicgraph.api import CivicGraph
from civicgraph.viz import family, focus_subgraph, network_html

HOSTILE = "<img src=x onerror=alert(1)>"


def test_markup_in_a_name_is_never_markup_in_the_page(mini: CivicGraph) -> None:
    page = network_html(mini.projection, mini.model, focus="img-group")
    assert HOSTILE not in page
    # the tooltip is HTML-escaped (pyvis shows it with innerHTML), then JSON-escaped
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page  # the label, escaped in JSON


def test_page_is_self_contained_and_static(mini: CivicGraph) -> None:
    page = network_html(mini.projection, mini.model)
    assert not re.search(r"(src|href)=\"https?://", page)
    assert re.search(r'"physics":\s*\{\s*"enabled":\s*false', page)


def test_large_graphs_show_the_focus_and_top_nodes(chapter: CivicGraph) -> None:
    chosen = focus_subgraph(chapter.projection, 30, "javier-sicilia")
    assert len(chosen) == 30 and "javier-sicilia" in chosen


def test_family_follows_the_ontology(mini: CivicGraph) -> None:
    assert family(mini.model, ["InternationalDonor"]) == "Organization"
    assert family(mini.model, ["Municipality"]) == "Place"
    assert family(mini.model, ["Person"]) == "Person"
