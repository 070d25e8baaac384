"""Automatic progression of v5 orders: the shared scenario (`--auto-progress`, `--progression-file`)
walked by v5 rules, in the background, with the app's `Lifecycle` (stopped at shutdown and reset).

A v5 order starts its walk once submitted: at creation when `acknowledged`, or when a PATCH moves
a draft to `acknowledged`. Each step re-reads the order and moves it only if it still is where the
previous step left it and the v5 table allows the move (so a client's PATCH, cancellation or
DELETE wins); items follow, `completionDate` is set on completion, a state change event is sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from mock_server.domain.events import EventSink, publish_all
from mock_server.domain.progression import Lifecycle
from mock_server.store.base import Store, WriteConflict, rewrite
from mock_server.versions.tmf622_common.scenario import Scenario, StatePath
from mock_server.versions.tmf622_v5.events import state_change_events
from mock_server.versions.tmf622_v5.orders import with_item_state
from mock_server.versions.tmf622_v5.resources import PRODUCT_ORDER
from mock_server.versions.tmf622_v5.states import ORDER, OrderState

Resource = dict[str, Any]


@dataclass(frozen=True)
class Progression:
    """Where v5 steps go; `lifecycle` paces them (no scenario: orders stay where clients put them)."""

    lifecycle: Lifecycle
    scenario: Scenario | None
    store: Store
    events: EventSink
    now: Callable[[], str]

    def start(self, order: Mapping[str, Any]) -> None:
        """Walk a submitted order along its scenario path (no-op when progression is off)."""
        scenario = self.scenario
        if scenario is not None and order.get("state") == OrderState.ACKNOWLEDGED:
            self.lifecycle.spawn(self._walk(str(order["id"]), scenario.path_for(order)))

    async def _walk(self, order_id: str, path: StatePath) -> None:
        current = OrderState.ACKNOWLEDGED.value
        for step in path:
            await asyncio.sleep(step.delay)
            if not await self.advance(order_id, current, step.state.value):
                return
            current = step.state.value

    async def advance(self, order_id: str, expected: str, target: str) -> bool:
        """One step, if the order is still in `expected` and the table allows `target` (checked again
        on the current order if another request wrote in between: `rewrite`)."""

        def step(before: Resource) -> Resource | None:
            if before.get("state") != expected or not ORDER.allows(expected, target):
                return None
            after = {**before, "state": target}
            after["productOrderItem"] = with_item_state(before.get("productOrderItem"), target)
            if target == OrderState.COMPLETED:
                after.setdefault("completionDate", self.now())
            return after

        collection = PRODUCT_ORDER.collection
        try:
            changed = await rewrite(
                self.store,
                collection,
                lambda: self.store.get(collection, order_id),
                step,
                partial(state_change_events, PRODUCT_ORDER),
            )
        except WriteConflict:  # clients kept changing it: like a client's change between two steps
            return False
        if changed is None:
            return False
        publish_all(self.events, changed.after, changed.events)
        return True
