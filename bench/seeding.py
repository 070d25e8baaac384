"""Grow a server's store in-process to a requested size, through a bench-only route the harness calls.

Preloading 1M orders over the public API would take minutes; inserting through the server's own
store code takes seconds and stores exactly what a POST stores. One server process then serves
every store size of a scale curve: the harness grows it 1k -> 100k -> 1M between measurements.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

#: The route lives outside the TMF base path, so no TMF622 client can reach it by accident.
SEED_ROUTE = "/__bench/seed"
#: Uniform sample of stored ids (reservoir) returned to the harness, for GET-by-id scripts.
SAMPLE_IDS = 2000

Insert = Callable[[int], Awaitable[str]]  # await insert(index) -> id of the stored order


def rss_bytes() -> int:
    """Resident set size of this process, from /proc (Linux only, like the rest of the harness)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


class Seeder:
    """Inserts orders with consecutive indexes and keeps a uniform sample of every id stored so far."""

    def __init__(self, make_insert: Callable[[], Insert], describe: Callable[[], str] = str) -> None:
        self._make_insert = make_insert  # called on first use: the store may open in a startup hook
        self._describe = describe  # names the store kind in each report
        self._insert: Insert | None = None
        self._random = random.Random(622)
        self.count = 0
        self.sample: list[str] = []

    async def grow(self, total: int) -> dict[str, object]:
        """Insert orders until `total` are stored; report the cost of this step."""
        insert = self._insert = self._insert or self._make_insert()
        before, started, added = rss_bytes(), time.perf_counter(), max(0, total - self.count)
        for index in range(self.count, self.count + added):
            self._keep(index, await insert(index))
        self.count += added
        return {
            "store": self._describe(),
            "orders": self.count,
            "added": added,
            "seconds": round(time.perf_counter() - started, 3),
            "rssBeforeBytes": before,
            "rssAfterBytes": rss_bytes(),
            "sampleIds": self.sample,
        }

    def _keep(self, index: int, order_id: str) -> None:
        """Reservoir sampling (Algorithm R): every stored id is equally likely to be in the sample."""
        if len(self.sample) < SAMPLE_IDS:
            self.sample.append(order_id)
        elif (slot := self._random.randrange(index + 1)) < SAMPLE_IDS:
            self.sample[slot] = order_id


def add_seed_route(app: web.Application, seeder: Seeder) -> None:
    """`POST /__bench/seed?total=N` grows the store to N orders and answers the step's report."""

    async def seed(request: web.Request) -> web.Response:
        try:
            total = int(request.query["total"])
        except (KeyError, ValueError):
            return web.json_response({"reason": "total=<int> is required"}, status=400)
        return web.json_response(await seeder.grow(total))

    app.router.add_post(SEED_ROUTE, seed)
