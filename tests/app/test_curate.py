"""The Curate page: only with `explore --curate` on loopback; its buttons write as `review`."""

from __future__ import annotations

import json
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
from tests.merging import KEPT, OLD, add_duplicate

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


def test_judging_two_entities_writes_resolutions_and_takes_a_merge_back(
    curated: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CIVICGRAPH_CURATE", "1")
    add_duplicate(Path("data"))
    at = curate_page()
    at.selectbox(key="judge-first").set_value(OLD)
    at.selectbox(key="judge-second").set_value(KEPT)
    at.text_input(key="judge-note").set_value("one person")
    at.button(key="judge").click().run()
    assert not at.exception, at.exception
    said = at.success[0].value.replace("\\", "")
    assert said.startswith(f"judged same: {OLD} and {KEPT} (same) in data/resolutions.yaml")
    judgements = yaml.safe_load(Path("data/resolutions.yaml").read_text(encoding="utf-8"))
    assert judgements == [{"same": [OLD, KEPT], "note": "one person"}]
    # the same as `review merge`: the build takes it, and the old id redirects
    assert runner.invoke(app, ["build", "--data", "data", "--store", "store"]).exit_code == 0
    shown = runner.invoke(app, ["entity", OLD, "--store", "store", "--json"])
    assert json.loads(shown.stdout)["id"] == KEPT
    # judging the pair again is refused, in one line, and nothing is written
    before = files_under(Path("data"))
    at.selectbox(key="judge-first").set_value(KEPT)
    at.selectbox(key="judge-second").set_value(OLD)
    at.radio(key="judge-verdict").set_value("different")
    at.button(key="judge").click().run()
    assert "are already judged same at" in at.error[0].value.replace("\\", "")
    assert files_under(Path("data")) == before
    at.button(key=f"unmerge-{OLD}").click().run()
    assert not at.exception, at.exception
    assert yaml.safe_load(Path("data/resolutions.yaml").read_text(encoding="utf-8")) is None
