"""`SqliteStore`: the `Store` protocol on one SQLite file, durable once a call returns.

The file's layout is in `store.sqlite_schema`. A filter on one value of an indexed path (`?state=`,
`?relatedParty.id=`) pages straight from the `resource_key_lookup` index, newest first
(`ORDER BY seq DESC LIMIT ? OFFSET ?` on the index, then the page's bodies by primary key), and
takes its total from `key_count`; other indexed conditions are checked per candidate through the
`(seq)` index. Filters on several values or on a range run as `seq IN (...)` searches of the index;
unindexed filters run the shared predicate (`query.matches_all`) over those candidates only; a `sort`
reads and sorts every match.

Durability: WAL journal with `synchronous=FULL`; every write is one transaction committed before
the method returns, so a 201 is sent only for an order already on disk (it survives kill -9 and
power loss). One connection, shared by threads under a lock (the app uses it from its event loop).

The `Store` coroutines wrap these synchronous calls and never suspend: a call holds the event loop
for its statement and its sync, as before, and a handler's read-modify-write stays atomic.
`events` are not kept (one writer process: the caller publishes them to its notifier).
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from mock_server.store.base import (
    NO_CATALOGUE,
    UNDECLARED,
    Catalogue,
    Codec,
    Collection,
    DuplicateIdError,
    Event,
    Page,
    Path,
    Resource,
    Stored,
)
from mock_server.store.indexes import keys_at
from mock_server.store.query import Condition, Query
from mock_server.store.sqlite_query import filtered, plan, searches
from mock_server.store.sqlite_schema import (
    body_json,
    body_of,
    decoded,
    open_database,
    storable_text,
    stored_value,
)

_BY_ID = "SELECT {column} FROM resource WHERE collection = ? AND id = ?"
_UNKEY = "DELETE FROM resource_key WHERE seq = ? AND path = ? AND kind = ? AND value = ?"
_COUNT_KEY = "INSERT INTO key_count VALUES (?, ?, ?, ?, 1) ON CONFLICT DO UPDATE SET n = n + 1"
_DROP_KEY = "DELETE FROM key_count WHERE collection = ? AND path = ? AND kind = ? AND value = ? AND n = 1"
_UNCOUNT_KEY = "UPDATE key_count SET n = n - 1 WHERE collection = ? AND path = ? AND kind = ? AND value = ?"
_COUNT_RESOURCE = "INSERT INTO resource_count VALUES (?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n"


def _claim_writer(path: str) -> int:
    """An exclusive lock on `<path>.writer`, held while the store is open: a second process (or store)
    on the same file would keep its own seq and counts and lose acknowledged updates, so it is refused."""
    if sys.platform == "win32":  # no flock there; SQLite's own locking still serialises writes
        return -1
    import fcntl  # noqa: PLC0415 (POSIX only)

    # Named after the real file: a symlink (or `dir/../file`) to it must meet the same lock.
    lock_path = f"{os.path.realpath(path)}.writer"
    try:
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ValueError(f"cannot use {path!r} as the SQLite store: {exc}") from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(descriptor)
        raise ValueError(
            f"the SQLite store {path!r} is open in another mock process (one writer per file): "
            "stop it, or share a database between processes with --store postgresql://..."
        ) from None
    return descriptor


#: A row's `body` column (JSON text or bytes) read back.
CODEC = Codec(decoded, body_json)
#: (path, kind, value) of one resource_key row, value as bound.
KeyRow = tuple[str, str, Any]


class SqliteStore:
    """Same behaviour as `MemoryStore` (the shared tests run on both), kept in a SQLite file."""

    def __init__(self, path: str, catalogue: Catalogue = NO_CATALOGUE) -> None:
        self.path = path
        self._writer = _claim_writer(path)
        try:
            self._db = open_database(path)
        except ValueError:
            if self._writer >= 0:
                os.close(self._writer)
            raise
        self._lock = threading.RLock()  # re-entered by the writes inside bulk()
        self._catalogue = catalogue

    def _paths(self, collection: Collection) -> tuple[Path, ...]:
        """What the catalogue says `collection` indexes (by id only if it names none)."""
        return self._catalogue.get(collection, UNDECLARED).paths

    def close(self) -> None:
        with self._lock:
            self._db.close()
            if self._writer >= 0:
                os.close(self._writer)

    @asynccontextmanager
    async def bulk(self) -> AsyncIterator[None]:
        """Many writes, one transaction and one sync (seeding): all of them or, on an exception, none.
        The body must make only this store's calls (which never suspend): the lock is this thread's."""
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

    async def add(self, collection: Collection, resource: Resource, events: Sequence[Event] = ()) -> None:
        del events
        resource_id = resource["id"]
        if not storable_text(resource_id):
            raise ValueError(f"{collection} id {resource_id!r} must be a UTF-8 string")
        try:
            with self._transaction() as db:
                row = (collection, resource_id, body_of(resource))
                cursor = db.execute("INSERT INTO resource (collection, id, body) VALUES (?, ?, ?)", row)
                self._rekey(db, collection, cursor.lastrowid, set(), self._keys(collection, resource))
                db.execute(_COUNT_RESOURCE, (collection, 1))
        except sqlite3.IntegrityError:
            raise DuplicateIdError(f"{collection} {resource_id!r} already exists") from None

    def _keys(self, collection: Collection, resource: Resource) -> set[KeyRow]:
        return {
            (".".join(path), kind, bound)
            for path in self._paths(collection)
            for kind, value in keys_at(resource, path)
            if (bound := stored_value((kind, value))) is not None
        }

    def _rekey(
        self, db: sqlite3.Connection, collection: Collection, seq: Any, old: set[KeyRow], new: set[KeyRow]
    ) -> None:
        """Index rows and counts from the `old` keys to the `new` ones (only the changes are written)."""
        gone = [(collection, *key) for key in old - new]
        db.executemany(_UNKEY, [(seq, *key[1:]) for key in gone])
        db.executemany(_DROP_KEY, gone)
        db.executemany(_UNCOUNT_KEY, gone)
        added = [(collection, *key) for key in new - old]
        db.executemany("INSERT INTO resource_key VALUES (?, ?, ?, ?, ?)", [(*key, seq) for key in added])
        db.executemany(_COUNT_KEY, added)

    def _stored_keys(self, db: sqlite3.Connection, seq: Any) -> set[KeyRow]:
        return set(db.execute("SELECT path, kind, value FROM resource_key WHERE seq = ?", (seq,)))

    async def get(self, collection: Collection, resource_id: str) -> Stored | None:
        body = self._body_of(collection, resource_id)
        return None if body is None else Stored(body, CODEC)

    def _body_of(self, collection: Collection, resource_id: str) -> bytes | str | None:
        if not storable_text(resource_id):
            return None
        rows = self._read(_BY_ID.format(column="body"), (collection, resource_id))
        return rows[0][0] if rows else None

    async def replace(
        self,
        collection: Collection,
        resource: Resource,
        expected: Stored | None = None,
        events: Sequence[Event] = (),
    ) -> bool:
        """Same seq: the resource keeps its place in creation order. One writer process and no
        suspension between a handler's read and write: `expected` cannot be stale here (see `Store`)."""
        del expected, events
        resource_id = resource["id"]
        if not storable_text(resource_id):
            return False
        with self._transaction() as db:
            found = db.execute(_BY_ID.format(column="seq"), (collection, resource_id)).fetchone()
            if found is None:
                return False
            db.execute("UPDATE resource SET body = ? WHERE seq = ?", (body_of(resource), found[0]))
            old = self._stored_keys(db, found[0])
            self._rekey(db, collection, found[0], old, self._keys(collection, resource))
        return True

    async def delete(self, collection: Collection, resource_id: str, events: Sequence[Event] = ()) -> bool:
        del events
        if not storable_text(resource_id):
            return False
        with self._transaction() as db:
            found = db.execute(_BY_ID.format(column="seq"), (collection, resource_id)).fetchone()
            if found is None:
                return False
            self._rekey(db, collection, found[0], self._stored_keys(db, found[0]), set())
            db.execute("DELETE FROM resource WHERE seq = ?", found)
            db.execute(_COUNT_RESOURCE, (collection, -1))
        return True

    async def query(self, collection: Collection, query: Query) -> Page:
        found, rest = searches(self._paths(collection), query.conditions)
        with self._lock:  # the total and the page from one state of the file
            chosen = plan(self._read, collection, found)
            if not rest and not query.sort:  # the index answers alone: page and count in SQL
                bodies, total = chosen.page(self._read, query.offset, query.limit)
            else:
                every = [body for (body,) in self._read(chosen.sql(1), chosen.params)]
                bodies, total = filtered(every, rest, query.sort, query.offset, query.limit)
        return Page(bodies, total, CODEC)

    def query_plan(self, collection: Collection, conditions: Sequence[Condition]) -> list[str]:
        """EXPLAIN QUERY PLAN of a page's query: diagnostics, and proof it neither scans nor sorts."""
        found, _ = searches(self._paths(collection), conditions)
        chosen = plan(self._read, collection, found)
        rows = self._read("EXPLAIN QUERY PLAN " + chosen.sql(0), [*chosen.params, 10, 0])
        return [str(row[-1]) for row in rows]

    async def reset(self) -> None:
        with self._transaction() as db:
            for table in ("resource_key", "resource", "key_count", "resource_count"):
                db.execute(f"DELETE FROM {table}")  # noqa: S608 (a fixed table name)
