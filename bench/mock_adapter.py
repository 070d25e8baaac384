"""The one module of the harness that knows mock_server's internals: app factory, store, order builder.

Everything here goes through the mock's own code (`create_app`, `new_product_order`, the store's
`add`), so seeded orders are stored exactly as a POST stores them, minus the HTTP round trip.
When a store backend does not exist yet, `backend_missing` says so and the harness marks it n/a.
"""

from __future__ import annotations

import dataclasses
import importlib
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from bench import orders

#: Where the SQLite database of a seeded run lives (one file per run, removed by the harness).
SQLITE_FIELDS = ("sqlite_path", "database", "db_path")


def _module(name: str) -> Any:
    return importlib.import_module(name)


def _first_module(*names: str) -> Any:
    """The first of `names` that imports: where the module sits in the revision being measured."""
    for name in names[:-1]:
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError:
            continue
    return importlib.import_module(names[-1])


def create_app_factory() -> Callable[[Any], web.Application]:
    """`create_app(settings)`, wherever the mock exports it."""
    package = _module("mock_server")
    factory = getattr(package, "create_app", None) or _module("mock_server.app").create_app
    return factory  # type: ignore[no-any-return]


def backend_missing(backend: str) -> str | None:
    """Why `backend` cannot be benchmarked, or None when it can.

    A Settings field is not enough: the app must really build a store of that kind.
    """
    try:
        factory = create_app_factory()
    except (ImportError, AttributeError) as exc:
        return f"mock_server app factory not importable: {exc}"
    if backend == "memory":
        return None
    settings_fields = {f.name for f in dataclasses.fields(_module("mock_server.config.settings").Settings)}
    if not settings_fields.intersection(SQLITE_FIELDS):
        return f"mock_server has no {backend} store yet (no Settings field among {SQLITE_FIELDS})"
    with tempfile.TemporaryDirectory(prefix="bench-probe-") as scratch:
        app = factory(settings(backend, "127.0.0.1", 0, Path(scratch) / "probe.db"))
        kind = store_kind(app)
    if kind and backend not in kind.lower():
        return f"mock_server builds a {kind} for {backend} settings: no {backend} store wired yet"
    return None


def store_kind(app: web.Application) -> str:
    """Class name of the app's store ('' while a startup hook has not created it yet)."""
    try:
        return type(app_store(app)).__name__
    except KeyError:
        return ""


def settings(backend: str, host: str, port: int, sqlite_file: Path) -> Any:
    """The mock's Settings for `backend`; SQLite gets a fresh database file."""
    settings_class = _module("mock_server.config.settings").Settings
    extra: dict[str, Any] = {}
    if backend == "sqlite":
        names = {f.name for f in dataclasses.fields(settings_class)}
        extra = {name: str(sqlite_file) for name in SQLITE_FIELDS if name in names}
        extra |= {"store": "sqlite"} if "store" in names else {}
    return settings_class(host=host, port=port, **extra)


def order_inserter(store: Any, base_url: str) -> Callable[[int], Awaitable[str]]:
    """`await insert(index) -> id`: build a CTK-shaped order with the mock's own rules and add it
    (the store's calls are coroutines; on SQLite each add waits for its commit)."""
    new_product_order = _first_module(
        "mock_server.versions.tmf622_v4.orders", "mock_server.domain.product_orders"
    ).new_product_order
    clock = _module("mock_server.domain.clock")

    async def insert(index: int) -> str:
        order_id = str(uuid.uuid4())
        order = new_product_order(
            orders.create_body(index),
            order_id=order_id,
            href=f"{base_url}/productOrder/{order_id}",
            order_date=clock.timestamp(clock.utc_now()),
        )
        await store.add("productOrder", order)
        return order_id

    return insert


def app_store(app: web.Application) -> Any:
    """The store behind the app's typed key."""
    return app[_module("mock_server.keys").STORE_KEY]


def memory_store() -> Any:
    """A bare in-memory store, for the tracemalloc measurement."""
    app = _module("mock_server.app")
    catalogue = app.full_catalogue() if hasattr(app, "full_catalogue") else None  # the app's indexes
    store_class = _module("mock_server.store.memory").MemoryStore
    return store_class() if catalogue is None else store_class(catalogue)


def base_path(settings: Any) -> str:
    """Where the default API is served: a field of older revisions' Settings, the plug-ins' say since."""
    if hasattr(settings, "base_path"):
        return str(settings.base_path)
    return str(_module("mock_server.__main__").announced_base_path(settings))
