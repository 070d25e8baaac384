"""The v5 productOrder operations over real HTTP, on both stores: create, read, list, PATCH, DELETE."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest

from tests.support.mock.mock_helpers import TIMEOUT_S, Api
from tests.support.mock.v5_helpers import (
    JSON_PATCH,
    JSON_PATCH_QUERY,
    MERGE_PATCH,
    V5_BASE_PATH,
    create,
    item,
    order_body,
    patch,
    v5_errors,
    v5_url,
)


def test_create_answers_a_v5_order_with_creation_date_and_location(api: Api) -> None:
    order = create(api, category="B2C")
    assert order["state"] == order["requestedInitialState"] == "acknowledged"
    assert "creationDate" in order
    assert "orderDate" not in order
    assert order["@type"] == "ProductOrder"
    assert [i["state"] for i in order["productOrderItem"]] == ["acknowledged", "acknowledged"]
    assert order["href"] == f"{api.root}{V5_BASE_PATH}/productOrder/{order['id']}"
    got = api.http.get(order["href"], timeout=TIMEOUT_S)
    assert got.status_code == 200
    assert got.json() == order


def test_create_in_draft_keeps_items_stateless_until_submitted(api: Api) -> None:
    order = create(api, requestedInitialState="draft")
    assert order["state"] == "draft"
    assert all("state" not in i for i in order["productOrderItem"])
    submitted = patch(api, order["id"], MERGE_PATCH, {"@type": "ProductOrder", "state": "acknowledged"})
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["state"] == "acknowledged"
    assert [i["state"] for i in submitted.json()["productOrderItem"]] == ["acknowledged", "acknowledged"]
    assert v5_errors("ProductOrder", submitted.json()) == []


def test_v5_orders_are_stored_apart_from_v4_orders(api: Api) -> None:
    v5_order = create(api)
    v4_order = api.create_order()
    assert api.http.get(api.url(f"productOrder/{v5_order['id']}"), timeout=TIMEOUT_S).status_code == 404
    assert api.http.get(v5_url(api, f"productOrder/{v4_order['id']}"), timeout=TIMEOUT_S).status_code == 404
    assert [o["id"] for o in api.http.get(v5_url(api, "productOrder"), timeout=TIMEOUT_S).json()] == [
        v5_order["id"]
    ]
    assert "orderDate" in v4_order
    assert "creationDate" not in v4_order


def test_list_filters_pages_and_selects_fields_as_tmf630_says(api: Api) -> None:
    ids = [create(api, category=category)["id"] for category in ("a", "b", "a")]
    page = api.http.get(v5_url(api, "productOrder"), params={"category": "a", "limit": 1}, timeout=TIMEOUT_S)
    assert page.status_code == 200
    assert page.headers["X-Total-Count"] == "2"
    assert page.headers["X-Result-Count"] == "1"
    assert [o["id"] for o in page.json()] == [ids[2]]  # newest first
    chosen = api.http.get(v5_url(api, "productOrder"), params={"fields": "state"}, timeout=TIMEOUT_S).json()
    assert {frozenset(o) for o in chosen} == {frozenset({"id", "href", "@type", "state"})}
    one = api.http.get(
        v5_url(api, f"productOrder/{ids[0]}"), params={"fields": "category"}, timeout=TIMEOUT_S
    )
    assert one.json() == {"id": ids[0], "href": one.json()["href"], "@type": "ProductOrder", "category": "a"}


def test_fields_on_post_selects_the_answer(api: Api) -> None:
    response = api.http.post(
        v5_url(api, "productOrder"),
        params={"fields": "state"},
        json={"@type": "ProductOrder", "productOrderItem": [item()]},
        timeout=TIMEOUT_S,
    )
    assert response.status_code == 201
    assert set(response.json()) == {"id", "href", "@type", "state"}


@pytest.mark.parametrize("media_type", [MERGE_PATCH, "application/json"])
def test_patch_with_a_partial_resource(api: Api, media_type: str) -> None:
    order = create(api)
    response = patch(api, order["id"], media_type, {"@type": "ProductOrder", "category": "B2B product order"})
    assert response.status_code == 200, response.text
    assert response.json()["category"] == "B2B product order"
    assert v5_errors("ProductOrder", response.json()) == []
    assert api.http.get(order["href"], timeout=TIMEOUT_S).json() == response.json()


def test_patch_with_json_patch(api: Api) -> None:
    order = create(api)
    operations = [{"op": "add", "path": "/productOrderItem/1/quantity", "value": 3}]
    response = patch(api, order["id"], JSON_PATCH, operations)
    assert response.status_code == 200, response.text
    assert [i.get("quantity") for i in response.json()["productOrderItem"]] == [None, 3]


def test_patch_with_json_patch_query_selects_items_by_id(api: Api) -> None:
    """The OAS example: `/productOrderItem/billingAccount/id?productOrderItem.id=120`."""
    order = create(api)
    account = {"id": "1513", "@type": "BillingAccountRef"}
    operations = [
        {"op": "add", "path": "/productOrderItem/billingAccount?productOrderItem.id=2", "value": account},
        {
            "op": "replace",
            "path": "/productOrderItem/billingAccount/id?productOrderItem.id=2",
            "value": "1889",
        },
    ]
    response = patch(api, order["id"], JSON_PATCH_QUERY, operations)
    assert response.status_code == 200, response.text
    items = response.json()["productOrderItem"]
    assert "billingAccount" not in items[0]
    assert items[1]["billingAccount"] == {"id": "1889", "@type": "BillingAccountRef"}
    assert v5_errors("ProductOrder", response.json()) == []


def test_json_patch_query_removes_every_selected_element(api: Api) -> None:
    order = create(
        api, note=[{"id": "n1", "text": "a", "@type": "Note"}, {"id": "n2", "text": "b", "@type": "Note"}]
    )
    response = patch(api, order["id"], JSON_PATCH_QUERY, [{"op": "remove", "path": "/note?note.@type=Note"}])
    assert response.status_code == 200, response.text
    assert response.json()["note"] == []


def test_state_moves_follow_the_v5_table(api: Api) -> None:
    order = create(api)
    for state in ("inProgress", "inProgress.accepted", "completed"):
        response = patch(api, order["id"], MERGE_PATCH, {"@type": "ProductOrder", "state": state})
        assert response.status_code == 200, response.text
    assert "completionDate" in response.json()
    again = patch(api, order["id"], MERGE_PATCH, {"@type": "ProductOrder", "state": "inProgress"})
    assert again.status_code == 409


def test_delete_removes_the_order(api: Api) -> None:
    order = create(api)
    assert api.http.delete(order["href"], timeout=TIMEOUT_S).status_code == 204
    assert api.http.get(order["href"], timeout=TIMEOUT_S).status_code == 404
    assert api.http.delete(order["href"], timeout=TIMEOUT_S).status_code == 404


def test_the_official_v5_ctk_url_forms_are_answered(api: Api) -> None:
    """TM Forum's v5 CTK requests `path + '/' + query`: `/productOrder/?fields=state`, `.../<id>/`."""
    order = create(api)
    listed = api.http.get(v5_url(api, "productOrder/") + "?fields=state", timeout=TIMEOUT_S)
    assert listed.status_code == 200
    assert listed.json() == [
        {"id": order["id"], "href": order["href"], "@type": "ProductOrder", "state": "acknowledged"}
    ]
    one = api.http.get(f"{order['href']}/?fields=creationDate", timeout=TIMEOUT_S)
    assert one.status_code == 200
    assert one.json()["creationDate"] == order["creationDate"]
    by_date = api.http.get(
        v5_url(api, "productOrder/"), params={"creationDate": order["creationDate"]}, timeout=TIMEOUT_S
    )
    assert [o["id"] for o in by_date.json()] == [order["id"]]
    unknown = api.http.get(
        v5_url(api, "productOrder/"), params={"completionDate": "undefined"}, timeout=TIMEOUT_S
    )
    assert unknown.status_code == 200
    assert unknown.json() == []
    posted = api.http.post(v5_url(api, "productOrder/"), json=order_body(), timeout=TIMEOUT_S)
    assert posted.status_code == 201


