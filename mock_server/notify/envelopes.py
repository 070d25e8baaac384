"""What the notifier needs of a version's events: their kinds, their envelopes, the listener URL.

A version builds its envelopes (`Envelopes`, given to its channel's `Notifier`); delivery (hub
filters, lanes, retries, the log) is the core's. Each event goes to
``<callback with trailing "/" trimmed>/listener/<listener name>``, keeping any query string of the
callback (the client-side listener operations of TM Forum APIs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from yarl import URL

from mock_server.domain.clock import IdSource


class EventKind(Protocol):
    """One event type of a version."""

    @property
    def value(self) -> str:
        """The type as envelopes and the delivery log name it."""
        ...

    @property
    def listener_name(self) -> str:
        """The last segment of its listener path."""
        ...


class Envelopes(Protocol):
    """A version's envelope factory (ids and clock injectable, so tests are deterministic)."""

    @property
    def new_id(self) -> IdSource:
        """Its id source (a hub of the same channel makes subscription ids with it)."""
        ...

    def parse(self, event_type: str, field_path: Sequence[str] = ()) -> EventKind:
        """The kind of `event_type`; ValueError (a programming error) for an unknown type or a
        `field_path` its kind cannot carry."""
        ...

    def draft(
        self,
        event_type: Any,
        resource: Mapping[str, Any],
        *,
        field_path: Sequence[str] = (),
        correlation_id: str | None = None,
    ) -> dict[str, Any]:
        """The envelope without its id and times: read only for an event someone will receive."""
        ...

    def stamp(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """Give a draft its id and times (in place); returns it."""
        ...


def listener_url(callback: str, kind: EventKind) -> str:
    """Where the event goes: ``<callback>/listener/<listener name>``, callback query string kept."""
    url = URL(callback)
    path = f"{url.path.rstrip('/')}/listener/{kind.listener_name}"
    return str(url.with_path(path, keep_query=True))
