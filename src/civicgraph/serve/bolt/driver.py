"""Reach a Bolt server through the neo4j driver: where it is, and what its failures mean.

This module stays light (the driver itself is imported where used), so that `serve bolt`
can start the JVM before the heavy imports.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from civicgraph.errors import StoreError, UsageError

if TYPE_CHECKING:
    import neo4j

# the embedded server's user and database, and the defaults of any Bolt target (the
# embedded server's password is generated per run unless given)
DEFAULT_USER = "root"
DEFAULT_DATABASE = "civicgraph"


@dataclass(frozen=True)
class BoltTarget:
    """Where to reach a Bolt server and which database to use (None: the server's default)."""

    uri: str
    user: str | None = DEFAULT_USER
    password: str | None = None
    database: str | None = DEFAULT_DATABASE

    def driver(self) -> neo4j.Driver:
        """Open a driver; the caller closes it."""
        from neo4j import GraphDatabase

        auth = (self.user, self.password or "") if self.user else None
        try:
            return GraphDatabase.driver(self.uri, auth=auth)
        except ValueError as exc:  # a malformed URI or scheme
            raise UsageError(f"bad Bolt URI {self.uri!r}: {exc}") from exc


@dataclass(frozen=True)
class LoadReport:
    """What a load wrote, counted on the server afterwards."""

    nodes: int
    relationships: int
    seconds: float


@contextmanager
def open_session(driver: neo4j.Driver, target: BoltTarget) -> Iterator[neo4j.Session]:
    with driver.session(database=target.database) as session:
        yield session


@contextmanager
def connection_errors(target: BoltTarget) -> Iterator[None]:
    """Turn the driver's connection and authentication failures into civicgraph errors."""
    from neo4j.exceptions import AuthError, ClientError, ServiceUnavailable, SessionExpired

    try:
        yield
    except AuthError as exc:
        raise UsageError(f"the Bolt server at {target.uri} refused the credentials") from exc
    except (ServiceUnavailable, SessionExpired, OSError) as exc:
        raise StoreError(f"cannot reach a Bolt server at {target.uri}: {one_line(exc)}") from exc
    except ClientError as exc:
        message = one_line(exc.message or exc)
        raise StoreError(f"the Bolt server at {target.uri} refused: {message}") from exc


def one_line(error: object) -> str:
    """Fold a driver's multi-line message into one line (errors print as one line each)."""
    return " ".join(str(error).split())
