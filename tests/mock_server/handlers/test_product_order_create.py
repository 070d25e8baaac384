"""POST /productOrder over real HTTP: what the server fills in, and every refusal (store unchanged)."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from mock_server.store.base import read
from tests.support.mock.mock_helpers import Api, assert_error
from tests.support.mock.switches import versions
from tmf622_schemas import validator_for

ITEM = {"id": "1", "action": "add"}
CTK_BODY = {
    "productOrderItem": [{"id": "123", "action": "add"}],
    "relatedParty": [{"id": "456-dd-df45", "@referredType": "Individual"}],
}
ORDER_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def test_create_returns_201_with_server_fields_and_location(api: Api) -> None:
    response = api.http.post(api.url("productOrder"), json=CTK_BODY)

    assert response.status_code == 201
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    order = response.json()
    assert uuid.UUID(order["id"]).version == 4
    assert order["href"] == f"{api.base}/productOrder/{order['id']}"
    assert response.headers["Location"] == order["href"]
    assert order["orderDate"] == "2026-11-27T10:00:00.000Z"
    assert ORDER_DATE.match(order["orderDate"])
    assert order["state"] == "acknowledged"
    assert order["@type"] == "ProductOrder"
    assert order["relatedParty"] == CTK_BODY["relatedParty"]
    assert order["productOrderItem"] == [{"id": "123", "action": "add", "state": "acknowledged"}]
    assert list(validator_for("ProductOrder").iter_errors(order)) == []
    assert api.run(read(api.store, "productOrder", order["id"])) == order


def test_create_fills_related_party_and_keeps_given_type(api: Api) -> None:
    nested = {**ITEM, "productOrderItem": [{"id": "1.1", "action": "add"}]}
    order = api.create_order(productOrderItem=[nested], **{"@type": "B2BProductOrder"})

    assert order["relatedParty"] == []
    assert order["@type"] == "B2BProductOrder"
    assert order["productOrderItem"][0]["productOrderItem"][0]["state"] == "acknowledged"


def test_create_accepts_json_with_charset(api: Api) -> None:
    response = api.http.post(
        api.url("productOrder"),
        data=json.dumps({"productOrderItem": [ITEM]}).encode(),
        headers={"Content-Type": "application/json; charset=UTF-8"},
    )
    assert response.status_code == 201


def test_href_uses_an_allowed_request_host_or_the_public_url(make_api) -> None:
    derived = make_api(allowed_hosts=("api.example",))
    order = derived.http.post(
        derived.url("productOrder"), json={"productOrderItem": [ITEM]}, headers={"Host": "api.example:8443"}
    ).json()
    assert order["href"].startswith(
        "http://api.example:8443/tmf-api/productOrderingManagement/v4/productOrder/"
    )

    public = make_api(
        public_url="https://orders.example.com",
        versions=versions(v4={"base_path": "/productOrderingManagement/v4"}),
    )
    created = public.http.post(public.url("productOrder"), json={"productOrderItem": [ITEM]})
    expected = f"https://orders.example.com/productOrderingManagement/v4/productOrder/{created.json()['id']}"
    assert created.json()["href"] == created.headers["Location"] == expected


def test_bad_host_header_is_refused(api: Api) -> None:
    body = json.dumps({"productOrderItem": [ITEM]}).encode()
    headers = {"Content-Type": "application/json", "Host": "evil.example/<script>"}
    response = api.raw("POST", "/tmf-api/productOrderingManagement/v4/productOrder", body, headers)
    assert_error(response, 400, "Host header")
    assert api.count() == 0


@pytest.mark.parametrize(
    ("content_type", "fragment"),
    [
        ("text/plain", "'text/plain' is not supported"),
        ("application/xml", "application/xml"),
        ("application/merge-patch+json", "application/merge-patch+json"),
        ("application/json; charset=latin-1", "charset 'latin-1'"),
    ],
)
def test_create_with_wrong_content_type_is_415(api: Api, content_type: str, fragment: str) -> None:
    body = json.dumps({"productOrderItem": [ITEM]}).encode()
    response = api.http.post(api.url("productOrder"), data=body, headers={"Content-Type": content_type})
    assert_error(response, 415, fragment)
    assert api.count() == 0


def test_create_without_content_type_is_415(api: Api) -> None:
    response = api.raw("POST", "/tmf-api/productOrderingManagement/v4/productOrder", b"{}", {})
    assert_error(response, 415, "(none)")
    assert api.count() == 0


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b'{"productOrderItem": [', "not valid JSON"),
        (b"", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b'{"productOrderItem": [{"id": "1", "action": "add", "quantity": NaN}]}', "NaN is not valid JSON"),
        (b'{"productOrderItem": [], "x": 1e999}', "out of range"),
        (b"[" * 5000 + b"]" * 5000, "deeper than 64"),
        (b'[{"productOrderItem": []}]', "$: body must be a JSON object, got array"),
        (b'"order"', "$: body must be a JSON object, got string"),
        (b"42", "got number"),
        (b"null", "got null"),
    ],
)
def test_create_with_malformed_body_is_400(api: Api, raw: bytes, fragment: str) -> None:
    response = api.http.post(api.url("productOrder"), data=raw, headers={"Content-Type": "application/json"})
    assert_error(response, 400, fragment)
    assert api.count() == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"productOrderItem": [{"id": "1", "action": "bogus"}]},
            "$.productOrderItem[0].action: 'bogus' is not one of ['add', 'modify', 'delete', 'noChange']",
        ),
        ({"relatedParty": []}, "$: 'productOrderItem' is a required property"),
        ({"productOrderItem": [{"action": "add"}]}, "$.productOrderItem[0]: 'id' is a required property"),
        (
            {"productOrderItem": [ITEM], "relatedParty": [{"id": "p"}]},
            "$.relatedParty[0]: '@referredType' is a required property",
        ),
        ({"productOrderItem": [ITEM], "id": "mine"}, "$.id: server-owned field"),
        ({"productOrderItem": [ITEM], "state": "completed"}, "$.state: server-owned field"),
        (
            {"productOrderItem": [ITEM], "requestedStartDate": "tomorrow"},
            "$.requestedStartDate: 'tomorrow' is not a",
        ),
        ({"productOrderItem": "all"}, "$.productOrderItem: 'all' is not of type 'array'"),
    ],
)
def test_create_schema_violation_names_the_path(api: Api, body: dict[str, object], message: str) -> None:
    response = api.http.post(api.url("productOrder"), json=body)
    error = assert_error(response, 400)
    assert error["message"].startswith(message)
    assert api.count() == 0


def test_body_over_the_limit_is_413(make_api) -> None:
    api = make_api(max_body_bytes=2048)
    body = {"productOrderItem": [ITEM], "description": "x" * 4096}
    response = api.http.post(api.url("productOrder"), json=body)
    assert_error(response, 413, "2048")
    assert api.count() == 0
    assert api.http.post(api.url("productOrder"), json={"productOrderItem": [ITEM]}).status_code == 201
