"""A build that cannot write (a full disk, a read-only store) is one clear line and exit 2,
never a traceback; the store built before it keeps answering, and commands that only read
work on a read-only store.

The conditions are real: a small tmpfs, and read-only bind mounts. Where mounting is not
permitted (not root, no mount namespace) the tests skip.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import MINI
from tests.servers import civicgraph_command

FULL = "no space left on device while writing the new build; the old store is unchanged"
READ_ONLY = "the file system is read-only; the old store is unchanged"


def mount(*args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        pytest.skip("no mount command here")


def first_line(text: str) -> str:
    return (text.strip().splitlines() or ["no reason given"])[0]


@contextmanager
def mounted(target: Path, *args: str) -> Iterator[Path]:
    """Mount onto `target` for the block (skip where mounting is not permitted)."""
    done = mount(*args, str(target))
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({' '.join(args)}): {first_line(done.stderr)}")
    try:
        yield target
    finally:
        subprocess.run(["umount", str(target)], check=True, timeout=30)


@contextmanager
def read_only(directory: Path) -> Iterator[Path]:
    """Make `directory` read-only for the block, with a read-only bind mount onto itself."""
    with mounted(directory, "--bind", str(directory)):
        done = mount("-o", "remount,bind,ro", str(directory))
        if done.returncode != 0:
            pytest.skip(f"cannot remount read-only here: {first_line(done.stderr)}")
        yield directory


def civicgraph(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = civicgraph_command(*args)
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


def stats(store: Path) -> object:
    done = civicgraph("stats", "--json", "--store", str(store), cwd=store.parent)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def build(data: Path, store: Path) -> subprocess.CompletedProcess[str]:
    return civicgraph("build", "--data", str(data), "--store", str(store), cwd=store.parent)


def with_long_description(tmp_path: Path, megabytes: int) -> Path:
    """A copy of the mini dataset whose Ana Ruiz has a description of `megabytes` MB."""
    data = tmp_path / "bigger"
    shutil.copytree(MINI, data)
    people = data / "entities" / "people.yaml"
    short = "description: Founder of the Clean Streets Network."
    text = people.read_text(encoding="utf-8")
    assert short in text, "the fixture changed"
    long = "description: " + "word " * (megabytes * 200_000)
    people.write_text(text.replace(short, long.rstrip()), encoding="utf-8")
    return data


def assert_refused(result: subprocess.CompletedProcess[str], store: Path, message: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if not line.startswith("…")]
    assert errors == [f"error: {store}/: {message}"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs: the mini store (about 0.45 MB) fits, twice over while it is rebuilt."""
    disk = tmp_path / "disk"
    disk.mkdir()
    with mounted(disk, "-t", "tmpfs", "-o", "size=2048k", "tmpfs"):
        yield disk


def test_a_build_bigger_than_the_disk_is_refused_and_the_old_store_answers(
    small_disk: Path, tmp_path: Path
) -> None:
    store = small_disk / "store"
    assert build(MINI, store).returncode == 0
    before, builds = stats(store), sorted((store / "builds").iterdir())
    result = build(with_long_description(tmp_path, 3), store)
    assert_refused(result, store, FULL)
    assert stats(store) == before
    assert sorted((store / "builds").iterdir()) == builds  # the partial build is gone


def test_a_build_on_a_full_disk_is_refused_and_the_old_store_answers(small_disk: Path) -> None:
    store = small_disk / "store"
    assert build(MINI, store).returncode == 0
    before, builds = stats(store), sorted((store / "builds").iterdir())
    with (small_disk / "filler").open("wb") as filler, pytest.raises(OSError):
        while True:
            filler.write(b"\0" * (1 << 16))
    result = build(MINI, store)
    assert_refused(result, store, FULL)
    assert stats(store) == before
    assert sorted((store / "builds").iterdir()) == builds


@pytest.mark.parametrize("part", ["store", "builds"])
def test_a_read_only_store_refuses_a_build_and_still_answers(
    part: str, tmp_path: Path, mini_store: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(mini_store, store, symlinks=True)
    before = stats(store)
    with read_only(store if part == "store" else store / "builds"):
        assert_refused(build(MINI, store), store, READ_ONLY)
        # commands that only read open Oxigraph read-only: they work as before
        assert stats(store) == before
        entity = civicgraph("entity", "ana-ruiz", "--json", "--store", str(store), cwd=tmp_path)
        assert entity.returncode == 0, entity.stderr
        assert json.loads(entity.stdout)["label"] == "Ana Ruiz"
    assert not list((store / "builds").glob("*.partial"))
