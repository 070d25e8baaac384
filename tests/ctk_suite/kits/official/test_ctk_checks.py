"""Every check kind: a passing and a failing case, the failing one pinned by its rendered message."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ctk_suite.core.failures import NotRun, render_all
from ctk_suite.http.exchange import Exchange
from ctk_suite.kits.official.checks.catalogue import check_kinds, get_check, validate_assertion
from ctk_suite.kits.official.checks.kinds import CheckContext
from ctk_suite.kits.official.scenario import AssertionSpec, Emit
from ctk_suite.kits.official.variables import Variables

ORDER = {
    "id": "42",
    "href": "http://h/productOrder/42",
    "orderDate": "2026-11-27T10:00:00Z",
    "state": "acknowledged",
    "productOrderItem": [{"id": "1", "action": "add"}],
    "relatedParty": [{"id": "p", "@referredType": "Individual"}],
}
URL = "http://h/productOrder"


def context(
    body: Any,
    *,
    status: int = 200,
    text: str | None = None,
    headers: dict[str, str] | None = None,
    ms: float = 5.0,
) -> CheckContext:
    raw = (json.dumps(body) if text is None else text).encode()
    exchange = Exchange("GET", URL, {}, None, status, headers or {}, raw, ms)
    variables = Variables()
    for name, value in {
        "IDPO01": "42",
        "HREFPO01": ORDER["href"],
        "ORDERDATEPO01": ORDER["orderDate"],
    }.items():
        variables.set(name, value)
    return CheckContext(exchange, body, variables)


def verdict(kind: str, ctx: CheckContext, emit: Emit = Emit.ALWAYS, **params: Any) -> str | None:
    """'' when passed, the rendered failures when failed, None when the assertion is not emitted."""
    spec = AssertionSpec(kind, "an assertion", params, emit)
    validate_assertion(spec)
    failures = get_check(kind).run(ctx, spec)
    return None if failures is None else render_all(failures)


def test_status_code() -> None:
    assert verdict("status_code", context(ORDER, status=201), status=201) == ""
    assert (
        verdict("status_code", context(ORDER, status=200), status=201)
        == "status: expected HTTP 201, seen HTTP 200"
    )


def test_not_array_only_reports_arrays() -> None:
    assert verdict("not_array", context(ORDER), Emit.IF_ARRAY) is None
    assert (
        verdict("not_array", context([ORDER]), Emit.IF_ARRAY)
        == "$: expected a single object, seen an array of 1 item"
    )


MANDATORY = ["productOrderItem", "href", "id", "orderDate", "relatedParty", "state"]


def test_mandatory_attributes_on_every_instance() -> None:
    assert verdict("mandatory_attributes", context([ORDER, ORDER]), attributes=MANDATORY) == ""
    partial = {k: v for k, v in ORDER.items() if k not in {"href", "state"}}
    assert verdict("mandatory_attributes", context([ORDER, partial]), attributes=MANDATORY) == (
        "$[1]: expected attributes productOrderItem, href, id, orderDate, relatedParty, state, "
        "seen missing href, state"
    )


def test_mandatory_attributes_on_an_empty_list_fails() -> None:
    """The official script checks the body itself when the array is empty."""
    assert verdict("mandatory_attributes", context([]), attributes=["id"]) == (
        "$: expected an object with attributes id, seen an empty array"
    )


def test_attribute_type() -> None:
    assert verdict("attribute_type", context(ORDER), attribute="relatedParty", type="array") == ""
    broken = {**ORDER, "href": None}
    assert verdict("attribute_type", context([ORDER, broken]), attribute="href", type="string") == (
        "$[1].href: expected a string, seen null"
    )
    assert verdict("attribute_type", context({}), attribute="relatedParty", type="array") == (
        "$.relatedParty: expected an array, seen nothing (attribute absent)"
    )


def test_attribute_type_names_odd_attributes_with_brackets() -> None:
    assert verdict("attribute_type", context({"@type": 3}), attribute="@type", type="string") == (
        '$["@type"]: expected a string, seen a number 3'
    )


def test_body_includes_value_searches_the_raw_text() -> None:
    assert verdict("body_includes_value", context(ORDER), attribute="href") == ""
    escaped = json.dumps(ORDER).replace("/", "\\/")  # valid JSON, but the raw text no longer holds the href
    assert verdict("body_includes_value", context(ORDER, text=escaped), attribute="href") == (
        '$.href: expected the raw body to contain "http://h/productOrder/42", seen it does not'
    )


def test_body_includes_value_fails_on_a_missing_value() -> None:
    assert verdict("body_includes_value", context({"id": "1"}), attribute="orderDate") == (
        "$.orderDate: expected a string value to look for in the body, seen nothing (attribute absent)"
    )


def test_identity_compares_the_created_order() -> None:
    other = {**ORDER, "id": "7", "href": "x"}
    assert verdict("identity", context([other, ORDER]), attribute="href", variable="HREFPO01") == ""
    moved = {**ORDER, "href": "http://h/moved"}
    assert verdict("identity", context(moved), attribute="href", variable="HREFPO01") == (
        '$.href: expected a string "http://h/productOrder/42", seen a string "http://h/moved"'
    )


def test_identity_on_another_single_order_reports_its_id() -> None:
    other = {**ORDER, "id": "7"}
    assert verdict("identity", context(other), attribute="id", variable="IDPO01") == (
        '$.id: expected a string "42", seen a string "7"'
    )


def test_identity_fails_when_the_created_order_is_missing() -> None:
    others = [{**ORDER, "id": "7"}, {**ORDER, "id": "8"}]
    assert verdict("identity", context(others), attribute="id", variable="IDPO01") == (
        "created order 42 not in response (ids seen: 7, 8)"
    )
    assert verdict("identity", context([]), attribute="id", variable="IDPO01") == (
        "created order 42 not in response (ids seen: none)"
    )


def test_identity_on_the_list_is_emitted_only_when_the_order_is_listed() -> None:
    listed = Emit.IF_CREATED_ORDER_LISTED
    assert (
        verdict("identity", context([{**ORDER, "id": "7"}]), listed, attribute="id", variable="IDPO01")
        is None
    )
    changed = {**ORDER, "orderDate": "2000-01-01T00:00:00Z"}
    assert verdict(
        "identity", context([changed]), listed, attribute="orderDate", variable="ORDERDATEPO01"
    ) == ('$[0].orderDate: expected a string "2026-11-27T10:00:00Z", seen a string "2000-01-01T00:00:00Z"')


def test_identity_names_an_unavailable_variable() -> None:
    ctx = context(ORDER)
    ctx.variables.unavailable("HREFPO01", "N1 POST /ProductOrder returned 500 without a string at $.href")
    assert verdict("identity", ctx, attribute="href", variable="HREFPO01") == (
        "HREFPO01 unavailable: N1 POST /ProductOrder returned 500 without a string at $.href"
    )


def test_header_present() -> None:
    assert (
        verdict("header_present", context(ORDER, headers={"x-total-count": "1"}), header="X-Total-Count")
        == ""
    )
    assert verdict("header_present", context(ORDER), header="X-Total-Count") == (
        "header X-Total-Count: expected the header to be present, seen no such header"
    )


def test_content_type() -> None:
    json_type = {"Content-Type": "application/json; charset=utf-8"}
    assert verdict("content_type", context(ORDER, headers=json_type), media="application/json") == ""
    assert verdict(
        "content_type", context(ORDER, headers={"Content-Type": "text/html"}), media="application/json"
    ) == ("header Content-Type: expected application/json, seen text/html")


def test_max_response_time() -> None:
    assert verdict("max_response_time", context(ORDER, ms=5.0), ms=100) == ""
    assert verdict("max_response_time", context(ORDER, ms=250.0), ms=100) == (
        "response time: expected at most 100 ms, seen 250 ms"
    )


def test_location_matches_href() -> None:
    assert verdict("location_matches_href", context(ORDER, headers={"Location": ORDER["href"]})) == ""
    assert verdict("location_matches_href", context(ORDER)) == (
        '$.href: expected the Location header nothing (attribute absent), seen a string "http://h/productOrder/42"'
    )


def test_schema_valid() -> None:
    assert verdict("schema_valid", context(ORDER), schema="ProductOrder") == ""
    bad = {**ORDER, "productOrderItem": [{"id": "1", "action": "explode"}]}
    message = verdict("schema_valid", context([ORDER, bad]), schema="ProductOrder")
    assert message is not None
    assert message.startswith("$[1].productOrderItem[0].action: expected valid ProductOrder")
    assert "'explode'" in message


def test_unexpected_instance_is_emitted_only_where_the_keyed_order_is_listed() -> None:
    listed = Emit.IF_CREATED_ORDER_LISTED
    assert (
        verdict("unexpected_instance", context([{**ORDER, "id": "7"}]), listed, keyVariable="IDPO01") is None
    )
    assert verdict("unexpected_instance", context([ORDER]), listed, keyVariable="IDPO01") == (
        "$[0].id: expected no order 42 here, seen it is listed"
    )
    assert verdict("unexpected_instance", context([{}]), listed, keyVariable="IDPO02") is None  # never set


def test_every_kind_has_a_test_here() -> None:
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    untested = [kind for kind in check_kinds() if not any(t.startswith(kind) for t in tested)]
    assert untested == []


def test_unknown_kind_lists_the_known_ones() -> None:
    with pytest.raises(
        KeyError, match=r"unknown check kind 'nope' \(known: attribute_type, body_includes_value"
    ):
        get_check("nope")


def test_validate_assertion_rejects_missing_parameters() -> None:
    with pytest.raises(KeyError, match="needs attribute, type"):
        validate_assertion(AssertionSpec("attribute_type", "x", {}))
    with pytest.raises(KeyError, match="type must be one of"):
        validate_assertion(AssertionSpec("attribute_type", "x", {"attribute": "a", "type": "strnig"}))


# The v5 kit's kinds (ctk_suite/kits/official/checks/v5.py): strict answer and official verdict ----

V5_CREATED = {
    "id": "7",
    "href": "http://h/productOrder/7",
    "@type": "ProductOrder",
    "state": "acknowledged",
    "relatedParty": [{"@type": "RelatedPartyRefOrPartyRoleRef", "role": "Customer"}],
}


def v5_context(body: Any, created: dict[str, Any] | None = V5_CREATED, status: int = 200) -> CheckContext:
    """A response, with `created` kept as the POST response (`createVariableGlobal`)."""
    exchange = Exchange("GET", URL, {}, None, status, {}, json.dumps(body).encode(), 5.0)
    variables = Variables()
    for name, value in (created or {}).items():
        variables.keep(name, value)
    return CheckContext(exchange, body, variables, empty_array_empty=True)


def v5_verdicts(kind: str, ctx: CheckContext, **params: Any) -> tuple[str, str]:
    """(strict: '' passed / the rendered failures / 'not run: ...', official: 'passed' or 'failed')."""
    spec = AssertionSpec(kind, "an assertion", params)
    validate_assertion(spec)
    check = get_check(kind)
    strict = check.run(ctx, spec)
    official = check.official(ctx, spec) if check.official else strict
    shown = f"not run: {strict.reason}" if isinstance(strict, NotRun) else render_all(strict or ())
    return shown, "failed" if official and not isinstance(official, NotRun) else "passed"


def test_status_one_of() -> None:
    assert v5_verdicts("status_one_of", v5_context([], status=206), statuses=[200, 206]) == ("", "passed")
    assert v5_verdicts("status_one_of", v5_context([], status=201), statuses=[200, 206]) == (
        "status: expected HTTP 200 or HTTP 206, seen HTTP 201",
        "failed",
    )


def test_mandatory_keys_compares_with_the_created_order() -> None:
    keys = ["state", "@type", "id", "href"]
    assert v5_verdicts("mandatory_keys", v5_context(V5_CREATED), keys=keys) == ("", "passed")
    moved = {**V5_CREATED, "state": "inProgress"}
    assert v5_verdicts("mandatory_keys", v5_context(moved), keys=keys) == (
        '$.state: expected a string "acknowledged" (as created), seen a string "inProgress"',
        "failed",
    )


def test_mandatory_keys_dotted_keys_are_resolved_strictly_and_flat_officially() -> None:
    seller = {**V5_CREATED, "relatedParty": [{"@type": "RelatedPartyRefOrPartyRoleRef", "role": "Seller"}]}
    # Officially `body["relatedParty.role"]` is undefined, as is `Cypress.env("relatedParty.role")`.
    assert v5_verdicts("mandatory_keys", v5_context(seller), keys=["relatedParty.role"]) == (
        '$.relatedParty[0].role: expected a string "Customer" (as created), seen a string "Seller"',
        "passed",
    )
    assert v5_verdicts(
        "mandatory_keys", v5_context(V5_CREATED), keys=["relatedParty.role", "agreement.id"]
    ) == (
        "",
        "passed",
    )


def test_mandatory_keys_on_a_list_checks_only_the_created_order() -> None:
    other = {**V5_CREATED, "id": "8", "state": "completed", "href": "http://h/productOrder/8"}
    keys = ["state", "id"]
    assert v5_verdicts("mandatory_keys", v5_context([other, V5_CREATED]), keys=keys) == ("", "passed")
    # Officially `instance.id == Cypress.env('id')` is loose: a numeric id 7 is the created "7".
    numeric = {**V5_CREATED, "id": 7, "state": "held"}
    assert v5_verdicts("mandatory_keys", v5_context([numeric]), keys=["state"], createdOrder="ifListed") == (
        "not run: the created order 7 is not in this page of the list: nothing compared",
        "failed",
    )
    assert v5_verdicts("mandatory_keys", v5_context([other]), keys=keys) == (
        '$: expected the created order (id 7), seen ids a string "8"',
        "passed",
    )


def test_mandatory_keys_without_a_created_id_is_a_precondition_failure() -> None:
    no_id = {k: v for k, v in V5_CREATED.items() if k != "id"}
    assert v5_verdicts("mandatory_keys", v5_context([{"state": "acknowledged"}], no_id), keys=["state"]) == (
        "id unavailable: never captured",
        # Officially undefined == undefined: the element without an id is "the created one".
        "passed",
    )
    assert v5_verdicts("mandatory_keys", v5_context([None], no_id), keys=["state"])[1] == "failed"


def test_schema_valid_v5_strict_dispatches_on_type_official_does_not() -> None:
    item = {
        "@type": "ProductOrderItem",
        "id": "1",
        "action": "add",
        "product": {
            "@type": "Product",
            "productCharacteristic": [{"@type": "StringCharacteristic", "name": "speed", "value": 1000}],
        },
    }
    order = {"@type": "ProductOrder", "productOrderItem": [item]}
    rules = {"oneOf": ["ProductRefOrValue"]}
    strict, official = v5_verdicts(
        "schema_valid", v5_context(order), schema="ProductOrder", version="5", officialValidation=rules
    )
    assert strict.startswith("$.productOrderItem[0].product: expected valid ProductOrder")
    assert official == "passed"
    as_ref = {
        "@type": "ProductOrder",
        "productOrderItem": [{**item, "product": {"@type": "ProductRef", "id": "P"}}],
    }
    assert v5_verdicts(
        "schema_valid", v5_context(as_ref), schema="ProductOrder", version="5", officialValidation=rules
    ) == ("", "failed")


def test_mandatory_keys_dotted_values_must_come_back_and_may_be_added_to() -> None:
    priced = {**V5_CREATED, "orderTotalPrice": [{"@type": "OrderPrice", "priceType": "recurring"}]}
    keys = ["relatedParty.role", "orderTotalPrice.priceType"]
    assert v5_verdicts("mandatory_keys", v5_context(priced), keys=keys) == ("", "passed")
    dropped = {k: v for k, v in V5_CREATED.items() if k != "relatedParty"}
    assert v5_verdicts("mandatory_keys", v5_context(dropped), keys=keys) == (
        '$.relatedParty[0].role: expected a string "Customer" (as created), seen undefined',
        "passed",
    )
