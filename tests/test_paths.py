"""Paths: shortest first, hops connect, every hop cited."""

from __future__ import annotations

from itertools import pairwise

import pytest

from civicgraph.api import CivicGraph
from civicgraph.errors import NotFoundError, UsageError


def check_path_shape(found: dict, source: str, target: str) -> None:
    lengths = [p["length"] for p in found["paths"]]
    assert lengths == sorted(lengths)
    for path in found["paths"]:
        hops = path["hops"]
        assert len(hops) == path["length"]
        assert hops[0]["from"]["id"] == source and hops[-1]["to"]["id"] == target
        for before, after in pairwise(hops):
            assert before["to"]["id"] == after["from"]["id"]
        for hop in hops:
            assert hop["direction"] in ("out", "in")
            assert hop["sources"] and all(s["quote"] for s in hop["sources"])


def test_path_through_the_fixture(mini: CivicGraph) -> None:
    found = mini.path("Ana Ruiz", "Safe Towns Program")
    check_path_shape(found, "ana-ruiz", "safe-towns-program")
    assert [h["predicate"] for h in found["paths"][0]["hops"]] == ["founded", "demands", "partOf"]


def test_direction_says_which_way_the_relationship_points(mini: CivicGraph) -> None:
    hop = mini.path("Clean Streets Network", "Civic Fund")["paths"][0]["hops"][0]
    assert (hop["predicate"], hop["direction"]) == ("funds", "in")


def test_max_hops_and_unknown_entities(mini: CivicGraph) -> None:
    with pytest.raises(NotFoundError):
        mini.path("Ana Ruiz", "Safe Towns Program", max_hops=2)
    with pytest.raises(NotFoundError):
        mini.path("Ana Ruiz", "Nobody At All")
    with pytest.raises(UsageError):
        mini.path("Ana Ruiz", "ana-ruiz")


def test_k_limits_the_number_of_paths(chapter: CivicGraph) -> None:
    found = chapter.path("Carlos Pascual", "Merida Initiative", k=2)
    assert len(found["paths"]) == 2
    check_path_shape(found, "carlos-pascual", "merida-initiative")
    assert chapter.path("Carlos Pascual", "Merida Initiative", k=2) == found


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Carlos Pascual", "Merida Initiative"),
        ("USAID", "Judicial reform"),
        ("Javier Sicilia", "Police reform"),
        ("Alejandro Martí", "Anti-kidnapping legislation"),
    ],
)
def test_chapter_paths_from_actors_to_programs_and_reforms(
    chapter: CivicGraph, source: str, target: str
) -> None:
    found = chapter.path(source, target)
    check_path_shape(found, chapter.resolve(source).id, chapter.resolve(target).id)
