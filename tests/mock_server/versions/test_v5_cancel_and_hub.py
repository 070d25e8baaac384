"""v5 cancelProductOrder and hub over real HTTP, on both stores; v5 listeners get v5 envelopes."""

from __future__ import annotations

from typing import Any

from tests.support.mock.listener_helpers import Listener, listening
from tests.support.mock.mock_helpers import TIMEOUT_S, Api
from tests.support.mock.v5_helpers import (
    MERGE_PATCH,
    V5_BASE_PATH,
    assert_v5_error,
    create,
    patch,
    v5_errors,
    v5_url,
)


def cancel(api: Api, order_id: str, **fields: Any) -> dict[str, Any]:
    body = {
        "@type": "CancelProductOrder",
        "productOrder": {"id": order_id, "@type": "ProductOrderRef"},
        **fields,
    }
    response = api.http.post(v5_url(api, "cancelProductOrder"), json=body, timeout=TIMEOUT_S)
    assert response.status_code == 201, response.text
    task: dict[str, Any] = response.json()
    assert v5_errors("CancelProductOrder", task) == []
    assert response.headers["Location"] == task["href"]
    return task


def subscribe(api: Api, listener: Listener) -> dict[str, Any]:
    body = {"@type": "Hub", "callback": f"{listener.root}/client"}
    response = api.http.post(v5_url(api, "hub"), json=body, timeout=TIMEOUT_S)
    assert response.status_code == 201, response.text
    hub: dict[str, Any] = response.json()
    assert v5_errors("Hub", hub) == []
    return hub


def test_cancelling_an_acknowledged_order(api: Api) -> None:
    order = create(api)
    task = cancel(api, order["id"], cancellationReason="duplicate")
    assert task["state"] == "done"
    assert "creationDate" in task
    assert "effectiveCancellationDate" in task
    cancelled = api.http.get(order["href"], timeout=TIMEOUT_S).json()
    assert cancelled["state"] == "cancelled"
    assert cancelled["cancellationReason"] == "duplicate"
    assert {i["state"] for i in cancelled["productOrderItem"]} == {"cancelled"}
    assert cancelled["cancellationDate"] == task["effectiveCancellationDate"]
    assert api.http.get(task["href"], timeout=TIMEOUT_S).json() == task
    listed = api.http.get(v5_url(api, "cancelProductOrder"), timeout=TIMEOUT_S).json()
    assert [t["id"] for t in listed] == [task["id"]]


def test_cancelling_a_draft_and_refusing_a_finished_order(api: Api) -> None:
    draft = create(api, requestedInitialState="draft")
    assert cancel(api, draft["id"])["state"] == "done"
    assert api.http.get(draft["href"], timeout=TIMEOUT_S).json()["state"] == "cancelled"
    finished = create(api)
    for state in ("inProgress", "completed"):
        assert patch(api, finished["id"], MERGE_PATCH, {"@type": "ProductOrder", "state": state}).ok
    assert cancel(api, finished["id"])["state"] == "rejected"  # a v5 task state
    assert api.http.get(finished["href"], timeout=TIMEOUT_S).json()["state"] == "completed"


def test_cancelling_an_unknown_or_v4_order_is_refused(api: Api) -> None:
    v4_order = api.create_order()
    for order_id in ("nope", v4_order["id"]):
        body = {"@type": "CancelProductOrder", "productOrder": {"id": order_id, "@type": "ProductOrderRef"}}
        response = api.http.post(v5_url(api, "cancelProductOrder"), json=body, timeout=TIMEOUT_S)
        assert_v5_error(response, 400, order_id)


def test_hub_round_trip(api: Api) -> None:
    with listening() as listener:
        hub = subscribe(api, listener)
        assert hub["href"] == f"{api.root}{V5_BASE_PATH}/hub/{hub['id']}"
        assert hub["@type"] == "Hub"
        assert api.http.get(hub["href"], timeout=TIMEOUT_S).json() == hub
        assert api.http.delete(hub["href"], timeout=TIMEOUT_S).status_code == 204
        assert_v5_error(api.http.delete(hub["href"], timeout=TIMEOUT_S), 404, hub["id"])
    missing = api.http.post(v5_url(api, "hub"), json={"callback": "http://127.0.0.1:9/x"}, timeout=TIMEOUT_S)
    assert_v5_error(missing, 400, "@type")


def test_v5_listeners_get_v5_envelopes_and_v4_listeners_v4_ones(api: Api) -> None:
    with listening() as v5_listener, listening() as v4_listener:
        subscribe(api, v5_listener)
        v4_hub = {"callback": f"{v4_listener.root}/client"}
        assert api.http.post(api.url("hub"), json=v4_hub, timeout=TIMEOUT_S).status_code == 201
        order = create(api, requestedInitialState="draft")
        patch(
            api, order["id"], MERGE_PATCH, {"@type": "ProductOrder", "state": "acknowledged", "category": "x"}
        )
        cancel(api, order["id"])
        api.http.delete(order["href"], timeout=TIMEOUT_S)
        received = [v5_listener.next() for _ in range(10)]
        # Nothing was ever published to v4 subscribers: the v4 notifier logged no attempt.
        assert api.http.get(f"{api.root}/_mock/deliveries", timeout=TIMEOUT_S).json() == []
        assert v4_listener.received.empty()
    paths = [path.rsplit("/", 1)[-1] for path, _ in received]
    assert paths == [
        "productOrderCreateEvent",
        "productOrderStateChangeEvent",  # draft -> acknowledged
        "productOrderAttributeValueChangeEvent",  # category
        "cancelProductOrderCreateEvent",
        "cancelProductOrderStateChangeEvent",  # inProgress
        "productOrderStateChangeEvent",  # assessingCancellation
        "productOrderStateChangeEvent",  # pendingCancellation
        "productOrderStateChangeEvent",  # cancelled
        "cancelProductOrderStateChangeEvent",  # done
        "productOrderDeleteEvent",
    ]
    for _, envelope in received:
        assert v5_errors(envelope["@type"], envelope) == [], envelope
        assert envelope["eventType"] == envelope["@type"]
        assert envelope["timeOccurred"] == envelope["eventTime"]
        assert "timeOcurred" not in envelope
        assert "fieldPath" not in envelope
        resource = next(iter(envelope["event"].values()))
        assert envelope["source"]["id"] == resource["id"]
