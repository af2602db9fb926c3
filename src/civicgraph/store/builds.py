"""Find the current build of a store directory, and open it for reading.

Layout of a store directory:

    .civicgraph/
      current -> builds/<build-id>      a symlink, swapped atomically when a build succeeds
      builds/<build-id>/oxigraph/       the RDF store
      builds/<build-id>/build.json      when and from what it was built, with its counts
      builds/<build-id>/*.json(l)       files kept beside the build (`kept`)
      build.lock                        held by the one build running (`exclusive`)

`builder` writes a new `builds/<id>` aside, then renames the symlink over `current`: readers
see the old store or the new one, never half of either, and a failed build leaves the old
store untouched.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from civicgraph.config import Settings
from civicgraph.errors import StoreError
from civicgraph.model.ontology import Model, load_model

CURRENT = "current"
BUILDS = "builds"
LOCK = "build.lock"


def current_target(store_dir: Path) -> Path | None:
    link = store_dir / CURRENT
    return link.resolve() if link.is_symlink() else None


def prune(builds: Path, keep: set[str]) -> None:
    """Remove builds other than the new one and the one before it (still open elsewhere)."""
    for child in builds.iterdir():
        if child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)


def current_build(store_dir: Path) -> Path:
    """Return the directory of the current build, or say how to make one."""
    target = current_target(store_dir)
    if target is None or not (target / "oxigraph").is_dir():
        raise StoreError(f"no built store at {store_dir}/; run `civicgraph build` first")
    return target


def manifest(store_dir: Path) -> dict[str, Any]:
    """Return what `build.json` says of the current build."""
    loaded: dict[str, Any] = json.loads((current_build(store_dir) / "build.json").read_text())
    return loaded


@dataclass(frozen=True)
class Build:
    """One build of a store, opened read-only: several processes may hold it at once."""

    directory: Path
    store: ox.Store
    model: Model
    ontology_dir: Path

    @classmethod
    def open(cls, settings: Settings) -> Build:
        """Open the build that `current` points at in the settings' store directory."""
        directory = current_build(settings.store_dir)
        store = ox.Store.read_only(str(directory / "oxigraph"))
        return cls(directory, store, model_for(settings), settings.ontology_dir)


def model_for(settings: Settings) -> Model:
    """Return the ontology model these settings point at."""
    return load_model(settings.ontology_dir.resolve())


@contextmanager
def exclusive(store_dir: Path) -> Iterator[None]:
    """Hold the store's build lock for the block; a second build exits at once, saying so.

    The lock is the kernel's (`flock`), so it goes when the process does, however it ends:
    a build killed midway never leaves the store locked.
    """
    try:
        store_dir.mkdir(parents=True, exist_ok=True)
        lock = (store_dir / LOCK).open("a+", encoding="utf-8")
    except OSError as exc:
        raise StoreError(f"cannot write the store at {store_dir}/: {exc.strerror or exc}") from exc
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            raise StoreError(
                f"another build of {store_dir}/ is running ({holder}); "
                "wait for it to finish, or build into another --store"
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"pid {os.getpid()}\n")
        lock.flush()
        yield
