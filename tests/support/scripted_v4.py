"""A v4 server on loopback that answers like a correct one, except where a test scripts the answer.

The mutation-kill tests need one odd answer each (an array from the create, a `null` in a list, bytes that
are not UTF-8) without a mode in the shared fakes: a test passes `odd(request, orders)`, which returns the
odd response or None for the correct one.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web

from tests.support.app_thread import V4_BASE_PATH, serving_app

Odd = Callable[[web.Request, dict[str, dict[str, Any]]], web.Response | None]


def raw(body: bytes, status: int = 200, content_type: str = "application/json") -> web.Response:
    """An answer of exactly these bytes."""
    return web.Response(body=body, status=status, headers={"Content-Type": content_type})


def _app(odd: Odd) -> web.Application:
    orders: dict[str, dict[str, Any]] = {}
    ids = itertools.count(1)

    async def answer(request: web.Request) -> web.Response:
        created = None
        if request.method == "POST":
            await request.read()
            created = f"order-{next(ids)}"
            orders[created] = {
                "id": created,
                "href": f"{request.scheme}://{request.host}{V4_BASE_PATH}/productOrder/{created}",
                "orderDate": "2026-12-02T10:00:00.000Z",
                "state": "acknowledged",
                "productOrderItem": [{"id": "123", "action": "add"}],
                "relatedParty": [{"id": "456-dd-df45", "@referredType": "Individual"}],
            }
        scripted = odd(request, orders)
        if scripted is not None:
            return scripted
        return _correct(request, orders, created)

    app = web.Application()
    app.router.add_route("*", f"{V4_BASE_PATH}/{{tail:.*}}", answer)
    return app


def _correct(request: web.Request, orders: dict[str, dict[str, Any]], created: str | None) -> web.Response:
    if created is not None:
        return web.json_response(orders[created], status=201)
    _, _, order_id = request.match_info["tail"].partition("/")
    if order_id:
        found = orders.get(order_id)
        return web.json_response(
            found or {"code": "404", "reason": "not found"}, status=200 if found else 404
        )
    query = {k: v for k, v in request.query.items() if k in {"id", "orderDate"}}
    return web.json_response(
        [o for o in orders.values() if all(str(o.get(k)) == v for k, v in query.items())]
    )


@contextmanager
def serving_scripted(odd: Odd) -> Iterator[str]:
    """Serve on a free loopback port; yield the API root (ending in '/')."""
    with serving_app(_app(odd)) as url:
        yield url
