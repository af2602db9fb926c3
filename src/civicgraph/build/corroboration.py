"""Corroboration: when the build calls a claim `confirmed`.

A claim is confirmed when it is quoted from two independent sources. Two documents count as
independent when both name a publisher in their metadata (`publisher:` in
`data/sources/ID.yaml`) and the publishers differ once case, accents and punctuation are
folded: two reports of one press, or a document whose publisher is unknown, confirm nothing.
The rule gives the default status of a relationship or observation whose record does not
state one; a stated `status:` (`reported`, `alleged`, `disputed`, `confirmed`) always wins,
so a curator can keep a claim `alleged` however many sources repeat it.
"""

from __future__ import annotations

from functools import cache

from civicgraph.build.records import Citation, normalise_name

DEFAULT_STATUS = "reported"
CORROBORATED = "confirmed"

# a publisher is folded once, not once per citation (millions of them, a few publishers)
_folded = cache(normalise_name)


def publishers(citations: list[Citation]) -> set[str]:
    """Return the folded publishers of the documents the citations quote (unknown ones left out)."""
    found = set()
    for citation in citations:
        publisher = citation.where.document.publisher
        if publisher and (folded := _folded(publisher)):
            found.add(folded)
    return found


def corroborated_status(citations: list[Citation]) -> str:
    """Return the status of a claim that states none: `confirmed` when its quotes come from
    documents of at least two different publishers, `reported` otherwise."""
    return CORROBORATED if len(publishers(citations)) >= 2 else DEFAULT_STATUS
