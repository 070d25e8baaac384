"""The v5 kit's "Each attribute Test" on answers its tests did not read closely: the reason a user reads for
each verdict, over loopback against the v5 fake, or rendered by the check for a created order's shape the
kit's requests cannot make.

Written for `make mutate` (scripts/mutation/README.md): each test fails when a rule of
kits/official/checks/v5.py is broken.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ctk_suite.core.failures import NotRun, render_all
from ctk_suite.http.exchange import Exchange
from ctk_suite.kits.official.checks.catalogue import get_check, validate_assertion
from ctk_suite.kits.official.checks.kinds import CheckContext
from ctk_suite.kits.official.scenario import AssertionSpec, Scenario, load_scenario
from ctk_suite.kits.official.variables import Variables
from tests.support.ctk_helpers import run_ctk
from tests.support.fakes.v5 import serving
from tmf622_scenarios import scenario_path

ATTRS = "Each attribute Test"
#: Indexes of the kit's requests (`scenarios/ctk-5.0.0.yaml`): GET by id, with and without `?fields=`.
BY_ID = [2, 3, 6, 9, 11]
#: The lists that need not hold the created order, and the two filtered lists that must.
LISTED_IF_PAGED, MUST_LIST = [1, 4, 7, 10, 12], [8, 13]


@pytest.fixture(scope="module")
def kit() -> Scenario:
    return load_scenario(scenario_path("ctk-5.0.0.yaml"))


def attribute_tests(kit: Scenario, *faults: str) -> dict[int, tuple[str, str]]:
    """(strict reason or "passed", official verdict) of each request's "Each attribute Test", by index."""
    with serving(*faults) as (url, _):
        run = run_ctk(kit, url)
    return {
        index: (a.reason or a.verdict.value, a.official_verdict.value)
        for index, result in enumerate(run.results)
        for a in result.assertions
        if a.name == ATTRS
    }


def test_a_null_among_the_listed_orders_is_named_where_it_is(kit: Scenario) -> None:
    found = attribute_tests(kit, "list_null_element")
    # The fake appends null after the orders: the seeded one and the created one on the plain lists.
    for index in LISTED_IF_PAGED:
        assert found[index] == ("$[1]: expected an order (a JSON object), seen null", "failed"), index


def test_another_order_read_by_id_is_named_by_its_id(kit: Scenario) -> None:
    found = attribute_tests(kit, "retrieve_other_order")
    for index in BY_ID:
        assert found[index] == (
            '$: expected the created order (id order-2), seen id a string "order-1"',
            "failed",
        ), index


def test_a_null_read_by_id_is_shown_as_null(kit: Scenario) -> None:
    found = attribute_tests(kit, "retrieve_null")
    for index in BY_ID:
        assert found[index] == ("$: expected the created order (id order-2), seen null", "failed"), index


def test_an_empty_list_that_must_hold_the_created_order_says_it_is_empty(kit: Scenario) -> None:
    found = attribute_tests(kit, "list_empty")
    expected = "$: expected the created order (id order-2), seen ids (empty array)"
    for index in MUST_LIST:
        assert found[index] == (expected, "passed")  # officially no element to compare: passed


CREATED = {
    "id": "7",
    "@type": "ProductOrder",
    "productOrderItem": [
        {"id": "1", "itemPrice": [{"@type": "OrderPrice", "priceType": "recurring"}]},
        {"id": "2", "itemPrice": [{"@type": "OrderPrice", "priceType": "oneTime"}]},
    ],
}


def verdicts(body: Any, created: dict[str, Any] = CREATED, **params: Any) -> tuple[str, str]:
    """(strict: the rendered failures or "passed" / "not run: ...", official: passed or failed) of
    `mandatory_keys` on a GET answered `body`, after a POST answered `created`."""
    exchange = Exchange("GET", "http://h/productOrder", {}, None, 200, {}, json.dumps(body).encode(), 5.0)
    variables = Variables()
    for name, value in created.items():
        variables.keep(name, value)
    ctx = CheckContext(exchange, body, variables, empty_array_empty=True)
    spec = AssertionSpec("mandatory_keys", ATTRS, {"keyVariable": "id", **params})
    validate_assertion(spec)
    check = get_check("mandatory_keys")
    strict = check.run(ctx, spec)
    assert check.official is not None
    official = check.official(ctx, spec)
    shown = f"not run: {strict.reason}" if isinstance(strict, NotRun) else render_all(strict) or "passed"
    return shown, "failed" if official and not isinstance(official, NotRun) else "passed"


