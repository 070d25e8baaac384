"""TMF622 v4.0.0 as a plug-in of the mock: what it declares to the core (see `mock_server.plugin`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from mock_server.config.options import Option
from mock_server.config.settings import Settings, VersionSwitch
from mock_server.domain.clock import Clock, IdSource
from mock_server.domain.seed import Seed
from mock_server.notify.envelopes import Envelopes
from mock_server.openapi.source import OpenApiSource
from mock_server.plugin import DeclaredVersion, Row
from mock_server.store.base import Catalogue, Collection, Indexed
from mock_server.versions.tmf622_common.envelopes import EventFactory
from mock_server.versions.tmf622_common.scenario import scenario_for
from mock_server.versions.tmf622_v4.openapi import V4
from mock_server.versions.tmf622_v4.resources import CANCEL_PRODUCT_ORDER, NAME, PRODUCT_ORDER
from mock_server.versions.tmf622_v4.routes import v4_routes
from mock_server.versions.tmf622_v4.seed import load_seed
from mock_server.versions.tmf622_v4.switch import LABEL, OPTIONS, switch


class Tmf622V4(DeclaredVersion):
    """Served under `--base-path` unless `--no-serve-v4`; the first registered version, so the ready
    line names its base path while it is served."""

    name = NAME
    label = LABEL
    control_name = ""  # GET /_mock/deliveries, as before the versions were plug-ins
    # The lookups the CTK and clients use most.
    catalogue: Catalogue = MappingProxyType(
        {
            PRODUCT_ORDER.collection: Indexed(
                (("id",), ("state",), ("relatedParty", "id"), ("externalId",)), (("orderDate",),)
            ),
            CANCEL_PRODUCT_ORDER.collection: Indexed(
                (("id",), ("state",), ("productOrder", "id")), (("requestedCancellationDate",),)
            ),
        }
    )
    seed_section = ""  # the seed files' top level: `[order, ...]` or `{productOrder: [...], ...}`
    resources: Mapping[str, Collection] = MappingProxyType(
        {
            PRODUCT_ORDER.collection: PRODUCT_ORDER.collection,
            CANCEL_PRODUCT_ORDER.collection: CANCEL_PRODUCT_ORDER.collection,
        }
    )
    options: tuple[Option, ...] = OPTIONS
    openapi: OpenApiSource = V4

    def switch(self, settings: Settings) -> VersionSwitch:
        return switch(settings)

    def check(self, settings: Settings) -> None:
        scenario_for(settings)  # ValueError for a bad progression file, before anything listens

    def event_factory(self, new_id: IdSource, clock: Clock) -> Envelopes:
        return EventFactory(new_id=new_id, clock=clock)

    def routes(self, base_path: str) -> list[Row]:
        return v4_routes(base_path)

    def load_seed(self, paths: Sequence[str], sections: frozenset[str]) -> Seed:
        return load_seed(paths, plugin_sections=sections - {self.seed_section})


VERSION = Tmf622V4()
