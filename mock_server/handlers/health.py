"""Health check: `GET /health` and `GET {base}/health` say the mock is up, where it keeps data, how much
of each served version (`versions`; `orders` is v4's order count, as before), and how hub notifications
fare (queued and dropped events and bytes, each listener's circuit)."""

from __future__ import annotations

from aiohttp import web

from mock_server.http.responses import json_response
from mock_server.keys import NOTIFIER_KEY, SETTINGS_KEY, STORE_KEY
from mock_server.store.base import Collection, Store
from mock_server.store.memory import MemoryStore
from mock_server.store.optional import is_postgres
from mock_server.store.query import Query


def store_kind(store: Store) -> str:
    """The backends of the Store protocol: in memory, the SQLite file, or PostgreSQL."""
    if is_postgres(store):
        return "postgresql"
    return "memory" if isinstance(store, MemoryStore) else "sqlite"


#: version -> (resource name, store collection) of what it serves.
COLLECTIONS: dict[str, tuple[tuple[str, Collection], ...]] = {
    "v4": (("productOrder", "productOrder"), ("cancelProductOrder", "cancelProductOrder")),
    "v5": (("productOrder", "productOrderV5"), ("cancelProductOrder", "cancelProductOrderV5")),
}


async def counts(store: Store, served: dict[str, bool]) -> dict[str, dict[str, int]]:
    """Resources of each served version; a count is a zero-length page's total (no scan)."""
    return {
        version: {name: (await store.query(collection, Query(limit=0))).total for name, collection in kinds}
        for version, kinds in COLLECTIONS.items()
        if served[version]
    }


async def health(request: web.Request) -> web.Response:
    """Liveness for orchestrators and test fixtures."""
    store, settings = request.app[STORE_KEY], request.app[SETTINGS_KEY]
    versions = await counts(store, {"v4": settings.serve_v4, "v5": settings.serve_v5})
    orders = (await store.query("productOrder", Query(limit=0))).total
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
