"""`SqliteStore`: the `Store` protocol on one SQLite file, durable once a call returns.

The file's layout is in `store.sqlite_schema`. A filter on one value of an indexed path (`?state=`,
`?relatedParty.id=`) pages straight from the `resource_key_lookup` index, newest first
(`ORDER BY seq DESC LIMIT ? OFFSET ?` on the index, then the page's bodies by primary key), and
takes its total from `key_count`; other indexed conditions are checked per candidate through the
`(seq)` index. Filters on several values or on a range run as `seq IN (...)` searches of the index;
unindexed filters run the shared predicate (`query.matches_all`) over those candidates only; a `sort`
reads and sorts every match.

Durability: WAL journal with `synchronous=FULL` (the WAL is synced at each commit, so an acknowledged
write survives kill -9 and power loss; NORMAL would sync only at checkpoints and could lose the last
commits to a power cut). Writes go through group commit (`store.sqlite_commit`): the writes of
concurrent requests share one transaction and one sync in a writer thread, and each `await` ends only
after the commit holding its write, so a 201 is sent only for an order already on disk.

Two connections: the writer's, and the event loop's for reads. In WAL mode a read sees the last
commit (a request reads its own write once its `await` ended) and never waits for the writer; a
list's page and total come from one read transaction (one state of the file).

Writes now suspend, so other requests run between a handler's read and its write: `replace(...,
expected=<the Stored read>)` writes only over the body that was read, else raises `WriteConflict`
(`store.base.rewrite` reads again and re-applies the change), as on PostgreSQL. The body is the
version: equal bytes are equal resources, so a change applied to them loses nothing. A `get` of a
resource with a write queued waits for its commit, so many concurrent changes of one resource run
one after the other instead of conflicting until their retries run out. `bulk()` keeps
its one transaction on the loop thread, its calls never suspending (seeding, reset).
`events` are not kept (one writer process: the caller publishes them to its notifier).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

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
    WriteConflict,
)
from mock_server.store.indexes import keys_at
from mock_server.store.query import Condition, Query
from mock_server.store.sqlite_commit import GroupCommit
from mock_server.store.sqlite_query import Read, filtered, plan, searches
from mock_server.store.sqlite_schema import (
    body_json,
    body_of,
    decoded,
    open_database,
    open_reader,
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
T = TypeVar("T")


class SqliteStore:
    """Same behaviour as `MemoryStore` (the shared tests run on both), kept in a SQLite file."""

    def __init__(self, path: str, catalogue: Catalogue = NO_CATALOGUE) -> None:
        self.path = path
        self._writer = _claim_writer(path)
        try:
            self._db = open_database(path)
            self._reader = open_reader(path)
        except ValueError:
            if hasattr(self, "_db"):
                self._db.close()
            if self._writer >= 0:
                os.close(self._writer)
            raise
        self._lock = threading.RLock()  # the write connection's; re-entered by the writes inside bulk()
        self._read_lock = threading.Lock()
        self._commits = GroupCommit(self._db, self._lock, path)
        #: Set while the current task is inside `bulk()`: its calls use the write connection directly.
        self._in_bulk: ContextVar[bool] = ContextVar(f"tmf622-sqlite-bulk-{id(self)}", default=False)
        #: Per resource, the last write queued and not yet committed: a `get` of it waits for it.
        self._pending: dict[tuple[Collection, str], asyncio.Future[None]] = {}
        self._catalogue = catalogue

    def _paths(self, collection: Collection) -> tuple[Path, ...]:
        """What the catalogue says `collection` indexes (by id only if it names none)."""
        return self._catalogue.get(collection, UNDECLARED).paths

    def close(self) -> None:
        self._commits.close()
        with self._lock:
            self._reader.close()
            self._db.close()
            if self._writer >= 0:
                os.close(self._writer)

    @asynccontextmanager
    async def bulk(self) -> AsyncIterator[None]:
        """Many writes, one transaction and one sync (seeding): all of them or, on an exception, none.
        The body must make only this store's calls, which never suspend inside it: the transaction
        holds the write connection's lock on the loop thread (a batch syncing meanwhile is waited for)."""
        if self._in_bulk.get():
            yield
            return
        with self._transaction():
            token = self._in_bulk.set(True)
            try:
                yield
            finally:
                self._in_bulk.reset(token)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """Inside `bulk()`: one write under a savepoint (all-or-nothing while the outer transaction
        decides about durability); else the bulk's own transaction, committed and synced at its end."""
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

    async def _write(self, key: tuple[Collection, str] | None, write: Callable[[sqlite3.Connection], T]) -> T:
        """`write`'s answer once it is committed: with other requests' writes (group commit), or in
        this task's `bulk()` transaction. Until then `key`'s resource counts as being written."""
        if self._in_bulk.get():
            with self._transaction() as db:
                return write(db)
        if key is None:
            return await self._commits(write)
        done = self._pending[key] = asyncio.get_running_loop().create_future()
        try:
            return await self._commits(write)
        finally:
            if self._pending.get(key) is done:
                del self._pending[key]
            done.set_result(None)

    async def _settled(self, key: tuple[Collection, str]) -> None:
        """Wait until no write of `key`'s resource is queued: concurrent read-modify-writes of one
        resource (200 PATCHes adding notes) then read one after the other's commit instead of all
        reading the same body, conflicting and running out of retries. Never suspends otherwise."""
        while (pending := self._pending.get(key)) is not None:
            await pending

    @contextmanager
    def _reading(self) -> Iterator[Read]:
        """A function running a SELECT: all on one state of the file (one read transaction); inside
        `bulk()`, on the write connection, so the bulk reads its own writes."""
        if self._in_bulk.get():
            with self._lock:
                yield lambda sql, params: self._db.execute(sql, params).fetchall()
            return
        with self._read_lock:
            reader = self._reader
            reader.execute("BEGIN")
            try:
                yield lambda sql, params: reader.execute(sql, params).fetchall()
            finally:
                reader.execute("COMMIT")

    def _read(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """One statement (itself one state of the file)."""
        if self._in_bulk.get():
            with self._lock:
                return self._db.execute(sql, params).fetchall()
        with self._read_lock:
            return self._reader.execute(sql, params).fetchall()

    async def add(self, collection: Collection, resource: Resource, events: Sequence[Event] = ()) -> None:
        del events
        resource_id = resource["id"]
        if not storable_text(resource_id):
            raise ValueError(f"{collection} id {resource_id!r} must be a UTF-8 string")
        row = (collection, resource_id, body_of(resource))
        keys = self._keys(collection, resource)

        def insert(db: sqlite3.Connection) -> None:
            try:
                cursor = db.execute("INSERT INTO resource (collection, id, body) VALUES (?, ?, ?)", row)
            except sqlite3.IntegrityError:
                raise DuplicateIdError(f"{collection} {resource_id!r} already exists") from None
            _rekey(db, collection, cursor.lastrowid, set(), keys)
            db.execute(_COUNT_RESOURCE, (collection, 1))

        await self._write((collection, resource_id), insert)

    def _keys(self, collection: Collection, resource: Resource) -> set[KeyRow]:
        return {
            (".".join(path), kind, bound)
            for path in self._paths(collection)
            for kind, value in keys_at(resource, path)
            if (bound := stored_value((kind, value))) is not None
        }

    async def get(self, collection: Collection, resource_id: str) -> Stored | None:
        if not storable_text(resource_id):
            return None
        if self._pending:
            await self._settled((collection, resource_id))
        rows = self._read(_BY_ID.format(column="body"), (collection, resource_id))
        return Stored(rows[0][0], CODEC) if rows else None

    async def replace(
        self,
        collection: Collection,
        resource: Resource,
        expected: Stored | None = None,
        events: Sequence[Event] = (),
    ) -> bool:
        """Same seq: the resource keeps its place in creation order. With `expected`, only over the
        body that was read (else WriteConflict: another request wrote since)."""
        del events
        resource_id = resource["id"]
        if not storable_text(resource_id):
            return False
        body, keys = body_of(resource), self._keys(collection, resource)

        def update(db: sqlite3.Connection) -> bool:
            found = db.execute(_BY_ID.format(column="seq, body"), (collection, resource_id)).fetchone()
            if found is None:
                return False
            if expected is not None and found[1] != expected.raw:
                raise WriteConflict(f"{collection} {resource_id!r} was changed by another request")
            db.execute("UPDATE resource SET body = ? WHERE seq = ?", (body, found[0]))
            _rekey(db, collection, found[0], _stored_keys(db, found[0]), keys)
            return True

        return await self._write((collection, resource_id), update)

    async def delete(self, collection: Collection, resource_id: str, events: Sequence[Event] = ()) -> bool:
        del events
        if not storable_text(resource_id):
            return False

        def remove(db: sqlite3.Connection) -> bool:
            found = db.execute(_BY_ID.format(column="seq"), (collection, resource_id)).fetchone()
            if found is None:
                return False
            _rekey(db, collection, found[0], _stored_keys(db, found[0]), set())
            db.execute("DELETE FROM resource WHERE seq = ?", found)
            db.execute(_COUNT_RESOURCE, (collection, -1))
            return True

        return await self._write((collection, resource_id), remove)

    async def query(self, collection: Collection, query: Query) -> Page:
        found, rest = searches(self._paths(collection), query.conditions)
        with self._reading() as read:  # the total and the page from one state of the file
            chosen = plan(read, collection, found)
            if not rest and not query.sort:  # the index answers alone: page and count in SQL
                bodies, total = chosen.page(read, query.offset, query.limit)
            else:
                every = [body for (body,) in read(chosen.sql(1), chosen.params)]
                bodies, total = filtered(every, rest, query.sort, query.offset, query.limit)
        return Page(bodies, total, CODEC)

    def query_plan(self, collection: Collection, conditions: Sequence[Condition]) -> list[str]:
        """EXPLAIN QUERY PLAN of a page's query: diagnostics, and proof it neither scans nor sorts."""
        found, _ = searches(self._paths(collection), conditions)
        with self._reading() as read:
            chosen = plan(read, collection, found)
            rows = read("EXPLAIN QUERY PLAN " + chosen.sql(0), [*chosen.params, 10, 0])
        return [str(row[-1]) for row in rows]

    async def reset(self) -> None:
        def empty(db: sqlite3.Connection) -> None:
            for table in ("resource_key", "resource", "key_count", "resource_count"):
                db.execute(f"DELETE FROM {table}")  # noqa: S608 (a fixed table name)

        await self._write(None, empty)


def _rekey(
    db: sqlite3.Connection, collection: Collection, seq: Any, old: set[KeyRow], new: set[KeyRow]
) -> None:
    """Index rows and counts from the `old` keys to the `new` ones (only the changes are written)."""
    gone = [(collection, *key) for key in old - new]
    db.executemany(_UNKEY, [(seq, *key[1:]) for key in gone])
    db.executemany(_DROP_KEY, gone)
    db.executemany(_UNCOUNT_KEY, gone)
    added = [(collection, *key) for key in new - old]
    db.executemany("INSERT INTO resource_key VALUES (?, ?, ?, ?, ?)", [(*key, seq) for key in added])
    db.executemany(_COUNT_KEY, added)


def _stored_keys(db: sqlite3.Connection, seq: Any) -> set[KeyRow]:
    return set(db.execute("SELECT path, kind, value FROM resource_key WHERE seq = ?", (seq,)))
