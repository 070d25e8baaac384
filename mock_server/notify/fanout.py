"""Offering one event to many lanes a slice at a time, so a big hub cannot hold up the API.

Picking the subscriptions and serialising the event stay in `Notifier.publish` (so the event and
who gets it are decided when the change is made); offering it to each lane costs microseconds per
lane, which for 1,000 subscriptions held every POST for tens of milliseconds. Above `INLINE`
subscriptions the offers are made here instead, `SLICE` lanes per turn of the event loop, in publish
order (a lane still sees its events in order). The backlog is bounded in deliveries.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Sequence

from mock_server.notify.delivery import QueuedEvent
from mock_server.notify.hub import Subscription

#: Up to this many matching subscriptions, publish offers the event itself (the common case).
INLINE = 32
#: Lanes offered an event between two turns of the event loop.
SLICE = 64
#: Seconds between two slices: deliveries get a bounded share of the loop, requests the rest.
PAUSE_S = 0.001

Offer = Callable[[Subscription, QueuedEvent], object]


class FanOut:
    """Events waiting to be offered to their lanes, and the task offering them."""

    def __init__(self, offer: Offer, bound: int) -> None:
        self._offer = offer
        self._bound = bound
        self._backlog: deque[tuple[Sequence[Subscription], QueuedEvent]] = deque()
        self.pending = 0  # deliveries not yet offered to their lane
        self._task: asyncio.Task[None] | None = None

    def put(self, subscriptions: Sequence[Subscription], event: QueuedEvent) -> bool:
        """Queue the offers of `event`; False (nothing queued) when the backlog has no room."""
        if self.pending + len(subscriptions) > self._bound:
            return False
        self._backlog.append((subscriptions, event))
        self.pending += len(subscriptions)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="tmf622-notify-fanout")
        return True

    async def _run(self) -> None:
        while self._backlog:
            subscriptions, event = self._backlog[0]
            for start in range(0, len(subscriptions), SLICE):
                part = subscriptions[start : start + SLICE]
                for subscription in part:
                    self._offer(subscription, event)
                self.pending -= len(part)
                await asyncio.sleep(PAUSE_S)  # requests are served between slices
            self._backlog.popleft()

    async def join(self) -> None:
        if self._task is not None:
            await asyncio.wait([self._task])

    def clear(self) -> None:
        """Forget the backlog and stop offering it (`POST /_mock/reset`); a later `put` starts anew."""
        self._backlog.clear()
        self.pending = 0
        if self._task is not None:
            self._task.cancel()  # it stops at its next turn; the next put starts a new task
            self._task = None

    async def stop(self) -> None:
        task = self._task
        self.clear()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task
