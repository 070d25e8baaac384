"""TMF622 v5.0.0 as a plug-in of the mock: what it declares to the core (see `mock_server.plugin`)."""

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
from mock_server.versions.tmf622_common.scenario import scenario_for
from mock_server.versions.tmf622_v5.envelopes import V5EventFactory
from mock_server.versions.tmf622_v5.openapi import V5
from mock_server.versions.tmf622_v5.resources import CANCEL_PRODUCT_ORDER, NAME, PRODUCT_ORDER
from mock_server.versions.tmf622_v5.routes import v5_routes
from mock_server.versions.tmf622_v5.seed import SECTION, load_v5_seed
from mock_server.versions.tmf622_v5.switch import LABEL, OPTIONS, switch


class Tmf622V5(DeclaredVersion):
    """Served under `--v5-base-path` unless `--no-serve-v5`; its OAS is `schemas/v5/` (TM Forum's), the
    mock's own document of it is built by the core from `openapi` (openapi.py)."""

    name = NAME
    label = LABEL
    control_name = "v5"
    catalogue: Catalogue = MappingProxyType(
        {
            PRODUCT_ORDER.collection: Indexed(
                (("id",), ("state",), ("relatedParty", "partyOrPartyRole", "id"), ("externalId", "id")),
                (("creationDate",),),
            ),
            CANCEL_PRODUCT_ORDER.collection: Indexed(
                (("id",), ("state",), ("productOrder", "id")), (("creationDate",),)
            ),
        }
    )
    seed_section = SECTION
    resources: Mapping[str, Collection] = MappingProxyType(
        {
            PRODUCT_ORDER.segment: PRODUCT_ORDER.collection,
            CANCEL_PRODUCT_ORDER.segment: CANCEL_PRODUCT_ORDER.collection,
        }
    )
    options: tuple[Option, ...] = OPTIONS
    openapi: OpenApiSource = V5

    def switch(self, settings: Settings) -> VersionSwitch:
        return switch(settings)

    def check(self, settings: Settings) -> None:
        scenario_for(settings)  # ValueError for a bad progression file, before anything listens

    def event_factory(self, new_id: IdSource, clock: Clock) -> Envelopes:
        return V5EventFactory(new_id=new_id, clock=clock)

    def routes(self, base_path: str) -> list[Row]:
        return v5_routes(base_path)

    def load_seed(self, paths: Sequence[str], sections: frozenset[str]) -> Seed:
        del sections  # its own section only
        return load_v5_seed(paths)


VERSION = Tmf622V5()
