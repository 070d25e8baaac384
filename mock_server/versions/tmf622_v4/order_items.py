"""Order items under a client's PATCH: the same rules POST and the server's own steps follow.

- An order keeps at least one item (TMF622B; `minItems: 1` in ProductOrder_Create and _Update).
- An item's `state` moves only along the item table. An item that was not in the order before the
  PATCH starts where POST starts every item, `acknowledged`; an item sent without `state` keeps
  the one it had (clients echo items without it).
- When the order's state changes, its items (nested ones too) follow where their table allows,
  exactly as in the server's progression: a completed item stays completed.
Nested items (`productOrderItem.productOrderItem`) are held to the same rules; ids are unique
within an order (ProductOrderItem.id), so an item is recognised by its id at any depth.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mock_server.domain.errors import Conflict, InvalidInput
from mock_server.versions.tmf622_common.states import ORDER_ITEM, OrderState

Resource = dict[str, Any]
#: Where POST puts every item of a new order, and so where an item added later starts.
INITIAL_ITEM_STATE = OrderState.ACKNOWLEDGED.value
_ORDER_STATES = frozenset(OrderState)


def walk_items(items: Any) -> Iterator[Resource]:
    """Every item object of a `productOrderItem` array, nested ones after their parent."""
    if not isinstance(items, list):
        return
    for item in items:
        if isinstance(item, dict):
            yield item
            yield from walk_items(item.get("productOrderItem"))


def move_items(items: Any, target: OrderState) -> Any:
    """Items (nested ones too) follow the order where their own table allows: a completed item stays."""
    if not isinstance(items, list):
        return items
    return [_move_item(item, target) if isinstance(item, dict) else item for item in items]


def _move_item(item: Resource, target: OrderState) -> Resource:
    moved = dict(item)
    if ORDER_ITEM.allows(str(item.get("state")), target):
        moved["state"] = target.value
    if "productOrderItem" in item:
        moved["productOrderItem"] = move_items(item["productOrderItem"], target)
    return moved


def check_items_kept(after: Resource) -> None:
    if not after.get("productOrderItem"):
        raise InvalidInput("$.productOrderItem: an order keeps at least one item (minItems 1)")


def settle_item_states(before: Resource, after: Resource) -> None:
    """Fill in kept states and refuse moves outside the item table (409), in `after` itself."""
    if after.get("productOrderItem") == before.get("productOrderItem"):
        return  # the common PATCH leaves the items alone: nothing to check (a C-speed comparison)
    old_states = {
        item.get("id"): item.get("state") or INITIAL_ITEM_STATE
        for item in walk_items(before.get("productOrderItem"))
    }
    for item in walk_items(after.get("productOrderItem")):
        old = old_states.get(item.get("id"), INITIAL_ITEM_STATE)
        new = item.setdefault("state", old)
        refusal = ORDER_ITEM.refusal(old, str(new))
        if refusal is not None:
            raise Conflict(f"productOrderItem {item.get('id')!r}: {refusal}")


def follow_order_state(before: Resource, after: Resource) -> None:
    """After an order's state change, its items follow it (as `Transitions` moves them)."""
    state = after.get("state")
    if state != before.get("state") and state in _ORDER_STATES:
        after["productOrderItem"] = move_items(after.get("productOrderItem"), OrderState(state))
