"""Quotes are placed at exact code-point offsets, or refused with a reason."""

from __future__ import annotations

from pathlib import Path

from civicgraph.build.sources import Located, QuoteFinder, SourceDocument, load_sources
from tests.conftest import BUNDLED_DATA, MINI


def finder() -> QuoteFinder:
    documents, problems = load_sources(MINI / "sources")
    assert not problems
    return QuoteFinder(documents)


def test_unique_quote_is_located_at_its_offsets() -> None:
    where = finder().locate("Ana Ruiz founded")
    assert isinstance(where, Located)
    assert where.document.text[where.start : where.end] == "Ana Ruiz founded"


def test_missing_and_ambiguous_quotes_are_refused_with_reasons() -> None:
    quotes = finder()
    assert "not found verbatim" in str(quotes.locate("Ana Ruiz resigned"))
    assert "ambiguous: found" in str(quotes.locate("Clean Streets Network"))
    second = quotes.locate("Clean Streets Network", occurrence=2)
    assert isinstance(second, Located)
    assert "occurs" in str(quotes.locate("Clean Streets Network", occurrence=9))
    assert "unknown document" in str(quotes.locate("Ana", document="other.txt"))


def test_start_hint_must_be_exact() -> None:
    quotes = finder()
    where = quotes.locate("Ana Ruiz founded")
    assert isinstance(where, Located)
    assert isinstance(quotes.locate("Ana Ruiz founded", start=where.start), Located)
    assert "not at offset" in str(quotes.locate("Ana Ruiz founded", start=where.start + 1))


def test_offsets_are_code_points_not_bytes() -> None:
    doc = SourceDocument("d", "d.txt", "t", (), None, None, "0" * 64, "Ciudad Juárez — Tijuana")
    where = QuoteFinder([doc]).locate("Tijuana")
    assert isinstance(where, Located)
    assert (where.start, where.end) == (16, 23)


def test_bundled_source_is_the_published_text() -> None:
    documents, problems = load_sources(BUNDLED_DATA / "sources")
    assert not problems
    shared = Path(__file__).parents[3] / "shared" / "sources"
    for doc in documents:
        assert len(doc.sha256) == 64
        original = shared / doc.path
        if original.exists():  # the project's copy is byte for byte the shared one
            assert original.read_text(encoding="utf-8") == doc.text
