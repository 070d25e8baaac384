"""Serve an aiohttp application on a free loopback port in a thread: the fake servers' one way to run."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web

V4_BASE_PATH = "/tmf-api/productOrderingManagement/v4"


@contextmanager
def serving_app(
    app: web.Application, base_path: str = V4_BASE_PATH, timeout_s: float = 10.0
) -> Iterator[str]:
    """Run `app` until the block ends; yield its API root (`http://127.0.0.1:PORT<base_path>/`)."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None)
    ready = threading.Event()
    port: list[int] = []

    async def start() -> None:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port.append(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        ready.set()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    if not ready.wait(timeout_s):
        raise RuntimeError("test server did not start")
    try:
        yield f"http://127.0.0.1:{port[0]}{base_path}/"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout_s)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout_s)
        loop.close()
