"""Build the Oxigraph store atomically from `data/`: every check passes, or nothing changes.

A build reads the sources and records (the build stage), feeds their triples to Oxigraph
while it reads (`loading`), checks references and SHACL shapes meanwhile, writes the files
kept beside the build (`kept`), and only then points `current` at the new build (`builds`).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from contextlib import closing, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from civicgraph.build.contradictions import disagreement_triples, find_contradictions
from civicgraph.build.datafiles import data_files
from civicgraph.build.ingest import read_records
from civicgraph.build.rdf import TripleWriter, ntriples, origins
from civicgraph.build.records import Records
from civicgraph.build.resolutions import (
    check_resolutions,
    links_of,
    merged,
    read_resolutions,
    resolutions_path,
    split,
)
from civicgraph.build.sources import QuoteFinder, load_sources
from civicgraph.build.validate import ShapeChecker, check_records, shape_sample
from civicgraph.config import Settings
from civicgraph.errors import DataError, StoreError
from civicgraph.model.ontology import ONTOLOGY_FILE, SHAPES_FILE, load_model
from civicgraph.model.vocab import ONTOLOGY_GRAPH
from civicgraph.store.builds import BUILDS, CURRENT, current_target, exclusive, manifest, prune
from civicgraph.store.kept import CitationWriter, citations_file, write_from_records
from civicgraph.store.kept_triples import TriplesKeeper, triples_file
from civicgraph.store.loading import Loads, Progress, batched, gc_paused, quiet


@dataclass(frozen=True)
class BuildReport:
    """What a successful build produced."""

    path: Path
    entities: int
    relationships: int
    observations: int
    quads: int
    seconds: float


class Fingerprint:
    """Hash every input of a build, in one order, so caches can tell when the store is stale:
    the data files (as the build reads them), then the sources and the ontology."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()

    def add(self, path: Path, data: bytes) -> None:
        self.digest.update(path.as_posix().encode())
        self.digest.update(data)

    def finish(self, settings: Settings) -> str:
        """Add the inputs other than the data files and return the hex digest."""
        others = sorted((settings.data_dir / "sources").rglob("*"))
        others.append(resolutions_path(settings.data_dir))  # absent: no judgements
        others += [settings.ontology_dir / ONTOLOGY_FILE, settings.ontology_dir / SHAPES_FILE]
        for path in others:
            if path.is_file():
                self.add(path, path.read_bytes())
        return self.digest.hexdigest()


def data_fingerprint(settings: Settings) -> str:
    """Return the fingerprint a build of the data there is now would record."""
    fingerprint = Fingerprint()
    for _, path in data_files(settings.data_dir):
        if path.is_file():
            fingerprint.add(path, path.read_bytes())
    return fingerprint.finish(settings)


def build(settings: Settings, progress: Progress = quiet, *, shapes: bool = True) -> BuildReport:
    """Validate `data/` and build a new store; raise DataError with every problem found.

    The data graph goes to Oxigraph's bulk loader as N-Triples text generated a record at a
    time, so no Python object holds the whole graph. SHACL runs before anything is written,
    on every record of a small dataset and on a sample of a large one (`validate`). One
    build of a store runs at a time (`builds.exclusive`).
    """
    store_dir = settings.store_dir
    if store_dir.is_dir() and os.statvfs(store_dir).f_flag & os.ST_RDONLY:
        raise StoreError(_not_written(store_dir, "the file system is read-only"))
    try:
        with exclusive(store_dir), gc_paused():
            return _build(settings, progress, shapes=shapes)
    except OSError as exc:
        if exc.filename is not None and not _inside(Path(str(exc.filename)), store_dir):
            raise  # reading an input, not writing the build
        raise StoreError(_not_written(store_dir, _reason(exc))) from exc


def _reason(exc: OSError) -> str:
    """Say why a write failed; Oxigraph's errors carry no errno, only the OS's words."""
    text = str(exc)
    if exc.errno == errno.ENOSPC or "No space left on device" in text:
        return "no space left on device while writing the new build"
    if exc.errno == errno.EDQUOT or "Disk quota exceeded" in text:
        return "disk quota exceeded while writing the new build"
    if exc.errno == errno.EROFS or "Read-only file system" in text:
        return "the file system is read-only"
    return f"cannot write the new build: {exc.strerror or text}"


def _not_written(store_dir: Path, reason: str) -> str:
    kept = "the old store is unchanged" if current_target(store_dir) else "no store was built"
    return f"{store_dir}/: {reason}; {kept}"


def _inside(path: Path, directory: Path) -> bool:
    return path.resolve().is_relative_to(directory.resolve())


