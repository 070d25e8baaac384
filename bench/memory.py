"""Memory per stored order, measured with tracemalloc over N inserts through the store (not estimated).

Runs in its own process (tracemalloc slows everything it traces):
``python -m bench.memory --server mock|bare --orders N`` prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import tracemalloc
from collections.abc import Awaitable, Callable

from bench import mock_adapter, orders
from bench.bare_store import BareStore

BASE_URL = "http://127.0.0.1:8622/tmf-api/productOrderingManagement/v4"


Insert = Callable[[int], Awaitable[str]]


def mock_inserter() -> tuple[object, Insert]:
    store = mock_adapter.memory_store()
    return store, mock_adapter.order_inserter(store, BASE_URL)


def bare_inserter() -> tuple[object, Insert]:
    store = BareStore(BASE_URL)

    async def insert(index: int) -> str:
        return str(store.create(orders.create_body(index))["id"])

    return store, insert


async def bytes_per_order(make: Callable[[], tuple[object, Insert]], count: int) -> float:
    """Traced bytes still held after `count` inserts, divided by `count` (the store stays alive).

    The store, its modules and the event loop are made before tracing starts: they are not
    per-order cost.
    """
    store, insert = make()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for index in range(count):
        await insert(index)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del store
    return (after - before) / count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__)
    parser.add_argument("--server", choices=("mock", "bare"), required=True)
    parser.add_argument("--orders", type=int, required=True)
    args = parser.parse_args(argv)
    make = mock_inserter if args.server == "mock" else bare_inserter
    per_order = asyncio.run(bytes_per_order(make, args.orders))
    print(json.dumps({"orders": args.orders, "bytesPerOrder": round(per_order, 1)}))


if __name__ == "__main__":
    main()
