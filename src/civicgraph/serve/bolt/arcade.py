"""An ArcadeDB server inside this process, with its Bolt plugin: what `serve bolt` runs.

PyPI `arcadedb-embedded` bundles the engine and a JRE. The JVM starts once per process, with
ArcadeDB's logging sent to a file (it writes to stdout and ./log/ by default) and with
`-Xrs`, so SIGTERM and Ctrl-C reach Python and the server is stopped cleanly.

`EmbeddedBolt.start_loaded` starts the server on a second thread while the projection's rows
are read, then writes them straight into the database through the JVM (`arcade_load`),
not through Bolt: a 10k-entity graph loads in seconds instead of a minute.

Clients can only read, and ArcadeDB itself enforces it (`read_only=True`, the default):
the user `root` is given, on every database, a group whose only right is `readRecord`, so
every CREATE, MERGE, SET, DELETE, REMOVE, index or schema change is refused by the server's
security, whatever the query's text looks like. LOAD CSV is refused too (reading a file
needs the `updateSecurity` right; file and remote URLs are switched off as well), and
ArcadeDB's HTTP API, which it always starts, is stopped before anyone is told the password:
it took server commands (`shutdown`, `create database`) from `root`. Our own loader writes
through the JVM with no user, so the group does not apply to it.

A read-only server answers clients through a Bolt shim (`shim`) on the public port, which
fills in what Neo4j's tools expect and ArcadeDB lacks; ArcadeDB's own Bolt then listens on
a loopback port of its own, behind the same read-only security.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from civicgraph.errors import StoreError, UsageError
from civicgraph.serve.bolt.driver import DEFAULT_DATABASE, DEFAULT_USER, BoltTarget
from civicgraph.store.loading import Progress, gc_paused, quiet

if TYPE_CHECKING:  # imported where used: `serve bolt` starts the JVM before loading them
    from civicgraph.serve.bolt.driver import LoadReport
    from civicgraph.serve.bolt.rows import GraphRows
    from civicgraph.serve.bolt.shim import Shape


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


# ArcadeDB logs to stdout and ./log/ by default; keep warnings only, in the temp directory
# (%t), one file per concurrent process (%u), so that stdout stays the command's own.
LOG_PROPERTIES = """\
handlers = java.util.logging.FileHandler
.level = WARNING
com.arcadedb.level = WARNING
java.util.logging.FileHandler.level = WARNING
java.util.logging.FileHandler.pattern = %t/civicgraph-arcadedb-%u.log
java.util.logging.FileHandler.formatter = com.arcadedb.log.LogFormatter
java.util.logging.FileHandler.limit = 10000000
java.util.logging.FileHandler.count = 1
"""


# ArcadeDB's own default heap is 4 GB. At 400k entities and 1.6M relationships the load
# needs more (with 4 GB the collector ran full collections back to back and freed nothing),
# so the heap is sized from the machine instead: a half of its memory, never under 4 GB.
# The JVM takes it as needed, not at once. `CIVICGRAPH_BOLT_HEAP` (e.g. `12g`) overrides it.
MIN_HEAP_MB = 4096
HEAP = re.compile(r"([1-9][0-9]*)([mMgG])")


def heap_size(given: str | None = None) -> str:
    """Return the JVM's maximum heap (`-Xmx` syntax): `given`, else half the machine's RAM."""
    if given is not None:
        if not HEAP.fullmatch(given):
            raise UsageError(
                f"the Bolt server's heap must be a size like 12g or 6000m, not {given!r}"
            )
        return given.lower()
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{max(MIN_HEAP_MB, physical // 2 >> 20)}m"


def _start_jvm(root: Path, heap: str | None = None) -> None:
    """Start the JVM once per process, with quiet logging, signals left to Python and the
    heap `heap_size` gives."""
    import jpype
    from arcadedb_embedded.jvm import start_jvm

    size = heap_size(heap)  # a bad size is refused even where the JVM runs already
    if jpype.isJVMStarted():
        return
    config = root / "logging.properties"
    config.write_text(LOG_PROPERTIES)
    args = [f"-Djava.util.logging.config.file={config}", "-Xrs"]  # -Xrs: SIGTERM stays Python's
    # The JVM prints a notice about its incubator modules on fd 2 as it starts: drop it.
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as sink:
            os.dup2(sink.fileno(), 2)
            start_jvm(heap_size=size, jvm_args=args)
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def generated_password() -> str:
    """Return a password for one run of a server (16 random characters, URL-safe)."""
    return secrets.token_urlsafe(12)


# The one group clients of a read-only server belong to: read records, nothing else (no
# schema, security or settings rights), and each query stopped after `readTimeout` ms.
READER_GROUP = "reader"
QUERY_TIMEOUT_MS = 30_000
# Switched off on every server we start, writable ones included: no query reads the host's
# files or makes a request (ArcadeDB's own defaults allow public http(s) URLs).
NO_LOAD_CSV = {
    "opencypher_loadCsv_allowFileUrls": False,
    "opencypher_loadCsv_allowRemoteUrls": False,
}


def jpype_errors() -> tuple[type[BaseException], ...]:
    """Return the exception types a call into the JVM raises (Java exceptions, bridged)."""
    import arcadedb_embedded as adb
    import jpype

    return (jpype.JException, adb.ArcadeDBError)


class EmbeddedBolt:
    """An ArcadeDB server inside this process with its Bolt plugin and empty databases.

    `read_only` (the default) leaves clients the right to read and nothing else; a writable
    server is what tests and benches push into. `password` is the user `root`'s, generated
    for this run when not given. `heap` is the JVM's maximum heap (`heap_size`), if this
    server is the first of the process (the JVM starts once).
    """

    def __init__(
        self,
        root: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 7687,
        password: str | None = None,
        databases: tuple[str, ...] = (DEFAULT_DATABASE,),
        read_only: bool = True,
        heap: str | None = None,
    ) -> None:
        self.root, self.host, self.port, self.heap = root, host, port, heap
        self.password = password or generated_password()
        self.databases, self.read_only = databases, read_only
        self._server: Any = None
        self._shim: Any = None
        # a read-only server's ArcadeDB listens on loopback only, behind the shim
        self.arcade_port = free_port("127.0.0.1") if read_only else port

    @property
    def uri(self) -> str:
        return f"bolt://{self.host}:{self.port}"

    def target(self, database: str | None = None) -> BoltTarget:
        """Return how to reach one of this server's databases (the first by default)."""
        return BoltTarget(self.uri, DEFAULT_USER, self.password, database or self.databases[0])

    def start(self) -> BoltTarget:
        """Start the server and create its databases; raise StoreError if it cannot."""
        self.root.mkdir(parents=True, exist_ok=True)
        _start_jvm(self.root, self.heap)
        import arcadedb_embedded as adb

        # ArcadeDB always starts its HTTP API: on loopback, on a port nobody is told, and
        # only until the databases exist (see `_lock_down`)
        config: dict[str, Any] = {
            "host": "127.0.0.1" if self.read_only else self.host,
            "http_port": free_port("127.0.0.1"),
            "server_httpIncomingHost": "127.0.0.1",
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": self.arcade_port,
            **NO_LOAD_CSV,
        }
        try:
            self._server = adb.create_server(
                str(self.root / "arcadedb"), root_password=self.password, config=config
            )
            self._server.start()
            for name in self.databases:
                self._server.create_database(name)
            self._lock_down()
        except (adb.ArcadeDBError, *jpype_errors()) as exc:
            self.stop()
            raise StoreError(f"cannot start the embedded Bolt server on {self.uri}: {exc}") from exc
        return self.target()

    def _lock_down(self) -> None:
        """Stop the HTTP API; on a read-only server, leave `root` the right to read only."""
        import jpype

        java_server = self._server._java_server
        java_server.getHttpServer().stopService()
        if not self.read_only:
            return
        json_object = jpype.JClass("com.arcadedb.serializer.json.JSONObject")
        security = java_server.getSecurity()
        reader = {
            "access": [],  # no updateSecurity, updateSchema, updateDatabaseSettings
            "resultSetLimit": -1,
            "readTimeout": QUERY_TIMEOUT_MS,
            "types": {"*": {"access": ["readRecord"]}},
        }
        for name in self.databases:
            security.saveGroup(name, READER_GROUP, json_object(json.dumps(reader)))
        root = security.getUser(DEFAULT_USER)
        user = {
            "name": DEFAULT_USER,
            "password": str(root.getPassword()),
            "databases": {name: [READER_GROUP] for name in self.databases},
        }
        security.updateUser(json_object(json.dumps(user)))

    def load(self, rows: GraphRows, *, progress: Progress = quiet) -> LoadReport:
        """Write the rows into the (new, empty) first database, in process (`arcade_load`)."""
        from civicgraph.serve.bolt.arcade_load import write

        if self._server is None:
            raise StoreError("the embedded Bolt server is not running")
        database = self._server.get_database(self.databases[0]).get_java_database()
        try:
            report = write(database, rows, progress=progress)
        except jpype_errors() as exc:
            raise StoreError(f"loading the embedded Bolt server failed: {exc}") from exc
        if self.read_only:
            self._start_shim(rows, database)
        return report

    def _start_shim(self, rows: GraphRows, database: Any) -> None:
        """Listen on the public port through the shim, once the graph is loaded."""
        from civicgraph.serve.bolt.answers import Answers, Schema
        from civicgraph.serve.bolt.shim import BoltShim

        def shape(query: str) -> Shape:
            return parsed_shape(database, query)

        try:
            self._shim = BoltShim(
                self.host,
                self.port,
                ("127.0.0.1", self.arcade_port),
                Answers(Schema.of(rows)),
                shape,
            )
        except OSError as exc:
            raise StoreError(f"cannot listen on {self.uri}: {exc}") from exc
        self._shim.start()

    def start_loaded(
        self, rows: Callable[[], GraphRows], *, progress: Progress = quiet
    ) -> tuple[BoltTarget, LoadReport]:
        """Start the server while `rows()` runs on this thread, then load what it returns.

        The server takes seconds to start, in Java (which lets other Python threads run),
        so it starts on a second thread while the rows are read; `rows` may also import
        and open what it needs (this module imports none of it). The JVM itself starts
        here: a JVM started on a thread that then ends keeps the process from exiting.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        _start_jvm(self.root, self.heap)
        with (
            gc_paused(),
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="arcadedb-start") as pool,
        ):
            starting = pool.submit(self.start)
            try:
                computed = rows()
            finally:
                target = starting.result()  # a failed start raises here; a started one is kept
            return target, self.load(computed, progress=progress)

    def stop(self) -> None:
        """Stop the server (databases are closed; files stay in `root`)."""
        if self._shim is not None:
            shim, self._shim = self._shim, None
            shim.stop()
        if self._server is not None:
            server, self._server = self._server, None
            server.stop()

    def __enter__(self) -> BoltTarget:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def parsed_shape(database: Any, query: str) -> Shape:
    """Return what ArcadeDB's Cypher parser says of a query: read-only, and its columns."""
    from civicgraph.serve.bolt.shim import Shape

    failures: tuple[type[BaseException], ...] = (*jpype_errors(), AttributeError, TypeError)
    try:
        statement = database.getCypherStatementCache().get(query)
        read_only = bool(statement.isReadOnly())
        returned = statement.getReturnClause()
        items = list(returned.getReturnItems()) if returned is not None else []
    except failures:  # a query ArcadeDB cannot parse: it says why when it runs
        return Shape(None, None)
    if not items or any(item.isStar() for item in items):
        return Shape(read_only, None)
    return Shape(read_only, [str(item.getOutputName()) for item in items])
