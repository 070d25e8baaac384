"""The one HTTP client every delivery lane shares: a bounded pool, fair between listener hosts.

Before, each lane's attempt opened its own connection (an unlimited connector): 1,000 lanes to a
listener that never answers held 1,000 sockets, and at a file-descriptor limit of 1,024 the API's own
connections were refused. Now at most `size` connections are open for deliveries, and one listener
host takes at most half of them, so a hanging host leaves the rest to the others. A lane waits for
a slot before its attempt's timeout starts: waiting is not failing. Connections are resolved through
the callback rules (`GuardedResolver`), at each connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from yarl import URL

from mock_server.notify.callbacks import CallbackRules, GuardedResolver
from mock_server.notify.delivery import Outcome, post_event


class DeliveryPool:
    """`post` through one `ClientSession` with at most `size` connections, `size // 2` (at least 1)
    per listener host; `start` and `close` inside the running loop."""

    def __init__(self, size: int, rules: CallbackRules) -> None:
        self.size = size
        self.per_host = max(1, size // 2)
        self._rules = rules
        self._slots = asyncio.Semaphore(size)
        self._hosts: dict[str, tuple[asyncio.Semaphore, int]] = {}  # host -> (its slots, lanes using it)
        self._session: aiohttp.ClientSession | None = None

    def start(self) -> None:
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=self.size, resolver=GuardedResolver(self._rules))
            self._session = aiohttp.ClientSession(connector=connector)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post(self, url: str, body: bytes, timeout: float) -> Outcome:
        """One attempt, once a slot of its host and of the pool is free (the timeout starts then)."""
        assert self._session is not None, "DeliveryPool.start() was not called"
        async with self._host_slot(URL(url)), self._slots:
            return await post_event(self._session, url, body, timeout)

    @asynccontextmanager
    async def _host_slot(self, url: URL) -> AsyncIterator[None]:
        key = f"{url.host}:{url.port}"
        slots, users = self._hosts.get(key) or (asyncio.Semaphore(self.per_host), 0)
        self._hosts[key] = (slots, users + 1)
        try:
            async with slots:
                yield
        finally:
            slots, users = self._hosts[key]
            if users == 1:
                del self._hosts[key]  # the table holds only hosts with attempts waiting or running
            else:
                self._hosts[key] = (slots, users - 1)
