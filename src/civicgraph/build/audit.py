"""Audit the curated data against its sources: what the text names that no citation covers.

The audit reads `data/` the way a build does (sources, records, located citations) and
reports, for curators:

- capitalised names (runs of capitalised words, acronyms) and numbers in the source texts
  that no citation span covers;
- cited names that no entity carries as its label, Spanish label or alias (or inside one);
- entities supported by a single citation (of those that name them: a table's title or
  heading row, cited beside a cell, is context, not a second source);
- entities that share a name after normalising, and near-duplicate labels;
- claims that may say more than their quotes (`claims`); sources that disagree (`contradictions`).

Deliberate exclusions live in `data/EXCLUDED.md`, one bullet per item:

    - `Name as printed` — why it is not curated
    - `slug-a` / `slug-b` — why the two entities are different things
    - `subject--predicate--object` — why a claim finding is fine as it stands

A name is covered when at least one of its occurrences lies inside a citation span; a
number must be covered at every occurrence, since each one states a fact of its own.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from itertools import accumulate, combinations
from pathlib import Path
from typing import Any

import numpy
from rapidfuzz import fuzz, process

from civicgraph.build.claims import ClaimFinding, check_claims, line_of, quote_names
from civicgraph.build.contradictions import Contradiction, find_contradictions
from civicgraph.build.ingest import read_records
from civicgraph.build.records import EntityRecord, Records, normalise_name
from civicgraph.build.resolutions import judged_pairs
from civicgraph.build.sources import QuoteFinder, SourceDocument, load_sources
from civicgraph.errors import DataError
from civicgraph.model.ontology import load_model

EXCLUDED_FILE = "EXCLUDED.md"
NEAR_DUPLICATE_RATIO = 0.88
_ROWS = 2000  # names compared at once with every name (a 2000 × N matrix of scores)

# A word that starts with a capital (accents included), an initial ("W."), or an acronym
# with dots ("U.S.", "D.C."); lower-case connectors may join two capitalised words once.
_CAPITAL = r"[A-ZÁÉÍÓÚÑÜ]"
_WORD = rf"(?:{_CAPITAL}(?:\.{_CAPITAL})+\.?|{_CAPITAL}\.(?!\w)|{_CAPITAL}[\w'’/-]*)"
_CONNECTOR = r"(?:of|for|de|del|la|las|los|el|in|with|on|y|the)"
NAME = re.compile(rf"(?<![\w'’/-]){_WORD}(?:[ \u00a0]+(?:{_CONNECTOR}[ \u00a0]+)?{_WORD})*")
NUMBER = re.compile(r"(?<![\w.,/-])\d(?:[\d,]*\d)?(?:\.\d+)?(?:%|s|st|nd|rd|th)?(?!\w)")
# What may stand before the first word of a sentence on its line: a bullet, a footnote
# number, opening quotes or emphasis; or the end of the previous sentence.
_LINE_START = re.compile(
    r"\s*(?:[-*•]\s*)?(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]+\s*|\d{1,2}\s+|\^\{\d+\s+&quot;)?[\"“*(]*"
)
_AFTER_SENTENCE = re.compile(r"[.?!:;—][\"”’)*¹²³⁴⁵⁶⁷⁸⁹⁰]*\s+[\"“*(]*$")
_FOOTNOTE_LINE = re.compile(r"^\s*(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\^\{\d+|\d{1,2}(?= [\"“A-Z]))")
_EXCLUSION = re.compile(r"^[-*]\s+`([^`]+)`(?:\s*/\s*`([^`]+)`)?\s*(?:—|–|-{1,2}|:)\s*(.+)$")


@dataclass(frozen=True)
class Occurrence:
    """Where a name or number stands in a source."""

    document: str
    start: int
    end: int
    line: int
    region: str
    covered: bool


@dataclass
class Finding:
    """One name or number with every place it occurs, and whether any citation covers it."""

    text: str
    key: str
    kind: str  # "name" or "number"
    occurrences: list[Occurrence] = field(default_factory=list)
    excluded: str | None = None  # the reason given in EXCLUDED.md

    @property
    def covered(self) -> bool:
        if self.kind == "number":
            return all(o.covered for o in self.occurrences)
        return any(o.covered for o in self.occurrences)

    def to_json(self) -> dict[str, Any]:
        shown = [o for o in self.occurrences if not o.covered] or self.occurrences
        return {
            "text": self.text,
            "kind": self.kind,
            "excluded": self.excluded,
            "regions": sorted({o.region for o in shown}),
            "occurrences": [asdict(o) for o in shown],
        }


@dataclass
class AuditReport:
    """Everything the audit found, ready to render as text or JSON."""

    coverage: dict[str, dict[str, int]]
    uncited: list[Finding]  # names and numbers no citation covers
    not_entities: list[Finding]  # cited names that no entity's label or alias contains
    excluded: list[Finding]  # either of the above, set aside in EXCLUDED.md
    single_citation: list[dict[str, Any]]
    shared_names: list[dict[str, Any]]
    near_duplicates: list[dict[str, Any]]
    unused_exclusions: list[str]
    claims: list[ClaimFinding] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "coverage": self.coverage,
            "uncited": [f.to_json() for f in self.uncited],
            "not_entities": [f.to_json() for f in self.not_entities],
            "excluded": [f.to_json() for f in self.excluded],
            "single_citation": self.single_citation,
            "shared_names": self.shared_names,
            "near_duplicates": self.near_duplicates,
            "unused_exclusions": self.unused_exclusions,
            "claims": [c.to_json() for c in self.claims],
            "contradictions": [c.to_json() for c in self.contradictions],
        }


@dataclass
class Exclusions:
    """What `data/EXCLUDED.md` sets aside: names not curated, pairs reviewed as distinct."""

    names: dict[str, str] = field(default_factory=dict)  # normalised name -> reason
    pairs: dict[frozenset[str], str] = field(default_factory=dict)


def read_exclusions(path: Path, judged: dict[frozenset[str], str] | None = None) -> Exclusions:
    """Parse the bullets of EXCLUDED.md (beside the pairs `judged` in resolutions.yaml)."""
    found = Exclusions(pairs=dict(judged or {}))
    if not path.is_file():
        return found
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _EXCLUSION.match(line)
        if not match:
            continue
        first, second, reason = match.groups()
        if second:
            found.pairs[frozenset((first.strip(), second.strip()))] = reason.strip()
        else:
            found.names[normalise_name(first)] = reason.strip()
    return found


def _region(line: str) -> str:
    stripped = line.strip()
    if "\t" in line:
        return "table"
    if _FOOTNOTE_LINE.match(line):
        return "footnote"
    if re.match(r"^(?:TABLE|FIGURE|Source:|Note:|Derived from)", stripped):
        return "caption"
    if stripped and not re.search(r"[.?!:\"”,;)]\s*$", stripped) and len(stripped) < 120:
        return "heading"
    return "body"


def _is_heading_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _spans(records: Records) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    citations = [c for e in records.entities for c in e.citations]
    citations += [c for r in records.relationships for c in r.citations]
    citations += [c for o in records.observations for c in o.citations]
    for citation in citations:
        spans[citation.where.document.path].append((citation.where.start, citation.where.end))
    return spans


class Spans:
    """The cited spans of one source, to ask quickly whether one of them covers a stretch."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        # the furthest end among the spans that start at or before each one
        self.reach = list(accumulate((e for _, e in ordered), max))

    def cover(self, start: int, end: int) -> bool:
        """Whether a cited span holds all of [start, end)."""
        last = bisect_right(self.starts, start) - 1
        return last >= 0 and self.reach[last] >= end


