"""CancelProductOrder v5: the task's steps and how they drive the order, applied in the POST.

A cancellable order (its table offers `assessingCancellation`) goes assessingCancellation ->
pendingCancellation -> cancelled, items following, `cancellationDate` and the task's
`cancellationReason` set; the task goes acknowledged -> inProgress -> done with
`effectiveCancellationDate`. A `draft` order, never submitted, is cancelled at once. Any other order
(finished, or already being cancelled) cannot be: the task is `rejected` (a v5 task state) and the
order is untouched. Each step is stored and published as a state change event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mock_server.domain.events import EventSink
from mock_server.store.base import Store
from mock_server.v5.events import publish_created, publish_state_change
from mock_server.v5.orders import with_item_state
from mock_server.v5.resources import CANCEL_PRODUCT_ORDER, PRODUCT_ORDER, Kind
from mock_server.v5.states import ORDER, OrderState, TaskState

Resource = dict[str, Any]
_CANCEL_PATH = (OrderState.ASSESSING_CANCELLATION, OrderState.PENDING_CANCELLATION, OrderState.CANCELLED)


def new_cancel_task(body: Resource, *, task_id: str, href: str, now: str) -> Resource:
    task: Resource = {"id": task_id, "href": href, **body}
    task.update(id=task_id, href=href, creationDate=now, state=TaskState.ACKNOWLEDGED.value)
    return task


def order_path(order: Resource) -> tuple[OrderState, ...]:
    """The order's states on the way to `cancelled`; empty when it cannot be cancelled."""
    state = str(order.get("state"))
    if state == OrderState.DRAFT:
        return (OrderState.CANCELLED,)
    if OrderState.ASSESSING_CANCELLATION in ORDER.transitions.get(state, frozenset()):
        return _CANCEL_PATH
    return ()


@dataclass(frozen=True)
class Cancellation:
    """Where the steps go (store, events) and the clock reading each one stamps."""

    store: Store
    events: EventSink
    now: Callable[[], str]

    async def run(self, task: Resource, order: Resource) -> Resource:
        """Store the task, publish, apply every step; the task as it ends."""
        await self.store.add(CANCEL_PRODUCT_ORDER.collection, task)
        publish_created(self.events, CANCEL_PRODUCT_ORDER, task)
        path = order_path(order)
        if not path:
            return await self._move(CANCEL_PRODUCT_ORDER, task, {"state": TaskState.REJECTED.value})
        task = await self._move(CANCEL_PRODUCT_ORDER, task, {"state": TaskState.IN_PROGRESS.value})
        for state in path:
            order = await self._move(PRODUCT_ORDER, order, self._order_change(state, task))
        effective = {"effectiveCancellationDate": order["cancellationDate"]}
        return await self._move(CANCEL_PRODUCT_ORDER, task, {"state": TaskState.DONE.value, **effective})

    def _order_change(self, state: OrderState, task: Resource) -> Resource:
        change: Resource = {"state": state.value}
        if state is OrderState.CANCELLED:
            change["cancellationDate"] = self.now()
            if "cancellationReason" in task:
                change["cancellationReason"] = task["cancellationReason"]
        return change

    async def _move(self, kind: Kind, resource: Resource, change: Resource) -> Resource:
        after = {**resource, **change}
        if kind is PRODUCT_ORDER and "productOrderItem" in resource:
            after["productOrderItem"] = with_item_state(resource["productOrderItem"], change["state"])
        await self.store.replace(kind.collection, after)
        publish_state_change(self.events, kind, resource, after)
        return after
