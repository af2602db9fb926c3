"""`civicgraph serve bolt` as a child process, shared by the explorer's Cypher console.

The console used to start ArcadeDB inside the Streamlit process for every query. The JVM
then stayed in that process and kept it alive after SIGTERM, and a heavy query ran beside
every page. Now one read-only `serve bolt` per store runs as a child, started on the first
Cypher query and reused until the store is rebuilt. It dies with its parent: the kernel
sends it SIGTERM when the thread that started it ends (`PR_SET_PDEATHSIG`), and that thread
lives as long as the child does, so a parent that is killed does not leave a server behind.
"""

from __future__ import annotations

import atexit
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from civicgraph.errors import StoreError
from civicgraph.serve.bolt.driver import DEFAULT_DATABASE, DEFAULT_USER, BoltTarget
from civicgraph.serve.children import die_with_parent

START_TIMEOUT_S = 600.0


class LocalBolt:
    """One `serve bolt --store STORE` child on a free loopback port, with its own password."""

    def __init__(self, store_dir: Path, build: str) -> None:
        from civicgraph.serve.bolt.arcade import generated_password

        self.store_dir, self.build = store_dir, build
        self.password = generated_password()
        self.process: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str] = queue.Queue()

    def start(self, timeout: float = START_TIMEOUT_S) -> BoltTarget:
        """Start the child and wait for its `ready bolt://…` line; raise StoreError if none."""
        spawned = threading.Event()
        threading.Thread(target=self._keep, args=(spawned,), daemon=True).start()
        spawned.wait()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.2)
            except queue.Empty:
                continue
            if line.startswith("ready "):
                return BoltTarget(line.split()[1], DEFAULT_USER, self.password, DEFAULT_DATABASE)
            if line.startswith("error") or not line:
                self.stop()
                raise StoreError(f"the Bolt server did not start: {line.strip() or 'it exited'}")
        self.stop()
        raise StoreError(f"the Bolt server did not start in {timeout:.0f} s")

    def _keep(self, spawned: threading.Event) -> None:
        """Start the child on this thread, pass its output on, and live as long as it does."""
        command = [sys.executable, "-m", "civicgraph.cli.app", "serve", "bolt", "--port", "0"]
        command += ["--store", str(self.store_dir)]
        env = {**os.environ, "CIVICGRAPH_BOLT_PASSWORD": self.password}
        try:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,  # its errors come as lines, like the ready one
                text=True,
                env=env,
                preexec_fn=die_with_parent,  # SIGTERM: it stops cleanly
            )
        except OSError as exc:
            self._lines.put(f"error: {exc}")
            return
        finally:
            spawned.set()
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put("")
        self.process.wait()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Stop the child (SIGTERM, then SIGKILL after 30 s)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


_shared: dict[Path, tuple[LocalBolt, BoltTarget]] = {}
_lock = threading.Lock()


def shared(store_dir: Path, build: str) -> BoltTarget:
    """Return the running child for this store and build, starting one (stopping an older)."""
    key = store_dir.resolve()
    with _lock:
        known = _shared.get(key)
        if known is not None and known[0].build == build and known[0].running:
            return known[1]
        if known is not None:
            known[0].stop()
        server = LocalBolt(key, build)
        target = server.start()
        _shared[key] = (server, target)
        return target


@atexit.register
def _stop_all() -> None:
    """Tell every child to stop, without waiting: the parent's exit is not held up by their
    cleanup (and were this skipped, the kernel's SIGTERM would still reach them)."""
    for server, _ in list(_shared.values()):
        if server.running and server.process is not None:
            server.process.terminate()
