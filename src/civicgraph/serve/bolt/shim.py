"""A Bolt shim in front of the embedded ArcadeDB: what Neo4j's own tools need from a server.

Clients connect to the shim on the public port; each connection gets one of its own to
ArcadeDB's Bolt plugin on a loopback port, and messages pass one at a time, request then
reply. The shim changes only what ArcadeDB gets wrong for Neo4j clients (see
docs/arcadedb-bolt.md): it answers ROUTE with the address the client used, the schema
procedures from the projection (`answers`), and `db.schema.visualization` in Neo4j's shape;
it names the columns of an empty result and gives `EXPLAIN` its read or write type (both
from ArcadeDB's own parser, through `Shape`), and says `ProcedureNotFound` for an unknown
procedure. Security stays ArcadeDB's: every query, rewritten or not, runs there as `root`
of the read-only group, and queries the shim answers itself only read the schema.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from civicgraph.serve.bolt.answers import Answer, Answers, without_explain
from civicgraph.serve.bolt.packstream import (
    ProtocolError,
    Structure,
    exactly,
    framed,
    pack,
    read_message,
    unpack,
)

HELLO, GOODBYE, RESET, RUN, DISCARD, PULL = 0x01, 0x02, 0x0F, 0x10, 0x2F, 0x3F
BEGIN, COMMIT, ROLLBACK, ROUTE = 0x11, 0x12, 0x13, 0x66
SUCCESS, RECORD, IGNORED, FAILURE = 0x70, 0x71, 0x7E, 0x7F
SUMMARIES = (SUCCESS, IGNORED, FAILURE)
ROUTING_TTL_S = 300
PROCEDURE_NOT_FOUND = "Neo.ClientError.Procedure.ProcedureNotFound"
BATCH_BYTES = 1 << 16
MAX_CONNECTIONS = 256  # at once; one more is closed at once, so clients cannot exhaust threads
HANDSHAKE_TIMEOUT_S = 10.0  # a connection that never says Bolt is closed after this


@dataclass
class Shape:
    """What ArcadeDB's parser says of a query: read-only or not, and its columns."""

    read_only: bool | None
    columns: list[str] | None


def _message(tag: int, *fields: Any) -> bytes:
    return framed(pack(Structure(tag, list(fields))))


