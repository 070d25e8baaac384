"""A small TMF622 server that the extended checks talk to, with faults that each break one spec rule.

Independent of mock_server: productOrder (POST, GET list with fields/filters/paging, GET, PATCH,
DELETE), cancelProductOrder (POST, GET), hub (POST, DELETE) and notifications to the callback.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
from aiohttp import web

from tests.support.app_thread import serving_app

BASE = "/tmf-api/productOrderingManagement/v4"
ACTIONS = {"add", "modify", "delete", "noChange"}
STATES = {"acknowledged", "rejected", "pending", "held", "inProgress", "cancelled", "completed"}
#: Conforming alternatives (nothing may fail): a 206 with a Link header for each partial page (TMF630).
VARIANTS = frozenset({"partial_206"})

#: fault -> the extended checks it must make fail (and only those).
FAULTS: dict[str, set[str]] = {
    "create_200": {"TMF622B-M-POST-201"},
    # No order id: the checks about the create fail; those that need its order are not run (issue 9).
    "create_500": {"TMF622B-M-POST-201", "TMF622B-M-POST-LOCATION", "TMF622B-M-ATTRS"},
    "location_differs": {"TMF622B-M-POST-LOCATION"},
    # No state: ATTRS fails; the state filters are not run (no state to filter on); the fields checks
    # select two other attributes the order holds, and pass.
    "no_state": {"TMF622B-M-ATTRS"},
    "get_returns_other": {"TMF622B-M-GET-200", "TMF622B-M-FIELDS-RETRIEVE", "TMF622B-O-PATCH-MERGE"},
    "not_found_empty": {"TMF622B-M-GET-404", "TMF622-v4-SCHEMA-M", "TMF622-v4-SCHEMA-O"},
    "fields_ignored": {"TMF622B-M-FIELDS-LIST", "TMF622B-M-FIELDS-RETRIEVE"},
    "filter_ignored": {
        "TMF622B-M-FILTER-ID",
        "TMF622B-M-FILTER-ATTR",
        "TMF622B-M-FILTER-AND",
        "TMF622B-M-FILTER-UNKNOWN",
        "TMF622B-O-FILTER-SUB",
        "TMF630-O-COUNT-HEADERS",
    },
    "second_filter_ignored": {"TMF622B-M-FILTER-AND", "TMF622B-O-FILTER-SUB"},
    "sub_filter_ignored": {"TMF622B-O-FILTER-SUB"},
    # The order wrongly created is then listed, next to the paging check's own order: both sweeps see it.
    "accepts_no_item": {"TMF622B-M-POST-NO-ITEM", "TMF622-v4-SCHEMA-M", "TMF622-v4-SCHEMA-O"},
    "accepts_bad_action": {"TMF622B-M-POST-BAD-ACTION", "TMF622-v4-SCHEMA-M", "TMF622-v4-SCHEMA-O"},
    "malformed_500": {"TMF622-v4-POST-MALFORMED"},
    "invalid_order_date": {
        "TMF622-v4-SCHEMA-M",
        "TMF622-v4-SCHEMA-O",
        "TMF622-v4-EVENT-CREATE",
        "TMF622-v4-EVENT-CHANGE",
    },
    "text_content_type": {"TMF622-v4-JSON-M", "TMF622-v4-JSON-O"},
    "wrong_counts": {"TMF630-O-COUNT-HEADERS"},
    "paging_ignored": {"TMF630-O-PAGING"},
    "patch_ignored": {"TMF622B-O-PATCH-MERGE", "TMF622-v4-EVENT-CHANGE"},
    "patch_unknown_200": {"TMF622B-O-PATCH-404"},
    "delete_ignored": {"TMF622B-O-DELETE-204"},
    "delete_unknown_204": {"TMF622B-O-DELETE-404"},
    "cancel_500": {"TMF622-v4-CANCEL-201", "TMF622-v4-CANCEL-UNKNOWN"},
    "hub_200": {"TMF622-v4-HUB-201"},
    "no_notifications": {"TMF622-v4-EVENT-CREATE", "TMF622-v4-EVENT-CHANGE"},
    "wrong_event_type": {"TMF622-v4-EVENT-CREATE"},
    "unhub_405": {"TMF622-v4-HUB-DELETE"},
    "method_405_html": {"TMF622-v4-METHOD-405"},
    "cancel_unknown_201": {"TMF622-v4-CANCEL-UNKNOWN"},
    "unknown_filter_500": {"TMF622B-M-FILTER-UNKNOWN"},
    "bad_link": {"TMF630-O-PAGING"},
    # `"status": 404` (a number) in every Error: each check that reads an Error body fails.
    "error_status_number": {
        "TMF622B-M-GET-404",
        "TMF622B-M-POST-NO-ITEM",
        "TMF622B-M-POST-BAD-ACTION",
        "TMF622-v4-POST-MALFORMED",
        "TMF622-v4-SCHEMA-M",
        "TMF622B-O-PATCH-404",
        "TMF622B-O-DELETE-404",
        "TMF622-v4-CANCEL-UNKNOWN",
        "TMF622-v4-METHOD-405",
        "TMF622-v4-ERROR-TYPES",
        "TMF622-v4-SCHEMA-O",
    },
}


def error(status: int, reason: str) -> web.Response:
    return web.json_response({"code": str(status), "reason": reason}, status=status)


class ExtendedFake:
    """State and handlers; `faults` switch behaviours off or wrong."""

    def __init__(self, faults: frozenset[str]) -> None:
        if unknown := faults - FAULTS.keys() - VARIANTS:
            raise ValueError(f"unknown faults {sorted(unknown)}")
        self.faults = faults
        self.orders: dict[str, dict[str, Any]] = {}
        self.tasks: dict[str, dict[str, Any]] = {}
        self.hub: dict[str, str] = {}
        self._ids = itertools.count(1)
        self._pending: set[asyncio.Task[None]] = set()
        self._client: aiohttp.ClientSession | None = None
        self.origin = "http://fake"
        # Another customer's order, in another state: an ignored filter shows up.
        self._store({"productOrderItem": [{"id": "9", "action": "modify"}]}, state="completed")

    def _store(self, body: dict[str, Any], state: str = "acknowledged") -> dict[str, Any]:
        number = next(self._ids)
        order_id = f"po-{number}"
        order = {**body, "id": order_id, "href": f"{self.origin}{BASE}/productOrder/{order_id}"}
        order["orderDate"] = (
            "yesterday" if "invalid_order_date" in self.faults else f"2026-11-27T10:00:{number:02d}Z"
        )
        if "no_state" not in self.faults:
            order["state"] = state
        self.orders[order_id] = order
        return order

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._errors])
        app.router.add_post(f"{BASE}/productOrder", self.create)
        app.router.add_get(f"{BASE}/productOrder", self.list)
        app.router.add_get(f"{BASE}/productOrder/{{id}}", self.retrieve)
        app.router.add_patch(f"{BASE}/productOrder/{{id}}", self.patch)
        app.router.add_delete(f"{BASE}/productOrder/{{id}}", self.delete)
        app.router.add_post(f"{BASE}/cancelProductOrder", self.cancel)
        app.router.add_get(f"{BASE}/cancelProductOrder/{{id}}", self.cancel_retrieve)
        app.router.add_post(f"{BASE}/hub", self.subscribe)
        app.router.add_delete(f"{BASE}/hub/{{id}}", self.unsubscribe)
        app.on_cleanup.append(self._close)
        return app

    @web.middleware
    async def _errors(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """An unsupported method answers a TMF Error with Allow (RFC 9110 section 15.5.6), unless the
        `method_405_html` fault keeps aiohttp's text page; `error_status_number` breaks every Error."""
        try:
            response: web.StreamResponse = await handler(request)
        except web.HTTPMethodNotAllowed as exc:
            if "method_405_html" in self.faults:
                raise
            response = error(405, "method not allowed")
            response.headers["Allow"] = ",".join(sorted(exc.allowed_methods))
        if (
            "error_status_number" in self.faults
            and response.status >= 400
            and isinstance(response, web.Response)
        ):
            body = json.loads(response.body) if response.body else None  # type: ignore[arg-type]
            if isinstance(body, dict):
                response.body = json.dumps({**body, "status": response.status}).encode()
        return response

    def _json(self, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
        media = "text/plain" if "text_content_type" in self.faults else "application/json"
        return web.Response(text=json.dumps(body), status=status, headers=headers, content_type=media)

    async def create(self, request: web.Request) -> web.Response:
        try:
            body = json.loads(await request.read())
        except ValueError:
            return error(500 if "malformed_500" in self.faults else 400, "not JSON")
        if problem := self._invalid(body):
            return error(400, problem)
        if "create_500" in self.faults:
            return error(500, "broken on purpose")
        self.origin = f"{request.scheme}://{request.host}"
        order = self._store(body)
        href = order["href"] + ("-elsewhere" if "location_differs" in self.faults else "")
        self._notify("productOrderCreateEvent", order)
        status = 200 if "create_200" in self.faults else 201
        return self._json(order, status=status, headers={"Location": href})

    def _invalid(self, body: Any) -> str | None:
        if not isinstance(body, dict):
            return "not an object"
        items = body.get("productOrderItem")
        if not isinstance(items, list):
            return None if "accepts_no_item" in self.faults else "productOrderItem missing"
        bad = [i for i in items if not isinstance(i, dict) or i.get("action") not in ACTIONS]
        return "bad action" if bad and "accepts_bad_action" not in self.faults else None

    async def list(self, request: web.Request) -> web.Response:
        query = request.query
        if "unknown_filter_500" in self.faults and query.get("state", "acknowledged") not in STATES:
            return error(500, "broken on purpose")
        orders = [o for o in self.orders.values() if self._matches(o, query)]
        orders.reverse()  # newest first
        total = len(orders)
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 1000))
        if "paging_ignored" not in self.faults:
            orders = orders[offset : offset + limit]
        orders = [self._select(o, query.get("fields")) for o in orders]
        shown = len(orders) + (1 if "wrong_counts" in self.faults else 0)
        headers = {"X-Total-Count": str(total), "X-Result-Count": str(shown)}
        partial = {"partial_206", "bad_link"} & self.faults and len(orders) < total
        if partial:
            url = f"{self.origin}{BASE}/productOrder?offset={offset + limit}&limit={limit}"
            headers["Link"] = f"{url}; next" if "bad_link" in self.faults else f'<{url}>; rel="next"'
        return self._json(orders, status=206 if partial else 200, headers=headers)

    def _matches(self, order: dict[str, Any], query: Any) -> bool:
        filters = [(k, v) for k, v in query.items() if k not in {"fields", "offset", "limit"}]
        if "filter_ignored" in self.faults:
            return True
        if "second_filter_ignored" in self.faults:
            filters = filters[:1]
        for name, wanted in filters:
            if "." in name:
                if "sub_filter_ignored" in self.faults:
                    continue
                head, tail = name.split(".", 1)
                values = [i.get(tail) for i in order.get(head, []) if isinstance(i, dict)]
                if wanted not in values:
                    return False
            elif order.get(name) != wanted:
                return False
        return True

    def _select(self, order: dict[str, Any], fields: str | None) -> dict[str, Any]:
        if fields is None or "fields_ignored" in self.faults:
            return order
        keep = {*fields.split(","), "id", "href"}
        return {k: v for k, v in order.items() if k in keep}

    async def retrieve(self, request: web.Request) -> web.Response:
        order = self.orders.get(request.match_info["id"])
        if order is None:
            return web.Response(status=404) if "not_found_empty" in self.faults else error(404, "not found")
        if "get_returns_other" in self.faults:
            order = next(iter(self.orders.values()))
        return self._json(self._select(order, request.query.get("fields")))

    async def patch(self, request: web.Request) -> web.Response:
        order = self.orders.get(request.match_info["id"])
        if order is None:
            if "patch_unknown_200" in self.faults:
                return self._json(next(iter(self.orders.values())))
            return error(404, "not found")
        changes = json.loads(await request.read())
        if "patch_ignored" not in self.faults:
            order.update(changes)
            self._notify("productOrderAttributeValueChangeEvent", order)
        return self._json(order)

    async def delete(self, request: web.Request) -> web.Response:
        order_id = request.match_info["id"]
        if order_id not in self.orders:
            return (
                web.Response(status=204) if "delete_unknown_204" in self.faults else error(404, "not found")
            )
        if "delete_ignored" not in self.faults:
            del self.orders[order_id]
        return web.Response(status=204)

    async def cancel(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        if "cancel_500" in self.faults:
            return error(500, "broken on purpose")
        reference = body.get("productOrder") if isinstance(body, dict) else None
        known = isinstance(reference, dict) and reference.get("id") in self.orders
        if not known and "cancel_unknown_201" not in self.faults:
            return error(400, "no such productOrder")
        task_id = f"cpo-{next(self._ids)}"
        href = f"{self.origin}{BASE}/cancelProductOrder/{task_id}"
        task = {**body, "id": task_id, "href": href, "state": "acknowledged"}
        self.tasks[task_id] = task
        return self._json(task, status=201, headers={"Location": href})

    async def cancel_retrieve(self, request: web.Request) -> web.Response:
        task = self.tasks.get(request.match_info["id"])
        return self._json(task) if task else error(404, "not found")

    async def subscribe(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        subscription_id = f"sub-{next(self._ids)}"
        self.hub[subscription_id] = body["callback"]
        answer = {"id": subscription_id, "callback": body["callback"]}
        return self._json(answer, status=200 if "hub_200" in self.faults else 201)

    async def unsubscribe(self, request: web.Request) -> web.Response:
        if "unhub_405" in self.faults:
            return error(405, "not allowed")
        if self.hub.pop(request.match_info["id"], None) is None:
            return error(404, "not found")
        return web.Response(status=204)

    def _notify(self, name: str, order: dict[str, Any]) -> None:
        if "no_notifications" in self.faults:
            return
        event_type = name[0].upper() + name[1:]
        if "wrong_event_type" in self.faults and name == "productOrderCreateEvent":
            event_type = "ProductOrderStateChangeEvent"
        envelope = {
            "eventId": f"ev-{next(self._ids)}",
            "eventTime": "2026-11-27T10:00:00Z",
            "eventType": event_type,
            "event": {"productOrder": dict(order)},
        }
        for callback in self.hub.values():
            task = asyncio.ensure_future(self._post(f"{callback}/listener/{name}", envelope))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def _post(self, url: str, envelope: dict[str, Any]) -> None:
        self._client = self._client or aiohttp.ClientSession()
        async with self._client.post(url, json=envelope) as response:
            await response.read()

    async def _close(self, _: web.Application) -> None:
        for task in list(self._pending):
            task.cancel()
        if self._client is not None:
            await self._client.close()


@contextmanager
def serving(*faults: str, timeout_s: float = 10.0) -> Iterator[tuple[str, ExtendedFake]]:
    """Serve the fake on a free loopback port in a thread; yield (API root with "/", the fake)."""
    fake = ExtendedFake(frozenset(faults))
    with serving_app(fake.app(), BASE, timeout_s) as url:
        yield url, fake
