"""/cancelProductOrder over real HTTP: the cancellation flow, refusals, and the shared operations."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mock_server.versions.tmf622_v4.cancellation import cancellation_plan
from tests.support.mock.mock_helpers import Api, assert_error
from tmf622_schemas import validator_for


def cancel(api: Api, order_id: str, **fields: Any) -> Any:
    return api.http.post(api.url("cancelProductOrder"), json={"productOrder": {"id": order_id}, **fields})


def test_cancelling_an_acknowledged_order(api: Api) -> None:
    order = api.create_order(productOrderItem=[{"id": "1", "action": "add"}, {"id": "2", "action": "add"}])
    response = cancel(api, order["id"], cancellationReason="changed my mind")

    assert response.status_code == 201
    task = response.json()
    assert task["href"] == response.headers["Location"] == f"{api.base}/cancelProductOrder/{task['id']}"
    assert task["state"] == "done"
    assert task["effectiveCancellationDate"] == "2026-11-27T10:00:01.000Z"
    assert task["@type"] == "CancelProductOrder"
    assert list(validator_for("CancelProductOrder").iter_errors(task)) == []
    assert api.http.get(task["href"]).json() == task

    cancelled = api.http.get(order["href"]).json()
    assert cancelled["state"] == "cancelled"
    assert cancelled["cancellationDate"] == "2026-11-27T10:00:01.000Z"
    assert cancelled["cancellationReason"] == "changed my mind"
    assert {item["state"] for item in cancelled["productOrderItem"]} == {"cancelled"}


def test_cancellation_publishes_each_step(api: Api) -> None:
    order = api.create_order()
    cancel(api, order["id"])
    steps = [(name, resource["state"]) for name, resource in api.events.events[1:]]
    assert steps == [
        ("cancelProductOrderCreateEvent", "acknowledged"),
        ("cancelProductOrderInformationRequiredEvent", "acknowledged"),  # no cancellationReason given
        ("productOrderStateChangeEvent", "assessingCancellation"),
        ("cancelProductOrderStateChangeEvent", "inProgress"),
        ("productOrderStateChangeEvent", "pendingCancellation"),
        ("productOrderStateChangeEvent", "cancelled"),
        ("cancelProductOrderStateChangeEvent", "done"),
    ]
    assert api.events.field_paths[2] == ("cancellationReason",)


@pytest.mark.parametrize("final", ["completed", "failed"])
def test_an_order_past_cancelling_ends_the_task_in_error(api: Api, final: str) -> None:
    order = api.create_order()
    merge = {"Content-Type": "application/merge-patch+json"}
    for state in ("inProgress", final):
        assert (
            api.http.patch(order["href"], data=json.dumps({"state": state}), headers=merge).status_code == 200
        )
    before = api.http.get(order["href"]).json()

    task = cancel(api, order["id"]).json()
    assert task["state"] == "terminatedWithError"
    assert "effectiveCancellationDate" not in task
    assert api.http.get(order["href"]).json() == before


def test_a_cancelled_order_cannot_be_cancelled_again(api: Api) -> None:
    order = api.create_order()
    assert cancel(api, order["id"]).json()["state"] == "done"
    assert cancel(api, order["id"]).json()["state"] == "terminatedWithError"


def test_steps_are_data_a_later_runner_can_pace() -> None:
    cancellable = {"id": "o", "state": "inProgress"}
    assert [(move.collection, move.target) for move in cancellation_plan(cancellable)] == [
        ("productOrder", "assessingCancellation"),
        ("cancelProductOrder", "inProgress"),
        ("productOrder", "pendingCancellation"),
        ("productOrder", "cancelled"),
        ("cancelProductOrder", "done"),
    ]
    finished = {"id": "o", "state": "completed"}
    assert [(move.collection, move.target) for move in cancellation_plan(finished)] == [
        ("cancelProductOrder", "inProgress"),
        ("cancelProductOrder", "terminatedWithError"),
    ]


def test_a_completed_item_stays_completed_when_its_order_is_cancelled(api: Api) -> None:
    items = [{"id": "1", "action": "add"}, {"id": "2", "action": "add"}]
    order = api.create_order(productOrderItem=items)
    merge = {"Content-Type": "application/merge-patch+json"}
    items = [{**item, "state": "inProgress"} for item in items]
    assert api.http.patch(order["href"], json={"state": "inProgress", "productOrderItem": items}).ok
    items[0]["state"] = "completed"
    assert api.http.patch(order["href"], data=json.dumps({"productOrderItem": items}), headers=merge).ok
    assert cancel(api, order["id"]).json()["state"] == "done"
    cancelled = api.http.get(order["href"]).json()
    assert [item["state"] for item in cancelled["productOrderItem"]] == ["completed", "cancelled"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"productOrder": {"id": "nope"}}, "$.productOrder.id: no productOrder with id 'nope'"),
        ({"productOrder": {"id": "x" * 300}}, "$.productOrder.id: no productOrder"),
        ({"cancellationReason": "x"}, "$: 'productOrder' is a required property"),
        ({"productOrder": {}}, "$.productOrder: 'id' is a required property"),
        ({"productOrder": {"id": "o"}, "state": "done"}, "$.state: server-owned field"),
    ],
)
def test_refused_cancellations_store_nothing(api: Api, body: dict[str, Any], message: str) -> None:
    order = api.create_order()
    response = api.http.post(api.url("cancelProductOrder"), json=body)
    assert assert_error(response, 400)["message"].startswith(message)
    assert api.count("cancelProductOrder") == 0
    assert api.http.get(order["href"]).json() == order


def test_cancel_needs_json(api: Api) -> None:
    response = api.http.post(api.url("cancelProductOrder"), data=b"{}", headers={"Content-Type": "text/json"})
    assert_error(response, 415)


def test_list_filter_patch_and_delete_tasks(api: Api) -> None:
    first, second = api.create_order(), api.create_order()
    task_one = cancel(api, first["id"]).json()
    task_two = cancel(api, second["id"], cancellationReason="r").json()

    listed = api.http.get(api.url("cancelProductOrder"))
    assert [task["id"] for task in listed.json()] == [task_two["id"], task_one["id"]]
    assert listed.headers["X-Total-Count"] == "2"
    by_order = api.http.get(
        api.url("cancelProductOrder"), params={"productOrder.id": first["id"], "fields": "state"}
    )
    assert by_order.json() == [{"id": task_one["id"], "href": task_one["href"], "state": "done"}]
    assert (
        api.http.get(task_two["href"], params={"fields": "cancellationReason"}).json()["cancellationReason"]
        == "r"
    )

    merge = {"Content-Type": "application/merge-patch+json"}
    patched = api.http.patch(task_one["href"], data=b'{"cancellationReason": "late"}', headers=merge)
    assert patched.json()["cancellationReason"] == "late"
    refused = api.http.patch(task_one["href"], data=b'{"state": "inProgress"}', headers=merge)
    assert_error(refused, 409, "TaskStateType", "from 'done' to 'inProgress'")

    assert api.http.delete(task_one["href"]).status_code == 204
    assert_error(api.http.get(task_one["href"]), 404, task_one["id"])
