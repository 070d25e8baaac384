"""CancelProductOrder: the task's steps and how they drive the order (TMF622 v4 cancellation).

A cancellable order goes assessingCancellation -> pendingCancellation -> cancelled (items follow,
`cancellationDate` and the task's `cancellationReason` are set) while the task goes
acknowledged -> inProgress -> done (`effectiveCancellationDate` = the order's `cancellationDate`).
When the order can no longer be cancelled (the state table offers no way to assessingCancellation:
completed, cancelled, failed, rejected, or a cancellation already under way) the task goes
inProgress -> terminatedWithError and the order is untouched.

Timing. Synchronous by default and in deterministic mode: the POST answers with the final states.
When lifecycles are paced (`auto_progress`, see domain/progression.py), the POST applies only the first
step (the order enters assessingCancellation; the task stays acknowledged) and a background task
applies each following step `progress_delay_s` apart. Every step re-reads both resources: if the
client deleted or moved the order meanwhile, the task ends terminatedWithError; if the client
deleted or moved the task, the cancellation stops where it is.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from functools import partial
from typing import Any

from mock_server.domain.events import publish_all
from mock_server.domain.progression import Lifecycle
from mock_server.domain.transitions import Change, Transitions
from mock_server.store.base import Collection, read
from mock_server.versions.tmf622_common.states import ORDER, OrderState, TaskState
from mock_server.versions.tmf622_v4.events import created_events
from mock_server.versions.tmf622_v4.progression import advance, order_at

Resource = dict[str, Any]
ORDER_COLLECTION: Collection = "productOrder"
TASK_COLLECTION: Collection = "cancelProductOrder"


@dataclass(frozen=True, slots=True)
class Move:
    """One step: the resource (by collection) and the state it goes to."""

    collection: Collection
    target: str


def new_cancel_task(body: Resource, *, task_id: str, href: str) -> Resource:
    task: Resource = {"id": task_id, "href": href, **body}
    task.update(id=task_id, href=href, state=TaskState.ACKNOWLEDGED.value)
    task.setdefault("@type", "CancelProductOrder")
    return task


def can_cancel(order: Resource) -> bool:
    """The state table offers the order a move to assessingCancellation."""
    targets = ORDER.transitions.get(str(order.get("state")), frozenset())
    return OrderState.ASSESSING_CANCELLATION in targets


def cancellation_plan(order: Resource) -> tuple[Move, ...]:
    """Every step, in order, from the task's acknowledgement to its end."""
    if not can_cancel(order):
        return (
            Move(TASK_COLLECTION, TaskState.IN_PROGRESS),
            Move(TASK_COLLECTION, TaskState.TERMINATED_WITH_ERROR),
        )
    return (
        Move(ORDER_COLLECTION, OrderState.ASSESSING_CANCELLATION),
        Move(TASK_COLLECTION, TaskState.IN_PROGRESS),
        Move(ORDER_COLLECTION, OrderState.PENDING_CANCELLATION),
        Move(ORDER_COLLECTION, OrderState.CANCELLED),
        Move(TASK_COLLECTION, TaskState.DONE),
    )


class Cancellation:
    """One cancellation in flight: where the task and the order stand, and the moves left."""

    def __init__(self, steps: Transitions, task: Resource, order: Resource) -> None:
        self.steps = steps
        self.ids = {TASK_COLLECTION: str(task["id"]), ORDER_COLLECTION: str(order["id"])}
        self.states = {TASK_COLLECTION: str(task["state"]), ORDER_COLLECTION: str(order.get("state"))}
        self.moves = deque(cancellation_plan(order))
        self.cancelled_at: str | None = None

    async def step(self) -> bool:
        """Apply the next move; False when the cancellation is over (finished or overtaken by the client)."""
        move = self.moves.popleft()
        if await self._apply(move.collection, move.target, await self._change(move)):
            return bool(self.moves)
        self.moves.clear()
        if move.collection == ORDER_COLLECTION:  # the order changed under us: the task fails
            await self._apply(
                TASK_COLLECTION,
                TaskState.TERMINATED_WITH_ERROR,
                self._task_to(TaskState.TERMINATED_WITH_ERROR),
            )
        return False

    async def begin(self) -> None:
        """The steps a POST applies at once when paced: up to the task's first move."""
        while self.moves and self.moves[0].collection == ORDER_COLLECTION and await self.step():
            pass

    async def finish(self) -> None:
        while self.moves and await self.step():
            pass

    async def finish_paced(self, delay: float) -> None:
        while self.moves:
            await asyncio.sleep(delay)
            if not await self.step():
                return

    async def _apply(self, collection: Collection, target: str, change: Change) -> bool:
        moved = await advance(self.steps, collection, self.ids[collection], self.states[collection], change)
        if moved is not None:
            self.states[collection] = target
        return moved is not None

    async def _change(self, move: Move) -> Change:
        if move.collection == TASK_COLLECTION:
            return self._task_to(TaskState(move.target))
        if move.target == OrderState.CANCELLED:  # the task's reason as it is now (the client may change it)
            task = await read(self.steps.store, TASK_COLLECTION, self.ids[TASK_COLLECTION]) or {}
            return partial(self._cancelled, task)
        return lambda order: order_at(order, OrderState(move.target), self._now)

    def _task_to(self, target: TaskState) -> Change:
        def change(task: Resource) -> Resource:
            moved = {**task, "state": target.value}
            if target is TaskState.DONE and self.cancelled_at is not None:
                moved["effectiveCancellationDate"] = self.cancelled_at
            return moved

        return change

    def _cancelled(self, task: Resource, order: Resource) -> Resource:
        cancelled = order_at(order, OrderState.CANCELLED, self._now)
        cancelled["cancellationDate"] = self.cancelled_at = self._now()
        if "cancellationReason" in task:
            cancelled["cancellationReason"] = task["cancellationReason"]
        return cancelled

    def _now(self) -> str:
        return self.steps.now()


async def start_cancellation(
    lifecycle: Lifecycle, steps: Transitions, task: Resource, order: Resource
) -> Resource:
    """Store the task, publish, and run (or start) its steps; returns the task as it stands now."""
    announced = created_events(TASK_COLLECTION, task)
    await steps.store.add(TASK_COLLECTION, task, announced)
    publish_all(steps.events, task, announced)
    cancellation = Cancellation(steps, task, order)
    if lifecycle.paced:
        await cancellation.begin()
        lifecycle.spawn(cancellation.finish_paced(lifecycle.delay))
    else:
        await cancellation.finish()
    return await read(steps.store, TASK_COLLECTION, task["id"]) or task
