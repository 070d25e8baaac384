"""One version's event hub registry: listener subscriptions, their callbacks and compiled filters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from yarl import URL

from mock_server.config.settings import MAX_SUBSCRIPTIONS, Settings
from mock_server.domain.clock import IdSource, new_uuid
from mock_server.domain.errors import Conflict, Forbidden
from mock_server.notify.callbacks import CallbackRules, RefusedCallback
from mock_server.notify.filters import EventFilter, QueryError


class InvalidSubscription(ValueError):
    """The subscription request is unusable; the message says why (answered with 400)."""


@dataclass(frozen=True)
class HubRules:
    """What a shared hub refuses: callbacks outside the rules (403), more than `capacity` listeners (409)."""

    callbacks: CallbackRules = field(default_factory=CallbackRules)
    capacity: int = MAX_SUBSCRIPTIONS

    @classmethod
    def of(cls, settings: Settings) -> HubRules:
        return cls(CallbackRules(settings.callback_hosts), settings.max_subscriptions)


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

    def __init__(self, new_id: IdSource = new_uuid, rules: HubRules | None = None) -> None:
        self._new_id = new_id
        self.rules = rules or HubRules()
        self._subscriptions: dict[str, Subscription] = {}

    async def add(self, callback: str, query: str | None = None) -> Subscription:
        """Register a listener; raises `InvalidSubscription` for a bad callback or query, `Forbidden`
        for a callback the rules refuse (notify.callbacks), `Conflict` when the hub is full."""
        _check_callback(callback, self.rules.callbacks)
        if len(self._subscriptions) >= self.rules.capacity:
            raise Conflict(
                f"the hub holds {len(self._subscriptions)} subscriptions, its maximum "
                "(--max-subscriptions): unregister one (DELETE hub/{id}) first",
            )
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
        # A subscription without a query takes every event: no call for it (1,000 of them cost 1.5 ms).
        return [
            s for s in self._subscriptions.values() if not s.filter.criteria or s.filter.matches(envelope)
        ]

    def __len__(self) -> int:
        return len(self._subscriptions)

    def __contains__(self, subscription_id: object) -> bool:
        return subscription_id in self._subscriptions


def _check_callback(callback: str, rules: CallbackRules) -> None:
    """The mock posts to the callback, so it must be an absolute http(s) URL with a host the rules allow."""
    try:
        url = URL(callback)
    except ValueError as exc:
        raise InvalidSubscription(f"callback is not a URL: {exc}") from exc
    if url.scheme not in {"http", "https"} or not url.host:
        raise InvalidSubscription("callback must be an absolute http(s) URL, e.g. http://host:port/path")
    try:
        rules.check(url.host)
    except RefusedCallback as exc:
        raise Forbidden(str(exc)) from None
