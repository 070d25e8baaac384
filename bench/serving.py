"""Serve an aiohttp app on a free loopback port, print a ready line, and stop cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Coroutine
from typing import Any

from aiohttp import web


async def serve(app: web.Application, host: str, port: int, banner: str, base_path: str) -> None:
    """Listen, print `<banner> listening on <url>` (the mock's ready-line format), serve until a signal."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bound_host, bound_port = runner.addresses[0][:2]
        print(f"{banner} listening on http://{bound_host}:{bound_port}{base_path}", flush=True)
        await stop.wait()
    finally:
        await runner.cleanup()


def run(main: Coroutine[Any, Any, None], loop_name: str) -> None:
    """Run `main` on uvloop (the fastest stack measured here) or on the stock asyncio loop."""
    if loop_name == "uvloop":
        import uvloop  # noqa: PLC0415 (optional `bench` extra)

        uvloop.run(main)
    else:
        asyncio.run(main)
