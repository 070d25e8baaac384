"""Through the whole mock, on both stores: a hanging subscriber neither holds up nor crowds out another."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.support.mock.listener_helpers import listening, subscribe
from tests.support.mock.mock_helpers import TIMEOUT_S

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

ORDERS = 200
#: Room for about 80 create events: the hanging subscriber's lane overflows, the healthy one must not (the
#: heaviest lane loses first, so the healthy one would lose only if it lagged by half the budget: a loaded
#: machine can make a healthy listener lag by ten events, never by forty).
BUDGET = 64 * 1024


def test_a_hanging_subscriber_delays_and_loses_only_its_own_events(make_api: ApiFactory) -> None:
    api = make_api(notify_timeout_s=5.0, notify_queue_bytes=BUDGET)
    with listening() as hanging, listening() as healthy:
        hanging.hold()
        stuck = subscribe(api, hanging, path="/stuck")
        fine = subscribe(api, healthy, path="/fine")
        created = [api.create_order()["id"] for _ in range(ORDERS)]
        received = healthy.until(lambda envelope: envelope["event"]["productOrder"]["id"] == created[-1], 5.0)
        health = api.http.get(f"{api.root}/health", timeout=TIMEOUT_S).json()["notifications"]
        log = api.http.get(f"{api.root}/_mock/deliveries", timeout=TIMEOUT_S).json()
        assert hanging.next()[0] == "/stuck/listener/productOrderCreateEvent"  # and holds it

    assert [envelope["event"]["productOrder"]["id"] for envelope in received] == created
    lanes = {lane["subscriptionId"]: lane for lane in health["lanes"]}
    assert lanes[fine["id"]]["dropped"] == 0
    assert lanes[stuck["id"]]["dropped"] == health["droppedEvents"] > ORDERS // 2
    assert health["queuedBytes"] <= health["maxQueuedBytes"] == BUDGET
    drops = [entry for entry in log if entry["attempt"] == 0]
    assert len(drops) == health["droppedEvents"]
    assert {entry["subscriptionId"] for entry in drops} == {stuck["id"]}
    assert all(entry["error"].startswith("queue full") for entry in drops)
