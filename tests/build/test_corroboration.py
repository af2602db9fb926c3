"""A claim quoted from documents of two different publishers is confirmed, unless its record
states a status; one publisher, or an unknown one, confirms nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicgraph.build.corroboration import corroborated_status, publishers
from civicgraph.build.records import Records
from tests.conftest import BUNDLED_DATA, MINI
from tests.two_sources import FUNDS, read, two_sources


def statuses(records: Records) -> dict[str, str]:
    return {r.id: r.status for r in records.relationships}


def test_quotes_from_two_publishers_confirm_a_claim(tmp_path: Path) -> None:
    records = read(two_sources(tmp_path / "data"))
    funds = next(r for r in records.relationships if r.id == FUNDS)
    assert funds.status == "confirmed"
    assert {c.where.document.path for c in funds.citations} == {"mini.txt", "second.txt"}
    assert publishers(funds.citations) == {"test press", "second press"}
    # a claim quoted from one document keeps the default; a stated status is kept
    others = {k: v for k, v in statuses(records).items() if k != FUNDS}
    assert set(others.values()) == {"reported", "alleged"}


@pytest.mark.parametrize("stated", ["alleged", "disputed", "reported"])
def test_a_stated_status_wins_over_corroboration(tmp_path: Path, stated: str) -> None:
    records = read(two_sources(tmp_path / "data", funds_status=stated))
    assert statuses(records)[FUNDS] == stated


@pytest.mark.parametrize("publisher", ["TEST PRESS.", "Test  Press", None])
def test_one_publisher_or_an_unknown_one_confirms_nothing(
    tmp_path: Path, publisher: str | None
) -> None:
    """Publishers compare folded (case, punctuation); a document without one is not counted."""
    records = read(two_sources(tmp_path / "data", publisher=publisher))
    assert statuses(records)[FUNDS] == "reported"
    assert "confirmed" not in statuses(records).values()


def test_corroborated_status_of_no_citations_is_the_default() -> None:
    assert corroborated_status([]) == "reported"


def test_the_mini_and_bundled_data_confirm_nothing() -> None:
    for data_dir in (MINI, BUNDLED_DATA):
        records = read(data_dir)
        assert "confirmed" not in statuses(records).values()
        assert all(o.status != "confirmed" for o in records.observations)
