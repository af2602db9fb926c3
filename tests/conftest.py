"""Shared fixtures: the bundled chapter graph (built once) and a hand-written mini dataset."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from civicgraph.api import CivicGraph
from civicgraph.config import REPO_DIR, Settings
from civicgraph.store.builder import build

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
TIMELINE = FIXTURES / "timeline"
BUNDLED_DATA = REPO_DIR / "data"


def built_store(tmp_path_factory: pytest.TempPathFactory, data_dir: Path, name: str) -> Path:
    """Build `data_dir` into a fresh store under the session's temporary directory."""
    store_dir = tmp_path_factory.mktemp(name) / "store"
    build(Settings.resolve(data_dir=data_dir, store_dir=store_dir, env={}))
    return store_dir


def opened(store_dir: Path) -> CivicGraph:
    return CivicGraph(Settings.resolve(store_dir=store_dir, env={}))


@pytest.fixture(scope="session")
def chapter_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built from the bundled data/ (the chapter), once per test session."""
    return built_store(tmp_path_factory, BUNDLED_DATA, "chapter")


@pytest.fixture(scope="session")
def chapter(chapter_store: Path) -> CivicGraph:
    return opened(chapter_store)


@pytest.fixture(scope="session")
def mini_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_store(tmp_path_factory, MINI, "mini")


@pytest.fixture(scope="session")
def mini(mini_store: Path) -> CivicGraph:
    return opened(mini_store)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding a copy of the mini dataset as data/, like a user's checkout."""
    shutil.copytree(MINI, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CIVICGRAPH_STORE", raising=False)
    monkeypatch.delenv("CIVICGRAPH_DATA", raising=False)
    return tmp_path


@pytest.fixture(scope="session")
def timeline(tmp_path_factory: pytest.TempPathFactory) -> CivicGraph:
    """Two routes from Alpha Foundation to Gamma Reform; only one is time-consistent."""
    return opened(built_store(tmp_path_factory, TIMELINE, "timeline"))


@pytest.fixture(scope="session")
def bolt_server(
    chapter_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """`civicgraph serve bolt` on the chapter graph, one per session (the JVM is slow to start):
    its URI and the password it generated and printed on its ready line."""
    from tests.servers import civicgraph_command, started

    workdir = tmp_path_factory.mktemp("serve-bolt")
    command = civicgraph_command("serve", "bolt", "--port", "0", "--store", str(chapter_store))
    env = {k: v for k, v in os.environ.items() if k != "CIVICGRAPH_BOLT_PASSWORD"}
    with started(command, workdir, env=env) as (line, _):
        told = re.fullmatch(r"ready (bolt://\S+) \(user root, password (\S+)\)", line)
        assert told, line
        yield told.group(1), told.group(2)


@pytest.fixture(scope="session")
def bolt_uri(bolt_server: tuple[str, str]) -> str:
    return bolt_server[0]


@pytest.fixture(scope="session")
def bolt_password(bolt_server: tuple[str, str]) -> str:
    return bolt_server[1]
