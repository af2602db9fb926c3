"""A review edits one record of a data file as text: the rest of the file stays byte for byte."""

from __future__ import annotations

import difflib
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from civicgraph.build.blockyaml import Unsupported, read_items
from civicgraph.build.yamledit import Change, EditError, append_record, edit_record, quoted
from tests.conftest import MINI

PEOPLE = (MINI / "entities" / "people.yaml").read_text(encoding="utf-8")
CITATION = {"quote": 'Ana Ruíz, the "founder"\tof it', "document": "new.txt", "start": 85}
BLOCK = """\
# a curator's comment
- id: a   # the first
  label: A
  aliases:
    - B
  review: checked  # read twice
  sources:
    - "x"  # first quote
    - quote: y
      start: 3

# the next record
- id: b
  label: 'B b'
  sources: ["z"]
"""


def only_added(before: str, after: str) -> list[str]:
    """The lines `after` adds to `before`; fails if it removes or changes any other line."""
    added: list[str] = []
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        assert op in ("equal", "insert"), (op, before.splitlines()[a1:a2])
        if op == "insert":
            added += after.splitlines()[b1:b2]
    return added


def fast_reader_agrees(text: str) -> None:
    """The build's fast reader reads the edited text as PyYAML does (or steps aside)."""
    try:
        items = read_items(text)
    except Unsupported:
        return
    assert [i.data for i in items] == yaml.safe_load(text)


def test_an_alias_a_citation_and_review_are_added_as_lines() -> None:
    change = Change({"review": "unreviewed"}, "Ana Ruíz", CITATION)
    edited = edit_record(PEOPLE, 0, change, "people.yaml")
    assert only_added(PEOPLE.replace("[Ruiz]", '[Ruiz, "Ana Ruíz"]'), edited) == [
        "  review: unreviewed",
        '    - quote: "Ana Ruíz, the \\"founder\\"\\tof it"',
        "      document: new.txt",
        "      start: 85",
    ]
    record = yaml.safe_load(edited)[0]
    assert record["aliases"] == ["Ruiz", "Ana Ruíz"] and record["review"] == "unreviewed"
    assert record["sources"][-1] == CITATION  # the tab comes back as a tab
    assert yaml.safe_load(edited)[1:] == yaml.safe_load(PEOPLE)[1:]
    fast_reader_agrees(edited)


def test_comments_blank_lines_and_quoting_outside_the_change_stay() -> None:
    edited = edit_record(BLOCK, 0, Change({"review": "unreviewed"}, "C", CITATION), "f.yaml")
    added = only_added(BLOCK.replace("review: checked", "review: unreviewed"), edited)
    assert added == ['    - "C"', *(f"    {line}" for line in citation_lines())]
    second = edit_record(BLOCK, 1, Change({"review": "checked"}, "D", CITATION), "f.yaml")
    assert second.startswith(BLOCK.split("- id: b")[0])  # the first record, byte for byte
    assert yaml.safe_load(second)[1] == {
        "id": "b",
        "label": "B b",
        "aliases": ["D"],
        "review": "checked",
        "sources": ["z", CITATION],
    }
    fast_reader_agrees(edited)
    fast_reader_agrees(second)


def citation_lines() -> list[str]:
    return [f"- quote: {quoted(CITATION['quote'])}", "  document: new.txt", "  start: 85"]


def test_a_json_line_record_is_written_again_as_one_line() -> None:
    text = (
        '- {"id": "a", "label": "A", "sources": ["x"]}\n'
        '- {"id": "b", "label": "B", "sources": ["y"]}\n'
    )
    edited = edit_record(text, 1, Change({"review": "unreviewed"}, "Bee", CITATION), "f.yaml")
    lines = edited.splitlines()
    assert lines[0] == text.splitlines()[0] and len(lines) == 2
    assert yaml.safe_load(edited)[1]["sources"] == ["y", CITATION]
    fast_reader_agrees(edited)


def test_a_layout_it_cannot_edit_is_refused_not_garbled() -> None:
    text = '- {"id": "a",\n   "label": "A", "sources": ["x"]}\n'
    with pytest.raises(EditError, match=r"f\.yaml:1: .*by hand"):
        edit_record(text, 0, Change({"review": "checked"}), "f.yaml")
    with pytest.raises(EditError, match="no record 3"):
        edit_record(BLOCK, 2, Change({"review": "checked"}), "f.yaml")


def test_append_keeps_the_file_and_adds_a_block_record() -> None:
    record: dict[str, Any] = {
        "id": "marta-quiroga",
        "type": "Person",
        "label": "Marta Quiroga",
        "aliases": ["Quiroga"],
        "review": "unreviewed",
        "sources": [CITATION],
    }
    edited = append_record(PEOPLE, record, "people.yaml")
    assert edited.startswith(PEOPLE) and yaml.safe_load(edited)[-1] == record
    assert append_record("", record, "new.yaml").startswith("- id: marta-quiroga\n")
    fast_reader_agrees(edited)
    with pytest.raises(EditError, match=r"^bad\.yaml:1: .*not a YAML list"):
        append_record("id: x\n", record, "bad.yaml")
    with pytest.raises(EditError, match=r"^bad\.yaml:3: cannot add a record: expected"):
        append_record("- a\n- [b\n", record, "bad.yaml")


words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30
)


@settings(max_examples=200, deadline=None)
@given(alias=words, quote=words, start=st.integers(min_value=0, max_value=10**6))
def test_any_alias_and_quote_round_trip(alias: str, quote: str, start: int) -> None:
    citation = {"quote": quote, "document": "new.txt", "start": start}
    for text, index in ((PEOPLE, 0), (BLOCK, 0), (BLOCK, 1)):
        try:
            edited = edit_record(
                text, index, Change({"review": "unreviewed"}, alias, citation), "f"
            )
        except EditError:  # a value YAML cannot hold on one line: refused, never garbled
            continue
        record = yaml.safe_load(edited)[index]
        assert record["aliases"][-1] == alias and record["sources"][-1] == citation
        fast_reader_agrees(edited)
