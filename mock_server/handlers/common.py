"""The operations every resource kind of a version shares: list, retrieve, patch, delete.

A version binds them to each of its kinds (`ResourceHandlers`) with its events channel and its
event rules; the kind brings its schemas, server-owned fields, state machine and update rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from aiohttp import web

from mock_server.access.hosts import request_root
from mock_server.domain.clock import timestamp
from mock_server.domain.errors import Conflict, NotFound
from mock_server.domain.events import EventSink, publish_all
from mock_server.domain.patch_budget import bounded_json, resource_limit
from mock_server.domain.patching import PATCH_MEDIA_TYPES
from mock_server.domain.resources import MAX_ID_LENGTH, ResourceKind
from mock_server.domain.updates import updated
from mock_server.http.bodies import read_json
from mock_server.http.responses import json_bytes_response, json_response
from mock_server.keys import CHANNELS_KEY, CLOCK_KEY, SETTINGS_KEY, STORE_KEY
from mock_server.store.attributes import attributes_of
from mock_server.store.base import Collection, Event, Resource, Rewritten, Stored, WriteConflict, rewrite
from mock_server.store.parsed_queries import ParsedQueries
from mock_server.store.query import count_headers, parse_fields, select_fields


def root_url(request: web.Request) -> str:
    """`<public URL>`, or `scheme://host[:port]` of an allowed Host header (see `access.hosts`)."""
    return request_root(request, request.app[SETTINGS_KEY])


def api_url(request: web.Request, base_path: str, segment: str) -> str:
    """`<public URL or allowed Host><base path>/<segment>` (see `access.hosts`)."""
    return f"{root_url(request)}{base_path}/{segment}"


def channel_events(request: web.Request, channel: str) -> EventSink:
    """Where a version's changes publish their events once stored: its channel's sink."""
    return request.app[CHANNELS_KEY][channel].events


def now_text(request: web.Request) -> str:
    return timestamp(request.app[CLOCK_KEY]())


async def find(request: web.Request, kind: ResourceKind) -> Stored:
    """The resource named in the path, or NotFound naming that id (ids are opaque: never a 500)."""
    return await find_in(request, kind.collection, kind.collection)


async def find_in(request: web.Request, collection: Collection, name: str) -> Stored:
    """The resource of `collection` named in the path, or NotFound saying `No <name> with id ...`."""
    resource_id = request.match_info["id"]
    found = (
        None
        if len(resource_id) > MAX_ID_LENGTH
        else await request.app[STORE_KEY].get(collection, resource_id)
    )
    if found is None:
        raise NotFound(f"No {name} with id {resource_id[:MAX_ID_LENGTH]!r}")
    return found


#: A version's rule: the events a PATCH of a resource of `collection` announces.
UpdateEvents = Callable[[Collection, Resource, Resource], Sequence[Event]]
#: A version's rule: the events a DELETE of a resource of `collection` announces.
DeleteEvents = Callable[[Collection], Sequence[Event]]


class ResourceHandlers:
    """Bound to one resource kind of a version, its events channel and its event rules; the
    version's routes register its methods."""

    def __init__(
        self, kind: ResourceKind, channel: str, update_events: UpdateEvents, deleted_events: DeleteEvents
    ) -> None:
        self.kind = kind
        self.channel = channel
        self.update_events = update_events
        self.deleted_events = deleted_events
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
        publish_all(channel_events(request, self.channel), changed.after, changed.events)
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
                partial(self.update_events, self.kind.collection),
            )
        except WriteConflict as exc:
            raise Conflict(f"{exc}: try again") from None
        if changed is None:  # deleted between the read and the write
            raise NotFound(f"No {self.kind.collection} with id {request.match_info['id'][:MAX_ID_LENGTH]!r}")
        return changed

    async def delete(self, request: web.Request) -> web.Response:
        resource = (await find(request, self.kind)).resource()
        announced = self.deleted_events(self.kind.collection)
        if await request.app[STORE_KEY].delete(self.kind.collection, resource["id"], announced):
            publish_all(channel_events(request, self.channel), resource, announced)
        return web.Response(status=204)
