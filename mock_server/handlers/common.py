"""Operations productOrder and cancelProductOrder share: list, retrieve, patch, delete."""

from __future__ import annotations

import re
from functools import lru_cache

from aiohttp import web

from mock_server.domain.clock import timestamp
from mock_server.domain.events import publish_deleted, publish_update
from mock_server.domain.patching import PATCH_MEDIA_TYPES
from mock_server.domain.resources import MAX_ID_LENGTH, ResourceKind
from mock_server.domain.updates import updated
from mock_server.http.bodies import read_json
from mock_server.http.errors import ApiError, bad_request, not_found
from mock_server.http.responses import json_bytes_response, json_response
from mock_server.keys import CLOCK_KEY, EVENTS_KEY, SETTINGS_KEY, STORE_KEY
from mock_server.store.base import Stored, WriteConflict, rewrite
from mock_server.store.query import count_headers, parse_fields, parse_query, select_fields

#: RFC 3986 host (reg-name, IPv4 or [IPv6]) with an optional port: what a Host header may hold.
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-_~%]+)(:\d{1,5})?$")


@lru_cache(maxsize=64)  # clients send a handful of Host values; bounded, as the header is theirs
def _root_url(scheme: str, host: str) -> str:
    """`scheme://host[:port]` once the Host header has been checked (an invalid one is never cached)."""
    if not _HOST.match(host):
        raise bad_request(f"Host header {host[:100]!r} is not a valid host[:port]")
    return f"{scheme}://{host}"


def api_url(request: web.Request, segment: str) -> str:
    """`<public URL><base path>/<segment>`; without --public-url, from the request's Host."""
    settings = request.app[SETTINGS_KEY]
    root = settings.public_url
    if root is None:
        root = _root_url(request.scheme, request.host)
    return f"{root}{settings.base_path}/{segment}"


def collection_url(request: web.Request, kind: ResourceKind) -> str:
    return api_url(request, kind.collection)


def now_text(request: web.Request) -> str:
    return timestamp(request.app[CLOCK_KEY]())


def find(request: web.Request, kind: ResourceKind) -> Stored:
    """The resource named in the path, or a 404 naming that id (ids are opaque: never a 500)."""
    resource_id = request.match_info["id"]
    found = (
        None if len(resource_id) > MAX_ID_LENGTH else request.app[STORE_KEY].get(kind.collection, resource_id)
    )
    if found is None:
        raise not_found(f"No {kind.collection} with id {resource_id[:MAX_ID_LENGTH]!r}")
    return found


class ResourceHandlers:
    """Bound to one resource kind; `add_routes` registers its methods."""

    def __init__(self, kind: ResourceKind) -> None:
        self.kind = kind

    async def list(self, request: web.Request) -> web.Response:
        """Without `fields`, the page is the store's JSON bytes joined: no dict is built."""
        settings, store = request.app[SETTINGS_KEY], request.app[STORE_KEY]
        query = parse_query(request.query.items(), settings.default_limit, settings.max_limit)
        page = store.query(self.kind.collection, query)
        headers = count_headers(page.total, len(page))
        if query.fields is None:
            return json_bytes_response(b"[" + b",".join(page.json_rows()) + b"]", headers=headers)
        return json_response([select_fields(r, query.fields) for r in page.resources()], headers=headers)

    async def retrieve(self, request: web.Request) -> web.Response:
        fields = request.query.get("fields")
        if fields is None:
            return json_bytes_response(find(request, self.kind).json())
        return json_response(select_fields(find(request, self.kind).resource(), parse_fields(fields)))

    async def patch(self, request: web.Request) -> web.Response:
        """Read, change, write; re-done if another replica wrote in between (`store.base.rewrite`)."""
        media_type, body = await read_json(request, PATCH_MEDIA_TYPES)
        try:
            changed = rewrite(
                request.app[STORE_KEY],
                self.kind.collection,
                lambda: find(request, self.kind),
                lambda before: updated(self.kind, before, media_type, body, now_text(request)),
            )
        except WriteConflict as exc:
            raise ApiError(409, f"{exc}: try again") from None
        if changed is None:  # deleted between the read and the write
            raise not_found(f"No {self.kind.collection} with id {request.match_info['id'][:MAX_ID_LENGTH]!r}")
        before, after = changed
        publish_update(request.app[EVENTS_KEY], self.kind.collection, before, after)
        return json_response(after)

    async def delete(self, request: web.Request) -> web.Response:
        resource = find(request, self.kind).resource()
        request.app[STORE_KEY].delete(self.kind.collection, resource["id"])
        publish_deleted(request.app[EVENTS_KEY], self.kind.collection, resource)
        return web.Response(status=204)
