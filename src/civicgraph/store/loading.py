"""Feed Oxigraph's bulk loader while the records are still being read.

The build stage hands on N-Triples text a record at a time; `Loads` passes it to a series
of bulk loads running on threads (Oxigraph parses and indexes in Rust without the GIL), so
reading, checking and loading overlap and no Python object holds the whole graph.
`gc_paused` keeps the cyclic garbage collector from walking millions of live records.
"""

from __future__ import annotations

import gc
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pyoxigraph as ox

from civicgraph.errors import StoreError

Progress = Callable[[str], None]


def quiet(_: str) -> None:
    """Report no progress."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block.

    A build (or the Bolt rows) keeps millions of objects alive and creates no cycles; each
    full collection walks them all, a fifth of a large build and several times the cost of
    building the Bolt rows of a 100k graph.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def batched(chunks: Iterator[str], size: int = 1 << 20) -> Iterator[str]:
    """Join small text chunks into about `size` characters each: fewer hand-offs."""
    batch: list[str] = []
    length = 0
    for chunk in chunks:
        batch.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(batch)
            batch, length = [], 0
    if batch:
        yield "".join(batch)


class BackgroundLoad:
    """Run Oxigraph's bulk loader on a thread, reading the N-Triples text given to `feed`.

    The text goes through an OS pipe that the loader opens by path: given a path, pyoxigraph
    releases the GIL for the whole load, so the thread that feeds it keeps working in
    Python (given a Python file object it would hold the GIL while parsing, and the two
    would take turns). The data goes to the default graph: Oxigraph keeps three indexes for
    it against six for a named graph, which halves the loader's work (the ontology keeps
    its named graph). Leaving the block waits for the loader; an error on either side is
    raised there, and the feeder's error cuts the load short.
    """

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.error: BaseException | None = None
        read_end, write_end = os.pipe()
        self.read_end = read_end
        self.sink = os.fdopen(write_end, "wb", buffering=1 << 20)
        self.thread = threading.Thread(target=self._run, name="bulk-load", daemon=True)

    def _run(self) -> None:
        try:
            # lenient: the IRIs are made of checked slugs and ontology terms, literals by JSON
            self.store.bulk_load(
                path=f"/dev/fd/{self.read_end}", format=ox.RdfFormat.N_TRIPLES, lenient=True
            )
        except BaseException as exc:  # raised again in the feeding thread
            self.error = exc
        finally:
            os.close(self.read_end)  # a feeder still writing gets a broken pipe

    def __enter__(self) -> BackgroundLoad:
        self.thread.start()
        return self

    def finish(self, failed: bool = False) -> None:
        """Wait for the load; raise its error, or, if the build `failed`, end it in error."""
        with suppress(BrokenPipeError):
            if failed and not self.sink.closed:  # end the load in error
                self.sink.write(b"\n<abandoned>\n")  # not N-Triples
            self.sink.close()
        self.thread.join()
        if self.error is not None and not failed:
            raise self.error

    def feed(self, text: str) -> None:
        self.write(text.encode("utf-8"))

    def write(self, data: bytes) -> None:
        try:
            self.sink.write(data)
        except BrokenPipeError:  # the loader stopped: say why
            self.thread.join()
            raise self.error or StoreError("the bulk loader stopped early") from None

    def end(self) -> None:
        """Say the input is complete: the loader sorts and writes its last batch meanwhile."""
        with suppress(BrokenPipeError):  # the loader may have stopped already
            self.sink.close()

    def __exit__(self, *exc_info: object) -> None:
        self.finish(failed=exc_info[0] is not None)


class Loads:
    """Load a stream of N-Triples as a series of bulk loads of about `part` characters each.

    Oxigraph sorts and writes a load's last batch only once its input ends, so one load of
    the whole graph leaves that work until every record is read. Ending a load every
    `part` characters and starting the next lets the two overlap. At most one finished part
    is being written while the next is fed, which bounds memory: a new part waits for the
    one before the last (more writers, or smaller parts, measured no faster: each load
    costs Oxigraph CPU of its own). The text is split only between records. A failed
    build abandons them all (the store is dropped). `keep`, if given, sees the same bytes
    (the build keeps them, `kept_triples`).
    """

    def __init__(
        self, store: ox.Store, part: int = 40 << 20, keep: Callable[[bytes], None] | None = None
    ) -> None:
        self.store = store
        self.part = part
        self.keep = keep
        self.current: BackgroundLoad | None = None
        self.writing: deque[BackgroundLoad] = deque()
        self.fed = 0

    def __enter__(self) -> Loads:
        return self

    def feed(self, text: str) -> None:
        if self.current is None:
            while len(self.writing) > 1:
                self.writing.popleft().finish()  # waits; raises its error
            self.current = BackgroundLoad(self.store).__enter__()  # finished below
        data = text.encode("utf-8")
        self.current.write(data)
        if self.keep is not None:
            self.keep(data)
        self.fed += len(text)
        if self.fed >= self.part:
            self.current.end()
            self.writing.append(self.current)
            self.current, self.fed = None, 0

    def end(self) -> None:
        """Say the input is complete."""
        if self.current is not None:
            self.current.end()

    def __exit__(self, *exc_info: Any) -> None:
        loads = [*self.writing, *([self.current] if self.current is not None else [])]
        self.writing.clear()
        self.current = None
        errors = []
        for load in loads:  # wait for every one before the store may be dropped
            try:
                load.finish(failed=exc_info[0] is not None)
            except BaseException as exc:
                errors.append(exc)
        if errors:
            raise errors[0]
