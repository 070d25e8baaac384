"""The one TMF622 v5 server the suite's tests run against: correct by default, broken on purpose by defects.

Independent of mock_server. A `V5Config` says what differs between its uses (ids, seeded orders, dates,
routes, filters, what a create checks) and names the defects a test may switch on; two configs are the
servers the tests run:
- `KIT`: what the v5 kit's 14 requests touch (create, list with `fields` and the three filters, retrieve),
  answering both `/productOrder` and the `/productOrder/` the official kit sends, with faults that break
  them, among them answers as Cypress's request code reads them (issue 21: labels, shapes, routing);
- `EXTENDED`: the whole API the v5 extended checks use (PATCH in the three patch media types, DELETE,
  cancelProductOrder, hub and v5 events); `async` makes it answer 202 with a Location (an asynchronous
  server), the other switches are faults, the `accept:` ones a create that lets a mandatory attribute go.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web
from jsonpatch import JsonPatch, JsonPatchException

from tests.support.app_thread import serving_app
from tests.support.fakes.shared import HTML, log_requests, selected

BASE_PATH = "/tmf-api/productOrderingManagement/v5"
MERGE, JSON_PATCH, QUERY = (
    "application/merge-patch+json",
    "application/json-patch+json",
    "application/json-patch-query+json",
)
ERROR = {"@type": "Error", "code": "404", "reason": "not found"}


@dataclass(frozen=True)
class V5Config:
    """What differs between the uses of the fake; everything else is one behaviour."""

    #: The defects a test may switch on (parametrized tests take their ids from them, sorted).
    defects: frozenset[str]
    id_prefix: str = "order-"
    #: The orders there before the run, as on any live deployment.
    seeded: tuple[Mapping[str, Any], ...] = ()
    #: The creationDate of the n-th order made.
    creation_date: Callable[[int], str] = lambda n: f"2026-12-02T10:00:0{n % 10}.000Z"
    #: Query parameters that filter the list by equality (TMF630); others are ignored.
    filters: tuple[str, ...] = ()
    #: `/productOrder/` (the official kit's URLs) routed beside `/productOrder`.
    slash_routes: bool = False
    #: The whole API of the extended checks: a create checked for its mandatory attributes (and draft),
    #: nested references given an href, PATCH, cancelProductOrder, hub and events.
    extended_api: bool = False


#: The v5 kit's requests and faults that break them.
KIT = V5Config(
    defects=frozenset(
        {
            "create_status_200",  # POST answers 200 instead of 201
            "create_without_id",  # the create's answer has no id (the order exists, under an id nobody knows)
            "state_not_a_string",  # `state` is a number everywhere (invalid for both verdicts)
            "creation_date_not_a_date",  # `creationDate` is "yesterday": only formats catch it
            "characteristic_value_mismatch",  # a StringCharacteristic's value is a number (dispatch sees it)
            "product_as_ref",  # items carry a ProductRef (id): valid, ambiguous without dispatch
            "state_progresses",  # reads show state inProgress although the create said acknowledged
            "related_party_role_changes",  # reads show another relatedParty role (a dotted mandatory key)
            "filters_return_nothing",  # every filter (?state=, ?creationDate=, ...) answers []
            "list_hides_created",  # the unfiltered list (with or without fields) leaves the created order out
            "no_trailing_slash",  # `/productOrder/` is not found (only `/productOrder`)
            "bad_filter_value_400",  # a filter value that is not a date is refused with 400
            "completion_date_set",  # the create already sets completionDate (so the filter on it has a value)
            "retrieve_not_json",  # GET by id (no query) answers text/plain
            "retrieve_other_order",  # GET by id answers the seeded order, whatever the id
            "json_as_text_plain",  # every GET labels its JSON text/plain (Cypress leaves it a string)
            "json_as_octet_stream",  # every GET answers its JSON labelled application/octet-stream
            "json_as_text_json",  # every GET answers its JSON labelled text/json (ends in json: parsed)
            "json_as_vendor_json",  # every GET answers application/vnd.tmf+json; charset=utf-8 (parsed)
            "create_empty_body",  # the POST answers 201 with an empty body
            "create_null",  # the POST answers 201 with the JSON value null
            "create_array",  # the POST answers 201 with the created order inside an array
            "create_text_plain",  # the POST answers its JSON labelled text/plain (a POST parses it anyway)
            "create_html",  # the POST answers 201 with an HTML page
            "create_error_body",  # the POST answers 201 with a TMF Error object
            "list_null_element",  # lists hold a null element besides the orders
            "list_as_object",  # the list endpoint answers one object (the newest order) instead of an array
            "list_empty",  # every list is empty
            "list_html",  # every list answers 200 with an HTML page
            "list_broken_json",  # every list answers application/json with a truncated body
            "list_duplicate_created",  # the created order is listed twice, the second copy with another state
            "wrong_type",  # the root @type is "Order" in every answer
            "state_null",  # reads show state null
            "reads_without_href",  # reads leave href out
            "trailing_slash_only",  # only `/productOrder/` is routed (the kit's URLs), not `/productOrder`
            "redirect_to_slash",  # `/productOrder` answers 301 to `/productOrder/`
            "redirect_from_slash",  # `/productOrder/` answers 301 to `/productOrder` (every method)
            "id_number",  # ids are numbers (a JSON number where the schema says string)
            "id_null",  # the created order's id is null
            "retrieve_missing_as_200",  # GET by id finds nothing and says so with a TMF Error and HTTP 200
            "retrieve_missing_as_500",  # GET by id finds nothing and says so with a TMF Error and HTTP 500
            "retrieve_missing",  # GET by id finds nothing: 404
            "retrieve_array",  # GET by id answers the order inside an array
            "retrieve_null",  # GET by id answers the JSON value null
            "reads_500",  # every GET answers 500 with a TMF Error
        }
    ),
    seeded=(
        {
            "@type": "ProductOrder",
            "state": "completed",
            "productOrderItem": [{"@type": "ProductOrderItem", "id": "1", "action": "add"}],
        },
    ),
    filters=("completionDate", "creationDate", "state"),
    slash_routes=True,
)
#: Faults that change the Content-Type of GET answers, and the label they give.
LABELS = {
    "json_as_text_plain": "text/plain",
    "json_as_octet_stream": "application/octet-stream",
    "json_as_text_json": "text/json",
    "json_as_vendor_json": "application/vnd.tmf+json; charset=utf-8",
}
#: Faults under which GET by id finds nothing, and the status they answer that with.
MISSING = {"retrieve_missing": 404, "retrieve_missing_as_200": 200, "retrieve_missing_as_500": 500}
DATE_FILTERS = frozenset({"completionDate", "creationDate"})

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
EXTENDED_SWITCHES = frozenset(
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
EXTENDED = V5Config(
    defects=EXTENDED_SWITCHES | ACCEPT,
    id_prefix="po-",
    creation_date=lambda n: f"2026-12-02T10:00:{n % 60:02d}Z",
    extended_api=True,
)


def error(status: int, reason: str) -> web.Response:
    """A TMF Error answer."""
    return web.json_response({"@type": "Error", "code": str(status), "reason": reason}, status=status)


def has(body: Any, path: str) -> bool:
    """`path` is in `body` (in every element of an array on the way)."""
    head, _, rest = path.partition(".")
    if isinstance(body, list):
        return bool(body) and all(has(item, path) for item in body)
    if not isinstance(body, dict) or body.get(head) is None:
        return False
    return has(body[head], rest) if rest else True


class FakeV5:
    """State and handlers; `defects` (of `config.defects`) turn behaviours wrong (or asynchronous)."""

    def __init__(self, config: V5Config, defects: frozenset[str]) -> None:
        if unknown := defects - config.defects:
            raise ValueError(f"unknown faults {sorted(unknown)}")
        self.config = config
        self.on = defects
        self.orders: dict[str, dict[str, Any]] = {}
        self.tasks: dict[str, dict[str, Any]] = {}
        self.hubs: dict[str, str] = {}
        self.requests: list[str] = []  # `METHOD raw path` of every request, routed or not
        self.headers_seen: list[dict[str, str]] = []
        self.bodies_seen: list[Any] = []
        self.origin = "http://fake"
        self._ids = itertools.count(1)
        self._pending: set[asyncio.Task[None]] = set()
        for body in config.seeded:
            self._store(body, str(body.get("state", "acknowledged")))

    def app(self) -> web.Application:
        """The aiohttp application: each route with and without the trailing slash when configured."""
        app = web.Application(middlewares=[log_requests(self.requests, self.headers_seen, raw=True)])
        for slash in ("", "/") if self.config.slash_routes else ("",):
            self._route(app, slash)
        if self.config.extended_api:
            for method, path, handler in [
                ("PATCH", "productOrder/{id}", self.patch),
                ("POST", "cancelProductOrder", self.cancel),
                ("GET", "cancelProductOrder", self.list_tasks),
                ("GET", "cancelProductOrder/{id}", self.retrieve_task),
                ("POST", "hub", self.register),
                ("DELETE", "hub/{id}", self.unregister),
            ]:
                app.router.add_route(method, f"{BASE_PATH}/{path}", handler)
        return app

    def _route(self, app: web.Application, slash: str) -> None:
        base = f"{BASE_PATH}/productOrder"
        if ("redirect_from_slash" if slash else "redirect_to_slash") in self.on:
            app.router.add_route("*", f"{base}{slash}", self.redirect)
            app.router.add_route("*", f"{base}/{{id}}{slash}", self.redirect)
        elif ("no_trailing_slash" if slash else "trailing_slash_only") not in self.on:
            app.router.add_post(f"{base}{slash}", self.create)
            app.router.add_get(f"{base}{slash}", self.list)
            app.router.add_get(f"{base}/{{id}}{slash}", self.retrieve)
            app.router.add_delete(f"{base}/{{id}}{slash}", self.delete)

    async def redirect(self, request: web.Request) -> web.Response:
        """301 to the same path with the trailing slash added or removed, query kept."""
        path = request.path[:-1] if request.path.endswith("/") else request.path + "/"
        raise web.HTTPMovedPermanently(path + (f"?{request.query_string}" if request.query_string else ""))

    def _store(self, body: Mapping[str, Any], state: str) -> dict[str, Any]:
        number = next(self._ids)
        order_id = f"{self.config.id_prefix}{number}"
        order = {
            **copy.deepcopy(dict(body)),
            "id": number if "id_number" in self.on else order_id,
            "href": f"{self.origin}{BASE_PATH}/productOrder/{order_id}",
            "creationDate": self.config.creation_date(number),
            "state": state,
        }
        if "completion_date_set" in self.on:
            order["completionDate"] = order["creationDate"]
        for position, item in enumerate(order.get("productOrderItem", [])):
            if self.config.extended_api and isinstance(item.get("product"), dict):
                item["product"].setdefault("id", f"{order_id}-product-{position}")  # what the item creates
        self.orders[str(order["id"])] = order
        return order

    def missing(self, resource: str, body: Any) -> str | None:
        """The first mandatory attribute `body` lacks, unless an `accept:` switch lets the body through."""
        lacking = next((p for p in MANDATORY[resource] if not has(body, p)), None)
        return None if lacking is None or f"accept:{resource}.{lacking}" in self.on else lacking

    # --- representation -------------------------------------------------------------------------
    def shown(
        self, order: dict[str, Any], fields: str | None = None, created: bool = False
    ) -> dict[str, Any]:
        """The order as the server represents it, defects applied (reads may differ from the create)."""
        out = copy.deepcopy(order)
        read = not created
        changes = {
            "state_not_a_string": ("state", 1),
            "creation_date_not_a_date": ("creationDate", "yesterday"),
            "wrong_type": ("@type", "Order"),
        }
        for defect, (key, value) in changes.items():
            if defect in self.on:
                out[key] = value
        if read and "state_progresses" in self.on and out["state"] == "acknowledged":
            out["state"] = "inProgress"
        if read and "state_null" in self.on:
            out["state"] = None
        if read and "reads_without_href" in self.on:
            del out["href"]
        if "no_creation_date" in self.on:
            del out["creationDate"]
        if read and "related_party_role_changes" in self.on:
            for party in out.get("relatedParty", []):
                party["role"] = "Seller"
        for item in out.get("productOrderItem", []):
            self._item(item)
        if self.config.extended_api:
            drop_hrefs(out) if "ref_no_href" in self.on else add_hrefs(out, self.origin)
        if fields and "fields_ignored" not in self.on:
            out = selected(out, fields, {"id", "href", "@type"})
        return out

    def _item(self, item: dict[str, Any]) -> None:
        if "item_no_type" in self.on:
            item.pop("@type", None)
        if "characteristic_value_mismatch" in self.on:
            for characteristic in item.get("product", {}).get("productCharacteristic", []):
                characteristic["value"] = 1000
        if "product_as_ref" in self.on and "product" in item:
            item["product"] = {"@type": "ProductRef", "id": "P-1", "name": "Fibre access line"}

    def _json(self, body: Any, status: int = 200) -> web.Response:
        """A read's JSON answer, labelled as the content-type defects say (the extended server: aiohttp's)."""
        if self.config.extended_api:
            return web.json_response(body, status=status)
        label = next((LABELS[f] for f in sorted(self.on & LABELS.keys())), "application/json")
        return web.Response(text=json.dumps(body), status=status, headers={"Content-Type": label})

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
        self.bodies_seen.append(body)
        if not self.config.extended_api:
            order = self._store(body, body.get("state", "acknowledged"))
            return self._created(self.shown(order, created=True))
        if lacking := self.missing("ProductOrder", body):
            return error(400, f"{lacking} is mandatory")
        if "draft_400" in self.on and body.get("requestedInitialState") == "draft":
            return error(400, "no draft orders here")
        draft = body.get("requestedInitialState") == "draft" and "draft_ignored" not in self.on
        order = self._store(body, "draft" if draft else "acknowledged")
        self.notify("productOrderCreateEvent", order)
        return self.answer(order, 200 if "create_200" in self.on else 201, request)

    def _created(self, shown: dict[str, Any]) -> web.Response:
        """The kit's POST answer, as the create faults shape it."""
        status = 200 if "create_status_200" in self.on else 201
        if "create_without_id" in self.on:
            del shown["id"]
        if "id_null" in self.on:
            shown["id"] = None
        if "create_empty_body" in self.on:
            return web.Response(status=status, content_type="application/json")
        if "create_html" in self.on:
            return web.Response(text=HTML, status=status, content_type="text/html")
        if "create_text_plain" in self.on:
            return web.Response(text=json.dumps(shown), status=status, content_type="text/plain")
        body: Any = shown
        if "create_null" in self.on:
            body = None
        elif "create_array" in self.on:
            body = [shown]
        elif "create_error_body" in self.on:
            body = {**ERROR, "code": "500", "reason": "created, but"}
        return web.json_response(body, status=status)

    async def list(self, request: web.Request) -> web.Response:
        if "list_405" in self.on:
            return error(405, "no list")
        if refused := self._bad_filter(request):
            return refused
        orders = list(self.orders.values())
        if "list_hides_created" in self.on and not set(self.config.filters) & set(request.query):
            orders = orders[:1]
        orders = [o for o in orders if self._matches(o, request.query)]
        orders = orders[-int(request.query.get("limit", "100")) :]
        return self._list_answer([self.shown(o, request.query.get("fields")) for o in orders])

    def _list_answer(self, shown: list[Any]) -> web.Response:
        if "list_html" in self.on:
            return web.Response(text=HTML, content_type="text/html")
        if "list_broken_json" in self.on:
            return web.Response(text=json.dumps(shown)[:20], content_type="application/json")
        if "reads_500" in self.on:
            return web.json_response({**ERROR, "code": "500", "reason": "down"}, status=500)
        if "list_empty" in self.on:
            shown = []
        if "list_duplicate_created" in self.on and shown:
            shown.append({**shown[-1], "state": "held"})
        if "list_null_element" in self.on:
            shown.insert(len(shown) // 2, None)
        if "list_as_object" in self.on:
            return self._json(shown[-1] if shown else ERROR)
        return self._json(shown)

    def _bad_filter(self, request: web.Request) -> web.Response | None:
        if "bad_filter_value_400" not in self.on:
            return None
        if any(not request.query[name][:1].isdigit() for name in DATE_FILTERS & set(request.query)):
            return web.json_response({"@type": "Error", "code": "400", "reason": "not a date"}, status=400)
        return None

    def _matches(self, order: dict[str, Any], query: Any) -> bool:
        wanted = {name: query[name] for name in self.config.filters if name in query}
        if wanted and "filters_return_nothing" in self.on:
            return False
        shown = self.shown(order)
        return all(str(shown.get(name)) == value for name, value in wanted.items())

    async def retrieve(self, request: web.Request) -> web.Response:
        order = self.orders.get(request.match_info["id"])
        if "retrieve_other_order" in self.on:
            order = next(iter(self.orders.values()))
        if MISSING.keys() & self.on:
            order = None
        if "reads_500" in self.on:
            return web.json_response({**ERROR, "code": "500", "reason": "down"}, status=500)
        if order is None and self.config.extended_api:
            return error(404, "no such order")
        if order is None:
            return self._json(ERROR, next((MISSING[f] for f in self.on & MISSING.keys()), 404))
        if "retrieve_not_json" in self.on and not request.query:
            return web.Response(text=f"order {order['id']}", content_type="text/plain")
        shown = self.shown(order, request.query.get("fields"))
        if "retrieve_null" in self.on:
            return self._json(None)
        return self._json([shown] if "retrieve_array" in self.on else shown)

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
        drop_hrefs(task) if "ref_no_href" in self.on else add_hrefs(task, self.origin)
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
def serving(*defects: str, config: V5Config = KIT, timeout_s: float = 10.0) -> Iterator[tuple[str, FakeV5]]:
    """Serve the fake configured by `config` with `defects` on a free loopback port in a thread; yield
    (API root ending in '/', the fake)."""
    fake = FakeV5(config, frozenset(defects))
    with serving_app(fake.app(), BASE_PATH, timeout_s) as url:
        yield url, fake
