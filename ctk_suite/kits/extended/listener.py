"""A local notification listener: an aiohttp server in a thread that records the events posted to it.

TMF622 v4 delivers each event to `{callback}/listener/{eventName}` (swagger `paths./listener/*`), so
the listener accepts a POST on any path and files the event under the segment after `listener`.
A check waits for the event it needs on a condition variable, up to a deadline: never a sleep.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from ctk_suite.kits.official.bodies import NotJson, parse_json

START_TIMEOUT_S = 10.0
#: What a delivery still being received when the run ends is given to finish (aiohttp's default: 60 s).
#: The checks have stopped waiting by then; a hub sending slowly must not hold the run up, nor fail it.
STOP_GRACE_S = 0.5
#: An event body larger than this is refused (413): a notification is a few kilobytes.
MAX_EVENT_BYTES = 1024 * 1024


class ListenerError(RuntimeError):
    """The listener could not start (address in use, bad bind address)."""


@dataclass(frozen=True)
class ListenerSettings:
    """Where the listener binds and the URL the server under test is told to call back."""

    bind_host: str = "127.0.0.1"
    bind_port: int = 0
    callback_url: str | None = None  # for a remote server: a URL that reaches the bind address
    timeout_s: float = 10.0  # how long a check waits for an event


@dataclass(frozen=True)
class ReceivedEvent:
    """One POST the listener received."""

    path: str
    event_name: str  # the segment after `listener/`, "" when the path has none
    body: Any  # the parsed JSON, None when the body is not JSON
    content_type: str
    problem: str | None = None  # why the body is unusable

    @property
    def order_id(self) -> Any:
        """`event.productOrder.id` of the envelope, None when absent."""
        event = self.body.get("event") if isinstance(self.body, dict) else None
        order = event.get("productOrder") if isinstance(event, dict) else None
        return order.get("id") if isinstance(order, dict) else None


def event_name(path: str) -> str:
    """`/cb/listener/productOrderCreateEvent` -> `productOrderCreateEvent`."""
    segments = [s for s in path.split("/") if s]
    if "listener" in segments[:-1]:
        return segments[segments.index("listener") + 1]
    return ""


class EventListener:
    """Start with `start()`, wait with `wait_for()`, stop with `stop()`."""

    def __init__(self, settings: ListenerSettings) -> None:
        self.settings = settings
        self._events: list[ReceivedEvent] = []
        self._changed = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None

    @property
    def callback_url(self) -> str:
        """What the hub is given: `--ctk-callback-url`, else `http://<bind host>:<port>`."""
        if self.settings.callback_url:
            return self.settings.callback_url.rstrip("/")
        host = self.settings.bind_host
        host = "127.0.0.1" if host in {"", "0.0.0.0"} else "[::1]" if host == "::" else host  # noqa: S104
        host = f"[{host}]" if ":" in host and not host.startswith("[") else host
        return f"http://{host}:{self._port}"

    def start(self) -> str:
        """Serve on the bind address; return the callback URL. Raises ListenerError."""
        ready = threading.Event()
        failure: list[BaseException] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._serve, args=(ready, failure), name="tmf622-ctk-listener", daemon=True
        )
        self._thread.start()
        if not ready.wait(START_TIMEOUT_S) or failure:
            reason = f"{type(failure[0]).__name__}: {failure[0]}" if failure else "no answer"
            self.stop()
            where = f"{self.settings.bind_host}:{self.settings.bind_port}"
            raise ListenerError(f"cannot start the notification listener on {where}: {reason}")
        return self.callback_url

    def _serve(self, ready: threading.Event, failure: list[BaseException]) -> None:
        assert self._loop is not None
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._open())
        except Exception as exc:  # reported by start(): bad address, port in use
            failure.append(exc)
            ready.set()
            return
        ready.set()
        self._loop.run_forever()

    async def _open(self) -> None:
        app = web.Application(client_max_size=MAX_EVENT_BYTES)
        app.router.add_route("POST", "/{tail:.*}", self._receive)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=STOP_GRACE_S)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.bind_host, self.settings.bind_port)
        try:
            await site.start()
        except BaseException:
            await self._runner.cleanup()
            raise
        sockets = getattr(site._server, "sockets", None) or []  # aiohttp exposes no public accessor
        self._port = int(sockets[0].getsockname()[1]) if sockets else self.settings.bind_port

    async def _receive(self, request: web.Request) -> web.Response:
        raw = await request.read()
        problem = None
        try:
            body = parse_json(raw.decode("utf-8"))
        except (NotJson, UnicodeDecodeError) as exc:
            body, problem = None, str(exc)
        event = ReceivedEvent(request.path, event_name(request.path), body, request.content_type, problem)
        with self._changed:
            self._events.append(event)
            self._changed.notify_all()
        return web.Response(status=201)  # v4 listeners answer 201 "Notified"

    def received(self) -> list[ReceivedEvent]:
        """Every event so far, in arrival order (a copy)."""
        with self._changed:
            return list(self._events)

    def wait_for(self, wanted: Callable[[ReceivedEvent], bool], timeout_s: float) -> ReceivedEvent | None:
        """The first received event `wanted` accepts, waiting until `timeout_s` has passed."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while True:
                found = next((e for e in self._events if wanted(e)), None)
                remaining = deadline - time.monotonic()
                if found is not None or remaining <= 0:
                    return found
                self._changed.wait(remaining)

    def stop(self) -> None:
        """Close the server and its thread (idempotent)."""
        loop, thread, runner = self._loop, self._thread, self._runner
        self._loop = self._thread = self._runner = None
        if loop is None:
            return
        if runner is not None and thread is not None and thread.is_alive():
            future = asyncio.run_coroutine_threadsafe(runner.cleanup(), loop)
            future.result(START_TIMEOUT_S)
        if thread is not None and thread.is_alive():
            loop.call_soon_threadsafe(loop.stop)
            thread.join(START_TIMEOUT_S)
        loop.close()
