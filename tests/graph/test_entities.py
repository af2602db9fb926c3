"""Names resolve as people type them; profiles have the contract's shape and citations."""

from __future__ import annotations

import pytest

from civicgraph.api import CivicGraph
from civicgraph.errors import NotFoundError

PROFILE_KEYS = {
    "id",
    "iri",
    "label",
    "label_es",
    "types",
    "aliases",
    "description",
    "relations",
    "observations",
    "sources",
}
RELATION_KEYS = {
    "id",
    "predicate",
    "direction",
    "other",
    "role",
    "start",
    "end",
    "status",
    "review",
    "date_basis",
    "concerning",
    "sources",
}
SOURCE_KEYS = {"document", "quote", "char_start", "char_end"}


@pytest.mark.parametrize("name", ["Ana Ruiz", "ana ruiz", "ANA RUÍZ", "Ruiz", "ana-ruiz"])
def test_names_match_labels_and_aliases_ignoring_case_and_accents(
    mini: CivicGraph, name: str
) -> None:
    assert mini.resolve(name).id == "ana-ruiz"


def test_spanish_label_resolves(mini: CivicGraph) -> None:
    assert mini.resolve("Red Calles Limpias").id == "clean-streets-network"


def test_miss_suggests_close_names(mini: CivicGraph) -> None:
    with pytest.raises(NotFoundError) as caught:
        mini.resolve("Ana Ruis")
    assert any("Ana Ruiz" in s for s in caught.value.suggestions)


def test_profile_has_the_contract_shape(mini: CivicGraph) -> None:
    profile = mini.entity("Clean Streets Network")
    assert set(profile) == PROFILE_KEYS
    assert profile["iri"] == "https://w3id.org/civicgraph/id/clean-streets-network"
    assert profile["label_es"] == "Red Calles Limpias"
    assert profile["types"] == ["CivilSocietyOrganization"]
    for relation in profile["relations"]:
        assert set(relation) == RELATION_KEYS
        assert relation["sources"], relation
        for source in relation["sources"]:
            assert set(source) == SOURCE_KEYS
    founded = next(r for r in profile["relations"] if r["predicate"] == "founded")
    assert founded["direction"] == "in"
    assert founded["other"] == {"id": "ana-ruiz", "label": "Ana Ruiz", "types": ["Person"]}
    assert founded["start"] == "2010"
    alleged = next(r for r in profile["relations"] if r["predicate"] == "operatesIn")
    assert alleged["status"] == "alleged"


def test_observations_appear_on_every_dimension(mini: CivicGraph) -> None:
    for name in ("villa-verde", "table-a"):
        observations = mini.entity(name)["observations"]
        assert sorted(o["value"] for o in observations) == [987, 1204]
        first = observations[0]
        assert first["dimensions"] == {"place": "villa-verde", "dataset": "table-a"}
        assert first["unit"] == "count" and first["sources"]


def test_search_ranks_exact_names_first(mini: CivicGraph) -> None:
    results = mini.search("clean streets")
    assert results[0]["id"] == "clean-streets-network"
    assert mini.search("clean", type_="Person") == []
    assert [r["id"] for r in mini.search("fund", type_="Organization")] == ["civic-fund"]


def test_chapter_profile_of_javier_sicilia_shows_his_movement(chapter: CivicGraph) -> None:
    profile = chapter.entity("Javier Sicilia")
    movements = [r for r in profile["relations"] if "Movement" in r["other"]["types"]]
    assert any(r["other"]["id"] == "movement-for-peace-with-justice-and-dignity" for r in movements)
    assert all(r["sources"] and r["sources"][0]["quote"] for r in movements)


def test_the_fuzzy_bound_never_drops_a_name_difflib_would_keep(chapter: CivicGraph) -> None:
    """`search` compares character by character only the names rapidfuzz finds within
    reach; its answers are those of comparing every name."""
    import difflib
    import random

    from rapidfuzz import fuzz

    from civicgraph.graph import entities

    names = sorted(chapter.names.by_name)
    chosen = random.Random(5)
    for _ in range(2_000):  # difflib's ratio is never above rapidfuzz's
        a, b = chosen.sample(names, 2)
        assert difflib.SequenceMatcher(None, a, b).ratio() <= fuzz.ratio(a, b) / 100 + 1e-9
    queries = [q for name in chosen.sample(names, 60) for q in (name, name[1:-1], name[:6] + "q")]
    found = [chapter.names.search(q) for q in queries]
    every = entities._near
    try:
        entities._near = lambda key, names: set(names)  # type: ignore[assignment]
        assert [chapter.names.search(q) for q in queries] == found
    finally:
        entities._near = every
    assert sum(len(f) for f in found) > len(queries)  # fuzzy answers, not only exact ones
