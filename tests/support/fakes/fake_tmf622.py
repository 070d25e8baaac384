"""A small TMF622 server on loopback that breaks on purpose (faults), to prove the CTK notices.

Independent of mock_server: it implements just what the CTK's nine requests touch.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web

from tests.support.app_thread import serving_app

BASE_PATH = "/tmf-api/productOrderingManagement/v4"

#: Every fault the server knows; a test switches some on.
FAULTS = frozenset(
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
)


class FakeTmf622:
    """The application's state and its handlers."""

    def __init__(self, faults: frozenset[str]) -> None:
        unknown = faults - FAULTS
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}")
        self.faults = faults
        self.orders: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self.requests: list[str] = []
        self.headers_seen: list[dict[str, str]] = []
        self.bodies_seen: list[object] = []
        self._seed()

    def _seed(self) -> None:
        """One order created before the CTK runs, as on any live deployment."""
        self._new_order("http://fake")

    def _new_order(self, origin: str) -> dict[str, Any]:
        number = next(self._ids)
        order_id = f"order-{number}"
        order = {
            "id": order_id,
            "href": f"{origin}{BASE_PATH}/productOrder/{order_id}",
            "orderDate": f"2026-11-27T10:00:0{number % 10}.000Z",
            "state": "acknowledged",
            "productOrderItem": [{"id": "123", "action": "add"}],
            "relatedParty": [{"id": "456-dd-df45", "@referredType": "Individual"}],
        }
        self.orders[order_id] = order
        return order

    def app(self) -> web.Application:
        """The aiohttp application."""
        app = web.Application()
        app.router.add_post(f"{BASE_PATH}/productOrder", self.create)
        app.router.add_get(f"{BASE_PATH}/productOrder", self.list)
        app.router.add_get(f"{BASE_PATH}/productOrder/{{id}}", self.retrieve)
        return app

    def _log(self, request: web.Request) -> None:
        self.requests.append(f"{request.method} {request.path_qs}")
        self.headers_seen.append(dict(request.headers))

    async def create(self, request: web.Request) -> web.Response:
        self._log(request)
        self.bodies_seen.append(await request.json())
        if "create_status_500" in self.faults:
            return web.json_response({"code": "500", "reason": "broken on purpose"}, status=500)
        order = dict(self._new_order(f"{request.scheme}://{request.host}"))
        if "create_without_href" in self.faults:
            del order["href"]
        if "create_returns_array" in self.faults:
            return web.json_response([order], status=201)
        return web.json_response(order, status=200 if "create_status_200" in self.faults else 201)

    async def list(self, request: web.Request) -> web.Response:
        self._log(request)
        if "list_not_json" in self.faults and not request.query:
            return web.Response(
                text="<html><body>Service Unavailable</body></html>", content_type="text/html"
            )
        orders = [dict(o) for o in self.orders.values()]
        if "list_hides_created" in self.faults and not request.query:
            orders = orders[:1]
        orders = self._filter(orders, request.query)
        if "list_without_related_party" in self.faults:
            for order in orders:
                order.pop("relatedParty", None)
        if fields := request.query.get("fields"):
            orders = [{k: v for k, v in o.items() if k in {*fields.split(","), "id"}} for o in orders]
        return web.json_response(orders)

    def _filter(self, orders: list[dict[str, Any]], query: Any) -> list[dict[str, Any]]:
        for attribute in ("id", "orderDate"):
            if attribute in query:
                wanted = query[attribute].strip("'")
                orders = (
                    [] if "empty_filters" in self.faults else [o for o in orders if o[attribute] == wanted]
                )
        return orders

    async def retrieve(self, request: web.Request) -> web.Response:
        self._log(request)
        order = self.orders.get(request.match_info["id"])
        if order is None and "unknown_id_200" in self.faults:
            order = next(iter(self.orders.values()))
        if order is None:
            if "not_found_html" in self.faults:
                return web.Response(status=404, text="<h1>Not Found</h1>", content_type="text/html")
            return web.json_response({"code": "404", "reason": "not found"}, status=404)
        order = dict(order)
        if "get_returns_other_order" in self.faults:
            order = dict(next(o for o in self.orders.values() if o["id"] != request.match_info["id"]))
        if "href_changes" in self.faults:
            order["href"] = order["href"] + "-moved"
        return web.json_response(order)


@contextmanager
def serving(*faults: str, timeout_s: float = 10.0) -> Iterator[tuple[str, FakeTmf622]]:
    """Serve the fake with `faults` on a free loopback port in a thread; yield (base URL, the fake)."""
    fake = FakeTmf622(frozenset(faults))
    with serving_app(fake.app(), BASE_PATH, timeout_s) as url:
        yield url, fake
