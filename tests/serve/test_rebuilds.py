"""`serve sparql` follows rebuilds, says on /health what it serves, and stops cleanly: the
real command, its store rebuilt (and removed) under it."""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from civicgraph.config import Settings
from civicgraph.store.builder import build
from civicgraph.store.builds import BUILDS, current_name, prune
from tests.servers import civicgraph_command, descendants, running

LABEL = "SELECT ?l WHERE { id:ana-ruiz rdfs:label ?l FILTER(lang(?l) = 'en') }"
WORKERS = 3


@pytest.fixture
def served(workdir: Path) -> Iterator[tuple[str, Settings]]:
    """The mini data built into the working directory's store, and `serve sparql` on it."""
    settings = Settings.resolve(env={})
    build(settings, shapes=False)
    command = civicgraph_command(
        "serve", "sparql", "--port", "0", "--workers", str(WORKERS), "--store",
        str(settings.store_dir.resolve()),
    )  # fmt: skip
    with running(command, workdir / "data", timeout=60) as (url, _):
        yield url.removesuffix("/sparql"), settings


def label(base: str) -> str:
    answer = requests.get(base + "/sparql", params={"query": LABEL}, timeout=30)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["results"]["bindings"][0]["l"]["value"])


def health(base: str) -> requests.Response:
    return requests.get(base + "/health", timeout=30)


def eventually(check: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time given"
        time.sleep(0.1)


def relabel(data: Path, name: str) -> None:
    people = data / "entities" / "people.yaml"
    people.write_text(people.read_text().replace("label: Ana Ruiz\n", f"label: {name}\n"))


def test_two_rebuilds_later_a_query_answers_from_the_newest(
    served: tuple[str, Settings], workdir: Path
) -> None:
    base, settings = served
    assert label(base) == "Ana Ruiz"
    first = health(base).json()["build"]
    relabel(workdir / "data", "Ana Ruiz-Ortega")
    build(settings, shapes=False)
    build(settings, shapes=False)  # the build the workers opened first is pruned or held
    newest = current_name(settings.store_dir)
    assert newest != first
    assert label(base) == "Ana Ruiz-Ortega"
    report = health(base)
    assert report.status_code == 200 and report.json()["build"] == newest
    # idle workers move to the new build by themselves; then no reader holds the old ones
    eventually(lambda: health(base).json()["builds_open"] == {newest: WORKERS})
    prune(settings.store_dir / BUILDS, keep={newest})
    assert [p.name for p in (settings.store_dir / BUILDS).iterdir()] == [newest]
    assert label(base) == "Ana Ruiz-Ortega"


def test_health_says_unavailable_while_the_store_is_gone_and_recovers(
    served: tuple[str, Settings],
) -> None:
    base, settings = served
    assert health(base).json()["status"] == "ok"
    shutil.rmtree(settings.store_dir)
    eventually(lambda: health(base).status_code == 503)
    report = health(base).json()
    assert report["status"] == "unavailable" and report["build"] is None
    assert "run `civicgraph build`" in report["error"]
    started = time.perf_counter()
    answer = requests.get(base + "/sparql", params={"query": LABEL}, timeout=30)
    assert answer.status_code == 503 and "store" in answer.text
    assert time.perf_counter() - started < 5  # at once, not after the time limit
    build(settings, shapes=False)
    eventually(lambda: health(base).status_code == 200, seconds=15)
    assert health(base).json()["live_workers"] == WORKERS
    assert label(base) == "Ana Ruiz"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_server_stops_cleanly_on_a_signal_even_mid_query(
    chapter_store: Path, tmp_path: Path, signum: signal.Signals
) -> None:
    command = civicgraph_command("serve", "sparql", "--port", "0", "--store", str(chapter_store))
    log = tmp_path / "stderr.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True)
        try:
            assert process.stdout is not None
            ready = process.stdout.readline()  # printed once the workers are up
            assert ready.startswith("ready http://"), log.read_text()
            url = ready.split()[1]
            workers = descendants(process.pid)
            assert len(workers) >= 6  # the workers, their fork server
            slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
            answers: list[int] = []

            def ask() -> None:
                with contextlib.suppress(requests.RequestException):  # the server went first
                    answers.append(requests.post(url, data={"query": slow}, timeout=30).status_code)

            query = threading.Thread(target=ask)
            query.start()
            time.sleep(0.5)  # the query is running
            process.send_signal(signum)
            assert process.wait(timeout=30) == 0
            query.join(30)
            assert answers in ([], [503])  # told the server is stopping, if anything
        finally:
            if process.poll() is None:
                process.kill()
    errors = log.read_text()
    assert errors.rstrip().endswith("stopped") and "Traceback" not in errors
    eventually(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), seconds=5)
