"""A small TMF622 v5 server on loopback, correct by default, that breaks on purpose (faults).

Independent of mock_server: just what the v5 kit's 14 requests touch (create, list with `fields` and
the three filters, retrieve), answering both `/productOrder` and the `/productOrder/` the official kit
sends. It logs every request line so tests can see the URLs the kit built.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web

from tests.support.app_thread import serving_app

BASE_PATH = "/tmf-api/productOrderingManagement/v5"

#: Every fault the server knows; a test switches some on.
FAULTS = frozenset(
    {
        "create_status_200",  # POST answers 200 instead of 201
        "create_without_id",  # the create's answer has no id (the order exists, under an id nobody knows)
        "state_not_a_string",  # `state` is a number everywhere (invalid for both verdicts)
        "creation_date_not_a_date",  # `creationDate` is "yesterday": only formats catch it
        "characteristic_value_mismatch",  # a StringCharacteristic's value is a number: only dispatch sees it
        "product_as_ref",  # items carry their product as a ProductRef (id): valid, ambiguous without dispatch
        "state_progresses",  # reads show state inProgress although the create said acknowledged
        "related_party_role_changes",  # reads show another relatedParty role (a dotted mandatory key)
        "filters_return_nothing",  # every filter (?state=, ?creationDate=, ...) answers []
        "list_hides_created",  # the unfiltered list (with or without fields) leaves the created order out
        "no_trailing_slash",  # `/productOrder/` is not found (only `/productOrder`)
        "bad_filter_value_400",  # a filter value that is not a date is refused with 400
        "completion_date_set",  # the create already sets completionDate (so the filter on it has a value)
        "retrieve_not_json",  # GET by id (no query) answers text/plain
        "retrieve_other_order",  # GET by id answers the seeded order, whatever the id
        # Answers as Cypress's request code reads them (issue 21): labels, shapes, values, routing.
        "json_as_text_plain",  # every GET answers its JSON labelled text/plain (Cypress leaves it a string)
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
)
#: Faults that change the Content-Type of GET answers, and the label they give.
LABELS = {
    "json_as_text_plain": "text/plain",
    "json_as_octet_stream": "application/octet-stream",
    "json_as_text_json": "text/json",
    "json_as_vendor_json": "application/vnd.tmf+json; charset=utf-8",
}
HTML = "<html><body>Service Unavailable</body></html>"
ERROR = {"@type": "Error", "code": "404", "reason": "not found"}
#: Faults under which GET by id finds nothing, and the status they answer that with.
MISSING = {"retrieve_missing": 404, "retrieve_missing_as_200": 200, "retrieve_missing_as_500": 500}
#: Query parameters that filter the list by equality (TMF630), as the kit sends them.
FILTERS = ("completionDate", "creationDate", "state")
DATE_FILTERS = frozenset({"completionDate", "creationDate"})
#: The order already there before the kit runs, as on any live deployment.
SEEDED = {
    "@type": "ProductOrder",
    "state": "completed",
    "productOrderItem": [{"@type": "ProductOrderItem", "id": "1", "action": "add"}],
}


class FakeTmf622V5:
    """The application's state and its handlers."""

    def __init__(self, faults: frozenset[str]) -> None:
        unknown = faults - FAULTS
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}")
        self.faults = faults
        self.orders: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self.requests: list[str] = []
        self.bodies_seen: list[Any] = []
        self._new_order("http://fake", SEEDED)

    def _new_order(self, origin: str, payload: dict[str, Any]) -> dict[str, Any]:
        number = next(self._ids)
        order_id = f"order-{number}"
        order = {
            **copy.deepcopy(payload),
            "id": number if "id_number" in self.faults else order_id,
            "href": f"{origin}{BASE_PATH}/productOrder/{order_id}",
            "creationDate": f"2026-12-02T10:00:0{number % 10}.000Z",
            "state": payload.get("state", "acknowledged"),
        }
        if "completion_date_set" in self.faults:
            order["completionDate"] = order["creationDate"]
        self.orders[str(order["id"])] = order
        return order

    def app(self) -> web.Application:
        """The aiohttp application: each route with and without the trailing slash, unless faulty."""
        app = web.Application()
        for slash in ("", "/"):
            if self._redirects(slash):
                app.router.add_route("*", f"{BASE_PATH}/productOrder{slash}", self.redirect)
                app.router.add_route("*", f"{BASE_PATH}/productOrder/{{id}}{slash}", self.redirect)
            elif self._routes(slash):
                app.router.add_post(f"{BASE_PATH}/productOrder{slash}", self.create)
                app.router.add_get(f"{BASE_PATH}/productOrder{slash}", self.list)
                app.router.add_get(f"{BASE_PATH}/productOrder/{{id}}{slash}", self.retrieve)
                app.router.add_delete(f"{BASE_PATH}/productOrder/{{id}}{slash}", self.delete)
        return app

    def _routes(self, slash: str) -> bool:
        if slash:
            return "no_trailing_slash" not in self.faults
        return "trailing_slash_only" not in self.faults

    def _redirects(self, slash: str) -> bool:
        return ("redirect_from_slash" if slash else "redirect_to_slash") in self.faults

    async def redirect(self, request: web.Request) -> web.Response:
        """301 to the same path with the trailing slash added or removed, query kept."""
        self._log(request)
        path = request.path[:-1] if request.path.endswith("/") else request.path + "/"
        target = path + (f"?{request.query_string}" if request.query_string else "")
        raise web.HTTPMovedPermanently(target)

    def _log(self, request: web.Request) -> None:
        self.requests.append(f"{request.method} {request.raw_path}")

    async def create(self, request: web.Request) -> web.Response:
        self._log(request)
        payload = await request.json()
        self.bodies_seen.append(payload)
        order = self._new_order(f"{request.scheme}://{request.host}", payload)
        status = 200 if "create_status_200" in self.faults else 201
        shown = self._shown(order, created=True)
        if "create_without_id" in self.faults:
            del shown["id"]
        if "id_null" in self.faults:
            shown["id"] = None
        return self._created_answer(shown, status)

    def _created_answer(self, shown: dict[str, Any], status: int) -> web.Response:
        """The POST's answer, as the create faults shape it."""
        faults = self.faults
        if "create_empty_body" in faults:
            return web.Response(status=status, content_type="application/json")
        if "create_html" in faults:
            return web.Response(text=HTML, status=status, content_type="text/html")
        if "create_text_plain" in faults:
            return web.Response(text=json.dumps(shown), status=status, content_type="text/plain")
        body: Any = shown
        if "create_null" in faults:
            body = None
        elif "create_array" in faults:
            body = [shown]
        elif "create_error_body" in faults:
            body = {**ERROR, "code": "500", "reason": "created, but"}
        return web.json_response(body, status=status)

    async def list(self, request: web.Request) -> web.Response:
        self._log(request)
        if refused := self._bad_filter(request):
            return refused
        orders = list(self.orders.values())
        if "list_hides_created" in self.faults and not set(FILTERS) & set(request.query):
            orders = orders[:1]
        orders = [o for o in orders if self._matches(o, request.query)]
        shown: list[Any] = [self._selected(self._shown(o), request.query.get("fields")) for o in orders]
        return self._list_answer(shown)

    def _list_answer(self, shown: list[Any]) -> web.Response:
        faults = self.faults
        if "list_html" in faults:
            return web.Response(text=HTML, content_type="text/html")
        if "list_broken_json" in faults:
            return web.Response(text=json.dumps(shown)[:20], content_type="application/json")
        if "reads_500" in faults:
            return web.json_response({**ERROR, "code": "500", "reason": "down"}, status=500)
        if "list_empty" in faults:
            shown = []
        if "list_duplicate_created" in faults and shown:
            shown.append({**shown[-1], "state": "held"})
        if "list_null_element" in faults:
            shown.insert(len(shown) // 2, None)
        if "list_as_object" in faults:
            return self._json(shown[-1] if shown else ERROR)
        return self._json(shown)

    def _json(self, body: Any, status: int = 200) -> web.Response:
        """A read's JSON answer, labelled as the content-type faults say."""
        label = next((LABELS[f] for f in sorted(self.faults & LABELS.keys())), "application/json")
        return web.Response(text=json.dumps(body), status=status, headers={"Content-Type": label})

    def _bad_filter(self, request: web.Request) -> web.Response | None:
        if "bad_filter_value_400" not in self.faults:
            return None
        if any(not request.query[name][:1].isdigit() for name in DATE_FILTERS & set(request.query)):
            return web.json_response({"@type": "Error", "code": "400", "reason": "not a date"}, status=400)
        return None

    def _matches(self, order: dict[str, Any], query: Any) -> bool:
        wanted = {name: query[name] for name in FILTERS if name in query}
        if wanted and "filters_return_nothing" in self.faults:
            return False
        shown = self._shown(order)
        return all(str(shown.get(name)) == value for name, value in wanted.items())

    async def retrieve(self, request: web.Request) -> web.Response:
        self._log(request)
        order = self.orders.get(request.match_info["id"])
        if "retrieve_other_order" in self.faults:
            order = next(iter(self.orders.values()))
        if MISSING.keys() & self.faults:
            order = None
        if "reads_500" in self.faults:
            return web.json_response({**ERROR, "code": "500", "reason": "down"}, status=500)
        if order is None:
            status = next((MISSING[f] for f in self.faults & MISSING.keys()), 404)
            return self._json(ERROR, status)
        if "retrieve_not_json" in self.faults and not request.query:
            return web.Response(text=f"order {order['id']}", content_type="text/plain")
        shown = self._selected(self._shown(order), request.query.get("fields"))
        if "retrieve_null" in self.faults:
            return self._json(None)
        return self._json([shown] if "retrieve_array" in self.faults else shown)

    async def delete(self, request: web.Request) -> web.Response:
        self._log(request)
        found = self.orders.pop(request.match_info["id"], None)
        return web.Response(status=204 if found else 404)

    def _shown(self, order: dict[str, Any], created: bool = False) -> dict[str, Any]:
        """The order as the server represents it, faults applied (reads may differ from the create)."""
        shown = copy.deepcopy(order)
        if "state_not_a_string" in self.faults:
            shown["state"] = 1
        if "creation_date_not_a_date" in self.faults:
            shown["creationDate"] = "yesterday"
        if not created and "state_progresses" in self.faults and shown["state"] == "acknowledged":
            shown["state"] = "inProgress"
        if "wrong_type" in self.faults:
            shown["@type"] = "Order"
        if not created and "state_null" in self.faults:
            shown["state"] = None
        if not created and "reads_without_href" in self.faults:
            del shown["href"]
        if not created and "related_party_role_changes" in self.faults:
            for party in shown.get("relatedParty", []):
                party["role"] = "Seller"
        for item in shown.get("productOrderItem", []):
            self._item(item)
        return shown

    def _item(self, item: dict[str, Any]) -> None:
        if "characteristic_value_mismatch" in self.faults:
            for characteristic in item.get("product", {}).get("productCharacteristic", []):
                characteristic["value"] = 1000
        if "product_as_ref" in self.faults and "product" in item:
            item["product"] = {"@type": "ProductRef", "id": "P-1", "name": "Fibre access line"}

    @staticmethod
    def _selected(order: dict[str, Any], fields: str | None) -> dict[str, Any]:
        """TMF630 attribute selection: the fields asked for, and id, href, @type always."""
        if not fields:
            return order
        keep = {*fields.split(","), "id", "href", "@type"}
        return {key: value for key, value in order.items() if key in keep}


@contextmanager
def serving_v5(*faults: str, timeout_s: float = 10.0) -> Iterator[tuple[str, FakeTmf622V5]]:
    """Serve the fake with `faults` on a free loopback port in a thread; yield (API root URL, the fake)."""
    fake = FakeTmf622V5(frozenset(faults))
    with serving_app(fake.app(), BASE_PATH, timeout_s) as url:
        yield url, fake
