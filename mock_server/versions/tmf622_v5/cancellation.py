"""CancelProductOrder v5: the task's steps and how they drive the order, applied in the POST.

A cancellable order (its table offers `assessingCancellation`) goes assessingCancellation ->
pendingCancellation -> cancelled, items following, `cancellationDate` and the task's
`cancellationReason` set; the task goes acknowledged -> inProgress -> done with
`effectiveCancellationDate`. A `draft` order, never submitted, is cancelled at once. Any other order
(finished, or already being cancelled) cannot be: the task is `rejected` (a v5 task state) and the
order is untouched. Each step is stored with its state change event (`rewrite`: a version-checked
write, never last-writer-wins): a step finding the resource moved or changed by another request
re-reads it, and if it is no longer where the cancellation left it the cancellation stops there
(the task ends `terminatedWithError`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from mock_server.domain.events import EventSink, publish_all
from mock_server.store.base import Store, WriteConflict, rewrite
from mock_server.versions.tmf622_v5.events import created_events, state_change_events
from mock_server.versions.tmf622_v5.orders import with_item_state
from mock_server.versions.tmf622_v5.resources import CANCEL_PRODUCT_ORDER, PRODUCT_ORDER, Kind
from mock_server.versions.tmf622_v5.states import ORDER, OrderState, TaskState

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
        announced = created_events(CANCEL_PRODUCT_ORDER)
        await self.store.add(CANCEL_PRODUCT_ORDER.collection, task, announced)
        publish_all(self.events, task, announced)
        path = order_path(order)
        if not path:
            return await self._move(CANCEL_PRODUCT_ORDER, task, {"state": TaskState.REJECTED.value}) or task
        task = await self._move(CANCEL_PRODUCT_ORDER, task, {"state": TaskState.IN_PROGRESS.value}) or task
        for state in path:
            moved = await self._move(PRODUCT_ORDER, order, self._order_change(state, task))
            if moved is None:  # another request moved or deleted the order meanwhile: it wins
                failed = {"state": TaskState.TERMINATED_WITH_ERROR.value}
                return await self._move(CANCEL_PRODUCT_ORDER, task, failed) or task
            order = moved
        effective = {"effectiveCancellationDate": order["cancellationDate"]}
        return (
            await self._move(CANCEL_PRODUCT_ORDER, task, {"state": TaskState.DONE.value, **effective}) or task
        )

    def _order_change(self, state: OrderState, task: Resource) -> Resource:
        change: Resource = {"state": state.value}
        if state is OrderState.CANCELLED:
            change["cancellationDate"] = self.now()
            if "cancellationReason" in task:
                change["cancellationReason"] = task["cancellationReason"]
        return change

    async def _move(self, kind: Kind, resource: Resource, change: Resource) -> Resource | None:
        """`change` applied to the resource as stored now, if it is still in the state this
        cancellation left it in and the table allows the move; None otherwise."""
        expected, target = str(resource.get("state")), str(change["state"])

        def step(current: Resource) -> Resource | None:
            if current.get("state") != expected or not kind.machine.allows(expected, target):
                return None
            after = {**current, **change}
            if kind is PRODUCT_ORDER and "productOrderItem" in current:
                after["productOrderItem"] = with_item_state(current["productOrderItem"], target)
            return after

        collection = kind.collection
        try:
            changed = await rewrite(
                self.store,
                collection,
                lambda: self.store.get(collection, str(resource["id"])),
                step,
                partial(state_change_events, kind),
            )
        except WriteConflict:  # clients kept changing it: as if they had moved it
            return None
        if changed is None:
            return None
        publish_all(self.events, changed.after, changed.events)
        return changed.after
