"""The outbox pump and the shared hub as a client sees them: a backlog larger than one take is delivered
at once, and a subscription the database refused takes no place in the hub.

Written for `make mutate` (mutation/README.md): survivors the rest of the suite let through.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import psycopg
import pytest

from mock_server.notify import shared
from tests.support.mock.listener_helpers import listening, subscribe
from tests.support.mock.mock_helpers import TIMEOUT_S

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

#: The shared hub and the outbox exist only on PostgreSQL.
pytestmark = pytest.mark.parametrize("store_kind", ["postgresql"])
INSERT = "INSERT INTO tmf622_outbox (event_type, resource, field_path, collection) VALUES (%s, %s, %s, %s)"


def test_a_backlog_of_several_takes_is_delivered_after_one_wake_up(
    make_api: ApiFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pump takes 100 rows at a time and goes on until none is left; it does not wait for the next
    NOTIFY (or its idle look, made longer than the test here) between takes."""
    monkeypatch.setattr(shared, "IDLE_S", 10 * TIMEOUT_S)
    api = make_api()
    with listening() as listener:
        subscribe(api, listener)
        rows = [{"id": f"backlog-{n}", "@type": "ProductOrder", "state": "acknowledged"} for n in range(201)]
        with psycopg.connect(api.store.conninfo, autocommit=True) as conn:  # type: ignore[attr-defined]
            with conn.transaction():
                for row in rows:
                    conn.execute(INSERT, ("productOrderCreateEvent", json.dumps(row).encode(), [], ""))
            conn.execute("NOTIFY tmf622_outbox")
        received = {envelope["event"]["productOrder"]["id"] for _, envelope in listener.take(len(rows))}
        assert received == {row["id"] for row in rows}


def test_a_subscription_the_database_refuses_takes_no_place_in_a_full_hub(make_api: ApiFactory) -> None:
    """PostgreSQL's text cannot hold a NUL character: that subscription is refused (a 400 naming why,
    not a 500), and the hub's one place stays free for the next."""
    api = make_api(max_subscriptions=1)
    with listening() as listener:
        callback = f"{listener.root}/client"
        refused = api.http.post(
            api.url("hub"), json={"callback": callback, "query": "eventType=a\x00b"}, timeout=TIMEOUT_S
        )
        assert refused.status_code == 400, refused.text
        assert "the store cannot keep this subscription" in refused.json()["message"]
        assert "NUL" in refused.json()["message"]
        kept = api.http.post(api.url("hub"), json={"callback": callback}, timeout=TIMEOUT_S)
        assert kept.status_code == 201, kept.text


def test_a_subscription_lost_with_the_database_takes_no_place_in_a_full_hub(
    make_api: ApiFactory, pg_cluster: Any
) -> None:
    """A POST /hub whose write meets a lost connection is a 503; the hub's one place stays free, and
    events flow again."""
    api = make_api(max_subscriptions=1)
    with listening() as listener:
        body = {"callback": f"{listener.root}/client"}
        pg_cluster.admin().execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
            " AND datname = current_database() AND backend_type = 'client backend'"
        )
        statuses = []
        for _ in range(4):  # the lender may hold connections opened after the termination
            answer = api.http.post(api.url("hub"), json=body, timeout=TIMEOUT_S)
            statuses.append(answer.status_code)
            if answer.status_code == 503:
                break
            assert (
                api.http.delete(api.url(f"hub/{answer.json()['id']}"), timeout=TIMEOUT_S).status_code == 204
            )
        assert statuses[-1] == 503, statuses
        kept = api.http.post(api.url("hub"), json=body, timeout=TIMEOUT_S)
        assert kept.status_code == 201, kept.text
        order = api.create_order()  # the pump, its connections lost too, reconnected
        assert listener.next()[1]["event"]["productOrder"]["id"] == order["id"]


def test_a_row_written_without_a_notify_is_delivered_by_the_idle_look(make_api: ApiFactory) -> None:
    """A NOTIFY sent while the pump's listening connection reconnected is lost: the pump also looks at
    the outbox every `IDLE_S` seconds without one."""
    api = make_api()
    with listening() as listener:
        subscribe(api, listener)
        row = {"id": "unannounced", "@type": "ProductOrder", "state": "acknowledged"}
        with psycopg.connect(api.store.conninfo, autocommit=True) as conn:  # type: ignore[attr-defined]
            conn.execute(INSERT, ("productOrderCreateEvent", json.dumps(row).encode(), [], ""))
        assert listener.next()[1]["event"]["productOrder"] == row
