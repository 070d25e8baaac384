"""ProductOrder rules: what the server fills in at creation and enforces on update (TMF622 v4)."""

from __future__ import annotations

from typing import Any

from mock_server.domain.state_machine import ORDER_ITEM, OrderState
from mock_server.http.errors import conflict

Resource = dict[str, Any]


def _acknowledge_items(items: list[Any]) -> list[Any]:
    """Every item (nested ones too) starts `acknowledged` with its order."""
    return [_acknowledge_item(item) if isinstance(item, dict) else item for item in items]


def _acknowledge_item(item: Resource) -> Resource:
    acknowledged = {**item, "state": OrderState.ACKNOWLEDGED.value}
    if isinstance(item.get("productOrderItem"), list):
        acknowledged["productOrderItem"] = _acknowledge_items(item["productOrderItem"])
    return acknowledged


def new_product_order(body: Resource, *, order_id: str, href: str, order_date: str) -> Resource:
    """The stored order: TMF622B requires id, href, orderDate and state in responses;
    the official CTK also expects `relatedParty` to be an array, so it always is.
    """
    order: Resource = {"id": order_id, "href": href, **body}
    order.update(id=order_id, href=href, orderDate=order_date, state=OrderState.ACKNOWLEDGED.value)
    order.setdefault("@type", "ProductOrder")
    order.setdefault("relatedParty", [])
    order["productOrderItem"] = _acknowledge_items(order["productOrderItem"])
    return order


def _items_by_id(order: Resource) -> dict[Any, Resource]:
    items = order.get("productOrderItem")
    if not isinstance(items, list):
        return {}
    return {item.get("id"): item for item in items if isinstance(item, dict)}


def check_item_transitions(before: Resource, after: Resource) -> None:
    """An item kept by a PATCH (same id) may only move along the item state table (409)."""
    old_items = _items_by_id(before)
    for item_id, item in _items_by_id(after).items():
        old_state = old_items.get(item_id, {}).get("state")
        new_state = item.get("state")
        if isinstance(old_state, str) and isinstance(new_state, str):
            refusal = ORDER_ITEM.refusal(old_state, new_state)
            if refusal is not None:
                raise conflict(f"productOrderItem {item_id!r}: {refusal}")


def on_order_updated(before: Resource, after: Resource, now: str) -> None:
    """TMF622B: `completionDate` "must be filled when an order is completed"."""
    check_item_transitions(before, after)
    reached = after.get("state") == OrderState.COMPLETED and before.get("state") != OrderState.COMPLETED
    if reached and "completionDate" not in after:
        after["completionDate"] = now
