"""Find the current build of a store directory, open it for reading, and prune old builds.

Layout of a store directory:

    .civicgraph/
      current -> builds/<build-id>      a symlink, swapped atomically when a build succeeds
      builds/<build-id>/oxigraph/       the RDF store
      builds/<build-id>/build.json      when and from what it was built, with its counts
      builds/<build-id>/*.json(l)       files kept beside the build (`kept`)
      builds/<build-id>/triples-*.nt.gz the default graph's N-Triples (`kept_triples`)
      builds/<build-id>/readers.lock    a shared `flock` held by every reader of the build
      build.lock                        held by the one build running (`exclusive`)

`builder` writes a new `builds/<id>` aside, then renames the symlink over `current`: readers
see the old store or the new one, never half of either, and a failed build leaves the old
store untouched. Every reader (`OpenStore`: the CLI, the explorer, each endpoint worker)
holds a shared lock on its build's `readers.lock` for as long as it has the store open;
`prune` removes only the old builds it can lock exclusively, so a build in use stays until
a later build finds it free.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from civicgraph.config import Settings
from civicgraph.errors import StoreError
from civicgraph.model.ontology import Model, load_model

CURRENT = "current"
BUILDS = "builds"
LOCK = "build.lock"
READERS = "readers.lock"
PRUNED = ".pruned-"  # a build being removed is renamed so first, out of every reader's way
OPEN_ATTEMPTS = 5


def current_target(store_dir: Path) -> Path | None:
    link = store_dir / CURRENT
    return link.resolve() if link.is_symlink() else None


def current_name(store_dir: Path) -> str | None:
    """Name the build `current` points at, by one readlink (None if there is no link)."""
    try:
        return Path(os.readlink(store_dir / CURRENT)).name
    except OSError:
        return None


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


class ReaderLock:
    """A shared `flock` on a build's `readers.lock`: while it is held, `prune` leaves the
    build alone. It goes when released, when this object is collected, or with the process."""

    def __init__(self, fd: int | None) -> None:
        self._fd = fd

    @classmethod
    def take(cls, directory: Path) -> ReaderLock | None:
        """Lock a build for reading; None if the build was pruned before the lock was held."""
        path = directory / READERS
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except FileNotFoundError:
            return None  # the directory is gone: pruned since `current` was read
        except OSError:  # a store on read-only media: nothing can prune it either
            return cls(None) if (directory / "oxigraph").is_dir() else None
        fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while a prune renames the build away
        if not (directory / "oxigraph").is_dir():
            os.close(fd)
            return None
        return cls(fd)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.release()


@dataclass(frozen=True)
class OpenStore:
    """The current build's Oxigraph store, opened read-only, and the lock that keeps it."""

    directory: Path
    store: ox.Store
    lock: ReaderLock = field(repr=False, compare=False)

    @classmethod
    def current(cls, store_dir: Path) -> OpenStore:
        """Open the build `current` points at; if it is pruned before it is locked (a build
        landed meanwhile), open the new current one."""
        for _ in range(OPEN_ATTEMPTS):
            directory = current_build(store_dir)
            lock = ReaderLock.take(directory)
            if lock is None:
                continue
            try:
                store = ox.Store.read_only(str(directory / "oxigraph"))
            except OSError as exc:
                lock.release()
                raise StoreError(f"cannot open the store at {directory}: {exc}") from exc
            return cls(directory, store, lock)
        raise StoreError(f"the builds of {store_dir}/ changed {OPEN_ATTEMPTS} times while opening")

    @property
    def name(self) -> str:
        return self.directory.name

    def is_current(self, store_dir: Path) -> bool:
        """Tell whether `current` still points at this build (one readlink)."""
        return current_name(store_dir) == self.name


@dataclass(frozen=True)
class Build:
    """One build of a store, opened read-only: several processes may hold it at once, and
    none of them loses it to a later build's pruning while it is open (`lock`)."""

    directory: Path
    store: ox.Store
    model: Model
    ontology_dir: Path
    lock: ReaderLock | None = field(default=None, repr=False, compare=False)

    @classmethod
    def open(cls, settings: Settings) -> Build:
        """Open the build that `current` points at in the settings' store directory."""
        opened = OpenStore.current(settings.store_dir)
        return cls(
            opened.directory, opened.store, model_for(settings), settings.ontology_dir, opened.lock
        )


def model_for(settings: Settings) -> Model:
    """Return the ontology model these settings point at."""
    return load_model(settings.ontology_dir.resolve())


def prune(builds: Path, keep: set[str]) -> list[str]:
    """Remove every build other than `keep` that no reader holds; return the held ones.

    A held build stays; the next build's prune tries it again. Called under the build lock
    (`exclusive`), so one prune runs at a time.
    """
    held = []
    for child in sorted(builds.iterdir()):
        if child.name.startswith(PRUNED):  # a prune that stopped midway
            shutil.rmtree(child, ignore_errors=True)
        elif child.name not in keep and not _remove_unless_held(child):
            held.append(child.name)
    return held


def _remove_unless_held(directory: Path) -> bool:
    if not directory.is_dir() or directory.is_symlink():
        directory.unlink(missing_ok=True)
        return True
    try:
        fd = os.open(directory / READERS, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        # renamed while locked: a reader that locks the old path afterwards finds it gone
        trash = directory.with_name(PRUNED + directory.name)
        os.rename(directory, trash)
    finally:
        os.close(fd)
    shutil.rmtree(trash, ignore_errors=True)
    return True


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
