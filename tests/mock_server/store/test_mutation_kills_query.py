"""TMF630 list queries as a client sends them: quoted and spaced values, numbers written every way,
booleans, first-level field selection. Over real HTTP, on every store.

Written for `make mutate` (mutation/README.md): survivors the rest of the suite let through.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.mock.mock_helpers import TIMEOUT_S, Api, assert_error

#: 2**53 + 1: the smallest integer a float cannot hold, so it matches only when compared as an integer.
BIG = 9_007_199_254_740_993


def ids(api: Api, query: str) -> set[str]:
    answer = api.http.get(f"{api.url('productOrder')}?{query}", timeout=TIMEOUT_S)
    assert answer.status_code == 200, answer.text
    return {order["id"] for order in answer.json()}


def item(quantity: int, is_bundle: bool) -> list[dict[str, Any]]:
    product = {"isBundle": is_bundle, "@type": "Product"}
    return [{"id": "1", "action": "add", "quantity": quantity, "product": product}]


@pytest.fixture
def orders(api: Api) -> dict[str, str]:
    """Orders by what tells them apart: their externalId (quotes, commas, an empty one) and items."""
    made = {
        "e1": api.create_order(externalId="e1", productOrderItem=item(1, True)),
        "e2": api.create_order(externalId="e2", productOrderItem=item(BIG, False)),
        "b,c": api.create_order(externalId="b,c", description="d1"),
        "'a'b": api.create_order(externalId="'a'b"),
        "": api.create_order(externalId=""),
    }
    return {name: order["id"] for name, order in made.items()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("externalId='e1','e2'", {"e1", "e2"}),  # two quoted values, not one from the first quote to the last
        ("externalId='e1' ,e2", {"e1", "e2"}),  # a space before the comma
        ("externalId=e1, 'b,c'", {"e1", "b,c"}),  # a space before a quoted value with a comma in it
        ("externalId=''", {""}),  # an empty quoted value
        ("externalId='a'b", {"'a'b"}),  # a quote that does not close the value is part of it
    ],
)
def test_quoted_and_spaced_values(api: Api, orders: dict[str, str], query: str, expected: set[str]) -> None:
    assert ids(api, query) == {orders[name] for name in expected}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1e0", {"e1"}), ("1E0", {"e1"}), ("1.0", {"e1"}), (str(BIG), {"e2"})],
)
def test_numbers_match_however_they_are_written(
    api: Api, orders: dict[str, str], value: str, expected: set[str]
) -> None:
    assert ids(api, f"productOrderItem.quantity={value}") == {orders[name] for name in expected}


def test_booleans_match_true_and_false(api: Api, orders: dict[str, str]) -> None:
    assert ids(api, "productOrderItem.product.isBundle=true") == {orders["e1"]}
    assert ids(api, "productOrderItem.product.isBundle=false") == {orders["e2"]}


def test_an_unindexed_filter_with_an_indexed_one_selects_by_both(api: Api, orders: dict[str, str]) -> None:
    assert ids(api, "description=d1") == {orders["b,c"]}
    assert ids(api, "description=d1&externalId=b,e1") == set()


def test_fields_select_first_level_attributes_by_comma_and_by_dotted_name(
    api: Api, orders: dict[str, str]
) -> None:
    answer = api.http.get(
        f"{api.url('productOrder')}?externalId=e1&fields=externalId,productOrderItem.quantity"
    )
    [shown] = answer.json()
    assert set(shown) == {"id", "href", "externalId", "productOrderItem"}
    assert shown["productOrderItem"][0]["quantity"] == 1


#: `requestedStartDate` of the orders below, and forms of it a client may send.
START = "2026-11-27T10:00:00.111111Z"
#: 64 characters, the longest value read as an instant (more decimals than a microsecond are dropped).
START_64 = "2026-11-27T10:00:00.111111" + "1" * 37 + "Z"


@pytest.fixture
def dated(api: Api) -> dict[str, str]:
    made = {
        "start": api.create_order(requestedStartDate=START, gt="x"),
        "basic": api.create_order(externalId="20261127"),
    }
    return {name: order["id"] for name, order in made.items()}


def test_instants_are_read_up_to_64_characters_and_with_a_decoded_plus(
    api: Api, dated: dict[str, str]
) -> None:
    assert len(START_64) == 64
    assert ids(api, f"requestedStartDate={START_64}") == {dated["start"]}
    # `+01:00` sent unencoded arrives as ` 01:00`: still the same instant.
    assert ids(api, "requestedStartDate=2026-11-27T11:00:00.111111+01:00") == {dated["start"]}
    too_long = START_64.replace("Z", "1Z")
    answer = api.http.get(f"{api.url('productOrder')}?requestedStartDate={too_long}", timeout=TIMEOUT_S)
    assert_error(answer, 400, "requestedStartDate", "date-time")


def test_only_an_extended_date_is_an_instant(api: Api, dated: dict[str, str]) -> None:
    """`20261127` is a string (the basic ISO form is not TMF's date-time): no dashed date equals it."""
    assert ids(api, "externalId=2026-11-27") == set()
    assert ids(api, "externalId=20261127") == {dated["basic"]}


def test_an_attribute_named_like_an_operator_is_filtered_by_equality(api: Api, dated: dict[str, str]) -> None:
    assert ids(api, "gt=x") == {dated["start"]}


def test_an_operator_after_a_dotted_path_compares_at_that_path(api: Api, orders: dict[str, str]) -> None:
    assert ids(api, "productOrderItem.quantity.gte=2") == {orders["e2"]}
    assert ids(api, "productOrderItem.quantity.lt=2") == {orders["e1"]}


@pytest.mark.parametrize("name", ["limit", "offset", "sort", "fields"])
def test_a_reserved_parameter_given_twice_is_400(api: Api, name: str) -> None:
    value = "id" if name in {"sort", "fields"} else "1"
    answer = api.http.get(f"{api.url('productOrder')}?{name}={value}&{name}={value}", timeout=TIMEOUT_S)
    assert_error(answer, 400, f"Query parameter {name} is given 2 times; give it once")


def test_a_bad_limit_is_400_naming_it(api: Api) -> None:
    answer = api.http.get(f"{api.url('productOrder')}?limit=ten", timeout=TIMEOUT_S)
    assert_error(answer, 400, "Query parameter limit='ten' must be a non-negative integer")


def test_a_symbolic_comparison_on_a_dotted_path(api: Api, orders: dict[str, str]) -> None:
    assert ids(api, "productOrderItem.quantity>=2") == {orders["e2"]}
    assert ids(api, "productOrderItem.quantity<2") == {orders["e1"]}


def test_a_symbolic_comparison_keeps_an_equals_sign_of_its_value(api: Api) -> None:
    """`externalId>e1=a` arrives split at its first `=`: name `externalId>e1`, value `a`."""
    made = {name: api.create_order(externalId=name)["id"] for name in ("e1", "e1=", "e1=b")}
    assert ids(api, "externalId>e1=a") == {made["e1=b"]}
