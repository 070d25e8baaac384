"""TMF622 event types and the v4 envelope (v5 derives its own from it), built for the core's notifier.

TMF622 v4 (swagger `paths./listener/*`) defines one client-side listener per event type:
``POST {callback}/listener/{eventName}`` where `eventName` is the event type in camelCase
(``ProductOrderCreateEvent`` -> ``productOrderCreateEvent``). The mock delivers every event to
``<callback with trailing "/" trimmed>/listener/<eventName>``, keeping any query string of the callback.

The envelope carries the fields the v4 event definitions declare: `eventId`, `eventTime`, `eventType`,
`correlationId`, `domain`, `title`, `description`, `priority`, `timeOcurred` (sic, the v4 spelling),
`fieldPath` (AttributeValueChange and InformationRequired events only, when the caller names the
fields) and `event`, which wraps the resource as ``{"productOrder": ...}`` or ``{"cancelProductOrder": ...}``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mock_server.domain.clock import Clock, IdSource, new_uuid, timestamp, utc_now

#: `domain` of every envelope: the API the events come from.
EVENT_DOMAIN = "productOrderingManagement"
#: `priority` of every envelope; v4 types it as a free string and defines no scale.
EVENT_PRIORITY = "normal"


class EventType(StrEnum):
    """The eight TMF622 v4 event types (swagger definitions `*Event`)."""

    PRODUCT_ORDER_CREATE = "ProductOrderCreateEvent"
    PRODUCT_ORDER_ATTRIBUTE_VALUE_CHANGE = "ProductOrderAttributeValueChangeEvent"
    PRODUCT_ORDER_STATE_CHANGE = "ProductOrderStateChangeEvent"
    PRODUCT_ORDER_DELETE = "ProductOrderDeleteEvent"
    PRODUCT_ORDER_INFORMATION_REQUIRED = "ProductOrderInformationRequiredEvent"
    CANCEL_PRODUCT_ORDER_CREATE = "CancelProductOrderCreateEvent"
    CANCEL_PRODUCT_ORDER_STATE_CHANGE = "CancelProductOrderStateChangeEvent"
    CANCEL_PRODUCT_ORDER_INFORMATION_REQUIRED = "CancelProductOrderInformationRequiredEvent"

    @classmethod
    def parse(cls, name: str) -> EventType:
        """Accept a type (``ProductOrderCreateEvent``) or its listener name (``productOrderCreateEvent``)."""
        kind = _BY_VALUE.get(name[:1].upper() + name[1:])  # every publish parses: a dict, not `cls(...)`
        if kind is None:
            raise ValueError(f"{name!r} is not a TMF622 v4 event type")
        return kind

    @property
    def listener_name(self) -> str:
        """The `{eventName}` of the v4 listener path: the type in camelCase."""
        return self.value[0].lower() + self.value[1:]

    @property
    def resource_key(self) -> str:
        """The key wrapping the resource in `event` (the `*EventPayload` definitions)."""
        return "cancelProductOrder" if self.value.startswith("Cancel") else "productOrder"

    @property
    def has_field_path(self) -> bool:
        """Only these two kinds declare `fieldPath` in v4."""
        return self.value.endswith(("AttributeValueChangeEvent", "InformationRequiredEvent"))


#: Each kind by its type name (`EventType.parse` upper-cases a listener name's first letter first).
_BY_VALUE: dict[str, EventType] = {kind.value: kind for kind in EventType}


@dataclass(frozen=True)
class EventFactory:
    """Builds envelopes; the id factory and the clock are injectable so tests are deterministic."""

    new_id: IdSource = new_uuid
    clock: Clock = utc_now
    domain: str = EVENT_DOMAIN
    priority: str = EVENT_PRIORITY

    def parse(self, event_type: str, field_path: Sequence[str] = ()) -> EventType:
        """The kind of `event_type` (a type or its listener name); ValueError for an unknown one, or
        for `field_path` on a kind that has no `fieldPath`."""
        kind = EventType.parse(event_type)
        if field_path and not kind.has_field_path:
            raise ValueError(f"{kind.value} carries no fieldPath in TMF622 v4")
        return kind

    def build(
        self,
        event_type: EventType,
        resource: Mapping[str, Any],
        *,
        field_path: Sequence[str] = (),
        correlation_id: str | None = None,
    ) -> dict[str, Any]:
        """The envelope for `resource`, a deep copy so later changes to the resource do not leak in.

        `field_path` names the changed (or missing) fields; giving it for a kind without `fieldPath`
        is a programming error (ValueError). `correlation_id` defaults to the resource id so that
        all events about one resource correlate.
        """
        draft = self.draft(event_type, resource, field_path=field_path, correlation_id=correlation_id)
        return self.stamp(draft)

    def draft(
        self,
        event_type: EventType,
        resource: Mapping[str, Any],
        *,
        field_path: Sequence[str] = (),
        correlation_id: str | None = None,
    ) -> dict[str, Any]:
        """`build` without `eventId` and the times: reading the id factory and the clock only for an
        event someone will receive keeps deterministic ids and dates independent of subscriptions.
        """
        if field_path and not event_type.has_field_path:
            raise ValueError(f"{event_type.value} carries no fieldPath in TMF622 v4")
        envelope: dict[str, Any] = {
            "eventId": "",
            "eventTime": "",
            "eventType": event_type.value,
            "correlationId": correlation_id or str(resource.get("id", "")),
            "domain": self.domain,
            "title": event_type.value,
            "description": _describe(event_type, resource),
            "priority": self.priority,
            "timeOcurred": "",  # sic: v4 spells it with one "r"
            "event": {event_type.resource_key: copy.deepcopy(dict(resource))},
        }
        if field_path:
            envelope["fieldPath"] = ",".join(field_path)
        return envelope

    def stamp(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """Give a draft its id and times (in place); returns it."""
        now = timestamp(self.clock())
        envelope.update(eventId=self.new_id(), eventTime=now, timeOcurred=now)
        return envelope


def _describe(event_type: EventType, resource: Mapping[str, Any]) -> str:
    resource_id = resource.get("id", "?")
    state = resource.get("state")
    suffix = f" (state {state})" if state else ""
    return f"{event_type.value} for {event_type.resource_key} {resource_id}{suffix}"