class Connection:
    """One client and its own connection to ArcadeDB."""

    def __init__(
        self,
        client: socket.socket,
        upstream: socket.socket,
        answers: Answers,
        shape: Callable[[str], Shape],
    ) -> None:
        self.client, self.upstream = client, upstream
        # buffered reads: a message's chunk headers and bodies cost no system call each
        self.from_client, self.from_upstream = client.makefile("rb"), upstream.makefile("rb")
        self.answers, self.shape = answers, shape
        self.major, self.minor = 0, 0
        self.failed = False
        self.pending: list[list[Any]] | None = None  # rows of a query answered here
        self.explained: Shape | None = None  # the shape of the EXPLAIN being streamed

    def serve(self) -> None:
        """Relay the handshake, then each message, until either side goes."""
        hello = exactly(self.from_client, 20)
        if hello is None or not hello.startswith(b"\x60\x60\xb0\x17"):
            return
        self.upstream.sendall(hello)
        chosen = exactly(self.from_upstream, 4)
        if chosen is None:
            return
        self.client.sendall(chosen)
        self.client.settimeout(None)  # a driver keeps idle connections in its pool
        self.major, self.minor = chosen[3], chosen[2]
        if self.major == 0:
            return
        while True:
            data = read_message(self.from_client)
            if data is None:
                return
            message = unpack(data)
            if not isinstance(message, Structure):
                raise ProtocolError("a Bolt message is a structure")
            if message.tag == GOODBYE:
                self.upstream.sendall(framed(data))
                return
            self.handle(message, data)

    def send(self, tag: int, *fields: Any) -> None:
        self.client.sendall(_message(tag, *fields))

    def handle(self, message: Structure, data: bytes) -> None:
        tag = message.tag
        if tag == RESET:
            self.failed, self.pending, self.explained = False, None, None
        elif self.failed:
            self.send(IGNORED, {})
            return
        if tag == ROUTE:
            self.route(message.fields)
        elif tag == RUN:
            self.run(message, data)
        elif tag in (PULL, DISCARD) and self.pending is not None:
            extra = message.fields[0] if message.fields else {}
            wanted = extra.get("n", -1) if isinstance(extra, dict) and tag == PULL else -1
            count = len(self.pending) if tag == DISCARD or wanted < 0 else wanted
            rows = self.pending[:count] if tag == PULL else []
            self.client.sendall(b"".join(_message(RECORD, row) for row in rows))
            self.pending = self.pending[count:] or None
            more = {"has_more": True} if self.pending else {"type": "r", "t_last": 0}
            self.send(SUCCESS, more)
        else:
            self.forward(data, fix_type=tag in (PULL, DISCARD))

    def route(self, fields: list[Any]) -> None:
        """Advertise the address the client used as reader, writer and router."""
        context = fields[0] if fields and isinstance(fields[0], dict) else {}
        address = context.get("address")
        if not isinstance(address, str) or not address:
            host, port = self.client.getsockname()[:2]
            address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        extra = fields[2] if len(fields) > 2 else None
        database = extra.get("db") if isinstance(extra, dict) else extra
        servers = [{"addresses": [address], "role": r} for r in ("WRITE", "READ", "ROUTE")]
        table = {"ttl": ROUTING_TTL_S, "db": database or "civicgraph", "servers": servers}
        self.send(SUCCESS, {"rt": table})

    def run(self, message: Structure, data: bytes) -> None:
        text, parameters = message.fields[0], message.fields[1]
        answer = self.answers.answer(text, parameters) if isinstance(text, str) else None
        if answer is not None and answer.failure is not None:
            self.fail(*answer.failure)
            return
        if answer is not None and answer.query is None:
            self.pending = answer.rows
            self.send(SUCCESS, {"fields": answer.columns, "t_first": 0})
            return
        if answer is not None and answer.query == "visualization":
            self.pending = [self.visualization()]
            self.send(SUCCESS, {"fields": answer.columns, "t_first": 0})
            return
        if answer is not None and answer.query is not None:
            text = answer.query
            fields = [text, answer.parameters, *message.fields[2:]]
            data = pack(Structure(RUN, fields))
        explained, body = without_explain(text) if isinstance(text, str) else (False, "")
        shape = self.shape(body) if isinstance(text, str) else Shape(None, None)
        self.explained = shape if explained else None
        self.forward(data, columns=shape.columns)

    def fail(self, code: str, text: str) -> None:
        self.failed = True
        self.send(FAILURE, {"code": code, "message": text, "neo4j_code": code})

    def forward(
        self, data: bytes, *, columns: list[str] | None = None, fix_type: bool = False
    ) -> None:
        """Send a message to ArcadeDB and pass its replies back, correcting its summary."""
        self.upstream.sendall(framed(data))
        records = bytearray()  # sent on in batches, not a system call each
        while True:
            reply = read_message(self.from_upstream)
            if reply is None:
                raise ConnectionError("ArcadeDB closed the connection")
            tag = reply[1] if len(reply) > 1 else -1
            if tag not in SUMMARIES:
                records += framed(reply)
                if len(records) > BATCH_BYTES:
                    self.client.sendall(records)
                    records.clear()
                continue
            if records:
                self.client.sendall(records)
            summary = unpack(reply)
            if tag == FAILURE:
                self.failed = True
                self.pending = None
                self.client.sendall(_message(FAILURE, self.mapped(summary.fields[0])))
            elif tag == SUCCESS:
                metadata = dict(summary.fields[0])
                if columns and metadata.get("fields") == []:
                    metadata["fields"] = columns  # ArcadeDB names columns from the first row
                if fix_type and self.explained is not None and "type" in metadata:
                    read_only = self.explained.read_only
                    metadata["type"] = "r" if read_only else "w"
                if fix_type and not metadata.get("has_more"):
                    self.explained = None
                self.client.sendall(_message(SUCCESS, metadata))
            else:
                self.client.sendall(framed(reply))
            return

    @staticmethod
    def mapped(metadata: dict[str, Any]) -> dict[str, Any]:
        """Return ArcadeDB's failure with Neo4j's code for an unknown procedure."""
        text = str(metadata.get("message", ""))
        if "Unknown procedure" not in text:
            return metadata
        fixed = {**metadata, "code": PROCEDURE_NOT_FOUND}
        if "neo4j_code" in fixed:
            fixed["neo4j_code"] = PROCEDURE_NOT_FOUND
        return fixed

    def visualization(self) -> list[Any]:
        """Return `db.schema.visualization()`'s one row: a node per label, their joins."""
        schema = self.answers.schema
        labels = sorted(schema.node_properties)
        ids = {label: -1 - i for i, label in enumerate(labels)}
        modern = self.major >= 5
        nodes = []
        for label in labels:
            fields: list[Any] = [ids[label], [label], {"name": label}]
            nodes.append(Structure(0x4E, [*fields, str(ids[label])] if modern else fields))
        relationships = []
        for number, ((start, edge_type), ends) in enumerate(sorted(schema.joins.items())):
            for end in sorted(ends):
                at = -1 - number * len(labels) - labels.index(end)
                fields = [at, ids[start], ids[end], edge_type, {"name": edge_type}]
                if modern:
                    fields += [str(at), str(ids[start]), str(ids[end])]
                relationships.append(Structure(0x52, fields))
        return [nodes, relationships]


class BoltShim:
    """Listen on `host:port` and relay every connection to ArcadeDB's Bolt at `upstream`."""

    def __init__(
        self,
        host: str,
        port: int,
        upstream: tuple[str, int],
        answers: Answers,
        shape: Callable[[str], Shape],
    ) -> None:
        self.upstream, self.answers, self.shape = upstream, answers, shape
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.listener = socket.socket(family, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((host, port))
        self.listener.listen(64)
        self.port: int = self.listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, name="bolt-shim", daemon=True)
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def start(self) -> None:
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed by stop()
            if not self._slots.acquire(blocking=False):
                client.close()
                continue
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            self._relay(client)
        finally:
            self._slots.release()

    def _relay(self, client: socket.socket) -> None:
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client.settimeout(HANDSHAKE_TIMEOUT_S)
        try:
            upstream = socket.create_connection(self.upstream, timeout=None)
        except OSError:
            client.close()
            return
        upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connection = Connection(client, upstream, self.answers, self.shape)
        try:
            connection.serve()
        except (OSError, ProtocolError, ConnectionError, IndexError, UnicodeDecodeError):
            pass  # a client that goes or speaks nonsense loses its own connection only
        finally:
            # a socket stays open while a file made from it is: close those first
            ends = (connection.from_client, connection.from_upstream, client, upstream)
            for end in ends:
                with suppress(OSError):
                    end.close()

    def stop(self) -> None:
        with suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()


__all__ = ["Answer", "BoltShim", "Shape"]
