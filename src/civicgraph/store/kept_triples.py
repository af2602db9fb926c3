"""The data graph's N-Triples, kept beside a build so that an export reads a file.

`Store.dump` decodes every term of every quad from Oxigraph's string table: 7 minutes for
the 27M quads of a 400k-entity store. The build already writes each triple of the default
graph as N-Triples for the bulk loader (`loading.Loads`), so `TriplesKeeper` keeps those
same bytes, gzip-compressed on a thread (zlib level 1 lets go of the GIL, writes about a
tenth of the size at some 240 MB/s, and reads back at some 380 MB/s), as
`triples-<digest>.nt.gz`.

The file holds exactly the store's default graph, in the form `Store.dump` writes it: the
writer (`build.rdf`) writes each triple once and each literal as Oxigraph writes it back,
and the build keeps the file only if its line count equals the default graph's quads
(the store keeps a triple written twice once). `build.json` records the file's name, size
and triples (`ntriples`); a build without that record (an older one), a file lost or of
another size reads the graph through `Store.dump` instead, and so does a named graph (the
ontology, 761 quads). A file that turns out damaged while it is read (gzip checks its CRC
at the end) is an error, or, written to a file that can be rewound, a dump after all.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import queue
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, Protocol

import pyoxigraph as ox

from civicgraph.errors import StoreError

BLOCK = 1 << 20
Graph = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def triples_file(build_dir: Path) -> Path:
    """Name the kept N-Triples of a build's default graph for this file layout.

    The digest is of this module alone, not of the ontology as well (`code_digest`): the
    file is written once, by the build, and says what the store holds whatever the
    ontology says since; a reader of another layout finds another name and dumps.
    """
    digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    return build_dir / f"triples-{digest}.nt.gz"


class TriplesKeeper:
    """Compress the N-Triples a build feeds into a file beside it, on a thread.

    `write` queues the bytes (a few blocks at most wait, which bounds memory); `close`
    waits for the thread and leaves the file aside; `keep` puts it in place if it holds as
    many triples as the store's default graph. An error writing (a full disk) is raised by
    the next `write` or by `close`; leaving the block in error removes the file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        self.out = self.partial.open("wb")
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
        self.error: BaseException | None = None
        self.lines = 0
        self.thread = threading.Thread(target=self._run, name="keep-triples", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        # gzip framing (wbits 31), so the file is also plain `zcat` input
        compressor = zlib.compressobj(1, zlib.DEFLATED, 31)
        ended = False  # the end (None) was taken: nothing more will be queued
        try:
            while (data := self.queue.get()) is not None:
                self.lines += data.count(b"\n")
                self.out.write(compressor.compress(data))
            ended = True
            self.out.write(compressor.flush())  # a full disk may show only here
        except BaseException as exc:  # raised in the building thread
            self.error = exc
            while not ended and self.queue.get() is not None:  # let the feeder go on
                pass
        finally:
            try:
                self.out.close()  # writes what is buffered: a full disk may show here too
            except OSError as exc:
                self.error = self.error or exc

    def write(self, data: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(data)

    def close(self) -> None:
        """Wait for the thread to write the end of the file; raise its error."""
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error

    def keep(self, triples: int) -> dict[str, Any] | None:
        """Put the file in place if it holds `triples` lines (the default graph's quads);
        return what build.json says of it, None if it is dropped."""
        if self.lines != triples:  # the writer wrote a triple twice: the dump is right
            self.partial.unlink(missing_ok=True)
            return None
        os.replace(self.partial, self.path)
        return {"file": self.path.name, "bytes": self.path.stat().st_size, "triples": triples}

    def __enter__(self) -> TriplesKeeper:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if exc_info[0] is None:
            self.close()
            return
        with suppress(BaseException):
            self.close()
        self.partial.unlink(missing_ok=True)


def kept_triples(build_dir: Path) -> tuple[Path, int] | None:
    """Return the kept N-Triples of a build's default graph and how many triples it holds;
    None if the build kept none (or in another layout), or the file is gone or not the
    size it was written."""
    try:
        kept = json.loads((build_dir / "build.json").read_text(encoding="utf-8"))["ntriples"]
        path = triples_file(build_dir)
        if kept["file"] == path.name and path.stat().st_size == kept["bytes"]:
            return path, int(kept["triples"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


class Damaged(StoreError):
    """The kept N-Triples turned out damaged while they were read."""


class KeptReader:
    """Read the kept N-Triples decompressed, checking them: gzip's CRC and length at the
    end, and the number of lines; `Damaged` at the end of a file that fails either."""

    def __init__(self, path: Path, triples: int) -> None:
        self.path = path
        self.triples = triples
        self.lines = 0
        self.file = gzip.open(path, "rb")  # noqa: SIM115 (closed by `close`)

    def read(self, size: int = BLOCK) -> bytes:
        try:
            data = self.file.read(size)
        except (OSError, EOFError, zlib.error) as exc:
            raise Damaged(f"the kept N-Triples {self.path} are damaged: {exc}") from exc
        self.lines += data.count(b"\n")
        if not data and self.lines != self.triples:
            raise Damaged(
                f"the kept N-Triples {self.path} hold {self.lines} triples, not {self.triples}"
            )
        return data

    def close(self) -> None:
        self.file.close()


@contextmanager
def graph_ntriples(
    store: ox.Store, graph: Graph, build_dir: Path | None = None
) -> Iterator[Readable]:
    """Read one graph's N-Triples: the kept file for the default graph when the build
    (`build_dir`) has one, else what Oxigraph dumps into a pipe on a thread.

    The block yields something with `read(size)`; a damaged kept file raises `Damaged`
    from it (a `StoreError`), a failed dump a `StoreError` on leaving the block.
    """
    kept = kept_triples(build_dir) if build_dir is not None else None
    if kept is not None and isinstance(graph, ox.DefaultGraph):
        reader = KeptReader(*kept)
        try:
            yield reader
        finally:
            reader.close()
        return
    with dumped(store, graph) as text:
        yield text


@contextmanager
def dumped(store: ox.Store, graph: Graph) -> Iterator[IO[bytes]]:
    """Read a graph's N-Triples while Oxigraph writes them into a pipe on a thread.

    `Store.dump` serialises in Rust, so the quads never become Python objects; a reader
    works on the first parts while the rest is written. (Given the pipe's path rather than
    a file, Oxigraph syncs the file at the end, which a pipe refuses.) A reader that stops
    early closes its end: the writer's next write fails and the thread ends.
    """
    read_end, write_end = os.pipe()
    failed: list[BaseException] = []

    def dump() -> None:
        try:
            with os.fdopen(write_end, "wb", buffering=BLOCK) as sink:
                store.dump(sink, ox.RdfFormat.N_TRIPLES, from_graph=graph)
        except BaseException as exc:  # handed to the reading side
            failed.append(exc)

    writer = threading.Thread(target=dump, name="dump-graph", daemon=True)
    writer.start()
    try:
        with os.fdopen(read_end, "rb", buffering=BLOCK) as text:
            yield text
    finally:
        writer.join()
    if failed:
        name = "the default graph" if isinstance(graph, ox.DefaultGraph) else f"<{graph.value}>"
        raise StoreError(f"reading {name} failed: {failed[0]}")


def write_ntriples(store: ox.Store, graph: Graph, sink: IO[bytes], build_dir: Path | None) -> None:
    """Write one graph's N-Triples to `sink`, from the kept file when there is one.

    A kept file found damaged halfway is replaced by Oxigraph's dump when `sink` can be
    rewound (a file); otherwise (a pipe) the error stands, after what was written.
    """
    kept = kept_triples(build_dir) if build_dir is not None else None
    if kept is None or not isinstance(graph, ox.DefaultGraph):
        store.dump(sink, ox.RdfFormat.N_TRIPLES, from_graph=graph)
        return
    start = sink.tell() if sink.seekable() else None
    reader = KeptReader(*kept)
    try:
        while data := reader.read(BLOCK):
            sink.write(data)
    except Damaged:
        if start is None:
            raise
        sink.seek(start)
        sink.truncate()
        store.dump(sink, ox.RdfFormat.N_TRIPLES, from_graph=graph)
    finally:
        reader.close()
