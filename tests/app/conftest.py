"""Helpers for driving the explorer: AppTest on a page, and a real `civicgraph explore`."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from playwright.sync_api import Page, sync_playwright
from streamlit.testing.v1 import AppTest

from bench.chromium import ARGS, CHROMIUM
from civicgraph.config import REPO_DIR

APP = REPO_DIR / "app" / "Home.py"
UNESCAPED_TAG = re.compile(r"(?<!\\)<img")
OpenPage = Callable[..., AppTest]


@pytest.fixture
def explorer_module() -> Iterator[ModuleType]:
    """app/explorer.py, imported the way the pages import it (AppTest runs the pages in this
    process, so they share it)."""
    sys.path.insert(0, str(REPO_DIR / "app"))
    try:
        import explorer

        yield explorer
    finally:
        sys.path.remove(str(REPO_DIR / "app"))


@pytest.fixture
def open_page(monkeypatch: pytest.MonkeyPatch) -> OpenPage:
    """Return a function that runs one page of the explorer on a store, with query params."""

    def run(store: Path, page: str | None = None, **params: str) -> AppTest:
        monkeypatch.setenv("CIVICGRAPH_STORE", str(store))
        at = AppTest.from_file(str(APP), default_timeout=60)
        if page is not None:
            at.switch_page(f"pages/{page}.py")
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, at.exception
        return at

    return run


def walk(node: Any) -> Iterator[Any]:
    """Every element and block under a node of the AppTest tree."""
    yield node
    children = getattr(node, "children", None) or {}
    for child in children.values():
        yield from walk(child)


def texts(at: AppTest) -> Iterator[tuple[str, str, Any]]:
    """Every text an element shows: (element type, text, element)."""
    for node in walk(at._tree):
        proto = getattr(node, "proto", None)
        for name in ("value", "label", "body"):
            text = getattr(node, name, None)
            if isinstance(text, str):
                yield node.type, text, node
        if proto is not None and hasattr(proto, "srcdoc"):
            yield "iframe", proto.srcdoc, node


def assert_markup_is_text(at: AppTest) -> int:
    """Fail if data markup reaches any element unescaped; return how many showed it."""
    seen = 0
    for kind, text, node in texts(at):
        if "onerror" not in text:
            continue
        seen += 1
        if kind == "iframe":
            assert "<img src=x" not in text, "raw markup inside the network page"
            continue
        assert not UNESCAPED_TAG.search(text), f"{kind} shows markup: {text!r}"
        assert not getattr(node, "allow_html", False), f"{kind} allows HTML: {text!r}"
    return seen


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Explorer:
    """A `civicgraph explore` process serving a store on a free local port."""

    def __init__(self, store: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICGRAPH_")}
        env.pop("DISPLAY", None)
        env.pop("WAYLAND_DISPLAY", None)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "civicgraph.cli.app",
                "explore",
                "--port",
                str(self.port),
                "--store",
                str(store),
            ],
            cwd=REPO_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}_stcore/health") as reply:
                    if reply.read().decode() == "ok":
                        return
            except OSError:
                assert self.process.poll() is None, self.process.communicate()
                time.sleep(0.3)
        raise AssertionError("the explorer did not start")

    def stop(self) -> str:
        """Stop the server; return what it wrote on stderr."""
        self.process.terminate()
        _, err = self.process.communicate(timeout=30)
        return err


@pytest.fixture
def explorer() -> Iterator[Callable[[Path], Explorer]]:
    """Start `civicgraph explore` on a store; every server started is stopped afterwards."""
    started: list[Explorer] = []

    def start(store: Path) -> Explorer:
        server = Explorer(store)
        started.append(server)
        server.wait()
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            server.stop()


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        yield tab
        browser.close()
        assert not errors, errors  # no script error in the page or its frames


def settle(page: Page) -> None:
    """Wait until the app has finished running its script, then check it raised nothing."""
    time.sleep(0.4)  # a widget change starts a rerun a moment later
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=60_000)
    exceptions = page.locator("[data-testid=stException]")
    assert exceptions.count() == 0, exceptions.first.inner_text()
