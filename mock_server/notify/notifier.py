"""Deliver TMF622 events to hub subscribers from a bounded queue, with retries and a delivery log.

`Notifier.publish` never blocks and never waits for a listener: it builds the envelope, picks the
matching subscriptions (at publish time, so a listener registered later does not get older events)
and puts one job on a bounded `asyncio.Queue`. The event's id and times are drawn only once some
subscription matched, so a query cannot select on `eventId`/`eventTime`, and without subscribers no
id or clock reading is spent (deterministic mode stays independent of the hub). When the queue is
full the NEW event is refused, not an older one: what is already queued stays in order, and the
refusal is written to the delivery log (attempt 0, error "queue full") instead of slowing the API call.

One worker task, run by the `Notifier.lifetime` cleanup context, takes jobs in order and posts each event
to ``<callback>/listener/<eventName>`` (see `mock_server.notify.envelopes`) for all its subscriptions at once.
Each attempt has its own timeout; a connection error, a timeout or a non-2xx answer is retried after
``base_delay * 2**(attempt - 1)`` seconds (capped by `max_delay`) up to `max_attempts`. Events are
handled one after the other, so each listener sees them in publish order; the price is that a
listener which hangs delays the next events by at most its attempts' timeouts and back-offs.

Every attempt (and every refused event) is appended to a bounded log served by handlers/control.py
at ``GET /_mock/deliveries``. Logged URLs lose their user info and query string: they may hold secrets.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from yarl import URL

from mock_server.config.settings import (
    NOTIFY_ATTEMPTS,
    NOTIFY_BACKOFF_S,
    NOTIFY_QUEUE_SIZE,
    NOTIFY_TIMEOUT_S,
    Settings,
)
from mock_server.domain.clock import Clock, timestamp, utc_now
from mock_server.http.responses import JSON_CONTENT_TYPE
from mock_server.notify.envelopes import EventFactory, EventType, listener_url
from mock_server.notify.hub import HubRegistry, Subscription

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class NotifierSettings:
    """Delivery tuning; the defaults suit a mock talking to listeners on the same machine."""

    queue_size: int = NOTIFY_QUEUE_SIZE
    max_attempts: int = NOTIFY_ATTEMPTS
    base_delay: float = NOTIFY_BACKOFF_S
    max_delay: float = 5.0
    attempt_timeout: float = NOTIFY_TIMEOUT_S
    log_size: int = 1000

    def __post_init__(self) -> None:
        # asyncio.Queue(maxsize=0) would be unbounded, and zero attempts would deliver nothing.
        if min(self.queue_size, self.max_attempts, self.log_size) < 1:
            raise ValueError("queue_size, max_attempts and log_size must be at least 1")
        if min(self.base_delay, self.max_delay) < 0 or self.attempt_timeout <= 0:
            raise ValueError("delays must be >= 0 and attempt_timeout > 0")

    @classmethod
    def of(cls, settings: Settings) -> NotifierSettings:
        """The delivery tuning the run-time settings ask for."""
        return cls(
            queue_size=settings.notify_queue_size,
            max_attempts=settings.notify_attempts,
            base_delay=settings.notify_backoff_s,
            attempt_timeout=settings.notify_timeout_s,
        )

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        return float(min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


@dataclass(frozen=True)
class _Job:
    event_type: EventType
    envelope: dict[str, Any]
    subscriptions: tuple[Subscription, ...]


class Notifier:
    """Queue-driven dispatcher of hub notifications; `sleep` and `clock` are injectable for tests."""

    def __init__(
        self,
        hub: HubRegistry,
        settings: NotifierSettings | None = None,
        *,
        events: EventFactory | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = utc_now,
    ) -> None:
        self.settings = settings or NotifierSettings()
        self._hub = hub
        self._events = events or EventFactory()
        self._sleep = sleep
        self._clock = clock
        self._queue: asyncio.Queue[_Job] = asyncio.Queue(maxsize=self.settings.queue_size)
        self._log: deque[dict[str, Any]] = deque(maxlen=self.settings.log_size)
        self._worker: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def publish(
        self,
        event_type: str,
        resource: Mapping[str, Any],
        *,
        field_path: Sequence[str] = (),
        correlation_id: str | None = None,
    ) -> None:
        """Queue the event about `resource` for its subscribers and return at once.

        `event_type` is a type (``ProductOrderCreateEvent``) or a listener name
        (``productOrderCreateEvent``), so this satisfies `mock_server.events.EventSink`. A full queue
        refuses the event and logs it. ValueError only for a programming error: an unknown type,
        or `field_path` on a kind that has no `fieldPath`.
        """
        kind = EventType.parse(event_type)
        if field_path and not kind.has_field_path:
            raise ValueError(f"{kind.value} carries no fieldPath in TMF622 v4")
        if not len(self._hub):
            return
        envelope = self._events.draft(kind, resource, field_path=field_path, correlation_id=correlation_id)
        subscriptions = tuple(self._hub.matching(envelope))
        if not subscriptions:
            return
        self._events.stamp(envelope)
        try:
            self._queue.put_nowait(_Job(kind, envelope, subscriptions))
        except asyncio.QueueFull:
            error = f"queue full ({self.settings.queue_size} events waiting): event dropped"
            self._record(envelope, None, None, 0, error=error)

    def deliveries(self) -> list[dict[str, Any]]:
        """The delivery log, oldest first (a copy)."""
        return list(self._log)

    def reset(self) -> None:
        """Forget the delivery log and drop the events not yet taken by the worker (test isolation)."""
        self._log.clear()
        while not self._queue.empty():
            self._queue.get_nowait()
            self._queue.task_done()

    @property
    def pending(self) -> int:
        """Events queued and not yet taken by the worker."""
        return self._queue.qsize()

    async def join(self) -> None:
        """Wait until every queued event went through all its attempts (tests wait on this)."""
        await self._queue.join()

    async def start(self) -> None:
        """Open the HTTP client and start the worker; call inside the running loop."""
        if self._worker is not None:
            return
        self._session = aiohttp.ClientSession()
        self._worker = asyncio.create_task(self._run(), name="tmf622-notifier")

    async def stop(self) -> None:
        """Cancel the worker (queued events are dropped) and close the HTTP client."""
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def lifetime(self, _app: web.Application) -> AsyncIterator[None]:
        """An `app.cleanup_ctx` entry: the worker runs as long as the app."""
        await self.start()
        yield
        await self.stop()

    async def _run(self) -> None:
        while True:
            job = await self._queue.get()
            try:
                deliveries = (self._deliver(job, s) for s in job.subscriptions)
                await asyncio.gather(*deliveries, return_exceptions=True)
            finally:
                self._queue.task_done()

    async def _deliver(self, job: _Job, subscription: Subscription) -> None:
        url = listener_url(subscription.callback, job.event_type)
        for attempt in range(1, self.settings.max_attempts + 1):
            if await self._attempt(job.envelope, subscription, url, attempt):
                return
            if attempt < self.settings.max_attempts:
                await self._sleep(self.settings.backoff(attempt))

    async def _attempt(
        self, envelope: dict[str, Any], subscription: Subscription, url: str, attempt: int
    ) -> bool:
        """One POST; True when the listener answered 2xx. Never raises (except cancellation)."""
        assert self._session is not None, "Notifier.start() was not called"
        timeout = aiohttp.ClientTimeout(total=self.settings.attempt_timeout)
        status: int | None = None
        error: str | None = None
        try:
            body = json.dumps(envelope).encode("utf-8")
            headers = {"Content-Type": JSON_CONTENT_TYPE}
            post = self._session.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
            async with post as response:
                status = response.status
        except TimeoutError:
            error = f"timeout after {self.settings.attempt_timeout}s"
        except Exception as exc:  # a misbehaving listener must never stop the worker
            error = f"{type(exc).__name__}: {exc}"
        self._record(envelope, subscription, url, attempt, status=status, error=error)
        return status is not None and 200 <= status < 300

    def _record(
        self,
        envelope: Mapping[str, Any],
        subscription: Subscription | None,
        url: str | None,
        attempt: int,
        *,
        status: int | None = None,
        error: str | None = None,
    ) -> None:
        self._log.append(
            {
                "eventId": envelope["eventId"],
                "eventType": envelope["eventType"],
                "subscriptionId": subscription.id if subscription else None,
                "url": _redact(url) if url else None,
                "attempt": attempt,
                "status": status,
                "error": error,
                "time": timestamp(self._clock()),
            }
        )


def _redact(url: str) -> str:
    """The URL without user info, query or fragment: callbacks may carry credentials or tokens."""
    return str(URL(url).with_user(None).with_query(None).with_fragment(None))
