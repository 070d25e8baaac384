"""Fixtures for the mock server's tests: the real app on a free loopback port, in a background loop."""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests
from mock_helpers import Api, ServerThread, StepClock
from pg_helpers import Cluster

from mock_server.app import create_app
from mock_server.config.settings import Settings
from mock_server.domain.events import EventSink, RecordingEventSink
from mock_server.keys import SETTINGS_KEY
from mock_server.store.base import Store

ApiFactory = Callable[..., Api]


#: Every test using `make_api`/`api` runs once per store: one interface, the same behaviour.
STORE_KINDS = ("memory", "sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL cluster for the whole session (skips, or fails in CI, without one)."""
    cluster = Cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[Callable[[], str]]:
    """`pg_url()` is the URL of a fresh schema of the session's cluster, dropped after the test."""
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    made: list[str] = []

    def fresh() -> str:
        made.append(cluster.new_schema())
        return cluster.url(made[-1])

    yield fresh
    for name in made:
        cluster.drop_schema(name)


@pytest.fixture(params=STORE_KINDS)
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


#: RAM-backed: the [sqlite] runs test behaviour, and each sync on a real disk costs milliseconds.
#: Durability on a real disk is test_durability.py's job (it uses tmp_path).
_RAM_DIR = Path("/dev/shm")


@pytest.fixture
def sqlite_dir(tmp_path: Path) -> Iterator[Path]:
    """Where the [sqlite] runs keep their files: RAM when the system has it, else `tmp_path`."""
    if not (_RAM_DIR.is_dir() and os.access(_RAM_DIR, os.W_OK)):
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(prefix="tmf622-mock-test-", dir=_RAM_DIR) as folder:
        yield Path(folder)


@pytest.fixture
def make_api(store_kind: str, sqlite_dir: Path, request: pytest.FixtureRequest) -> Iterator[ApiFactory]:
    """`make_api(max_body_bytes=2048, store=..., clock=...)` starts a mock with those settings.

    Without an explicit `store` (or `sqlite_path`), the [sqlite] run gives each mock a fresh file in
    `sqlite_dir`. Without an explicit `clock`, a StepClock, except in deterministic mode (its own clock).
    """
    started: list[tuple[ServerThread, requests.Session]] = []
    # Asked for now, so its schemas are dropped after these servers stopped (not under them).
    fresh_pg_url = request.getfixturevalue("pg_url") if store_kind == "postgresql" else None

    def start(
        *, store: Store | None = None, events: EventSink | None = None, clock: Any = None, **settings: Any
    ) -> Api:
        if store is None and store_kind == "sqlite":
            settings.setdefault("sqlite_path", str(sqlite_dir / f"mock-{len(started)}.sqlite3"))
        if fresh_pg_url is not None and settings.get("deterministic"):
            pytest.skip(
                "deterministic mode is refused with the PostgreSQL store (test_replicas.py checks that)"
            )
        if fresh_pg_url is not None and store is None and "sqlite_path" not in settings:
            settings.setdefault("store_url", fresh_pg_url())
        recorder = RecordingEventSink()
        sock = socket.create_server(("127.0.0.1", 0))  # bound first, as the CLI does: seed hrefs get its port
        chosen = replace(Settings(port=sock.getsockname()[1]), **settings)
        if clock is None and not chosen.deterministic:
            clock = StepClock()
        try:
            app = create_app(chosen, store=store, events=events or recorder, clock=clock)
        except BaseException:
            sock.close()
            raise
        server = ServerThread(app, sock)
        port = server.start()
        session = requests.Session()
        started.append((server, session))
        root = f"http://127.0.0.1:{port}"
        return Api(root, f"{root}{app[SETTINGS_KEY].base_path}", app, session, recorder, server)

    yield start
    for server, session in started:
        session.close()
        server.stop()


@pytest.fixture
def api(make_api: ApiFactory) -> Api:
    return make_api()
