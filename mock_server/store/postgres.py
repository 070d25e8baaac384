"""`PostgresStore`: the `Store` protocol on one PostgreSQL database that several mock processes share.

The layout is in `store.postgres_schema`. Every call is one statement, so one round trip and, for a
write, its own transaction, committed before the coroutine returns: a 201 is sent only for an order
PostgreSQL has committed, so it outlives the replica that answered (kill -9 of a mock process loses
nothing it acknowledged). The write's events go to `tmf622_outbox` in that same statement (while some
subscription exists) with a NOTIFY: an acknowledged change always has its events, a failed one none.

Concurrent GETs by id, and concurrent POSTs, share one statement (`store.batching`): the GETs of one
turn of the event loop are one `id = ANY(...)` round trip, the POSTs one multi-row INSERT with all their
events and one commit. Each caller still gets its own answer (a duplicate id fails only its request;
a batch PostgreSQL refuses is written again row by row), and none before the commit holding it.

Asynchronous: psycopg's `AsyncConnectionPool`, opened when the app starts (`lifetime`), its
connections lent to requests by `postgres_lender` (cheaper than the pool's own check-out). A request
waiting for its round trip, or for its commit's WAL flush, leaves the event loop to the others, so
concurrent writes share their flushes (PostgreSQL's group commit) instead of queuing one behind the
other. A lost database, or no free connection within `UNAVAILABLE_AFTER_S`, is a 503 naming it.

Concurrency is optimistic: each row has a `version`; `get` returns it with the resource and
`replace(..., expected=<what was read>)` writes only if the row still has that version, else raises
`WriteConflict` (`store.base.rewrite` then reads again and re-applies the change). No lock is held
while Python computes the new resource, and a conflict costs one retry, not a lost update. This holds
between the requests of one process (which interleave at each await) as between replicas.

Lists: conditions of equality on an indexed path are answered by the GIN index on `keys` (exactly
the shared predicate's equality, see `postgres_schema`); with only such conditions and no `sort`,
PostgreSQL pages (`ORDER BY seq DESC LIMIT OFFSET`) and counts, in one statement (one snapshot), and
counts only when the page does not tell the total. Other conditions (ranges, unindexed paths) and
`sort` run the shared predicate and sort over the candidates the index leaves.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Any

import psycopg
from aiohttp import web
from psycopg import sql
from psycopg_pool import PoolTimeout

from mock_server.config.conninfo import scrub
from mock_server.http.errors import ApiError
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
from mock_server.store.batching import Batcher
from mock_server.store.indexes import keys_at
from mock_server.store.postgres_lender import ConnectionLender
from mock_server.store.postgres_schema import (
    POOL_SIZE,
    body_json,
    body_of,
    decoded,
    doc_of,
    encoded_keys,
    new_pool,
    open_pool,
    redacted,
)
from mock_server.store.query import Condition, Query
from mock_server.store.sqlite_query import filtered

CODEC = Codec(decoded, body_json)
#: Seconds a request waits for a pooled connection before it is answered 503.
UNAVAILABLE_AFTER_S = 5.0
Connection = psycopg.AsyncConnection[Any]
_INSERT = (
    "INSERT INTO tmf622_resource (collection, id, body, doc, keys)"
    " VALUES (%s, %s, %s, %s::jsonb, %s) ON CONFLICT (collection, id) DO NOTHING RETURNING collection, body"
)
_UPDATE = (
    "UPDATE tmf622_resource SET body = %s, doc = %s::jsonb, keys = %s, version = version + 1"
    " WHERE collection = %s AND id = %s"
)
_DELETE = "DELETE FROM tmf622_resource WHERE collection = %s AND id = %s RETURNING collection, body"
_BY_ID = "SELECT body, version FROM tmf622_resource WHERE collection = %s AND id = %s"
_BY_IDS = (
    "SELECT collection, id, body, version FROM tmf622_resource WHERE collection = ANY(%s) AND id = ANY(%s)"
)
#: Batches of GETs and of POSTs running at once (each holds one of the POOL_SIZE connections), and
#: the most requests one batch carries.
BATCHES_IN_FLIGHT = 1
BATCH_SIZE = 64
_EXISTS = "EXISTS (SELECT 1 FROM tmf622_resource WHERE collection = %s AND id = %s)"


@functools.cache
def _statement(write: str, events: int, then: str = "") -> str:
    """`write` (ending `RETURNING collection, body`) and, in the same statement, one outbox row per
    event about the written body (with its collection: the pump hands it to that API's notifier)
    while some subscription exists, and one NOTIFY when any was queued. Answers the rows written,
    then `then` (an expression on the snapshot before the write). Parameters: the write's, each
    event's (type, field path), then `then`'s."""
    # Fixed fragments of this module only; every value is a bound parameter.
    answer = f"(SELECT count(*) FROM written){', ' + then if then else ''}"  # noqa: S608
    if not events:
        return f"WITH written AS ({write}) SELECT {answer}"
    values = ", ".join(f"(%s, %s::text[], {n})" for n in range(events))
    return (
        f"WITH written AS ({write}), queued AS ("  # noqa: S608
        " INSERT INTO tmf622_outbox (event_type, resource, field_path, collection)"
        " SELECT e.event_type, written.body, e.field_path, written.collection"
        f" FROM written, (VALUES {values}) AS e (event_type, field_path, n)"
        " WHERE EXISTS (SELECT 1 FROM tmf622_subscription) ORDER BY e.n RETURNING 1)"
        f" SELECT {answer},"
        " (SELECT count(*) FROM (SELECT pg_notify('tmf622_outbox', '') FROM queued) AS woken)"
    )


def _event_params(events: Sequence[Event]) -> list[Any]:
    return [value for event in events for value in (event.type, list(event.field_path))]


@functools.cache
def _batch_insert(rows: int, events: int) -> str:
    """Many POSTs in one statement: the rows that are new are written, with their events (as in
    `_statement`). Answers the positions (`n`) of the rows written. Parameters: per row n, collection,
    id, body, doc, keys; then per event the position of its row, type and field path."""
    row = "(%s::int, %s::text, %s::text, %s::bytea, %s::jsonb, %s::bytea[])"
    queued = ""
    notified = ""
    if events:
        event = "(%s::int, %s::text, %s::text[], {})"
        listed = ", ".join(event.format(n) for n in range(events))
        queued = (
            ", queued AS (INSERT INTO tmf622_outbox (event_type, resource, field_path, collection)"  # noqa: S608
            " SELECT e.event_type, w.body, e.field_path, w.collection FROM written w"
            " JOIN input i ON i.collection = w.collection AND i.id = w.id"
            f" JOIN (VALUES {listed}) AS e (row_n, event_type, field_path, n) ON e.row_n = i.n"
            " WHERE EXISTS (SELECT 1 FROM tmf622_subscription) ORDER BY e.n RETURNING 1)"
        )
        notified = ", (SELECT count(*) FROM (SELECT pg_notify('tmf622_outbox', '') FROM queued) AS woken)"
    # Fixed fragments of this module only; every value is a bound parameter.
    return (
        f"WITH input (n, collection, id, body, doc, keys) AS (VALUES {', '.join([row] * rows)}),"  # noqa: S608
        " written AS (INSERT INTO tmf622_resource (collection, id, body, doc, keys)"
        " SELECT collection, id, body, doc, keys FROM input ORDER BY n"
        " ON CONFLICT (collection, id) DO NOTHING RETURNING collection, id, body)"
        f"{queued}"
        " SELECT ARRAY(SELECT i.n FROM written w JOIN input i ON i.collection = w.collection AND i.id = w.id)"
        f"{notified}"
    )


#: One POST waiting for its batch: (collection, id, row of `_row`, events).
_NewRow = tuple[Collection, str, tuple[bytes, str | None, list[bytes]], Sequence[Event]]


class PostgresStore:
    """Same behaviour as `MemoryStore` (the shared tests run on all three stores), kept in PostgreSQL."""

    def __init__(self, url: str, pool_size: int = POOL_SIZE, catalogue: Catalogue = NO_CATALOGUE) -> None:
        self.url = redacted(url)
        self.conninfo = url  # with its password: for the outbox pump's own connections
        self.pool = new_pool(url, pool_size)
        self.lender = ConnectionLender(self.pool, pool_size)
        #: The connection of the `bulk()` transaction the current task (and only it) is in.
        self._bulk: ContextVar[Connection | None] = ContextVar(f"tmf622-bulk-{id(self)}", default=None)
        self._catalogue = catalogue
        self._reads: Batcher[tuple[Collection, str], Stored | None] = Batcher(
            self._get_many, max_in_flight=BATCHES_IN_FLIGHT, max_batch=BATCH_SIZE
        )
        self._inserts: Batcher[_NewRow, None] = Batcher(
            self._add_many, max_in_flight=BATCHES_IN_FLIGHT, max_batch=BATCH_SIZE
        )

    def _paths(self, collection: Collection) -> tuple[Path, ...]:
        """What the catalogue says `collection` indexes (by id only if it names none)."""
        return self._catalogue.get(collection, UNDECLARED).paths

    async def open(self) -> None:
        """Connect and create the tables; ValueError naming the database if it is unusable."""
        await open_pool(self.pool, self.conninfo)
        await self.lender.open(UNAVAILABLE_AFTER_S)

    async def close(self) -> None:
        await self.lender.close()
        await self.pool.close()

    async def lifetime(self, _app: web.Application) -> AsyncIterator[None]:
        """An `app.cleanup_ctx` entry: open at start (before anything reads the store), closed at cleanup."""
        await self.open()
        yield
        await self.close()

    def unavailable(self, exc: BaseException) -> ApiError:
        """The 503 naming this store (without its password) and the first line of what went wrong."""
        text = scrub(str(exc), self.conninfo).strip()  # a driver error may quote the connection string
        reason = text.splitlines()[0][:200] if text else type(exc).__name__
        return ApiError(503, f"the PostgreSQL store {self.url} is unavailable: {reason}")

    def connection(self) -> _Lease:
        """`async with store.connection() as conn`: the connection of this task's `bulk()`
        transaction, else one lent for the block. A lost database (or no connection free within
        `UNAVAILABLE_AFTER_S`) is a 503 naming it, not a 500; the lender then replaces every broken
        connection, so the next call gets a working one once the database is back."""
        return _Lease(self)

    async def _one(self, query: str | sql.Composed, params: Sequence[Any]) -> tuple[Any, ...]:
        """The one row a statement answers."""
        async with self.connection() as conn:
            cursor = await conn.execute(query, params)
            row: tuple[Any, ...] | None = await cursor.fetchone()
        assert row is not None, query
        return row

    @asynccontextmanager
    async def bulk(self) -> AsyncIterator[None]:
        """Many writes (and reads) of this task in one transaction, serialised between replicas by an
        advisory lock: two replicas starting together seed once, and a reset never interleaves with a
        seed. Other requests meanwhile use their own connections, outside it."""
        if self._bulk.get() is not None:
            yield
            return
        async with self.connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(622623)")
            token = self._bulk.set(conn)
            try:
                yield
            finally:
                self._bulk.reset(token)

    def _row(self, collection: Collection, resource: Resource) -> tuple[bytes, str | None, list[bytes]]:
        body = body_of(resource)
        keys = [
            entry
            for path in self._paths(collection)
            for entry in encoded_keys(".".join(path), keys_at(resource, path))
        ]
        return body, doc_of(body), keys

    async def add(self, collection: Collection, resource: Resource, events: Sequence[Event] = ()) -> None:
        resource_id = resource["id"]
        if not _storable(resource_id):
            raise ValueError(f"{collection} id {resource_id!r} must be a UTF-8 string without NUL")
        row = self._row(collection, resource)
        if self._bulk.get() is None:  # concurrent POSTs share one statement and one commit
            return await self._inserts((collection, resource_id, row, events))
        await self._add_one((collection, resource_id, row, events))

    async def _add_one(self, new: _NewRow) -> None:
        collection, resource_id, row, events = new
        params = [collection, resource_id, *row, *_event_params(events)]
        written, *_ = await self._one(_statement(_INSERT, len(events)), params)
        if written != 1:
            raise DuplicateIdError(f"{collection} {resource_id!r} already exists")

    async def _add_many(self, batch: list[_NewRow]) -> list[BaseException | None]:
        """One statement for the batch; an id met twice in it is a duplicate. A batch PostgreSQL refuses
        for a reason other than the connection (one bad row) is written row by row instead, so that
        row's request alone fails."""
        first: dict[tuple[str, str], int] = {}
        for n, (collection, resource_id, _, _) in enumerate(batch):
            first.setdefault((collection, resource_id), n)
        params: list[Any] = []
        event_params: list[Any] = []
        events = 0
        for n, (collection, resource_id, row, row_events) in enumerate(batch):
            params += [n, collection, resource_id, *row]
            for event in row_events:
                event_params += [n, event.type, list(event.field_path)]
                events += 1
        try:
            written_at, *_ = await self._one(_batch_insert(len(batch), events), [*params, *event_params])
        except psycopg.Error:
            return [await _outcome(self._add_one(new)) for new in batch]
        written = set(written_at)
        return [
            None
            if n in written and first[(collection, resource_id)] == n
            else DuplicateIdError(f"{collection} {resource_id!r} already exists")
            for n, (collection, resource_id, _, _) in enumerate(batch)
        ]

    async def get(self, collection: Collection, resource_id: str) -> Stored | None:
        if not _storable(resource_id):
            return None
        if self._bulk.get() is None:  # concurrent GETs share one round trip
            return await self._reads((collection, resource_id))
        async with self.connection() as conn:
            cursor = await conn.execute(_BY_ID, (collection, resource_id))
            row = await cursor.fetchone()
        return None if row is None else Stored(row[0], CODEC, row[1])

    async def _get_many(self, batch: list[tuple[Collection, str]]) -> list[Stored | None]:
        collections = sorted({collection for collection, _ in batch})
        ids = list({resource_id for _, resource_id in batch})
        async with self.connection() as conn:
            cursor = await conn.execute(_BY_IDS, (collections, ids))
            rows = await cursor.fetchall()
        found = {
            (collection, resource_id): Stored(body, CODEC, version)
            for collection, resource_id, body, version in rows
        }
        return [found.get(key) for key in batch]

    async def replace(
        self,
        collection: Collection,
        resource: Resource,
        expected: Stored | None = None,
        events: Sequence[Event] = (),
    ) -> bool:
        """Same seq (creation order kept); with `expected`, only over that version (else WriteConflict)."""
        resource_id = resource["id"]
        if not _storable(resource_id):
            return False
        params = [*self._row(collection, resource), collection, resource_id]
        if expected is None or expected.version is None:
            query = _statement(_UPDATE + " RETURNING collection, body", len(events))
            written, *_ = await self._one(query, [*params, *_event_params(events)])
            return bool(written)
        query = _statement(_UPDATE + " AND version = %s RETURNING collection, body", len(events), _EXISTS)
        written, exists, *_ = await self._one(
            query, [*params, expected.version, *_event_params(events), collection, resource_id]
        )
        if written:
            return True
        if not exists:  # deleted since it was read: nothing to replace
            return False
        raise WriteConflict(f"{collection} {resource_id!r} was changed by another request")

    async def delete(self, collection: Collection, resource_id: str, events: Sequence[Event] = ()) -> bool:
        if not _storable(resource_id):
            return False
        params = [collection, resource_id, *_event_params(events)]
        written, *_ = await self._one(_statement(_DELETE, len(events)), params)
        return bool(written)

    async def query(self, collection: Collection, query: Query) -> Page:
        indexed, rest = self._split(collection, query.conditions)
        where, params = _where(collection, indexed)
        if not rest and not query.sort:
            page, total = await self._one(
                _paged(where), [*params, query.limit, query.offset, query.limit, query.offset, *params]
            )
            return Page(page, int(total), CODEC)
        async with self.connection() as conn:
            every = await (
                await conn.execute(
                    sql.SQL("SELECT body FROM tmf622_resource WHERE {} ORDER BY seq DESC").format(where),
                    params,
                )
            ).fetchall()
        bodies, count = filtered(
            [bytes(body) for (body,) in every], rest, query.sort, query.offset, query.limit, decode=decoded
        )
        return Page(bodies, count, CODEC)

    def _split(
        self, collection: Collection, conditions: Sequence[Condition]
    ) -> tuple[list[list[bytes]], list[Condition]]:
        """Equality conditions on indexed paths as `keys` arrays (any of them), and the rest."""
        indexed: list[list[bytes]] = []
        rest: list[Condition] = []
        for condition in conditions:
            if condition.op == "eq" and condition.path in self._paths(collection):
                indexed.append(encoded_keys(condition.name, condition.keys))
            else:
                rest.append(condition)
        return indexed, rest

    async def reset(self) -> None:
        async with self.connection() as conn:
            await conn.execute("DELETE FROM tmf622_resource")


class _Lease:
    """The async context manager of `PostgresStore.connection` (a class: cheaper than a generator)."""

    __slots__ = ("_conn", "_in_bulk", "_store")

    def __init__(self, store: PostgresStore) -> None:
        self._store = store
        self._conn: Connection | None = None
        self._in_bulk = False

    async def __aenter__(self) -> Connection:
        held = self._store._bulk.get()
        if held is not None:
            self._conn, self._in_bulk = held, True
            return held
        try:
            self._conn = await self._store.lender.take(UNAVAILABLE_AFTER_S)
        except PoolTimeout as exc:
            raise self._store.unavailable(exc) from None
        return self._conn

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, trace: TracebackType | None
    ) -> None:
        if not self._in_bulk and self._conn is not None:
            self._store.lender.give(self._conn)
        if isinstance(exc, psycopg.OperationalError):
            if not self._in_bulk:
                await self._store.lender.check()
            raise self._store.unavailable(exc) from None


