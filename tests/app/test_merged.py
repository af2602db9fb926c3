"""The explorer follows a merged id: `profile?entity=OLD` shows the kept entity, saying so."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from civicgraph.cli.app import app
from tests.app.conftest import OpenPage
from tests.app.test_pages import shown, unescaped
from tests.merging import KEPT, OLD, judged, with_duplicate


@pytest.fixture(scope="module")
def merged_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("merged-explorer")
    data = with_duplicate(root / "data")
    judged(data, f"- same: [{OLD}, {KEPT}]\n")
    result = CliRunner().invoke(app, ["build", "--data", str(data), "--store", str(root / "s")])
    assert result.exit_code == 0, result.stderr
    return root / "s"


def test_a_merged_id_opens_the_kept_profile_with_a_note(
    merged_store: Path, open_page: OpenPage
) -> None:
    at = open_page(merged_store, "profile", entity=OLD)
    assert at.title[0].value == "Ana Ruiz"
    assert [unescaped(i.value) for i in at.info] == [
        f"'{OLD}' was merged into Ana Ruiz ({KEPT}); its links lead here."
    ]
    assert "No entity with id" not in shown(at)
    assert "Ana Ruiz founded the Clean Streets Network" in shown(at)  # its own quotes
    assert at.query_params["entity"] == KEPT


def test_other_pages_take_the_merged_id(merged_store: Path, open_page: OpenPage) -> None:
    at = open_page(merged_store, "paths", **{"from": OLD, "to": "police-reform"})
    assert "No entity with id" not in shown(at)
