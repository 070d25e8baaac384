"""`SqliteStore`: the `Store` protocol on one SQLite file, durable once a call returns.

Schema (version 1, in `PRAGMA user_version`):

    resource(seq INTEGER PRIMARY KEY, collection, id, body)  -- UNIQUE (collection, id); (collection, seq)
    resource_key(collection, path, kind, value, seq)         -- (collection, path, kind, value, seq); (seq)

`resource` holds each resource as JSON; `seq` is its creation number, so newest first is
`ORDER BY seq DESC`. `resource_key` holds one row per scalar found at an indexed path (the
paths `store.HASH_INDEXED` and `store.SORTED_INDEXED` name: id, state, orderDate,
relatedParty.id, externalId, ...), keyed exactly as `query.value_key` keys it: `kind` b/n/s/t,
instants as integer microseconds, strings as UTF-8 BLOBs (byte order is code point order, as in
Python). A filter on an indexed path is answered by a range or equality search on that index;
the other filters run the shared predicate (`query.matches_all`) over those candidates only.

Durability: WAL journal with `synchronous=FULL`; every write is one transaction committed before
the method returns, so a 201 is sent only for an order already on disk (it survives kill -9 and
power loss). One connection, shared by threads under a lock (the app uses it from its event loop).
"""

from __future__ import annotations

