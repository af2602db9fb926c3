"""The endpoint's query workers: each query bounded in time and memory, and cheap ones first.

Oxigraph cannot interrupt a query from another thread, so every query runs in a worker
process (`worker`) and is stopped by killing that process. While it waits for the answer,
the request's thread looks at the worker every `POLL_S`:

- past the time limit, the worker is killed (`TimedOut`);
- when its resident memory would pass the cap before the next look (at the rate it has
  been growing), it is killed (`OverMemory`): a query that allocates without bound is
  stopped below the cap, and the machine keeps its memory;
- a query still running after `quick_s` counts as slow. At most `slow_slots` slow queries
  run at once; their workers are reniced so that quick queries on the other workers get
  the CPU first, and are replaced once the query ends (a nice value cannot be lowered
  back). A query that turns slow when every slot is taken is stopped (`TooManySlow`).

With more workers than slow slots, some workers are always left for quick queries, however
many slow ones clients send. A worker that was killed, or that stopped, is replaced in the
background by one thread (`_keep_up`) that starts workers from a fork server (a few
milliseconds each) and, while the store cannot be opened, tries again with a growing pause;
requests never wait for it, and while no worker can start they fail at once
(`Unavailable`) rather than after the time limit. The same thread has idle workers that
still hold an older build open the current one within `REFRESH_S` of a rebuild, so the old
build is let go (and pruned by the next build) even when no query comes.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from civicgraph.errors import StoreError
from civicgraph.serve.sparql.answers import Answer, text
from civicgraph.serve.sparql.worker import WorkerProcess
from civicgraph.store.builds import current_name

POLL_S = 0.02  # how often a busy worker is looked at: its answer, the clock, its memory
START_TIMEOUT_S = 60.0
RETRY_S = (0.5, 5.0)  # the pause between failed starts, doubling from the first to the last
STACK_MARGIN = 256 << 20
REFRESH_S = 1.0  # how soon idle workers move to a new build


class Refused(Exception):
    """A query the pool did not let finish (its worker was killed), or could not start."""


class Busy(Refused):
    """No worker became free within the time limit."""


class TimedOut(Refused):
    """The query ran past the time limit."""


class OverMemory(Refused):
    """The query's worker was about to pass the memory cap."""

    def __init__(self, resident: int) -> None:
        super().__init__(resident)
        self.resident = resident


class TooManySlow(Refused):
    """The query turned slow while every slow slot was taken."""


class Unavailable(Refused):
    """No worker can run: the store cannot be opened."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    """What bounds each query: memory per worker, and how many may be slow at once."""

    max_memory: int = 1 << 30  # bytes of resident memory per worker
    slow_slots: int = 4
    quick_s: float = 1.0  # a query running longer than this is slow


@dataclass
class _MemoryWatch:
    """Tell when a worker's resident memory will pass the cap before the next look."""

    worker: WorkerProcess
    cap: int
    last: tuple[float, int] = field(default=(0.0, 0))
    peak: int = 0

    def over(self) -> bool:
        now, resident = time.monotonic(), self.worker.resident_bytes()
        then, before = self.last
        rate = (resident - before) / (now - then) if then and now > then else 0.0
        self.last, self.peak = (now, resident), max(self.peak, resident)
        # two intervals ahead: a look can come late on a loaded machine
        return resident + max(rate, 0.0) * 2 * POLL_S >= self.cap


