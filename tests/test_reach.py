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
