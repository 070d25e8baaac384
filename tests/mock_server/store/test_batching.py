"""Batcher: calls of one loop turn go together, each caller gets its own outcome, nobody waits for nothing."""

from __future__ import annotations

import asyncio

import pytest

from mock_server.store.batching import Batcher


class Recorder:
    """A batch run that doubles numbers, refuses negatives and remembers each batch it was given."""

    def __init__(self, *, fail_whole: bool = False) -> None:
        self.batches: list[list[int]] = []
        self.fail_whole = fail_whole

    async def __call__(self, items: list[int]) -> list[int | BaseException]:
        self.batches.append(list(items))
        await asyncio.sleep(0.01)  # a round trip: later calls pile up meanwhile
        if self.fail_whole:
            raise ConnectionError("database gone")
        return [ValueError(f"negative {n}") if n < 0 else n * 2 for n in items]


async def test_calls_made_while_a_batch_runs_go_together_as_the_next_batch() -> None:
    run = Recorder()
    batcher: Batcher[int, int] = Batcher(run, max_in_flight=1, max_batch=64)
    first = asyncio.create_task(batcher(1))
    await asyncio.sleep(0)  # the first batch leaves alone, at the next loop turn
    await asyncio.sleep(0)
    rest = [asyncio.create_task(batcher(n)) for n in range(2, 12)]
    assert await first == 2
    assert await asyncio.gather(*rest) == [n * 2 for n in range(2, 12)]
    assert run.batches == [[1], list(range(2, 12))]


async def test_a_batch_carries_at_most_max_batch_items() -> None:
    run = Recorder()
    batcher: Batcher[int, int] = Batcher(run, max_in_flight=2, max_batch=3)
    assert await asyncio.gather(*(batcher(n) for n in range(7))) == [n * 2 for n in range(7)]
    assert sorted(len(batch) for batch in run.batches) == [1, 3, 3]
    assert sorted(n for batch in run.batches for n in batch) == list(range(7))


async def test_each_caller_gets_its_own_exception_and_the_others_their_results() -> None:
    batcher: Batcher[int, int] = Batcher(Recorder(), max_in_flight=1, max_batch=64)
    outcomes = await asyncio.gather(batcher(1), batcher(-2), batcher(3), return_exceptions=True)
    assert outcomes[0] == 2
    assert outcomes[2] == 6
    assert isinstance(outcomes[1], ValueError)
    assert str(outcomes[1]) == "negative -2"


async def test_a_failed_batch_fails_each_of_its_callers_and_the_next_batch_still_runs() -> None:
    run = Recorder(fail_whole=True)
    batcher: Batcher[int, int] = Batcher(run, max_in_flight=1, max_batch=64)
    outcomes = await asyncio.gather(batcher(1), batcher(2), return_exceptions=True)
    assert all(isinstance(outcome, ConnectionError) for outcome in outcomes)
    run.fail_whole = False
    assert await batcher(5) == 10


async def test_a_cancelled_caller_does_not_stop_the_others() -> None:
    batcher: Batcher[int, int] = Batcher(Recorder(), max_in_flight=1, max_batch=64)
    gone, kept = asyncio.create_task(batcher(1)), asyncio.create_task(batcher(2))
    await asyncio.sleep(0)
    gone.cancel()
    assert await kept == 4
    with pytest.raises(asyncio.CancelledError):
        await gone
