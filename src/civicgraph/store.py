"""Build the Oxigraph store atomically and open it for reading.

Layout of a store directory:

    .civicgraph/
      current -> builds/<build-id>      a symlink, swapped atomically when a build succeeds
      builds/<build-id>/oxigraph/       the RDF store
      builds/<build-id>/build.json      when and from what it was built, with its counts

A build writes a new `builds/<id>` aside, then renames the symlink over `current`: readers
see the old store or the new one, never half of either, and a failed build leaves the
old store untouched.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from civicgraph.config import Settings
from civicgraph.errors import DataError, StoreError
from civicgraph.ingest import Records, data_files, read_records
from civicgraph.ontology import ONTOLOGY_FILE, SHAPES_FILE, Model, load_model
from civicgraph.projcache import CitationWriter, citations_file, write_from_records
from civicgraph.rdf import TripleWriter, ntriples, origins
from civicgraph.sources import QuoteFinder, load_sources
from civicgraph.validate import ShapeChecker, check_records, shape_sample
from civicgraph.vocab import ONTOLOGY_GRAPH

CURRENT = "current"
BUILDS = "builds"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildReport:
    """What a successful build produced."""

    path: Path
    entities: int
    relationships: int
    observations: int
    quads: int
    seconds: float


def _quiet(_: str) -> None:
    pass


def data_fingerprint(settings: Settings) -> str:
    """Hash every input of a build, so caches can tell when the store is stale."""
    digest = hashlib.sha256()
    inputs = [path for _, path in data_files(settings.data_dir)]
    inputs += sorted((settings.data_dir / "sources").rglob("*"))
    inputs += [settings.ontology_dir / ONTOLOGY_FILE, settings.ontology_dir / SHAPES_FILE]
    for path in inputs:
        if path.is_file():
            digest.update(path.as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def build(settings: Settings, progress: Progress = _quiet, *, shapes: bool = True) -> BuildReport:
    """Validate `data/` and build a new store; raise DataError with every problem found.

    The data graph goes to Oxigraph's bulk loader as N-Triples text generated a record at a
    time, so no Python object holds the whole graph. SHACL runs before anything is written,
    on every record of a small dataset and on a sample of a large one (`validate`).
    """
    with gc_paused():
        return _build(settings, progress, shapes=shapes)


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


def _build(settings: Settings, progress: Progress, *, shapes: bool) -> BuildReport:
    started = time.perf_counter()
    model = load_model(settings.ontology_dir.resolve())
    progress("reading sources")
    sources, problems = load_sources(settings.data_dir / "sources")
    counts: dict[str, int] = {}

    def load(store: ox.Store, directory: Path) -> None:
        # Oxigraph parses, sorts and writes its indexes in Rust without the GIL, so this
        # thread reads and checks the records while it loads them. Nothing is kept unless
        # every check passes: the store is written aside, and dropped on any problem.
        writer = TripleWriter(model)
        citations = CitationWriter(citations_file(directory, settings.ontology_dir))
        with _Loads(store) as loader, closing(citations):
            loader.feed("".join(chunk for doc in sources for chunk in writer.source(doc)))

            def feed(typed: Records) -> None:
                for chunk in _batched(writer.records(typed)):
                    loader.feed(chunk)
                citations.write(typed)  # written while Oxigraph parses what was fed

            progress("reading records and loading them")
            records, _, record_problems = read_records(
                settings.data_dir, model, QuoteFinder(sources), keep_raw=False, on_file=feed
            )
            loader.end()  # the checks below run while Oxigraph indexes; a problem drops it all
            if shacl is not None:  # the ShapeChecker started below, before this load
                sample = shape_sample(records)
                sampled = sample is not records
                progress("checking SHACL shapes" + (" on a sample" if sampled else ""))
                text = "".join(ntriples(sample, sources, model)).encode("utf-8")
                shacl.send(text)  # checked in the child while this thread goes on
            progress("checking references")
            all_problems = problems + record_problems + check_records(records, model, sources)
            if all_problems:
                raise DataError(all_problems)
            progress("writing the projection and name index")
            write_from_records(directory, settings.ontology_dir, records)
            if shacl is not None and (shape_problems := shacl.problems(origins(sample))):
                raise DataError(shape_problems)
            counts.update(
                entities=len(records.entities),
                relationships=len(records.relationships),
                observations=len(records.observations),
            )
            progress("indexing the store")
        store.bulk_load(
            path=settings.ontology_dir / ONTOLOGY_FILE,
            format=ox.RdfFormat.TURTLE,
            to_graph=ox.NamedNode(ONTOLOGY_GRAPH),
        )

    manifest = {
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "fingerprint": data_fingerprint(settings),
        "data_dir": str(settings.data_dir.resolve()),
    }
    # the SHACL child imports its libraries while the records are read
    with ShapeChecker(settings.ontology_dir) if shapes else nullcontext() as shacl:
        path, quads = _write_aside(settings.store_dir, load, manifest, counts)
    return BuildReport(path=path, quads=quads, seconds=time.perf_counter() - started, **counts)


def _batched(chunks: Iterator[str], size: int = 1 << 20) -> Iterator[str]:
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


class _BackgroundLoad:
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

    def __enter__(self) -> _BackgroundLoad:
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
        try:
            self.sink.write(text.encode("utf-8"))
        except BrokenPipeError:  # the loader stopped: say why
            self.thread.join()
            raise self.error or StoreError("the bulk loader stopped early") from None

    def end(self) -> None:
        """Say the input is complete: the loader sorts and writes its last batch meanwhile."""
        with suppress(BrokenPipeError):  # the loader may have stopped already
            self.sink.close()

    def __exit__(self, *exc_info: object) -> None:
        self.finish(failed=exc_info[0] is not None)


class _Loads:
    """Load a stream of N-Triples as a series of bulk loads of about `part` characters each.

    Oxigraph sorts and writes a load's last batch only once its input ends, so one load of
    the whole graph leaves that work until every record is read. Ending a load every
    `part` characters and starting the next lets the two overlap. At most one finished part
    is being written while the next is fed, which bounds memory: a new part waits for the
    one before the last (more writers, or smaller parts, measured no faster: each load
    costs Oxigraph CPU of its own). The text is split only between records. A failed
    build abandons them all (the store is dropped).
    """

    def __init__(self, store: ox.Store, part: int = 40 << 20) -> None:
        self.store = store
        self.part = part
        self.current: _BackgroundLoad | None = None
        self.writing: deque[_BackgroundLoad] = deque()
        self.fed = 0

    def __enter__(self) -> _Loads:
        return self

    def feed(self, text: str) -> None:
        if self.current is None:
            while len(self.writing) > 1:
                self.writing.popleft().finish()  # waits; raises its error
            self.current = _BackgroundLoad(self.store).__enter__()  # finished below
        self.current.feed(text)
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


def _write_aside(
    store_dir: Path,
    load: Callable[[ox.Store, Path], None],
    manifest: dict[str, Any],
    counts: dict[str, int],
) -> tuple[Path, int]:
    """Load a new build beside the current one, then point `current` at it.

    `counts` is filled by `load` and goes into build.json with the number of quads.
    """
    builds = store_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    build_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{os.getpid()}-{time.time_ns()}"
    partial = builds / f"{build_id}.partial"
    try:
        partial.mkdir()
        store = ox.Store(str(partial / "oxigraph"))
        try:
            load(store, partial)
        except (SyntaxError, ValueError) as exc:  # an IRI the data made is not a valid IRI
            raise StoreError(f"cannot load the graph: {exc}") from exc
        store.flush()
        quads = len(store)
        del store
        (partial / "build.json").write_text(
            json.dumps({**manifest, **counts, "triples": quads}, indent=2) + "\n"
        )
        final = builds / build_id
        partial.rename(final)
        link = store_dir / f"{CURRENT}.{build_id}.tmp"
        link.symlink_to(Path(BUILDS) / build_id)
        previous = _current_target(store_dir)
        os.replace(link, store_dir / CURRENT)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    _prune(builds, keep={final.name, previous.name if previous else ""})
    return final.resolve(), quads


def _current_target(store_dir: Path) -> Path | None:
    link = store_dir / CURRENT
    return link.resolve() if link.is_symlink() else None


def _prune(builds: Path, keep: set[str]) -> None:
    """Remove builds other than the new one and the one before it (still open elsewhere)."""
    for child in builds.iterdir():
        if child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)


def current_build(store_dir: Path) -> Path:
    """Return the directory of the current build, or say how to make one."""
    target = _current_target(store_dir)
    if target is None or not (target / "oxigraph").is_dir():
        raise StoreError(f"no built store at {store_dir}/; run `civicgraph build` first")
    return target


def manifest(store_dir: Path) -> dict[str, Any]:
    """Return what `build.json` says of the current build."""
    loaded: dict[str, Any] = json.loads((current_build(store_dir) / "build.json").read_text())
    return loaded


def is_stale(settings: Settings) -> bool:
    """Tell whether the store is missing or was built from other data than there is now."""
    try:
        return bool(manifest(settings.store_dir)["fingerprint"] != data_fingerprint(settings))
    except (StoreError, OSError, KeyError, ValueError):
        return True


@contextmanager
def open_store(store_dir: Path) -> Iterator[ox.Store]:
    """Open the current build read-only; several readers may hold it at once."""
    path = current_build(store_dir) / "oxigraph"
    try:
        store = ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {path}: {exc}") from exc
    yield store


def model_for(settings: Settings) -> Model:
    """Return the ontology model these settings point at."""
    return load_model(settings.ontology_dir.resolve())
