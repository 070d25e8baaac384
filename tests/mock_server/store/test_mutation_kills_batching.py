"""Batcher when callers or the app go away: the others still get their outcomes, nobody waits forever.

Written for `make mutate` (mutation/README.md): survivors the rest of the suite let through.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from mock_server.store.batching import Batcher

#: Far more than any step here takes; a caller still waiting then is waiting forever.
DEADLINE_S = 5.0


class Gate:
    """A batch run that waits until the test opens it, then doubles each number."""

    def __init__(self) -> None:
        self.opened = asyncio.Event()
        self.started = asyncio.Event()
        self.batches: list[list[int]] = []

    async def __call__(self, items: list[int]) -> list[int | BaseException]:
        self.batches.append(list(items))
        self.started.set()
        await self.opened.wait()
        return [n * 2 for n in items]


async def test_a_cancelled_caller_leaves_the_others_their_results() -> None:
    run = Gate()
    batcher: Batcher[int, int] = Batcher(run, max_in_flight=1, max_batch=64)
    callers = [asyncio.create_task(batcher(n)) for n in (1, 2, 3)]
    await asyncio.wait_for(run.started.wait(), DEADLINE_S)
    callers[0].cancel()
    run.opened.set()
    assert await asyncio.wait_for(asyncio.gather(callers[1], callers[2]), DEADLINE_S) == [4, 6]
    assert callers[0].cancelled()
    assert run.batches == [[1, 2, 3]]


async def test_when_the_app_stops_a_running_batch_its_callers_are_cancelled_too() -> None:
    run = Gate()
    batcher: Batcher[int, int] = Batcher(run, max_in_flight=1, max_batch=64)
    callers = [asyncio.create_task(batcher(n)) for n in (1, 2)]
    await asyncio.wait_for(run.started.wait(), DEADLINE_S)
    batches = asyncio.all_tasks() - {*callers, asyncio.current_task()}
    assert len(batches) == 1
    batches.pop().cancel()
    done, pending = await asyncio.wait(callers, timeout=DEADLINE_S)
    assert pending == set()
    assert all(caller.cancelled() for caller in done)


async def test_calls_beyond_max_in_flight_wait_and_then_go_together() -> None:
    run = Gate()
    batcher: Batcher[int, int] = Batcher(run, max_in_flight=2, max_batch=64)
    first = asyncio.create_task(batcher(1))
    await asyncio.wait_for(run.started.wait(), DEADLINE_S)
    second = asyncio.create_task(batcher(2))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    rest = [asyncio.create_task(batcher(n)) for n in (3, 4, 5)]
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert run.batches == [[1], [2]]  # two in flight: the rest wait
    run.opened.set()
    assert await asyncio.wait_for(asyncio.gather(first, second, *rest), DEADLINE_S) == [2, 4, 6, 8, 10]
    assert run.batches == [[1], [2], [3, 4, 5]]


@pytest.mark.parametrize("max_batch", [1, 2])
async def test_max_batch_is_the_largest_batch(max_batch: int) -> None:
    run = Gate()
    run.opened.set()
    batcher: Batcher[int, int] = Batcher(run, max_in_flight=1, max_batch=max_batch)
    assert await asyncio.gather(*(batcher(n) for n in range(5))) == [0, 2, 4, 6, 8]
    assert max(len(batch) for batch in run.batches) == max_batch


async def test_batches_run_without_an_error_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    """The batches the loop starts are kept (a dropped task may be collected mid-flight) and starting
    them logs nothing: a batcher that broke there would still answer, with errors in the log."""
    run = Gate()
    run.opened.set()
    batcher: Batcher[int, int] = Batcher(run, max_in_flight=1, max_batch=64)
    with caplog.at_level(logging.WARNING):
        assert await asyncio.gather(batcher(1), batcher(2)) == [2, 4]
        assert await batcher(3) == 6
    assert caplog.records == []


@pytest.mark.parametrize("max_in_flight", [1, 2])
async def test_never_more_batches_in_flight_than_allowed(max_in_flight: int) -> None:
    """Batches of one: as many at once as allowed, and after each ends, one more starts."""
    flying, peak = 0, 0

    async def run(items: list[int]) -> list[int | BaseException]:
        nonlocal flying, peak
        flying += 1
        peak = max(peak, flying)
        await asyncio.sleep(0.01)  # a round trip: the next batches are due meanwhile
        flying -= 1
        return [n * 2 for n in items]

    batcher: Batcher[int, int] = Batcher(run, max_in_flight=max_in_flight, max_batch=1)
    assert await asyncio.gather(*(batcher(n) for n in range(6))) == [0, 2, 4, 6, 8, 10]
    assert peak == max_in_flight
