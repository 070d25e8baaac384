"""ProductOrder rules: what the server fills in at creation and enforces on update (TMF622 v4)."""

from __future__ import annotations

from typing import Any

from mock_server.versions.tmf622_common.states import OrderState
from mock_server.versions.tmf622_v4.order_items import (
    check_items_kept,
    follow_order_state,
    settle_item_states,
)

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


def on_order_updated(before: Resource, after: Resource, now: str) -> None:
    """The item rules of `order_items`, and TMF622B: `completionDate` "must be filled when an order
    is completed" (by the server: a PATCH cannot set it, see `resources.PRODUCT_ORDER.read_only`).
    """
    check_items_kept(after)
    settle_item_states(before, after)
    follow_order_state(before, after)
    reached = after.get("state") == OrderState.COMPLETED and before.get("state") != OrderState.COMPLETED
    if reached and "completionDate" not in after:
        after["completionDate"] = now
