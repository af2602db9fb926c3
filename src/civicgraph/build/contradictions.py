"""Contradictions: records quoted from different documents that cannot both be right.

Two records contradict each other when their citations come from different documents (the
sets of documents they quote differ) and

- `date`: they give the same relation between the same subject and object, with the same
  date basis and no different roles, but different start years or different end years
  (a record without a date, or one dated only to the same year, disagrees with nothing);
- `relation`: they give relations the ontology declares `owl:propertyDisjointWith`
  (`supports` and `opposed`) between the same subject and object;
- `value`: they are observations of the same statistical cell (dataset, measure, period,
  dimensions and unit) with different values. An observation's id is derived from its cell,
  so the second document's record of a cell gives an explicit `id:` (a repeated id stays a
  build error: a cell typed twice by mistake is still caught).

A contradiction is not an error: both records stay in the graph, each pointing at the other
with `civ:disagreesWith`, and `civicgraph audit` lists them under "Contradictions". The
curator reads both sources and records which is right (`status: disputed`, a `note:`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from civicgraph.build.rdf import iri, node
from civicgraph.build.records import (
    Citation,
    ObservationRecord,
    Records,
    RelationshipRecord,
    normalise_name,
)
from civicgraph.model.ontology import Model
from civicgraph.model.text import plain_forms
from civicgraph.model.vocab import CIV

KINDS = ("date", "relation", "value")
DISAGREES_WITH = iri(CIV.disagreesWith)


@dataclass(frozen=True)
class Side:
    """One of the two records of a contradiction: where it is and what it says."""

    id: str
    file: str
    line: int
    documents: tuple[str, ...]  # paths relative to data/sources/
    says: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "file": self.file,
            "line": self.line,
            "documents": list(self.documents),
            "says": self.says,
        }


@dataclass(frozen=True)
class Contradiction:
    """Two records from different documents that disagree on a date, a relation or a value."""

    kind: str
    first: Side
    second: Side

    @property
    def message(self) -> str:
        def shown(side: Side) -> str:
            return f"{side.says} ({', '.join(side.documents)})"

        return f"{self.kind}: {shown(self.first)} against {shown(self.second)}"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ids": [self.first.id, self.second.id],
            "message": self.message,
            "records": [self.first.to_json(), self.second.to_json()],
        }


def documents_of(citations: list[Citation]) -> tuple[str, ...]:
    """The documents a record quotes, in order."""
    return tuple(sorted({c.where.document.path for c in citations}))


def _side(record: RelationshipRecord | ObservationRecord, says: str) -> Side:
    return Side(
        record.id, record.origin.file, record.origin.line, documents_of(record.citations), says
    )


def _year(date: str | None) -> str | None:
    return date[:4] if date else None


def _dates(rel: RelationshipRecord) -> str:
    parts = [f"{key} {getattr(rel, key)}" for key in ("start", "end") if getattr(rel, key)]
    return " ".join(parts) or "undated"


def _date_differs(a: RelationshipRecord, b: RelationshipRecord) -> bool:
    if a.date_basis != b.date_basis:
        return False
    if a.role and b.role and normalise_name(a.role) != normalise_name(b.role):
        return False  # two offices held at two times, not one told twice
    return any(
        _year(getattr(a, key))
        and _year(getattr(b, key))
        and _year(getattr(a, key)) != _year(getattr(b, key))
        for key in ("start", "end")
    )


def relationship_contradictions(
    relationships: Sequence[RelationshipRecord], model: Model
) -> list[Contradiction]:
    """Find the date and relation contradictions among relationships (see the module)."""
    by_pair: dict[tuple[str, str], list[RelationshipRecord]] = defaultdict(list)
    for rel in relationships:
        by_pair[(rel.subject, rel.object)].append(rel)
    found = []
    for group in by_pair.values():
        for a, b in combinations(group, 2):
            if documents_of(a.citations) == documents_of(b.citations):
                continue
            if a.relation.key == b.relation.key and _date_differs(a, b):
                found.append(Contradiction("date", _side(a, _dates(a)), _side(b, _dates(b))))
            elif model.incompatible(a.relation.key, b.relation.key):
                found.append(
                    Contradiction("relation", _side(a, a.relation.key), _side(b, b.relation.key))
                )
    return found


def _cell(obs: ObservationRecord) -> tuple[object, ...]:
    return (
        obs.dataset,
        obs.measure.key,
        obs.period,
        tuple(sorted(obs.dimensions.items())),
        obs.unit,
    )


def _value(obs: ObservationRecord) -> str:
    return obs.printed or plain_forms(obs.value)[0]


def observation_contradictions(observations: Sequence[ObservationRecord]) -> list[Contradiction]:
    """Find the value contradictions among observations of the same cell (see the module)."""
    by_cell: dict[tuple[object, ...], list[ObservationRecord]] = defaultdict(list)
    for obs in observations:
        by_cell[_cell(obs)].append(obs)
    found = []
    for group in by_cell.values():
        for a, b in combinations(group, 2):
            if a.value != b.value and documents_of(a.citations) != documents_of(b.citations):
                found.append(Contradiction("value", _side(a, _value(a)), _side(b, _value(b))))
    return found


def find_contradictions(records: Records, model: Model) -> list[Contradiction]:
    """Return every contradiction among the records, in file and line order."""
    found = relationship_contradictions(records.relationships, model)
    found += observation_contradictions(records.observations)
    return sorted(found, key=lambda c: (c.first.file, c.first.line, c.second.file, c.second.line))


def disagreement_triples(contradictions: list[Contradiction]) -> str:
    """Write each contradiction as `civ:disagreesWith` both ways (a symmetric property)."""
    pairs = {(c.first.id, c.second.id) for c in contradictions}
    pairs |= {(b, a) for a, b in pairs}
    return "".join(f"{node(a)} {DISAGREES_WITH} {node(b)} .\n" for a, b in sorted(pairs))
