"""Bolt's wire format, as much as the shim in front of ArcadeDB needs (`shim`).

PackStream values (null, booleans, integers, floats, strings, bytes, lists, maps and tagged
structures) are read and written whole; Bolt messages are structures sent in chunks of at
most 65,535 bytes, ended by an empty chunk. An empty chunk between messages is a keep-alive.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any, BinaryIO


@dataclass
class Structure:
    """A tagged PackStream structure: a Bolt message, a node, a date…"""

    tag: int
    fields: list[Any] = field(default_factory=list)


class ProtocolError(Exception):
    """The bytes are not PackStream or not a Bolt message."""


def unpack(data: bytes) -> Any:
    """Return the one value `data` holds."""
    value, end = _read(data, 0)
    if end != len(data):
        raise ProtocolError("trailing bytes after a PackStream value")
    return value


def _sized(data: bytes, at: int, width: int) -> tuple[int, int]:
    size = int.from_bytes(data[at : at + width], "big")
    return size, at + width


def _read(data: bytes, at: int) -> tuple[Any, int]:
    marker = data[at]
    at += 1
    if marker < 0x80:
        return marker, at
    if marker >= 0xF0:
        return marker - 0x100, at
    high, low = marker & 0xF0, marker & 0x0F
    if high == 0x80:
        return data[at : at + low].decode("utf-8"), at + low
    if high == 0x90:
        return _items(data, at, low)
    if high == 0xA0:
        return _pairs(data, at, low)
    if high == 0xB0:
        tag = data[at]
        items, at = _items(data, at + 1, low)
        return Structure(tag, items), at
    if marker == 0xC0:
        return None, at
    if marker in (0xC2, 0xC3):
        return marker == 0xC3, at
    if marker == 0xC1:
        return struct.unpack(">d", data[at : at + 8])[0], at + 8
    if marker in (0xC8, 0xC9, 0xCA, 0xCB):
        width = 1 << (marker - 0xC8)
        return int.from_bytes(data[at : at + width], "big", signed=True), at + width
    widths = {0xCC: 1, 0xCD: 2, 0xCE: 4, 0xD0: 1, 0xD1: 2, 0xD2: 4}
    widths |= {0xD4: 1, 0xD5: 2, 0xD6: 4, 0xD8: 1, 0xD9: 2, 0xDA: 4}
    if marker not in widths:
        raise ProtocolError(f"unknown PackStream marker {marker:#x}")
    size, at = _sized(data, at, widths[marker])
    if marker <= 0xCE:
        return bytes(data[at : at + size]), at + size
    if marker <= 0xD2:
        return data[at : at + size].decode("utf-8"), at + size
    if marker <= 0xD6:
        return _items(data, at, size)
    return _pairs(data, at, size)


def _items(data: bytes, at: int, count: int) -> tuple[list[Any], int]:
    items = []
    for _ in range(count):
        item, at = _read(data, at)
        items.append(item)
    return items, at


def _pairs(data: bytes, at: int, count: int) -> tuple[dict[str, Any], int]:
    pairs = {}
    for _ in range(count):
        key, at = _read(data, at)
        pairs[key], at = _read(data, at)
    return pairs, at


def _header(out: bytearray, size: int, tiny: int, markers: tuple[int, int, int]) -> None:
    if size < 16 and tiny:
        out.append(tiny + size)
    elif size < 0x100:
        out += bytes([markers[0], size])
    elif size < 0x10000:
        out.append(markers[1])
        out += size.to_bytes(2, "big")
    else:
        out.append(markers[2])
        out += size.to_bytes(4, "big")


def pack(value: Any) -> bytes:
    """Return `value` as PackStream bytes."""
    out = bytearray()
    _write(out, value)
    return bytes(out)


def _write(out: bytearray, value: Any) -> None:
    if value is None:
        out.append(0xC0)
    elif value is True or value is False:
        out.append(0xC3 if value else 0xC2)
    elif isinstance(value, int):
        if -16 <= value < 128:
            out += value.to_bytes(1, "big", signed=True)
        else:
            for marker, width in ((0xC8, 1), (0xC9, 2), (0xCA, 4), (0xCB, 8)):
                if -(1 << (8 * width - 1)) <= value < (1 << (8 * width - 1)):
                    out.append(marker)
                    out += value.to_bytes(width, "big", signed=True)
                    break
    elif isinstance(value, float):
        out.append(0xC1)
        out += struct.pack(">d", value)
    elif isinstance(value, str):
        encoded = value.encode("utf-8")
        _header(out, len(encoded), 0x80, (0xD0, 0xD1, 0xD2))
        out += encoded
    elif isinstance(value, bytes | bytearray):
        _header(out, len(value), 0, (0xCC, 0xCD, 0xCE))
        out += value
    elif isinstance(value, list | tuple):
        _header(out, len(value), 0x90, (0xD4, 0xD5, 0xD6))
        for item in value:
            _write(out, item)
    elif isinstance(value, dict):
        _header(out, len(value), 0xA0, (0xD8, 0xD9, 0xDA))
        for key, item in value.items():
            _write(out, str(key))
            _write(out, item)
    elif isinstance(value, Structure):
        out += bytes([0xB0 + len(value.fields), value.tag])
        for item in value.fields:
            _write(out, item)
    else:
        raise ProtocolError(f"cannot pack a {type(value).__name__}")


def read_message(stream: BinaryIO) -> bytes | None:
    """Return the next message's bytes (keep-alives skipped); None once the peer has gone."""
    parts: list[bytes] = []
    while True:
        head = exactly(stream, 2)
        if head is None:
            return None
        size = int.from_bytes(head, "big")
        if size == 0:
            if parts:
                return b"".join(parts)
            continue
        body = exactly(stream, size)
        if body is None:
            return None
        parts.append(body)


def exactly(stream: BinaryIO, size: int) -> bytes | None:
    """Return `size` bytes from a buffered stream; None if it ends (or fails) first."""
    try:
        data = stream.read(size)
    except OSError:
        return None
    return data if len(data) == size else None


def framed(message: bytes) -> bytes:
    """Return a message's bytes in chunks, ended by an empty chunk."""
    out = bytearray()
    for start in range(0, len(message), 0xFFFF):
        piece = message[start : start + 0xFFFF]
        out += len(piece).to_bytes(2, "big") + piece
    return bytes(out + b"\x00\x00")