def _where(collection: Collection, indexed: list[list[bytes]]) -> tuple[sql.Composed, list[Any]]:
    """`collection = %s AND keys && %s AND ...`: every value is a bound parameter."""
    parts = [sql.SQL("collection = %s")] + [sql.SQL("keys && %s") for _ in indexed]
    return sql.SQL(" AND ").join(parts), [collection, *indexed]


def _paged(where: sql.Composed) -> sql.Composed:
    """One page and the total, from one snapshot. The total is the page's end when the page is
    neither full nor past the last match; only then is it counted (parameters: the condition's,
    limit, offset, limit, offset, the condition's again)."""
    return sql.SQL(
        "WITH page AS MATERIALIZED ("
        " SELECT seq, body FROM tmf622_resource WHERE {where} ORDER BY seq DESC LIMIT %s OFFSET %s"
        "), shown AS (SELECT count(*) AS n FROM page)"
        " SELECT ARRAY(SELECT body FROM page ORDER BY seq DESC),"
        " CASE WHEN shown.n > 0 AND shown.n < %s THEN %s + shown.n"
        " ELSE (SELECT count(*) FROM tmf622_resource WHERE {where}) END"
        " FROM shown"
    ).format(where=where)


async def _outcome(call: Awaitable[None]) -> BaseException | None:
    """What `call` ended with: None, or the exception it raised (for `Batcher`)."""
    try:
        await call
    except Exception as exc:
        return exc
    return None


def _storable(text: Any) -> bool:
    """Ids are `text`: no NUL, no lone surrogate (possible from a JSON escape)."""
    if not isinstance(text, str) or "\0" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
