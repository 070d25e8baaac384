"""The TMF622 v4 event hub registry: listener subscriptions, their callbacks and compiled filters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from yarl import URL

from mock_server.domain.clock import IdSource, new_uuid
from mock_server.notify.filters import EventFilter, QueryError


class InvalidSubscription(ValueError):
    """The subscription request is unusable; the message says why (answered with 400)."""


@dataclass(frozen=True)
class Subscription:
    """One registered listener and its compiled query filter."""

    id: str
    callback: str
    query: str | None
    filter: EventFilter

    def to_json(self) -> dict[str, str]:
        """The `EventSubscription` representation; `query` only when one was given."""
        body = {"id": self.id, "callback": self.callback}
        if self.query is not None:
            body["query"] = self.query
        return body


class HubRegistry:
    """In-memory subscriptions, keyed by id; the id factory is injectable for tests.

    The handlers' operations (`add`, `get`, `remove`, `clear`) are coroutines, as `SharedHub` keeps
    subscriptions in PostgreSQL; here they never suspend. The notifier's questions (`matching`,
    `len`, `in`) are answered at once, from memory (`SharedHub` keeps a copy it refreshes).
    """

    def __init__(self, new_id: IdSource = new_uuid) -> None:
        self._new_id = new_id
        self._subscriptions: dict[str, Subscription] = {}

    async def add(self, callback: str, query: str | None = None) -> Subscription:
        """Register a listener; raises `InvalidSubscription` for a bad callback or query."""
        _check_callback(callback)
        try:
            event_filter = EventFilter.parse(query)
        except QueryError as exc:
            raise InvalidSubscription(str(exc)) from exc
        subscription = Subscription(self._new_id(), callback, query, event_filter)
        self._subscriptions[subscription.id] = subscription
        return subscription

    async def get(self, subscription_id: str) -> Subscription | None:
        return self._subscriptions.get(subscription_id)

    async def remove(self, subscription_id: str) -> bool:
        """Unregister; False when the id is unknown."""
        return self._subscriptions.pop(subscription_id, None) is not None

    async def clear(self) -> None:
        """Unregister every listener (`POST /_mock/reset`)."""
        self._subscriptions.clear()

    def matching(self, envelope: Mapping[str, Any]) -> list[Subscription]:
        """Subscriptions whose query selects this event, in registration order."""
        return [s for s in self._subscriptions.values() if s.filter.matches(envelope)]

    def __len__(self) -> int:
        return len(self._subscriptions)

    def __contains__(self, subscription_id: object) -> bool:
        return subscription_id in self._subscriptions


def _check_callback(callback: str) -> None:
    """The mock posts to the callback, so it must be an absolute http(s) URL with a host."""
    try:
        url = URL(callback)
    except ValueError as exc:
        raise InvalidSubscription(f"callback is not a URL: {exc}") from exc
    if url.scheme not in {"http", "https"} or not url.host:
        raise InvalidSubscription("callback must be an absolute http(s) URL, e.g. http://host:port/path")
