"""A SPARQL 1.1 Graph Store HTTP Protocol client for `push --sparql`.

Every graph goes as a named graph (`PUT ?graph=IRI`), the store's default graph under
`DATA_GRAPH`: `PUT ?default` is an error on servers without a configured default graph
(Virtuoso's graph-crud answers 500), while named graphs work everywhere. PUT replaces the
graph and POST adds to it (`push` sends a large graph as a PUT and then POSTs), so pushing
twice leaves the same triples. `replace` takes the parts as an iterator of byte files, so
any source of N-Triples (a dump of the store, a file kept beside the build) goes the same
way. Authentication follows what the server asks for in its 401 challenge (Digest for
Virtuoso, Basic for Fuseki and most proxies).
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Iterable
from typing import IO, Any

from civicgraph.errors import StoreError
from civicgraph.model.vocab import GRAPH_BASE

DATA_GRAPH = GRAPH_BASE + "data"
ATTEMPTS = 3
# Only what may pass by itself is retried: a busy or restarting server, never a refusal.
RETRY_STATUSES = {408, 429, 502, 503, 504}
NOT_GRAPH_STORE = {404, 405, 406, 415, 501}
TIMEOUT = (10.0, 600.0)  # connect, read: a big graph takes a while to load


class Unreachable(StoreError):
    """No connection to the server (refused, reset, name not found)."""


class GraphStore:
    """One Graph Store endpoint, with the authentication its server asks for."""

    def __init__(self, url: str, user: str | None, password: str | None) -> None:
        import requests

        self.url = url
        self.http = requests.Session()
        self.user = user
        self.password = password or ""
        self.auth: Any = None

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def negotiate(self, graph: str) -> None:
        """Ask without credentials, pick Digest or Basic from the challenge, check them once."""
        response = self._send("HEAD", graph)
        if response.status_code == 400:
            raise StoreError(f"{self.url} is not a Graph Store endpoint: {_summary(response)}")
        if response.status_code == 401 and not self.user:
            raise StoreError(f"{self.url} asks for a user and password: give --user and --password")
        if not self.user:
            return
        self.auth = self._auth_for(response)
        # an authenticated HEAD checks the password before any upload (and primes Digest)
        self._refused(self._send("HEAD", graph, auth=self.auth).status_code)

    def _auth_for(self, response: Any) -> Any:
        """Digest where the 401 challenge offers it, else Basic (sent up front)."""
        from requests.auth import HTTPBasicAuth, HTTPDigestAuth

        challenge = response.headers.get("WWW-Authenticate", "").lower()
        digest = challenge.startswith("digest") or ", digest" in challenge
        return (HTTPDigestAuth if digest else HTTPBasicAuth)(self.user or "", self.password)

    def _refused(self, status: int) -> None:
        if status in (401, 403):
            who = f"user {self.user!r}" if self.user else "anonymous access"
            raise StoreError(f"{self.url} refused {who}: {status} (check --user and --password)")

    def replace(
        self,
        graph: str,
        parts: Iterable[tuple[IO[bytes] | bytes, int]],
        progress: Callable[[str], None] = lambda _: None,
    ) -> int:
        """Make the named graph hold the N-Triples of `parts` (each with its count of
        triples): the first `PUT`, which replaces the graph, the others `POST`, which add to
        it. Return how many triples went."""
        sent = 0
        for number, (part, triples) in enumerate(parts):
            self.send("POST" if number else "PUT", graph, part)
            sent += triples
            progress(f"graph <{graph}>: {sent} triples")
        return sent

    def send(self, method: str, graph: str, body: IO[bytes] | bytes) -> None:
        """PUT (replace) or POST (add to) a named graph the N-Triples in `body`, retrying
        what may pass by itself: a POST retried adds nothing twice, an RDF graph being a
        set (and a part with blank nodes never split, see `push`)."""
        headers = {"Content-Type": "application/n-triples"}
        from requests.auth import HTTPBasicAuth, HTTPDigestAuth

        for attempt in range(ATTEMPTS):
            if attempt:
                time.sleep(0.5 * 2**attempt)
            if not isinstance(body, bytes):
                body.seek(0)
            try:
                response = self._send(method, graph, data=body, headers=headers, auth=self.auth)
            except Unreachable:
                if attempt + 1 < ATTEMPTS:
                    continue
                raise
            last = attempt + 1 == ATTEMPTS
            if response.status_code in RETRY_STATUSES and not last:
                continue
            switch = self._auth_for(response) if response.status_code == 401 and self.user else None
            if isinstance(self.auth, HTTPBasicAuth) and isinstance(switch, HTTPDigestAuth):
                self.auth = switch  # a server that challenged only the upload, not HEAD
                if not last:
                    continue
            break
        status = response.status_code
        if status < 300:
            return
        self._refused(status)
        if status in NOT_GRAPH_STORE:
            raise StoreError(f"{self.url} is not a Graph Store endpoint: {_summary(response)}")
        side = "server error" if status >= 500 else "refused"
        raise StoreError(f"{self.url} {side} on graph <{graph}>: {_summary(response)}")

    def _send(self, method: str, graph: str, **options: Any) -> Any:
        import requests

        try:
            return self.http.request(
                method, self.url, params={"graph": graph}, timeout=TIMEOUT, **options
            )
        except requests.Timeout:
            raise StoreError(f"{self.url} did not answer {method} in time") from None
        except requests.RequestException as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise Unreachable(f"cannot reach {self.url}: {reason}") from None


def _summary(response: Any) -> str:
    """The status and the server's first meaningful line, tags and the status title left out."""
    text = html.unescape(re.sub(r"<[^>]+>", "\n", response.text or ""))
    reason = response.reason or ""
    lines = [
        line.strip()
        for line in text.splitlines()
        if line.strip()
        and str(response.status_code) not in line
        and not line.strip().startswith("<!")
        and line.strip().lower() not in {reason.lower(), "error"}
    ]
    # an HTML error page ends with the message (Virtuoso's: title, code, message); text starts
    is_html = "<" in (response.text or "")
    first = (lines[-1] if is_html else lines[0]) if lines else ""
    detail = first if len(first) <= 200 else first[:199] + "…"
    return f"{response.status_code} {reason}" + (f": {detail}" if detail else "")
