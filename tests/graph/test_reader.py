"""The source reader: every cited span with the facts citing it, read a window at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicgraph.api import CivicGraph
from civicgraph.config import REPO_DIR
from civicgraph.errors import NotFoundError, StoreError
from civicgraph.graph.reader import (
    Span,
    document_node,
    document_spans,
    kept_spans,
    loaded_spans,
    reading,
    source_text,
)

CHAPTER = "building-resilient-communities-intro.txt"
SOURCES = [REPO_DIR / "data" / "sources", Path(__file__).parents[1] / "fixtures/mini/sources"]


def spans_of(graph: CivicGraph, document: str) -> tuple[str, list[Span]]:
    return document_spans(graph.store, graph.names, SOURCES, document)


def test_every_span_is_its_quote_and_names_the_facts_citing_it(chapter: CivicGraph) -> None:
    text, spans = spans_of(chapter, CHAPTER)
    assert spans and all(text[s.start : s.end] == s.quote for s in spans)
    assert all(s.facts for s in spans)  # a span nobody cites is not a span
    kinds = {f["kind"] for s in spans for f in s.facts}
    assert kinds == {"entity", "relationship", "observation"}
    by_offsets = {(s.start, s.end): s for s in spans}
    profile = chapter.entity("javier-sicilia")
    for relation in profile["relations"]:
        for source in relation["sources"]:
            span = by_offsets[(source["char_start"], source["char_end"])]
            cited = [f for f in span.facts if f["id"] == relation["id"]]
            assert [f["kind"] for f in cited] == ["relationship"]
            assert "javier-sicilia" in {e["id"] for e in cited[0]["entities"]}


def test_observation_and_entity_facts_name_their_entities(mini: CivicGraph) -> None:
    _, spans = spans_of(mini, "mini.txt")
    facts = [f for s in spans for f in s.facts]
    observation = next(f for f in facts if f["kind"] == "observation")
    assert observation["entities"] and observation["value"] is not None
    assert set(observation["dimensions"].values()) == {e["id"] for e in observation["entities"]}
    entity = next(f for f in facts if f["kind"] == "entity")
    assert entity["entities"][0]["id"] == entity["id"]


def test_a_reading_is_the_window_cut_at_every_span_boundary(chapter: CivicGraph) -> None:
    text, spans = spans_of(chapter, CHAPTER)
    target = spans[len(spans) // 2]
    read = reading(text, spans, at=target.start, end=target.end)
    window = read["window"]
    assert window["start"] <= target.start < window["end"]
    assert window["end"] - window["start"] < 6_000  # never the whole text
    segments = read["segments"]
    assert "".join(s["text"] for s in segments) == text[window["start"] : window["end"]]
    for segment in segments:
        for index in segment["spans"]:
            span = read["spans"][index]
            assert span["start"] <= segment["start"] and segment["end"] <= span["end"]
        lengths = [read["spans"][i]["end"] - read["spans"][i]["start"] for i in segment["spans"]]
        assert lengths == sorted(lengths)  # innermost first
    marked = [read["spans"][i] for i in read["marked"]]
    assert [(s["start"], s["end"]) for s in marked] == [(target.start, target.end)]
    # without an end, every quote starting there is marked
    loose = reading(text, spans, at=target.start)
    assert all(read["spans"][i]["start"] == target.start for i in read["marked"])
    assert len(loose["marked"]) >= 1


def test_next_windows_walk_the_whole_text_and_previous_goes_back(chapter: CivicGraph) -> None:
    text, spans = spans_of(chapter, CHAPTER)
    pieces, start, windows = [], 0, []
    while start is not None:
        read = reading(text, spans, start=start)
        assert read["window"]["start"] == start
        pieces.append(text[read["window"]["start"] : read["window"]["end"]])
        windows.append(read)
        start = read["next"]
    assert "".join(pieces) == text and len(windows) > 5
    assert windows[0]["previous"] is None
    later = windows[3]
    back = reading(text, spans, start=later["previous"])
    assert back["window"]["start"] < later["window"]["start"] <= back["window"]["end"]


def test_the_api_reads_a_window_of_the_text_it_was_built_from(chapter: CivicGraph) -> None:
    read = chapter.read_source(CHAPTER, at=144, end=210)
    assert read["document"] == CHAPTER and read["window"]["start"] == 0
    assert [read["spans"][i]["quote"] for i in read["marked"]] == [
        "Mexico has suffered a severe security crisis over the last decade."
    ]


def test_an_unknown_document_is_not_found_and_a_changed_text_is_refused(
    mini: CivicGraph, tmp_path: Path
) -> None:
    with pytest.raises(NotFoundError) as found:
        spans_of(mini, "mini.tx")
    assert "mini.txt" in found.value.suggestions
    (tmp_path / "mini.txt").write_text("another text", encoding="utf-8")
    with pytest.raises(StoreError):
        source_text([tmp_path], "mini.txt", "0" * 64)


@pytest.mark.parametrize(("fixture", "document"), [("chapter", CHAPTER), ("mini", "mini.txt")])
def test_spans_from_the_kept_files_are_the_stores(
    fixture: str, document: str, request: pytest.FixtureRequest
) -> None:
    graph: CivicGraph = request.getfixturevalue(fixture)
    kept = kept_spans(graph.loaded, document, document_node(graph.store, document)[0])
    assert kept is not None
    assert [s.as_dict() for s in kept] == [s.as_dict() for s in spans_of(graph, document)[1]]


def test_without_kept_citations_the_reader_reads_the_store(
    mini_store: Path, tmp_path: Path
) -> None:
    import shutil

    from civicgraph.store.kept import citations_file

    copy = tmp_path / "store"
    shutil.copytree(mini_store, copy, symlinks=True)
    graph = CivicGraph.open(copy)
    citations_file(graph.loaded.build.directory, graph.loaded.build.ontology_dir).unlink()
    node = document_node(graph.store, "mini.txt")[0]
    assert kept_spans(graph.loaded, "mini.txt", node) is None
    text, spans = loaded_spans(graph.loaded, SOURCES, "mini.txt")
    assert spans and all(text[s.start : s.end] == s.quote for s in spans)
