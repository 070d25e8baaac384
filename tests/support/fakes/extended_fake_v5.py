"""A small TMF622 v5 server for the v5 extended checks, correct by default, with faults that break one rule.

Independent of mock_server: productOrder (POST with fields and draft, GET list/by id, PATCH in the three
patch media types, DELETE), cancelProductOrder, hub and v5 events to the callback. `async` makes it answer
202 with a Location (an asynchronous server); the other switches are faults.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web
from jsonpatch import JsonPatch, JsonPatchException

from tests.support.fakes.extended_fake import BASE as V4_BASE
from tests.support.fakes.extended_fake import serving_app
from tests.support.fakes.fake_tmf622_v5 import BASE_PATH

SWITCHES = frozenset(
    {
        "async",  # POST, PATCH, DELETE and cancel answer 202 + Location (not a fault)
        "async_no_location",  # ... but without a Location
        "no_creation_date",
        "wrong_type",  # orders say @type "Order"
        "item_no_type",
        "ref_no_href",  # references are echoed without the href the profile requires in responses
        "list_405",
        "cancel_405",
        "create_200",
        "cancel_get_404",
        "hub_no_type",
        "hub_405",  # no notifications at all (not a fault: optional)
        "delete_405",  # no DELETE (not a fault: optional)
        "draft_400",  # no draft orders (not a fault: optional)
        "merge_patch_ignored",
        "json_patch_415",
        "json_patch_ignored",
        "query_patch_ignored",
        "draft_ignored",
        "delete_ignored",
        "fields_ignored",
        "hub_200",
        "event_no_time_occurred",
        "event_wrong_type",
        "no_state_event",
    }
)
MERGE, JSON_PATCH, QUERY = (
    "application/merge-patch+json",
    "application/json-patch+json",
    "application/json-patch-query+json",
)


def error(status: int, reason: str) -> web.Response:
    return web.json_response({"@type": "Error", "code": str(status), "reason": reason}, status=status)


#: The attributes a create must carry, per resource (TMF622 v5 conformance profile, POST mandatory).
MANDATORY = {
    "ProductOrder": (
        "@type",
        "productOrderItem",
        "productOrderItem.@type",
        "productOrderItem.action",
        "productOrderItem.id",
    ),
    "CancelProductOrder": ("@type", "productOrder", "productOrder.@type", "productOrder.id"),
    "Hub": ("@type", "callback"),
}
#: `accept:<Resource>.<path>` switches: the create of that resource wrongly accepts a body without it.
ACCEPT = frozenset(f"accept:{resource}.{path}" for resource, paths in MANDATORY.items() for path in paths)


def has(body: Any, path: str) -> bool:
    """`path` is in `body` (in every element of an array on the way)."""
    head, _, rest = path.partition(".")
    if isinstance(body, list):
        return bool(body) and all(has(item, path) for item in body)
    if not isinstance(body, dict) or body.get(head) is None:
        return False
    return has(body[head], rest) if rest else True


class ExtendedFakeV5:
    """State and handlers; `switches` turn behaviours wrong (or asynchronous)."""

    def __init__(self, switches: frozenset[str]) -> None:
        if unknown := switches - SWITCHES - ACCEPT:
            raise ValueError(f"unknown switches {sorted(unknown)}")
        self.on = switches
        self.orders: dict[str, dict[str, Any]] = {}
        self.tasks: dict[str, dict[str, Any]] = {}
        self.hubs: dict[str, str] = {}
        self._ids = itertools.count(1)
        self._pending: set[asyncio.Task[None]] = set()
        self.origin = "http://fake"

    def app(self) -> web.Application:
        app = web.Application()
        b = BASE_PATH
        app.router.add_post(f"{b}/productOrder", self.create)
        app.router.add_get(f"{b}/productOrder", self.list)
        app.router.add_get(f"{b}/productOrder/{{id}}", self.retrieve)
        app.router.add_patch(f"{b}/productOrder/{{id}}", self.patch)
        app.router.add_delete(f"{b}/productOrder/{{id}}", self.delete)
        app.router.add_post(f"{b}/cancelProductOrder", self.cancel)
        app.router.add_get(f"{b}/cancelProductOrder", self.list_tasks)
        app.router.add_get(f"{b}/cancelProductOrder/{{id}}", self.retrieve_task)
        app.router.add_post(f"{b}/hub", self.register)
        app.router.add_delete(f"{b}/hub/{{id}}", self.unregister)
        return app

    def missing(self, resource: str, body: Any) -> str | None:
        """The first mandatory attribute `body` lacks, unless an `accept:` switch lets the body through."""
        lacking = next((p for p in MANDATORY[resource] if not has(body, p)), None)
        return None if lacking is None or f"accept:{resource}.{lacking}" in self.on else lacking

    # --- representation -------------------------------------------------------------------------
    def shown(self, order: dict[str, Any], fields: str | None = None) -> dict[str, Any]:
        out = copy.deepcopy(order)
        if "no_creation_date" in self.on:
            out.pop("creationDate")
        if "wrong_type" in self.on:
            out["@type"] = "Order"
        for item in out.get("productOrderItem", []):
            if "item_no_type" in self.on:
                item.pop("@type", None)
        if "ref_no_href" in self.on:
            drop_hrefs(out)  # even those the client sent
        else:
            add_hrefs(out, self.origin)
        if fields and "fields_ignored" not in self.on:
            keep = {*fields.split(","), "id", "href", "@type"}
            out = {k: v for k, v in out.items() if k in keep}
        return out

    def answer(self, order: dict[str, Any], status: int, request: web.Request) -> web.Response:
        """The order, or a 202 naming it when asynchronous."""
        if {"async", "async_no_location"} & self.on:
            headers = {} if "async_no_location" in self.on else {"Location": order["href"]}
            return web.Response(status=202, headers=headers)
        return web.json_response(self.shown(order, request.query.get("fields")), status=status)

    # --- productOrder ---------------------------------------------------------------------------
    async def create(self, request: web.Request) -> web.Response:
        self.origin = f"{request.scheme}://{request.host}"
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return error(400, "not JSON")
        if lacking := self.missing("ProductOrder", body):
            return error(400, f"{lacking} is mandatory")
        if "draft_400" in self.on and body.get("requestedInitialState") == "draft":
            return error(400, "no draft orders here")
        number = next(self._ids)
        order_id = f"po-{number}"
        draft = body.get("requestedInitialState") == "draft" and "draft_ignored" not in self.on
        order = {
            **body,
            "id": order_id,
            "href": f"{self.origin}{BASE_PATH}/productOrder/{order_id}",
            "creationDate": f"2026-12-02T10:00:{number % 60:02d}Z",
            "state": "draft" if draft else "acknowledged",
        }
        for number, item in enumerate(order.get("productOrderItem", [])):
            if isinstance(item.get("product"), dict):  # the product instance the order item creates
                item["product"].setdefault("id", f"{order_id}-product-{number}")
        self.orders[order_id] = order
        self.notify("productOrderCreateEvent", order)
        return self.answer(order, 200 if "create_200" in self.on else 201, request)

    async def list(self, request: web.Request) -> web.Response:
        if "list_405" in self.on:
            return error(405, "no list")
        limit = int(request.query.get("limit", "100"))
        orders = list(self.orders.values())[-limit:]
        return web.json_response([self.shown(o, request.query.get("fields")) for o in orders])

    async def retrieve(self, request: web.Request) -> web.Response:
        order = self.orders.get(request.match_info["id"])
        if order is None:
            return error(404, "no such order")
        return web.json_response(self.shown(order, request.query.get("fields")))

    async def patch(self, request: web.Request) -> web.Response:
        order = self.orders.get(request.match_info["id"])
        if order is None:
            return error(404, "no such order")
        body = await request.json()
        try:
            changed = self.patched(order, request.content_type, body)
        except web.HTTPException as exc:
            return error(exc.status, exc.reason)
        before = dict(order)
        self.orders[order["id"]] = order = {**changed, "id": order["id"], "href": order["href"]}
        if order.get("state") != before.get("state") and "no_state_event" not in self.on:
            self.notify("productOrderStateChangeEvent", order)
        if {k: v for k, v in order.items() if k != "state"} != {
            k: v for k, v in before.items() if k != "state"
        }:
            self.notify("productOrderAttributeValueChangeEvent", order)
        return self.answer(order, 200, request)

    def patched(self, order: dict[str, Any], media: str, body: Any) -> dict[str, Any]:
        if media == MERGE:
            return order if "merge_patch_ignored" in self.on else {**order, **body}
        if media == JSON_PATCH and "json_patch_415" in self.on:
            raise web.HTTPUnsupportedMediaType(reason="no JSON Patch here")
        if media == JSON_PATCH:
            return order if "json_patch_ignored" in self.on else apply_patch(order, body)
        if media == QUERY:
            return order if "query_patch_ignored" in self.on else query_patch(order, body)
        raise web.HTTPUnsupportedMediaType(reason=f"{media} is not a patch media type")

    async def delete(self, request: web.Request) -> web.Response:
        order_id = request.match_info["id"]
        if order_id not in self.orders:
            return error(404, "no such order")
        if "delete_405" in self.on:
            return error(405, "no DELETE")
        if "delete_ignored" not in self.on:
            del self.orders[order_id]
        if {"async", "async_no_location"} & self.on:
            return web.Response(status=202)
        return web.Response(status=204)

    # --- cancelProductOrder and hub -------------------------------------------------------------
    async def cancel(self, request: web.Request) -> web.Response:
        if "cancel_405" in self.on:
            return error(405, "no cancellation")
        body = await request.json()
        if lacking := self.missing("CancelProductOrder", body):
            return error(400, f"{lacking} is mandatory")
        task_id = f"cpo-{next(self._ids)}"
        href = f"{self.origin}{BASE_PATH}/cancelProductOrder/{task_id}"
        self.tasks[task_id] = task = {**body, "id": task_id, "href": href, "state": "acknowledged"}
        if "ref_no_href" in self.on:
            drop_hrefs(task)
        else:
            add_hrefs(task, self.origin)
        if {"async", "async_no_location"} & self.on:
            return web.Response(
                status=202, headers={} if "async_no_location" in self.on else {"Location": href}
            )
        return web.json_response(task, status=201)

    async def list_tasks(self, request: web.Request) -> web.Response:
        return web.json_response(list(self.tasks.values()))

    async def retrieve_task(self, request: web.Request) -> web.Response:
        task = None if "cancel_get_404" in self.on else self.tasks.get(request.match_info["id"])
        return web.json_response(task) if task else error(404, "no such task")

    async def register(self, request: web.Request) -> web.Response:
        if "hub_405" in self.on:
            return error(405, "no notifications")
        body = await request.json()
        if lacking := self.missing("Hub", body):
            return error(400, f"{lacking} is mandatory")
        hub_id = f"hub-{next(self._ids)}"
        self.hubs[hub_id] = str(body.get("callback"))
        hub = {
            "@type": "Hub",
            "id": hub_id,
            "href": f"{self.origin}{BASE_PATH}/hub/{hub_id}",
            "callback": body.get("callback"),
        }
        if "hub_no_type" in self.on:
            del hub["@type"]
        return web.json_response(hub, status=200 if "hub_200" in self.on else 201)

    async def unregister(self, request: web.Request) -> web.Response:
        found = self.hubs.pop(request.match_info["id"], None)
        return web.Response(status=204) if found else error(404, "no such hub")

    # --- events ---------------------------------------------------------------------------------
    def notify(self, name: str, order: dict[str, Any]) -> None:
        event_type = name[0].upper() + name[1:]
        envelope = {
            "@type": "ProductOrderEvent" if "event_wrong_type" in self.on else event_type,
            "eventId": f"ev-{next(self._ids)}",
            "eventType": event_type,
            "eventTime": datetime.now(UTC).isoformat(),
            "timeOccurred": datetime.now(UTC).isoformat(),
            "source": {"@type": "EntityRef", "id": "fake-tmf622-v5", "href": self.origin},
            "event": {"productOrder": self.shown(order)},
        }
        if "event_no_time_occurred" in self.on:
            del envelope["timeOccurred"]
        for callback in list(self.hubs.values()):
            task = asyncio.get_running_loop().create_task(self._post(f"{callback}/listener/{name}", envelope))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def _post(self, url: str, envelope: dict[str, Any]) -> None:
        with contextlib.suppress(aiohttp.ClientError):  # a bad callback (wrongly accepted) gets nothing
            async with aiohttp.ClientSession() as session, session.post(url, json=envelope) as response:
                await response.read()


def add_hrefs(value: Any, origin: str) -> None:
    """Give every nested entity reference (an object with an id, below the top) an href, as a server does."""
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    for child in children:
        if isinstance(child, dict) and "id" in child and "href" not in child:
            child["href"] = f"{origin}/ref/{child['id']}"
        add_hrefs(child, origin)


def drop_hrefs(value: Any) -> None:
    """Remove the href of every nested reference (the `ref_no_href` fault)."""
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    for child in children:
        if isinstance(child, dict):
            child.pop("href", None)
        drop_hrefs(child)


def apply_patch(order: dict[str, Any], operations: Any) -> dict[str, Any]:
    try:
        return JsonPatch(operations).apply(order)  # type: ignore[no-any-return]
    except (JsonPatchException, TypeError) as exc:
        raise web.HTTPBadRequest(reason=str(exc)) from None


def query_patch(order: dict[str, Any], operations: Any) -> dict[str, Any]:
    """JSON Patch Query, just `add` to `/productOrderItem/<member>?productOrderItem.id=<id>`."""
    out = copy.deepcopy(order)
    for op in operations:
        path, _, query = op["path"].partition("?")
        _, collection, member = path.split("/")
        wanted = query.partition("=")[2]
        for item in out.get(collection, []):
            if str(item.get("id")) == wanted:
                item[member] = op["value"]
    return out


@contextmanager
def serving_v5(*switches: str) -> Iterator[tuple[str, ExtendedFakeV5]]:
    """Serve the fake with `switches` on a free loopback port; yield (API root with "/", the fake)."""
    fake = ExtendedFakeV5(frozenset(switches))
    with serving_app(fake.app()) as url:
        yield url.replace(V4_BASE, BASE_PATH), fake
