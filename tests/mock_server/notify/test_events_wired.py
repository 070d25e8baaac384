"""Hub and notifications through the whole mock: API calls reach a real listener on loopback."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from mock_server.domain.determinism import counter_id
from tests.support.mock.listener_helpers import is_state, listening, subscribe, summary
from tests.support.mock.mock_helpers import Api, assert_error
from tmf622_schemas import validator_for

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

MERGE = {"Content-Type": "application/merge-patch+json"}
FAST_RETRY = {"notify_backoff_s": 0.01, "notify_timeout_s": 5.0}


def patch(api: Api, href: str, body: str) -> None:
    response = api.http.patch(href, data=body, headers=MERGE)
    assert response.status_code == 200, response.text


def test_each_order_operation_notifies_the_listener(api: Api) -> None:
    with listening() as listener:
        subscribe(api, listener)
        order = api.create_order()
        patch(api, order["href"], '{"description": "rush", "priority": "1"}')
        patch(api, order["href"], '{"state": "held"}')
        assert api.http.delete(order["href"]).status_code == 204
        received = listener.take(5)

    assert [path for path, _ in received] == [
        "/client/listener/productOrderCreateEvent",
        "/client/listener/productOrderAttributeValueChangeEvent",
        "/client/listener/productOrderStateChangeEvent",
        "/client/listener/productOrderInformationRequiredEvent",
        "/client/listener/productOrderDeleteEvent",
    ]
    assert [summary(envelope) for _, envelope in received] == [
        ("ProductOrderCreateEvent", "acknowledged", None),
        ("ProductOrderAttributeValueChangeEvent", "acknowledged", "description,priority"),
        ("ProductOrderStateChangeEvent", "held", None),
        ("ProductOrderInformationRequiredEvent", "held", "relatedParty"),  # the order names no customer
        ("ProductOrderDeleteEvent", "held", None),
    ]
    create = received[0][1]
    assert create["event"]["productOrder"] == order
    assert create["correlationId"] == order["id"]
    assert len({envelope["eventId"] for _, envelope in received}) == 5


def test_information_required_without_a_known_gap_has_no_field_path(api: Api) -> None:
    with listening() as listener:
        subscribe(api, listener, "eventType=ProductOrderInformationRequiredEvent")
        party = [{"id": "c1", "role": "customer", "@referredType": "Individual"}]
        order = api.create_order(relatedParty=party)
        patch(api, order["href"], '{"state": "pending"}')
        _, envelope = listener.next()
    assert summary(envelope) == ("ProductOrderInformationRequiredEvent", "pending", None)


def test_cancellation_notifies_each_step(api: Api) -> None:
    with listening() as listener:
        order = api.create_order()
        subscribe(api, listener)
        response = api.http.post(api.url("cancelProductOrder"), json={"productOrder": {"id": order["id"]}})
        assert response.status_code == 201
        received = listener.until(is_state("CancelProductOrderStateChangeEvent", "done"))
    assert [summary(envelope) for envelope in received] == [
        ("CancelProductOrderCreateEvent", "acknowledged", None),
        ("CancelProductOrderInformationRequiredEvent", "acknowledged", "cancellationReason"),
        ("ProductOrderStateChangeEvent", "assessingCancellation", None),
        ("CancelProductOrderStateChangeEvent", "inProgress", None),
        ("ProductOrderStateChangeEvent", "pendingCancellation", None),
        ("ProductOrderStateChangeEvent", "cancelled", None),
        ("CancelProductOrderStateChangeEvent", "done", None),
    ]
    assert received[-1]["event"]["cancelProductOrder"] == response.json()


def test_subscription_query_filters_what_a_listener_gets(api: Api) -> None:
    with listening() as filtered, listening() as everything:
        subscribe(api, filtered, "eventType=ProductOrderStateChangeEvent&event.productOrder.state=completed")
        subscribe(api, everything)
        order = api.create_order()
        for body in ('{"description": "x"}', '{"state": "inProgress"}', '{"state": "completed"}'):
            patch(api, order["href"], body)
        everything_got = [summary(envelope)[:2] for _, envelope in everything.take(4)]
        _, only = filtered.next()
        assert filtered.received.empty()  # the last event matched both: nothing else is on its way
    assert everything_got == [
        ("ProductOrderCreateEvent", "acknowledged"),
        ("ProductOrderAttributeValueChangeEvent", "acknowledged"),
        ("ProductOrderStateChangeEvent", "inProgress"),
        ("ProductOrderStateChangeEvent", "completed"),
    ]
    assert summary(only)[:2] == ("ProductOrderStateChangeEvent", "completed")
    assert only["event"]["productOrder"]["completionDate"]


def test_a_failing_listener_is_retried_and_the_log_shows_each_attempt(make_api: ApiFactory) -> None:
    api = make_api(**FAST_RETRY)
    with listening(statuses=(500, 503)) as listener:
        subscription = subscribe(api, listener)
        order = api.create_order()
        attempts = listener.take(3)
        patch(api, order["href"], '{"description": "barrier"}')  # delivered only once the first is done
        listener.next()
        log = api.http.get(f"{api.root}/_mock/deliveries").json()
    assert {envelope["eventId"] for _, envelope in attempts} == {log[0]["eventId"]}
    first = [entry for entry in log if entry["eventId"] == log[0]["eventId"]]
    assert [(e["attempt"], e["status"], e["error"]) for e in first] == [
        (1, 500, None),
        (2, 503, None),
        (3, 201, None),
    ]
    assert {e["subscriptionId"] for e in first} == {subscription["id"]}
    assert first[0]["url"] == f"{listener.root}/client/listener/productOrderCreateEvent"


def test_a_hanging_listener_does_not_slow_the_api(make_api: ApiFactory) -> None:
    api = make_api(notify_timeout_s=5.0)
    with listening() as listener:
        subscribe(api, listener)
        listener.hold()
        began = time.monotonic()
        orders = [api.create_order() for _ in range(5)]
        elapsed = time.monotonic() - began
        _, first = listener.next()  # the first delivery is being held open right now
        assert listener.received.empty()
        listener.release()
        rest = listener.take(4)
    assert elapsed < 1.0  # five API calls, well before the 5 s the listener may hold one delivery
    delivered = [first["event"]["productOrder"]["id"], *(e["event"]["productOrder"]["id"] for _, e in rest)]
    assert delivered == [order["id"] for order in orders]


def test_hub_register_retrieve_unregister(make_api: ApiFactory) -> None:
    api = make_api(public_url="https://api.example.com")
    with listening() as kept, listening() as dropped:
        subscribe(api, kept)
        created = api.http.post(
            api.url("hub"), json={"callback": f"{dropped.root}/x", "query": "eventType=X"}
        )
        assert created.status_code == 201
        subscription = created.json()
        assert list(validator_for("EventSubscription").iter_errors(subscription)) == []
        assert created.headers["Location"] == (
            f"https://api.example.com/tmf-api/productOrderingManagement/v4/hub/{subscription['id']}"
        )
        own = api.url(f"hub/{subscription['id']}")
        assert api.http.get(own).json() == subscription
        assert api.http.delete(own).status_code == 204
        assert_error(api.http.get(own), 404, subscription["id"])
        assert_error(api.http.delete(own), 404, subscription["id"])
        api.create_order()
        kept.next()
        assert dropped.received.empty()  # the same event went to every subscriber at once


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("PUT", "hub", 405), ("PATCH", "hub/abc", 405), ("GET", "hub", 405), ("GET", "hub/a/b", 404)],
)
def test_hub_routing_errors_are_tmf_errors(api: Api, method: str, path: str, status: int) -> None:
    response = api.http.request(
        method, api.url(path), data=b"{}", headers={"Content-Type": "application/json"}
    )
    assert_error(response, status)
    if status == 405:
        assert "Allow" in response.headers


@pytest.mark.parametrize(
    ("body", "content_type", "status", "fragment"),
    [
        (b'{"callback": "http://h/x"}', "text/plain", 415, "'text/plain' is not supported"),
        (b"[]", "application/json", 400, "is not of type 'object'"),
        (b'{"callback": "ftp://h/x"}', "application/json", 400, "absolute http(s) URL"),
        (b'{"callback": "http://h/x", "query": "state"}', "application/json", 400, "name=value"),
    ],
)
def test_bad_subscriptions_are_refused(
    api: Api, body: bytes, content_type: str, status: int, fragment: str
) -> None:
    response = api.http.post(api.url("hub"), data=body, headers={"Content-Type": content_type})
    assert_error(response, status, fragment)


def test_bad_host_header_on_hub_is_400(api: Api) -> None:
    raw = api.raw(
        "POST",
        f"{api.base.removeprefix(api.root)}/hub",
        b'{"callback": "http://h/x"}',
        {"Host": "bad host", "Content-Type": "application/json"},
    )
    assert_error(raw, 400, "Host header")


def test_deterministic_event_ids_come_from_the_app_counter(make_api: ApiFactory) -> None:
    api = make_api(deterministic=True)
    first, second = api.create_order(), api.create_order()
    assert (first["id"], second["id"]) == (counter_id(1), counter_id(2))  # no subscriber: no id spent
    with listening() as listener:
        assert subscribe(api, listener)["id"] == counter_id(3)
        third = api.create_order()
        _, envelope = listener.next()
    assert third["id"] == counter_id(4)
    assert envelope["eventId"] == counter_id(5)