def _sentence_initial(prefix: str) -> bool:
    return bool(_LINE_START.fullmatch(prefix) or _AFTER_SENTENCE.search(prefix))


def _trim_name(line: str, start: int, end: int, ordinary: Ordinary) -> tuple[int, int]:
    """Drop ordinary words that open a sentence ("However", "The") from the front of a name.

    A sentence-initial word is ordinary if the text also uses it in lower case; a word on its
    own is also ordinary if the text capitalises it only where a sentence starts.
    """
    while start < end and _sentence_initial(line[:start]):
        words = line[start:end].split()
        alone = len(words) == 1
        if words[0].lower() not in ordinary.lower and not (alone and words[0] in ordinary.initial):
            break
        start += len(words[0])
        # a connector left at the front no longer joins two names
        while (
            follow := re.match(rf"[ \u00a0]+(?:{_CONNECTOR}(?=[ \u00a0]))?", line[start:end])
        ) and follow.end() > 0:
            start += follow.end()
    if line[start:end].endswith(("'s", "’s")):
        end -= 2
    elif line[start:end].endswith(("'", "’")):
        end -= 1
    return start, end


@dataclass(frozen=True)
class Ordinary:
    """Words of a text that are ordinary when they open a sentence."""

    lower: frozenset[str]  # words the text writes in lower case
    initial: frozenset[str]  # capitalised words the text never capitalises mid-sentence


