"""bench.middleware_cost prices aiohttp's middleware machinery: its second app differs by that alone."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

# As in test_bench_smoke.py: skipped without the bench extra (make test), required in CI.
if os.environ.get("TMF622_REQUIRE_BENCH") != "1":
    pytest.importorskip("psutil", reason="needs the bench extra: make bench, or pip install -e '.[bench]'")

from aiohttp.test_utils import TestClient, TestServer

from bench import orders
from bench.bare_server import BASE_PATH, STORE, create_app


async def answers(noop_middleware: bool) -> tuple[int, list[int], Any, bytes]:
    """(middlewares, statuses, a created order as GET returns it, an unknown id's body) of one bare app;
    the order's server-made fields (its random id, its href and date) are left out."""
    app = create_app("http://bench", noop_middleware=noop_middleware)
    order = app[STORE].create(orders.create_body(0))
    async with TestClient(TestServer(app)) as client:
        found = await client.get(f"{BASE_PATH}/productOrder/{order['id']}")
        missing = await client.get(f"{BASE_PATH}/productOrder/nope")
        body = {k: v for k, v in (await found.json()).items() if k not in {"id", "href", "orderDate"}}
        return len(app.middlewares), [found.status, missing.status], body, await missing.read()


def test_the_priced_app_is_the_bare_app_plus_one_middleware_that_does_nothing() -> None:
    plain, priced = asyncio.run(answers(False)), asyncio.run(answers(True))
    assert (plain[0], priced[0]) == (0, 1)
    assert plain[1:] == priced[1:]
    assert plain[1] == [200, 404]
