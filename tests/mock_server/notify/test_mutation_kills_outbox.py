"""The shared hub and the outbox as listeners see them: two mocks on one PostgreSQL database, each event
once, unregistering seen by both, v4 and v5 hubs apart, outbox rows of an older mock still delivered.

Written for `make mutate` (mutation/README.md): survivors the rest of the suite let through.
"""

from __future__ import annotations

import json
import queue
from collections.abc import Callable
from typing import TYPE_CHECKING

import psycopg
import pytest

from tests.support.mock import v5_helpers as v5
from tests.support.mock.listener_helpers import listening, subscribe
from tests.support.mock.mock_helpers import TIMEOUT_S, Api

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

#: The shared hub and the outbox exist only on PostgreSQL.
pytestmark = pytest.mark.parametrize("store_kind", ["postgresql"])
#: How long a listener is watched for an event that must not come (the pump looks every second).
QUIET_S = 2.0


def two_mocks(make_api: ApiFactory, pg_url: Callable[[], str]) -> tuple[Api, Api]:
    url = pg_url()
    return make_api(store_url=url), make_api(store_url=url)


def nothing_more(listener_queue: queue.Queue[object]) -> bool:
    try:
        listener_queue.get(timeout=QUIET_S)
    except queue.Empty:
        return True
    return False


def test_a_subscription_made_on_one_mock_gets_the_events_of_the_other_once(
    make_api: ApiFactory, pg_url: Callable[[], str]
) -> None:
    first, second = two_mocks(make_api, pg_url)
    with listening() as kept, listening() as dropped:
        subscribe(first, kept)
        gone = subscribe(first, dropped)
        order = second.create_order()
        assert kept.next()[1]["event"]["productOrder"]["id"] == order["id"]
        assert dropped.next()[1]["event"]["productOrder"]["id"] == order["id"]
        assert first.http.delete(first.url(f"hub/{gone['id']}"), timeout=TIMEOUT_S).status_code == 204
        assert second.http.get(second.url(f"hub/{gone['id']}"), timeout=TIMEOUT_S).status_code == 404
        assert second.http.delete(second.url(f"hub/{gone['id']}"), timeout=TIMEOUT_S).status_code == 404
        later = second.create_order()
        assert kept.next()[1]["event"]["productOrder"]["id"] == later["id"]
        assert nothing_more(kept.received)  # each event once, through one mock
        assert nothing_more(dropped.received)


def test_the_v4_and_v5_hubs_keep_their_own_subscriptions(api: Api) -> None:
    with listening() as listener:
        v4 = subscribe(api, listener)
        assert api.http.get(v5.v5_url(api, f"hub/{v4['id']}"), timeout=TIMEOUT_S).status_code == 404
        assert api.http.delete(v5.v5_url(api, f"hub/{v4['id']}"), timeout=TIMEOUT_S).status_code == 404
        v5.create(api)  # a v5 event: not for the v4 listener
        order = api.create_order()
        _, envelope = listener.next()
        assert envelope["event"]["productOrder"]["id"] == order["id"]
        assert api.http.get(api.url(f"hub/{v4['id']}"), timeout=TIMEOUT_S).status_code == 200


def test_outbox_rows_of_an_older_mock_reach_the_v4_listeners_and_unknown_ones_are_dropped(api: Api) -> None:
    """Rows written before rows named their collection have collection ''; a row of a collection
    no API serves is dropped, and the pump goes on."""
    with listening() as listener:
        subscribe(api, listener)
        resource = {"id": "old-1", "@type": "ProductOrder", "state": "acknowledged"}
        insert = (
            "INSERT INTO tmf622_outbox (event_type, resource, field_path, collection) VALUES (%s, %s, %s, %s)"
        )
        with psycopg.connect(api.store.conninfo, autocommit=True) as conn:  # type: ignore[attr-defined]
            body = json.dumps(resource).encode()
            conn.execute(insert, ("productOrderCreateEvent", body, [], "noSuchCollection"))
            conn.execute(insert, ("productOrderStateChangeEvent", body, [], ""))
        path, envelope = listener.next()
        assert path == "/client/listener/productOrderStateChangeEvent"
        assert envelope["event"]["productOrder"] == resource
        assert nothing_more(listener.received)


def test_two_subscriptions_to_one_callback_each_get_the_event(api: Api) -> None:
    with listening() as listener:
        subscribe(api, listener)
        subscribe(api, listener)
        order = api.create_order()
        received = [listener.next()[1]["event"]["productOrder"]["id"] for _ in range(2)]
        assert received == [order["id"], order["id"]]
