"""CancelProductOrder: the task's steps and how they drive the order (TMF622 v4 cancellation).

The task goes acknowledged -> inProgress -> done, moving the order through
assessingCancellation -> pendingCancellation -> cancelled. When the order can no longer be
cancelled (the state table offers no way to assessingCancellation: completed, cancelled,
failed, rejected, or a cancellation already under way) the task ends terminatedWithError and
the order is untouched.

`cancellation_steps` yields each intermediate state as data; `run_cancellation` applies them
at once. A later asynchronous runner can apply the same steps with delays and events between.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mock_server.events import EventSink
from mock_server.state_machine import ORDER, ORDER_ITEM, OrderState, TaskState
from mock_server.store import Collection, Store

Resource = dict[str, Any]
#: The order's path to cancellation, in order.
ORDER_CANCELLATION_PATH = (
    OrderState.ASSESSING_CANCELLATION,
    OrderState.PENDING_CANCELLATION,
    OrderState.CANCELLED,
)


def new_cancel_task(body: Resource, *, task_id: str, href: str) -> Resource:
    task: Resource = {"id": task_id, "href": href, **body}
    task.update(id=task_id, href=href, state=TaskState.ACKNOWLEDGED.value)
    task.setdefault("@type", "CancelProductOrder")
    return task


def _move_items(items: Any, target: OrderState) -> Any:
    """Items follow the order where their own table allows (a completed item stays completed)."""
    if not isinstance(items, list):
        return items
    return [
        {**item, "state": target.value}
        if isinstance(item, dict) and ORDER_ITEM.allows(str(item.get("state")), target)
        else item
        for item in items
    ]


def _order_at(order: Resource, target: OrderState, task: Resource, now: str) -> Resource:
    items = _move_items(order.get("productOrderItem"), target)
    moved = {**order, "state": target.value, "productOrderItem": items}
    if target is OrderState.CANCELLED:
        moved["cancellationDate"] = now
        if "cancellationReason" in task:
            moved["cancellationReason"] = task["cancellationReason"]
    return moved


def can_cancel(order: Resource) -> bool:
    """The state table offers the order a move to assessingCancellation."""
    targets = ORDER.transitions.get(str(order.get("state")), frozenset())
    return OrderState.ASSESSING_CANCELLATION in targets


def cancellation_steps(task: Resource, order: Resource, now: str) -> Iterator[tuple[Collection, Resource]]:
    """Successive (collection, new version) pairs, from the task's acknowledgement to its end."""
    task = {**task, "state": TaskState.IN_PROGRESS.value}
    yield "cancelProductOrder", task
    if not can_cancel(order):
        yield "cancelProductOrder", {**task, "state": TaskState.TERMINATED_WITH_ERROR.value}
        return
    for target in ORDER_CANCELLATION_PATH:
        order = _order_at(order, target, task, now)
        yield "productOrder", order
    yield "cancelProductOrder", {**task, "state": TaskState.DONE.value, "effectiveCancellationDate": now}


def run_cancellation(store: Store, events: EventSink, task: Resource, order: Resource, now: str) -> Resource:
    """Apply every step now; returns the task in its final state."""
    for collection, version in cancellation_steps(task, order, now):
        store.replace(collection, version)
        events.publish(f"{collection}StateChangeEvent", version)
        if collection == "cancelProductOrder":
            task = version
    return task
