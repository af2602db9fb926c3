"""Keep the projection beside the build it came from, so a new process need not rebuild it.

A build directory never changes once written, so a projection computed from it stays
right for as long as the store points there: a new build is a new directory, and the cache
goes with the old one. The file name carries a digest of the ontology and of the modules
that project, so a changed model or projection code computes a new one. The file is JSON,
not pickle: opening a store must never run code found in it. Where the build directory is
not writable the projection is simply computed each time.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from civicgraph import entities, project
from civicgraph.ontology import ONTOLOGY_FILE

if TYPE_CHECKING:
    Graph = nx.MultiDiGraph[str]
else:
    Graph = nx.MultiDiGraph


def cache_file(build_dir: Path, ontology_dir: Path) -> Path:
    """Name the cache for this build, model and projection code."""
    digest = hashlib.sha256()
    for path in (ontology_dir / ONTOLOGY_FILE, Path(project.__file__), Path(entities.__file__)):
        digest.update(path.read_bytes())
    return build_dir / f"projection-{digest.hexdigest()[:16]}.json"


def _dump(graph: Graph, path: Path) -> None:
    data = {
        "nodes": [[node, attrs] for node, attrs in graph.nodes(data=True)],
        "edges": [[u, v, key, attrs] for u, v, key, attrs in graph.edges(keys=True, data=True)],
    }
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, path)
    except OSError:  # a read-only store: nothing to keep
        partial.unlink(missing_ok=True)


def _load(path: Path) -> Graph | None:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    graph: Graph = nx.MultiDiGraph()
    graph.add_nodes_from((node, attrs) for node, attrs in data["nodes"])
    for u, v, key, attrs in data["edges"]:
        graph.add_edge(u, v, key=key, **attrs)
    return graph


def cached_projection(build_dir: Path, ontology_dir: Path, compute: Callable[[], Graph]) -> Graph:
    """Return the projection from the cache beside the build, computing and keeping it once."""
    path = cache_file(build_dir, ontology_dir)
    graph = _load(path) if path.exists() else None
    if graph is None:
        graph = compute()
        _dump(graph, path)
    return graph
