"""Source text as people read it, its sentences, and where a number is printed in it.

The bundled source texts were extracted from PDFs to Markdown-flavoured plain text, which
escapes some punctuation with a backslash: the chapter's "$1.4 billion" reads `\\$1.4 billion`
in the extracted text. Quotes keep the extracted text verbatim (their character offsets
point into it); `readable` is the same text without those escapes, for showing to people
and for the form a value is printed in.
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import pairwise
from typing import Any

# CommonMark: a backslash before ASCII punctuation escapes it
MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# a sentence ends at . ? ! (and a closing quote) before a space and a capital or a digit…
SENTENCE_END = re.compile(r"[.?!][\"”’)]*(?=\s+[\"“(]?[A-ZÁÉÍÓÚÑÜ0-9])")
# …unless it ends an initial or a common abbreviation
ABBREVIATION = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Gov|No|vs))$")


def readable(text: str) -> str:
    """Return extracted source text without its Markdown backslash escapes."""
    return MARKDOWN_ESCAPE.sub(r"\1", text)


def plain_forms(value: int | float | Decimal) -> list[str]:
    """The ways a plain number may be printed: grouped (1,073) or not (1073)."""
    if isinstance(value, int):
        return [f"{value:,}", str(value)]
    return [str(value), f"{value:,}"]


def printed_at(value: int | float | Decimal, printed: str | None, quote: str) -> int | None:
    """Where in a quote a value is printed (its printed form, or else a plain form of the
    number, not inside a longer number), as a character offset; None when it is not. A
    printed form is looked for in the quote as extracted, then as people read it."""
    forms = [printed] if printed else plain_forms(value)
    for text in dict.fromkeys((quote, readable(quote))):  # verbatim first
        found = [
            match.start()
            for form in forms
            if (match := re.search(r"(?<![\d.,])" + re.escape(form) + r"(?![\d])", text))
        ]
        if found:
            return min(found)
    return None


def when(item: dict[str, Any]) -> str:
    """Write a relationship's dates short, as lists and pages show them: `start–end`,
    `from start`, `until end`, a period the text places it in (date basis `within`) as
    "within start–end" or "in year"; '' when it has none."""
    start, end = item.get("start"), item.get("end")
    if item.get("date_basis") == "within" and (start or end):
        return f"within {start}–{end}" if start and end else f"in {start or end}"
    if start and end:
        return f"{start}–{end}"
    if start:
        return f"from {start}"
    return f"until {end}" if end else ""


def disagreement(item: dict[str, Any]) -> str:
    """Say in plain words what a record from other documents says instead (an item of a
    profile's `disagrees_with`): "second.txt says otherwise: founded, from 2011 (ID)"."""
    if "predicate" in item:
        dates = when(item)
        said = str(item["predicate"]) + (f", {dates}" if dates else "")
    else:
        said = f"value {item.get('value')}"
    return f"{', '.join(item['documents'])} says otherwise: {said} ({item['id']})"


def sentences(text: str) -> list[tuple[int, int]]:
    """Split a text into sentences, as [start, end) offsets with no space at either end.

    A sentence ends at `.`, `?` or `!` (and any closing quote) before a space and a capital
    or digit, not after an initial or a common abbreviation ("Dr.", "U.S."); a paragraph
    (a line of the canonical text) always ends one.
    """
    spans: list[tuple[int, int]] = []
    base = 0
    for paragraph in text.split("\n"):
        cuts = [0]
        for match in SENTENCE_END.finditer(paragraph):
            if not ABBREVIATION.search(paragraph[: match.start()]):
                cuts.append(match.end())
        cuts.append(len(paragraph))
        for s, e in pairwise(cuts):
            piece = paragraph[s:e]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                spans.append((base + s + lead, base + s + lead + len(piece.strip())))
        base += len(paragraph) + 1
    return spans
