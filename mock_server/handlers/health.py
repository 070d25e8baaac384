"""Health check: `GET /health` and `GET {base}/health` say the mock is up, where it keeps data, how much,
and how hub notifications fare (queued and dropped events and bytes, each listener's circuit)."""

from __future__ import annotations

from aiohttp import web

from mock_server.http.responses import json_response
from mock_server.keys import NOTIFIER_KEY, STORE_KEY
from mock_server.store.base import Store
from mock_server.store.memory import MemoryStore
from mock_server.store.optional import is_postgres
from mock_server.store.query import Query


def store_kind(store: Store) -> str:
    """The backends of the Store protocol: in memory, the SQLite file, or PostgreSQL."""
    if is_postgres(store):
        return "postgresql"
    return "memory" if isinstance(store, MemoryStore) else "sqlite"


async def health(request: web.Request) -> web.Response:
    """Liveness for orchestrators and test fixtures; the count is a zero-length page's total."""
    store = request.app[STORE_KEY]
    orders = (await store.query("productOrder", Query(limit=0))).total
    notifications = request.app[NOTIFIER_KEY].stats()
    return json_response(
        {"status": "ok", "store": store_kind(store), "orders": orders, "notifications": notifications}
    )