def _ordinary_words(text: str) -> Ordinary:
    lower = set(re.findall(r"\b[a-záéíóúñü]+\b", text))
    inside: set[str] = set()
    initial: set[str] = set()
    for line in text.split("\n"):
        for match in re.finditer(rf"(?<![\w'’/-]){_WORD}", line):
            word = match.group()
            (initial if _sentence_initial(line[: match.start()]) else inside).add(word)
    return Ordinary(frozenset(lower), frozenset(initial - inside))


def find_mentions(doc: SourceDocument, spans: list[tuple[int, int]]) -> list[Finding]:
    """Return every capitalised name and number of one source, each with its occurrences."""
    text = doc.text
    ordinary = _ordinary_words(text)
    cited = Spans(spans)
    findings: dict[tuple[str, str], Finding] = {}
    base = 0
    for number, line in enumerate(text.split("\n"), start=1):
        region = _region(line)
        items: list[tuple[str, int, int]] = []
        if not _is_heading_caps(line):
            for match in NAME.finditer(line):
                start, end = match.span()
                if region != "table":  # a table cell opens no sentence
                    start, end = _trim_name(line, start, end, ordinary)
                if end - start > 1:  # a lone capital ("A") is not a name
                    items.append(("name", start, end))
        if not re.fullmatch(r"\s*\d+\s*", line):  # not a page number on its own line
            marker = _FOOTNOTE_LINE.match(line)
            for match in NUMBER.finditer(line):
                if not (marker and match.start() < marker.end()):  # not the footnote's number
                    items.append(("number", match.start(), match.end()))
        for kind, start, end in items:
            shown = line[start:end]
            key = normalise_name(shown) if kind == "name" else shown
            if not key:
                continue
            occurrence = Occurrence(
                document=doc.path,
                start=base + start,
                end=base + end,
                line=number,
                region=region,
                covered=cited.cover(base + start, base + end),
            )
            finding = findings.setdefault((kind, key), Finding(shown, key, kind))
            finding.occurrences.append(occurrence)
        base += len(line) + 1
    return list(findings.values())


def _entity_names(records: Records) -> dict[str, list[str]]:
    return {
        e.id: [e.label, *([e.label_es] if e.label_es else []), *e.aliases] for e in records.entities
    }


def _unqualified(label: str) -> str:
    return normalise_name(re.sub(r"\s*\([^)]*\)\s*$", "", label))


def find_shared_names(records: Records, exclusions: Exclusions) -> list[dict[str, Any]]:
    """Return names (labels, Spanish labels, aliases) that denote more than one entity."""
    by_name: dict[str, set[str]] = defaultdict(set)
    for slug, names in _entity_names(records).items():
        for name in names:
            by_name[normalise_name(name)].add(slug)
    shared = []
    for name, slugs in sorted(by_name.items()):
        if len(slugs) < 2:
            continue
        pairs = [frozenset(p) for p in combinations(sorted(slugs), 2)]
        reasons = [exclusions.pairs.get(p) for p in pairs]
        shared.append(
            {
                "name": name,
                "ids": sorted(slugs),
                "reviewed": all(reasons),
                "reasons": sorted({r for r in reasons if r}),
            }
        )
    return shared


def find_near_duplicates(records: Records, exclusions: Exclusions) -> list[dict[str, Any]]:
    """Return pairs of entities with nearly the same name (qualifiers such as "(city)" dropped).

    rapidfuzz's ratio (an edit-distance score, never below difflib's for the same two names)
    finds the candidate pairs in compiled code; difflib's ratio, the measure the threshold is
    set for, then decides, so the pairs found are those a comparison of every pair would give.
    """
    names = {
        slug: sorted({_unqualified(n) for n in entity_names})
        for slug, entity_names in _entity_names(records).items()
    }
    owners = [slug for slug in sorted(names) for _ in names[slug]]
    flat = [name for slug in sorted(names) for name in names[slug]]
    candidates: set[tuple[str, str]] = set()
    for first in range(0, len(flat), _ROWS):
        scores = process.cdist(
            flat[first : first + _ROWS],
            flat,
            scorer=fuzz.ratio,
            score_cutoff=NEAR_DUPLICATE_RATIO * 100 - 0.5,  # a margin for rounding
            dtype=numpy.float32,
            workers=-1,
        )
        for row, column in zip(*numpy.nonzero(scores), strict=True):
            a, b = owners[first + int(row)], owners[int(column)]
            if a < b:
                candidates.add((a, b))
    found = []
    for a, b in sorted(candidates):
        ratio = max((_similarity(x, y) for x in names[a] for y in names[b]), default=0.0)
        if ratio < NEAR_DUPLICATE_RATIO:
            continue
        reason = exclusions.pairs.get(frozenset((a, b)))
        found.append({"ids": [a, b], "ratio": round(ratio, 3), "reviewed": reason is not None})
    return found


