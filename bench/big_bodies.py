"""A TMF622 server whose every answer is a body of about N bytes: what the certifier's memory is measured on.

A list of a few orders with large `description`s for a collection, one order with a huge `description` for
an order (POST, GET by id, PATCH), a TMF Error with a huge `message` for everything else. (A list of
thousands of small orders costs the certifier minutes of CPU rather than memory: see bench/README.md.)
The bodies are built once at start, so the server costs next to nothing and the certifier's peak memory
is what the measure sees (issue 17).
Run: ``python -m bench.big_bodies --port 0 --body-bytes 5000000``; the tests serve `create_app` in a thread.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bench import serving

BASE_PATH = "/tmf-api/productOrderingManagement/v4"
#: Issue 17's bodies: 5 MB. The certifier reads at most 5 MiB of a body (ctk_suite.http.transport).
DEFAULT_BODY_BYTES = 5 * 1000 * 1000
JSON_TYPE = "application/json;charset=utf-8"
ORDER_ID = "big-1"
#: Orders in a list answer.
LISTED = 10


@dataclass(frozen=True)
class Bodies:
    """The three answers, as bytes of about `size` each."""

    listing: bytes
    order: bytes
    error: bytes


def _order(index: int, description: str = "") -> dict[str, Any]:
    order_id = ORDER_ID if index == 1 else f"big-{index}"
    return {
        "id": order_id,
        "href": f"{BASE_PATH}/productOrder/{order_id}",
        "state": "acknowledged",
        "orderDate": "2026-01-01T00:00:00Z",
        "description": description,
        "productOrderItem": [{"id": "1", "action": "add", "quantity": 1, "@type": "ProductOrderItem"}],
        "@type": "ProductOrder",
    }


def _padded(document: dict[str, Any], key: str, size: int) -> bytes:
    """`document` with `key` a string long enough for the whole to be `size` bytes (at least)."""
    bare = len(json.dumps(document).encode())
    return json.dumps({**document, key: "x" * max(0, size - bare)}).encode()


def _listing(size: int) -> bytes:
    """LISTED orders, the created one first (the official kit looks for it), about `size` bytes in all."""
    each = size // LISTED
    orders = [json.loads(_padded(_order(index + 1), "description", each)) for index in range(LISTED)]
    return json.dumps(orders).encode()


def bodies(size: int, error_size: int | None = None) -> Bodies:
    """The answers of a server whose bodies are about `size` bytes (its errors `error_size`, if given)."""
    error = {"code": "400", "reason": "everything is big here", "message": "", "@type": "Error"}
    error_body = _padded(error, "message", size if error_size is None else error_size)
    return Bodies(_listing(size), _padded(_order(1), "description", size), error_body)


def create_app(size: int = DEFAULT_BODY_BYTES, error_size: int | None = None) -> web.Application:
    """Every request answered with a body of about `size` bytes; an error with `error_size` bytes if given
    (past the certifier's limit: its reports must say so, one readable line)."""
    made = bodies(size, error_size)
    location = {"Location": f"{BASE_PATH}/productOrder/{ORDER_ID}"}

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        path = request.path.rstrip("/")
        if path == f"{BASE_PATH}/productOrder" and request.method == "GET":
            return web.Response(body=made.listing, content_type="application/json", charset="utf-8")
        if path == f"{BASE_PATH}/productOrder" and request.method == "POST":
            return web.Response(body=made.order, status=201, headers={**location, "Content-Type": JSON_TYPE})
        if path.startswith(f"{BASE_PATH}/productOrder/") and request.method in {"GET", "PATCH"}:
            return web.Response(body=made.order, headers={"Content-Type": JSON_TYPE})
        return web.Response(body=made.error, status=400, headers={"Content-Type": JSON_TYPE})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.big_bodies", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--body-bytes", type=int, default=DEFAULT_BODY_BYTES)
    args = parser.parse_args(argv)
    app = create_app(args.body_bytes)
    asyncio.run(serving.serve(app, args.host, args.port, "big-bodies", BASE_PATH))


if __name__ == "__main__":
    main()