def _build(settings: Settings, progress: Progress, *, shapes: bool) -> BuildReport:
    started = time.perf_counter()
    model = load_model(settings.ontology_dir.resolve())
    progress("reading sources")
    sources, problems = load_sources(settings.data_dir / "sources")
    resolutions, resolution_problems = read_resolutions(settings.data_dir)
    problems += resolution_problems
    into = resolutions.into  # merged id -> kept id, applied as the records are loaded
    counts: dict[str, int] = {}
    info: dict[str, Any] = {  # what build.json says of the build
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "data_dir": str(settings.data_dir.resolve()),
    }

    def load(store: ox.Store, directory: Path) -> TriplesKeeper:
        # Oxigraph parses, sorts and writes its indexes in Rust without the GIL, so this
        # thread reads and checks the records while it loads them. Nothing is kept unless
        # every check passes: the store is written aside, and dropped on any problem.
        writer = TripleWriter(model, merged_into=into.values())
        citations = CitationWriter(citations_file(directory, settings.ontology_dir))
        keeper = TriplesKeeper(triples_file(directory))
        with keeper, Loads(store, keep=keeper.write) as loader, closing(citations):
            loader.feed("".join(chunk for doc in sources for chunk in writer.source(doc)))

            def feed(typed: Records) -> None:
                typed = split(typed, into)
                for chunk in batched(writer.records(typed)):
                    loader.feed(chunk)
                citations.write(typed)  # written while Oxigraph parses what was fed

            progress("reading records and loading them")
            fingerprint = Fingerprint()
            records, _, record_problems = read_records(
                settings.data_dir,
                model,
                QuoteFinder(sources),
                keep_raw=False,
                on_file=feed,
                on_read=fingerprint.add,
            )
            info["fingerprint"] = fingerprint.finish(settings)
            written, records = records, merged(records, into)  # as written, as the graph has it
            # records from different documents that disagree point at each other
            if disagreeing := disagreement_triples(find_contradictions(records, model)):
                loader.feed(disagreeing)
            loader.end()  # the checks below run while Oxigraph indexes; a problem drops it all
            if shacl is not None:  # the ShapeChecker started below, before this load
                sample = shape_sample(records)
                sampled = sample is not records
                progress("checking SHACL shapes" + (" on a sample" if sampled else ""))
                text = "".join(ntriples(sample, sources, model)).encode("utf-8")
                shacl.send(text)  # checked in the child while this thread goes on
            progress("checking references")
            all_problems = problems + record_problems
            if not records.unreadable:  # else its references would dangle by the hundred
                all_problems += check_records(written, model, sources)
                types = {e.id: e.types for e in written.entities}
                all_problems += check_resolutions(resolutions, types, links_of(written), model)
            if all_problems:
                raise DataError(all_problems)
            progress("writing the projection, name index and graph arrays")
            write_from_records(directory, settings.ontology_dir, records, model.is_contextual)
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
        return keeper  # kept by `_write_aside` once the store's triples are counted

    # the SHACL child imports its libraries while the records are read
    with ShapeChecker(settings.ontology_dir) if shapes else nullcontext() as shacl:
        path, quads = _write_aside(settings.store_dir, load, info, counts)
    return BuildReport(path=path, quads=quads, seconds=time.perf_counter() - started, **counts)


def _write_aside(
    store_dir: Path,
    load: Callable[[ox.Store, Path], TriplesKeeper],
    info: dict[str, Any],
    counts: dict[str, int],
) -> tuple[Path, int]:
    """Load a new build beside the current one, then point `current` at it.

    `info` and `counts` are filled by `load` (the fingerprint of what it read, the
    records it loaded) and go into build.json with the number of quads, and with the
    N-Triples `load` kept if they hold the default graph's quads.
    """
    builds = store_dir / BUILDS
    build_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{os.getpid()}-{time.time_ns()}"
    partial = written = builds / f"{build_id}.partial"
    link = store_dir / f"{CURRENT}.{build_id}.tmp"
    try:
        builds.mkdir(parents=True, exist_ok=True)
        partial.mkdir()
        store = ox.Store(str(partial / "oxigraph"))
        try:
            keeper = load(store, partial)
        except (SyntaxError, ValueError) as exc:  # an IRI the data made is not a valid IRI
            raise StoreError(f"cannot load the graph: {exc}") from exc
        store.flush()
        quads = len(store)
        if (kept := keeper.keep(quads - _named_quads(store))) is not None:
            info["ntriples"] = kept
        del store
        (partial / "build.json").write_text(
            json.dumps({**info, **counts, "triples": quads}, indent=2) + "\n"
        )
        final = builds / build_id
        partial.rename(final)
        written = final
        link.symlink_to(Path(BUILDS) / build_id)
        os.replace(link, store_dir / CURRENT)
    except BaseException:  # a full disk, say: remove what was written, where it can be
        shutil.rmtree(written, ignore_errors=True)
        with suppress(OSError):
            link.unlink(missing_ok=True)
        raise
    prune(builds, keep={final.name})  # older builds go once no reader holds them
    return final.resolve(), quads


def _named_quads(store: ox.Store) -> int:
    """Count the quads outside the default graph: the ontology's, some hundreds."""
    return sum(
        1
        for graph in store.named_graphs()
        for _ in store.quads_for_pattern(None, None, None, graph)
    )


def is_stale(settings: Settings) -> bool:
    """Tell whether the store is missing or was built from other data than there is now."""
    try:
        return bool(manifest(settings.store_dir)["fingerprint"] != data_fingerprint(settings))
    except (StoreError, OSError, KeyError, ValueError):
        return True
