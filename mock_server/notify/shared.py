"""Hub subscriptions and event delivery shared by every mock process on one PostgreSQL database.

- `SharedHub`: subscriptions live in `tmf622_subscription`, so one made through any replica is seen
  (and matched, and removable) through all of them.
- `OutboxSink`: a changed resource's event is one `tmf622_outbox` row (written only while some
  subscription exists), then `NOTIFY tmf622_outbox` wakes every replica.
- `OutboxPump` (one per replica): takes rows oldest first (`DELETE ... WHERE seq IN (SELECT ... FOR
  UPDATE SKIP LOCKED) RETURNING`) and hands them to the replica's own `Notifier` (matching, envelope,
  one lane per subscription with its retries and circuit breaker, delivery log).

Delivery guarantee: a take is exclusive, so each event reaches each subscription matching it when it
is taken once, through exactly one replica: never twice. Once taken, an event is in that replica's
lanes, as in a single mock: if that replica dies before delivering it, it is lost (a lease kept until
the delivery ended would redeliver it instead, but would make one hanging listener hold up every other
listener's events, which the lanes exist to prevent). Order: each replica delivers what it took in
outbox order; replicas deliver in parallel, so a listener may see events of different orders interleaved.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import psycopg
from aiohttp import web
from psycopg_pool import ConnectionPool

from mock_server.domain.clock import IdSource, new_uuid
from mock_server.notify.filters import EventFilter
from mock_server.notify.hub import HubRegistry, Subscription
from mock_server.notify.notifier import Notifier
from mock_server.store.postgres_schema import body_of, decoded

#: Seconds between looks at the outbox without a NOTIFY (one sent while the listener reconnected).
IDLE_S = 1.0
_TAKE = """
DELETE FROM tmf622_outbox WHERE seq IN (
    SELECT seq FROM tmf622_outbox ORDER BY seq LIMIT 100 FOR UPDATE SKIP LOCKED
) RETURNING seq, event_type, resource, field_path
"""
_PUBLISH = """
WITH queued AS (
    INSERT INTO tmf622_outbox (event_type, resource, field_path)
    SELECT %s, %s, %s WHERE EXISTS (SELECT 1 FROM tmf622_subscription) RETURNING 1
) SELECT pg_notify('tmf622_outbox', '') FROM queued
"""


class SharedHub(HubRegistry):
    """`HubRegistry` over `tmf622_subscription`: the base class only checks and compiles a new one."""

    def __init__(self, pool: ConnectionPool, new_id: IdSource = new_uuid) -> None:
        super().__init__(new_id)
        self._pool = pool
        self._filters: dict[str | None, EventFilter] = {}

    async def add(self, callback: str, query: str | None = None) -> Subscription:
        subscription = await super().add(callback, query)  # InvalidSubscription for a bad one
        await super().remove(subscription.id)
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO tmf622_subscription (id, callback, query) VALUES (%s, %s, %s)",
                (subscription.id, callback, query),
            )
        return subscription

    def _subscription(self, row: tuple[str, str, str | None]) -> Subscription:
        subscription_id, callback, query = row
        if query not in self._filters:
            self._filters[query] = EventFilter.parse(query)  # checked when it was added
        return Subscription(subscription_id, callback, query, self._filters[query])

    async def get(self, subscription_id: str) -> Subscription | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT id, callback, query FROM tmf622_subscription WHERE id = %s", (subscription_id,)
            ).fetchone()
        return None if row is None else self._subscription(row)

    async def remove(self, subscription_id: str) -> bool:
        with self._pool.connection() as conn:
            cursor = conn.execute("DELETE FROM tmf622_subscription WHERE id = %s", (subscription_id,))
        return cursor.rowcount == 1

    async def clear(self) -> None:
        """Every subscription, and the events still waiting for them (`POST /_mock/reset`)."""
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("DELETE FROM tmf622_subscription")
            conn.execute("DELETE FROM tmf622_outbox")

    def matching(self, envelope: Mapping[str, Any]) -> list[Subscription]:
        with self._pool.connection() as conn:
            rows = conn.execute("SELECT id, callback, query FROM tmf622_subscription ORDER BY seq").fetchall()
        return [s for s in map(self._subscription, rows) if s.filter.matches(envelope)]

    def __len__(self) -> int:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT count(*) FROM tmf622_subscription").fetchone()
        return int(row[0]) if row else 0

    def __contains__(self, subscription_id: object) -> bool:
        """Whether the subscription still exists in any replica (the notifier prunes its lanes by it)."""
        if not isinstance(subscription_id, str):
            return False
        with self._pool.connection() as conn:
            found = conn.execute("SELECT 1 FROM tmf622_subscription WHERE id = %s", (subscription_id,))
            return found.fetchone() is not None


class OutboxSink:
    """The `EventSink` of a replica: events go to the shared outbox, not to this process's queue."""

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def publish(
        self, event_type: str, resource: Mapping[str, Any], *, field_path: Sequence[str] = ()
    ) -> None:
        with self._pool.connection() as conn:
            conn.execute(_PUBLISH, (event_type, body_of(dict(resource)), list(field_path)))


class OutboxPump:
    """Claims outbox rows and delivers them through this replica's `Notifier` (see the docstring)."""

    def __init__(self, conninfo: str, notifier: Notifier) -> None:
        self._conninfo = conninfo
        self._notifier = notifier

    async def lifetime(self, _app: web.Application) -> AsyncIterator[None]:
        """An `app.cleanup_ctx` entry, after the notifier's (which it feeds)."""
        task = asyncio.create_task(self._run(), name="tmf622-outbox")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self) -> None:
        while True:  # a lost connection (a database restart) is opened again; the rows wait meanwhile
            try:
                await self._pump()
            except (psycopg.Error, OSError):
                await asyncio.sleep(IDLE_S)

    async def _pump(self) -> None:
        connect = psycopg.AsyncConnection.connect
        async with (
            await connect(self._conninfo, autocommit=True) as listen,
            await connect(self._conninfo, autocommit=True) as work,
        ):
            await listen.execute("LISTEN tmf622_outbox")
            while True:
                while await self._deliver_batch(work):
                    pass
                async for _ in listen.notifies(timeout=IDLE_S, stop_after=1):
                    pass

    async def _deliver_batch(self, conn: psycopg.AsyncConnection[Any]) -> bool:
        """Take the oldest waiting events into this replica's lanes; False when none was waiting."""
        rows = await (await conn.execute(_TAKE)).fetchall()
        for _seq, event_type, resource, field_path in sorted(rows):
            self._notifier.publish(event_type, decoded(resource), field_path=tuple(field_path))
        return bool(rows)
