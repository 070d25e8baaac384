"""Which TMF622 v5 events each change produces (the v5 OAS `/listener/*` operations).

- create: `ProductOrderCreateEvent` / `CancelProductOrderCreateEvent`;
- a `state` change: `...StateChangeEvent` (the server's cancellation steps publish only these);
- any other first-level change of an order: `ProductOrderAttributeValueChangeEvent`;
- DELETE of an order: `ProductOrderDeleteEvent`.
Events go to the v5 hub's notifier, never to v4 listeners. The information-required, error
message, jeopardy and milestone events of v5 are not produced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_server.domain.events import EventSink, changed_fields
from mock_server.v5.resources import PRODUCT_ORDER, Kind

Resource = Mapping[str, Any]


def _event(kind: Kind, suffix: str) -> str:
    return f"{kind.segment}{suffix}"


def publish_created(events: EventSink, kind: Kind, resource: Resource) -> None:
    events.publish(_event(kind, "CreateEvent"), resource)


def publish_state_change(events: EventSink, kind: Kind, before: Resource, after: Resource) -> None:
    if before.get("state") != after.get("state"):
        events.publish(_event(kind, "StateChangeEvent"), after)


def publish_update(events: EventSink, kind: Kind, before: Resource, after: Resource) -> None:
    """After a PATCH: the state change first, then one attribute change for the other fields."""
    publish_state_change(events, kind, before, after)
    if kind is PRODUCT_ORDER and changed_fields(before, after):
        events.publish(_event(kind, "AttributeValueChangeEvent"), after)


def publish_deleted(events: EventSink, kind: Kind, resource: Resource) -> None:
    if kind is PRODUCT_ORDER:
        events.publish(_event(kind, "DeleteEvent"), resource)
