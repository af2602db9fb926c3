"""Measure the servers through the contract: SPARQL over HTTP, and the Bolt server's load time.

The harness runs the contract's commands: `civicgraph serve sparql` (and asks `/sparql` over
HTTP) and `civicgraph serve bolt` (time until it prints `ready bolt://`). A server that
exits before answering gives "n/a (not available)".
"""

from __future__ import annotations

import importlib.util
import json
import queue
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import median_time
from bench.ours import ONE_ENTITY, TWO_HOPS
from civicgraph.serve.bolt.arcade import free_port

NOT_AVAILABLE = "n/a (not available)"
ENDPOINT_KEYS = ("endpoint_ready_s", "endpoint_one_s", "endpoint_2hop_s")
PREFIX = "PREFIX civ: <https://w3id.org/civicgraph/ontology#>\n"


def command(*args: str) -> list[str]:
    """A civicgraph command as this interpreter runs it."""
    return [sys.executable, "-m", "civicgraph.cli.app", *args]


def ask(url: str, query: str) -> Any:
    """Ask a SPARQL endpoint (the `civ:` prefix declared) and return its JSON results."""
    data = urllib.parse.urlencode({"query": PREFIX + query}).encode()
    request = urllib.request.Request(
        url, data=data, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def stop(process: subprocess.Popen[str]) -> None:
    """Stop a server the way a user would (SIGTERM), killing it if it does not go."""
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Started:
    """A `civicgraph serve …` child: its `ready` address (None if it exited or the deadline
    passed first), the stderr lines read so far, and the seconds until `ready`."""

    process: subprocess.Popen[str]
    address: str | None
    errors: list[str]
    seconds: float
    timed_out: bool = False


def start(args: list[str], timeout: float) -> Started:
    """Start `civicgraph ARGS` and wait for its `ready ADDRESS` line.

    Both streams are read on threads, so a silent server cannot outlast the deadline and a
    chatty one cannot fill its pipe.
    """
    started = time.perf_counter()
    process = subprocess.Popen(
        command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    lines: queue.Queue[str | None] = queue.Queue()
    errors: list[str] = []

    def pump() -> None:
        for line in process.stdout or ():
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    threading.Thread(target=lambda: errors.extend(process.stderr or ()), daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            return Started(process, None, errors, time.perf_counter() - started, timed_out=True)
        if line is None:
            return Started(process, None, errors, time.perf_counter() - started)
        if line.startswith("ready "):
            return Started(process, line.split()[1], errors, time.perf_counter() - started)


def measure_sparql(store: Path, iris: list[str], timeout: float = 300) -> dict[str, Any]:
    """Median seconds of a one-entity and a two-hop query through the SPARQL endpoint."""
    port = free_port()
    process = subprocess.Popen(
        command("serve", "sparql", "--store", str(store), "--port", str(port)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/sparql"

        deadline = time.monotonic() + timeout
        started = time.perf_counter()
        while True:
            if process.poll() is not None:
                return dict.fromkeys(ENDPOINT_KEYS, NOT_AVAILABLE)
            try:
                ask(url, "ASK { ?s ?p ?o }")
                break
            except OSError:
                if time.monotonic() > deadline:
                    return dict.fromkeys(ENDPOINT_KEYS, "n/a (did not answer in time)")
                time.sleep(0.2)
        ready = time.perf_counter() - started
        return {
            "endpoint_ready_s": ready,
            "endpoint_one_s": median_time(lambda i: ask(url, ONE_ENTITY.format(iri=i)), iris),
            "endpoint_2hop_s": median_time(lambda i: ask(url, TWO_HOPS.format(iri=i)), iris),
        }
    finally:
        stop(process)


def measure_bolt(store: Path, timeout: float = 600) -> dict[str, Any]:
    """Seconds from `civicgraph serve bolt` starting to its `ready bolt://` line."""
    started = start(["serve", "bolt", "--store", str(store), "--port", str(free_port())], timeout)
    try:
        if started.timed_out:
            return {"bolt_load_s": f"> {timeout:.0f} s (stopped)"}
        if started.address is None:
            return {"bolt_load_s": NOT_AVAILABLE}
        return {"bolt_load_s": started.seconds}
    finally:
        stop(started.process)


def measure_explorer(store: Path) -> dict[str, Any]:
    """First paint of the explorer's network page (bench/bench_explorer.py, issue 7)."""
    try:
        from bench.bench_explorer import CHROMIUM, bench_first_paint
    except ImportError:
        return {"explorer_first_paint": "n/a (issue 7)"}
    if not Path(CHROMIUM).exists() or importlib.util.find_spec("playwright") is None:
        return {"explorer_first_paint": "n/a (no Chromium or Playwright)"}
    try:
        found = bench_first_paint(store, runs=3)
    except Exception as exc:  # a broken page is a result to report, not a crash of the bench
        return {"explorer_first_paint": f"n/a ({type(exc).__name__})"}
    return {
        "explorer_ready_s": found["server_ready_s"],
        "explorer_first_paint": found["cold_first_paint_s"],
        "explorer_warm_paint_s": found["warm_first_paint_s"],
    }
