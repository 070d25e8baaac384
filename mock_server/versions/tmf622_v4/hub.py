"""The `/hub` handlers: register, retrieve and unregister TMF622 v4 event listeners.

Operations (swagger `paths./hub`, `paths./hub/{id}`):
- ``POST {base}/hub`` (registerListener), body `EventSubscriptionInput` -> 201 `EventSubscription` + Location;
- ``GET {base}/hub/{id}`` -> 200 `EventSubscription` (not in the v4 swagger; handy to check a subscription);
- ``DELETE {base}/hub/{id}`` (unregisterListener) -> 204.
Unknown ids answer 404, bad bodies 400 and non-JSON bodies 415, raised as
`domain.errors` (415: an HTTP `ApiError`) for the app's
error middleware like every other handler; Location honours `Settings.public_url`.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from mock_server.domain.errors import DomainError, InvalidInput, NotFound
from mock_server.domain.resources import MAX_ID_LENGTH
from mock_server.http.bodies import JSON, read_json
from mock_server.http.responses import json_response
from mock_server.http.validation import require_valid
from mock_server.keys import CHANNELS_KEY
from mock_server.notify.hub import HubRegistry, InvalidSubscription
from mock_server.versions.tmf622_v4.resources import NAME
from mock_server.versions.tmf622_v4.urls import v4_url


def _hub(request: web.Request) -> HubRegistry:
    return request.app[CHANNELS_KEY][NAME].hub


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
        subscription = await _hub(request).add(body["callback"], body.get("query"))
    except InvalidSubscription as exc:
        raise InvalidInput(str(exc)) from None
    location = v4_url(request, f"hub/{subscription.id}")
    return json_response(subscription.to_json(), status=201, headers={"Location": location})


async def retrieve_listener(request: web.Request) -> web.Response:
    """GET /hub/{id}: 200 with the subscription, or 404."""
    subscription = await _hub(request).get(request.match_info["id"])
    if subscription is None:
        raise _not_found(request.match_info["id"])
    return json_response(subscription.to_json())


async def unregister_listener(request: web.Request) -> web.Response:
    """DELETE /hub/{id}: 204 without a body, or 404."""
    if not await _hub(request).remove(request.match_info["id"]):
        raise _not_found(request.match_info["id"])
    return web.Response(status=204)


def _not_found(subscription_id: str) -> DomainError:
    return NotFound(f"no hub subscription with id {subscription_id[:MAX_ID_LENGTH]!r}")
