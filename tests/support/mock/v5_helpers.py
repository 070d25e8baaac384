"""Helpers for the mock's v5 tests: v5 URLs, a valid `ProductOrder_FVO`, checks against the v5 schemas."""

from __future__ import annotations

import json
from typing import Any

import requests

from tests.support.mock.mock_helpers import TIMEOUT_S, Api
from tmf622_schemas import validator_for

V5_BASE_PATH = "/tmf-api/productOrderingManagement/v5"
MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
JSON_PATCH_QUERY = "application/json-patch-query+json"


def v5_url(api: Api, path: str) -> str:
    return f"{api.root}{V5_BASE_PATH}/{path.lstrip('/')}"


def item(item_id: str = "1", **fields: Any) -> dict[str, Any]:
    offering = {"id": "po-1", "@type": "ProductOfferingRef"}
    return {
        "id": item_id,
        "action": "add",
        "@type": "ProductOrderItem",
        "productOffering": offering,
        **fields,
    }


def order_body(**fields: Any) -> dict[str, Any]:
    """A valid `ProductOrder_FVO` with two items."""
    return {"@type": "ProductOrder", "productOrderItem": [item("1"), item("2")], **fields}


def v5_errors(schema: str, instance: Any) -> list[str]:
    """Every violation of the v5 schema `schema` (empty: valid, `@type` discriminators enforced)."""
    return [f"{e.json_path}: {e.message}" for e in validator_for(schema, version="5").iter_errors(instance)]


def create(api: Api, **fields: Any) -> dict[str, Any]:
    response = api.http.post(v5_url(api, "productOrder"), json=order_body(**fields), timeout=TIMEOUT_S)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    assert v5_errors("ProductOrder", created) == []
    return created


def patch(api: Api, order_id: str, media_type: str, body: Any) -> requests.Response:
    return api.http.patch(
        v5_url(api, f"productOrder/{order_id}"),
        data=json.dumps(body),
        headers={"Content-Type": media_type},
        timeout=TIMEOUT_S,
    )


def assert_v5_error(response: requests.Response, status: int, *fragments: str) -> dict[str, Any]:
    """A v5 `Error` (code and reason required, `@type` too) with this status and these words."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert v5_errors("Error", body) == []
    assert body["@type"] == "Error"
    assert body["code"] == body["status"] == str(status)
    for fragment in fragments:
        assert fragment in body["message"], body["message"]
    return body
