"""What an API version plug-in declares, and the events channel the core opens for each one.

The core (store with outbox, hub and notifier, optimistic concurrency through `store.base.rewrite`,
the PATCH budget, journal, faults, auth, background steps) is the same for every API it serves. A plug-in
under `mock_server/versions/<api>_<version>/` declares only what differs: its routes (handlers
built on the core's), its collections (their events reach its own notifier through the outbox), its
event envelopes, its seed section, its OpenAPI document's data and where it is served.
`app.create_app` asks the registry (`mock_server.versions.VERSIONS`) for the served ones; nothing of
the core imports a plug-in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from aiohttp.typedefs import Handler

from mock_server.config.options import Option
from mock_server.config.settings import Settings, VersionSwitch
from mock_server.domain.clock import Clock, IdSource
from mock_server.domain.events import EventSink
from mock_server.domain.seed import Seed
from mock_server.notify.envelopes import Envelopes
from mock_server.notify.hub import HubRegistry
from mock_server.notify.notifier import Notifier
from mock_server.openapi.source import OpenApiSource
from mock_server.store.base import Catalogue, Collection

Row = tuple[str, str, Handler]


class ApiVersion(Protocol):
    """One API version served beside the others (see the module docstring)."""

    #: Unique; also names its hub in a shared database (the subscription table's `channel`).
    name: str
    #: Its short name: its key in `/health`'s `versions`, its name on the landing page.
    label: str
    #: `/_mock/<control_name>/deliveries` lists its notifier's delivery log (`/_mock/deliveries`: "").
    control_name: str
    #: Its collections (kept apart from every other API's) and what each indexes.
    catalogue: Catalogue
    #: The seed files' key it reads ("": the files' top level, less the other versions' keys).
    seed_section: str
    #: What `/health` counts of it: resource name -> its collection.
    resources: Mapping[str, Collection]
    #: What its OpenAPI document states (the core builds and serves it under its base path, lists it
    #: at `/openapi.json` and on the landing page, and /docs shows it).
    openapi: OpenApiSource
    #: Its switch as options (`config.options.version_rows`): served or not, and its base path.
    options: tuple[Option, ...]

    @property
    def collections(self) -> tuple[Collection, ...]:
        """Its catalogue's collections: the outbox routes their events to its notifier."""
        ...

    def switch(self, settings: Settings) -> VersionSwitch:
        """Its entry of `settings.versions`, or its options' defaults when it has none."""
        ...

    def base_path(self, settings: Settings) -> str | None:
        """Where it is served, or None when it is switched off."""
        ...

    def check(self, settings: Settings) -> None:
        """Raise ValueError for a setting it cannot serve with (read at start: a progression file)."""
        ...

    def event_factory(self, new_id: IdSource, clock: Clock) -> Envelopes:
        """Builds its envelopes (the core delivers them)."""
        ...

    def routes(self, base_path: str) -> list[Row]:
        """Every (method, path, handler) it answers."""
        ...

    def load_seed(self, paths: Sequence[str], sections: frozenset[str]) -> Seed:
        """Its seed section of every file, checked (SeedError before anything listens); `sections`
        are every registered version's keys."""
        ...


class DeclaredVersion:
    """What follows from a plug-in's declarations, written once: its collections are its catalogue's,
    and it is served at its switch's base path unless switched off."""

    catalogue: Catalogue

    @property
    def collections(self) -> tuple[Collection, ...]:
        return tuple(self.catalogue)

    def switch(self, settings: Settings) -> VersionSwitch:
        raise NotImplementedError

    def base_path(self, settings: Settings) -> str | None:
        chosen = self.switch(settings)
        return chosen.base_path if chosen.served else None


@dataclass(frozen=True, slots=True)
class Channel:
    """One API's events: its hub, its notifier and the sink its handlers publish each change's
    events to once the store has them (on PostgreSQL the outbox feeds the notifier instead)."""

    name: str
    hub: HubRegistry
    notifier: Notifier
    events: EventSink