def test_a_list_without_the_created_order_names_every_id_it_holds() -> None:
    others = [{**CREATED, "id": "8"}, {**CREATED, "id": "9"}]
    assert verdicts(others, keys=["id"]) == (
        '$: expected the created order (id 7), seen ids a string "8", a string "9"',
        "passed",
    )


def test_a_dotted_key_is_compared_in_every_item_not_only_the_last() -> None:
    changed = json.loads(json.dumps(CREATED))
    changed["productOrderItem"][0]["itemPrice"][0]["priceType"] = "oneTime"
    assert verdicts(changed, keys=["productOrderItem.itemPrice.priceType"]) == (
        '$.productOrderItem[0].itemPrice[0].priceType: expected a string "recurring" (as created), '
        'seen a string "oneTime"',
        "passed",  # officially `body["productOrderItem.itemPrice.priceType"]` is undefined, as created
    )


def test_an_answer_that_is_no_order_is_described_as_it_is() -> None:
    assert verdicts(42, keys=["id"]) == ("$: expected the created order (id 7), seen a number 42", "failed")


def test_a_listed_value_that_is_no_order_is_described_as_it_is() -> None:
    """Officially `5 .id` is undefined, not the created id: that element is skipped, no error."""
    assert verdicts([CREATED, 5], keys=["id"]) == (
        "$[1]: expected an order (a JSON object), seen a number 5",
        "passed",
    )


def test_a_dotted_value_created_null_must_come_back() -> None:
    """Absent is not null: as for a flat key (officially `expect(undefined).to.equal(null)` fails)."""
    items = [{"id": "1", "itemPrice": [{"@type": "OrderPrice", "priceType": None}]}]
    dropped = {**CREATED, "productOrderItem": [{"id": "1", "itemPrice": [{"@type": "OrderPrice"}]}]}
    created_null = {**CREATED, "productOrderItem": items}
    assert verdicts(dropped, keys=["productOrderItem.itemPrice.priceType"], created=created_null) == (
        "$.productOrderItem[0].itemPrice[0].priceType: expected null (as created), seen undefined",
        "passed",
    )


def test_a_list_request_answered_with_one_object_says_a_list_was_expected() -> None:
    assert verdicts(CREATED, keys=["id"], answers="array")[0] == (
        "$: expected a list of orders (a JSON array), seen an object with keys id, @type, productOrderItem"
    )


def test_a_created_order_without_an_id_is_a_precondition_not_met_naming_it() -> None:
    """No id came back from the POST: nothing can be compared, and summary.json says why, as a
    precondition (its `kind`), not as a wrong answer."""
    variables = Variables()
    variables.unavailable("id", "the create answered HTTP 500")
    exchange = Exchange("GET", "http://h/productOrder/7", {}, None, 200, {}, b"{}", 5.0)
    spec = AssertionSpec("mandatory_keys", ATTRS, {"keyVariable": "id", "keys": ["id"]})
    found = get_check("mandatory_keys").run(CheckContext(exchange, {}, variables), spec)
    assert not isinstance(found, NotRun)
    [failure] = found
    assert (failure.kind.value, render_all(found)) == (
        "precondition-not-met",
        "id unavailable: the create answered HTTP 500",
    )


def test_a_created_id_that_is_a_number_is_found_as_a_number() -> None:
    """The POST answered `"id": 7`: the order read back with `"id": 7` is the created one."""
    numbered = {**CREATED, "id": 7}
    assert verdicts(numbered, created=numbered, keys=["id", "@type"]) == ("passed", "passed")


def test_a_created_id_captured_as_text_finds_the_order() -> None:
    """A kit's `captures:` records the id as text only (no JSON value kept): the order is found by it
    (no key to compare here: a key compares kept values, and none was kept)."""
    variables = Variables()
    variables.set("id", "7")
    exchange = Exchange(
        "GET", "http://h/productOrder/7", {}, None, 200, {}, json.dumps(CREATED).encode(), 5.0
    )
    spec = AssertionSpec("mandatory_keys", ATTRS, {"keyVariable": "id", "keys": []})
    found = get_check("mandatory_keys").run(CheckContext(exchange, CREATED, variables), spec)
    assert found == ()
