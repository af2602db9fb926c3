"""The fast YAML reader gives exactly what PyYAML gives, or steps aside for it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from civicgraph.build.blockyaml import Unsupported, read_items
from civicgraph.build.datafiles import _read_raw_pyyaml, read_raw
from civicgraph.build.records import RawRecord
from civicgraph.config import REPO_DIR

FIXTURES = Path(__file__).parents[1] / "fixtures"


def shape(raws: list[RawRecord]) -> list[tuple[Any, ...]]:
    return [(r.line, r.data, r.key_lines, r.source_lines) for r in raws]


def same_as_pyyaml(text: str, tmp_path: Path) -> bool:
    """Tell whether the fast path read the text (and check it agrees with PyYAML)."""
    path = tmp_path / "records.yaml"
    path.write_text(text, encoding="utf-8")
    fast = read_raw("entity", path)
    slow = _read_raw_pyyaml("entity", fast[0][0].file if fast[0] else str(path), text)
    if fast[0] or slow[0]:
        assert shape(fast[0]) == shape(slow[0])
    assert [p.message for p in fast[1]] == [p.message for p in slow[1]]
    try:
        read_items(text)
    except Unsupported:
        return False
    return True


def test_every_data_file_reads_the_same_either_way(tmp_path: Path) -> None:
    files = sorted((REPO_DIR / "data").glob("*/*.yaml")) + sorted(FIXTURES.glob("*/*/*.yaml"))
    assert files
    for path in files:
        same_as_pyyaml(path.read_text(encoding="utf-8"), tmp_path)


def test_plain_block_records_take_the_fast_path(tmp_path: Path) -> None:
    text = """# people
- id: ana-ruiz          # a comment
  type: [Person, 'Agent']
  label: "Ana \\"la\\" Ruiz"
  aliases:
    - Ana
    - 'O''Brien'
  start: 2010
  born: 1970-05-01
  flag: yes
  sources:
  - "Ana Ruiz founded\\tit"
  - quote: plain words, with a comma
    start: 12
    occurrence: 0x1F
  dimensions:
    place: town

-   id: other
    label: ~
    sources: ["a", b]
"""
    assert same_as_pyyaml(text, tmp_path)
    items = read_items(text)
    assert items[0].source_lines == [12, 13] and items[1].source_lines == [21, 21]
    assert items[0].data["born"].year == 1970 and items[0].data["flag"] is True
    assert same_as_pyyaml("- id: 012\n  n: 0\n", tmp_path)  # 0-led digits: octal, via PyYAML


def test_one_json_object_per_line_takes_the_fast_path(tmp_path: Path) -> None:
    rows = [{"id": "a", "value": 1.5, "sources": [{"quote": "q\\t", "start": 3}]}, {"id": "b"}]
    text = "".join(f"- {json.dumps(r, ensure_ascii=False)}\n" for r in rows)
    assert same_as_pyyaml(text, tmp_path)
    assert read_items(text)[0].source_lines == [1]


@pytest.mark.parametrize(
    "text",
    [
        "- id: a\n  note: >-\n    folded\n    text\n",
        "- id: a\n  note: two\n    lines\n",
        "- &x id: a\n- *x\n",
        "- id: a\n  id: b\n",
        "- just a string\n",
        "id: a\n",
        "- {id: a, label: b}\n",
        '- {"value": 1e3}\n',
        '- id: "\\u00e9"\n',
        "- id: a\n- id: b\n  label: [x, [y]]\n",
        "- id: a\n  label: b: c\n",
        "- id: a\n\tlabel: b\n",
        "---\n- id: a\n",
        "- id: 'unclosed\n",
        "- id: a\n  yes: 1\n",
    ],
)
def test_anything_else_goes_to_pyyaml_with_the_same_result(text: str, tmp_path: Path) -> None:
    assert not same_as_pyyaml(text, tmp_path)


keys = st.sampled_from(["id", "label", "note", "start", "sources", "type", "value"])
scalars = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)
values = st.one_of(
    scalars, st.lists(scalars, max_size=3), st.dictionaries(keys, scalars, max_size=3)
)


@settings(max_examples=150, deadline=None)
@given(
    records=st.lists(st.dictionaries(keys, values, min_size=1, max_size=5), min_size=1, max_size=4)
)
def test_whatever_pyyaml_writes_reads_back_the_same(
    records: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp_path = tmp_path_factory.mktemp("yaml")
    for flow in (False, None):
        text = yaml.safe_dump(records, default_flow_style=flow, allow_unicode=True, width=10**6)
        same_as_pyyaml(text, tmp_path)


@pytest.mark.parametrize("quoted", [r'"a\\"', r'"a\\\\"', r'"\"a\" \\\" b"', r'"\\\\\"x"'])
def test_backslashes_before_a_quote_end_it_or_escape_it_as_in_pyyaml(
    quoted: str, tmp_path: Path
) -> None:
    # the closing quote is the first with an even run of backslashes before it
    assert same_as_pyyaml(f"- id: a\n  label: {quoted}\n", tmp_path)  # on the fast path
