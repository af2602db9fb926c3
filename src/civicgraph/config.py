"""Settings, resolved once: command-line option > CIVICGRAPH_* environment variable > default.

Nothing else in civicgraph reads the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# In a checkout (and an editable install) the repository root holds ontology/, data/ and app/.
REPO_DIR = PACKAGE_DIR.parent.parent

DEFAULT_STORE = ".civicgraph"


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[0]


@dataclass(frozen=True)
class Settings:
    """Where things are and how services run; one frozen value passed down."""

    data_dir: Path
    store_dir: Path
    ontology_dir: Path
    app_dir: Path
    bolt_uri: str | None = None
    bolt_password: str | None = None
    bolt_heap: str | None = None  # the embedded Bolt server's JVM heap, e.g. "12g"
    sparql_timeout_s: float = 30.0
    sparql_max_rows: int = 10_000
    curate: bool = False  # the explorer's Curate page, which writes data/ (`explore --curate`)

    @classmethod
    def resolve(
        cls,
        *,
        data_dir: Path | None = None,
        store_dir: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Settings:
        """Build settings from explicit values, then `CIVICGRAPH_*` variables, then defaults."""
        env = os.environ if env is None else env
        bundled_data = _first_existing(Path("data"), REPO_DIR / "data")
        return cls(
            data_dir=Path(data_dir or env.get("CIVICGRAPH_DATA") or bundled_data),
            store_dir=Path(store_dir or env.get("CIVICGRAPH_STORE") or DEFAULT_STORE),
            ontology_dir=Path(
                env.get("CIVICGRAPH_ONTOLOGY")
                or _first_existing(REPO_DIR / "ontology", PACKAGE_DIR / "_ontology")
            ),
            app_dir=REPO_DIR / "app",
            bolt_uri=env.get("CIVICGRAPH_BOLT_URI") or None,
            bolt_password=env.get("CIVICGRAPH_BOLT_PASSWORD") or None,
            bolt_heap=env.get("CIVICGRAPH_BOLT_HEAP") or None,
            curate=env.get("CIVICGRAPH_CURATE") == "1",
        )

    def with_store(self, store_dir: Path) -> Settings:
        """Return a copy that points at another store."""
        return replace(self, store_dir=store_dir)
