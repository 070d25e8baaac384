"""The TMF622 v4 event hub: a registry of listener subscriptions and its `/hub` aiohttp handlers.

Operations (swagger `paths./hub`, `paths./hub/{id}`):
- ``POST {base}/hub`` (registerListener), body `EventSubscriptionInput` -> 201 `EventSubscription` + Location;
- ``GET {base}/hub/{id}`` -> 200 `EventSubscription` (not in the v4 swagger; handy to check a subscription);
- ``DELETE {base}/hub/{id}`` (unregisterListener) -> 204.
Unknown ids answer 404, bad bodies 400 and non-JSON bodies 415, raised as `ApiError` for the app's
error middleware like every other handler; Location honours `Settings.public_url`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from yarl import URL

from mock_server.domain.resources import MAX_ID_LENGTH
from mock_server.handlers.common import api_url
from mock_server.http.bodies import JSON, read_json
from mock_server.http.errors import ApiError, bad_request, not_found
from mock_server.http.responses import json_response
from mock_server.http.validation import require_valid
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


def _new_uuid() -> str:
    return str(uuid.uuid4())


class HubRegistry:
    """In-memory subscriptions, keyed by id; the id factory is injectable for tests."""

    def __init__(self, new_id: Callable[[], str] = _new_uuid) -> None:
        self._new_id = new_id
        self._subscriptions: dict[str, Subscription] = {}

    def add(self, callback: str, query: str | None = None) -> Subscription:
        """Register a listener; raises `InvalidSubscription` for a bad callback or query."""
        _check_callback(callback)
        try:
            event_filter = EventFilter.parse(query)
        except QueryError as exc:
            raise InvalidSubscription(str(exc)) from exc
        subscription = Subscription(self._new_id(), callback, query, event_filter)
        self._subscriptions[subscription.id] = subscription
        return subscription

    def get(self, subscription_id: str) -> Subscription | None:
        return self._subscriptions.get(subscription_id)

    def remove(self, subscription_id: str) -> bool:
        """Unregister; False when the id is unknown."""
        return self._subscriptions.pop(subscription_id, None) is not None

    def clear(self) -> None:
        """Unregister every listener (`POST /_mock/reset`)."""
        self._subscriptions.clear()

    def matching(self, envelope: Mapping[str, Any]) -> list[Subscription]:
        """Subscriptions whose query selects this event, in registration order."""
        return [s for s in self._subscriptions.values() if s.filter.matches(envelope)]

    def __len__(self) -> int:
        return len(self._subscriptions)


def _check_callback(callback: str) -> None:
    """The mock posts to the callback, so it must be an absolute http(s) URL with a host."""
    try:
        url = URL(callback)
    except ValueError as exc:
        raise InvalidSubscription(f"callback is not a URL: {exc}") from exc
    if url.scheme not in {"http", "https"} or not url.host:
        raise InvalidSubscription("callback must be an absolute http(s) URL, e.g. http://host:port/path")


#: The registry of the running application.
HUB_KEY = web.AppKey("tmf622_hub", HubRegistry)


async def _subscription_input(request: web.Request) -> dict[str, Any]:
    """The request body (JSON, else 415), checked against `EventSubscriptionInput` (else 400)."""
    _, body = await read_json(request, (JSON,))
    require_valid("EventSubscriptionInput", body)
    document: dict[str, Any] = body
    return document


async def register_listener(request: web.Request) -> web.Response:
    """POST /hub: 201 with the subscription and its Location, or 400."""
    body = await _subscription_input(request)
    try:
        subscription = request.app[HUB_KEY].add(body["callback"], body.get("query"))
    except InvalidSubscription as exc:
        raise bad_request(str(exc)) from None
    location = api_url(request, f"hub/{subscription.id}")
    return json_response(subscription.to_json(), status=201, headers={"Location": location})


async def retrieve_listener(request: web.Request) -> web.Response:
    """GET /hub/{id}: 200 with the subscription, or 404."""
    subscription = request.app[HUB_KEY].get(request.match_info["id"])
    if subscription is None:
        raise _not_found(request.match_info["id"])
    return json_response(subscription.to_json())


async def unregister_listener(request: web.Request) -> web.Response:
    """DELETE /hub/{id}: 204 without a body, or 404."""
    if not request.app[HUB_KEY].remove(request.match_info["id"]):
        raise _not_found(request.match_info["id"])
    return web.Response(status=204)


def _not_found(subscription_id: str) -> ApiError:
    return not_found(f"no hub subscription with id {subscription_id[:MAX_ID_LENGTH]!r}")
