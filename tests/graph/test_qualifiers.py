"""A relationship's review status, date basis and `concerning` reach every face that shows it:
the profile and path JSON, the CLI's lines and the evidence packet."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from civicgraph.api import CivicGraph
from civicgraph.cli.app import app
from civicgraph.config import Settings
from civicgraph.errors import DataError
from civicgraph.store.builder import build
from tests.conftest import MINI


def edited_mini(root: Path) -> Path:
    data = root / "data"
    shutil.copytree(MINI, data)
    links = data / "relationships" / "links.yaml"
    text = links.read_text(encoding="utf-8")
    # "…founded the Clean Streets Network in 2010 in Villa Verde": placed in 2010, not begun
    text = text.replace(
        "  object: villa-verde\n  status: alleged\n",
        '  object: villa-verde\n  start: "2010"\n  date_basis: within\n  status: alleged\n',
    )
    text = text.replace(  # a plumbing check: the fixture's text does not say this
        '  object: clean-streets-network\n  sources:\n    - "The Civic Fund',
        "  object: clean-streets-network\n  concerning: safe-towns-program\n"
        '  review: checked\n  sources:\n    - "The Civic Fund',
    )
    links.write_text(text, encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def qualified(tmp_path_factory: pytest.TempPathFactory) -> CivicGraph:
    root = tmp_path_factory.mktemp("qualified")
    settings = Settings.resolve(data_dir=edited_mini(root), store_dir=root / "store", env={})
    build(settings)
    return CivicGraph(settings)


def test_the_profile_carries_review_date_basis_and_concerning(qualified: CivicGraph) -> None:
    relations = {r["id"]: r for r in qualified.entity("clean-streets-network")["relations"]}
    funded = relations["civic-fund--funds--clean-streets-network"]
    assert funded["review"] == "checked"
    assert funded["concerning"] == {"id": "safe-towns-program", "label": "Safe Towns Program"}
    placed = relations["clean-streets-network--operatesIn--villa-verde--2010"]
    assert (placed["start"], placed["date_basis"], placed["review"]) == (
        "2010",
        "within",
        "unreviewed",
    )
    founded = relations["ana-ruiz--founded--clean-streets-network--2010"]
    assert (founded["date_basis"], founded["concerning"]) == ("stated", None)
    assert relations["clean-streets-network--demands--police-reform"]["date_basis"] is None


def test_paths_and_the_evidence_packet_say_them(qualified: CivicGraph) -> None:
    found = qualified.path("Civic Fund", "Villa Verde")
    first, second = found["paths"][0]["hops"]
    assert (first["review"], first["concerning"]["id"]) == ("checked", "safe-towns-program")
    assert (second["date_basis"], second["review"]) == ("within", "unreviewed")
    text = qualified.evidence(found)
    assert "1. Civic Fund funds Clean Streets Network, concerning Safe Towns Program.[^1]" in text
    assert (
        "2. Clean Streets Network operates in Villa Verde (in 2010, the period the text gives;"
        " not said to begin or end then) [alleged] [not yet read a second time against the"
        " source].[^2]"
    ) in text


def test_the_cli_lines_say_them(qualified: CivicGraph) -> None:
    store = str(qualified.settings.store_dir)
    shown = CliRunner().invoke(app, ["entity", "clean-streets-network", "--store", store])
    assert shown.exit_code == 0, shown.output
    assert "←funds— Civic Fund, concerning Safe Towns Program (reported, checked)" in shown.output
    assert "—operatesIn→ Villa Verde [in 2010] (alleged, unreviewed)" in shown.output


def test_a_date_basis_without_a_date_is_refused(tmp_path: Path) -> None:
    data = edited_mini(tmp_path)
    links = data / "relationships" / "links.yaml"
    links.write_text(
        links.read_text(encoding="utf-8").replace('  start: "2010"\n  date_basis', "  date_basis"),
        encoding="utf-8",
    )
    with pytest.raises(DataError) as raised:
        build(Settings.resolve(data_dir=data, store_dir=tmp_path / "store", env={}))
    assert "date_basis 'within' without a start or end" in str(raised.value)
