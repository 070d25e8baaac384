"""PATCH is held to the rules POST and the server's own steps follow, over real HTTP on both stores:
at least one item, the item state table for new and replaced items, items that follow their order's
state, and server-owned fields (issue 11)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.mock.mock_helpers import Api, assert_error
from tmf622_schemas import load_schema

MERGE = {"Content-Type": "application/merge-patch+json"}
JSON_PATCH = {"Content-Type": "application/json-patch+json"}
BUNDLE = [{"id": "1", "action": "add", "productOrderItem": [{"id": "1.1", "action": "add"}]}]


def merge(api: Api, order: dict[str, Any], body: Any) -> Any:
    return api.http.patch(order["href"], data=json.dumps(body), headers=MERGE)


def states(order: dict[str, Any]) -> list[tuple[str, str]]:
    """(id, state) of every item, nested ones after their parent."""
    found: list[tuple[str, str]] = []
    for item in order["productOrderItem"]:
        found.append((item["id"], item["state"]))
        found += states(item) if "productOrderItem" in item else []
    return found


def assert_unchanged(api: Api, order: dict[str, Any]) -> None:
    assert api.http.get(order["href"]).json() == order
    assert [name for name, _ in api.events.events] == ["productOrderCreateEvent"]


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ({"productOrderItem": []}, MERGE),
        ([{"op": "remove", "path": "/productOrderItem/0"}], JSON_PATCH),
        ([{"op": "replace", "path": "/productOrderItem", "value": []}], JSON_PATCH),
    ],
)
def test_an_order_keeps_at_least_one_item(api: Api, body: Any, headers: dict[str, str]) -> None:
    order = api.create_order()
    response = api.http.patch(order["href"], data=json.dumps(body), headers=headers)
    assert_error(response, 400, "$.productOrderItem", "at least one item")
    assert_unchanged(api, order)


@pytest.mark.parametrize(
    "items",
    [
        [{"id": "2", "action": "add", "state": "completed"}],  # replaced by a new id
        [
            {
                "id": "1",
                "action": "add",
                "productOrderItem": [{"id": "1.9", "action": "add", "state": "failed"}],
            }
        ],
    ],
)
def test_new_items_start_where_post_starts_them(api: Api, items: list[dict[str, Any]]) -> None:
    """The old mock stored an acknowledged order with completed (or failed) items."""
    order = api.create_order()
    assert_error(merge(api, order, {"productOrderItem": items}), 409, "from 'acknowledged' to")
    assert_unchanged(api, order)


def test_items_sent_without_state_keep_theirs_and_new_ones_are_acknowledged(api: Api) -> None:
    order = api.create_order(productOrderItem=BUNDLE)
    assert merge(api, order, {"state": "inProgress"}).status_code == 200
    items = [{"id": "1", "action": "add", "productOrderItem": [{"id": "1.2", "action": "add"}]}]
    items.append({"id": "3", "action": "add"})
    patched = merge(api, order, {"productOrderItem": items})
    assert patched.status_code == 200, patched.text
    assert states(patched.json()) == [("1", "inProgress"), ("1.2", "acknowledged"), ("3", "acknowledged")]
    assert api.http.get(order["href"]).json() == patched.json()


def test_items_follow_their_order_state_as_in_the_server_progression(api: Api) -> None:
    order = api.create_order(productOrderItem=[*BUNDLE, {"id": "2", "action": "add"}])
    started = merge(api, order, {"state": "inProgress"}).json()
    assert states(started) == [("1", "inProgress"), ("1.1", "inProgress"), ("2", "inProgress")]
    items = started["productOrderItem"]
    items[1]["state"] = "failed"
    assert merge(api, order, {"productOrderItem": items}).status_code == 200
    completed = merge(api, order, {"state": "completed"}).json()
    assert states(completed) == [("1", "completed"), ("1.1", "completed"), ("2", "failed")]
    assert api.http.get(order["href"]).json() == completed
    names = [name for name, _ in api.events.events]
    assert names == [
        "productOrderCreateEvent",
        "productOrderStateChangeEvent",  # items moved by a state change: part of it
        "productOrderAttributeValueChangeEvent",  # the client's own item change
        "productOrderStateChangeEvent",
    ]


def server_owned(schema: str) -> list[str]:
    """The fields a create schema refuses as server-owned (`not`), but `state`: PATCH moves that."""
    properties = load_schema(schema)["properties"]
    return sorted(name for name, rule in properties.items() if "not" in rule and name != "state")


@pytest.mark.parametrize("field", [*server_owned("ProductOrder_Create"), "@type"])
def test_server_owned_order_fields_cannot_be_patched(api: Api, field: str) -> None:
    order = api.create_order()
    value = "2020-01-01T00:00:00Z" if field.endswith("Date") else "Forged"
    assert_error(merge(api, order, {field: value}), 400, f"$.{field}", "set by the server")
    operations = [{"op": "add", "path": f"/{field}", "value": value}]
    response = api.http.patch(order["href"], data=json.dumps(operations), headers=JSON_PATCH)
    assert_error(response, 400, f"$.{field}")
    assert_unchanged(api, order)


def test_completion_date_is_the_servers_and_may_be_echoed(api: Api) -> None:
    order = api.create_order()
    assert merge(api, order, {"state": "inProgress"}).status_code == 200
    forged = {"state": "completed", "completionDate": "2000-01-01T00:00:00Z"}
    assert_error(merge(api, order, forged), 400, "$.completionDate")
    completed = merge(api, order, {"state": "completed"}).json()
    assert completed["completionDate"] != "2000-01-01T00:00:00Z"
    echoed = {"completionDate": completed["completionDate"], "@type": completed["@type"], "note": []}
    assert merge(api, order, echoed).status_code == 200


@pytest.mark.parametrize("field", [*server_owned("CancelProductOrder_Create"), "@type"])
def test_server_owned_cancellation_fields_cannot_be_patched(api: Api, field: str) -> None:
    order = api.create_order()
    task = api.http.post(api.url("cancelProductOrder"), json={"productOrder": {"id": order["id"]}}).json()
    value = "2020-01-01T00:00:00Z" if field.endswith("Date") else "Forged"
    assert_error(
        api.http.patch(task["href"], data=json.dumps({field: value}), headers=MERGE), 400, f"$.{field}"
    )
    assert api.http.get(task["href"]).json() == task
