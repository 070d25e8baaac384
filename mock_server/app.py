"""The application factory: the one place that wires settings, store, clock, events and routes together.

`create_app` reads top to bottom in dependency order: settings, the catalogue of collections (every
registered API version plug-in's) and the store; the clock and the id source
(deterministic mode decides them); then everything that reads them (one events channel per API:
hub and notifier; server-driven steps; seed); then the routes, each served plug-in's included.
This module and `__main__` are the only ones that import the plug-ins (`mock_server.versions`).
What needs the running event loop happens when the app starts, in the same order
(`app.cleanup_ctx`): the PostgreSQL store connects, the notifiers and the outbox pump start, then
the seed fills an empty store (and deterministic ids skip what it holds).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from aiohttp import web

from mock_server.config.settings import Settings
from mock_server.domain.clock import Clock, IdSource, new_uuid, utc_now
from mock_server.domain.determinism import Determinism
from mock_server.domain.events import EventSink, FanOutSink, GuardedSink, NullEventSink
from mock_server.domain.progression import Lifecycle, is_paced
from mock_server.domain.seed import is_empty
from mock_server.faults.injector import fault_injector
from mock_server.handlers.control import apply_seed
from mock_server.http.front_door import front_door
from mock_server.journal.entries import RequestJournal
from mock_server.keys import (
    CATALOGUE_KEY,
    CHANNELS_KEY,
    CLOCK_KEY,
    DEFAULT_VERSION_KEY,
    DETERMINISM_KEY,
    EVENTS_KEY,
    FAULTS_KEY,
    HUB_KEY,
    JOURNAL_KEY,
    LIFECYCLE_KEY,
    NEW_ID_KEY,
    NOTIFIER_KEY,
    PUMP_KEY,
    SETTINGS_KEY,
    STORE_KEY,
    VERSION_SEEDS_KEY,
    VERSIONS_KEY,
)
from mock_server.notify.envelopes import Envelopes
from mock_server.notify.hub import HubRegistry, HubRules
from mock_server.notify.notifier import Notifier
from mock_server.notify.settings import NotifierSettings
from mock_server.plugin import ApiVersion, Channel
from mock_server.routes import add_routes
from mock_server.store.base import Catalogue, Collection, Store
from mock_server.store.memory import MemoryStore
from mock_server.store.optional import is_postgres, postgres_store
from mock_server.store.sqlite import SqliteStore
from mock_server.versions import VERSIONS


def full_catalogue() -> Catalogue:
    """Every registered plug-in's collections (served or not: replicas started with other switches
    index the shared tables alike)."""
    return {name: kept for version in VERSIONS for name, kept in version.catalogue.items()}


def default_store(app: web.Application, settings: Settings) -> Store:
    """In memory, the SQLite file `settings.sqlite_path` (opened now, closed with the app) or the
    PostgreSQL database `settings.store_url` (connected when the app starts, closed with it)."""
    catalogue = app[CATALOGUE_KEY]
    if settings.store_url is not None:
        shared = postgres_store(settings.store_url, catalogue)
        app.cleanup_ctx.append(shared.lifetime)
        return shared
    if settings.sqlite_path is None:
        return MemoryStore(catalogue)
    kept = SqliteStore(str(settings.sqlite_path), catalogue)

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


def open_channel(
    app: web.Application,
    name: str,
    factory: Envelopes,
    collections: Sequence[Collection],
    observer: EventSink | None,
) -> Channel:
    """The hub and notifier of one API (the notifier runs with the app); `observer` sees every event.
    Replicas on PostgreSQL share the hub, and each change's events reach the notifier through the
    outbox (the store writes them with the change; the pump takes them to the channel of their
    collection), not directly."""
    store, settings = app[STORE_KEY], NotifierSettings.of(app[SETTINGS_KEY])
    rules = HubRules.of(app[SETTINGS_KEY])
    hub: HubRegistry
    sink: EventSink
    if is_postgres(store):
        from mock_server.notify.shared import OutboxPump, SharedHub  # noqa: PLC0415 - psycopg only when used

        shared = SharedHub(store, new_id=factory.new_id, rules=rules, channel=name)
        notifier = Notifier(shared, settings, events=factory)
        if PUMP_KEY not in app:
            app[PUMP_KEY] = OutboxPump(store.conninfo)
        app[PUMP_KEY].route(collections, shared, notifier)
        hub, sink = shared, NullEventSink()
    else:
        hub = HubRegistry(new_id=factory.new_id, rules=rules)
        notifier = Notifier(hub, settings, events=factory)
        sink = notifier
    app.cleanup_ctx.append(notifier.lifetime)
    sink = sink if observer is None else FanOutSink(sink, observer)
    channel = Channel(name, hub, notifier, GuardedSink(sink))  # a failing publish never fails the request
    app.setdefault(CHANNELS_KEY, {})[name] = channel
    return channel


def install_events(app: web.Application, clock: Clock, new_id: IdSource, observer: EventSink | None) -> None:
    """The channel of each served plug-in, and always the default API's (the first registered: its
    keys and `/health` report it); the outbox pump starts after the notifiers it feeds. Replicas
    share one hub and one outbox, so on PostgreSQL every registered plug-in gets its channel, served
    here or not: the replica that takes an event delivers it to that version's listeners, never to
    another's."""
    served = {version.name for version, _ in served_versions(app[SETTINGS_KEY])}
    default = app[DEFAULT_VERSION_KEY] = VERSIONS[0]
    postgres = is_postgres(app[STORE_KEY])
    for version in VERSIONS:
        if postgres or version is default or version.name in served:
            factory = version.event_factory(new_id, clock)
            open_channel(app, version.name, factory, version.collections, observer)
    channel = app[CHANNELS_KEY][default.name]
    app[HUB_KEY], app[NOTIFIER_KEY], app[EVENTS_KEY] = channel.hub, channel.notifier, channel.events
    if PUMP_KEY in app:
        app.cleanup_ctx.append(app[PUMP_KEY].lifetime)


