"""The name index kept as SQLite answers as the dict it replaces; a broken file is none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from civicgraph.store import kept_names
from civicgraph.store.kept_names import read_names_db, write_names_db

ROWS: list[kept_names.Row] = [
    ("ana-ruiz", "Ana Ruiz", None, ["Person"], ["Ruiz"]),
    ("civic-fund", "Civic Fund", "Fondo Cívico", ["InternationalDonor", "Organization"], []),
    ("ruiz-foundation", "Ruiz Foundation", None, ["Organization"], []),
]


def opened(tmp_path: Path) -> Any:
    path = tmp_path / "names.sqlite"
    write_names_db(path, ROWS, {"a-ruiz": "ana-ruiz"})
    kept = read_names_db(path, lambda row: row)
    assert kept is not None
    return kept


def test_lookups_walks_and_redirects_are_the_rows_written(tmp_path: Path) -> None:
    kept = opened(tmp_path)
    assert kept.redirects == {"a-ruiz": "ana-ruiz"}
    assert kept.entities["civic-fund"] == ROWS[1]
    assert "ana-ruiz" in kept.entities and "nobody" not in kept.entities
    assert kept.entities.get("nobody") is None
    with pytest.raises(KeyError):
        kept.entities["nobody"]
    # names are folded as the build folds them: case, accents and punctuation
    assert kept.by_name["fondo civico"] == {"civic-fund"}
    assert kept.by_name["ruiz"] == {"ana-ruiz"}
    assert dict(kept.entities) == {row[0]: row for row in ROWS}
    assert len(kept.by_name) == 5


def test_many_point_lookups_read_the_table_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kept_names, "POINT_LOOKUPS", 2)
    kept = opened(tmp_path)
    assert [kept.entities[row[0]] for row in ROWS] == ROWS
    assert kept.entities.loaded is not None  # the third lookup loaded the table


def test_the_names_alone_and_many_at_once_load_nothing_else(tmp_path: Path) -> None:
    kept = opened(tmp_path)
    assert sorted(iter(kept.by_name)) == [
        "ana ruiz", "civic fund", "fondo civico", "ruiz", "ruiz foundation",
    ]  # fmt: skip
    assert kept.by_name.many(["ruiz", "civic fund", "nobody"]) == {
        "ruiz": {"ana-ruiz"},
        "civic fund": {"civic-fund"},
    }
    assert kept.entities.many(["ana-ruiz", "nobody"]) == {"ana-ruiz": ROWS[0]}
    assert kept.by_name.loaded is None and kept.entities.loaded is None
    assert dict(kept.by_name.items())["ruiz foundation"] == {"ruiz-foundation"}
    assert kept.by_name.loaded is not None  # a walk of every value loads them
    assert kept.by_name.many(["ruiz"]) == {"ruiz": {"ana-ruiz"}}


def test_a_broken_file_is_no_index_and_a_read_only_build_keeps_none(tmp_path: Path) -> None:
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"not a database")
    assert read_names_db(broken, lambda row: row) is None
    assert read_names_db(tmp_path / "missing.sqlite", lambda row: row) is None
    write_names_db(tmp_path / "gone" / "names.sqlite", ROWS, {})  # no such directory
    assert not (tmp_path / "gone").exists()
