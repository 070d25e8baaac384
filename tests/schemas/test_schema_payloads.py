"""Payloads against the schemas: what a TMF622 v4 client or server sends must pass, mistakes must not."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

import tmf622_schemas
from tests.support.schemas.payloads import CTK_CREATE_BODY, SERVER_ORDER, with_changes


def error_paths(name: str, instance: Any) -> list[tuple[str, str]]:
    """(json_path, failing keyword) of every error, in a stable order."""
    errors = tmf622_schemas.validator_for(name).iter_errors(instance)
    return sorted((e.json_path, str(e.validator)) for e in errors)


def test_ctk_create_body_is_a_valid_create_request() -> None:
    assert error_paths("ProductOrder_Create", CTK_CREATE_BODY) == []


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (["productOrderItem", 0, "action"], "create", ("$.productOrderItem[0].action", "enum")),
        (["productOrderItem"], ..., ("$", "required")),
        (["productOrderItem"], [], ("$.productOrderItem", "minItems")),
        (["productOrderItem", 0, "id"], ..., ("$.productOrderItem[0]", "required")),
        (["requestedStartDate"], "2026-13-45 25:00", ("$.requestedStartDate", "format")),
        (["requestedStartDate"], "2026-11-27", ("$.requestedStartDate", "format")),
        (["@schemaLocation"], "not a uri", ("$['@schemaLocation']", "format")),
        (["productOrderItem", 0, "quantity"], "2", ("$.productOrderItem[0].quantity", "type")),
        (["productOrderItem", 0, "quantity"], 1.5, ("$.productOrderItem[0].quantity", "type")),
        (["externalId"], 77, ("$.externalId", "type")),
        (["priority"], 1, ("$.priority", "type")),
        (["relatedParty", 0, "@referredType"], ..., ("$.relatedParty[0]", "required")),
        (["note"], [{"author": "me"}], ("$.note[0]", "required")),
        (["billingAccount"], {"name": "no id"}, ("$.billingAccount", "required")),
    ],
)
def test_bad_create_request_is_rejected_where_it_is_wrong(
    path: list[str | int], value: Any, expected: tuple[str, str]
) -> None:
    assert error_paths("ProductOrder_Create", with_changes(CTK_CREATE_BODY, path, value)) == [expected]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", "x"),
        ("href", "/productOrder/x"),
        ("state", "acknowledged"),
        ("orderDate", "2026-11-27T10:00:00Z"),
        ("completionDate", "2026-11-27T10:00:00Z"),
        ("expectedCompletionDate", "2026-11-27T10:00:00Z"),
    ],
)
def test_create_request_rejects_server_owned_fields(field: str, value: str) -> None:
    body = {**CTK_CREATE_BODY, field: value}
    assert error_paths("ProductOrder_Create", body) == [(f"$.{field}", "not")]


def test_create_request_rejects_item_state_at_any_depth() -> None:
    body = with_changes(CTK_CREATE_BODY, ["productOrderItem", 0, "productOrderItem"],
                        [{"id": "124", "action": "add", "state": "held"}])  # fmt: skip
    body["productOrderItem"][0]["state"] = "held"
    assert error_paths("ProductOrder_Create", body) == [
        ("$.productOrderItem[0].productOrderItem[0].state", "not"),
        ("$.productOrderItem[0].state", "not"),
    ]


def test_create_request_allows_extension_fields() -> None:
    """TMF polymorphism: a subclass named by @type may carry fields the base schema does not list."""
    body = {**CTK_CREATE_BODY, "@type": "FibreOrder", "@baseType": "ProductOrder", "installWindow": "am"}
    body["productOrderItem"] = [{"id": "1", "action": "add", "customerReference": {"ref": 9}}]
    assert error_paths("ProductOrder_Create", body) == []


def test_server_shaped_order_is_a_valid_product_order() -> None:
    assert error_paths("ProductOrder", SERVER_ORDER) == []


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (["state"], "accepted", ("$.state", "enum")),
        (["state"], "draft", ("$.state", "enum")),
        (["productOrderItem", 0, "state"], "partial", ("$.productOrderItem[0].state", "enum")),
        (["productOrderItem"], ..., ("$", "required")),
        (["orderDate"], "27/11/2026", ("$.orderDate", "format")),
        (
            ["productOrderItem", 0, "product", "status"],
            "gone",
            ("$.productOrderItem[0].product.status", "enum"),
        ),
        (
            ["productOrderItem", 0, "product", "productCharacteristic", 0, "value"],
            ...,
            ("$.productOrderItem[0].product.productCharacteristic[0]", "required"),
        ),
    ],
)
def test_bad_product_order_is_rejected(path: list[str | int], value: Any, expected: tuple[str, str]) -> None:
    assert error_paths("ProductOrder", with_changes(SERVER_ORDER, path, value)) == [expected]


@pytest.mark.parametrize("status", ["aborted", "aborted "])
def test_product_status_accepts_both_spellings_of_aborted(status: str) -> None:
    assert tmf622_schemas.validator_for("ProductStatusType").is_valid(status)
    assert not tmf622_schemas.validator_for("ProductStatusType").is_valid("Aborted")


def test_error_requires_code_and_reason() -> None:
    validator = tmf622_schemas.validator_for("Error")
    assert validator.is_valid({"code": "404", "reason": "Not found", "status": "404"})
    missing = [e.message for e in validator.iter_errors({"message": "nothing else"})]
    assert sorted(missing) == ["'code' is a required property", "'reason' is a required property"]
    bad_uri = {"code": "1", "reason": "r", "referenceError": "see the docs"}
    assert error_paths("Error", bad_uri) == [("$.referenceError", "format")]


def test_merge_patch_without_items_is_a_valid_update() -> None:
    assert error_paths("ProductOrder_Update", {"description": "new text", "state": "held"}) == []
    assert error_paths("ProductOrder_Update", {}) == []


@pytest.mark.parametrize("field", ["id", "href", "orderDate"])
def test_update_rejects_fields_that_cannot_be_patched(field: str) -> None:
    assert error_paths("ProductOrder_Update", {field: "2026-11-27T10:00:00Z"}) == [(f"$.{field}", "not")]


def test_cancel_product_order_requires_the_order_by_id() -> None:
    assert error_paths("CancelProductOrder_Create", {"productOrder": {"id": "3f1c2a"}}) == []
    assert error_paths("CancelProductOrder_Create", {"cancellationReason": "x"}) == [("$", "required")]
    assert error_paths("CancelProductOrder_Create", {"productOrder": {"href": "/x"}}) == [
        ("$.productOrder", "required")
    ]
    assert error_paths("CancelProductOrder_Create", {"productOrder": {"id": "1"}, "state": "done"}) == [
        ("$.state", "not")
    ]
    done = {"id": "c1", "href": "/c1", "state": "done", "productOrder": {"id": "1"}}
    assert error_paths("CancelProductOrder", done) == []
    assert error_paths("CancelProductOrder", {**done, "state": "completed"}) == [("$.state", "enum")]


def test_hub_subscription_schemas() -> None:
    assert error_paths("EventSubscriptionInput", {"callback": "http://127.0.0.1:9/listener"}) == []
    assert error_paths("EventSubscriptionInput", {"query": "eventType=x"}) == [("$", "required")]
    assert error_paths("EventSubscription", {"callback": "http://127.0.0.1:9/listener"}) == [
        ("$", "required")
    ]
    assert error_paths("EventSubscription", {"id": "h1", "callback": "http://127.0.0.1:9/listener"}) == []


def test_state_change_event_carries_a_valid_order() -> None:
    event = {
        "eventId": "e1",
        "eventTime": "2026-11-27T10:00:01Z",
        "eventType": "ProductOrderStateChangeEvent",
        "event": {"productOrder": SERVER_ORDER},
    }
    assert error_paths("ProductOrderStateChangeEvent", event) == []
    broken = with_changes(event, ["event", "productOrder", "state"], "shipped")
    broken["eventTime"] = "soon"
    assert error_paths("ProductOrderStateChangeEvent", broken) == [
        ("$.event.productOrder.state", "enum"),
        ("$.eventTime", "format"),
    ]


def test_format_checker_is_really_active() -> None:
    """jsonschema ignores `format` without a checker; the loader's validators must not."""
    bad = {"startDateTime": "yesterday"}
    assert not tmf622_schemas.validator_for("TimePeriod").is_valid(bad)
    unchecked = Draft202012Validator(tmf622_schemas.load_schema("TimePeriod"))
    assert unchecked.is_valid(bad), "guard: without a format checker the same value passes"


def test_update_may_not_empty_the_item_list() -> None:
    assert error_paths("ProductOrder_Update", {"productOrderItem": []}) == [
        ("$.productOrderItem", "minItems")
    ]


def test_product_order_allows_extension_fields() -> None:
    extended = {**SERVER_ORDER, "@type": "FibreOrder", "@baseType": "ProductOrder", "installWindow": "am"}
    assert error_paths("ProductOrder", extended) == []
