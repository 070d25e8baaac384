"""The one way a test runs a server in a thread: an event loop in a daemon thread (`LoopThread`), serving an
aiohttp app (`ServerThread`, `serving_app`) or a raw asyncio server; `serving_blocking` for the two stdlib
`http.server` servers (TLS/OAuth2 and origin checks), which own their thread's loop themselves."""

from __future__ import annotations

import asyncio
import socket
import socketserver
import threading
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from aiohttp import web

V4_BASE_PATH = "/tmf-api/productOrderingManagement/v4"
TIMEOUT_S = 10.0
T = TypeVar("T")
B = TypeVar("B", bound=socketserver.BaseServer)


async def _cancel_the_rest() -> None:
    """End what outlives the app's cleanup, as `web.run_app` does: aiohttp keeps reading (and
    discarding) a refused request's body for a while ("lingering close")."""
    rest = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in rest:
        task.cancel()
    await asyncio.gather(*rest, return_exceptions=True)
    # A transport closed by those tasks closes its socket in a callback scheduled for the loop's next
    # step: let it run before the loop stops, or the socket is left to the garbage collector, whose
    # ResourceWarning then fails whichever test is running at the time.
    for _ in range(3):
        await asyncio.sleep(0)


class LoopThread:
    """An asyncio event loop running in a daemon thread; coroutines are run on it from the test's thread."""

    def __init__(self, timeout_s: float = TIMEOUT_S) -> None:
        self.timeout_s = timeout_s
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run `coroutine` on the loop (where the server's objects live) and wait for it."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(self.timeout_s)

    def wait_until(self, condition: Callable[[], bool]) -> None:
        """Return once `condition()` holds, checked between the loop's steps (never a sleep);
        TimeoutError after the timeout.
        """

        async def holds() -> None:
            while not condition():
                await asyncio.sleep(0)

        self.run(holds())

    def close(self) -> None:
        """Cancel what is left on the loop and end the thread; a second call does nothing."""
        if self._loop.is_closed():
            return
        self.run(_cancel_the_rest())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(self.timeout_s)
        self._loop.close()


class ServerThread(LoopThread):
    """Serves an aiohttp app on 127.0.0.1:<free port> (or on `sock`) from a `LoopThread`."""

    def __init__(
        self,
        app: web.Application,
        sock: socket.socket | None = None,
        *,
        runner: type[web.AppRunner] = web.AppRunner,
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        super().__init__(timeout_s)
        self._sock = sock
        self._runner = runner(app, access_log=None, handle_signals=False)

    def start(self) -> int:
        """Listen; the port."""
        return self.run(self._start())

    async def _start(self) -> int:
        await self._runner.setup()
        site = (
            web.TCPSite(self._runner, "127.0.0.1", 0)
            if self._sock is None
            else web.SockSite(self._runner, self._sock)
        )
        await site.start()
        return int(self._runner.addresses[0][1])

    def requests_started(self) -> int:
        """Requests the server has begun to handle (parsed head, handler called), over its lifetime."""
        server = self._runner.server
        return 0 if server is None else server.requests_count

    def stop(self) -> None:
        """Clean up the app (closing its store) and end the thread; a second call does nothing."""
        if not self._loop.is_closed():
            self.run(self._runner.cleanup())
        self.close()


@contextmanager
def serving_app(
    app: web.Application, base_path: str = V4_BASE_PATH, timeout_s: float = TIMEOUT_S
) -> Iterator[str]:
    """Run `app` until the block ends; yield its API root (`http://127.0.0.1:PORT<base_path>/`)."""
    server = ServerThread(app, timeout_s=timeout_s)
    try:
        port = server.start()
        yield f"http://127.0.0.1:{port}{base_path}/"
    finally:
        server.stop()


@contextmanager
def serving_blocking(server: B, poll_interval_s: float = 0.05, timeout_s: float = TIMEOUT_S) -> Iterator[B]:
    """Run a stdlib `socketserver` (`serve_forever`) in a daemon thread until the block ends."""
    thread = threading.Thread(target=server.serve_forever, args=(poll_interval_s,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout_s)