def _similarity(a: str, b: str) -> float:
    """Return difflib's ratio, skipping the full comparison when its upper bounds are low."""
    matcher = difflib.SequenceMatcher(None, a, b)
    quick = matcher.real_quick_ratio() >= NEAR_DUPLICATE_RATIO
    return matcher.ratio() if quick and matcher.quick_ratio() >= NEAR_DUPLICATE_RATIO else 0.0


def _names_entities_carry(records: Records) -> list[str]:
    return [f" {normalise_name(n)} " for names in _entity_names(records).values() for n in names]


def _carried(key: str, carried: list[str]) -> bool:
    """Tell whether an entity's name holds the name, or the name holds one ("Mayor Ebrard")."""
    padded = f" {key} "
    return any(padded in n or (len(n) > 6 and n in padded) for n in carried)


def _supporting(entity: EntityRecord) -> set[tuple[str, int]]:
    """The distinct places that support an entity: its citations, less the table titles and
    heading rows cited to say what a cell means (unless they name the entity themselves)."""
    spans = {(c.where.document.path, c.where.start) for c in entity.citations}
    context = {
        (c.where.document.path, c.where.start)
        for c in entity.citations
        if _region(line_of(c)) in ("table", "caption") and not quote_names(entity, c.quote)
    }
    return (spans - context) or spans


def audit(data_dir: Path, ontology_dir: Path) -> AuditReport:
    """Audit `data_dir` against its sources; raise DataError if the data does not build."""
    model = load_model(ontology_dir.resolve())
    sources, problems = load_sources(data_dir / "sources")
    records, _, record_problems = read_records(data_dir, model, QuoteFinder(sources))
    if problems or record_problems:
        raise DataError(problems + record_problems)
    exclusions = read_exclusions(data_dir / EXCLUDED_FILE, judged_pairs(data_dir))
    spans = _spans(records)
    carried = _names_entities_carry(records)
    findings = [f for doc in sources for f in find_mentions(doc, spans.get(doc.path, []))]
    report = AuditReport(
        coverage={
            kind: {"distinct": 0, "covered": 0, "occurrences": 0, "covered_occurrences": 0}
            for kind in ("name", "number")
        },
        uncited=[],
        not_entities=[],
        excluded=[],
        single_citation=sorted(
            (
                {"id": e.id, "label": e.label, "types": e.types, "file": e.origin.file}
                for e in records.entities
                if len(_supporting(e)) == 1
            ),
            key=lambda s: str(s["id"]),
        ),
        shared_names=find_shared_names(records, exclusions),
        near_duplicates=find_near_duplicates(records, exclusions),
        unused_exclusions=[],
        contradictions=find_contradictions(records, model),
    )
    used: set[str] = set()
    for claim in check_claims(records):
        key = normalise_name(claim.relationship)
        if key in exclusions.names:
            used.add(key)
            claim = replace(claim, explained=exclusions.names[key])
        report.claims.append(claim)
    for finding in sorted(findings, key=lambda f: (f.kind, f.key)):
        counts = report.coverage[finding.kind]
        counts["distinct"] += 1
        counts["covered"] += finding.covered
        counts["occurrences"] += len(finding.occurrences)
        counts["covered_occurrences"] += sum(o.covered for o in finding.occurrences)
        if finding.covered and (finding.kind == "number" or _carried(finding.key, carried)):
            continue
        key = normalise_name(finding.text)
        reason = exclusions.names.get(key)
        if reason:
            used.add(key)
            finding.excluded = reason
            report.excluded.append(finding)
        elif finding.covered:
            report.not_entities.append(finding)
        else:
            report.uncited.append(finding)
    report.unused_exclusions = sorted(set(exclusions.names) - used)
    return report
