"""Which TMF622 v4 events each change produces (the core delivers them: `domain.events`).

The rules, one place for handlers and background steps alike:
- create: `<collection>CreateEvent`;
- a `state` change: `<collection>StateChangeEvent` (a server-set `completionDate` and the items that
  follow the order's state ride along; the server's own steps, such as cancellation, publish state
  changes only);
- any other first-level change of a productOrder: `productOrderAttributeValueChangeEvent` whose
  `fieldPath` names the changed fields (v4 defines no attribute change event for cancelProductOrder);
- DELETE of a productOrder: `productOrderDeleteEvent` (v4 defines none for cancelProductOrder);
- information required (v4 `*InformationRequiredEvent`: the provider needs input from the customer):
  when an order enters `held` or `pending`, with `fieldPath` "relatedParty" when the order names no
  party (TMF622B: an order must "at least specify the customer"), else without `fieldPath`; and when a
  cancelProductOrder is created without `cancellationReason`, with `fieldPath` "cancellationReason".
  The request is informative: the cancellation goes on without waiting for an answer.
Each change's events are decided before its write and go with it (`Store` keeps them in the write's
transaction where replicas share an outbox), then to the app's sink: `GuardedSink` logs a failing
publish instead of failing the request, whose change is already stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_server.domain.events import changed_fields
from mock_server.store.base import Event
from mock_server.versions.tmf622_common.states import OrderState
from mock_server.versions.tmf622_v4.order_items import move_items

Resource = Mapping[str, Any]
#: A state change event covers these; only other differences make an attribute value change event.
STATE_FIELDS = frozenset({"state", "completionDate"})
#: Order states in which the provider waits for the customer (TMF622 v4 user guide state diagram).
WAITING_STATES = frozenset({OrderState.HELD.value, OrderState.PENDING.value})
_ORDER_STATES = frozenset(OrderState)


def missing_information(order: Resource) -> list[str]:
    """What the provider would ask the customer for (see the module docstring)."""
    return [] if order.get("relatedParty") else ["relatedParty"]


def created_events(collection: str, resource: Resource) -> list[Event]:
    announced = [Event(f"{collection}CreateEvent")]
    if collection == "cancelProductOrder" and "cancellationReason" not in resource:
        announced.append(Event("cancelProductOrderInformationRequiredEvent", ("cancellationReason",)))
    return announced


def state_change_events(collection: str, before: Resource, after: Resource) -> list[Event]:
    """The state change event, and the information request when an order starts waiting."""
    if before.get("state") == after.get("state"):
        return []
    announced = [Event(f"{collection}StateChangeEvent")]
    if collection == "productOrder" and after.get("state") in WAITING_STATES:
        announced.append(Event(f"{collection}InformationRequiredEvent", tuple(missing_information(after))))
    return announced


def _items_moved(before: Resource, after: Resource) -> Resource:
    """`before` with its items where the order's state change alone moves them: a part of that
    change (as in the server's own steps), not an attribute change of its own."""
    state = after.get("state")
    if state == before.get("state") or state not in _ORDER_STATES or "productOrderItem" not in before:
        return before
    return {**before, "productOrderItem": move_items(before.get("productOrderItem"), OrderState(state))}


def update_events(collection: str, before: Resource, after: Resource) -> list[Event]:
    """After a PATCH: state events first, then one attribute change event naming the other fields."""
    announced = state_change_events(collection, before, after)
    fields = changed_fields(_items_moved(before, after), after, STATE_FIELDS)
    if fields and collection == "productOrder":
        announced.append(Event(f"{collection}AttributeValueChangeEvent", tuple(fields)))
    return announced


def deleted_events(collection: str) -> list[Event]:
    return [Event(f"{collection}DeleteEvent")] if collection == "productOrder" else []
