"""Source text as people read it, and where a value is printed in a quote."""

from __future__ import annotations

from decimal import Decimal

from civicgraph.model.text import plain_forms, printed_at, readable


def test_readable_drops_the_extractions_markdown_escapes_only() -> None:
    assert readable(r"channeling \$1.4 billion in U.S. assistance") == (
        "channeling $1.4 billion in U.S. assistance"
    )
    assert readable(r"a \*starred\* word and \_under\_") == "a *starred* word and _under_"
    # a backslash before a letter or digit escapes nothing in Markdown: kept
    assert readable(r"C:\data\2010") == r"C:\data\2010"


def test_plain_forms_group_thousands() -> None:
    assert plain_forms(1073) == ["1,073", "1073"]
    assert plain_forms(Decimal("21.6")) == ["21.6", "21.6"]


def test_printed_at_finds_a_value_and_not_a_part_of_a_longer_number() -> None:
    row = "Federal Police\t24.6\t61.0\t13.9\t0.6\t"
    assert printed_at(24.6, None, row) == row.index("24.6")
    assert printed_at(61, None, row) == row.index("61.0")  # "61.0" prints 61
    assert printed_at(0.6, None, row) == row.index("0.6\t")  # not the ".6" of 24.6
    assert printed_at(1.0, None, row) is None  # "61.0" is not "1.0"
    assert printed_at(1073, None, "there were 1,073 kidnappings") == 11


def test_a_printed_form_is_found_in_the_quote_as_people_read_it() -> None:
    quote = r"were focused on channeling \$1.4 billion in U.S. assistance"
    assert printed_at(1_400_000_000, "$1.4 billion", quote) == quote.index("$")
    assert printed_at(1_400_000_000, r"\$1.4 billion", quote) == quote.index("\\")
    assert printed_at(1_400_000_000, "$2 million", quote) is None
    # a form the escapes split is found in the text as read
    assert printed_at(3, "*three*", r"a \*three\* point plan") == 2
