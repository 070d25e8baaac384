"""One delivery lane per listener: a hanging one holds up only its own events; circuit breaker; byte budget.

Listeners are real aiohttp servers on loopback; waits are deadlines (no sleeps). The breakers' time
is a manual clock, so a cool-down passes when the test says so.
"""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import Awaitable
from typing import Any

import pytest

from mock_server.notify.breaker import CircuitBreaker, CircuitState
from mock_server.notify.hub import HubRegistry
from mock_server.notify.notifier import Notifier
from mock_server.notify.settings import NotifierSettings
from mock_server.versions.tmf622_common.envelopes import EventFactory, EventType
from tests.support.mock.async_listener import Listener

DEADLINE = 8.0
CREATE = EventType.PRODUCT_ORDER_CREATE
#: Long enough that a hanging listener's attempt outlives every test here.
HANGS = 30.0
KIB = 1024


class ManualClock:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def run(scenario: Awaitable[None]) -> None:
    async def main() -> None:
        await asyncio.wait_for(scenario, timeout=DEADLINE)

    asyncio.run(main())


def order(number: int, padding: int = 0) -> dict[str, Any]:
    """An order whose events all have the same size (fixed-width id), `padding` bytes bigger."""
    return {
        "id": f"PO-{number:04}",
        "state": "acknowledged",
        "description": "x" * padding,
        "productOrderItem": [{"id": "1", "action": "add"}],
    }


def lane_of(notifier: Notifier, subscription_id: str) -> dict[str, Any]:
    [lane] = [lane for lane in notifier.stats()["lanes"] if lane["subscriptionId"] == subscription_id]
    return lane


async def started(notifier: Notifier) -> Notifier:
    await notifier.start()
    return notifier


# --- the breaker alone ----------------------------------------------------------------------------


def test_breaker_opens_after_the_threshold_probes_after_the_cooldown_and_closes_on_success() -> None:
    clock = ManualClock()
    breaker = CircuitBreaker(failure_threshold=3, cooldown=10.0, monotonic=clock)
    breaker.failed()
    breaker.failed()
    breaker.succeeded()  # a success resets the count: failures must be in a row
    breaker.failed()
    breaker.failed()
    assert (breaker.state, breaker.allows()) == (CircuitState.CLOSED, True)
    breaker.failed()
    assert (breaker.state, breaker.allows(), breaker.opened) == (CircuitState.OPEN, False, 1)
    clock.advance(9.9)
    assert breaker.state is CircuitState.OPEN
    clock.advance(0.1)
    assert (breaker.state, breaker.allows()) == (CircuitState.HALF_OPEN, True)
    breaker.failed()  # a failed probe opens it again, for a whole new cool-down
    assert (breaker.state, breaker.opened) == (CircuitState.OPEN, 2)
    clock.advance(10.0)
    breaker.succeeded()
    assert (breaker.state, breaker.failures) == (CircuitState.CLOSED, 0)


