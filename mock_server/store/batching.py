"""Concurrent calls sent to the database together: one statement and one commit for many requests.

Each PostgreSQL round trip costs the mock tens of microseconds of CPU in psycopg, whatever it carries,
and each commit waits for its WAL flush. Under load many requests want the same kind of statement
(GET by id, the INSERT of a POST) in the same turn of the event loop; `Batcher` sends them as one
statement: a call made alone goes at the next loop turn (no added wait), and calls made while
`max_in_flight` batches are already running wait for one of them to end and go together, so the
batches grow with the load by themselves. Every caller gets its own result or its own exception.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
#: A batch run: per item, in order, its result or the exception its caller gets.
Run = Callable[[list[Item]], Awaitable[Sequence["Result | BaseException"]]]


class Batcher(Generic[Item, Result]):
    """`await batcher(item)`: the item's result from `run` over a batch of at most `max_batch` items."""

    def __init__(self, run: Run[Item, Result], *, max_in_flight: int, max_batch: int) -> None:
        self._run = run
        self.max_in_flight = max_in_flight
        self.max_batch = max_batch
        self._pending: list[tuple[Item, asyncio.Future[Result]]] = []
        self._in_flight = 0
        self._scheduled = False
        self._running: set[asyncio.Task[None]] = set()

    async def __call__(self, item: Item) -> Result:
        waiter: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._pending.append((item, waiter))
        self._schedule()
        return await waiter

    def _schedule(self) -> None:
        """Start batches at the next loop turn, so the calls of this turn join them."""
        if self._scheduled or not self._pending or self._in_flight >= self.max_in_flight:
            return
        self._scheduled = True
        asyncio.get_running_loop().call_soon(self._start)

    def _start(self) -> None:
        self._scheduled = False
        while self._pending and self._in_flight < self.max_in_flight:
            batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
            self._in_flight += 1
            task = asyncio.get_running_loop().create_task(self._send(batch))
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def _send(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        outcomes: Sequence[Result | BaseException]
        try:
            outcomes = await self._run([item for item, _ in batch])
        except asyncio.CancelledError:  # the app is stopping: so are its callers
            for _, waiter in batch:
                waiter.cancel()
            raise
        except Exception as exc:  # the whole batch failed (the database is gone): each caller hears it
            outcomes = [exc] * len(batch)
        finally:
            self._in_flight -= 1
            self._schedule()
        for (_, waiter), outcome in zip(batch, outcomes, strict=True):
            if waiter.done():  # its caller was cancelled
                continue
            if isinstance(outcome, BaseException):
                waiter.set_exception(outcome)
            else:
                waiter.set_result(outcome)
