"""Fixtures for the mock server's tests: the real app on a free loopback port, in a background loop."""

from __future__ import annotations

import asyncio
import inspect
import os
import socket
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests

from mock_server.app import api_base_paths, create_app
from mock_server.config.settings import Settings
from mock_server.domain.events import EventSink, RecordingEventSink
from mock_server.http.server import TmfAppRunner
from mock_server.keys import SETTINGS_KEY
from mock_server.store.base import Store
from tests.support.app_thread import ServerThread
from tests.support.mock.mock_helpers import Api, StepClock
from tests.support.mock.pg_helpers import Cluster

ApiFactory = Callable[..., Api]


@pytest.fixture
def aio() -> Iterator[asyncio.Runner]:
    """The test's event loop: an `async def` test runs in it, and fixtures open their stores in it
    (a PostgreSQL store's pool belongs to the loop it was opened in)."""
    with asyncio.Runner() as runner:
        yield runner


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every `async def` test gets the `aio` loop (as if it asked for it)."""
    for item in items:
        wanted = isinstance(item, pytest.Function) and inspect.iscoroutinefunction(item.obj)
        if wanted and "aio" not in item.fixturenames:
            item.fixturenames.append("aio")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """An `async def` test runs to its end in its `aio` loop; other tests as usual."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    pyfuncitem.funcargs["aio"].run(pyfuncitem.obj(**arguments))
    return True


#: Every test using `make_api`/`api` runs once per store: one interface, the same behaviour.
STORE_KINDS = ("memory", "sqlite", "postgresql")
#: ...except a test marked `store_independent`: what it checks is decided before any store is asked
#: (routing, the front door, the OpenAPI document, fault injection, the journal), so it runs once.
ONE_STORE = ("memory",)


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A `store_independent` test gets `store_kind` parametrized with ONE_STORE: given as a parametrize
    mark, it takes precedence over the fixture's params, as a module's own `store_kind` parametrize does."""
    wanted = "store_kind" in metafunc.fixturenames
    if wanted and metafunc.definition.get_closest_marker("store_independent") is not None:
        metafunc.definition.add_marker(pytest.mark.parametrize("store_kind", ONE_STORE))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL cluster for the whole session (skips, or fails in CI, without one),
    or the running one `TMF622_PG_CLUSTER` names (`make mutate`)."""
    cluster = Cluster.for_session()
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
        server = ServerThread(app, sock, runner=TmfAppRunner)
        port = server.start()
        session = requests.Session()
        started.append((server, session))
        root = f"http://127.0.0.1:{port}"
        return Api(root, f"{root}{api_base_paths(app[SETTINGS_KEY])[0]}", app, session, recorder, server)

    yield start
    for server, session in started:
        session.close()
        server.stop()


@pytest.fixture
def api(make_api: ApiFactory) -> Api:
    return make_api()
