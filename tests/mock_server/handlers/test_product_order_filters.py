"""TMF630 filtering and sorting of GET /productOrder over real HTTP (X-Total-Count after filtering)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.mock.mock_helpers import Api

# StepClock: the n-th order created is dated 2026-11-27T10:00:0n.000Z.
PARTY = "@referredType"


def ids(api: Api, query: str) -> list[str]:
    response = api.http.get(f"{api.url('productOrder')}?{query}")
    assert response.status_code == 200, response.text
    orders = response.json()
    assert response.headers["X-Total-Count"] == str(len(orders))
    return [order["externalId"] for order in orders]


@pytest.fixture
def orders(api: Api) -> list[dict[str, Any]]:
    """Three orders: e0 (10:00:00, party a), e1 (10:00:01, parties a and b), e2 (10:00:02, party c)."""
    parties = [["a"], ["a", "b"], ["c"]]
    offerings = ["off-1", "off-2", "off-1"]
    return [
        api.create_order(
            externalId=f"e{n}",
            priority=str(n),
            relatedParty=[{"id": p, PARTY: "Individual"} for p in parties[n]],
            productOrderItem=[{"id": "1", "action": "add", "productOffering": {"id": offerings[n]}}],
        )
        for n in range(3)
    ]


def test_filter_by_id_like_the_ctk(api: Api, orders: list[dict[str, Any]]) -> None:
    assert ids(api, f"id={orders[1]['id']}") == ["e1"]


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-27T10:00:01.000Z",
        "'2026-11-27T10:00:01.000Z'",  # the original CTK quotes the date
        '"2026-11-27T10:00:01.000Z"',
        "2026-11-27T10:00:01Z",  # same instant without milliseconds
        "2026-11-27T11:00:01%2B01:00",  # same instant in another offset
        "2026-11-27T11:00:01+01:00",  # unencoded '+' arrives as a space
    ],
)
def test_filter_by_order_date_compares_instants(api: Api, orders: list[dict[str, Any]], value: str) -> None:
    assert ids(api, f"orderDate={value}") == ["e1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("orderDate.gt=2026-11-27T10:00:00Z", ["e2", "e1"]),
        ("orderDate.gte=2026-11-27T10:00:01Z", ["e2", "e1"]),
        ("orderDate.lt=2026-11-27T10:00:01Z", ["e0"]),
        ("orderDate.lte=2026-11-27T10:00:01.000Z", ["e1", "e0"]),
        ("orderDate.gte=2026-11-27T10:00:00Z&orderDate.lt=2026-11-27T10:00:02Z", ["e1", "e0"]),
        ("orderDate.gt=2026-11-28", []),
        ("priority.gte=1", ["e2", "e1"]),
        ("priority.lt=1", ["e0"]),
    ],
)
def test_comparison_operators(
    api: Api, orders: list[dict[str, Any]], query: str, expected: list[str]
) -> None:
    assert ids(api, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("orderDate%3E=2026-11-27T10:00:01Z", ["e2", "e1"]),  # orderDate>=...
        ("orderDate%3E2026-11-27T10:00:01Z", ["e2"]),  # orderDate>...
        ("orderDate%3C=2026-11-27T10:00:01Z", ["e1", "e0"]),  # orderDate<=...
        ("orderDate%3C2026-11-27T10:00:01Z", ["e0"]),  # orderDate<...
        ("orderDate>=2026-11-27T10:00:01Z&orderDate<2026-11-27T10:00:02Z", ["e1"]),  # unencoded
        ("priority>=1", ["e2", "e1"]),
    ],
)
def test_tmf630_symbolic_comparisons(
    api: Api, orders: list[dict[str, Any]], query: str, expected: list[str]
) -> None:
    """TMF630 writes comparisons `attr>=value` too: the same answers as `attr.gte=value`."""
    assert ids(api, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=acknowledged", ["e2", "e1", "e0"]),
        ("state=completed", []),
        ("externalId=e0,e2", ["e2", "e0"]),
        ("externalId='e0','e2'", ["e2", "e0"]),
        ("relatedParty.id=a", ["e1", "e0"]),
        ("relatedParty.id=b,c", ["e2", "e1"]),
        ("relatedParty.id=a&externalId=e1", ["e1"]),
        ("relatedParty.id=a&relatedParty.id=b", ["e1"]),
        ("productOrderItem.productOffering.id=off-1", ["e2", "e0"]),
        ("productOrderItem.productOffering.id=off-1&relatedParty.id=c", ["e2"]),
        ("noSuchAttribute=1", []),
        ("relatedParty.nope=a", []),
        ("externalId=", []),
    ],
)
def test_equality_filters(api: Api, orders: list[dict[str, Any]], query: str, expected: list[str]) -> None:
    assert ids(api, query) == expected


def test_total_count_is_after_filtering_not_after_paging(api: Api, orders: list[dict[str, Any]]) -> None:
    response = api.http.get(api.url("productOrder"), params={"relatedParty.id": "a", "limit": "1"})
    assert [order["externalId"] for order in response.json()] == ["e1"]
    assert response.headers["X-Total-Count"] == "2"
    assert response.headers["X-Result-Count"] == "1"


def test_filters_combine_with_fields(api: Api, orders: list[dict[str, Any]]) -> None:
    response = api.http.get(api.url("productOrder"), params={"externalId": "e0", "fields": "state"})
    assert response.json() == [{"id": orders[0]["id"], "href": orders[0]["href"], "state": "acknowledged"}]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("orderDate", ["e0", "e1", "e2"]),
        ("-orderDate", ["e2", "e1", "e0"]),
        ("+orderDate", ["e0", "e1", "e2"]),
        ("-externalId", ["e2", "e1", "e0"]),
        ("relatedParty.id,-orderDate", ["e1", "e0", "e2"]),
        ("description", ["e2", "e1", "e0"]),  # nobody has one: creation order (newest first) stays
    ],
)
def test_sort(api: Api, orders: list[dict[str, Any]], sort: str, expected: list[str]) -> None:
    assert ids(api, f"sort={sort.replace('+', '%2B')}") == expected


def test_sort_puts_missing_values_last_both_ways(api: Api) -> None:
    api.create_order(externalId="x", description="b")
    api.create_order(externalId="y")
    api.create_order(externalId="z", description="a")
    assert ids(api, "sort=description") == ["z", "x", "y"]
    assert ids(api, "sort=-description") == ["x", "z", "y"]
