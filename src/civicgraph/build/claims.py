"""Check each relationship against its own quotes, for the patterns that overstate a text.

An independent reading of the chapter (issue 16) found edges whose quotes were verbatim but
which claimed more than the quotes say. These checks find the mechanical signs of it; each
finding is a place for a curator to read again, not a verdict:

- `date-not-quoted`: a start or end year that none of the relationship's quotes contains
  (a date taken from context, or from a cited newspaper's date);
- `name-not-quoted`: no quote holds the subject's (or the object's) label, Spanish label or
  alias, nor any distinctive word of them (one of four letters or more that is not a common
  word), so the quote may be about something else (or say it in other words);
- `relative-as-victim`: a `victimOf` whose quotes speak of a son, father, wife… (the
  relative of a victim is not the victim);
- `bare-table-cell`: every quote is one cell of a table, with no citation of a heading
  that says what the cell means.

`civicgraph audit` reports them under "Claims to read again" (`claims` in `--json`). A
finding that a curator has read again and found fine is explained by a bullet for its
relationship id in `data/EXCLUDED.md`; the audit then shows it as explained, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from civicgraph.build.records import Citation, EntityRecord, Records, RelationshipRecord

YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
# "1994–95": the second year of a range, written with two digits
YEAR_RANGE = re.compile(r"(?<!\d)(1[89]|20)(\d\d)[–-](\d\d)(?!\d)")
RELATIVE = re.compile(
    r"\b(sons?|daughters?|fathers?|mothers?|husbands?|wife|wives|brothers?|sisters?|"
    r"famil(?:y|ies)|relatives?|parents?|children|child|nephews?|nieces?)\b",
    re.IGNORECASE,
)
# words too common in labels to tell one entity from another
COMMON = frozenset(
    {
        *("about", "after", "against", "among", "and", "between", "civic", "city", "during"),
        *("federal", "from", "government", "into", "local", "mexican", "mexico", "national"),
        *("over", "program", "programs", "public", "reform", "state", "their", "this"),
        *("through", "under", "united", "with"),
    }
)
CHECKS = ("date-not-quoted", "name-not-quoted", "relative-as-victim", "bare-table-cell")


@dataclass(frozen=True)
class ClaimFinding:
    """One relationship that one check flags, where it is, and why."""

    check: str
    relationship: str
    file: str
    line: int
    message: str
    explained: str | None = None  # why the finding is fine, from EXCLUDED.md

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "relationship": self.relationship,
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "explained": self.explained,
        }


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _named(entity: EntityRecord | None, quoted: list[str]) -> bool:
    """Tell whether any quote holds one of the entity's names, or a distinctive word of one."""
    if entity is None:
        return True  # a dangling reference is the build's error, not this check's
    names = [
        w for w in (_words(n) for n in (entity.label, entity.label_es or "", *entity.aliases)) if w
    ]
    if any(f" {n} " in f" {q} " for n in names for q in quoted):
        return True
    distinctive = {w for n in names for w in n.split() if len(w) >= 4 and w not in COMMON}
    return any(w in distinctive for q in quoted for w in q.split())


def quote_names(entity: EntityRecord, quote: str) -> bool:
    """Tell whether a quote names the entity (a name, or a distinctive word of one)."""
    return _named(entity, [_words(quote)])


def line_of(citation: Citation) -> str:
    """The whole source line a citation stands on."""
    text = citation.where.document.text
    start = text.rfind("\n", 0, citation.where.start) + 1
    end = text.find("\n", citation.where.end)
    return text[start : end if end >= 0 else len(text)]


def _table_cell(citation: Citation) -> bool:
    line = line_of(citation)
    return "\t" in line and "\t" not in citation.quote


def check_relationship(
    relationship: RelationshipRecord, entities: dict[str, EntityRecord]
) -> list[ClaimFinding]:
    """Return what each check finds in one relationship."""
    found = []
    quotes = [c.quote for c in relationship.citations]
    where = (relationship.origin.file, relationship.origin.line)

    def flag(check: str, line: int, message: str) -> None:
        found.append(ClaimFinding(check, relationship.id, where[0], line, message))

    years_quoted = {y for q in quotes for y in YEAR.findall(q)}
    years_quoted |= {c + e for q in quotes for c, _, e in YEAR_RANGE.findall(q)}
    for key in ("start", "end"):
        value = getattr(relationship, key)
        year = YEAR.match(value or "")
        if year and year.group(1) not in years_quoted:
            flag(
                "date-not-quoted",
                relationship.lines.get(key, where[1]),
                f"{key} {value}: no quote of this relationship contains {year.group(1)}",
            )
    quoted = [_words(q) for q in quotes]
    for role in ("subject", "object"):
        slug = getattr(relationship, role)
        if not _named(entities.get(slug), quoted):
            flag(
                "name-not-quoted",
                relationship.lines.get(role, where[1]),
                f"no quote names the {role} {slug} (by its label or an alias)",
            )
    if relationship.relation.key == "victimOf":
        kin = sorted({m.group(1).lower() for q in quotes for m in RELATIVE.finditer(q)})
        if kin:
            flag(
                "relative-as-victim",
                where[1],
                f"victimOf, but the quotes speak of a relative ({', '.join(kin)})",
            )
    if relationship.citations and all(_table_cell(c) for c in relationship.citations):
        flag(
            "bare-table-cell",
            where[1],
            "every quote is a single table cell; cite the heading that says what it means",
        )
    return found


def check_claims(records: Records) -> list[ClaimFinding]:
    """Run every check on every relationship, in file and line order."""
    entities = {e.id: e for e in records.entities}
    found = [f for r in records.relationships for f in check_relationship(r, entities)]
    return sorted(found, key=lambda f: (f.file, f.line, f.check))
