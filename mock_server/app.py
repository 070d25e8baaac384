"""The application factory: the one place that wires settings, store, events and routes together."""

from __future__ import annotations

import uuid

from aiohttp import web
from aiohttp.typedefs import Middleware

from mock_server.config.settings import Settings
from mock_server.domain.determinism import install_determinism
from mock_server.domain.progression import setup_progression
from mock_server.domain.resources import utc_now
from mock_server.faults.middleware import fault_middleware
from mock_server.handlers.control import add_control_routes, install_seed
from mock_server.handlers.health import add_health_routes
from mock_server.http.errors import error_middleware
from mock_server.keys import CLOCK, EVENTS, NEW_ID, SETTINGS, STORE
from mock_server.notify.events import EventSink, FanOutSink
from mock_server.notify.notifier import setup_notifications
from mock_server.openapi.document import add_openapi_routes
from mock_server.routes import add_routes
from mock_server.store.base import Store
from mock_server.store.memory import MemoryStore
from mock_server.store.sqlite import SqliteStore


def new_id() -> str:
    return str(uuid.uuid4())


def default_store(app: web.Application, settings: Settings) -> Store:
    """In memory, or the SQLite file `settings.sqlite_path` (closed with the app)."""
    if settings.sqlite_path is None:
        return MemoryStore()
    sqlite = SqliteStore(settings.sqlite_path)

    async def close(_: web.Application) -> None:
        sqlite.close()

    app.on_cleanup.append(close)
    return sqlite


def middlewares(settings: Settings) -> list[Middleware]:
    """Outermost first. The error middleware stays first so nothing added later escapes it:
    a forced fault status becomes a TMF Error like any other (faults: off by default, None then).
    """
    faults = fault_middleware(settings)
    return [error_middleware] if faults is None else [error_middleware, faults]


def create_app(
    settings: Settings, *, store: Store | None = None, events: EventSink | None = None
) -> web.Application:
    """A ready-to-run app; `store` defaults to in-memory; `events`, if given, sees every event too."""
    app = web.Application(client_max_size=settings.max_body_bytes, middlewares=middlewares(settings))
    app[SETTINGS] = settings
    app[STORE] = store if store is not None else default_store(app, settings)
    notifier = setup_notifications(app, settings)  # hub routes, delivery log, worker lifetime
    app[EVENTS] = notifier if events is None else FanOutSink(notifier, events)  # `events` observes too
    setup_progression(app, settings)  # background lifecycles; ValueError for a bad progression file
    app[CLOCK] = utc_now
    app[NEW_ID] = new_id
    if settings.deterministic:
        install_determinism(app, settings)
    add_routes(app, settings.base_path)
    add_health_routes(app, settings.base_path)
    add_openapi_routes(app, settings.base_path)  # describes the router as it is at the first request
    add_control_routes(app)
    install_seed(app, settings)
    return app
