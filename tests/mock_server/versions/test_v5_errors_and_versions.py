"""v5 refusals (each a v5 `Error`), and v4 and v5 served by one process, each able to be switched off."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.app import create_app
from mock_server.config.settings import Settings
from tests.support.mock.mock_helpers import TIMEOUT_S, Api, assert_error
from tests.support.mock.switches import versions
from tests.support.mock.v5_helpers import (
    JSON_PATCH,
    JSON_PATCH_QUERY,
    MERGE_PATCH,
    assert_v5_error,
    create,
    item,
    order_body,
    patch,
    v5_url,
)

WRONG_BODIES: list[tuple[str, dict[str, Any], str]] = [
    ("no @type", {"productOrderItem": [item()]}, "'@type' is a required property"),
    (
        "item without @type",
        {"@type": "ProductOrder", "productOrderItem": [{"id": "1", "action": "add"}]},
        "@type",
    ),
    ("@type not a string", {"@type": 42, "productOrderItem": [item()]}, "$['@type']"),
    (
        "ProductRef without id",  # `@type` selects ProductRef, whose id is required
        {"@type": "ProductOrder", "productOrderItem": [item(product={"@type": "ProductRef"})]},
        "'id' is a required property",
    ),
    (
        "IntegerCharacteristic with a text value",
        {
            "@type": "ProductOrder",
            "productOrderItem": [
                item(
                    product={
                        "@type": "Product",
                        "productCharacteristic": [
                            {"@type": "IntegerCharacteristic", "name": "n", "value": "x"}
                        ],
                    }
                )
            ],
        },
        "productCharacteristic[0].value",
    ),
    ("bad initial state", order_body(requestedInitialState="inProgress"), "requestedInitialState"),
]


@pytest.mark.parametrize(("case", "body", "fragment"), WRONG_BODIES, ids=[c[0] for c in WRONG_BODIES])
def test_an_invalid_fvo_is_refused_with_a_v5_error(
    api: Api, case: str, body: dict[str, Any], fragment: str
) -> None:
    response = api.http.post(v5_url(api, "productOrder"), json=body, timeout=TIMEOUT_S)
    assert_v5_error(response, 400, fragment)
    assert api.http.get(v5_url(api, "productOrder"), timeout=TIMEOUT_S).json() == [], case


def test_unknown_ids_methods_and_media_types(api: Api) -> None:
    assert_v5_error(api.http.get(v5_url(api, "productOrder/nope"), timeout=TIMEOUT_S), 404, "nope")
    assert_v5_error(api.http.get(v5_url(api, "cancelProductOrder/nope"), timeout=TIMEOUT_S), 404, "nope")
    order = create(api)
    assert_v5_error(patch(api, "nope", MERGE_PATCH, {"@type": "ProductOrder"}), 404, "nope")
    task_patch = api.http.patch(v5_url(api, "cancelProductOrder/x"), json={}, timeout=TIMEOUT_S)
    assert_v5_error(task_patch, 405, "PATCH")  # the v5 OAS has no PATCH on cancelProductOrder
    assert_v5_error(api.http.put(order["href"], json={}, timeout=TIMEOUT_S), 405, "PUT")
    assert_v5_error(patch(api, order["id"], "text/plain", {}), 415, "application/json-patch-query+json")
    posted = api.http.post(
        v5_url(api, "productOrder"), data=b"{}", headers={"Content-Type": MERGE_PATCH}, timeout=TIMEOUT_S
    )
    assert_v5_error(posted, 415, "application/json")


BAD_PATCHES: list[tuple[str, Any, int, str]] = [
    (MERGE_PATCH, {"category": "x"}, 400, "@type"),  # ProductOrder_MVO requires @type
    (MERGE_PATCH, {"@type": "ProductOrder", "creationDate": "2020-01-01T00:00:00Z"}, 400, "creationDate"),
    (MERGE_PATCH, {"@type": "ProductOrder", "state": "completed"}, 409, "acknowledged"),
    (MERGE_PATCH, {"@type": "ProductOrder", "productOrderItem": []}, 400, "productOrderItem"),
    (JSON_PATCH, {"op": "add"}, 400, "$"),
    (JSON_PATCH, [{"op": "replace", "path": "/nothing", "value": 1}], 400, "nothing"),
    (
        JSON_PATCH_QUERY,
        [{"op": "remove", "path": "/productOrderItem?productOrderItem.id=9"}],
        400,
        "selects nothing",
    ),
    (JSON_PATCH_QUERY, [{"op": "remove", "path": "/note?productOrderItem.id=1"}], 400, "no array"),
    (JSON_PATCH_QUERY, [{"op": "replace", "path": "/state?x", "value": "held"}], 400, "no array"),
]


@pytest.mark.parametrize(("media_type", "body", "status", "fragment"), BAD_PATCHES)
def test_a_refused_patch_changes_nothing(
    api: Api, media_type: str, body: Any, status: int, fragment: str
) -> None:
    order = create(api)
    assert_v5_error(patch(api, order["id"], media_type, body), status, fragment)
    assert api.http.get(order["href"], timeout=TIMEOUT_S).json() == order


def test_one_process_serves_v4_and_v5(api: Api) -> None:
    v4_created = api.create_order()
    v5_created = create(api)
    assert api.http.get(v4_created["href"], timeout=TIMEOUT_S).json()["orderDate"] == v4_created["orderDate"]
    assert (
        api.http.get(v5_created["href"], timeout=TIMEOUT_S).json()["creationDate"]
        == v5_created["creationDate"]
    )
    # v4 keeps its own rules: no @type needed, and v5 states are not v4 states.
    draft = {"productOrderItem": [{"id": "1", "action": "add"}], "state": "draft"}
    assert_error(api.http.post(api.url("productOrder"), json=draft, timeout=TIMEOUT_S), 400)


@pytest.mark.parametrize(("serve_v4", "serve_v5"), [(True, False), (False, True)])
def test_each_version_can_be_switched_off(make_api: Any, serve_v4: bool, serve_v5: bool) -> None:
    api = make_api(versions=versions(v4={"served": serve_v4}, v5={"served": serve_v5}))
    v4 = api.http.get(api.url("productOrder"), timeout=TIMEOUT_S).status_code
    v5 = api.http.get(v5_url(api, "productOrder"), timeout=TIMEOUT_S).status_code
    assert (v4, v5) == (200 if serve_v4 else 404, 200 if serve_v5 else 404)
    assert api.http.post(f"{api.root}/_mock/reset", json={}, timeout=TIMEOUT_S).status_code == 204


def test_v5_base_path_is_configurable(make_api: Any) -> None:
    api = make_api(versions=versions(v5={"base_path": "/v5"}))
    body = order_body()
    created = api.http.post(f"{api.root}/v5/productOrder", json=body, timeout=TIMEOUT_S)
    assert created.status_code == 201
    assert created.json()["href"].startswith(f"{api.root}/v5/productOrder/")


def test_v4_and_v5_cannot_share_a_base_path() -> None:
    with pytest.raises(ValueError, match="cannot share"):
        create_app(Settings(versions=versions(v4={"base_path": "/api"}, v5={"base_path": "/api"})))


def test_a_patch_cannot_grow_or_deepen_a_resource_without_bound(api: Api) -> None:
    """The core's PATCH budget, as for v4: 413 past the resource size limit, 400 past the depth."""
    order = create(api)
    doubling = [{"op": "add", "path": "/x", "value": ["y" * 1000] * 100}] + [
        {"op": "copy", "from": "/x", "path": "/x/-"} for _ in range(20)
    ]
    assert_v5_error(patch(api, order["id"], JSON_PATCH, doubling), 413, "would exceed")
    fan_out = [
        {
            "op": "add",
            "path": "/productOrderItem/description?productOrderItem.action=add",
            "value": "z" * 600_000,
        }
    ]
    assert_v5_error(patch(api, order["id"], JSON_PATCH_QUERY, fan_out), 413, "would exceed")
    deep: Any = {"a": 1}
    for _ in range(40):
        deep = {"a": deep}
    nesting = [
        {"op": "add", "path": "/d", "value": deep},
        {"op": "add", "path": "/d/" + "a/" * 39 + "b", "value": deep},
    ]
    assert_v5_error(patch(api, order["id"], JSON_PATCH, nesting), 400, "deeper than")
    assert api.http.get(order["href"], timeout=TIMEOUT_S).json() == order
