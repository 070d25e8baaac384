"""Operations productOrder and cancelProductOrder share: list, retrieve, patch, delete."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from mock_server.bodies import read_json
from mock_server.errors import bad_request, not_found
from mock_server.events import publish_deleted, publish_update
from mock_server.keys import CLOCK, EVENTS, SETTINGS, STORE
from mock_server.patching import PATCH_MEDIA_TYPES
from mock_server.query import count_headers, parse_fields, parse_query, select_fields
from mock_server.resources import MAX_ID_LENGTH, ResourceKind, timestamp
from mock_server.responses import json_response
from mock_server.updates import updated

#: RFC 3986 host (reg-name, IPv4 or [IPv6]) with an optional port: what a Host header may hold.
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-_~%]+)(:\d{1,5})?$")


def api_url(request: web.Request, segment: str) -> str:
    """`<public URL><base path>/<segment>`; without --public-url, from the request's Host."""
    settings = request.app[SETTINGS]
    root = settings.public_url
    if root is None:
        if not _HOST.match(request.host):
            raise bad_request(f"Host header {request.host[:100]!r} is not a valid host[:port]")
        root = f"{request.scheme}://{request.host}"
    return f"{root}{settings.base_path}/{segment}"


def collection_url(request: web.Request, kind: ResourceKind) -> str:
    return api_url(request, kind.collection)


def now_text(request: web.Request) -> str:
    return timestamp(request.app[CLOCK]())


def find(request: web.Request, kind: ResourceKind) -> dict[str, Any]:
    """The resource named in the path, or a 404 naming its id (ids are opaque: never a 500)."""
    resource_id = request.match_info["id"]
    found = None if len(resource_id) > MAX_ID_LENGTH else request.app[STORE].get(kind.collection, resource_id)
    if found is None:
        raise not_found(f"No {kind.collection} with id {resource_id[:MAX_ID_LENGTH]!r}")
    return found


class ResourceHandlers:
    """Bound to one resource kind; `add_routes` registers its methods."""

    def __init__(self, kind: ResourceKind) -> None:
        self.kind = kind

    async def list(self, request: web.Request) -> web.Response:
        settings = request.app[SETTINGS]
        query = parse_query(request.query.items(), settings.default_limit, settings.max_limit)
        page, total = request.app[STORE].query(
            self.kind.collection, query.conditions, query.sort, query.offset, query.limit
        )
        body = [select_fields(resource, query.fields) for resource in page]
        return json_response(body, headers=count_headers(total, len(body)))

    async def retrieve(self, request: web.Request) -> web.Response:
        fields = request.query.get("fields")
        resource = find(request, self.kind)
        return json_response(select_fields(resource, None if fields is None else parse_fields(fields)))

    async def patch(self, request: web.Request) -> web.Response:
        media_type, body = await read_json(request, PATCH_MEDIA_TYPES)
        before = find(request, self.kind)
        after = updated(self.kind, before, media_type, body, now_text(request))
        request.app[STORE].replace(self.kind.collection, after)
        publish_update(request.app[EVENTS], self.kind.collection, before, after)
        return json_response(after)

    async def delete(self, request: web.Request) -> web.Response:
        resource = find(request, self.kind)
        request.app[STORE].delete(self.kind.collection, resource["id"])
        publish_deleted(request.app[EVENTS], self.kind.collection, resource)
        return web.Response(status=204)
