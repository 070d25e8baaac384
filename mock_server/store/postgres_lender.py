"""Lending the PostgreSQL store's connections to requests, cheaply.

psycopg's `AsyncConnectionPool` opens, replaces and closes the connections; its own check-out under
load (64 requests waiting for 16 connections) cost about 100 µs of CPU per request, more than the
query itself (measured: 150 µs per query through the pool, 48 µs with this lender). So the lender
takes its connections from the pool once and lends them through a free list: a request takes one at
once when one is free, else waits in line for the next one given back.

A connection given back broken (the database restarted, or the connection was killed) goes back to
the pool, which drops it, and a fresh one is taken in the background; after such a failure every
idle connection is tried, so one request sees the failure, not one per stale connection.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import Any

import psycopg
from psycopg import pq
from psycopg_pool import AsyncConnectionPool, PoolTimeout

Connection = psycopg.AsyncConnection[Any]


class ConnectionLender:
    """`size` connections of `pool`, lent one request at a time (see the module docstring)."""

    def __init__(self, pool: AsyncConnectionPool, size: int) -> None:
        self.pool = pool
        self.size = size
        self._free: deque[Connection] = deque()
        self._waiting: deque[asyncio.Future[Connection]] = deque()
        self._replacing: set[asyncio.Task[None]] = set()

    async def open(self, timeout: float) -> None:
        """Take the connections from the (open) pool."""
        for _ in range(self.size):
            self._free.append(await self.pool.getconn(timeout=timeout))

    async def close(self) -> None:
        for task in list(self._replacing):
            task.cancel()
        for task in list(self._replacing):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        while self._free:
            await self.pool.putconn(self._free.popleft())
        for waiter in self._waiting:
            waiter.cancel()

    async def take(self, timeout: float) -> Connection:
        """A free connection, or the next one given back; PoolTimeout after `timeout` seconds."""
        if self._free:
            return self._free.popleft()
        waiter: asyncio.Future[Connection] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            return await asyncio.wait_for(waiter, timeout)
        except TimeoutError:
            raise PoolTimeout(f"no connection free within {timeout:g} s") from None

    def give(self, conn: Connection) -> None:
        """Back from a request: to the first one waiting, else to the free list; a broken one is replaced."""
        if conn.broken or conn.closed or conn.info.transaction_status != pq.TransactionStatus.IDLE:
            self._replace(conn)
            return
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():  # else it timed out (or its request was cancelled) meanwhile
                waiter.set_result(conn)
                return
        self._free.append(conn)

    async def check(self) -> None:
        """Try every idle connection (after a failure: the others likely broke too); replace the broken."""
        idle = list(self._free)
        self._free.clear()
        for conn in idle:
            with contextlib.suppress(psycopg.Error):
                await conn.execute("SELECT 1")
            self.give(conn)

    def _replace(self, conn: Connection) -> None:
        task = asyncio.get_running_loop().create_task(self._renew(conn))
        self._replacing.add(task)
        task.add_done_callback(self._replacing.discard)

    async def _renew(self, conn: Connection) -> None:
        await self.pool.putconn(conn)  # the pool drops a broken one, rolls back an unfinished one
        while True:  # until the database answers again (each try waits up to the pool's timeout)
            with contextlib.suppress(PoolTimeout):
                fresh = await self.pool.getconn()
                break
        self.give(fresh)
