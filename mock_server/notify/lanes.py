"""Every subscription's delivery lane, and the bounds of the queue they share (deliveries and bytes).

One delivery is one event for one listener; its bytes are the event's serialised size. An event for
two listeners counts twice, although its bytes are held once: the sums bound the memory from above.
When a new delivery does not fit (`queue_size` deliveries or `queue_bytes` bytes), the lane holding
the most bytes gives up its oldest waiting event, until it fits; if that lane is the new delivery's
own, the new event is dropped instead (as when there is one listener). So a dead listener, whose
lane fills up, loses its own events and never makes a healthy listener lose theirs. An event
larger than the whole byte budget is dropped at once. Every drop is logged and counted.
The totals are kept as they change; only a full queue scans the lanes for the heaviest one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Container
from typing import Any

from mock_server.notify.delivery import QueuedEvent
from mock_server.notify.hub import Subscription
from mock_server.notify.lane import DeliveryLane, Tally
from mock_server.notify.settings import NotifierSettings

LaneFactory = Callable[[Subscription, Tally], DeliveryLane]


class Lanes:
    """Lanes by subscription id; they run once `start` was called (inside the event loop)."""

    def __init__(self, settings: NotifierSettings, new_lane: LaneFactory) -> None:
        self.settings = settings
        self._new_lane = new_lane
        self._lanes: dict[str, DeliveryLane] = {}
        self._tally = Tally()
        self.running = False
        self.dropped_events = self.dropped_bytes = 0
        #: No lane holds more bytes than this (raised on each push, made exact by each scan): a lane
        #: holding as much is the heaviest without a scan, which made a full queue cost O(lanes) per offer.
        self._most_bytes = 0

    def __len__(self) -> int:
        return len(self._lanes)

    @property
    def queued_events(self) -> int:
        return self._tally.events

    @property
    def queued_bytes(self) -> int:
        return self._tally.bytes

    def offer(self, subscription: Subscription, event: QueuedEvent) -> bool:
        """Queue `event` in the subscription's lane if room is (or can be) made; False: dropped."""
        lane = self._lanes.get(subscription.id)
        if lane is None:
            lane = self._lanes[subscription.id] = self._new_lane(subscription, self._tally)
        if event.size > self.settings.queue_bytes:
            return self._drop(lane, event, f"event of {event.size} bytes larger than the whole queue")
        if not self._make_room(lane, event.size):
            return self._drop(lane, event, self._full())
        lane.push(event)
        self._most_bytes = max(self._most_bytes, lane.queued_bytes)
        if self.running:
            lane.run()
        return True

    @property
    def busy(self) -> bool:
        return any(lane.busy for lane in self._lanes.values())

    def count_dropped(self, event: QueuedEvent, listeners: int) -> None:
        """Count an event dropped before any of its `listeners`' lanes was offered it."""
        self.dropped_events += listeners
        self.dropped_bytes += listeners * event.size

    def _fits(self, size: int) -> bool:
        settings = self.settings
        return self.queued_events < settings.queue_size and self.queued_bytes + size <= settings.queue_bytes

    def _make_room(self, lane: DeliveryLane, size: int) -> bool:
        """Drop the heaviest other lane's oldest events until `size` more bytes fit (module docstring)."""
        while not self._fits(size):
            if lane.queued_bytes >= self._most_bytes:
                return False  # as heavy as any: the new event is the one dropped (module docstring)
            candidates = [other for other in self._lanes.values() if other.has_waiting or other is lane]
            heaviest = max(candidates, key=lambda other: (other.queued_bytes, other is lane))
            self._most_bytes = heaviest.queued_bytes
            if heaviest is lane:
                return False
            dropped = heaviest.drop_oldest(f"{self._full()}: oldest waiting event dropped for a lighter lane")
            self._count(dropped)
        return True

    def _drop(self, lane: DeliveryLane, event: QueuedEvent, why: str) -> bool:
        lane.refuse(event, f"{why}: event dropped")
        self._count(event)
        return False

    def _full(self) -> str:
        settings = self.settings
        return (
            f"queue full ({self.queued_events} of {settings.queue_size} deliveries, "
            f"{self.queued_bytes} of {settings.queue_bytes} bytes waiting)"
        )

    def _count(self, event: QueuedEvent) -> None:
        self.dropped_events += 1
        self.dropped_bytes += event.size

    def prune(self, live: Container[str]) -> None:
        """Forget idle lanes of subscriptions no longer in `live` (their events were delivered)."""
        for subscription_id, lane in list(self._lanes.items()):
            if subscription_id not in live and not lane.queued and not lane.busy:
                del self._lanes[subscription_id]

    def start(self) -> None:
        self.running = True
        for lane in self._lanes.values():
            lane.run()

    async def stop(self) -> None:
        self.running = False
        for lane in self._lanes.values():
            await lane.stop()

    async def join(self) -> None:
        """Until no lane has work (events published meanwhile are waited for too)."""
        while busy := [lane for lane in self._lanes.values() if lane.busy]:
            await asyncio.gather(*(lane.wait_idle() for lane in busy))

    def reset(self) -> None:
        """Forget every lane, its waiting events and the drop counts (`POST /_mock/reset`)."""
        for lane in self._lanes.values():
            lane.cancel()
        self._lanes.clear()
        self._tally = Tally()  # cancelled lanes settle with the old one
        self.dropped_events = self.dropped_bytes = self._most_bytes = 0

    def stats(self) -> dict[str, Any]:
        return {
            "queuedEvents": self.queued_events,
            "queuedBytes": self.queued_bytes,
            "maxQueuedEvents": self.settings.queue_size,
            "maxQueuedBytes": self.settings.queue_bytes,
            "droppedEvents": self.dropped_events,
            "droppedBytes": self.dropped_bytes,
            "lanes": [lane.stats() for lane in self._lanes.values()],
        }
