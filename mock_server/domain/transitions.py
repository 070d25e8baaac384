"""Server-driven state steps: re-read the resource, check it is where the server left it, move it, publish.

Progression and cancellation run their steps through `Transitions.advance`, so a client's PATCH or DELETE made
between two steps wins: the step finds the resource gone or in another state and does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mock_server.domain.clock import Clock, timestamp
from mock_server.domain.events import EventSink, publish_all
from mock_server.domain.state_machine import Machine
from mock_server.store.base import Announce, Collection, Store, WriteConflict, rewrite

Resource = dict[str, Any]
Change = Callable[[Resource], Resource]


@dataclass(frozen=True)
class Transitions:
    """What a server-driven step needs: the store, where events go, and the clock. Nothing of the web app."""

    store: Store
    events: EventSink
    clock: Clock

    def now(self) -> str:
        """One reading of the clock, as a TMF timestamp (deterministic mode and tests inject the clock)."""
        return timestamp(self.clock())

    async def advance(
        self,
        collection: Collection,
        resource_id: str,
        expected: str,
        change: Change,
        *,
        machine: Machine,
        announce: Announce,
    ) -> Resource | None:
        """Apply `change` if the resource still exists in state `expected`; the new version, or None.

        `machine` is checked again, so no background step can make a move a client could not;
        `announce` gives the events of the move (the version's rules).
        """

        def step(current: Resource) -> Resource | None:
            if current.get("state") != expected:
                return None
            after = change(current)
            return after if machine.allows(expected, str(after.get("state"))) else None

        try:
            changed = await rewrite(
                self.store, collection, lambda: self.store.get(collection, resource_id), step, announce
            )
        except WriteConflict:  # clients kept changing it: like a client's change between two steps
            return None
        if changed is None:
            return None
        publish_all(self.events, changed.after, changed.events)
        return changed.after