def api_base_paths(settings: Settings) -> tuple[str, ...]:
    """Every registered plug-in's base path, served or not, the default API's (the first) first: the
    core's controls, journal, faults and open paths are placed by them."""
    return tuple(version.switch(settings).base_path for version in VERSIONS)


def served_versions(settings: Settings) -> list[tuple[ApiVersion, str]]:
    """The registered plug-ins switched on, with where each is served."""
    found = ((version, version.base_path(settings)) for version in VERSIONS)
    return [(version, base_path) for version, base_path in found if base_path is not None]


def install_lifecycle(app: web.Application) -> None:
    """Server-driven steps; each served version checks its settings (ValueError: a bad progression file)."""
    settings = app[SETTINGS_KEY]
    for version, _ in served_versions(settings):
        version.check(settings)
    app[LIFECYCLE_KEY] = Lifecycle(is_paced(settings), settings.progress_delay_s)
    app.cleanup_ctx.append(app[LIFECYCLE_KEY].lifetime)


def install_seed(app: web.Application) -> None:
    """Read the seed files (SeedError before anything listens); they fill an empty store at start."""
    settings = app[SETTINGS_KEY]
    sections = frozenset(version.seed_section for version in VERSIONS)
    seeds = [
        (path, version.load_seed(settings.seed_files, sections))
        for version, path in served_versions(settings)
    ]
    app[VERSION_SEEDS_KEY] = seeds
    app.cleanup_ctx.append(fill_store)


async def fill_store(app: web.Application) -> AsyncIterator[None]:
    """An `app.cleanup_ctx` entry: the seed into an empty store (replicas starting together: the
    first seeds, the others find it done), then deterministic ids skip every id the store holds."""
    store = app[STORE_KEY]
    catalogue: Catalogue = app[CATALOGUE_KEY]
    if any(seed.entries for _, seed in app[VERSION_SEEDS_KEY]):
        async with store.bulk():
            if await is_empty(store, catalogue):
                await apply_seed(app)
    if DETERMINISM_KEY in app:
        await app[DETERMINISM_KEY].skip_held(store, catalogue)
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
    base_paths = api_base_paths(settings)
    faults = fault_injector(settings, base_paths[0])
    door = front_door(
        settings, journal, faults, base_paths
    )  # journal, CORS, checks, TMF errors: see http.front_door
    app = web.Application(client_max_size=settings.max_body_bytes, middlewares=[door])
    app[SETTINGS_KEY], app[JOURNAL_KEY] = settings, journal
    if faults is not None:
        app[FAULTS_KEY] = faults
    app[CATALOGUE_KEY] = full_catalogue()
    app[STORE_KEY] = store if store is not None else default_store(app, settings)
    clock, new_id = install_time_and_ids(app, clock)
    install_events(app, clock, new_id, events)
    install_lifecycle(app)
    install_seed(app)
    versions = served_versions(settings)
    app[VERSIONS_KEY] = versions
    add_routes(app, versions)
    return app
