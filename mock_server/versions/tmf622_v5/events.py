"""Which TMF622 v5 events each change produces (the v5 OAS `/listener/*` operations).

- create: `ProductOrderCreateEvent` / `CancelProductOrderCreateEvent`;
- a `state` change: `...StateChangeEvent` (the server's cancellation steps publish only these);
- any other first-level change of an order: `ProductOrderAttributeValueChangeEvent`;
- DELETE of an order: `ProductOrderDeleteEvent`.
The events are decided before the write and go with it (`store.base.Event`: into the outbox where
replicas share one), then to this version's channel, never to v4 listeners. The
information-required, error message, jeopardy and milestone events of v5 are not produced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_server.domain.events import changed_fields
from mock_server.store.base import Event
from mock_server.versions.tmf622_v5.resources import PRODUCT_ORDER, Kind

Resource = Mapping[str, Any]
#: A state change event covers these; only other differences make an attribute value change event.
STATE_FIELDS = frozenset({"state", "completionDate"})


def _event(kind: Kind, suffix: str) -> Event:
    return Event(f"{kind.segment}{suffix}")


def created_events(kind: Kind) -> list[Event]:
    return [_event(kind, "CreateEvent")]


def state_change_events(kind: Kind, before: Resource, after: Resource) -> list[Event]:
    return [_event(kind, "StateChangeEvent")] if before.get("state") != after.get("state") else []


def update_events(kind: Kind, before: Resource, after: Resource) -> list[Event]:
    """After a PATCH: the state change first, then one attribute change for the other fields."""
    announced = state_change_events(kind, before, after)
    if kind is PRODUCT_ORDER and changed_fields(before, after, STATE_FIELDS):
        announced.append(_event(kind, "AttributeValueChangeEvent"))
    return announced


def deleted_events(kind: Kind) -> list[Event]:
    return [_event(kind, "DeleteEvent")] if kind is PRODUCT_ORDER else []
