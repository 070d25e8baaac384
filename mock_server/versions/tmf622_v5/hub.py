"""The v5 `/hub` handlers (OAS createHub, hubDelete; GET as in v4): a `Hub_FVO` in, a `Hub` out.

The v5 hub is its own channel's (shared by replicas like every hub): its listeners get v5
envelopes, v4 listeners keep getting v4 ones.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from mock_server.domain.errors import DomainError, InvalidInput, NotFound
from mock_server.domain.resources import MAX_ID_LENGTH
from mock_server.http.bodies import read_object
from mock_server.http.responses import json_response
from mock_server.http.validation import require_valid
from mock_server.keys import CHANNELS_KEY
from mock_server.notify.hub import HubRegistry, InvalidSubscription, Subscription
from mock_server.versions.tmf622_v5.resources import NAME, SCHEMA_VERSION
from mock_server.versions.tmf622_v5.urls import v5_url


def _hub(request: web.Request) -> HubRegistry:
    return request.app[CHANNELS_KEY][NAME].hub


def hub_json(request: web.Request, subscription: Subscription) -> dict[str, Any]:
    """`Hub`: an `Entity`, so `@type` and `href` beside the subscription's id, callback and query."""
    return {
        **subscription.to_json(),
        "href": v5_url(request, f"hub/{subscription.id}"),
        "@type": "Hub",
    }


async def register_listener(request: web.Request) -> web.Response:
    """POST /hub: 201 with the `Hub` and its Location, or 400."""
    body = await read_object(request)
    require_valid("Hub_FVO", body, SCHEMA_VERSION)
    try:
        subscription = await _hub(request).add(body["callback"], body.get("query"))
    except InvalidSubscription as exc:
        raise InvalidInput(str(exc)) from None
    hub = hub_json(request, subscription)
    return json_response(hub, status=201, headers={"Location": hub["href"]})


async def retrieve_listener(request: web.Request) -> web.Response:
    subscription = await _hub(request).get(request.match_info["id"])
    if subscription is None:
        raise _not_found(request.match_info["id"])
    return json_response(hub_json(request, subscription))


async def unregister_listener(request: web.Request) -> web.Response:
    if not await _hub(request).remove(request.match_info["id"]):
        raise _not_found(request.match_info["id"])
    return web.Response(status=204)


def _not_found(subscription_id: str) -> DomainError:
    return NotFound(f"no hub with id {subscription_id[:MAX_ID_LENGTH]!r}")
