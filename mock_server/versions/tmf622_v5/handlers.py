"""Thin aiohttp handlers of the v5 productOrder and cancelProductOrder operations.

The core does the work: the store (v5 collections) and each write's events with it (the outbox),
the version check of every read-modify-write (`rewrite`), the PATCH result's size budget, TMF630
queries and paging, ids and clock (deterministic mode), the TMF `Error` middleware; the v5 rules
live in `orders`, `patching`, `cancellation` and `events`.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from aiohttp import web

from mock_server.domain.errors import Conflict, InvalidInput, NotFound
from mock_server.domain.events import EventSink, publish_all
from mock_server.domain.patch_budget import bounded_json, resource_limit
from mock_server.domain.resources import MAX_ID_LENGTH
from mock_server.domain.updates import check_state
from mock_server.handlers.common import find_in, now_text
from mock_server.http.bodies import read_json, read_object
from mock_server.http.responses import json_bytes_response, json_response
from mock_server.http.validation import require_valid
from mock_server.keys import CHANNELS_KEY, LIFECYCLE_KEY, NEW_ID_KEY, SETTINGS_KEY, STORE_KEY
from mock_server.store.base import Stored, WriteConflict, read, rewrite
from mock_server.store.query import count_headers, parse_fields, parse_query, select_fields
from mock_server.versions.tmf622_common.scenario import scenario_for
from mock_server.versions.tmf622_v5 import events, orders
from mock_server.versions.tmf622_v5.cancellation import Cancellation, new_cancel_task
from mock_server.versions.tmf622_v5.patching import PATCH_MEDIA_TYPES, patched
from mock_server.versions.tmf622_v5.progression import Progression
from mock_server.versions.tmf622_v5.resources import (
    CANCEL_PRODUCT_ORDER,
    NAME,
    PRODUCT_ORDER,
    SCHEMA_VERSION,
    Kind,
)
from mock_server.versions.tmf622_v5.states import OrderState
from mock_server.versions.tmf622_v5.urls import v5_url

Resource = dict[str, Any]


async def find(request: web.Request, kind: Kind) -> Stored:
    """The resource named in the path, or NotFound naming that id (the core's lookup)."""
    return await find_in(request, kind.collection, kind.segment)


def events_of(request: web.Request) -> EventSink:
    """Where v5 changes publish their events once stored: this version's channel."""
    return request.app[CHANNELS_KEY][NAME].events


def progression(request: web.Request) -> Progression:
    """The app's background steps, for a v5 order."""
    app = request.app
    scenario = scenario_for(app[SETTINGS_KEY])
    return Progression(
        app[LIFECYCLE_KEY], scenario, app[STORE_KEY], events_of(request), lambda: now_text(request)
    )


def project(resource: Resource, fields: frozenset[str]) -> Resource:
    """TMF630 `?fields=`: the named attributes, with `id` and `href`, and `@type`, which v5 requires
    of every entity (`Extensible`), so a projection stays a valid (partial) v5 resource.
    """
    selected = select_fields(resource, fields)
    if "@type" in resource:
        selected["@type"] = resource["@type"]
    return selected


def answer(request: web.Request, resource: Resource, **extra: Any) -> web.Response:
    """The resource, reduced to `?fields=` when asked."""
    fields = request.query.get("fields")
    body = resource if fields is None else project(resource, parse_fields(fields))
    return json_response(body, **extra)


class ReadHandlers:
    """List and retrieve, bound to one v5 kind."""

    def __init__(self, kind: Kind) -> None:
        self.kind = kind

    async def list(self, request: web.Request) -> web.Response:
        settings = request.app[SETTINGS_KEY]
        query = parse_query(request.query.items(), settings.default_limit, settings.max_limit)
        page = await request.app[STORE_KEY].query(self.kind.collection, query)
        headers = count_headers(page.total, len(page))
        if query.fields is None:
            return json_bytes_response(b"[" + b",".join(page.json_rows()) + b"]", headers=headers)
        return json_response([project(r, query.fields) for r in page.resources()], headers=headers)

    async def retrieve(self, request: web.Request) -> web.Response:
        found = await find(request, self.kind)
        if "fields" not in request.query:
            return json_bytes_response(found.json())
        return answer(request, found.resource())


async def create_product_order(request: web.Request) -> web.Response:
    """201 with the order (`draft` or `acknowledged`, as `requestedInitialState` asks) and Location."""
    body = await read_object(request)
    require_valid(PRODUCT_ORDER.create_schema, body, SCHEMA_VERSION)
    orders.check_type(PRODUCT_ORDER, body)
    app = request.app
    order_id = app[NEW_ID_KEY]()
    href = f"{v5_url(request, PRODUCT_ORDER.segment)}/{order_id}"
    order = orders.new_product_order(body, order_id=order_id, href=href, now=now_text(request))
    require_valid(PRODUCT_ORDER.schema, order, SCHEMA_VERSION)
    announced = events.created_events(PRODUCT_ORDER)
    await app[STORE_KEY].add(PRODUCT_ORDER.collection, order, announced)  # with its events (see Store)
    publish_all(events_of(request), order, announced)
    progression(request).start(order)  # no-op unless auto progression is on
    return answer(request, order, status=201, headers={"Location": href})


async def patch_product_order(request: web.Request) -> web.Response:
    """200 with the patched order; nothing is stored unless every rule holds, the result within the
    size and depth budget (413, 400) included. The patch is applied again to the current order if
    another request wrote in between (`rewrite`)."""
    media_type, body = await read_json(request, PATCH_MEDIA_TYPES)
    limit = resource_limit(request.app[SETTINGS_KEY].max_body_bytes)

    def change(before: Resource) -> Resource:
        after = patched(before, media_type, body, limit)
        orders.check_read_only(PRODUCT_ORDER, before, after)
        require_valid(PRODUCT_ORDER.schema, after, SCHEMA_VERSION)
        check_state(PRODUCT_ORDER, before, after)
        after = orders.on_order_updated(before, after, now_text(request))
        bounded_json(after, limit)  # 413 past the budget, before anything is written
        return after

    try:
        changed = await rewrite(
            request.app[STORE_KEY],
            PRODUCT_ORDER.collection,
            lambda: find(request, PRODUCT_ORDER),
            change,
            partial(events.update_events, PRODUCT_ORDER),
        )
    except WriteConflict as exc:
        raise Conflict(f"{exc}: try again") from None
    if changed is None:  # deleted between the read and the write
        raise NotFound(f"No {PRODUCT_ORDER.segment} with id {request.match_info['id'][:MAX_ID_LENGTH]!r}")
    before, after = changed.before, changed.after
    publish_all(events_of(request), after, changed.events)
    if before.get("state") == OrderState.DRAFT:  # a submitted draft starts its walk
        progression(request).start(after)
    return answer(request, after)


async def delete_product_order(request: web.Request) -> web.Response:
    order = (await find(request, PRODUCT_ORDER)).resource()
    announced = events.deleted_events(PRODUCT_ORDER)
    if await request.app[STORE_KEY].delete(PRODUCT_ORDER.collection, order["id"], announced):
        publish_all(events_of(request), order, announced)
    return web.Response(status=204)


async def create_cancel_product_order(request: web.Request) -> web.Response:
    """201 with the task in its final state: `done`, or `rejected` when the order cannot be cancelled."""
    body = await read_object(request)
    require_valid(CANCEL_PRODUCT_ORDER.create_schema, body, SCHEMA_VERSION)
    orders.check_type(CANCEL_PRODUCT_ORDER, body)
    app = request.app
    order_id = str(body["productOrder"]["id"])
    order = (
        await read(app[STORE_KEY], PRODUCT_ORDER.collection, order_id)
        if len(order_id) <= MAX_ID_LENGTH
        else None
    )
    if order is None:
        raise InvalidInput(f"$.productOrder.id: no productOrder with id {order_id[:MAX_ID_LENGTH]!r}")
    task_id = app[NEW_ID_KEY]()
    href = f"{v5_url(request, CANCEL_PRODUCT_ORDER.segment)}/{task_id}"
    task = new_cancel_task(body, task_id=task_id, href=href, now=now_text(request))
    steps = Cancellation(app[STORE_KEY], events_of(request), lambda: now_text(request))
    return answer(request, await steps.run(task, order), status=201, headers={"Location": href})
