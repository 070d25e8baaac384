"""List queries that cannot mean anything get a 400 naming the parameter, never a silent empty 200;
a client that accepts no JSON gets 406. Over real HTTP, on both stores (the `api` fixture).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.mock.mock_helpers import BASE_PATH, Api, assert_error

ORDER_DATE = "2026-11-27T10:00:00Z"


@pytest.fixture
def order(api: Api) -> dict[str, Any]:
    return api.create_order(relatedParty=[{"id": "p1", "@referredType": "Individual"}])


@pytest.mark.parametrize(
    ("query", "fragments"),
    [
        ("orderDate.gt=yesterday", ["orderDate.gt", "'yesterday'", "date-time"]),
        ("orderDate=yesterday", ["orderDate", "date-time"]),
        ("orderDate.gte=2026-11-27T10:00:00Z,soon", ["orderDate.gte", "'soon'"]),
        ("orderDate%3E=yesterday", ["orderDate", "'yesterday'"]),  # orderDate>=yesterday
        ("cancellationDate.lt=", ["cancellationDate.lt", "date-time"]),
        ("orderDate.after=" + ORDER_DATE, ["orderDate.after", "'after'", "gte"]),
        ("state.like=ack", ["state.like", "'like'"]),
        ("id.eq.gt=1", ["id.eq.gt", "'eq'"]),
        ("state!=acknowledged", ["'state!'", "operator"]),
        ("state%3C%3Eacknowledged", ["'state<>acknowledged'", "operator"]),
        ("relatedParty=p1", ["relatedParty", "object or array", "relatedParty.id"]),
        ("productOrderItem.gt=1", ["productOrderItem", "object or array"]),
        ("sort=bogus", ["sort", "'bogus'", "orderDate"]),
        ("sort=-orderDate,__proto__", ["sort", "'__proto__'"]),
        ("sort=orderDate.year", ["sort", "orderDate", "'year'"]),
        ("limit=%EF%BC%91", ["limit", "'１'"]),  # FULLWIDTH DIGIT ONE # noqa: RUF001
        ("offset=%D9%A1", ["offset"]),  # ARABIC-INDIC DIGIT ONE
        ("limit=1%0A", ["limit"]),  # a trailing newline is not a digit either
    ],
)
def test_meaningless_query_is_refused_naming_the_parameter(
    api: Api, order: dict[str, Any], query: str, fragments: list[str]
) -> None:
    assert_error(api.raw("GET", f"{BASE_PATH}/productOrder?{query}"), 400, *fragments)


@pytest.mark.parametrize(
    "query",
    [
        "orderDate.gt=2026-11-26",
        "orderDate='2026-11-27T10:00:00.000Z'",
        "relatedParty.id=p1",
        "relatedParty.role=customer",  # a composite attribute's attributes are not checked
        "extension=1",  # TMF resources are extended: an unknown attribute is no error
        "sort=-orderDate,relatedParty.id",
        "limit=1&offset=0",
    ],
)
def test_meaningful_queries_still_answer_200(api: Api, order: dict[str, Any], query: str) -> None:
    response = api.http.get(f"{api.url('productOrder')}?{query}")
    assert response.status_code == 200, response.text


def test_cancel_product_order_checks_its_own_attributes(api: Api) -> None:
    assert_error(api.http.get(api.url("cancelProductOrder"), params={"sort": "orderDate"}), 400, "orderDate")
    both = {"sort": "-requestedCancellationDate", "effectiveCancellationDate.gt": "2026-01-01"}
    assert api.http.get(api.url("cancelProductOrder"), params=both).status_code == 200
    dated = api.http.get(api.url("cancelProductOrder"), params={"requestedCancellationDate.lt": "tomorrow"})
    assert_error(dated, 400, "requestedCancellationDate.lt")


@pytest.mark.parametrize(
    "accept",
    ["application/xml", "text/html", "text/*", "application/json;q=0", "text/html, application/json; q=0"],
)
@pytest.mark.parametrize("path", ["productOrder", "cancelProductOrder", "hub/x", "health"])
def test_accept_without_json_gets_406(api: Api, order: dict[str, Any], accept: str, path: str) -> None:
    before = api.count()
    assert_error(api.http.get(api.url(path), headers={"Accept": accept}), 406, "application/json")
    assert api.count() == before


def test_406_comes_before_the_request_is_acted_on(api: Api) -> None:
    body = {"productOrderItem": [{"id": "1", "action": "add"}]}
    response = api.http.post(api.url("productOrder"), json=body, headers={"Accept": "application/xml"})
    assert_error(response, 406)
    assert api.count() == 0


@pytest.mark.parametrize(
    "accept",
    [
        "application/json",
        "application/json;charset=utf-8",
        "Application/JSON",
        "*/*",
        "application/*",
        "text/html, application/json;q=0.1",
        "application/xml, */*;q=0.5",
        "",
        "not a media range",
    ],
)
def test_accept_with_json_is_served(api: Api, order: dict[str, Any], accept: str) -> None:
    response = api.http.get(api.url(f"productOrder/{order['id']}"), headers={"Accept": accept})
    assert response.status_code == 200, response.text
