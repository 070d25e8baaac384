"""The SQLite store's file: schema (version 2), opening and upgrading it, and how index values are bound.

    resource(seq INTEGER PRIMARY KEY, collection, id, body)  -- UNIQUE (collection, id); (collection, seq)
    resource_key(collection, path, kind, value, seq)         -- (collection, path, kind, value, seq); (seq)
    key_count(collection, path, kind, value, n)              -- resources holding each indexed key
    resource_count(collection, n)                            -- resources in each collection

`resource` holds each resource as JSON: a BLOB written by orjson, or TEXT written by Python's `json`
(files of version 1, and the rare values orjson cannot keep: integers beyond 64 bits, lone
surrogates); the storage class says which decoder reads it back. `seq` is the creation number, so
newest first is `ORDER BY seq DESC`. `resource_key` holds one row per distinct scalar key found at an
indexed path, keyed exactly as `query.value_key` keys it: `kind` b/n/s/t, instants as integer
microseconds, strings as UTF-8 BLOBs (byte order is code point order, as in Python).
`key_count` and `resource_count` keep the totals a page reports, so `X-Total-Count` of a filter on
one value is one lookup, not a count of a million index entries.

Version 1 files (no counts) are upgraded in place when opened, in one transaction.
"""

from __future__ import annotations

import json
import math
import sqlite3
from typing import Any

import orjson

from mock_server.store.codec import Resource, encoded
from mock_server.store.query import Key

SCHEMA_VERSION = 2
_TABLES_V1 = """
CREATE TABLE IF NOT EXISTS resource (
    seq INTEGER PRIMARY KEY,
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,  -- JSON: a BLOB (orjson) or TEXT (json); TEXT affinity leaves a BLOB as it is
    UNIQUE (collection, id)
);
CREATE INDEX IF NOT EXISTS resource_order ON resource (collection, seq);
CREATE TABLE IF NOT EXISTS resource_key (
    collection TEXT NOT NULL,
    path TEXT NOT NULL,
    kind TEXT NOT NULL,
    value NOT NULL,  -- no declared type: no affinity, values stay as bound
    seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS resource_key_lookup ON resource_key (collection, path, kind, value, seq);
CREATE INDEX IF NOT EXISTS resource_key_owner ON resource_key (seq);
"""
_TABLES_V2 = """
CREATE TABLE key_count (
    collection TEXT NOT NULL,
    path TEXT NOT NULL,
    kind TEXT NOT NULL,
    value NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (collection, path, kind, value)
) WITHOUT ROWID;
CREATE TABLE resource_count (collection TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO key_count
    SELECT collection, path, kind, value, count(DISTINCT seq) FROM resource_key
    GROUP BY collection, path, kind, value;
INSERT INTO resource_count SELECT collection, count(*) FROM resource GROUP BY collection;
"""
_INT64 = range(-(2**63), 2**63)


def open_database(path: str) -> sqlite3.Connection:
    """Open (creating or upgrading) a store file in WAL mode; ValueError naming the file if unusable."""
    try:
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    except sqlite3.Error as exc:
        raise ValueError(f"cannot use {path!r} as the SQLite store: {exc}") from None
    try:
        _prepare(db)
    except (sqlite3.Error, ValueError) as exc:
        db.close()
        raise ValueError(f"cannot use {path!r} as the SQLite store: {exc}") from None
    return db


def open_reader(path: str) -> sqlite3.Connection:
    """A second connection for reads, opened after `open_database` prepared the file: in WAL mode it
    reads the last commit without waiting for the writer, and it refuses writes (`query_only`)."""
    try:
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA query_only = 1")
    except sqlite3.Error as exc:
        raise ValueError(f"cannot use {path!r} as the SQLite store: {exc}") from None
    return db


def _prepare(db: sqlite3.Connection) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version not in {0, 1, SCHEMA_VERSION}:
        raise ValueError(f"schema version {version}, this mock writes version {SCHEMA_VERSION}")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")  # fsync the WAL at each commit: an ack is on disk
    if version < SCHEMA_VERSION:  # new or version 1: everything missing in one transaction (one sync)
        missing = (_TABLES_V1 if version == 0 else "") + _TABLES_V2
        db.executescript(f"BEGIN IMMEDIATE; {missing} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")


def stored_value(key: Key) -> Any:
    """The SQL value an index row holds for a key; None for NaN (it equals nothing, as in Python).

    An integer beyond 64 bits is kept as the nearest REAL (or an infinity): rounding keeps its order
    against every value a query may search with (`query_value`), so range searches stay exact.
    """
    kind, value = key
    if kind == "s":
        return str(value).encode("utf-8", "surrogatepass")  # BLOB: lone surrogates too, code point order
    if kind == "b":
        return int(value)
    if isinstance(value, int) and value not in _INT64:
        return _nearest_real(value)
    return None if isinstance(value, float) and math.isnan(value) else value


def _nearest_real(value: int) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def query_value(key: Key) -> Any:
    """The SQL value to search for, or None when only the predicate compares it exactly
    (integers beyond 64 bits and infinities, which rounded index values could equal)."""
    kind, value = key
    if kind == "n" and ((isinstance(value, int) and value not in _INT64) or not math.isfinite(value)):
        return None
    return stored_value(key)


def storable_text(text: Any) -> bool:
    """Ids are TEXT: a lone surrogate (possible from a JSON `\\ud800` escape) cannot be one."""
    if not isinstance(text, str):
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def body_of(resource: Resource) -> bytes | str:
    """The `body` value: orjson bytes (a BLOB), or `json` text when orjson cannot keep the resource."""
    data = encoded(resource)
    return json.dumps(resource) if data is None else data


def decoded(body: bytes | str) -> Resource:
    """A stored body as a fresh dict: the storage class names the encoder (see the module docstring)."""
    resource: Resource = orjson.loads(body) if isinstance(body, bytes) else json.loads(body)
    return resource


def body_json(body: bytes | str) -> bytes:
    """A stored body as UTF-8 JSON for a response (`json` text is ASCII: its escapes are kept)."""
    return body if isinstance(body, bytes) else body.encode("utf-8")