@pytest.mark.parametrize(("threshold", "cooldown"), [(0, 1.0), (1, 0.0)])
def test_breaker_refuses_bounds_that_would_never_close_or_never_open(threshold: int, cooldown: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        CircuitBreaker(threshold, cooldown)


# --- lanes over real HTTP -------------------------------------------------------------------------


def test_a_hanging_listener_does_not_hold_up_a_healthy_one() -> None:
    """Before lanes, each event waited for the hanging listener: 1 of 2000 events arrived in 8 s."""
    count = 200

    async def scenario() -> None:
        hub = HubRegistry()
        async with Listener(hang=True) as hanging, Listener() as healthy:
            stuck = await hub.add(hanging.url("/stuck"))
            fine = await hub.add(healthy.url("/fine"))
            notifier = await started(
                Notifier(hub, NotifierSettings(attempt_timeout=HANGS), events=EventFactory())
            )
            for number in range(count):
                notifier.publish(CREATE, order(number))
            bodies = await healthy.collect(count, within=5.0)
            await hanging.received.get()  # the hanging listener got its first event, and holds it
            stuck_lane, fine_lane = lane_of(notifier, stuck.id), lane_of(notifier, fine.id)
            await notifier.stop()
            assert (notifier.pending, notifier.stats()["queuedBytes"]) == (0, 0)  # stopping settles the tally
        assert [body["event"]["productOrder"]["id"] for body in bodies] == [
            f"PO-{n:04}" for n in range(count)
        ]
        assert stuck_lane["queuedEvents"] == count  # all still waiting behind the first
        # The last answer may still be on its way back: delivered, or the one in flight.
        assert fine_lane["delivered"] + fine_lane["queuedEvents"] == count
        assert (fine_lane["queuedEvents"] <= 1, fine_lane["dropped"]) == (True, 0)
        assert hanging.received.empty()

    run(scenario())


def test_circuit_opens_for_a_dead_listener_and_closes_when_it_recovers() -> None:
    async def scenario() -> None:
        hub, clock = HubRegistry(), ManualClock()
        settings = NotifierSettings(
            max_attempts=1, attempt_timeout=0.1, breaker_failures=2, breaker_cooldown=30.0
        )
        async with Listener(hang=True) as listener:
            subscription = await hub.add(listener.url("/cb"))
            notifier = await started(Notifier(hub, settings, monotonic=clock, events=EventFactory()))

            async def send(events: int) -> str:
                for number in range(events):
                    notifier.publish(CREATE, order(number))
                await notifier.join()
                return str(lane_of(notifier, subscription.id)["circuit"])

            assert await send(1) == "closed"
            assert await send(1) == "open"  # two timeouts in a row
            assert await send(3) == "open"  # given up at once, not attempted
            assert listener.received.qsize() == 2
            clock.advance(30.0)
            assert lane_of(notifier, subscription.id)["circuit"] == "halfOpen"
            assert await send(1) == "open"  # the probe timed out
            listener.recover()
            clock.advance(30.0)
            assert await send(2) == "closed"  # the probe got 201, and the next event went straight
            await notifier.stop()
        outcomes = [entry["status"] or entry["error"].split(" ")[0] for entry in notifier.deliveries()]
        assert outcomes == ["timeout", "timeout", "circuit", "circuit", "circuit", "timeout", 201, 201]
        assert listener.received.qsize() == 5

    run(scenario())


def test_queued_bytes_stay_within_the_budget_and_drops_are_counted() -> None:
    """Before the byte bound, 600 queued 0.9 MB orders held 1.2 GiB."""
    budget, published = 1024 * KIB, 40

    stats: dict[str, Any] = {}

    async def scenario() -> None:
        hub = HubRegistry()
        async with Listener(hang=True) as hanging:
            await hub.add(hanging.url("/cb"))
            notifier = await started(
                Notifier(
                    hub, NotifierSettings(queue_bytes=budget, attempt_timeout=HANGS), events=EventFactory()
                )
            )
            tracemalloc.start()
            try:
                before = tracemalloc.get_traced_memory()[0]
                for number in range(published):  # 40 events of ~200 KiB: 8 MiB without the bound
                    notifier.publish(CREATE, order(number, padding=200 * KIB))
                held = tracemalloc.get_traced_memory()[0] - before
            finally:
                tracemalloc.stop()
            stats.update(notifier.stats(), held=held, log=notifier.deliveries())
            await notifier.stop()

    run(scenario())
    size = stats["droppedBytes"] // stats["droppedEvents"]
    assert 200 * KIB < size < 201 * KIB
    assert stats["queuedEvents"] == budget // size == 5
    assert stats["queuedBytes"] == 5 * size <= budget
    assert stats["droppedEvents"] == published - 5
    assert stats["held"] < budget + 256 * KIB  # the queue's bytes, a few log entries, nothing more
    drops = [entry for entry in stats["log"] if entry["attempt"] == 0]
    assert len(drops) == stats["droppedEvents"]
    assert all(entry["error"].startswith("queue full") for entry in drops)


def test_a_full_queue_drops_the_dead_listeners_events_not_the_healthy_ones() -> None:
    budget, published = 100 * KIB, 30

    async def scenario() -> None:
        hub = HubRegistry()
        async with Listener(hang=True) as hanging, Listener() as healthy:
            stuck = await hub.add(hanging.url("/stuck"))
            await hub.add(healthy.url("/fine"))
            settings = NotifierSettings(queue_bytes=budget, attempt_timeout=HANGS)
            notifier = await started(Notifier(hub, settings, events=EventFactory()))
            received = []
            for number in range(published):  # ~20 KiB each: the dead lane fills the budget after 5
                notifier.publish(CREATE, order(number, padding=20 * KIB))
                received += await healthy.collect(1, within=2.0)
            stats = notifier.stats()
            await notifier.stop()
        assert [body["event"]["productOrder"]["id"] for body in received] == [
            f"PO-{n:04}" for n in range(published)
        ]
        drops = [entry for entry in notifier.deliveries() if entry["attempt"] == 0]
        assert {entry["subscriptionId"] for entry in drops} == {stuck.id}
        assert stats["droppedEvents"] == len(drops) > 0
        assert stats["queuedBytes"] <= budget
        reasons = {entry["error"].split(": ")[-1] for entry in drops}
        assert reasons <= {"event dropped", "oldest waiting event dropped for a lighter lane"}
        [stuck_lane, fine_lane] = stats["lanes"]
        assert (stuck_lane["dropped"], fine_lane["dropped"]) == (len(drops), 0)

    run(scenario())


def test_an_event_larger_than_the_whole_budget_is_dropped_at_once() -> None:
    async def scenario() -> None:
        hub = HubRegistry()
        async with Listener() as listener:
            await hub.add(listener.url("/cb"))
            notifier = await started(
                Notifier(hub, NotifierSettings(queue_bytes=10 * KIB), events=EventFactory())
            )
            notifier.publish(CREATE, order(1, padding=20 * KIB))
            notifier.publish(CREATE, order(2))
            [body] = await listener.collect(1, within=2.0)
            await notifier.join()
            stats = notifier.stats()
            await notifier.stop()
        assert body["event"]["productOrder"]["id"] == "PO-0002"
        assert (stats["droppedEvents"], stats["queuedEvents"]) == (1, 0)
        [dropped, delivered] = notifier.deliveries()
        assert "larger than the whole queue" in dropped["error"]
        assert delivered["status"] == 201

    run(scenario())


def test_the_lane_of_a_removed_subscription_is_forgotten_once_idle() -> None:
    async def scenario() -> None:
        hub = HubRegistry()
        async with Listener() as first, Listener() as second:
            gone = await hub.add(first.url("/gone"))
            kept = await hub.add(second.url("/kept"))
            notifier = await started(Notifier(hub, events=EventFactory()))
            notifier.publish(CREATE, order(1))
            await notifier.join()
            assert {lane["subscriptionId"] for lane in notifier.stats()["lanes"]} == {gone.id, kept.id}
            await hub.remove(gone.id)
            notifier.publish(CREATE, order(2))
            await notifier.join()
            lanes = notifier.stats()["lanes"]
            await notifier.stop()
        assert [(lane["subscriptionId"], lane["delivered"]) for lane in lanes] == [(kept.id, 2)]
        assert first.received.qsize() == 1

    run(scenario())
