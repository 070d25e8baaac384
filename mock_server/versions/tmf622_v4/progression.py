"""v4 orders walk the shared scenario (`tmf622_common.scenario`) in the background, paced by the core's
`Lifecycle`; each step goes through `Transitions.advance` with the v4 tables and events (state table,
items follow, `completionDate` on completion, state change and information required events), so a
client's PATCH or DELETE between two steps wins and ends the walk.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from aiohttp import web

from mock_server.domain.transitions import Change, Transitions
from mock_server.keys import CHANNELS_KEY, CLOCK_KEY, LIFECYCLE_KEY, SETTINGS_KEY, STORE_KEY
from mock_server.store.base import Collection
from mock_server.versions.tmf622_common.scenario import StatePath, scenario_for
from mock_server.versions.tmf622_common.states import OrderState
from mock_server.versions.tmf622_v4.events import state_change_events
from mock_server.versions.tmf622_v4.order_items import move_items
from mock_server.versions.tmf622_v4.resources import CANCEL_PRODUCT_ORDER, NAME, PRODUCT_ORDER

Resource = dict[str, Any]
_MACHINES = {kind.collection: kind.machine for kind in (PRODUCT_ORDER, CANCEL_PRODUCT_ORDER)}


def order_at(order: Resource, target: OrderState, now: Callable[[], str]) -> Resource:
    """The order in `target` with its items; TMF622B: `completionDate` is filled on completion."""
    moved = {
        **order,
        "state": target.value,
        "productOrderItem": move_items(order.get("productOrderItem"), target),
    }
    if target is OrderState.COMPLETED and "completionDate" not in moved:
        moved["completionDate"] = now()
    return moved


def steps_of(app: web.Application) -> Transitions:
    """The store, v4's events channel and the clock: what a server-driven v4 step needs."""
    return Transitions(app[STORE_KEY], app[CHANNELS_KEY][NAME].events, app[CLOCK_KEY])


async def advance(
    steps: Transitions, collection: Collection, resource_id: str, expected: str, change: Change
) -> Resource | None:
    """One server-driven step of a v4 resource, under its table and with its events."""
    announce = partial(state_change_events, collection)
    return await steps.advance(
        collection, resource_id, expected, change, machine=_MACHINES[collection], announce=announce
    )


def start_order(app: web.Application, order: Mapping[str, Any]) -> None:
    """Walk a new order along its scenario path in the background (no-op when not paced)."""
    scenario = scenario_for(app[SETTINGS_KEY])
    if scenario is not None:
        app[LIFECYCLE_KEY].spawn(_walk(steps_of(app), str(order["id"]), scenario.path_for(order)))


async def _walk(steps: Transitions, order_id: str, path: StatePath) -> None:
    current = OrderState.ACKNOWLEDGED.value
    for step in path:
        await asyncio.sleep(step.delay)
        change = partial(order_at, target=step.state, now=steps.now)
        if await advance(steps, PRODUCT_ORDER.collection, order_id, current, change) is None:
            return
        current = step.state.value
