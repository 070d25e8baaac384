"""Fixtures for the mock server's tests: the real app on a free loopback port, in a background loop."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
import requests
from mock_helpers import Api, ServerThread, StepClock

from mock_server.app import create_app
from mock_server.events import EventSink, RecordingEventSink
from mock_server.keys import CLOCK, SETTINGS
from mock_server.settings import Settings
from mock_server.store import MemoryStore, Store

ApiFactory = Callable[..., Api]


@pytest.fixture
def make_api() -> Iterator[ApiFactory]:
    """`make_api(max_body_bytes=2048, store=..., clock=...)` starts a mock with those settings."""
    started: list[tuple[ServerThread, requests.Session]] = []

    def start(
        *, store: Store | None = None, events: EventSink | None = None, clock: Any = None, **settings: Any
    ) -> Api:
        recorder = RecordingEventSink()
        app = create_app(
            replace(Settings(), **settings), store=store or MemoryStore(), events=events or recorder
        )
        app[CLOCK] = clock or StepClock()
        server = ServerThread(app)
        port = server.start()
        session = requests.Session()
        started.append((server, session))
        root = f"http://127.0.0.1:{port}"
        return Api(root, f"{root}{app[SETTINGS].base_path}", app, session, recorder)

    yield start
    for server, session in started:
        session.close()
        server.stop()


@pytest.fixture
def api(make_api: ApiFactory) -> Api:
    return make_api()