import json
import math
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from mock_server.indexes import keys_at
from mock_server.query import Condition, Key, SortKey, matches_all, sort_resources
from mock_server.store import HASH_INDEXED, SORTED_INDEXED, Collection, DuplicateIdError, Resource

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS resource (
    seq INTEGER PRIMARY KEY,
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
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
_SQL_OPS = {"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_INT64 = range(-(2**63), 2**63)
_KEY_SELECT = "SELECT seq FROM resource_key WHERE collection = ? AND path = ? AND kind = ? AND value {op} ?"

_BY_ID = "SELECT {column} FROM resource WHERE collection = ? AND id = ?"

Params = list[Any]


def _select(columns: str, where: str, tail: str = "") -> str:
    """SQL text from this module's fixed fragments only; every value is a bound `?` parameter."""
    return f"SELECT {columns} FROM resource WHERE {where} {tail}"  # noqa: S608 (no caller text inside)


def _stored_value(key: Key) -> Any:
    """The SQL value an index row holds for a key; None for NaN (it equals nothing, as in Python).

    An integer beyond 64 bits is kept as the nearest REAL (or an infinity): rounding keeps its order
    against every value a query may search with (`_query_value`), so range searches stay exact.
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


def _query_value(key: Key) -> Any:
    """The SQL value to search for, or None when only the predicate compares it exactly
    (integers beyond 64 bits and infinities, which rounded index values could equal)."""
    kind, value = key
    if kind == "n" and ((isinstance(value, int) and value not in _INT64) or not math.isfinite(value)):
        return None
    return _stored_value(key)


def _storable_text(text: Any) -> bool:
    """Ids are TEXT: a lone surrogate (possible from a JSON `\\ud800` escape) cannot be one."""
    if not isinstance(text, str):
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _decode(body: str) -> Resource:
    resource: Resource = json.loads(body)
    return resource


def open_database(path: str) -> sqlite3.Connection:
    """Open (creating if needed) a store file in WAL mode; ValueError naming the file if unusable."""
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


def _prepare(db: sqlite3.Connection) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version not in {0, SCHEMA_VERSION}:
        raise ValueError(f"schema version {version}, this mock writes version {SCHEMA_VERSION}")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")  # fsync the WAL at each commit: an ack is on disk
    if version == 0:  # a new file: the whole schema in one transaction (one sync, not one per statement)
        db.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")


class SqliteStore:
    """Same behaviour as `MemoryStore` (the shared tests run on both), kept in a SQLite file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._db = open_database(path)
        self._lock = threading.RLock()  # re-entered by the writes inside bulk()
        self._paths = {c: HASH_INDEXED[c] + SORTED_INDEXED[c] for c in HASH_INDEXED}

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Many writes, one transaction and one sync (seeding): all of them or, on an exception, none."""
        with self._transaction():
            yield

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write, committed (and synced) before the caller goes on; inside `bulk()` a savepoint
        keeps it all-or-nothing while the outer transaction decides about durability."""
        with self._lock:
            nested = self._db.in_transaction
            self._db.execute("SAVEPOINT write" if nested else "BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK TO write" if nested else "ROLLBACK")
                if nested:
                    self._db.execute("RELEASE write")
                raise
            self._db.execute("RELEASE write" if nested else "COMMIT")

    def _read(self, sql: str, params: Sequence[Any]) -> list[Any]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def add(self, collection: Collection, resource: Resource) -> None:
        resource_id = resource["id"]
        if not _storable_text(resource_id):
            raise ValueError(f"{collection} id {resource_id!r} must be a UTF-8 string")
        try:
            with self._transaction() as db:
                row = (collection, resource_id, json.dumps(resource))
                cursor = db.execute("INSERT INTO resource (collection, id, body) VALUES (?, ?, ?)", row)
                self._index(db, collection, cursor.lastrowid, resource)
        except sqlite3.IntegrityError:
            raise DuplicateIdError(f"{collection} {resource_id!r} already exists") from None

    def _index(self, db: sqlite3.Connection, collection: Collection, seq: Any, resource: Resource) -> None:
        rows = [
            (collection, ".".join(path), kind, bound, seq)
            for path in self._paths[collection]
            for kind, value in keys_at(resource, path)
            if (bound := _stored_value((kind, value))) is not None
        ]
        db.executemany("INSERT INTO resource_key VALUES (?, ?, ?, ?, ?)", rows)

    def get(self, collection: Collection, resource_id: str) -> Resource | None:
        if not _storable_text(resource_id):
            return None
        rows = self._read(_BY_ID.format(column="body"), (collection, resource_id))
        return _decode(rows[0][0]) if rows else None

    def replace(self, collection: Collection, resource: Resource) -> bool:
        """Same seq: the resource keeps its place in creation order."""
        resource_id = resource["id"]
        if not _storable_text(resource_id):
            return False
        with self._transaction() as db:
            found = db.execute(_BY_ID.format(column="seq"), (collection, resource_id)).fetchone()
            if found is None:
                return False
            db.execute("UPDATE resource SET body = ? WHERE seq = ?", (json.dumps(resource), found[0]))
            db.execute("DELETE FROM resource_key WHERE seq = ?", found)
            self._index(db, collection, found[0], resource)
        return True

    def delete(self, collection: Collection, resource_id: str) -> bool:
        if not _storable_text(resource_id):
            return False
        with self._transaction() as db:
            found = db.execute(_BY_ID.format(column="seq"), (collection, resource_id)).fetchone()
            if found is None:
                return False
            db.execute("DELETE FROM resource_key WHERE seq = ?", found)
            db.execute("DELETE FROM resource WHERE seq = ?", found)
        return True

    def query(
        self,
        collection: Collection,
        conditions: Sequence[Condition],
        sort: Sequence[SortKey],
        offset: int,
        limit: int,
    ) -> tuple[list[Resource], int]:
        where, params, rest = self._candidates(collection, conditions)
        if not rest and not sort:  # the index answers alone: page and count in SQL
            page = self._read(
                _select("body", where, "ORDER BY seq DESC LIMIT ? OFFSET ?"), [*params, limit, offset]
            )
            total = self._read(_select("count(*)", where), params)[0][0]
            return [_decode(body) for (body,) in page], total
        rows = self._read(_select("body", where, "ORDER BY seq DESC"), params)
        found = [_decode(body) for (body,) in rows]
        if rest:
            found = [resource for resource in found if matches_all(resource, rest)]
        if sort:
            found = sort_resources(found, sort)
        return found[offset : offset + limit], len(found)

    def _candidates(
        self, collection: Collection, conditions: Sequence[Condition]
    ) -> tuple[str, Params, list[Condition]]:
        """SQL selecting the rows the indexes allow (AND of conditions), and the conditions left over."""
        clauses: list[str] = []
        params: Params = []
        rest: list[Condition] = []
        for condition in conditions:
            lookup = self._lookup(collection, condition)
            if lookup is None:
                rest.append(condition)
            else:
                clauses.append(f"seq IN ({lookup[0]})")
                params.extend(lookup[1])
        if not clauses:  # the key searches already stay in `collection`; naming it again misleads the planner
            return "collection = ?", [collection], rest
        return " AND ".join(clauses), params, rest

    def _lookup(self, collection: Collection, condition: Condition) -> tuple[str, Params] | None:
        """A UNION of index searches, one per key the filter value may equal (TMF630 `a,b` is OR)."""
        if condition.path not in self._paths[collection]:
            return None
        selects, params = [], []
        for key in sorted(condition.keys, key=repr):  # sorted: the same SQL text for the same filter
            bound = _query_value(key)
            if bound is None:
                return None
            selects.append(_KEY_SELECT.format(op=_SQL_OPS[condition.op]))
            params.extend([collection, condition.name, key[0], bound])
        return " UNION ".join(selects) or "SELECT NULL WHERE 0", params

    def query_plan(self, collection: Collection, conditions: Sequence[Condition]) -> list[str]:
        """SQLite's EXPLAIN QUERY PLAN of the candidate search: diagnostics, and proof it does not scan."""
        where, params, _ = self._candidates(collection, conditions)
        rows = self._read("EXPLAIN QUERY PLAN " + _select("body", where, "ORDER BY seq DESC"), params)
        return [str(row[-1]) for row in rows]

    def reset(self) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM resource_key")
            db.execute("DELETE FROM resource")
