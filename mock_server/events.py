"""Where resource events go: the seam a notification hub plugs into (TMF622 v4 event types)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class EventSink(Protocol):
    """Receives `productOrderCreateEvent`, `...StateChangeEvent`, ... with the resource as it is now.

    Called synchronously right after the store changed; an implementation must not block
    (a hub enqueues and delivers elsewhere).
    """

    def publish(self, event_type: str, resource: Mapping[str, Any]) -> None: ...


class NullEventSink:
    """Drops every event: the default until a hub is configured."""

    def publish(self, event_type: str, resource: Mapping[str, Any]) -> None:
        del event_type, resource


class RecordingEventSink:
    """Keeps events in order; for tests and for inspecting a run."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def publish(self, event_type: str, resource: Mapping[str, Any]) -> None:
        self.events.append((event_type, dict(resource)))
