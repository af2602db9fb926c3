"""The FollowTheMoney exports read back with the followthemoney library itself."""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict

import pytest
from followthemoney import model as ftm_model
from followthemoney.dataset import Dataset
from followthemoney.proxy import EntityProxy
from followthemoney.statement import StatementEntity, read_statements

from civicgraph.api import CivicGraph
from civicgraph.graph.ftm import DATASET, entity_id
from tests.conftest import BUNDLED_DATA


def exported(graph: CivicGraph, fmt: str) -> bytes:
    sink = io.BytesIO()
    graph.export(fmt, sink)
    return sink.getvalue()


def ftm_export(graph: CivicGraph) -> dict[str, EntityProxy]:
    entities: dict[str, EntityProxy] = {}
    for line in exported(graph, "ftm").decode("utf-8").splitlines():
        data = json.loads(line)
        assert ftm_model.get(data["schema"]).validate(data) is None, data
        proxy = ftm_model.get_proxy(data, cleaned=False)
        assert proxy.id not in entities
        entities[proxy.id] = proxy
    return entities


def left_out(graph: CivicGraph) -> set[str]:
    """The entities the documented exclusion leaves out: concepts (FtM has no such thing)."""
    concepts = graph.model.subtypes("Concept")
    return {n for n, d in graph.projection.nodes(data=True) if concepts & set(d["types"])}


@pytest.mark.parametrize("fixture", ["mini", "chapter"])
def test_every_entity_is_valid_and_every_relationship_is_proved(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    graph: CivicGraph = request.getfixturevalue(fixture)
    entities = ftm_export(graph)
    links = {i: e for i, e in entities.items() if e.schema.edge}
    excluded = left_out(graph)
    expected = [
        key
        for s, t, key in graph.projection.edges(keys=True)
        if s not in excluded and t not in excluded
    ]
    assert sorted(links) == sorted(entity_id(key) for key in expected)
    assert sum(graph.stats()["relationships"].values()) - len(expected) == sum(
        1 for s, t in graph.projection.edges() if s in excluded or t in excluded
    )
    for link in links.values():
        proofs = link.get("proof")
        assert proofs and all(entities[p].schema.name == "Document" for p in proofs)
        assert link.get("description"), link.id
        for prop in (link.schema.edge_source, link.schema.edge_target):
            assert all(ref in entities for ref in link.get(prop))
    nodes = [n for n in graph.projection if n not in excluded]
    assert {entity_id(n) for n in nodes} <= set(entities)


def test_every_quote_is_verbatim_at_its_offsets_in_its_proof(chapter: CivicGraph) -> None:
    entities = ftm_export(chapter)
    cited = re.compile(
        r"^“(?P<quote>.*)” \((?P<doc>[^,]+), #char=(?P<start>\d+),(?P<end>\d+)\)$", re.S
    )
    checked = 0
    for link in (e for e in entities.values() if e.schema.edge):
        proofs = set(link.get("proof"))
        for text in link.get("description"):
            match = cited.match(text)
            assert match, text
            document = entities[entity_id(match["doc"])]
            assert document.id in proofs
            source = (BUNDLED_DATA / "sources" / document.first("fileName")).read_text(
                encoding="utf-8"
            )
            assert source[int(match["start"]) : int(match["end"])] == match["quote"]
            checked += 1
    assert checked >= len([e for e in entities.values() if e.schema.edge])


def test_dates_only_where_the_text_states_them(chapter: CivicGraph) -> None:
    entities = ftm_export(chapter)
    within = stated = 0
    for _, _, key, data in chapter.projection.edges(keys=True, data=True):
        link = entities.get(entity_id(key))
        if link is None or not (data.get("start") or data.get("end")):
            continue
        if data.get("date_basis") == "within":
            within += 1
            assert not link.get("startDate") and not link.get("endDate")
            assert link.get("date")
        else:
            stated += 1
            assert link.get("startDate") == ([data["start"]] if data.get("start") else [])
    assert stated and within


def test_actors_get_the_mapped_schemata(chapter: CivicGraph) -> None:
    entities = ftm_export(chapter)
    for slug, data in chapter.projection.nodes(data=True):
        proxy = entities.get(entity_id(slug))
        if "Person" in data["types"]:
            assert proxy is not None and proxy.schema.name == "Person"
        if "GovernmentAgency" in data["types"]:
            assert proxy is not None and proxy.schema.name == "PublicBody"
        if "Program" in data["types"]:
            assert proxy is not None and proxy.schema.name == "Project"


def test_export_is_deterministic(mini: CivicGraph) -> None:
    assert exported(mini, "ftm") == exported(mini, "ftm")


@pytest.mark.parametrize("fixture", ["mini", "chapter"])
def test_statements_aggregate_to_the_same_entities(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    graph: CivicGraph = request.getfixturevalue(fixture)
    entities = ftm_export(graph)
    grouped = defaultdict(list)
    for stmt in read_statements(io.BytesIO(exported(graph, "ftm-statements")), "csv"):
        assert stmt.dataset == DATASET and stmt.origin
        grouped[stmt.canonical_id].append(stmt)
    dataset = Dataset.make({"name": DATASET, "title": "civicgraph"})
    again = {i: StatementEntity.from_statements(dataset, s) for i, s in grouped.items()}
    assert set(again) == set(entities)
    for entity_key, proxy in entities.items():
        back = again[entity_key]
        assert back.schema == proxy.schema
        assert {p: sorted(v) for p, v in back.properties.items()} == {
            p: sorted(v) for p, v in proxy.properties.items()
        }
