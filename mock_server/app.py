"""The application factory: the one place that wires settings, store, events and routes together."""

from __future__ import annotations

import uuid

from aiohttp import web
from aiohttp.typedefs import Middleware

from mock_server.errors import error_middleware
from mock_server.events import EventSink, NullEventSink
from mock_server.keys import CLOCK, EVENTS, NEW_ID, SETTINGS, STORE
from mock_server.resources import utc_now
from mock_server.routes import add_routes
from mock_server.settings import Settings
from mock_server.store import MemoryStore, Store


def new_id() -> str:
    return str(uuid.uuid4())


def middlewares(settings: Settings) -> list[Middleware]:
    """Outermost first. The error middleware stays first so nothing added later escapes it."""
    del settings  # fault injection and friends will read their options from here
    return [error_middleware]


def create_app(
    settings: Settings, *, store: Store | None = None, events: EventSink | None = None
) -> web.Application:
    """A ready-to-run app; `store` and `events` default to in-memory and no-op."""
    app = web.Application(client_max_size=settings.max_body_bytes, middlewares=middlewares(settings))
    app[SETTINGS] = settings
    app[STORE] = store if store is not None else MemoryStore()
    app[EVENTS] = events if events is not None else NullEventSink()
    app[CLOCK] = utc_now
    app[NEW_ID] = new_id
    add_routes(app, settings.base_path)
    return app
