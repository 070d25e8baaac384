"""A client-side TMF622 listener on a free loopback port, and helpers to subscribe it and wait for events."""

from __future__ import annotations

import asyncio
import queue
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web

from mock_server.http.server import TmfAppRunner
from tests.support.app_thread import ServerThread
from tests.support.mock.mock_helpers import TIMEOUT_S, Api
from tmf622_schemas import validator_for

Event = dict[str, Any]


class Listener:
    """Records every POST as (path, JSON body) in a thread-safe queue; the tests read it with timeouts.

    `statuses` are answered in turn (then 201). While `hold()` is on, each request waits (up to
    TIMEOUT_S) for `release()` before it is answered: a hanging listener.
    """

    def __init__(self, statuses: tuple[int, ...] = ()) -> None:
        self.received: queue.Queue[tuple[str, Event]] = queue.Queue()
        self.statuses = deque(statuses)
        self._held = False
        self._release: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        self._server = ServerThread(app, runner=TmfAppRunner)
        self.root = ""

    async def _handle(self, request: web.Request) -> web.Response:
        self.received.put((request.path, await request.json()))
        if self._held:
            self._loop = asyncio.get_running_loop()
            self._release = self._release or asyncio.Event()
            await asyncio.wait_for(self._release.wait(), TIMEOUT_S)
        return web.json_response({}, status=self.statuses.popleft() if self.statuses else 201)

    def start(self) -> Listener:
        self.root = f"http://127.0.0.1:{self._server.start()}"
        return self

    def stop(self) -> None:
        self.release()
        self._server.stop()

    def hold(self) -> None:
        self._held = True

    def release(self) -> None:
        self._held = False
        if self._loop is not None and self._release is not None:
            self._loop.call_soon_threadsafe(self._release.set)

    def next(self, timeout: float = TIMEOUT_S) -> tuple[str, Event]:
        """The next (path, envelope) received; queue.Empty after `timeout` seconds."""
        return self.received.get(timeout=timeout)

    def until(self, done: Callable[[Event], bool], timeout: float = TIMEOUT_S) -> list[Event]:
        """Envelopes received up to and including the first one `done` accepts, within one deadline."""
        deadline, seen = time.monotonic() + timeout, []
        while True:
            _, envelope = self.received.get(timeout=max(0.0, deadline - time.monotonic()))
            seen.append(envelope)
            if done(envelope):
                return seen

    def take(self, count: int) -> list[tuple[str, Event]]:
        return [self.next() for _ in range(count)]


@contextmanager
def listening(statuses: tuple[int, ...] = ()) -> Iterator[Listener]:
    listener = Listener(statuses).start()
    try:
        yield listener
    finally:
        listener.stop()


def subscribe(api: Api, listener: Listener, query: str | None = None, path: str = "/client") -> Event:
    body = {"callback": f"{listener.root}{path}", **({"query": query} if query is not None else {})}
    response = api.http.post(api.url("hub"), json=body, timeout=TIMEOUT_S)
    assert response.status_code == 201, response.text
    subscription: Event = response.json()
    return subscription


def is_state(event_type: str, state: str, resource_id: str | None = None) -> Callable[[Event], bool]:
    """Accepts the `event_type` envelope whose resource is in `state` (and has that id, if given)."""

    def accept(envelope: Event) -> bool:
        resource = next(iter(envelope["event"].values()))
        same_id = resource_id is None or resource.get("id") == resource_id
        return envelope["eventType"] == event_type and resource.get("state") == state and same_id

    return accept


def summary(envelope: Event) -> tuple[str, str, str | None]:
    """(eventType, resource state, fieldPath), after checking the envelope against its v4 schema."""
    assert list(validator_for(envelope["eventType"]).iter_errors(envelope)) == [], envelope
    resource = next(iter(envelope["event"].values()))
    return envelope["eventType"], resource["state"], envelope.get("fieldPath")
