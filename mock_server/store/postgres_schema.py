"""The PostgreSQL store's tables, how it connects, and how a resource and its index keys are written.

    tmf622_resource(seq, collection, id, version, body bytea, doc jsonb, keys bytea[])
        UNIQUE (collection, id); (collection, seq); GIN (keys)
    tmf622_subscription(seq, id, callback, query)       -- hub subscriptions every replica shares
    tmf622_outbox(seq, event_type, resource, field_path)  -- events no replica has taken yet

`body` is the exact JSON the API answers with (the bytes MemoryStore keeps), `doc` the same resource
as JSONB for SQL (NULL for the rare resource JSONB cannot hold: a NUL or lone surrogate in a string,
NaN). `keys` holds one entry per distinct scalar key at an indexed path, encoded from `query.value_key`
(`path NUL kind NUL value`), so `keys && ARRAY[...]` is exactly the shared predicate's equality: the
GIN index answers `?state=`, `?relatedParty.id=`, `?id=`, `?orderDate=` without reading a body.
(An expression index on `doc->>'orderDate'` tripled the cost of an insert, 400 -> 1,270 µs, and no
query used it: the GIN index holds orderDate's keys.)
`version` grows with each write: `replace(..., expected=)` is a compare-and-swap on it.

Tables live in the connection's `search_path`, so one database can hold several independent mocks
(the tests give each its own schema with `?options=-csearch_path%3D<schema>`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable

import orjson
import psycopg
from psycopg_pool import AsyncConnectionPool

from mock_server.store.codec import Resource, encoded
from mock_server.store.query import Key

#: Every replica runs this at start, under one advisory lock (CREATE ... IF NOT EXISTS races otherwise).
DDL = """
SELECT pg_advisory_xact_lock(622622);
CREATE TABLE IF NOT EXISTS tmf622_resource (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    collection text NOT NULL,
    id text NOT NULL,
    version bigint NOT NULL DEFAULT 1,
    body bytea NOT NULL,
    doc jsonb,
    keys bytea[] NOT NULL,
    UNIQUE (collection, id)
);
CREATE INDEX IF NOT EXISTS tmf622_resource_order ON tmf622_resource (collection, seq);
CREATE INDEX IF NOT EXISTS tmf622_resource_keys ON tmf622_resource USING gin (keys);
CREATE TABLE IF NOT EXISTS tmf622_subscription (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL UNIQUE,
    callback text NOT NULL,
    query text
);
CREATE TABLE IF NOT EXISTS tmf622_outbox (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_type text NOT NULL,
    resource bytea NOT NULL,
    field_path text[] NOT NULL
);
"""
URL_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(text: str) -> bool:
    return text.startswith(URL_SCHEMES)


#: Connections each process keeps and lends to requests (`postgres_lender`). Commits in flight together
#: share a WAL flush (group commit), so a few suffice at the bench's 64 connections; on 2 cores more
#: backends only compete for the CPU (measured: 2-4 gave the most POSTs and GETs per second, 8 and 16
#: fewer).
POOL_SIZE = 4


def new_pool(url: str, size: int = POOL_SIZE) -> AsyncConnectionPool:
    """A pool of `size` autocommit connections, not yet open: it opens in the running event loop
    (`open_pool`, at the app's start)."""
    return AsyncConnectionPool(
        url, min_size=size, max_size=size, kwargs={"autocommit": True}, open=False, name="tmf622-store"
    )


async def open_pool(pool: AsyncConnectionPool, url: str) -> None:
    """Open `pool` and create the tables; ValueError naming the database if it is unusable."""
    try:
        # One connection first: a refused password or a missing database is then said once, in one line,
        # instead of the pool retrying (and logging) for its 10 s and ending with a bare timeout.
        await (await psycopg.AsyncConnection.connect(url, connect_timeout=10)).close()
        await pool.open(wait=True, timeout=10)
        async with pool.connection() as conn, conn.transaction():
            await conn.execute(DDL, prepare=False)
    except (psycopg.Error, TimeoutError, OSError) as exc:
        await pool.close()
        reason = " ".join(str(exc).split())  # libpq's messages span lines
        raise ValueError(f"cannot use {redacted(url)!r} as the PostgreSQL store: {reason}") from None


def redacted(url: str) -> str:
    """The URL without its password (it is shown in errors and on /health)."""
    scheme, _, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at:
        return url
    user, colon, _ = credentials.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}@{host}"


#: Leads a body written by `json` (orjson never writes leading whitespace): orjson would read such a
#: body differently (an integer beyond 64 bits as a float), so it is read back with `json`.
_JSON_MARK = b"\n"


def body_of(resource: Resource) -> bytes:
    """orjson's bytes, or (marked) compact ASCII `json` when orjson cannot keep the resource."""
    data = encoded(resource)
    if data is None:
        return _JSON_MARK + json.dumps(resource, separators=(",", ":")).encode("ascii")
    return data


def doc_of(body: bytes) -> str | None:
    """The body as JSONB text, or None when JSONB cannot hold it (see the module docstring)."""
    if body.startswith(_JSON_MARK) or b"\\u0000" in body:
        return None
    return body.decode("utf-8")


def decoded(body: bytes) -> Resource:
    """A stored body as a fresh dict."""
    resource: Resource = json.loads(body) if body.startswith(_JSON_MARK) else orjson.loads(body)
    return resource


def body_json(body: bytes) -> bytes:
    """The bytes MemoryStore answers with (`codec.as_json`)."""
    return bytes(body[1:] if body.startswith(_JSON_MARK) else body)


def encoded_key(path: str, key: Key) -> bytes:
    """One `keys` entry: equal exactly when the two `query.value_key` keys are equal."""
    kind, value = key
    return f"{path}\0{kind}\0".encode() + _value_bytes(kind, value)


def _value_bytes(kind: str, value: object) -> bytes:
    if kind == "s":
        return str(value).encode("utf-8", "surrogatepass")
    if kind == "b":
        return b"1" if value else b"0"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value)).encode()  # 1.0 == 1 in the predicate, so one entry
    return (str(value) if isinstance(value, int) else repr(value)).encode()


def encoded_keys(path: str, keys: Iterable[Key]) -> list[bytes]:
    return sorted({encoded_key(path, key) for key in keys})
