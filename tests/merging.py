"""The mini dataset with one person written twice, under two ids, for the entity resolution
tests: `a-ruiz` ("A. Ruiz", cited by the words "Ana Ruiz") and `ana-ruiz`, each with a
relationship of its own."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import MINI

OLD, KEPT = "a-ruiz", "ana-ruiz"
OLD_RELATIONSHIP = "a-ruiz--founded--clean-streets-network"
KEPT_RELATIONSHIP = "ana-ruiz--founded--clean-streets-network--2010"

A_RUIZ = """
- id: a-ruiz
  type: Person
  label: A. Ruiz
  aliases: [Ana]
  sources:
    - "Ana Ruiz"
"""

A_RUIZ_FOUNDED = """
- subject: a-ruiz
  predicate: founded
  object: clean-streets-network
  sources:
    - "founded the Clean Streets Network in 2010"
"""


def with_duplicate(data_dir: Path) -> Path:
    """Copy the mini dataset to `data_dir` and add the second Ana Ruiz; return `data_dir`."""
    shutil.copytree(MINI, data_dir)
    return add_duplicate(data_dir)


def add_duplicate(data_dir: Path) -> Path:
    """Add the second Ana Ruiz to a copy of the mini dataset; return `data_dir`."""
    with (data_dir / "entities" / "people.yaml").open("a", encoding="utf-8") as people:
        people.write(A_RUIZ)
    with (data_dir / "relationships" / "links.yaml").open("a", encoding="utf-8") as links:
        links.write(A_RUIZ_FOUNDED)
    return data_dir


def judged(data_dir: Path, text: str) -> Path:
    """Write `text` as the data directory's resolutions.yaml; return the file."""
    path = data_dir / "resolutions.yaml"
    path.write_text(text, encoding="utf-8")
    return path
