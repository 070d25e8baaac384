"""The bare baseline's in-memory order store: dict by id plus insertion-ordered indexes, no validation."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime
from typing import Any

Order = dict[str, Any]


def utc_now() -> str:
    """An RFC 3339 timestamp in UTC with millisecond precision (what the mock writes to `orderDate`)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class BareStore:
    """Orders by id, with `state` and `relatedParty.id` indexes so filtered pages never scan."""

    def __init__(self, base_url: str) -> None:
        self._base_url = base_url
        self._orders: dict[str, Order] = {}
        self._indexes: dict[str, dict[str, dict[str, None]]] = {"state": {}, "relatedParty.id": {}}

    def __len__(self) -> int:
        return len(self._orders)

    def create(self, body: Order) -> Order:
        """Store a new order built from a create body, the way a TMF622 server fills server-side fields."""
        order_id = str(uuid.uuid4())
        items = [{**item, "state": "acknowledged"} for item in body.get("productOrderItem", [])]
        order = {
            **body,
            "id": order_id,
            "href": f"{self._base_url}/productOrder/{order_id}",
            "orderDate": utc_now(),
            "state": "acknowledged",
            "productOrderItem": items,
            "@type": "ProductOrder",
        }
        self._orders[order_id] = order
        self._index(order)
        return order

    def get(self, order_id: str) -> Order | None:
        return self._orders.get(order_id)

    def patch(self, order_id: str, changes: Order) -> Order | None:
        """Shallow JSON Merge Patch (RFC 7386 at the top level), keeping the indexes in step."""
        order = self._orders.get(order_id)
        if order is None:
            return None
        self._unindex(order)
        for key, value in changes.items():
            if value is None:
                order.pop(key, None)
            else:
                order[key] = value
        self._index(order)
        return order

    def page(self, filters: dict[str, str], offset: int, limit: int) -> tuple[list[Order], int]:
        """One page of the orders matching every filter (logical AND), and the total match count."""
        ids = self._matching_ids(filters)
        if ids is None:
            page = itertools.islice(self._orders.values(), offset, offset + limit)
            return list(page), len(self._orders)
        page_ids = itertools.islice(ids, offset, offset + limit)
        return [self._orders[i] for i in page_ids], len(ids)

    def _matching_ids(self, filters: dict[str, str]) -> dict[str, None] | None:
        matched: dict[str, None] | None = None
        for name, value in filters.items():
            hits = self._indexes[name].get(value, {})
            matched = hits if matched is None else {i: None for i in matched if i in hits}
        return matched

    def _keys(self, order: Order) -> list[tuple[str, str]]:
        keys = [("state", str(order.get("state")))]
        keys += [("relatedParty.id", str(p.get("id"))) for p in order.get("relatedParty", [])]
        return keys

    def _index(self, order: Order) -> None:
        for name, value in self._keys(order):
            self._indexes[name].setdefault(value, {})[order["id"]] = None

    def _unindex(self, order: Order) -> None:
        for name, value in self._keys(order):
            self._indexes[name].get(value, {}).pop(order["id"], None)
