"""The delivery lane of one subscription: its waiting events, its own task, its own circuit breaker.

A lane delivers its events one after the other, so its listener sees them in publish order; a
listener that hangs or fails delays only its own lane. Each event gets the retry policy: up to
`max_attempts` attempts, each with its own timeout, ``base_delay * 2**(attempt - 1)`` seconds apart
(capped). Before each attempt the breaker is asked: while it is open the event is given up at once
and logged, so a dead listener's lane drains instead of holding events for its timeouts.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from mock_server.notify.breaker import CircuitBreaker, Monotonic
from mock_server.notify.delivery import DeliveryLog, Outcome, QueuedEvent
from mock_server.notify.envelopes import listener_url
from mock_server.notify.hub import Subscription
from mock_server.notify.settings import NotifierSettings

Sleep = Callable[[float], Awaitable[None]]


@dataclass
class Tally:
    """Deliveries and bytes queued over all lanes, kept up to date by the lanes (no sums per event)."""

    events: int = 0
    bytes: int = 0

    def add(self, event: QueuedEvent, sign: int = 1) -> None:
        self.events += sign
        self.bytes += sign * event.size

    def remove(self, event: QueuedEvent) -> None:
        self.add(event, -1)


#: (listener URL, body) -> what the attempt got; the notifier owns the HTTP client and the timeout.
Post = Callable[[str, bytes], Awaitable[Outcome]]


class DeliveryLane:
    """Waiting events of one subscription (the one in flight counts as queued until it is done)."""

    def __init__(
        self,
        subscription: Subscription,
        settings: NotifierSettings,
        tally: Tally,
        *,
        post: Post,
        log: DeliveryLog,
        sleep: Sleep,
        monotonic: Monotonic,
    ) -> None:
        self.subscription = subscription
        self.settings = settings
        self._tally = tally
        self.breaker = CircuitBreaker(settings.breaker_failures, settings.breaker_cooldown, monotonic)
        self._post, self._log, self._sleep = post, log, sleep
        self._waiting: deque[QueuedEvent] = deque()
        self._in_flight: QueuedEvent | None = None
        self._task: asyncio.Task[None] | None = None
        self._waiting_bytes = 0
        self.delivered = self.given_up = self.dropped = 0

    @property
    def queued(self) -> int:
        return len(self._waiting) + (self._in_flight is not None)

    @property
    def queued_bytes(self) -> int:
        return self._waiting_bytes + (self._in_flight.size if self._in_flight is not None else 0)

    @property
    def has_waiting(self) -> bool:
        """Events not yet taken: the only ones that can be dropped to make room."""
        return bool(self._waiting)

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def push(self, event: QueuedEvent) -> None:
        self._waiting.append(event)
        self._waiting_bytes += event.size
        self._tally.add(event)

    def drop_oldest(self, reason: str) -> QueuedEvent:
        """Drop the oldest waiting event (to make room for another lane's); logged with attempt 0."""
        event = self._take()
        self._tally.remove(event)
        self.refuse(event, reason)
        return event

    def refuse(self, event: QueuedEvent, reason: str) -> None:
        """Log an event this lane will not deliver because the queue is full (attempt 0)."""
        self.dropped += 1
        self._record(event, 0, Outcome(error=reason))

    def run(self) -> None:
        """Start this lane's task unless it is running; it ends when the lane is empty."""
        if self._waiting and not self.busy:
            name = f"tmf622-notify-{self.subscription.id}"
            self._task = asyncio.get_running_loop().create_task(self._drain(), name=name)

    def cancel(self) -> None:
        """Stop delivering (reset): waiting events are forgotten."""
        if self._task is not None:
            self._task.cancel()  # the event in flight leaves the tally when the task ends
        while self._waiting:
            self._tally.remove(self._take())

    async def stop(self) -> None:
        self.cancel()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def wait_idle(self) -> None:
        if self._task is not None:
            await asyncio.wait([self._task])

    def stats(self) -> dict[str, Any]:
        return {
            "subscriptionId": self.subscription.id,
            "circuit": self.breaker.state.value,
            "consecutiveFailures": self.breaker.failures,
            "queuedEvents": self.queued,
            "queuedBytes": self.queued_bytes,
            "delivered": self.delivered,
            "givenUp": self.given_up,
            "dropped": self.dropped,
        }

    async def _drain(self) -> None:
        while self._waiting:
            event = self._in_flight = self._take()
            try:
                await self._deliver(event)
            finally:
                self._in_flight = None
                self._tally.remove(event)
            await asyncio.sleep(0)  # an open circuit gives events up without awaiting: let requests in

    def _take(self) -> QueuedEvent:
        event = self._waiting.popleft()
        self._waiting_bytes -= event.size
        return event

    async def _deliver(self, event: QueuedEvent) -> None:
        """All attempts for one event: success, attempts used up, or an open circuit ends it."""
        for attempt in range(1, self.settings.max_attempts + 1):
            if not self.breaker.allows():
                self._record(event, attempt, Outcome(error=self._open_circuit()))
                break
            outcome = await self._post(self._url(event), event.body)
            self._record(event, attempt, outcome)
            if outcome.ok:
                self.breaker.succeeded()
                self.delivered += 1
                return
            self.breaker.failed()
            if attempt < self.settings.max_attempts:
                await self._sleep(self.settings.backoff(attempt))
        self.given_up += 1

    def _open_circuit(self) -> str:
        breaker = self.breaker
        return (
            f"circuit open after {breaker.failures} failed attempts in a row: not attempted, "
            f"next probe {breaker.cooldown}s after the last failure"
        )

    def _url(self, event: QueuedEvent) -> str:
        return listener_url(self.subscription.callback, event.event_type)

    def _record(self, event: QueuedEvent, attempt: int, outcome: Outcome) -> None:
        self._log.record(event, self.subscription.id, self._url(event), attempt, outcome)
