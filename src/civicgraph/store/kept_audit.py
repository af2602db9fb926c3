"""The audit of the data a build was made from, kept beside the build (the explorer's About
page shows it; it takes seconds on a large graph). Its own module: `kept`'s digest covers
that module's source, so a change there would make every build's kept files stale."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from civicgraph.model.ontology import ONTOLOGY_FILE
from civicgraph.store.kept import write_json


def audit_file(build_dir: Path, data_dir: Path, ontology_dir: Path) -> Path:
    """Name the kept audit of a data directory: its key covers every file's path, size and
    modification time, the ontology and the audit's code, so an edit makes a new one."""
    from civicgraph.build import audit

    digest = hashlib.sha256((ontology_dir / ONTOLOGY_FILE).read_bytes())
    digest.update(Path(audit.__file__).read_bytes())
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(
            f"{path.relative_to(data_dir)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode()
        )
    return build_dir / f"audit-{digest.hexdigest()[:16]}.json"


def read_kept(path: Path) -> dict[str, Any] | None:
    """Return the JSON object kept at `path`; None when there is none (or it is broken)."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def kept_json(path: Path, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Return the JSON kept at `path`, else compute it and keep it (where writable)."""
    found = read_kept(path)
    if found is not None:
        return found
    data = compute()
    write_json(path, data)
    return data
