"""The name index kept beside a build as an SQLite file, opened in constant time.

`entity`, `search` and `path` start by turning a name or an id into an entity. Kept as
JSON, the index had to be parsed and every name folded again on each start (some 7 s at
400k entities, for one lookup). Kept as SQLite, opening is a file open and a lookup is a
B-tree search, read through the page cache (memory-mapped): a command reads the pages of
the names it asks for and nothing else, at any size. The file has three tables:

- `entity(slug, label, label_es, types, aliases)`: one row per entity (types and aliases as
  JSON lists);
- `name(key, slug)`: every label, Spanish label and alias, folded (`normalise_name`), with
  an index on `key`;
- `redirect(old, kept)`: the merged ids.

`KeptNames` reads it through two read-only mappings, `entities` and `by_name`, which answer
a point lookup with one query, and load the whole table once a caller walks all of it (a
projection, an export) or has made `POINT_LOOKUPS` lookups, so that costs what a dict
costs; the names alone (`iter(by_name)`, what a search scores) are read from the index on
`key` without loading what they name, and so are the ids (`iter(entities)`), their count
and their labels alone (`labels`, what the explorer lists). SQLite is in the
standard library, is read by any tool, and is opened `mode=ro` (`immutable` too: a build
directory never changes once written).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, ItemsView, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Generic, TypeVar

from civicgraph.build.records import normalise_name
from civicgraph.model.ontology import ONTOLOGY_FILE

T = TypeVar("T")
Row = tuple[str, str, str | None, list[str], list[str]]  # slug, label, label_es, types, aliases
SCHEMA = """
CREATE TABLE entity (slug TEXT PRIMARY KEY, label TEXT NOT NULL, label_es TEXT,
                     types TEXT NOT NULL, aliases TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE name (key TEXT NOT NULL, slug TEXT NOT NULL);
CREATE TABLE redirect (old TEXT PRIMARY KEY, kept TEXT NOT NULL) WITHOUT ROWID;
"""
MMAP_BYTES = 1 << 30  # read pages through a memory map, up to 1 GiB of the file
POINT_LOOKUPS = 2_000  # a caller that looks up more names than this gets the whole table


def code_digest(ontology_dir: Path, *code: str | Path) -> str:
    """Return 16 hex digits of the ontology and of the source files that lay out or compute a
    kept file: a kept file's name carries them, so a changed model or code keeps a new one."""
    digest = hashlib.sha256()
    for path in (ontology_dir / ONTOLOGY_FILE, *map(Path, code)):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def names_db(build_dir: Path, ontology_dir: Path) -> Path:
    """Name the name index's file for this build, model and file layout."""
    return build_dir / f"names-{code_digest(ontology_dir, __file__)}.sqlite"


def write_sqlite(path: Path, schema: str, fill: Callable[[sqlite3.Connection], None]) -> None:
    """Write an SQLite file beside a build atomically (`schema`, then `fill` its tables);
    where the build is read-only, keep nothing."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        partial.unlink(missing_ok=True)
        db = sqlite3.connect(partial)
        try:
            db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + schema)
            fill(db)
            db.commit()
        finally:
            db.close()
        os.replace(partial, path)
    except (OSError, sqlite3.Error):  # a read-only store: nothing to keep
        partial.unlink(missing_ok=True)


def open_read_only(path: Path) -> sqlite3.Connection:
    """Open a kept file read-only (immutable: a build directory never changes)."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def write_names_db(path: Path, rows: list[Row], redirects: dict[str, str]) -> None:
    """Write the index atomically; where the build is read-only, keep nothing."""

    def fill(db: sqlite3.Connection) -> None:
        db.executemany(
            "INSERT INTO entity VALUES (?, ?, ?, ?, ?)",
            (
                (slug, label, label_es, json.dumps(types), json.dumps(aliases))
                for slug, label, label_es, types, aliases in sorted(rows)
            ),
        )
        db.executemany(
            "INSERT INTO name VALUES (?, ?)",
            sorted(
                {
                    (normalise_name(name), slug)
                    for slug, label, label_es, _, aliases in rows
                    for name in (label, *aliases, *([label_es] if label_es else []))
                }
            ),
        )
        db.execute("CREATE INDEX name_key ON name (key)")
        db.executemany("INSERT INTO redirect VALUES (?, ?)", sorted(redirects.items()))

    write_sqlite(path, SCHEMA, fill)


class _Connection:
    """One read-only connection per process, shared by threads under a lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.pid = -1
        self.db: sqlite3.Connection | None = None

    def rows(self, sql: str, *args: Any) -> list[Any]:
        with self.lock:
            if self.db is None or self.pid != os.getpid():  # a forked child opens its own
                self.db = open_read_only(self.path)
                self.db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
                self.pid = os.getpid()
            return self.db.execute(sql, args).fetchall()


class _Table(Mapping[str, T], Generic[T]):
    """A read-only mapping over one table: point lookups by query, a walk loads it all."""

    def __init__(
        self,
        db: _Connection,
        one: str,
        every: str,
        make: Callable[[list[Any]], T],
        column: str,
        keys: str | None = None,
        count: str | None = None,
    ) -> None:
        self.db, self.one, self.every, self.make, self.keys_sql = db, one, every, make, keys
        self.count_sql = count
        self.count: int | None = None  # the count, once asked for
        self.column = column  # the key's column, for `many`
        self.loaded: dict[str, T] | None = None
        self.asked = 0  # point lookups so far: past POINT_LOOKUPS, one walk is cheaper

    def _all(self) -> dict[str, T]:
        if self.loaded is None:
            grouped: dict[str, list[Any]] = {}
            for key, *rest in self.db.rows(self.every):
                grouped.setdefault(key, []).append(rest)
            self.loaded = {key: self.make(rows) for key, rows in grouped.items()}
        return self.loaded

    def __getitem__(self, key: str) -> T:
        self.asked += 1
        if self.loaded is not None or self.asked > POINT_LOOKUPS:
            return self._all()[key]
        found = self.db.rows(self.one, key)
        if not found:
            raise KeyError(key)
        return self.make(found)

    def many(self, keys: Iterable[str]) -> dict[str, T]:
        """Return the values of these keys (those present), a query per 500 of them."""
        wanted = sorted(set(keys))
        if self.loaded is not None:
            return {key: self.loaded[key] for key in wanted if key in self.loaded}
        grouped: dict[str, list[Any]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            sql = f"{self.every} WHERE {self.column} IN ({','.join('?' * len(chunk))})"
            for key, *rest in self.db.rows(sql, *chunk):
                grouped.setdefault(key, []).append(rest)
        return {key: self.make(rows) for key, rows in grouped.items()}

    def __contains__(self, key: object) -> bool:
        if self.loaded is not None:
            return key in self.loaded
        return isinstance(key, str) and bool(self.db.rows(self.one, key))

    def __iter__(self) -> Iterator[str]:
        if self.loaded is None and self.keys_sql is not None:  # the keys alone, from an index
            return iter([str(key) for (key,) in self.db.rows(self.keys_sql)])
        return iter(self._all())

    def items(self) -> ItemsView[str, T]:
        return self._all().items()  # a walk of every value loads them once

    def __len__(self) -> int:
        if self.loaded is None and self.count_sql is not None:
            if self.count is None:  # a build never changes: counted once
                self.count = int(self.db.rows(self.count_sql)[0][0])
            return self.count
        return len(self._all())


class KeptNames:
    """The kept index: `entities` (slug -> what `make` makes of a `Row`), `labels` (slug ->
    label), `by_name` (folded name -> slugs) and `redirects` (merged id -> kept id)."""

    def __init__(self, path: Path, make: Callable[[Row], Any]) -> None:
        db = _Connection(path)
        self.redirects = {str(old): str(kept) for old, kept in db.rows("SELECT * FROM redirect")}

        def entity(rows: list[Any]) -> Any:
            label, label_es, types, aliases = rows[0][-4:]
            return make((rows[0][0], label, label_es, json.loads(types), json.loads(aliases)))

        self.entities: Mapping[str, Any] = _Table(
            db,
            "SELECT slug, label, label_es, types, aliases FROM entity WHERE slug = ?",
            "SELECT slug, slug, label, label_es, types, aliases FROM entity",
            entity,
            "slug",
            keys="SELECT slug FROM entity",
            count="SELECT count(*) FROM entity",
        )
        self.labels: Mapping[str, str] = _Table(  # the labels alone: a walk reads no more
            db,
            "SELECT label FROM entity WHERE slug = ?",
            "SELECT slug, label FROM entity",
            lambda rows: str(rows[0][-1]),
            "slug",
        )
        self.by_name: Mapping[str, set[str]] = _Table(
            db,
            "SELECT slug FROM name WHERE key = ?",
            "SELECT key, slug FROM name",
            lambda rows: {str(row[-1]) for row in rows},
            "key",
            keys="SELECT DISTINCT key FROM name",
        )


def read_names_db(path: Path, make: Callable[[Row], Any]) -> KeptNames | None:
    """Open a kept index; None when there is none or it cannot be read (compute it then)."""
    if not path.is_file():
        return None
    try:
        return KeptNames(path, make)
    except sqlite3.Error:
        return None
