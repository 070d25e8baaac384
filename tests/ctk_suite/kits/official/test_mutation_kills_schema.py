"""`schema_valid` on answers its tests did not try, judged by the rendered message of each verdict.

Written for `make mutate` (scripts/mutation/README.md): each test fails when a rule of
kits/official/checks/schema.py is broken.
"""

from __future__ import annotations

import json
from typing import Any

from ctk_suite.core.failures import render_all
from ctk_suite.http.exchange import Exchange
from ctk_suite.kits.official.checks.catalogue import get_check, validate_assertion
from ctk_suite.kits.official.checks.kinds import CheckContext
from ctk_suite.kits.official.scenario import AssertionSpec
from ctk_suite.kits.official.variables import Variables

ORDER = {
    "id": "42",
    "href": "http://h/productOrder/42",
    "orderDate": "2026-11-27T10:00:00Z",
    "state": "acknowledged",
    "productOrderItem": [{"id": "1", "action": "add"}],
    "relatedParty": [{"id": "p", "@referredType": "Individual"}],
}
BAD = {**ORDER, "productOrderItem": [{"id": "1", "action": "explode"}]}
#: Far deeper than Python's stack lets jsonschema follow (about 100 levels of items), yet valid JSON.
DEPTH = 400


def rendered(body: Any, **params: Any) -> tuple[str, str]:
    """(strict, official) verdicts of `schema_valid` on `body`: '' when passed, else the rendered failures."""
    exchange = Exchange("GET", "http://h/productOrder", {}, None, 200, {}, json.dumps(body).encode(), 5.0)
    ctx = CheckContext(exchange, body, Variables())
    spec = AssertionSpec("schema_valid", "an assertion", params)
    validate_assertion(spec)
    check = get_check("schema_valid")
    assert check.official is not None
    official = check.official(ctx, spec)
    return render_all(check.run(ctx, spec)), "" if official is None else render_all(official)


def nested_items(depth: int) -> dict[str, Any]:
    """A valid v4 order whose item holds an item holding an item ... `depth` times (TMF622 allows it)."""
    item: dict[str, Any] = {"id": "1", "action": "add"}
    for _ in range(depth):
        item = {"id": "1", "action": "add", "productOrderItem": [item]}
    return {**ORDER, "productOrderItem": [item]}


def test_an_invalid_first_instance_is_reported_when_a_valid_one_follows() -> None:
    strict, official = rendered([BAD, ORDER], schema="ProductOrder", officialValidation={})
    for message in (strict, official):
        assert message.startswith("$[0].productOrderItem[0].action: expected valid ProductOrder (enum)")


def test_the_official_verdict_without_a_version_judges_against_the_v4_schemas() -> None:
    """`version` defaults to "4" for both verdicts: the v4 kit's assertions name none."""
    assert rendered(ORDER, schema="ProductOrder", officialValidation={}) == ("", "")
    strict, official = rendered(BAD, schema="ProductOrder", officialValidation={})
    assert official == strict
    assert official.startswith("$.productOrderItem[0].action: expected valid ProductOrder (enum), seen ")


def test_an_order_nested_past_the_validators_reach_fails_as_unverified() -> None:
    expected = "$[0]: expected valid ProductOrder, seen nesting too deep to validate"
    assert rendered([nested_items(DEPTH)], schema="ProductOrder") == (expected, "")
    deep = [nested_items(DEPTH)]
    assert rendered(deep, schema="ProductOrder", officialValidation={}) == (expected, expected)
