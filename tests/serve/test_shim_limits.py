"""The Bolt shim's own limits: a client cannot hold its threads with silent connections.

The shim runs for real on a loopback port; what stands behind it is a plain listening
socket (ArcadeDB is not needed: no message gets past the handshake)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from civicgraph.serve.bolt import shim
from civicgraph.serve.bolt.shim import BoltShim


def closed_within(connection: socket.socket, seconds: float) -> float | None:
    """Return after how many seconds the shim closed the connection, None if it did not."""
    connection.settimeout(seconds)
    start = time.monotonic()
    try:
        if connection.recv(1) == b"":
            return time.monotonic() - start
    except TimeoutError:
        return None
    except ConnectionResetError:
        return time.monotonic() - start
    return None


@pytest.fixture
def limited(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    monkeypatch.setattr(shim, "MAX_CONNECTIONS", 2)
    monkeypatch.setattr(shim, "HANDSHAKE_TIMEOUT_S", 0.5)
    upstream = socket.create_server(("127.0.0.1", 0))
    server = BoltShim("127.0.0.1", 0, upstream.getsockname()[:2], None, lambda _: None)  # type: ignore[arg-type]
    server.start()
    try:
        yield server.port
    finally:
        server.stop()
        upstream.close()


def test_a_connection_that_never_says_bolt_is_closed(limited: int) -> None:
    with socket.create_connection(("127.0.0.1", limited)) as silent:
        after = closed_within(silent, 5.0)
    assert after is not None and after < 3.0


def test_connections_beyond_the_cap_are_refused_and_slots_come_back(limited: int) -> None:
    held = [socket.create_connection(("127.0.0.1", limited)) for _ in range(2)]
    time.sleep(0.1)  # both accepted and holding a slot
    with socket.create_connection(("127.0.0.1", limited)) as third:
        assert closed_within(third, 0.3) is not None  # closed at once, before any timeout
    for connection in held:
        assert closed_within(connection, 5.0) is not None  # the handshake timeout
        connection.close()
    time.sleep(0.1)
    with socket.create_connection(("127.0.0.1", limited)) as again:
        assert closed_within(again, 0.2) is None  # a slot again: held until its timeout
