"""A hub listener in its own process: `healthy` answers 201 to every POST, `hang` accepts and never answers.

Run as `python hub_listener.py MODE [SECONDS]` (a healthy listener answers after SECONDS, as one across
a network does); it prints its port, then serves 127.0.0.1 until terminated.
Its own process, so the thousands of deliveries it takes do not compete with the test for the GIL.
"""

from __future__ import annotations

import asyncio
import sys

from aiohttp import web


async def _hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Accept and never answer (the connection stays open until the mock gives up)."""
    await asyncio.Event().wait()
    writer.close()


DELAY_S = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0


async def _ok(request: web.Request) -> web.Response:
    await request.read()
    if DELAY_S:
        await asyncio.sleep(DELAY_S)
    return web.Response(status=201)


async def main(mode: str) -> None:
    if mode == "hang":
        server = await asyncio.start_server(_hold, "127.0.0.1", 0, backlog=4096)
        port = server.sockets[0].getsockname()[1]
    else:
        app = web.Application()
        app.router.add_post("/{tail:.*}", _ok)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0, backlog=4096).start()
        port = runner.addresses[0][1]
    print(port, flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
