"""Where resource events go (the `EventSink` seam), and the helpers every version's event rules share.

Which events a change produces is a version's rule (its `events.py`). Each change's events are
decided before its write and go with it (`Store` keeps them in the write's transaction where
replicas share an outbox), then to the app's sink: `GuardedSink` logs a failing publish instead of
failing the request, whose change is already stored.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from mock_server.store.base import Event

LOG = logging.getLogger(__name__)
Resource = Mapping[str, Any]
_ABSENT = object()


class EventSink(Protocol):
    """Receives each event a version announces (`<collection>CreateEvent`, ...), with the resource now.

    Called right after the store changed, without awaiting; an implementation must not block
    (a hub enqueues and delivers elsewhere). `field_path` names the changed or missing
    first-level fields of the AttributeValueChange and InformationRequired events.
    """

    def publish(self, event_type: str, resource: Resource, *, field_path: Sequence[str] = ()) -> None: ...


class NullEventSink:
    """Drops every event."""

    def publish(self, event_type: str, resource: Resource, *, field_path: Sequence[str] = ()) -> None:
        del event_type, resource, field_path


class RecordingEventSink:
    """Keeps events in order; for tests and for inspecting a run. `field_paths` runs parallel to `events`."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.field_paths: list[tuple[str, ...]] = []

    def publish(self, event_type: str, resource: Resource, *, field_path: Sequence[str] = ()) -> None:
        self.events.append((event_type, dict(resource)))
        self.field_paths.append(tuple(field_path))


class FanOutSink:
    """Publishes every event to each sink in turn (the hub's notifier plus an observer)."""

    def __init__(self, *sinks: EventSink) -> None:
        self.sinks = sinks

    def publish(self, event_type: str, resource: Resource, *, field_path: Sequence[str] = ()) -> None:
        for sink in self.sinks:
            sink.publish(event_type, resource, field_path=field_path)


class GuardedSink:
    """Publishes to `inner`, logging instead of raising: events follow a change already stored, so a
    failure here must not turn a done change into an error answer (all or nothing per request).
    """

    def __init__(self, inner: EventSink) -> None:
        self.inner = inner

    def publish(self, event_type: str, resource: Resource, *, field_path: Sequence[str] = ()) -> None:
        try:
            self.inner.publish(event_type, resource, field_path=field_path)
        except Exception:  # any failure: the change it reports stands either way
            LOG.exception("%s about %r was not published", event_type, resource.get("id"))


def changed_fields(before: Resource, after: Resource, ignored: frozenset[str] = frozenset()) -> list[str]:
    """First-level fields added, removed or changed, other than `ignored` (what a state change
    event covers), sorted."""
    names = (set(before) | set(after)) - ignored
    return sorted(name for name in names if before.get(name, _ABSENT) != after.get(name, _ABSENT))


def publish_all(events: EventSink, resource: Resource, announced: Sequence[Event]) -> None:
    """Publish the events a write announced about `resource` (the one written, or deleted), in order."""
    for event in announced:
        events.publish(event.type, resource, field_path=event.field_path)
