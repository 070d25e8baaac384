"""TMF622 v5 event envelopes (OAS `Event` and its `*Event` subtypes), built for the shared notifier.

v5 envelopes differ from v4 ones: `@type` (required, `Extensible`) names the event type, the time is
`timeOccurred` (v4 spells it `timeOcurred`), `source` is an `EntityRef` to the resource the event is
about, and there is no `fieldPath`. The rest is as in v4: `eventId`, `eventTime`, `eventType`,
`correlationId` (the resource id), `domain`, `title`, `description`, `priority`, and `event`
wrapping the resource (`{"productOrder": ...}`, the `*EventPayload` schemas). Delivery (hub
filters, `<callback>/listener/<eventName>`, retries) is the shared `Notifier`'s.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mock_server.domain.clock import timestamp
from mock_server.versions.tmf622_common.envelopes import EventFactory, EventType


def source_of(event_type: EventType, resource: Mapping[str, Any]) -> dict[str, Any]:
    """`Event.source`: an `EntityRef` (id required) to the resource the event is about."""
    referred = "CancelProductOrder" if event_type.resource_key == "cancelProductOrder" else "ProductOrder"
    source = {"id": str(resource.get("id", "")), "@type": "EntityRef", "@referredType": referred}
    if isinstance(resource.get("href"), str):
        source["href"] = resource["href"]
    return source


@dataclass(frozen=True)
class V5EventFactory(EventFactory):
    """The v4 factory's ids, clock and delivery contract, with the v5 envelope."""

    def draft(
        self,
        event_type: EventType,
        resource: Mapping[str, Any],
        *,
        field_path: Sequence[str] = (),
        correlation_id: str | None = None,
    ) -> dict[str, Any]:
        """The envelope without `eventId` and times (see `EventFactory.draft`); `field_path` is
        dropped: v5 events carry no `fieldPath`.
        """
        del field_path
        state = resource.get("state")
        return {
            "@type": event_type.value,
            "eventId": "",
            "eventTime": "",
            "eventType": event_type.value,
            "correlationId": correlation_id or str(resource.get("id", "")),
            "domain": self.domain,
            "title": event_type.value,
            "description": f"{event_type.value} for {event_type.resource_key} {resource.get('id', '?')}"
            + (f" (state {state})" if state else ""),
            "priority": self.priority,
            "timeOccurred": "",
            "source": source_of(event_type, resource),
            "event": {event_type.resource_key: copy.deepcopy(dict(resource))},
        }

    def stamp(self, envelope: dict[str, Any]) -> dict[str, Any]:
        now = timestamp(self.clock())
        envelope.update(eventId=self.new_id(), eventTime=now, timeOccurred=now)
        return envelope
