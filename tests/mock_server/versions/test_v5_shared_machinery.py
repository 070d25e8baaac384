"""v5 on the machinery it shares with v4: deterministic ids and clock, reset, faults, auto progression."""

from __future__ import annotations

from typing import Any

from tests.support.mock.listener_helpers import is_state, listening
from tests.support.mock.mock_helpers import TIMEOUT_S, Api
from tests.support.mock.v5_helpers import MERGE_PATCH, assert_v5_error, create, order_body, patch, v5_url


def test_deterministic_mode_numbers_v5_orders_like_v4_ones(make_api: Any) -> None:
    first, second = (make_api(deterministic=True) for _ in range(2))
    runs = []
    for api in (first, second):
        v4_order = api.create_order()
        v5_order = create(api)
        runs.append((v4_order["id"], v5_order["id"], v5_order["creationDate"]))
    assert runs[0] == runs[1]
    assert runs[0][0] != runs[0][1]  # one id sequence for both versions


def test_reset_empties_v5_collections_and_hub(api: Api) -> None:
    order = create(api)
    hub = api.http.post(
        v5_url(api, "hub"), json={"@type": "Hub", "callback": "http://127.0.0.1:9/x"}, timeout=TIMEOUT_S
    ).json()
    assert api.http.post(f"{api.root}/_mock/reset", json={}, timeout=TIMEOUT_S).status_code == 204
    assert api.http.get(order["href"], timeout=TIMEOUT_S).status_code == 404
    assert api.http.get(hub["href"], timeout=TIMEOUT_S).status_code == 404
    assert api.http.get(f"{api.root}/_mock/v5/deliveries", timeout=TIMEOUT_S).json() == []


def test_a_fault_header_applies_to_v5_requests(make_api: Any) -> None:
    api = make_api(faults_enabled=True)
    response = api.http.post(
        v5_url(api, "productOrder"),
        json=order_body(),
        headers={"X-Mock-Fault": "status=503"},
        timeout=TIMEOUT_S,
    )
    assert_v5_error(response, 503)
    assert api.http.get(v5_url(api, "productOrder"), timeout=TIMEOUT_S).json() == []


def test_auto_progression_walks_submitted_v5_orders(make_api: Any) -> None:
    api = make_api(auto_progress=True, progress_delay_s=0.0)
    with listening() as listener:
        hub = {"@type": "Hub", "callback": f"{listener.root}/client"}
        assert api.http.post(v5_url(api, "hub"), json=hub, timeout=TIMEOUT_S).status_code == 201
        draft = create(api, requestedInitialState="draft")
        submitted = create(api)
        events = listener.until(is_state("ProductOrderStateChangeEvent", "completed", submitted["id"]))
        assert [
            e["event"]["productOrder"]["state"] for e in events if e["eventType"] != "ProductOrderCreateEvent"
        ] == [
            "inProgress",
            "completed",
        ]
        assert api.http.get(draft["href"], timeout=TIMEOUT_S).json()["state"] == "draft"  # not submitted
        patch(api, draft["id"], MERGE_PATCH, {"@type": "ProductOrder", "state": "acknowledged"})
        listener.until(is_state("ProductOrderStateChangeEvent", "completed", draft["id"]))
    completed = api.http.get(draft["href"], timeout=TIMEOUT_S).json()
    assert {i["state"] for i in completed["productOrderItem"]} == {"completed"}
    assert "completionDate" in completed
