"""A copy of the mini dataset with a second source from another publisher, written by hand
here: one claim both documents support, and three on which they disagree (a founding year,
demands against opposed, a table value)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from civicgraph.build.ingest import read_records
from civicgraph.build.records import Records
from civicgraph.build.sources import QuoteFinder, load_sources
from civicgraph.config import REPO_DIR
from civicgraph.model.ontology import load_model
from tests.conftest import MINI

SECOND_TEXT = (
    "A second report on Villa Verde (a test text written for civicgraph's tests)\n"
    "\n"
    "The Clean Streets Network was founded by Ana Ruiz in 2011. "
    "The Civic Fund gave grants to the Clean Streets Network. "
    "The Clean Streets Network opposed police reform.\n"
    "\n"
    "Thefts in Villa Verde, 2010: 1,240.\n"
)
SECOND_RELATIONSHIPS = """\
- subject: ana-ruiz
  predicate: founded
  object: clean-streets-network
  start: "2011"
  sources:
    - "The Clean Streets Network was founded by Ana Ruiz in 2011"

- subject: clean-streets-network
  predicate: opposed
  object: police-reform
  sources:
    - "The Clean Streets Network opposed police reform"
"""
SECOND_OBSERVATIONS = """\
- id: table-a-2010-villa-verde-second-report
  dataset: table-a
  measure: quantity
  period: "2010"
  value: 1240
  dimensions: {place: villa-verde}
  sources:
    - "Thefts in Villa Verde, 2010: 1,240"
"""
FUNDS_QUOTE = '    - "The Civic Fund funds the Clean Streets Network"\n'
GRANTS_QUOTE = '    - "The Civic Fund gave grants to the Clean Streets Network"\n'

FUNDS = "civic-fund--funds--clean-streets-network"
FOUNDED_2010 = "ana-ruiz--founded--clean-streets-network--2010"
FOUNDED_2011 = "ana-ruiz--founded--clean-streets-network--2011"
DEMANDS = "clean-streets-network--demands--police-reform"
OPPOSED = "clean-streets-network--opposed--police-reform"
THEFTS_2010 = "obs--table-a--quantity--2010--villa-verde"
THEFTS_2010_SECOND = "table-a-2010-villa-verde-second-report"


def two_sources(
    data_dir: Path, *, publisher: str | None = "Second Press", funds_status: str | None = None
) -> Path:
    """Write the mini dataset plus the second source and its records into `data_dir`."""
    shutil.copytree(MINI, data_dir)
    text = SECOND_TEXT.encode("utf-8")
    (data_dir / "sources" / "second.txt").write_bytes(text)
    meta = [
        "id: second-report",
        "title: A second report on Villa Verde",
        "authors: [Another Test Author]",
        "year: 2021",
        *([f"publisher: {publisher}"] if publisher else []),
        f"sha256: {hashlib.sha256(text).hexdigest()}",
    ]
    (data_dir / "sources" / "second.yaml").write_text("\n".join(meta) + "\n", encoding="utf-8")
    links = data_dir / "relationships" / "links.yaml"
    old = links.read_text(encoding="utf-8")
    assert FUNDS_QUOTE in old
    new = FUNDS_QUOTE + GRANTS_QUOTE
    if funds_status:
        new = f"  status: {funds_status}\n  sources:\n" + new
        old = old.replace(f"  sources:\n{FUNDS_QUOTE}", FUNDS_QUOTE)
    links.write_text(old.replace(FUNDS_QUOTE, new), encoding="utf-8")
    (data_dir / "relationships" / "second.yaml").write_text(SECOND_RELATIONSHIPS, encoding="utf-8")
    (data_dir / "observations" / "second.yaml").write_text(SECOND_OBSERVATIONS, encoding="utf-8")
    return data_dir


def read(data_dir: Path) -> Records:
    """Read the records of a data directory as a build does; it must have no problem."""
    sources, problems = load_sources(data_dir / "sources")
    model = load_model(REPO_DIR / "ontology")
    records, _, record_problems = read_records(data_dir, model, QuoteFinder(sources))
    assert not problems and not record_problems, problems + record_problems
    return records
