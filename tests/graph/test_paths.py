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


def test_time_consistent_paths_respect_dates(timeline: CivicGraph) -> None:
    every = timeline.path("Alpha Foundation", "Gamma Reform")
    assert len(every["paths"]) == 2
    consistent = timeline.path("Alpha Foundation", "Gamma Reform", time_consistent=True)
    assert [h["to"]["id"] for h in consistent["paths"][0]["hops"]] == [
        "delta-league",
        "gamma-reform",
    ]
    assert len(consistent["paths"]) == 1


def test_status_filter_and_confirmed_only(timeline: CivicGraph) -> None:
    reported = timeline.path(
        "Alpha Foundation", "Gamma Reform", keep=timeline.keep(statuses=["reported"])
    )
    assert len(reported["paths"]) == 1
    assert all(h["status"] == "reported" for h in reported["paths"][0]["hops"])
    with pytest.raises(NotFoundError):
        timeline.path(
            "Alpha Foundation", "Gamma Reform", keep=timeline.keep(statuses=["confirmed"])
        )


def test_time_filters_keep_relationships_valid_then(timeline: CivicGraph) -> None:
    in_2011 = timeline.path("Alpha Foundation", "Gamma Reform", keep=timeline.keep(at=2011))
    assert [h["to"]["id"] for h in in_2011["paths"][0]["hops"]] == ["delta-league", "gamma-reform"]
    with pytest.raises(NotFoundError):
        timeline.path("Alpha Foundation", "Beta Collective", keep=timeline.keep(at=2012))
    early = timeline.keep(between=(2008, 2009))
    assert timeline.path("Alpha Foundation", "Delta League", keep=early)["paths"]
    with pytest.raises(UsageError):
        timeline.keep(between=(2012, 2010))
    with pytest.raises(UsageError):
        timeline.keep(relations=["admires"])


def test_context_entities_are_not_stepped_through_unless_asked(timeline: CivicGraph) -> None:
    plain = timeline.path("Beta Collective", "Delta League", k=5)
    middles = {h["to"]["id"] for p in plain["paths"] for h in p["hops"][:-1]}
    assert "omega-town" not in middles
    wide = timeline.path("Beta Collective", "Delta League", k=5, through_context=True)
    middles = {h["to"]["id"] for p in wide["paths"] for h in p["hops"][:-1]}
    assert "omega-town" in middles
    # a contextual entity can still be an end of a path
    assert timeline.path("Alpha Foundation", "Omega Town")["paths"][0]["length"] == 2


def test_via_and_avoid(timeline: CivicGraph) -> None:
    via = timeline.path("Alpha Foundation", "Gamma Reform", via="Movement")
    assert all(any(h["to"]["id"] == "beta-collective" for h in p["hops"]) for p in via["paths"])
    avoided = timeline.path("Alpha Foundation", "Gamma Reform", avoid=["Delta League"])
    assert all(h["to"]["id"] != "delta-league" for p in avoided["paths"] for h in p["hops"])
    with pytest.raises(UsageError):
        timeline.path("Alpha Foundation", "Gamma Reform", avoid=["gamma-reform"])


def test_evidence_packet_numbers_sentences_and_footnotes_quotes(timeline: CivicGraph) -> None:
    found = timeline.path("Alpha Foundation", "Gamma Reform")
    text = timeline.evidence(found)
    assert text.startswith("# How Alpha Foundation connects to Gamma Reform")
    assert "1. Alpha Foundation funds Beta Collective (from 2015).[^1]" in text
    assert "1. Alpha Foundation supports Delta League (2009 to 2011) [alleged].[^3]" in text
    # the one relationship of the fixture that is not marked checked says so
    assert (
        "2. Delta League demands Gamma Reform (from 2010)"
        " [not yet read a second time against the source].[^4]"
    ) in text
    assert (
        "[^1]: “The Alpha Foundation funded the Beta Collective from 2015” — Test Author "
        "(2021). A timeline for path tests. (timeline.txt, characters 27–84)"
    ) in text


@pytest.mark.parametrize(
    ("actor", "reform"),
    [
        ("Javier Sicilia", "police-reform"),
        ("Javier Sicilia", "judicial-reform"),
        ("Alejandro Martí", "police-reform"),
        ("Alejandro Martí", "anti-kidnapping-legislation"),
        ("Isabel Miranda de Wallace", "judicial-reform"),
        ("Isabel Miranda de Wallace", "prosecutorial-reform"),
        ("USAID", "judicial-reform"),
        ("Carlos Pascual", "merida-pillar-iv"),
    ],
)
def test_civic_actors_reach_the_reforms_they_demanded(
    chapter: CivicGraph, actor: str, reform: str
) -> None:
    found = chapter.path(actor, reform)
    check_path_shape(found, chapter.resolve(actor).id, reform)
    contextual = chapter.views.contextual
    for path in found["paths"]:
        for hop in path["hops"][:-1]:
            assert hop["to"]["id"] not in contextual, hop  # no shortcut through places or works


def test_paths_rank_by_evidence_not_detours(chapter: CivicGraph) -> None:
    """Javier Sicilia → Judicial reform once took a third path Police reform → Government of
    Mexico → Judicial reform (reform → government → reform); among paths of one length, one
    that passes through a reform only on its last step before the target comes first."""
    found = chapter.path("Javier Sicilia", "judicial-reform", k=3)
    chains = [[h["to"]["id"] for h in p["hops"]] for p in found["paths"]]
    assert not [c for c in chains if c[-3:] == ["police-reform", "government-of-mexico", c[-1]]]
    assert [p["length"] for p in found["paths"]] == [3, 4, 5]
    for path in found["paths"]:
        weakest = path["weakest"]
        assert path["hops"][weakest["step"] - 1]["relationship"] == weakest["relationship"]


def test_the_weakest_hop_is_the_alleged_one(timeline: CivicGraph) -> None:
    found = timeline.path("Alpha Foundation", "Delta League")
    (path,) = [p for p in found["paths"] if p["length"] == 1]
    assert path["weakest"] == {
        "step": 1,
        "relationship": "alpha-foundation--supports--delta-league--2009",
        "why": "alleged",
    }


def test_a_status_filter_that_finds_nothing_says_why(chapter: CivicGraph) -> None:
    with pytest.raises(NotFoundError, match=r"no relationship in the graph is confirmed"):
        chapter.path("Javier Sicilia", "judicial-reform", keep=chapter.keep(statuses=["confirmed"]))
    with pytest.raises(NotFoundError, match=r"only alleged hops"):
        chapter.path("Javier Sicilia", "judicial-reform", keep=chapter.keep(statuses=["alleged"]))


def test_the_evidence_packet_cites_each_span_once(chapter: CivicGraph) -> None:
    found = chapter.path("Javier Sicilia", "judicial-reform", k=3)
    spans = {
        (s["document"], s["char_start"], s["char_end"])
        for p in found["paths"]
        for h in p["hops"]
        for s in h["sources"]
    }
    text = chapter.evidence(found)
    notes = [line for line in text.splitlines() if line.startswith("[^")]
    assert (
        len(notes) == len(spans) < sum(len(h["sources"]) for p in found["paths"] for h in p["hops"])
    )
