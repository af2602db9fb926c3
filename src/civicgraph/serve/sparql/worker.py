"""A query worker: a process holding the store's current build open read-only, one job at a time.

The worker side (`serve_jobs`) opens the build `current` points at, with its reader lock
(`store.builds.OpenStore`), and before every job checks (one readlink) whether `current`
still points there; if a build landed meanwhile it opens the new one and lets the old one
go, so each query is answered from the build that was current when it started. A worker
that cannot open the current build answers so and stops.

Jobs run on a thread whose stack is larger than the memory cap: Oxigraph parses and
evaluates recursively, and a query nested a few thousand levels deep overflows a default
8 MB stack (a segfault: the worker dies). On the large stack the pool's memory watch stops
such a query first, with a clear answer.

The parent side (`WorkerProcess`) starts workers from a fork server that has imported this
module once, so a replacement is ready in milliseconds rather than the half second a fresh
interpreter takes; it reads a worker's resident memory and lowers its CPU priority.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from civicgraph.errors import StoreError
from civicgraph.serve.children import die_with_parent
from civicgraph.serve.sparql.answers import HANDLERS, Answer, text
from civicgraph.store.builds import OpenStore

PAGE = os.sysconf("SC_PAGE_SIZE")
LOW_PRIORITY = 10  # the nice value of a worker running a slow query


@dataclass(frozen=True)
class Ready:
    """A worker's first message: it opened this build and waits for jobs."""

    build: str


@dataclass(frozen=True)
class Failed:
    """A worker's first message when it could not open the store."""

    reason: str


def serve_jobs(connection: Connection, store_dir: str, stack_bytes: int) -> None:
    """Worker process: answer jobs on a thread with a `stack_bytes` stack until told to stop."""
    # the kernel kills a worker whose parent (the fork server) goes, however the server
    # ends: a worker must never outlive the endpoint, even mid-query
    die_with_parent(signal.SIGKILL)
    threading.stack_size(stack_bytes)
    jobs = threading.Thread(target=_answer_jobs, args=(connection, Path(store_dir)), name="jobs")
    jobs.start()
    jobs.join()


def _answer_jobs(connection: Connection, store_dir: Path) -> None:
    try:
        opened = OpenStore.current(store_dir)
    except StoreError as exc:
        connection.send(Failed(str(exc)))
        return
    connection.send(Ready(opened.name))
    while True:
        try:
            job = connection.recv()
        except EOFError:  # the server went away
            return
        if job is None:
            return
        if not opened.is_current(store_dir):
            try:
                fresh = OpenStore.current(store_dir)
            except StoreError as exc:
                connection.send(replace(text(503, f"cannot open the store: {exc}"), last=True))
                return
            previous, opened = opened, fresh
            lock = previous.lock
            del previous  # the old store closes with its last reference, then its lock goes
            lock.release()
        try:
            answer = HANDLERS[job["kind"]](opened.store, job)
        except Exception as exc:  # a worker answers every job, whatever happens
            answer = text(500, f"internal error: {type(exc).__name__}: {exc}")
        connection.send(replace(answer, build=opened.name))


def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    # the fork server imports this module (pyoxigraph and the handlers) once; it never opens
    # a store and runs no threads, so forking it is safe
    context.set_forkserver_preload([__name__])
    return context


class WorkerProcess:
    """The server's handle on one worker: its pipe, and its process to watch and stop."""

    def __init__(self, store_dir: Path, stack_bytes: int) -> None:
        context = _context()
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=serve_jobs, args=(child, str(store_dir), stack_bytes), daemon=True
        )
        self.process.start()
        child.close()
        self.build = ""
        self.started_bytes = 0  # its resident memory once it had opened the store
        self._stopping = threading.Lock()  # the pool and a request's thread may both kill it
        self._killed = False

    @property
    def pid(self) -> int:
        return int(self.process.pid or 0)

    def wait_ready(self, timeout: float) -> str:
        """Wait for the worker to open the store; return the build it opened."""
        try:
            message = self.connection.recv() if self.connection.poll(timeout) else None
        except (EOFError, OSError):
            message = Failed("the worker exited while opening the store")
        if not isinstance(message, Ready):
            self.kill()
            if message is None:
                raise StoreError(f"a query worker did not open the store within {timeout:g} s")
            raise StoreError(message.reason if isinstance(message, Failed) else "worker failed")
        self.build = message.build
        self.started_bytes = self.resident_bytes()
        return message.build

    def send(self, job: dict[str, Any]) -> None:
        self.connection.send(job)

    def answered(self, wait: float) -> bool:
        """Wait up to `wait` seconds for the answer (or the worker's death)."""
        return bool(self.connection.poll(wait))

    def answer(self) -> Answer:
        """Read the answer; EOFError if the worker died instead."""
        found: Answer = self.connection.recv()
        self.build = found.build or self.build
        return found

    def resident_bytes(self) -> int:
        """The worker's resident memory now (0 once it is gone), from /proc/PID/statm."""
        try:
            with open(f"/proc/{self.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            return 0

    def lower_priority(self) -> None:
        """Renice every thread of the worker (Linux nice values are per thread), so the
        quick queries of other workers get the CPU first. It cannot be raised back."""
        try:
            threads = [int(t) for t in os.listdir(f"/proc/{self.pid}/task")]
        except OSError:
            threads = [self.pid]
        for thread in threads:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, thread, LOW_PRIORITY)

    def kill(self) -> None:
        """Kill the worker and close its pipe, once, whoever asks first."""
        with self._stopping:
            if self._killed:
                return
            self._killed = True
            with contextlib.suppress(OSError, ValueError):
                self.process.kill()
                self.process.join(5)
            self.connection.close()
