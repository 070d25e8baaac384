"""Operations productOrder and cancelProductOrder share: list, retrieve, patch, delete."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from aiohttp import web

from mock_server.access.hosts import request_root
from mock_server.domain.clock import timestamp
from mock_server.domain.events import deleted_events, publish_all, update_events
from mock_server.domain.patch_budget import bounded_json, resource_limit
from mock_server.domain.patching import PATCH_MEDIA_TYPES
from mock_server.domain.resources import MAX_ID_LENGTH, ResourceKind
from mock_server.domain.updates import updated
from mock_server.http.bodies import read_json
from mock_server.http.errors import ApiError, not_found
from mock_server.http.responses import json_bytes_response, json_response
from mock_server.keys import CLOCK_KEY, EVENTS_KEY, SETTINGS_KEY, STORE_KEY
from mock_server.store.attributes import attributes_of
from mock_server.store.base import Resource, Rewritten, Stored, WriteConflict, rewrite
from mock_server.store.parsed_queries import ParsedQueries
from mock_server.store.query import count_headers, parse_fields, select_fields


def root_url(request: web.Request) -> str:
    """`<public URL>`, or `scheme://host[:port]` of an allowed Host header (see `access.hosts`)."""
    return request_root(request, request.app[SETTINGS_KEY])


def api_url(request: web.Request, segment: str) -> str:
    """`<public URL or allowed Host><base path>/<segment>` (see `access.hosts`)."""
    return f"{root_url(request)}{request.app[SETTINGS_KEY].base_path}/{segment}"


def collection_url(request: web.Request, kind: ResourceKind) -> str:
    return api_url(request, kind.collection)


def now_text(request: web.Request) -> str:
    return timestamp(request.app[CLOCK_KEY]())


async def find(request: web.Request, kind: ResourceKind) -> Stored:
    """The resource named in the path, or a 404 naming that id (ids are opaque: never a 500)."""
    resource_id = request.match_info["id"]
    found = (
        None
        if len(resource_id) > MAX_ID_LENGTH
        else await request.app[STORE_KEY].get(kind.collection, resource_id)
    )
    if found is None:
        raise not_found(f"No {kind.collection} with id {resource_id[:MAX_ID_LENGTH]!r}")
    return found


class ResourceHandlers:
    """Bound to one resource kind; `add_routes` registers its methods."""

    def __init__(self, kind: ResourceKind) -> None:
        self.kind = kind
        self._queries = ParsedQueries()

    async def list(self, request: web.Request) -> web.Response:
        """Without `fields`, the page is the store's JSON bytes joined: no dict is built."""
        settings, store = request.app[SETTINGS_KEY], request.app[STORE_KEY]
        query = self._queries.get(
            request.rel_url.raw_query_string,
            lambda: request.query.items(),  # noqa: PLW0108 - `request.query` parses: only on a miss
            settings.default_limit,
            settings.max_limit,
            attributes_of(self.kind.schema),
        )
        page = await store.query(self.kind.collection, query)
        headers = count_headers(page.total, len(page))
        if query.fields is None:
            return json_bytes_response(b"[" + b",".join(page.json_rows()) + b"]", headers=headers)
        return json_response([select_fields(r, query.fields) for r in page.resources()], headers=headers)

    async def retrieve(self, request: web.Request) -> web.Response:
        # No query string (the usual GET by id): its parameters are not parsed to find no `fields`.
        fields = request.query.get("fields") if request.rel_url.raw_query_string else None
        if fields is None:
            return json_bytes_response((await find(request, self.kind)).json())
        found = await find(request, self.kind)
        return json_response(select_fields(found.resource(), parse_fields(fields)))

    async def patch(self, request: web.Request) -> web.Response:
        """Everything that can refuse the change (rules, limits, encoding) runs before the write; the
        change is re-done on the current resource if another replica wrote in between (`rewrite`)."""
        media_type, body = await read_json(request, PATCH_MEDIA_TYPES)
        limit = resource_limit(request.app[SETTINGS_KEY].max_body_bytes)
        encoded: list[bytes] = []

        def change(before: Resource) -> Resource:
            after = updated(self.kind, before, media_type, body, now=now_text(request), max_bytes=limit)
            encoded[:] = [bounded_json(after, limit)]
            return after

        changed = await self._rewrite(request, change)
        publish_all(request.app[EVENTS_KEY], changed.after, changed.events)
        return json_bytes_response(encoded[0])

    async def _rewrite(self, request: web.Request, change: Callable[[Resource], Resource]) -> Rewritten:
        """The resource in the path before and after, and its events; 404 if it is gone, 409 after too
        many races."""
        try:
            changed = await rewrite(
                request.app[STORE_KEY],
                self.kind.collection,
                lambda: find(request, self.kind),
                change,
                partial(update_events, self.kind.collection),
            )
        except WriteConflict as exc:
            raise ApiError(409, f"{exc}: try again") from None
        if changed is None:  # deleted between the read and the write
            raise not_found(f"No {self.kind.collection} with id {request.match_info['id'][:MAX_ID_LENGTH]!r}")
        return changed

    async def delete(self, request: web.Request) -> web.Response:
        resource = (await find(request, self.kind)).resource()
        announced = deleted_events(self.kind.collection)
        if await request.app[STORE_KEY].delete(self.kind.collection, resource["id"], announced):
            publish_all(request.app[EVENTS_KEY], resource, announced)
        return web.Response(status=204)
