"""ProductOrder v5 rules: what the server fills in at creation and enforces on each change.

v5 differs from v4 here: the creation instant is `creationDate` (v4: `orderDate`); a POST may ask
for `requestedInitialState` `draft` or `acknowledged` (the OAS default); items (nested too) start
`acknowledged` with a submitted order and get a state only once a draft is submitted.
"""

from __future__ import annotations

from typing import Any

from mock_server.domain.errors import Conflict, InvalidInput
from mock_server.versions.tmf622_v5.resources import Kind
from mock_server.versions.tmf622_v5.states import ORDER_ITEM, OrderState

Resource = dict[str, Any]
ACKNOWLEDGED = OrderState.ACKNOWLEDGED.value


def with_item_state(items: Any, state: str, *, force: bool = False) -> Any:
    """Items (nested ones too) put in `state` where their own table allows it (a finished item
    stays), or whatever state they had with `force` (creation: item states are the server's).
    """
    if not isinstance(items, list):
        return items
    return [_item_in(item, state, force) if isinstance(item, dict) else item for item in items]


def _item_in(item: Resource, state: str, force: bool) -> Resource:
    moved = dict(item)
    current = item.get("state")
    if force or not isinstance(current, str) or ORDER_ITEM.allows(current, state):
        moved["state"] = state
    if "productOrderItem" in item:
        moved["productOrderItem"] = with_item_state(item["productOrderItem"], state, force=force)
    return moved


def _without_item_state(items: Any) -> Any:
    """A draft's items carry no state: `ProductOrderItemStateType` has no draft."""
    if not isinstance(items, list):
        return items
    return [_stateless(item) if isinstance(item, dict) else item for item in items]


def _stateless(item: Resource) -> Resource:
    kept = {name: value for name, value in item.items() if name != "state"}
    if "productOrderItem" in item:
        kept["productOrderItem"] = _without_item_state(item["productOrderItem"])
    return kept


def new_product_order(body: Resource, *, order_id: str, href: str, now: str) -> Resource:
    """The stored order from a valid `ProductOrder_FVO` (item states are the server's, as in v4)."""
    initial = str(body.get("requestedInitialState", ACKNOWLEDGED))
    order: Resource = {"id": order_id, "href": href, **body}
    order.update(id=order_id, href=href, creationDate=now, state=initial, requestedInitialState=initial)
    order.setdefault("relatedParty", [])
    items = order["productOrderItem"]
    draft = initial == OrderState.DRAFT
    order["productOrderItem"] = (
        _without_item_state(items) if draft else with_item_state(items, ACKNOWLEDGED, force=True)
    )
    return order


def check_type(kind: Kind, body: Resource) -> None:
    """The resource's own `@type`: the OAS discriminator maps only it, and this server defines no
    subclass (TMF lets a server extend types; a client's unknown subclass is refused, not stored).
    """
    if body.get("@type") != kind.type_name:
        raise InvalidInput(f"$['@type']: must be {kind.type_name!r} (this server knows no subtype of it)")


def check_read_only(kind: Kind, before: Resource, after: Resource) -> None:
    """Server-owned fields, and those fixed at creation, may be echoed unchanged, never changed."""
    for name in kind.read_only:
        if before.get(name) != after.get(name):
            raise InvalidInput(f"$.{name}: {name} cannot be changed by a PATCH")


def _items_by_id(order: Resource) -> dict[Any, Resource]:
    items = order.get("productOrderItem")
    if not isinstance(items, list):
        return {}
    return {item.get("id"): item for item in items if isinstance(item, dict)}


def check_item_transitions(before: Resource, after: Resource) -> None:
    """An item kept by a PATCH (same id) may only move along the item table (409)."""
    old_items = _items_by_id(before)
    for item_id, item in _items_by_id(after).items():
        old_state, new_state = old_items.get(item_id, {}).get("state"), item.get("state")
        if isinstance(old_state, str) and isinstance(new_state, str):
            refusal = ORDER_ITEM.refusal(old_state, new_state)
            if refusal is not None:
                raise Conflict(f"productOrderItem {item_id!r}: {refusal}")


def on_order_updated(before: Resource, after: Resource, now: str) -> Resource:
    """Follow-ups of a state move: a submitted draft's items are acknowledged; a completed
    order gets its `completionDate` (TMF622: "Date when the order was completed").
    """
    check_item_transitions(before, after)
    old, new = before.get("state"), after.get("state")
    if old == OrderState.DRAFT and new == OrderState.ACKNOWLEDGED:
        after["productOrderItem"] = with_item_state(after.get("productOrderItem"), ACKNOWLEDGED)
    if new == OrderState.COMPLETED and old != new and "completionDate" not in after:
        after["completionDate"] = now
    return after
