"""The application factory: the one place that wires settings, store, clock, events and routes together.

`create_app` reads top to bottom in dependency order: settings and the store; the clock and the id
source (deterministic mode decides them); then everything that reads them (hub, notifier,
server-driven steps, seed); then the routes. What needs the running event loop happens when the app
starts, in the same order (`app.cleanup_ctx`): the PostgreSQL store connects, the notifier and the
outbox pump start, then the seed fills an empty store (and deterministic ids skip what it holds).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from aiohttp import web

from mock_server.config.settings import Settings
from mock_server.domain.clock import Clock, IdSource, new_uuid, utc_now
from mock_server.domain.determinism import Determinism
from mock_server.domain.events import EventSink, FanOutSink, GuardedSink, NullEventSink
from mock_server.domain.progression import Lifecycle, scenario_for
from mock_server.domain.seed import is_empty, load_seed
from mock_server.domain.transitions import Transitions
from mock_server.faults.injector import fault_injector
from mock_server.handlers.control import apply_seed
from mock_server.http.front_door import front_door
from mock_server.journal.entries import RequestJournal
from mock_server.keys import (
    CLOCK_KEY,
    DETERMINISM_KEY,
    EVENTS_KEY,
    FAULTS_KEY,
    HUB_KEY,
    JOURNAL_KEY,
    LIFECYCLE_KEY,
    NEW_ID_KEY,
    NOTIFIER_KEY,
    SEED_KEY,
    SETTINGS_KEY,
    STORE_KEY,
    V5_SEED_KEY,
)
from mock_server.notify.envelopes import EventFactory
from mock_server.notify.hub import HubRegistry, HubRules
from mock_server.notify.notifier import Notifier
from mock_server.notify.settings import NotifierSettings
from mock_server.routes import add_routes
from mock_server.store.base import Store
from mock_server.store.memory import MemoryStore
from mock_server.store.optional import is_postgres, postgres_store
from mock_server.store.sqlite import SqliteStore
from mock_server.v5.seed import load_v5_seed
from mock_server.v5.setup import install_v5_events

if TYPE_CHECKING:
    from mock_server.notify.shared import OutboxPump


def default_store(app: web.Application, settings: Settings) -> Store:
    """In memory, the SQLite file `settings.sqlite_path` (opened now, closed with the app) or the
    PostgreSQL database `settings.store_url` (connected when the app starts, closed with it)."""
    if settings.store_url is not None:
        shared = postgres_store(settings.store_url)
        app.cleanup_ctx.append(shared.lifetime)
        return shared
    if settings.sqlite_path is None:
        return MemoryStore()
    kept = SqliteStore(str(settings.sqlite_path))

    async def close(_: web.Application) -> None:
        kept.close()

    app.on_cleanup.append(close)
    return kept


def install_time_and_ids(app: web.Application, clock: Clock | None) -> tuple[Clock, IdSource]:
    """Deterministic mode: counter ids and a stepping clock; else uuids and the real clock.
    An explicit `clock` (tests) wins over either.
    """
    settings, new_id = app[SETTINGS_KEY], new_uuid
    chosen: Clock = utc_now
    if settings.deterministic:
        determinism = Determinism(settings.clock_start)
        app[DETERMINISM_KEY] = determinism
        chosen, new_id = determinism.clock, determinism.ids
    app[CLOCK_KEY] = clock or chosen
    app[NEW_ID_KEY] = new_id
    return app[CLOCK_KEY], new_id


def install_events(app: web.Application, clock: Clock, new_id: IdSource, observer: EventSink | None) -> None:
    """The hub and its notifier (worker started and stopped with the app); `observer` sees every event too.
    Replicas on PostgreSQL share the hub, and each change's events reach the notifier through the
    outbox (the store writes them with the change; the pump takes them), not directly."""
    store, settings = app[STORE_KEY], NotifierSettings.of(app[SETTINGS_KEY])
    events, rules = EventFactory(new_id=new_id, clock=clock), HubRules.of(app[SETTINGS_KEY])
    hub: HubRegistry
    pump: OutboxPump | None = None
    if is_postgres(store):
        from mock_server.notify.shared import OutboxPump, SharedHub  # noqa: PLC0415 - psycopg only when used

        shared = SharedHub(store, new_id=new_id, rules=rules)
        notifier = Notifier(shared, settings, events=events)
        hub, pump = shared, OutboxPump(store.conninfo, shared, notifier)
    else:
        hub = HubRegistry(new_id=new_id, rules=rules)
        notifier = Notifier(hub, settings, events=events)
    app[HUB_KEY], app[NOTIFIER_KEY] = hub, notifier
    app.cleanup_ctx.append(notifier.lifetime)
    if pump is not None:
        app.cleanup_ctx.append(pump.lifetime)
    sink: EventSink = notifier if pump is None else NullEventSink()
    sink = sink if observer is None else FanOutSink(sink, observer)
    app[EVENTS_KEY] = GuardedSink(sink)  # a failing publish never fails the request that made the change


def install_lifecycle(app: web.Application, clock: Clock) -> None:
    """Server-driven steps; ValueError for a bad progression file."""
    settings = app[SETTINGS_KEY]
    steps = Transitions(app[STORE_KEY], app[EVENTS_KEY], clock)
    app[LIFECYCLE_KEY] = Lifecycle(steps, scenario_for(settings), settings.progress_delay_s)
    app.cleanup_ctx.append(app[LIFECYCLE_KEY].lifetime)


def install_seed(app: web.Application) -> None:
    """Read the seed files (SeedError before anything listens); they fill an empty store at start."""
    app[SEED_KEY] = load_seed(app[SETTINGS_KEY].seed_files)
    if app[SETTINGS_KEY].serve_v5:
        app[V5_SEED_KEY] = load_v5_seed(app[SETTINGS_KEY].seed_files)
    app.cleanup_ctx.append(fill_store)


async def fill_store(app: web.Application) -> AsyncIterator[None]:
    """An `app.cleanup_ctx` entry: the seed into an empty store (replicas starting together: the
    first seeds, the others find it done), then deterministic ids skip every id the store holds."""
    store = app[STORE_KEY]
    if app[SEED_KEY].entries or (V5_SEED_KEY in app and app[V5_SEED_KEY].entries):
        async with store.bulk():
            if await is_empty(store):
                await apply_seed(app)
    if DETERMINISM_KEY in app:
        await app[DETERMINISM_KEY].skip_held(store)
    yield


def create_app(
    settings: Settings,
    *,
    store: Store | None = None,
    events: EventSink | None = None,
    clock: Clock | None = None,
) -> web.Application:
    """A ready-to-run app. `store` defaults to the one `settings` name; `events`, if given, sees every
    event too; `clock`, if given, replaces the server's clock (tests).
    """
    secrets = (settings.api_token, settings.api_key, settings.control_token)  # masked wherever they show
    journal = RequestJournal(settings.journal_size, settings.api_key_header, secrets)
    faults = fault_injector(settings)
    door = front_door(settings, journal, faults)  # journal, CORS, checks, TMF errors: see http.front_door
    app = web.Application(client_max_size=settings.max_body_bytes, middlewares=[door])
    app[SETTINGS_KEY], app[JOURNAL_KEY] = settings, journal
    if faults is not None:
        app[FAULTS_KEY] = faults
    app[STORE_KEY] = store if store is not None else default_store(app, settings)
    clock, new_id = install_time_and_ids(app, clock)
    install_events(app, clock, new_id, events)
    if settings.serve_v5:
        install_v5_events(app, clock, new_id)
    install_lifecycle(app, clock)
    install_seed(app)
    v5_base_path = settings.v5_base_path if settings.serve_v5 else None
    add_routes(app, settings.base_path, serve_v4=settings.serve_v4, v5_base_path=v5_base_path)
    return app
