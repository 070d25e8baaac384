"""The bare baseline: aiohttp handlers doing the mock's JSON work on uvloop + orjson, without validation.

Its throughput is the ceiling the mock is measured against: same routes, same parsing and
serialization per request, same indexes, none of the mock's rules.
Run: ``python -m bench.bare_server --host 127.0.0.1 --port 0`` (grow its store with ``POST /__bench/seed``).
"""

from __future__ import annotations

import argparse
from typing import Any

import orjson
from aiohttp import web
from aiohttp.typedefs import Handler

from bench import orders, seeding, serving
from bench.bare_store import BareStore

BASE_PATH = "/tmf-api/productOrderingManagement/v4"
JSON_HEADERS = {"Content-Type": "application/json;charset=utf-8"}
STORE = web.AppKey("store", BareStore)
FILTERS = ("state", "relatedParty.id")


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=orjson.dumps(payload), status=status, headers={**JSON_HEADERS, **(headers or {})}
    )


def _error(status: int, reason: str) -> web.Response:
    return _json({"code": str(status), "reason": reason}, status)


async def _read_object(request: web.Request) -> dict[str, Any] | None:
    try:
        body = orjson.loads(await request.read())
    except orjson.JSONDecodeError:
        return None
    return body if isinstance(body, dict) else None


async def create_order(request: web.Request) -> web.Response:
    body = await _read_object(request)
    if body is None or not body.get("productOrderItem"):
        return _error(400, "productOrderItem is required")
    order = request.app[STORE].create(body)
    return _json(order, 201, {"Location": order["href"]})


async def get_order(request: web.Request) -> web.Response:
    order = request.app[STORE].get(request.match_info["id"])
    return _error(404, "not found") if order is None else _json(order)


async def patch_order(request: web.Request) -> web.Response:
    changes = await _read_object(request)
    if changes is None:
        return _error(400, "merge patch must be a JSON object")
    order = request.app[STORE].patch(request.match_info["id"], changes)
    return _error(404, "not found") if order is None else _json(order)


async def list_orders(request: web.Request) -> web.Response:
    query = request.query
    try:
        offset, limit = int(query.get("offset", "0")), int(query.get("limit", "100"))
    except ValueError:
        return _error(400, "offset and limit must be integers")
    filters = {name: query[name] for name in FILTERS if name in query}
    page, total = request.app[STORE].page(filters, offset, limit)
    counts = {"X-Result-Count": str(len(page)), "X-Total-Count": str(total)}
    return _json(page, 200, counts)


@web.middleware
async def _noop(request: web.Request, handler: Handler) -> web.StreamResponse:
    return await handler(request)


def create_app(base_url: str, *, noop_middleware: bool = False) -> web.Application:
    """The bare app; `base_url` feeds the `href` of created orders. `noop_middleware`: the same app with
    one middleware that does nothing, to price aiohttp's middleware machinery (bench.middleware_cost)."""
    app = web.Application(middlewares=[_noop] if noop_middleware else [])
    app[STORE] = BareStore(base_url)
    app.router.add_get(f"{BASE_PATH}/productOrder", list_orders)
    app.router.add_post(f"{BASE_PATH}/productOrder", create_order)
    app.router.add_get(f"{BASE_PATH}/productOrder/{{id}}", get_order)
    app.router.add_patch(f"{BASE_PATH}/productOrder/{{id}}", patch_order)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bare_server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    parser.add_argument("--noop-middleware", action="store_true", help="add one middleware that does nothing")
    args = parser.parse_args(argv)
    app = create_app(f"http://{args.host}{BASE_PATH}", noop_middleware=args.noop_middleware)
    store = app[STORE]

    async def insert(index: int) -> str:
        return str(store.create(orders.create_body(index))["id"])

    seeder = seeding.Seeder(lambda: insert, lambda: "BareStore")
    seeding.add_seed_route(app, seeder)
    serving.run(serving.serve(app, args.host, args.port, "bare-bench", BASE_PATH), args.loop)


if __name__ == "__main__":
    main()
