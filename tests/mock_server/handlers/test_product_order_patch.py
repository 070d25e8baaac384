"""PATCH and DELETE /productOrder/{id} over real HTTP: patch flavours, read-only fields, state table."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.mock.mock_helpers import Api, assert_error

MERGE = {"Content-Type": "application/merge-patch+json"}


def patch(
    api: Api, order: dict[str, Any], body: Any, content_type: str = "application/merge-patch+json"
) -> Any:
    return api.http.patch(order["href"], data=json.dumps(body), headers={"Content-Type": content_type})


@pytest.mark.parametrize("content_type", ["application/merge-patch+json", "application/json"])
def test_merge_patch_updates_and_returns_the_order(api: Api, content_type: str) -> None:
    order = api.create_order(description="old", externalId="keep")
    response = patch(api, order, {"description": "new", "priority": "1", "externalId": None}, content_type)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    updated = response.json()
    assert updated["description"] == "new"
    assert updated["priority"] == "1"
    assert "externalId" not in updated
    assert {k: updated[k] for k in ("id", "href", "orderDate", "state")} == {
        k: order[k] for k in ("id", "href", "orderDate", "state")
    }
    assert api.http.get(order["href"]).json() == updated
    assert [name for name, _ in api.events.events] == [
        "productOrderCreateEvent",
        "productOrderAttributeValueChangeEvent",
    ]


def test_json_patch_is_supported(api: Api) -> None:
    order = api.create_order()
    operations = [
        {"op": "add", "path": "/note", "value": [{"text": "call first"}]},
        {"op": "add", "path": "/productOrderItem/0/quantity", "value": 2},
    ]
    response = patch(api, order, operations, "application/json-patch+json")
    assert response.status_code == 200
    assert response.json()["note"] == [{"text": "call first"}]
    assert response.json()["productOrderItem"][0]["quantity"] == 2


def test_echoing_read_only_fields_unchanged_is_allowed(api: Api) -> None:
    order = api.create_order()
    response = patch(api, order, {"id": order["id"], "href": order["href"], "description": "x"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "content_type", "status", "fragment"),
    [
        ({"id": "other"}, "application/merge-patch+json", 400, "$.id: id is set by the server"),
        ({"href": "http://x/y"}, "application/merge-patch+json", 400, "$.href"),
        ({"orderDate": "2020-01-01T00:00:00Z"}, "application/merge-patch+json", 400, "$.orderDate"),
        ({"orderDate": None}, "application/merge-patch+json", 400, "$.orderDate"),
        ({"state": "bogus"}, "application/merge-patch+json", 400, "$.state: 'bogus' is not one of"),
        ({"state": None}, "application/merge-patch+json", 400, "$.state: state is required"),
        ({"productOrderItem": None}, "application/merge-patch+json", 400, "'productOrderItem' is a required"),
        ({"requestedStartDate": "soon"}, "application/merge-patch+json", 400, "$.requestedStartDate"),
        ([{"op": "add"}], "application/merge-patch+json", 400, "merge patch body must be a JSON object"),
        ({"op": "add"}, "application/json-patch+json", 400, "must be an array of operations"),
        (
            [{"op": "remove", "path": "/nope"}],
            "application/json-patch+json",
            400,
            "JSON Patch cannot be applied",
        ),
        ([{"op": "jump", "path": "/x"}], "application/json-patch+json", 400, "JSON Patch cannot be applied"),
        (
            [{"op": "test", "path": "/state", "value": "x"}],
            "application/json-patch+json",
            400,
            "cannot be applied",
        ),
        ([{"op": "replace", "path": "", "value": 1}], "application/json-patch+json", 400, "JSON object"),
        ({"description": "x"}, "text/plain", 415, "'text/plain' is not supported"),
        ({"description": "x"}, "application/xml", 415, "application/json-patch+json"),
        ({"state": "completed"}, "application/merge-patch+json", 409, "from 'acknowledged' to 'completed'"),
    ],
)
def test_refused_patches_change_nothing(
    api: Api, body: Any, content_type: str, status: int, fragment: str
) -> None:
    order = api.create_order()
    assert_error(patch(api, order, body, content_type), status, fragment)
    assert api.http.get(order["href"]).json() == order
    assert [name for name, _ in api.events.events] == ["productOrderCreateEvent"]


def test_malformed_patch_body_is_400(api: Api) -> None:
    order = api.create_order()
    response = api.http.patch(order["href"], data=b"{nope", headers=MERGE)
    assert_error(response, 400, "not valid JSON")


def test_patch_unknown_order_is_404(api: Api) -> None:
    response = api.http.patch(api.url("productOrder/missing"), data=b"{}", headers=MERGE)
    assert_error(response, 404, "'missing'")


def test_state_walk_sets_completion_date_once_completed(api: Api) -> None:
    order = api.create_order()
    in_progress = patch(api, order, {"state": "inProgress"})
    assert in_progress.status_code == 200
    assert "completionDate" not in in_progress.json()
    completed = patch(api, order, {"state": "completed"}).json()
    assert completed["state"] == "completed"
    assert completed["completionDate"] == "2026-11-27T10:00:02.000Z"
    assert [name for name, _ in api.events.events][1:] == ["productOrderStateChangeEvent"] * 2
    assert_error(patch(api, order, {"state": "inProgress"}), 409, "final state")


def test_item_state_outside_the_table_is_409(api: Api) -> None:
    order = api.create_order()
    items = [{"id": "1", "action": "add", "state": "completed"}]
    assert_error(patch(api, order, {"productOrderItem": items}), 409, "productOrderItem '1'", "'completed'")
    items[0]["state"] = "inProgress"
    assert patch(api, order, {"productOrderItem": items}).status_code == 200


def test_delete_answers_204_then_404(api: Api) -> None:
    order, other = api.create_order(), api.create_order()
    response = api.http.delete(order["href"])
    assert response.status_code == 204
    assert response.content == b""
    assert_error(api.http.get(order["href"]), 404, order["id"])
    assert_error(api.http.delete(order["href"]), 404, order["id"])
    assert [o["id"] for o in api.http.get(api.url("productOrder")).json()] == [other["id"]]
    assert api.http.get(api.url("productOrder"), params={"id": order["id"]}).json() == []
    assert api.events.events[-1][0] == "productOrderDeleteEvent"


@pytest.mark.parametrize(
    "operations",
    [
        [1],
        [{"op": "add", "path": 5, "value": 1}],
        [{"op": "add", "path": "no-slash", "value": 1}],
        [{"op": "move", "from": "/productOrderItem", "path": "/productOrderItem/0"}],
        [{"op": "copy", "from": "/nope", "path": "/x"}],
        [{"op": "add", "path": "/productOrderItem/99", "value": {}}],
        [{"op": "add", "path": "/productOrderItem/-1", "value": {}}],
        [{"op": "remove", "path": "/productOrderItem/0/id"}],
        [None],
    ],
)
def test_odd_json_patches_are_400_never_500(api: Api, operations: Any) -> None:
    order = api.create_order()
    assert_error(patch(api, order, operations, "application/json-patch+json"), 400)
    assert api.http.get(order["href"]).json() == order
