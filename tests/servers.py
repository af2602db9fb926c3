"""Start real servers for the tests: civicgraph's own commands, a bare ArcadeDB, Oxigraph,
Virtuoso.

Each runs as a child process on a free loopback port and is stopped by the fixture that
started it. Commands print `ready <address>` on stdout once they answer.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

# The password of the writable ArcadeDB below (`serve bolt` generates its own per run).
BARE_PASSWORD = "playwithdata"
# A bare, writable ArcadeDB with the Bolt plugin and empty databases: the target of `push`.
BARE_ARCADEDB = f"""
import sys, time
from pathlib import Path
from civicgraph.serve.bolt.arcade import EmbeddedBolt
server = EmbeddedBolt(
    Path(sys.argv[1]), port=int(sys.argv[2]), password="{BARE_PASSWORD}",
    databases=tuple(sys.argv[3:]), read_only=False,
)
server.start()
print("ready", server.uri, flush=True)
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    server.stop()
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def descendants(pid: int) -> set[int]:
    """Every living process below `pid` (children, theirs…), from /proc."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":  # a zombie has exited already
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found.update(children)
        todo += children
    return found


def civicgraph_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "civicgraph.cli.app", *args]


@contextmanager
def running(command: list[str], workdir: Path, timeout: float = 180) -> Iterator[tuple[str, Path]]:
    """Run a server until the block ends; yield the address it prints and its stderr file."""
    with started(command, workdir, timeout) as (line, log):
        yield line.split()[1], log


@contextmanager
def started(
    command: list[str], workdir: Path, timeout: float = 180, env: dict[str, str] | None = None
) -> Iterator[tuple[str, Path]]:
    """Run a server until the block ends; yield its whole `ready …` line and its stderr file."""
    log = workdir / "stderr.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            command, cwd=workdir, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env
        )
        try:
            yield _ready_line(process, log, timeout), log
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _ready_line(process: subprocess.Popen[str], log: Path, timeout: float) -> str:
    """Read stdout on a thread (it may stay silent) until a `ready ADDRESS` line comes."""
    assert process.stdout is not None
    stdout = process.stdout
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in stdout:
            lines.put(line)
        lines.put("")

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        if line.startswith("ready "):
            return line.strip()
        if not line:
            process.wait(timeout=10)
            raise RuntimeError(f"server exited {process.returncode}: {log.read_text()[-2000:]}")
    raise RuntimeError(f"server not ready in {timeout} s: {log.read_text()[-2000:]}")


@contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """Run `oxigraph serve` (PyPI `oxigraph`) on a free port; yield its base URL."""
    binary = Path(sys.executable).parent / "oxigraph"
    port = free_port()
    command = [str(binary), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(url + "/query", params={"query": "ASK {}"}, timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("oxigraph did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


# A Virtuoso (Debian's virtuoso-opensource) in a temp dir, dba's password dba: the tests'
# and the bench's (bench/bench_services_scale.py), and the settings README's `push --sparql`
# guidance gives. Virtuoso's guide: about 85,000 buffers per GB of RAM given to it, dirty
# buffers 3/4 of them. TransactionAfterImageLimit (default 50 MB) bounds what one
# transaction may write to the log; Virtuoso loads each part of a Graph Store upload in one,
# about 0.9 bytes of log for each byte of N-Triples, and past the limit Virtuoso 7.2's
# parallel loader hangs instead of failing: 500 MB leaves room for parts far larger than
# push's 16 MB. CheckpointInterval 0: no checkpoint pauses a load (Virtuoso checkpoints
# at shutdown).
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = {dir}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
TransactionAfterImageLimit = 500000000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 600
"""


@contextmanager
def virtuoso_server(workdir: Path, buffers: int = 10_000) -> Iterator[str]:
    """Run `virtuoso-t +foreground` on free ports; yield its HTTP base URL (user dba/dba).

    `buffers`: Virtuoso's page cache, 8 KB each (the bench gives 340,000 for a large load).
    """
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.skip("virtuoso-t not installed (Debian package virtuoso-opensource)")
    workdir.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    ini = workdir / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(
            dir=workdir,
            sql_port=free_port(),
            http_port=http_port,
            buffers=buffers,
            dirty_buffers=buffers * 3 // 4,
        )
    )
    command = [binary, "+foreground", "+configfile", str(ini)]
    with (workdir / "stdout.log").open("w") as log:
        process = subprocess.Popen(
            command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(url + "/sparql", params={"query": "ASK {}"}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                tail = (workdir / "stdout.log").read_text()[-2000:]
                raise RuntimeError(f"virtuoso did not start: {tail}")
            time.sleep(0.1)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:  # a large database checkpoints before it exits
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def listening(port: int) -> bool:
    """Whether a server listens on the port. A connection to a free port in the ephemeral
    range can meet itself (the kernel picks that port as its source: a TCP simultaneous
    open), which polling makes likely on a busy machine; that is not a server."""
    try:
        connection = socket.create_connection(("127.0.0.1", port), timeout=1)
    except OSError:
        return False
    with connection:
        return connection.getsockname() != connection.getpeername()
