"""A PATCH that races other writers, as a client sees it: applied once on the latest resource, or a 409.

PostgreSQL's compare-and-swap refuses a stale write (`WriteConflict`); here a memory store refuses the
first writes of each PATCH the same way, after writing "another replica's" change, so that the races
are certain instead of timing-dependent. Written for `make mutate` (mutation/README.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pytest

from mock_server.store.base import Collection, Event, Resource, Stored, WriteConflict
from mock_server.store.memory import MemoryStore
from tests.support.mock import v5_helpers as v5
from tests.support.mock.mock_helpers import TIMEOUT_S, assert_error

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

MERGE = {"Content-Type": "application/merge-patch+json"}
#: The store is given to the mock: the [memory] run is the one that means something.
pytestmark = pytest.mark.parametrize("store_kind", ["memory"])


def note(number: int) -> dict[str, str]:
    """What "another replica" adds: a note valid in v4 and v5."""
    return {"text": f"other writer {number}", "@type": "Note"}


class RacingStore(MemoryStore):
    """Loses the next `races` checked writes to another writer, who adds a note each time."""

    def __init__(self) -> None:
        super().__init__()
        self.races = 0
        self.refused = 0

    async def replace(
        self,
        collection: Collection,
        resource: Resource,
        expected: Stored | None = None,
        events: Sequence[Event] = (),
    ) -> bool:
        if expected is not None and self.races > 0:
            self.races -= 1
            self.refused += 1
            found = await self.get(collection, resource["id"])
            assert found is not None
            other = found.resource()
            other["note"] = [*other.get("note", []), note(self.refused)]
            await super().replace(collection, other)
            raise WriteConflict(f"{collection}: the row changed")
        return await super().replace(collection, resource, expected, events)


def patch(api: Any, order: dict[str, Any], body: dict[str, Any]) -> Any:
    return api.http.patch(order["href"], json=body, headers=MERGE, timeout=TIMEOUT_S)


def test_a_patch_that_loses_races_is_applied_once_on_the_latest_order(make_api: ApiFactory) -> None:
    store = RacingStore()
    api = make_api(store=store)
    order = api.create_order()
    store.races = 3
    answer = patch(api, order, {"description": "mine"})
    assert answer.status_code == 200, answer.text
    notes = [note(n) for n in (1, 2, 3)]
    assert (answer.json()["description"], answer.json()["note"]) == ("mine", notes)
    assert api.http.get(order["href"], timeout=TIMEOUT_S).json() == answer.json()
    assert api.http.get(api.url("productOrder"), timeout=TIMEOUT_S).json() == [answer.json()]
    assert [name for name, _ in api.events.events] == [
        "productOrderCreateEvent",
        "productOrderAttributeValueChangeEvent",
    ]


def test_a_patch_that_loses_every_race_is_409_and_changes_nothing_of_its_own(make_api: ApiFactory) -> None:
    store = RacingStore()
    api = make_api(store=store)
    order = api.create_order()
    store.races = 1000
    body = assert_error(patch(api, order, {"description": "mine"}), 409, "50 concurrent writes in a row")
    assert body["message"].startswith("productOrder: 50 concurrent writes in a row won over this one")
    assert store.refused == 50
    stored = api.http.get(order["href"], timeout=TIMEOUT_S).json()
    assert "description" not in stored
    assert len(stored["note"]) == 50


def test_a_v5_patch_that_loses_a_race_is_applied_on_the_latest_order(make_api: ApiFactory) -> None:
    store = RacingStore()
    api = make_api(store=store)
    order = v5.create(api)
    store.races = 1
    answer = v5.patch(api, order["id"], v5.MERGE_PATCH, {"@type": "ProductOrder", "description": "mine"})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["description"], answer.json()["note"]) == ("mine", [note(1)])
