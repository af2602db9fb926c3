"""The Curate page: only with `explore --curate` on loopback; its buttons write as `review`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from streamlit import config
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from civicgraph.cli.app import app
from civicgraph.cli.explore import served_address
from tests.app.conftest import APP
from tests.cli.test_review import DOCUMENT, SOURCE, TEXT, mention
from tests.cli.test_source_add import files_under
from tests.conftest import FIXTURES

runner = CliRunner()


@pytest.fixture
def curated(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The mini data with the test text suggested, the explorer's environment pointing at
    it, and Streamlit's address set to loopback as `explore` sets it; yields the queue."""
    for args in (
        ["source", "add", str(FIXTURES / "sources" / DOCUMENT), "--id", SOURCE, "--data", "data"],
        ["build", "--data", "data", "--store", "store"],
        ["suggest", SOURCE, "--store", "store"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.stderr
    monkeypatch.setenv("CIVICGRAPH_STORE", str(workdir / "store"))
    monkeypatch.setenv("CIVICGRAPH_DATA", str(workdir / "data"))
    monkeypatch.delenv("CIVICGRAPH_CURATE", raising=False)
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    try:
        yield yaml.safe_load((workdir / "data" / "review" / f"{SOURCE}.yaml").read_text())
    finally:
        config.set_option("server.address", before)


def home() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def curate_page() -> AppTest:
    at = home().switch_page("pages/curate.py")
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_page_is_absent_without_curate(curated: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="registered"):
        home().switch_page("pages/curate.py")
    # run on its own (as a stale link would), the page refuses and writes nothing
    at = AppTest.from_file(str(APP), default_timeout=60).switch_page("pages/curate.py")
    at.run()
    assert at.error[0].value.startswith("Curating writes to data/: run `civicgraph")
    assert not at.button


def test_accepting_and_rejecting_write_the_records(
    curated: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CIVICGRAPH_CURATE", "1")
    at = curate_page()
    assert at.title[0].value == "Curate"
    csn = mention(curated, "CSN")
    at.button(key=f"top-{csn}").click().run()
    assert not at.exception, at.exception
    said = at.success[0].value.replace("\\", "")
    assert said.startswith(f"accepted {csn}: linked to clean-streets-network; alias 'CSN'")
    assert "run `civicgraph build`" in said
    groups = yaml.safe_load(Path("data/entities/groups.yaml").read_text(encoding="utf-8"))
    network = next(r for r in groups if r["id"] == "clean-streets-network")
    assert network["aliases"] == ["CSN"] and network["review"] == "unreviewed"
    cited = network["sources"][-1]
    assert cited["document"] == DOCUMENT
    assert TEXT[cited["start"] :].startswith(cited["quote"])
    marta = mention(curated, "Marta Quiroga")
    at.selectbox(key=f"type-{marta}").set_value("Person")
    at.button(key=f"new-{marta}").click().run()
    added = yaml.safe_load(Path(f"data/entities/{SOURCE}.yaml").read_text(encoding="utf-8"))
    assert [(r["id"], r["type"], r["label"]) for r in added] == [
        ("marta-quiroga", "Person", "Marta Quiroga")
    ]
    place = mention(curated, "Puerto Lindo")
    at.text_input(key=f"note-{place}").set_value("only a place")
    at.button(key=f"reject-{place}").click().run()
    queue = yaml.safe_load(Path(f"data/review/{SOURCE}.yaml").read_text(encoding="utf-8"))
    status = {f"{SOURCE}/{m['id']}": m["status"] for m in queue["mentions"]}
    assert (status[csn], status[marta], status[place]) == ("accepted", "accepted", "rejected")
    # the items done are no longer offered
    assert not [e for e in at.expander if csn.replace("-", "\\-") in e.label]
    # an error from the library is shown as one line, and nothing is written
    fund = mention(curated, "Civic Fund")
    before = files_under(Path("data"))
    at.text_input(key=f"label-{fund}").set_value("Ana Ruiz")
    at.button(key=f"new-{fund}").click().run()
    assert "an entity 'ana-ruiz' exists already" in at.error[0].value.replace("\\", "")
    assert files_under(Path("data")) == before


def test_explore_refuses_curate_off_loopback() -> None:
    assert served_address([]) == "127.0.0.1"
    assert served_address(["--server.address", "0.0.0.0"]) == "0.0.0.0"
    assert served_address(["--server.address=::1"]) == "::1"
    result = runner.invoke(app, ["explore", "--curate", "--server.address", "0.0.0.0"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        "error: --curate writes to data/, so the explorer must listen on loopback "
        "(127.0.0.1, localhost or ::1), not 0.0.0.0\n"
    )
