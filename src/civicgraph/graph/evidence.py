"""Evidence packets: a path written out as numbered sentences with footnoted quotes.

The packet is Markdown a fact-checker can read without the tool: each hop is one
sentence in the relationship's own direction ("USAID funds Network for Oral Trials"), what
it was about when the text says so, its dates as the text gives them (a period the text
places it in is not a start or an end), its claim status when it is not plainly reported,
whether it has been read a second time against the source, and a footnote per quoted
span (one, however many hops cite it) with the source's title, authors, year and the
quote's character offsets.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from civicgraph.model.ontology import Model
from civicgraph.store.sparql import select, value

DOCUMENTS = """
SELECT ?path ?citation WHERE {
  ?d a civ:SourceDocument ; civ:path ?path ; dcterms:bibliographicCitation ?citation }"""


def documents(store: ox.Store) -> dict[str, str]:
    """Return each source document's bibliographic citation, keyed by its path."""
    return {value(row["path"]): value(row["citation"]) for row in select(store, DOCUMENTS)}


def sentence(hop: dict[str, Any], model: Model) -> str:
    """Write one hop as a plain sentence in the direction its relationship points."""
    subject, obj = (
        (hop["from"], hop["to"]) if hop["direction"] == "out" else (hop["to"], hop["from"])
    )
    relation = model.relations.get(hop["predicate"])
    verb = relation.label if relation else hop["predicate"]
    text = f"{subject['label']} {verb} {obj['label']}"
    if hop.get("role"):
        text += f", as {hop['role']}"
    if hop.get("concerning"):
        text += f", concerning {hop['concerning']['label']}"
    text += dates(hop)
    if hop["status"] != "reported":
        text += f" [{hop['status']}]"
    if hop.get("review", "unreviewed") != "checked":
        text += " [not yet read a second time against the source]"
    return text + "."


def dates(item: dict[str, Any]) -> str:
    """Say when a relationship held, as its dates stand: a start and end, or a period the
    text places it in without saying it began or ended then (`date_basis` within)."""
    start, end = item.get("start"), item.get("end")
    if item.get("date_basis") == "within" and (start or end):
        span = f"{start} to {end}" if start and end and start != end else start or end
        return f" (in {span}, the period the text gives; not said to begin or end then)"
    if start and end:
        return f" ({start} to {end})"
    if start:
        return f" (from {start})"
    return f" (until {end})" if end else ""


def packet(found: dict[str, Any], model: Model, docs: dict[str, str]) -> str:
    """Render `path --json` output as a Markdown evidence packet."""
    lines = [f"# How {found['from']['label']} connects to {found['to']['label']}", ""]
    notes: list[str] = []
    numbers: dict[tuple[str, int, int], int] = {}  # each quoted span is one footnote
    for number, path in enumerate(found["paths"], start=1):
        lines += [f"## Path {number} ({path['length']} steps)", ""]
        for step, hop in enumerate(path["hops"], start=1):
            marks = ""
            for source in hop["sources"]:
                span = (source["document"], source["char_start"], source["char_end"])
                if span not in numbers:
                    numbers[span] = len(notes) + 1
                    notes.append(_footnote(numbers[span], source, docs))
                marks += f"[^{numbers[span]}]"
            lines.append(f"{step}. {sentence(hop, model)}{marks}")
        lines.append("")
    lines += ["## Sources", "", *notes, ""]
    lines.append(
        "Quotes are verbatim; offsets count Unicode code points in the source file "
        "(civicgraph data/sources/)."
    )
    return "\n".join(lines) + "\n"


def _footnote(number: int, source: dict[str, Any], docs: dict[str, str]) -> str:
    cited = docs.get(source["document"], source["document"])
    where = f"{source['document']}, characters {source['char_start']}–{source['char_end']}"
    return f"[^{number}]: “{source['quote']}” — {cited} ({where})"
