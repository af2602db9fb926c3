"""An ArcadeDB server inside this process, with its Bolt plugin: what `serve bolt` runs.

PyPI `arcadedb-embedded` bundles the engine and a JRE. The JVM starts once per process, with
ArcadeDB's logging sent to a file (it writes to stdout and ./log/ by default) and with
`-Xrs`, so SIGTERM and Ctrl-C reach Python and the server is stopped cleanly.

`EmbeddedBolt.start_loaded` starts the server on a second thread while the projection's rows
are read, then writes them straight into the database through the JVM (`arcade_load`),
not through Bolt: a 10k-entity graph loads in seconds instead of a minute.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from civicgraph.errors import StoreError
from civicgraph.serve.bolt.driver import (
    DEFAULT_DATABASE,
    DEFAULT_PASSWORD,
    DEFAULT_USER,
    BoltTarget,
)
from civicgraph.store.loading import Progress, gc_paused, quiet

if TYPE_CHECKING:  # imported where used: `serve bolt` starts the JVM before loading them
    from civicgraph.serve.bolt.driver import LoadReport
    from civicgraph.serve.bolt.rows import GraphRows


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


def _start_jvm(root: Path) -> None:
    """Start the JVM once per process, with quiet logging and signals left to Python."""
    import jpype
    from arcadedb_embedded.jvm import start_jvm

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
            start_jvm(jvm_args=args)
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def jpype_errors() -> tuple[type[BaseException], ...]:
    """Return the exception types a call into the JVM raises (Java exceptions, bridged)."""
    import arcadedb_embedded as adb
    import jpype

    return (jpype.JException, adb.ArcadeDBError)


class EmbeddedBolt:
    """An ArcadeDB server inside this process with its Bolt plugin and one empty database."""

    def __init__(
        self,
        root: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 7687,
        password: str = DEFAULT_PASSWORD,
        databases: tuple[str, ...] = (DEFAULT_DATABASE,),
    ) -> None:
        self.root, self.host, self.port = root, host, port
        self.password, self.databases = password, databases
        self._server: Any = None

    @property
    def uri(self) -> str:
        return f"bolt://{self.host}:{self.port}"

    def target(self, database: str | None = None) -> BoltTarget:
        """Return how to reach one of this server's databases (the first by default)."""
        return BoltTarget(self.uri, DEFAULT_USER, self.password, database or self.databases[0])

    def start(self) -> BoltTarget:
        """Start the server and create its databases; raise StoreError if it cannot."""
        self.root.mkdir(parents=True, exist_ok=True)
        _start_jvm(self.root)
        import arcadedb_embedded as adb

        config = {
            "host": self.host,
            "http_port": free_port(
                self.host
            ),  # ArcadeDB always serves HTTP; keep it out of the way
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": self.port,
        }
        try:
            self._server = adb.create_server(
                str(self.root / "arcadedb"), root_password=self.password, config=config
            )
            self._server.start()
            for name in self.databases:
                self._server.create_database(name)
        except adb.ArcadeDBError as exc:
            self._server = None
            raise StoreError(f"cannot start the embedded Bolt server on {self.uri}: {exc}") from exc
        return self.target()

    def load(self, rows: GraphRows, *, progress: Progress = quiet) -> LoadReport:
        """Write the rows into the (new, empty) first database, in process (`arcade_load`)."""
        from civicgraph.serve.bolt.arcade_load import write

        if self._server is None:
            raise StoreError("the embedded Bolt server is not running")
        database = self._server.get_database(self.databases[0]).get_java_database()
        try:
            return write(database, rows, progress=progress)
        except jpype_errors() as exc:
            raise StoreError(f"loading the embedded Bolt server failed: {exc}") from exc

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
        _start_jvm(self.root)
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
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> BoltTarget:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
