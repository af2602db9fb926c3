"""Readers hold their build (a shared flock); prune removes only the builds no one holds."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from civicgraph.config import Settings
from civicgraph.errors import StoreError
from civicgraph.store.builder import build
from civicgraph.store.builds import (
    BUILDS,
    OpenStore,
    ReaderLock,
    current_build,
    current_name,
    prune,
)
from civicgraph.store.sparql import select, value

LABEL = "SELECT ?l WHERE { id:ana-ruiz rdfs:label ?l FILTER(lang(?l) = 'en') }"


def label(opened: OpenStore) -> str:
    return str(value(next(iter(select(opened.store, LABEL)))["l"]))


def rename_ana(data: Path, name: str) -> None:
    people = data / "entities" / "people.yaml"
    text = people.read_text()
    for old in ("Ana Ruiz", "Ana Ruiz Two"):
        text = text.replace(f"label: {old}\n", f"label: {name}\n")
    people.write_text(text)


def test_a_held_build_outlives_later_builds_and_goes_once_released(workdir: Path) -> None:
    settings = Settings.resolve(env={})
    build(settings)
    held = OpenStore.current(settings.store_dir)
    build(settings)
    build(settings)
    names = {p.name for p in (settings.store_dir / BUILDS).iterdir()}
    assert names == {held.name, current_name(settings.store_dir)}
    assert label(held) == "Ana Ruiz"  # still readable: nothing of it was removed
    held.lock.release()
    assert prune(settings.store_dir / BUILDS, keep={current_build(settings.store_dir).name}) == []
    assert not (settings.store_dir / BUILDS / held.name).exists()


def test_prune_skips_held_builds_and_clears_leftovers(tmp_path: Path) -> None:
    builds = tmp_path / BUILDS
    for name in ("old", "held", "new", "x.partial", ".pruned-gone"):
        (builds / name / "oxigraph").mkdir(parents=True)
    lock = ReaderLock.take(builds / "held")
    assert lock is not None
    assert prune(builds, keep={"new"}) == ["held"]
    assert sorted(p.name for p in builds.iterdir()) == ["held", "new"]
    lock.release()
    assert prune(builds, keep={"new"}) == []
    assert [p.name for p in builds.iterdir()] == ["new"]


def test_a_reader_finding_its_build_pruned_before_it_locks_gets_nothing(tmp_path: Path) -> None:
    builds = tmp_path / BUILDS
    (builds / "old" / "oxigraph").mkdir(parents=True)
    prune(builds, keep=set())  # between the reader's readlink and its lock
    assert ReaderLock.take(builds / "old") is None
    assert not (builds / "old").exists()  # the reader created no lock file in its place


def test_readers_during_swaps_never_see_a_wrong_answer(workdir: Path) -> None:
    settings = Settings.resolve(env={})
    build(settings)
    seen: list[str] = []
    failures: list[Exception] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                opened = OpenStore.current(settings.store_dir)
                seen.append(label(opened))
                del opened
            except (StoreError, OSError) as exc:
                failures.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for name in ("Ana Ruiz Two", "Ana Ruiz", "Ana Ruiz Two"):
            rename_ana(workdir / "data", name)
            build(settings, shapes=False)
    finally:
        done.set()
        reader.join(30)
    assert failures == []
    assert seen and set(seen) <= {"Ana Ruiz", "Ana Ruiz Two"}


def test_no_store_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="run `civicgraph build`"):
        OpenStore.current(tmp_path)