class WorkerPool:
    """`size` query workers on a store directory; a request borrows one and gives it back."""

    def __init__(self, store_dir: Path, size: int, limits: Limits | None = None) -> None:
        self.store_dir, self.size = store_dir, size
        self.limits = limits or Limits()
        self.stack_bytes = self.limits.max_memory + STACK_MARGIN
        self.killed = 0  # workers killed under a query, since the start
        self.problem: str | None = None  # why the last worker could not start, until one does
        self._idle: queue.Queue[WorkerProcess] = queue.Queue()
        self._workers: set[WorkerProcess] = set()  # starting, idle and busy
        self._changed = threading.Condition()
        self._slow = threading.BoundedSemaphore(self.limits.slow_slots or 1)
        self._slow_now = 0
        self._closed = False
        fresh = [self._start() for _ in range(size)]
        try:
            for worker in fresh:
                worker.wait_ready(START_TIMEOUT_S)
        except StoreError:
            self.close()
            raise
        for worker in fresh:
            self._idle.put(worker)
        threading.Thread(target=self._keep_up, name="respawn", daemon=True).start()

    def run(self, job: dict[str, Any], timeout: float) -> Answer:
        """Run a job on a free worker within `timeout` seconds, or raise a `Refused`."""
        deadline = time.monotonic() + timeout
        worker = self._borrow(deadline)
        slow = False
        try:
            worker.send(job)
            started = time.monotonic()
            memory = _MemoryWatch(worker, self.limits.max_memory)
            while not worker.answered(POLL_S):
                now = time.monotonic()
                if now >= deadline:
                    raise TimedOut
                if memory.over():
                    raise OverMemory(memory.peak)
                if not slow and now - started >= self.limits.quick_s:
                    slow = self._take_slow_slot()
                    worker.lower_priority()
            answer = worker.answer()
        except (EOFError, OSError):  # the worker died under the query
            self._retire(worker, killed=True)
            if self._closed:
                return text(503, "query stopped: the server is stopping")
            return text(500, "the query worker died while answering")
        except Refused:
            self._retire(worker, killed=True)
            raise
        finally:
            if slow:
                self._give_slow_slot()
        # a reniced worker stays slow, and one left big by its query (past halfway from its
        # size when it started to the cap) would start the next one near the cap: both go
        grown = worker.resident_bytes() > (worker.started_bytes + self.limits.max_memory) // 2
        if slow or answer.last or grown:
            self._retire(worker)
        else:
            self._idle.put(worker)
        return answer

    def _borrow(self, deadline: float) -> WorkerProcess:
        while True:
            if self.problem is not None and self.live == 0:
                raise Unavailable(self.problem)
            wait = min(0.25, deadline - time.monotonic())
            if wait <= 0:
                raise Busy
            try:
                return self._idle.get(timeout=wait)
            except queue.Empty:
                continue

    def _take_slow_slot(self) -> bool:
        if self.limits.slow_slots == 0 or not self._slow.acquire(blocking=False):
            raise TooManySlow
        with self._changed:
            self._slow_now += 1
        return True

    def _give_slow_slot(self) -> None:
        with self._changed:
            self._slow_now -= 1
        self._slow.release()

    def _start(self) -> WorkerProcess:
        worker = WorkerProcess(self.store_dir, self.stack_bytes)
        with self._changed:
            self._workers.add(worker)
        return worker

    def _retire(self, worker: WorkerProcess, *, killed: bool = False) -> None:
        """Stop a worker and have `_keep_up` start another in its place."""
        worker.kill()
        with self._changed:
            self._workers.discard(worker)
            self.killed += killed
            self._changed.notify_all()

    def _keep_up(self) -> None:
        """Start workers whenever fewer than `size` are alive, off the requests' threads."""
        pause = RETRY_S[0]
        while True:
            with self._changed:
                if not self._closed and len(self._workers) >= self.size:
                    self._changed.wait(REFRESH_S)
                if self._closed:
                    return
                missing = self.size - len(self._workers)
            if missing <= 0:
                self._refresh_idle()
                continue
            fresh = [self._start() for _ in range(missing)]
            failed = None
            for worker in fresh:
                try:
                    worker.wait_ready(START_TIMEOUT_S)
                except StoreError as exc:
                    failed = str(exc)
                    self._retire(worker)
                    continue
                if self._closed:
                    worker.kill()
                else:
                    self._idle.put(worker)
            self.problem = failed
            if failed is None:
                pause = RETRY_S[0]
            else:  # the store cannot be opened now (a build being swapped, or gone): wait
                time.sleep(pause)
                pause = min(pause * 2, RETRY_S[1])

    def _refresh_idle(self) -> None:
        """Have each idle worker on an older build open the current one (one at a time, so
        the others stay free for queries)."""
        current = current_name(self.store_dir)
        for _ in range(self.idle):
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            if worker.build != current:
                try:
                    worker.send({"kind": "ping"})
                    answer = worker.answer() if worker.answered(START_TIMEOUT_S) else None
                except (EOFError, OSError):
                    answer = None
                if answer is None or answer.last:
                    self._retire(worker)
                    continue
            self._idle.put(worker)

    @property
    def live(self) -> int:
        """Workers alive: starting, idle or busy."""
        return len(self._workers)

    @property
    def idle(self) -> int:
        return self._idle.qsize()

    def status(self) -> dict[str, Any]:
        """What `/health` says of the workers."""
        with self._changed:
            builds = Counter(w.build for w in self._workers if w.build)
            slow = self._slow_now
        return {
            "workers": self.size,
            "live_workers": self.live,
            "idle_workers": self.idle,
            "slow_queries": slow,
            "slow_slots": self.limits.slow_slots,
            "builds_open": dict(sorted(builds.items())),
            "killed": self.killed,
        }

    def close(self) -> None:
        """Stop every worker, idle or busy."""
        with self._changed:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
            self._changed.notify_all()
        for worker in workers:
            worker.kill()
