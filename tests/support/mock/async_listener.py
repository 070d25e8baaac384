"""A client-side listener for async tests: an aiohttp server on a free loopback port, recording each POST."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


class Listener:
    """A client-side listener served on a free loopback port that records what it receives.

    `statuses` are answered in turn (then 201); with `hang` it waits for `release` before answering.
    """

    def __init__(self, statuses: tuple[int, ...] = (), *, hang: bool = False) -> None:
        self.received: asyncio.Queue[tuple[web.Request, Any]] = asyncio.Queue()
        self.statuses = deque(statuses)
        self.hang = hang
        self.release = asyncio.Event()
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        self.server = TestServer(app, host="127.0.0.1")
        self.base = ""

    async def _handle(self, request: web.Request) -> web.Response:
        await self.received.put((request, await request.json()))
        if self.hang:
            await self.release.wait()
        return web.json_response({}, status=self.statuses.popleft() if self.statuses else 201)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    async def __aenter__(self) -> Listener:
        await self.server.start_server()
        self.base = str(self.server.make_url("")).rstrip("/")
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.release.set()
        await self.server.close()

    def recover(self) -> None:
        """Stop hanging: requests held so far and later ones are answered."""
        self.hang = False
        self.release.set()

    async def collect(self, count: int, within: float) -> list[Any]:
        """The next `count` bodies received, all within one deadline (TimeoutError otherwise)."""
        async with asyncio.timeout(within):
            return [(await self.received.get())[1] for _ in range(count)]
