"""Typed application keys: every app-wide object, one `<NAME>_KEY` each, all set by `create_app`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from mock_server.config.settings import Settings
from mock_server.domain.clock import Clock, IdSource
from mock_server.domain.determinism import Determinism
from mock_server.domain.events import EventSink
from mock_server.domain.progression import Lifecycle
from mock_server.domain.seed import Seed
from mock_server.faults.injector import FaultInjector
from mock_server.journal.entries import RequestJournal
from mock_server.notify.hub import HubRegistry
from mock_server.notify.notifier import Notifier
from mock_server.plugin import ApiVersion, Channel
from mock_server.store.base import Catalogue, Store

if TYPE_CHECKING:
    from mock_server.notify.shared import OutboxPump  # psycopg: imported only by a PostgreSQL store

SETTINGS_KEY = web.AppKey("settings", Settings)
STORE_KEY = web.AppKey[Store]("store")
#: Every collection the store keeps (every registered plug-in's) and its indexes.
CATALOGUE_KEY = web.AppKey[Catalogue]("catalogue")
#: Injected so a deterministic mode (and tests) can fix time and ids.
CLOCK_KEY = web.AppKey[Clock]("clock")
NEW_ID_KEY = web.AppKey[IdSource]("new_id")
#: The default API (the first registered version): its channel is always open, `/health` reports
#: its notifier and counts its first resource, the three keys below are its channel's.
DEFAULT_VERSION_KEY = web.AppKey[ApiVersion]("default_version")
#: Its events go here: the notifier, plus an observer `create_app` was given.
EVENTS_KEY = web.AppKey[EventSink]("events")
HUB_KEY = web.AppKey("hub", HubRegistry)
NOTIFIER_KEY = web.AppKey("notifier", Notifier)
#: Background steps (progressions, paced cancellations).
LIFECYCLE_KEY = web.AppKey("lifecycle", Lifecycle)
#: Present only in deterministic mode.
DETERMINISM_KEY = web.AppKey("determinism", Determinism)
#: What clients sent (`GET /_mock/requests`); empty and never filled with `--journal-size 0`.
JOURNAL_KEY = web.AppKey("journal", RequestJournal)
#: Present only with fault injection on (reset restarts the rules' `times` counts).
FAULTS_KEY = web.AppKey("faults", FaultInjector)
#: Every open events channel by its version's name.
CHANNELS_KEY = web.AppKey[dict[str, Channel]]("channels")
#: PostgreSQL only: takes the outbox's events to the channel of their collection.
PUMP_KEY: web.AppKey[OutboxPump] = web.AppKey("pump")
#: The API version plug-ins served, each with its base path.
VERSIONS_KEY = web.AppKey[list[tuple[ApiVersion, str]]]("versions")
#: Each served plug-in's seed, with the base path its hrefs go under.
VERSION_SEEDS_KEY = web.AppKey[list[tuple[str, Seed]]]("version_seeds")
