"""Health check: `GET /health` (and a version's `GET {base}/health`) says the mock is up, where it keeps
data, how much of each served version (`versions`: each plug-in's `resources`; `orders` counts the
first registered version's first resource, as before the versions were plug-ins), and how hub
notifications of the default API fare (queued and dropped events and bytes, each listener's circuit)."""

from __future__ import annotations

from collections.abc import Sequence

from aiohttp import web

from mock_server.http.responses import json_response
from mock_server.keys import DEFAULT_VERSION_KEY, NOTIFIER_KEY, STORE_KEY, VERSIONS_KEY
from mock_server.plugin import ApiVersion
from mock_server.store.base import Store
from mock_server.store.memory import MemoryStore
from mock_server.store.optional import is_postgres
from mock_server.store.query import Query


def store_kind(store: Store) -> str:
    """The backends of the Store protocol: in memory, the SQLite file, or PostgreSQL."""
    if is_postgres(store):
        return "postgresql"
    return "memory" if isinstance(store, MemoryStore) else "sqlite"


async def counts(store: Store, versions: Sequence[ApiVersion]) -> dict[str, dict[str, int]]:
    """Resources of each version, as it names them; a count is a zero-length page's total (no scan)."""
    return {
        version.label: {
            name: (await store.query(collection, Query(limit=0))).total
            for name, collection in version.resources.items()
        }
        for version in versions
    }


async def health(request: web.Request) -> web.Response:
    """Liveness for orchestrators and test fixtures."""
    store, served = request.app[STORE_KEY], [version for version, _ in request.app[VERSIONS_KEY]]
    versions = await counts(store, served)
    first = request.app[DEFAULT_VERSION_KEY]  # `orders`: its first resource, served or not
    orders = (await store.query(next(iter(first.resources.values())), Query(limit=0))).total
    notifications = request.app[NOTIFIER_KEY].stats()
    return json_response(
        {
            "status": "ok",
            "store": store_kind(store),
            "orders": orders,
            "versions": versions,
            "notifications": notifications,
        }
    )
