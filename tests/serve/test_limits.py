"""Each query of `serve sparql` is bounded in time and memory, and slow ones leave room for
quick ones: driven over HTTP against the real command. Timings are asserted loosely (the
bench measures them: bench/bench_endpoint.py)."""

from __future__ import annotations

import re
import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from typer.testing import CliRunner

from civicgraph.cli.app import app
from civicgraph.cli.interfaces import memory_size
from civicgraph.errors import UsageError
from tests.servers import civicgraph_command, running

TIMEOUT = 5
MAX_MEMORY_MB = 300
# grows a worker by hundreds of MB a second: every pair of triples, sorted
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
# runs to the time limit in little memory: counts ~10^12 rows
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "SELECT ?p ?o WHERE { id:javier-sicilia ?p ?o }"


@pytest.fixture(scope="module")
def endpoint(chapter_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`serve sparql` with a short time limit and a small memory cap; yields the base URL."""
    command = civicgraph_command(
        "serve", "sparql", "--port", "0", "--store", str(chapter_store),
        "--timeout", str(TIMEOUT), "--max-memory", f"{MAX_MEMORY_MB}M",
    )  # fmt: skip
    with running(command, tmp_path_factory.mktemp("limits"), timeout=60) as (url, _):
        yield url.removesuffix("/sparql")


def ask(base: str, query: str) -> tuple[requests.Response, float]:
    started = time.perf_counter()
    answer = requests.post(base + "/sparql", data={"query": query}, timeout=60)
    return answer, time.perf_counter() - started


def health(base: str) -> dict[str, object]:
    found: dict[str, object] = requests.get(base + "/health", timeout=30).json()
    return found


def test_a_query_that_grows_without_bound_is_stopped_below_the_cap(endpoint: str) -> None:
    killed = health(endpoint)["killed"]
    answer, seconds = ask(endpoint, HUNGRY)
    assert answer.status_code == 503
    assert f"memory cap of {MAX_MEMORY_MB} MiB" in answer.text
    assert "--max-memory" in answer.text
    reached = re.search(r"at ([\d.]+) MiB", answer.text)
    assert reached and float(reached.group(1)) < MAX_MEMORY_MB
    assert seconds < TIMEOUT  # the cap stopped it, not the clock
    assert "Retry-After" not in answer.headers  # the same query would fail again
    after, _ = ask(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert after.status_code == 200
    report = health(endpoint)
    assert report["killed"] == killed + 1  # type: ignore[operator]
    assert report["status"] == "ok" and report["max_memory_mb"] == MAX_MEMORY_MB


def test_cheap_queries_stay_quick_beside_four_slow_ones_and_a_fifth_is_refused(
    endpoint: str,
) -> None:
    """Four slow queries take the four slow slots, to the time limit; cheap queries still
    answer quickly on the two workers left; a fifth slow one is stopped with Retry-After."""
    with ThreadPoolExecutor(max_workers=4) as clients:
        slow = [clients.submit(ask, endpoint, SLOW) for _ in range(4)]
        deadline = time.monotonic() + TIMEOUT
        while health(endpoint)["slow_queries"] != 4:
            assert time.monotonic() < deadline, "the four queries never all ran slow"
            time.sleep(0.05)
        fifth = threading.Thread(target=lambda: refused.append(ask(endpoint, SLOW)))
        refused: list[tuple[requests.Response, float]] = []
        fifth.start()
        cheap = []
        while not all(f.done() for f in slow):
            answer, seconds = ask(endpoint, CHEAP)
            assert answer.status_code == 200
            cheap.append(seconds)
            time.sleep(0.02)
        fifth.join()
    for future in slow:
        answer, seconds = future.result()
        assert answer.status_code == 503 and "time limit" in answer.text
    ((answer, seconds),) = refused
    assert answer.status_code == 503 and "--slow-slots" in answer.text
    assert answer.headers["Retry-After"] == "5"
    assert seconds < 3  # stopped when it turned slow (1 s), not at the time limit
    cheap.sort()
    p95 = cheap[max(0, int(len(cheap) * 0.95) - 1)]
    assert len(cheap) > 20
    assert p95 < 2, f"cheap p50 {statistics.median(cheap):.3f} s, p95 {p95:.3f} s"


def test_a_query_nested_5000_deep_is_answered_or_stopped_not_a_crash(endpoint: str) -> None:
    # on a default 8 MB stack Oxigraph's recursive parser overflows near 3,000 levels and
    # the worker dies; on the workers' large stack it parses (slowly: it turns slow)
    nested = "SELECT * WHERE { " * 5000 + "?s ?p ?o" + " }" * 5000
    answer = requests.post(
        endpoint + "/sparql",
        data=nested.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=60,
    )
    assert answer.status_code in (200, 503), answer.text
    assert "died" not in answer.text
    if answer.status_code == 200:
        assert len(answer.json()["results"]["bindings"]) > 0
    assert ask(endpoint, CHEAP)[0].status_code == 200


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("512M", 512 << 20),
        ("1G", 1 << 30),
        ("1.5GiB", 3 << 29),
        ("300mb", 300 << 20),
        ("4096", 4096),
    ],
)
def test_memory_sizes_read_as_binary_units(text: str, size: int) -> None:
    assert memory_size(text) == size


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-memory", "lots"], "not a size like 512M"),
        (["--max-memory", "10M"], "--max-memory must be at least 64M"),
        (["--workers", "3", "--slow-slots", "4"], "--slow-slots must be between 0 and"),
    ],
)
def test_bad_limits_exit_2_with_a_plain_message(
    mini_store: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, ["serve", "sparql", "--store", str(mini_store), *args])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    with pytest.raises(UsageError):
        memory_size("1X")
