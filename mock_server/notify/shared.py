"""Hub subscriptions and event delivery shared by every mock process on one PostgreSQL database.

- `SharedHub`: subscriptions live in `tmf622_subscription`, so one made through any replica is seen
  (and matched, and removable) through all of them. Each API version served has its own hub, told
  apart by its `channel`. The notifier's questions (which subscriptions
  match, how many are there) are answered from a copy the pump refreshes before each batch it takes.
- The outbox: `PostgresStore` writes a changed resource's events as `tmf622_outbox` rows in the
  write's own statement (only while some subscription exists) and `NOTIFY tmf622_outbox` wakes every
  replica once it commits.
- `OutboxPump` (one per replica): takes rows oldest first (`DELETE ... WHERE seq IN (SELECT ... FOR
  UPDATE SKIP LOCKED) RETURNING`) and hands them to the replica's own `Notifier` (matching, envelope,
  one lane per subscription with its retries and circuit breaker, delivery log). A row carries the
  collection of its resource: the pump hands it to the notifier of the API version that owns it.

Delivery guarantee: an event is written in the same transaction as the change it reports, so a
change acknowledged to a client always has its events queued (a replica killed right after its write
loses none), and a change that failed has none. A take is exclusive, so each event reaches each
subscription matching it when it is taken once, through exactly one replica: never twice. Once
taken, an event is in that replica's lanes, as in a single mock: if that replica dies before
delivering it, it is lost (a lease kept until the delivery ended would redeliver it instead, but would
make one hanging listener hold up every other listener's events, which the lanes exist to prevent).
Order: each replica delivers what it took in outbox order; replicas deliver in parallel, so a listener
may see events of different orders interleaved.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from typing import Any

import psycopg
from aiohttp import web

from mock_server.domain.clock import IdSource, new_uuid
from mock_server.notify.filters import EventFilter
from mock_server.notify.hub import HubRegistry, HubRules, InvalidSubscription, Subscription
from mock_server.notify.notifier import Notifier
from mock_server.store.postgres import PostgresStore
from mock_server.store.postgres_schema import decoded

#: Seconds between looks at the outbox without a NOTIFY (one sent while the listener reconnected).
IDLE_S = 1.0
_TAKE = """
DELETE FROM tmf622_outbox WHERE seq IN (
    SELECT seq FROM tmf622_outbox ORDER BY seq LIMIT 100 FOR UPDATE SKIP LOCKED
) RETURNING seq, event_type, resource, field_path, collection
"""
_EVERY = "SELECT id, callback, query FROM tmf622_subscription WHERE channel = %s ORDER BY seq"
Row = tuple[str, str, str | None]


class SharedHub(HubRegistry):
    """`HubRegistry` over `tmf622_subscription`, through the store's pool (a lost database is a 503).

    The base class checks and compiles a new subscription, and its dict is this replica's copy of
    the table: `add` and `remove` keep it current at once, `refresh` catches up with other replicas.
    """

    def __init__(
        self,
        store: PostgresStore,
        new_id: IdSource = new_uuid,
        rules: HubRules | None = None,
        channel: str = "",
    ) -> None:
        super().__init__(new_id, rules)
        self._store = store
        self.channel = channel
        self._filters: dict[str | None, EventFilter] = {}

    async def add(self, callback: str, query: str | None = None) -> Subscription:
        subscription = await super().add(callback, query)  # InvalidSubscription for a bad one
        try:
            async with self._store.connection() as conn:
                await conn.execute(
                    "INSERT INTO tmf622_subscription (id, callback, query, channel) VALUES (%s, %s, %s, %s)",
                    (subscription.id, callback, query, self.channel),
                )
        except psycopg.DataError as exc:  # a value PostgreSQL's text cannot hold (a NUL character)
            await super().remove(subscription.id)
            raise InvalidSubscription(f"the store cannot keep this subscription: {exc}") from None
        except BaseException:
            await super().remove(subscription.id)
            raise
        return subscription

    def _subscription(self, row: Row) -> Subscription:
        subscription_id, callback, query = row
        if query not in self._filters:
            self._filters[query] = EventFilter.parse(query)  # checked when it was added
        return Subscription(subscription_id, callback, query, self._filters[query])

    async def get(self, subscription_id: str) -> Subscription | None:
        async with self._store.connection() as conn:
            cursor = await conn.execute(
                "SELECT id, callback, query FROM tmf622_subscription WHERE id = %s AND channel = %s",
                (subscription_id, self.channel),
            )
            row = await cursor.fetchone()
        return None if row is None else self._subscription(row)

    async def remove(self, subscription_id: str) -> bool:
        async with self._store.connection() as conn:
            cursor = await conn.execute(
                "DELETE FROM tmf622_subscription WHERE id = %s AND channel = %s",
                (subscription_id, self.channel),
            )
        await super().remove(subscription_id)
        return cursor.rowcount == 1

    async def clear(self) -> None:
        """Every subscription, and the events still waiting for them (`POST /_mock/reset`)."""
        async with self._store.connection() as conn, conn.transaction():
            await conn.execute("DELETE FROM tmf622_subscription WHERE channel = %s", (self.channel,))
            await conn.execute("DELETE FROM tmf622_outbox")
        await super().clear()

    async def refresh(self, conn: psycopg.AsyncConnection[Any]) -> None:
        """This replica's copy of every subscription, read again (before the pump delivers a batch)."""
        rows = await (await conn.execute(_EVERY, (self.channel,))).fetchall()
        self._subscriptions = {row[0]: self._subscription(row) for row in rows}


class OutboxPump:
    """Claims outbox rows and delivers them through this replica's `Notifier`s (see the docstring):
    each row goes to the route of its collection; a row written before rows named one (collection
    "") to the first route, the core API's; a row of a collection no route claims is dropped."""

    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._routes: dict[str, Notifier] = {}
        self._hubs: list[SharedHub] = []

    def route(self, collections: Iterable[str], hub: SharedHub, notifier: Notifier) -> None:
        """Events about resources of `collections` go to `notifier`, matched against `hub`."""
        self._hubs.append(hub)
        self._routes.setdefault("", notifier)
        self._routes.update((collection, notifier) for collection in collections)

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
        """Take the oldest waiting events into this replica's lanes, matched against the subscriptions
        as they are now; False when none was waiting."""
        rows = await (await conn.execute(_TAKE)).fetchall()
        if rows:
            for hub in self._hubs:
                await hub.refresh(conn)
        for _seq, event_type, resource, field_path, collection in sorted(rows):
            notifier = self._routes.get(collection)
            if notifier is not None:
                notifier.publish(event_type, decoded(resource), field_path=tuple(field_path))
        return bool(rows)
