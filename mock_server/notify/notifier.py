"""Deliver a version's events to its hub subscribers, each through its own lane, from a bounded queue.

`Notifier.publish` never blocks and never waits for a listener: it builds the envelope, picks the
matching subscriptions (at publish time, so a listener registered later does not get older events),
serialises the envelope once and offers it to each subscription's lane (`mock_server.notify.lanes`:
the bounds in deliveries and bytes, and which event is dropped when they are reached). The event's id
and times are drawn only once some subscription matched, so a query cannot select on
`eventId`/`eventTime`, and without subscribers no id or clock reading is spent (deterministic mode
stays independent of the hub).

Each lane (`mock_server.notify.lane`) posts its events to ``<callback>/listener/<eventName>`` in
publish order, with the retry policy and a circuit breaker of its own: a slow or dead listener
delays only its own events. Every attempt, every event given up and every dropped event is logged
(``GET /_mock/deliveries``); the queue's figures and each lane's circuit are in ``GET /health``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from aiohttp import web

from mock_server.domain.clock import Clock, utc_now
from mock_server.notify.breaker import Monotonic
from mock_server.notify.delivery import DeliveryLog, Outcome, QueuedEvent
from mock_server.notify.envelopes import Envelopes
from mock_server.notify.fanout import INLINE, FanOut
from mock_server.notify.hub import HubRegistry, Subscription
from mock_server.notify.lane import DeliveryLane, Sleep, Tally
from mock_server.notify.lanes import Lanes
from mock_server.notify.pool import DeliveryPool
from mock_server.notify.settings import NotifierSettings


class Notifier:
    """Lane-per-subscription dispatcher of hub notifications; `sleep`, `clock` and `monotonic`
    (the circuit breakers' time) are injectable for tests.
    """

    def __init__(
        self,
        hub: HubRegistry,
        settings: NotifierSettings | None = None,
        *,
        events: Envelopes,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = utc_now,
        monotonic: Monotonic = time.monotonic,
    ) -> None:
        self.settings = settings or NotifierSettings()
        self._hub = hub
        self._events = events
        self._sleep = sleep
        self._monotonic = monotonic
        self._log = DeliveryLog(self.settings.log_size, clock)
        self._lanes = Lanes(self.settings, self._new_lane)
        self._pool = DeliveryPool(self.settings.connections, hub.rules.callbacks)
        self._fanout = FanOut(self._lanes.offer, self.settings.queue_size)

    def publish(
        self,
        event_type: str,
        resource: Mapping[str, Any],
        *,
        field_path: Sequence[str] = (),
        correlation_id: str | None = None,
    ) -> None:
        """Queue the event about `resource` for its subscribers and return at once.

        `event_type` is one of the version's types, as its `Envelopes.parse` reads them, so this
        satisfies `mock_server.domain.events.EventSink`. A full queue drops an event and logs it.
        ValueError only for a programming error: an unknown type, or a `field_path` its kind cannot carry.
        """
        kind = self._events.parse(event_type, field_path)
        if not len(self._hub):
            return
        envelope = self._events.draft(kind, resource, field_path=field_path, correlation_id=correlation_id)
        subscriptions = self._hub.matching(envelope)
        if not subscriptions:
            return
        self._events.stamp(envelope)
        event = QueuedEvent.of(kind, envelope)
        if len(self._lanes) > len(self._hub):
            self._lanes.prune(self._hub)
        if len(subscriptions) > INLINE and self._lanes.running:  # a big hub: offered between requests
            if not self._fanout.put(subscriptions, event):
                self._lanes.count_dropped(event, len(subscriptions))
                why = f"fan-out backlog full: event dropped for {len(subscriptions)} listeners"
                self._log.record(event, None, None, 0, Outcome(error=why))
            return
        for subscription in subscriptions:
            self._lanes.offer(subscription, event)

    def deliveries(self) -> list[dict[str, Any]]:
        """The delivery log, oldest first (a copy)."""
        return self._log.entries()

    def stats(self) -> dict[str, Any]:
        """The queue's figures (waiting and dropped events and bytes, the bounds) and each lane's."""
        return self._lanes.stats()

    def reset(self) -> None:
        """Forget the delivery log, the lanes and their waiting events (test isolation)."""
        self._log.clear()
        self._fanout.clear()
        self._lanes.reset()

    @property
    def pending(self) -> int:
        """Deliveries queued and not yet done (one per event and listener)."""
        return self._lanes.queued_events + self._fanout.pending

    async def join(self) -> None:
        """Wait until every queued event went through all its attempts (tests wait on this)."""
        while self._fanout.pending or self._lanes.busy:
            await self._fanout.join()
            await self._lanes.join()

    async def start(self) -> None:
        """Open the shared HTTP client (notify.pool) and start the lanes; call inside the running loop."""
        self._pool.start()
        self._lanes.start()

    async def stop(self) -> None:
        """Stop the lanes (waiting events are dropped) and close the HTTP client."""
        await self._fanout.stop()
        await self._lanes.stop()
        await self._pool.close()

    async def lifetime(self, _app: web.Application) -> AsyncIterator[None]:
        """An `app.cleanup_ctx` entry: the lanes run as long as the app."""
        await self.start()
        yield
        await self.stop()

    def _new_lane(self, subscription: Subscription, tally: Tally) -> DeliveryLane:
        return DeliveryLane(
            subscription,
            self.settings,
            tally,
            post=self._post,
            log=self._log,
            sleep=self._sleep,
            monotonic=self._monotonic,
        )

    async def _post(self, url: str, body: bytes) -> Outcome:
        return await self._pool.post(url, body, self.settings.attempt_timeout)
