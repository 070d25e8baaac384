"""The N orders the store tests fill a store with (filters, sorts and paging are checked on them)."""

from __future__ import annotations

from typing import Any

from mock_server.store.base import Store

N = 1000


def order(n: int) -> dict[str, Any]:
    return {
        "id": f"o{n}",
        "orderDate": f"2026-11-27T10:{n // 60 % 60:02d}:{n % 60:02d}.000Z",
        "state": ["acknowledged", "inProgress", "completed"][n % 3],
        "externalId": f"e{n % 10}",
        "description": f"d{n % 7}",
        "relatedParty": [{"id": f"p{n % 5}"}, {"id": f"p{n % 11 + 100}"}],
    }


async def fill(store: Store, count: int = N) -> None:
    """`order(0)` .. `order(count - 1)`, in one bulk."""
    async with store.bulk():
        for n in range(count):
            await store.add("productOrder", order(n))
