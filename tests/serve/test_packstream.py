"""PackStream as the Bolt shim reads and writes it: the spec's own examples, and round trips."""

from __future__ import annotations

import socket
import threading
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civicgraph.serve.bolt.packstream import Structure, framed, pack, read_message, unpack

# examples from the PackStream specification (neo4j.com/docs/bolt/current/packstream)
SPEC = [
    (None, b"\xc0"),
    (True, b"\xc3"),
    (False, b"\xc2"),
    (1, b"\x01"),
    (-16, b"\xf0"),
    (-17, b"\xc8\xef"),
    (1234, b"\xc9\x04\xd2"),
    (1.1, b"\xc1\x3f\xf1\x99\x99\x99\x99\x99\x9a"),
    ("a", b"\x81a"),
    ("Größenmaßstäbe", b"\xd0\x12Gr\xc3\xb6\xc3\x9fenma\xc3\x9fst\xc3\xa4be"),
    ([1, 2, 3], b"\x93\x01\x02\x03"),
    ({"one": "eins"}, b"\xa1\x83one\x84eins"),
    (b"\x01\x02", b"\xcc\x02\x01\x02"),
    (Structure(0x4E, [1, ["A"], {}]), b"\xb3\x4e\x01\x91\x81A\xa0"),
]


@pytest.mark.parametrize(("value", "packed"), SPEC)
def test_the_specs_examples(value: Any, packed: bytes) -> None:
    assert pack(value) == packed
    assert unpack(packed) == value


values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=30,
)


@given(values)
def test_every_value_comes_back(value: Any) -> None:
    assert unpack(pack(value)) == value


@given(st.binary(max_size=200_000))
def test_a_message_comes_back_whole_from_its_chunks(message: bytes) -> None:
    left, right = socket.socketpair()
    with left, right:
        left.sendall(b"\x00\x00")  # a keep-alive before it
        writer = threading.Thread(target=left.sendall, args=(framed(message),))
        writer.start()
        got = read_message(right.makefile("rb")) if message else b""
        writer.join()
    assert got == message
