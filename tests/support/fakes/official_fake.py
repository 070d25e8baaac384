"""A TMF622 server on loopback whose odd answers take each branch of the official CTK 4.0.0 scripts.

Each mode is one rule of the official scripts' behaviour (docs/verdicts-and-credentials.md); the tests
assert the port's names and both verdicts against it, and the Newman parity test runs the official
collection against it. Everything a mode does not change is a plain, conformant answer.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web

from tests.support.app_thread import serving_app

BASE_PATH = "/tmf-api/productOrderingManagement/v4"
HTML = "<html><body>Service Unavailable</body></html>"

MODES = frozenset(
    {
        "idless_list",  # the unfiltered list holds instances without an id (one with "id": null)
        "error_bodies",  # by id and the filters answer a TMF Error object (no id), 404 and 200
        "html_200",  # every GET answers 200 with an HTML page
        "create_html",  # the create answers 201 with an HTML page: no global is ever set
        "create_null",  # the create answers 201 with the JSON value null
        "create_without_id",  # the created order has no id: IDPO01 is set from a missing attribute
        "numeric_values",  # the created order's id and orderDate are numbers
    }
)


class OfficialFake:
    """State and handlers; `mode` picks the odd behaviour."""

    def __init__(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.orders: dict[str, dict[str, Any]] = {}
        self.paths: list[str] = []
        self._ids = itertools.count(1)

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._log])
        app.router.add_post(f"{BASE_PATH}/productOrder", self.create)
        app.router.add_get(f"{BASE_PATH}/productOrder", self.list)
        app.router.add_get(f"{BASE_PATH}/productOrder/", self.retrieve)
        app.router.add_get(f"{BASE_PATH}/productOrder/{{id}}", self.retrieve)
        return app

    @web.middleware
    async def _log(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Every request, routed or not (`productOrder/{{IDPO01}}` is not): the paths the tests read."""
        self.paths.append(request.path_qs)
        response: web.StreamResponse = await handler(request)
        return response

    def _order(self, origin: str) -> dict[str, Any]:
        order_id = f"order-{next(self._ids)}"
        order = {
            "id": order_id,
            "href": f"{origin}{BASE_PATH}/productOrder/{order_id}",
            "orderDate": "2026-12-02T10:00:00.000Z",
            "state": "acknowledged",
            "productOrderItem": [{"id": "123", "action": "add"}],
            "relatedParty": [{"id": "456-dd-df45", "@referredType": "Individual"}],
        }
        self.orders[order_id] = order
        return order

    async def create(self, request: web.Request) -> web.Response:
        order = dict(self._order(f"{request.scheme}://{request.host}"))
        if self.mode == "create_html":
            return web.Response(text=HTML, status=201, content_type="text/html")
        if self.mode == "create_null":
            return web.json_response(None, status=201)
        if self.mode == "create_without_id":
            del order["id"]
        if self.mode == "numeric_values":
            order |= {"id": 42, "orderDate": 20261202}
        return web.json_response(order, status=201)

    async def list(self, request: web.Request) -> web.Response:
        if self.mode == "html_200":
            return web.Response(text=HTML, content_type="text/html")
        orders = [o for o in self.orders.values() if _matches(o, request.query)]
        if self.mode == "idless_list" and not request.query:
            orders = [{"code": "x", "reason": "no id"}, *orders, {**orders[0], "id": None}]
        if self.mode == "error_bodies" and {"id", "orderDate"} & request.query.keys():
            return web.json_response({"code": "0", "reason": "filter not supported"})
        if fields := request.query.get("fields"):
            orders = [{k: v for k, v in o.items() if k in {*fields.split(","), "id"}} for o in orders]
        return web.json_response(orders)

    async def retrieve(self, request: web.Request) -> web.Response:
        if self.mode == "html_200":
            return web.Response(text=HTML, content_type="text/html")
        order = self.orders.get(request.match_info.get("id", ""))
        if order is None or self.mode == "error_bodies":
            return web.json_response({"code": "404", "reason": "not found"}, status=404)
        return web.json_response(order)


def _matches(order: dict[str, Any], query: Any) -> bool:
    return all(str(order.get(name)) == query[name] for name in ("id", "orderDate") if name in query)


@contextmanager
def serving(mode: str, timeout_s: float = 10.0) -> Iterator[tuple[str, OfficialFake]]:
    """Serve `mode` on a free loopback port in a thread; yield (API root ending in '/', the fake)."""
    fake = OfficialFake(mode)
    with serving_app(fake.app(), BASE_PATH, timeout_s) as url:
        yield url, fake
