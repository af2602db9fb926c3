"""The explorer, driven through Streamlit's AppTest and as a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from civicgraph.config import REPO_DIR

APP = REPO_DIR / "app" / "Home.py"


def choose(at: AppTest, label: str) -> None:
    """Pick an entity in the sidebar by the label the user sees."""
    box = at.sidebar.selectbox[0]
    box.select_index(box.options.index(label)).run()


def app_for(store: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CIVICGRAPH_STORE", str(store))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_opens_on_the_chapter_with_a_profile(
    chapter_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_for(chapter_store, monkeypatch)
    assert at.title[0].value == "civicgraph explorer"
    assert at.subheader[0].value  # a profile is shown from the start
    at.sidebar.text_input[0].input("Sicilia").run()
    assert not at.exception
    assert at.sidebar.selectbox[0].value == "javier-sicilia"
    assert at.subheader[0].value == "Javier Sicilia"
    titles = [e.label for e in at.expander]
    assert any("Movement for Peace with Justice and Dignity" in t for t in titles)
    quotes = " ".join(m.value for m in at.markdown)
    assert "Movement for Peace with Justice and Dignity started by Javier Sicilia" in quotes
    assert at.query_params["entity"] == "javier-sicilia"  # the permalink


def test_unknown_name_warns(chapter_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app_for(chapter_store, monkeypatch)
    at.sidebar.text_input[0].input("zzzqqqxxx").run()
    assert not at.exception
    assert "No entity matches" in at.sidebar.warning[0].value


def test_markup_in_data_renders_as_text(mini_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app_for(mini_store, monkeypatch)
    choose(at, "<img src=x onerror=alert(1)>")
    assert not at.exception
    assert at.subheader[0].value == "<img src=x onerror=alert(1)>"  # shown as text
    for block in at.markdown:
        if "onerror" in block.value:
            assert "<img" not in block.value.replace("\\<img", ""), block.value
            assert not block.allow_html


def test_open_neighbour_from_profile(mini_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app_for(mini_store, monkeypatch)
    choose(at, "Ana Ruiz")
    at.button(key="open-ana-ruiz--founded--clean-streets-network--2010").click().run()
    assert not at.exception
    assert at.subheader[0].value == "Clean Streets Network"


def test_missing_store_shows_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIVICGRAPH_STORE", str(tmp_path / "none"))
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert "run `civicgraph build`" in at.error[0].value


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_explore_command_builds_and_serves(tmp_path: Path) -> None:
    """`civicgraph explore` on a fresh checkout: builds the bundled data, then serves the page."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICGRAPH_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "civicgraph.cli",
            "explore",
            "--port",
            str(port),
            "--store",
            str(tmp_path / "store"),
        ],
        cwd=REPO_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        body = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health") as reply:
                    body = reply.read().decode()
                    break
            except OSError:
                assert process.poll() is None, process.communicate()
                time.sleep(0.5)
        assert body == "ok"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as reply:
            assert reply.status == 200
        assert (tmp_path / "store" / "current").is_symlink()
    finally:
        process.terminate()
        _, err = process.communicate(timeout=30)
    assert f"http://localhost:{port}" in err