def test_the_official_v5_ctk_payload_is_accepted(
    api: Api, ctk_unavailable: Callable[[str], NoReturn]
) -> None:
    """The POST body of TM Forum's v5 CTK (`CHANGE_ME.json`), read from the reference folder."""
    change_me = (
        Path(__file__).resolve().parents[3].parent / "shared" / "reference" / "ctk-5.0.0" / "CHANGE_ME.json"
    )
    if not change_me.is_file():
        ctk_unavailable(f"the official v5 CTK is not at {change_me.parent}")
    payload = json.loads(change_me.read_text(encoding="utf-8"))["payloads"]["ProductOrder"]["POST"]["payload"]
    response = api.http.post(v5_url(api, "productOrder/"), json=payload, timeout=TIMEOUT_S)
    assert response.status_code == 201, response.text
    assert v5_errors("ProductOrder", response.json()) == []
    assert response.json()["relatedParty"] == payload["relatedParty"]


def test_json_patch_query_values_are_not_shared_between_selected_items(api: Api) -> None:
    order = create(api)
    operations = [
        {
            "op": "add",
            "path": "/productOrderItem/note?productOrderItem.action=add",
            "value": [{"text": "a", "@type": "Note"}],
        },
        {"op": "replace", "path": "/productOrderItem/0/note/0/text", "value": "only the first"},
    ]
    response = patch(api, order["id"], JSON_PATCH_QUERY, operations)
    assert response.status_code == 200, response.text
    assert [i["note"][0]["text"] for i in response.json()["productOrderItem"]] == ["only the first", "a"]
