"""The one TMF622 v4 server the suite's tests run against: correct by default, broken on purpose by defects.

Independent of mock_server. A `V4Config` says what differs between its uses (ids, seeded orders, dates,
the routes served, what a field selection keeps) and names the defects a test may switch on; three configs
are the servers the tests run:
- `CTK`: what the CTK's nine requests touch, with faults that each break one of them;
- `BRANCHES`: odd answers that take each branch of the official CTK 4.0.0 scripts
  (docs/verdicts-and-credentials.md); the Newman parity test runs the official collection against them;
- `EXTENDED`: the whole API the extended checks use (PATCH, DELETE, cancelProductOrder, hub and events),
  with faults that each break one spec rule (`EXTENDED_FAULTS`: the checks each must fail).
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from tests.support.app_thread import serving_app
from tests.support.fakes.shared import HTML, log_requests, selected

BASE_PATH = "/tmf-api/productOrderingManagement/v4"
ACTIONS = {"add", "modify", "delete", "noChange"}
STATES = {"acknowledged", "rejected", "pending", "held", "inProgress", "cancelled", "completed"}
#: What the CTK's servers give every order they create, whatever the request's body.
STANDARD_ORDER = {
    "productOrderItem": [{"id": "123", "action": "add"}],
    "relatedParty": [{"id": "456-dd-df45", "@referredType": "Individual"}],
}
#: Query parameters that select or page rather than filter (TMF630).
NOT_FILTERS = frozenset({"fields", "offset", "limit"})


@dataclass(frozen=True)
class V4Config:
    """What differs between the uses of the fake; everything else is one behaviour."""

    #: The defects a test may switch on (parametrized tests take their ids from them, sorted).
    defects: frozenset[str]
    id_prefix: str = "order-"
    #: The orders there before the run, as on any live deployment: (body, state).
    seeded: tuple[tuple[Mapping[str, Any], str], ...] = ()
    #: The orderDate of the n-th order made.
    order_date: Callable[[int], str] = lambda n: f"2026-11-27T10:00:0{n % 10}.000Z"
    #: The whole API of the extended checks: orders made from the request's body (checked first), lists
    #: newest first with paging and count headers, PATCH, DELETE, cancelProductOrder, hub and events.
    #: Without it: the CTK's three routes, every order `STANDARD_ORDER` (the CTK's DELETE answers 405).
    extended_api: bool = False
    #: `productOrder/` (no id) is routed, answering 404 JSON: the official kit sends it without IDPO01.
    slash_route: bool = False


#: CTK 4.0.0's nine requests and faults that break them.
CTK = V4Config(
    defects=frozenset(
        {
            "create_without_href",  # POST response has no href
            "list_without_related_party",  # list items lack relatedParty
            "create_status_200",  # POST answers 200 instead of 201
            "unknown_id_200",  # GET of an unknown id answers 200 with an order instead of 404
            "empty_filters",  # ?id= and ?orderDate= return []
            "list_not_json",  # GET list answers HTML
            "get_returns_other_order",  # GET by id returns a different order
            "href_changes",  # GET by id returns another href than the POST did
            "create_status_500",  # POST fails with a JSON error body
            "create_returns_array",  # POST answers an array holding the order
            "list_hides_created",  # the unfiltered list does not contain the created order
            "not_found_html",  # 404 answered with an HTML body (the official E1 does not parse it)
        }
    ),
    seeded=(({}, "acknowledged"),),
)
#: Odd answers, one branch of the official scripts each (a "mode": one defect at a time).
BRANCHES = V4Config(
    defects=frozenset(
        {
            "idless_list",  # the unfiltered list holds instances without an id (one with "id": null)
            "error_bodies",  # by id and the filters answer a TMF Error object (no id), 404 and 200
            "html_200",  # every GET answers 200 with an HTML page
            "create_html",  # the create answers 201 with an HTML page: no global is ever set
            "create_null",  # the create answers 201 with the JSON value null
            "create_without_id",  # the created order has no id: IDPO01 is set from a missing attribute
            "numeric_values",  # the created order's id and orderDate are numbers
        }
    ),
    order_date=lambda _: "2026-12-02T10:00:00.000Z",
    slash_route=True,
)

#: Extended faults -> the extended checks each must make fail (and only those).
EXTENDED_FAULTS: dict[str, set[str]] = {
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
#: Conforming alternatives of the extended server (nothing may fail): a 206 with a Link header per page.
EXTENDED_VARIANTS = frozenset({"partial_206"})
#: The whole API; another customer's order, in another state, is there first: an ignored filter shows up.
EXTENDED = V4Config(
    defects=frozenset(EXTENDED_FAULTS) | EXTENDED_VARIANTS,
    id_prefix="po-",
    seeded=(({"productOrderItem": [{"id": "9", "action": "modify"}]}, "completed"),),
    order_date=lambda n: f"2026-11-27T10:00:{n:02d}Z",
    extended_api=True,
)


def error(status: int, reason: str) -> web.Response:
    """A TMF Error answer."""
    return web.json_response({"code": str(status), "reason": reason}, status=status)


class FakeV4:
    """State and handlers; `defects` (of `config.defects`) switch behaviours off or wrong."""

    def __init__(self, config: V4Config, defects: frozenset[str]) -> None:
        if unknown := defects - config.defects:
            raise ValueError(f"unknown faults {sorted(unknown)}")
        self.config = config
        self.on = defects
        self.orders: dict[str, dict[str, Any]] = {}
        self.tasks: dict[str, dict[str, Any]] = {}
        self.hub: dict[str, str] = {}
        self.requests: list[str] = []  # `METHOD path?query` of every request, routed or not
        self.headers_seen: list[dict[str, str]] = []
        self.bodies_seen: list[Any] = []
        self.origin = "http://fake"
        self._ids = itertools.count(1)
        self._pending: set[asyncio.Task[None]] = set()
        self._client: aiohttp.ClientSession | None = None
        for body, state in config.seeded:
            self._store(body, state)

    @property
    def paths(self) -> list[str]:
        """The path and query of every request (`productOrder/{{IDPO01}}` included, which is not routed)."""
        return [line.split(" ", 1)[1] for line in self.requests]

    def app(self) -> web.Application:
        """The aiohttp application: the CTK's routes, and the rest of the API when configured."""
        app = web.Application(middlewares=[log_requests(self.requests, self.headers_seen), self._errors])
        routes = [
            ("POST", "productOrder", self.create),
            ("GET", "productOrder", self.list),
            ("GET", "productOrder/{id}", self.retrieve),
        ]
        if self.config.slash_route:
            routes.append(("GET", "productOrder/", self.retrieve))
        if self.config.extended_api:
            routes += [
                ("PATCH", "productOrder/{id}", self.patch),
                ("DELETE", "productOrder/{id}", self.delete),
                ("POST", "cancelProductOrder", self.cancel),
                ("GET", "cancelProductOrder/{id}", self.cancel_retrieve),
                ("POST", "hub", self.subscribe),
                ("DELETE", "hub/{id}", self.unsubscribe),
            ]
            app.on_cleanup.append(self._close)
        for method, path, handler in routes:
            app.router.add_route(method, f"{BASE_PATH}/{path}", handler)
        return app

    def _store(self, body: Mapping[str, Any], state: str = "acknowledged") -> dict[str, Any]:
        number = next(self._ids)
        order_id = f"{self.config.id_prefix}{number}"
        date = "yesterday" if "invalid_order_date" in self.on else self.config.order_date(number)
        made = body if self.config.extended_api else {}
        order = {**made, "id": order_id, "href": f"{self.origin}{BASE_PATH}/productOrder/{order_id}"}
        order["orderDate"] = date
        if "no_state" not in self.on:
            order["state"] = state
        if not self.config.extended_api:
            order |= copy.deepcopy(STANDARD_ORDER)
        self.orders[order_id] = order
        return order

    @web.middleware
    async def _errors(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """An unsupported method answers a TMF Error with Allow (RFC 9110 section 15.5.6), unless the
        `method_405_html` fault keeps aiohttp's text page; `error_status_number` breaks every Error."""
        try:
            response: web.StreamResponse = await handler(request)
        except web.HTTPMethodNotAllowed as exc:
            if "method_405_html" in self.on or not self.config.extended_api:
                raise
            response = error(405, "method not allowed")
            response.headers["Allow"] = ",".join(sorted(exc.allowed_methods))
        if "error_status_number" in self.on and response.status >= 400 and isinstance(response, web.Response):
            body = json.loads(response.body) if response.body else None  # type: ignore[arg-type]
            if isinstance(body, dict):
                response.body = json.dumps({**body, "status": response.status}).encode()
        return response

    def _json(self, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
        media = "text/plain" if "text_content_type" in self.on else "application/json"
        return web.Response(text=json.dumps(body), status=status, headers=headers, content_type=media)

    # --- productOrder ---------------------------------------------------------------------------
    async def create(self, request: web.Request) -> web.Response:
        try:
            body = json.loads(await request.read())
        except ValueError:
            return error(500 if "malformed_500" in self.on else 400, "not JSON")
        self.bodies_seen.append(body)
        if self.config.extended_api and (problem := self._invalid(body)):
            return error(400, problem)
        if {"create_500", "create_status_500"} & self.on:
            return error(500, "broken on purpose")
        self.origin = f"{request.scheme}://{request.host}"
        order = self._store(body)
        self._notify("productOrderCreateEvent", order)
        href = order["href"] + ("-elsewhere" if "location_differs" in self.on else "")
        status = 200 if {"create_200", "create_status_200"} & self.on else 201
        return self._created(dict(order), status, {"Location": href} if self.config.extended_api else None)

    def _created(self, order: dict[str, Any], status: int, headers: dict[str, str] | None) -> web.Response:
        """The create's answer, as the create defects shape it."""
        if "create_html" in self.on:
            return web.Response(text=HTML, status=status, content_type="text/html")
        if "create_null" in self.on:
            return web.json_response(None, status=status)
        for gone in ("id", "href"):
            if f"create_without_{gone}" in self.on:
                del order[gone]
        if "numeric_values" in self.on:
            order |= {"id": 42, "orderDate": 20261202}
        body: Any = [order] if "create_returns_array" in self.on else order
        return self._json(body, status=status, headers=headers)

    def _invalid(self, body: Any) -> str | None:
        if not isinstance(body, dict):
            return "not an object"
        items = body.get("productOrderItem")
        if not isinstance(items, list):
            return None if "accepts_no_item" in self.on else "productOrderItem missing"
        bad = [i for i in items if not isinstance(i, dict) or i.get("action") not in ACTIONS]
        return "bad action" if bad and "accepts_bad_action" not in self.on else None

    async def list(self, request: web.Request) -> web.Response:
        query = request.query
        if ("list_not_json" in self.on and not query) or "html_200" in self.on:
            return web.Response(text=HTML, content_type="text/html")
        if "unknown_filter_500" in self.on and query.get("state", "acknowledged") not in STATES:
            return error(500, "broken on purpose")
        if "error_bodies" in self.on and {"id", "orderDate"} & query.keys():
            return web.json_response({"code": "0", "reason": "filter not supported"})
        orders = [dict(o) for o in self.orders.values()]
        if "list_hides_created" in self.on and not query:
            orders = orders[:1]
        orders = [o for o in orders if self._matches(o, query)]
        if "idless_list" in self.on and not query:
            orders = [{"code": "x", "reason": "no id"}, *orders, {**orders[0], "id": None}]
        if "list_without_related_party" in self.on:
            for order in orders:
                order.pop("relatedParty", None)
        if not self.config.extended_api:
            return self._json([self._select(o, query.get("fields")) for o in orders])
        return self._page(orders[::-1], query)  # newest first

    def _page(self, orders: list[dict[str, Any]], query: Any) -> web.Response:
        """One page of `orders` (TMF630 offset/limit), with the count headers and, when partial, a Link."""
        total = len(orders)
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 1000))
        if "paging_ignored" not in self.on:
            orders = orders[offset : offset + limit]
        orders = [self._select(o, query.get("fields")) for o in orders]
        shown = len(orders) + (1 if "wrong_counts" in self.on else 0)
        headers = {"X-Total-Count": str(total), "X-Result-Count": str(shown)}
        partial = {"partial_206", "bad_link"} & self.on and len(orders) < total
        if partial:
            url = f"{self.origin}{BASE_PATH}/productOrder?offset={offset + limit}&limit={limit}"
            headers["Link"] = f"{url}; next" if "bad_link" in self.on else f'<{url}>; rel="next"'
        return self._json(orders, status=206 if partial else 200, headers=headers)

    def _matches(self, order: dict[str, Any], query: Any) -> bool:
        """TMF630 equality filters (`?a.b=` on the elements of a list); a value in single quotes (the CTK's
        quoted orderDate) compares unquoted, a number as its text."""
        filters = [(k, v.strip("'")) for k, v in query.items() if k not in NOT_FILTERS]
        if "filter_ignored" in self.on or not filters:
            return True
        if "empty_filters" in self.on:
            return False
        if "second_filter_ignored" in self.on:
            filters = filters[:1]
        for name, wanted in filters:
            head, _, tail = name.partition(".")
            if tail and "sub_filter_ignored" in self.on:
                continue
            items = [i for i in order.get(head, []) if isinstance(i, dict)] if tail else [order]
            values = [i.get(tail or name) for i in items]
            if wanted not in [str(v) for v in values if v is not None]:
                return False
        return True

    def _select(self, order: dict[str, Any], fields: str | None) -> dict[str, Any]:
        if fields is None or "fields_ignored" in self.on:
            return order
        return selected(order, fields, {"id", "href"} if self.config.extended_api else {"id"})

    async def retrieve(self, request: web.Request) -> web.Response:
        if "html_200" in self.on:
            return web.Response(text=HTML, content_type="text/html")
        order = self.orders.get(request.match_info.get("id", ""))
        if order is None and "unknown_id_200" in self.on:
            order = next(iter(self.orders.values()))
        if order is None or "error_bodies" in self.on:
            if "not_found_html" in self.on:
                return web.Response(status=404, text="<h1>Not Found</h1>", content_type="text/html")
            return web.Response(status=404) if "not_found_empty" in self.on else error(404, "not found")
        if "get_returns_other_order" in self.on:
            order = next(o for o in self.orders.values() if o["id"] != request.match_info["id"])
        if "get_returns_other" in self.on:
            order = next(iter(self.orders.values()))
        if "href_changes" in self.on:
            order = {**order, "href": order["href"] + "-moved"}
        return self._json(self._select(order, request.query.get("fields")))

    async def patch(self, request: web.Request) -> web.Response:
        order = self.orders.get(request.match_info["id"])
        if order is None:
            if "patch_unknown_200" in self.on:
                return self._json(next(iter(self.orders.values())))
            return error(404, "not found")
        changes = json.loads(await request.read())
        if "patch_ignored" not in self.on:
            order.update(changes)
            self._notify("productOrderAttributeValueChangeEvent", order)
        return self._json(order)

    async def delete(self, request: web.Request) -> web.Response:
        order_id = request.match_info["id"]
        if order_id not in self.orders:
            return web.Response(status=204) if "delete_unknown_204" in self.on else error(404, "not found")
        if "delete_ignored" not in self.on:
            del self.orders[order_id]
        return web.Response(status=204)

    # --- cancelProductOrder and hub -------------------------------------------------------------
    async def cancel(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        if "cancel_500" in self.on:
            return error(500, "broken on purpose")
        reference = body.get("productOrder") if isinstance(body, dict) else None
        known = isinstance(reference, dict) and reference.get("id") in self.orders
        if not known and "cancel_unknown_201" not in self.on:
            return error(400, "no such productOrder")
        task_id = f"cpo-{next(self._ids)}"
        href = f"{self.origin}{BASE_PATH}/cancelProductOrder/{task_id}"
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
        return self._json(answer, status=200 if "hub_200" in self.on else 201)

    async def unsubscribe(self, request: web.Request) -> web.Response:
        if "unhub_405" in self.on:
            return error(405, "not allowed")
        if self.hub.pop(request.match_info["id"], None) is None:
            return error(404, "not found")
        return web.Response(status=204)

    # --- events ---------------------------------------------------------------------------------
    def _notify(self, name: str, order: dict[str, Any]) -> None:
        if "no_notifications" in self.on:
            return
        event_type = name[0].upper() + name[1:]
        if "wrong_event_type" in self.on and name == "productOrderCreateEvent":
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
def serving(*defects: str, config: V4Config = CTK, timeout_s: float = 10.0) -> Iterator[tuple[str, FakeV4]]:
    """Serve the fake configured by `config` with `defects` on a free loopback port in a thread; yield
    (API root ending in '/', the fake)."""
    fake = FakeV4(config, frozenset(defects))
    with serving_app(fake.app(), BASE_PATH, timeout_s) as url:
        yield url, fake
