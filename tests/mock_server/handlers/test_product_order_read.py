"""GET /productOrder/{id} and the unfiltered list over real HTTP: fields, 404s, opaque ids, paging."""

from __future__ import annotations

import pytest

from tests.support.mock.mock_helpers import Api, assert_error

PATH = "/tmf-api/productOrderingManagement/v4/productOrder"


def test_retrieve_returns_the_stored_order(api: Api) -> None:
    order = api.create_order(externalId="ext-1")
    response = api.http.get(order["href"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    assert response.json() == order


def test_retrieve_with_fields_keeps_id_and_href(api: Api) -> None:
    order = api.create_order(externalId="ext-1", description="d")
    response = api.http.get(order["href"], params={"fields": "externalId,state,noSuchField"})
    assert response.json() == {
        "id": order["id"],
        "href": order["href"],
        "externalId": "ext-1",
        "state": "acknowledged",
    }


def test_retrieve_unknown_id_is_404_naming_it(api: Api) -> None:
    api.create_order()
    response = api.http.get(api.url("productOrder/f42b01d2-dba6-4442-a0fa-34e59639fd15"))
    assert_error(response, 404, "f42b01d2-dba6-4442-a0fa-34e59639fd15")


@pytest.mark.parametrize(
    "suffix",
    [
        "..",
        "%2e%2e",
        "..%2F..%2Fetc%2Fpasswd",
        "a%2Fb",
        "a%00b",
        "%ZZ",
        "x" * 300,
        "%F0%9F%92%A5",
        "'",
        "../x",
    ],
)
@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_odd_ids_are_not_found_never_500(api: Api, suffix: str, method: str) -> None:
    api.create_order()
    headers = {"Content-Type": "application/merge-patch+json"}
    response = api.raw(method, f"{PATH}/{suffix}", b'{"description": "x"}', headers)
    assert_error(response, 404)
    assert api.count() == 1


def test_list_returns_every_order_newest_first_with_counts(api: Api) -> None:
    created = [api.create_order(externalId=str(n)) for n in range(3)]
    response = api.http.get(api.url("productOrder"))
    assert response.status_code == 200
    assert response.headers["X-Total-Count"] == "3"
    assert response.headers["X-Result-Count"] == "3"
    assert response.json() == created[::-1]


def test_empty_list_is_an_empty_array(api: Api) -> None:
    response = api.http.get(api.url("productOrder"))
    assert response.status_code == 200
    assert response.json() == []
    assert response.headers["X-Total-Count"] == "0"


def test_offset_and_limit_page_through_newest_first(api: Api) -> None:
    ids = [api.create_order()["id"] for _ in range(5)][::-1]
    response = api.http.get(api.url("productOrder"), params={"offset": "1", "limit": "2"})
    assert response.status_code == 200
    assert [order["id"] for order in response.json()] == ids[1:3]
    assert response.headers["X-Total-Count"] == "5"
    assert response.headers["X-Result-Count"] == "2"
    beyond = api.http.get(api.url("productOrder"), params={"offset": "10"})
    assert beyond.json() == []
    assert beyond.headers["X-Total-Count"] == "5"
    assert beyond.headers["X-Result-Count"] == "0"


def test_default_page_and_limit_are_bounded_by_settings(make_api) -> None:
    api = make_api(default_limit=2, max_limit=3)
    for _ in range(4):
        api.create_order()
    default = api.http.get(api.url("productOrder"))
    assert (default.status_code, len(default.json()), default.headers["X-Total-Count"]) == (200, 2, "4")
    clamped = api.http.get(api.url("productOrder"), params={"limit": "50"})
    assert (clamped.status_code, len(clamped.json())) == (200, 3)


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("offset=-1", "offset='-1'"),
        ("limit=ten", "limit='ten'"),
        ("limit=1.5", "limit='1.5'"),
        ("offset=", "offset=''"),
        ("limit=1&limit=2", "limit is given 2 times"),
        ("limit=99999999999", "limit='99999999999'"),
    ],
)
def test_bad_paging_parameters_are_400(api: Api, query: str, fragment: str) -> None:
    assert_error(api.http.get(f"{api.url('productOrder')}?{query}"), 400, fragment)


@pytest.mark.parametrize(("fields", "kept"), [("href", set()), ("id", set()), ("orderDate", {"orderDate"})])
def test_list_with_fields_like_the_ctk(api: Api, fields: str, kept: set[str]) -> None:
    api.create_order(externalId="e")
    orders = api.http.get(api.url("productOrder"), params={"fields": fields}).json()
    assert len(orders) == 1
    assert set(orders[0]) == {"id", "href"} | kept


def test_list_fields_selects_first_level_of_dotted_names(api: Api) -> None:
    api.create_order(relatedParty=[{"id": "p", "@referredType": "Individual"}])
    orders = api.http.get(api.url("productOrder"), params={"fields": "relatedParty.id, bogus"}).json()
    assert set(orders[0]) == {"id", "href", "relatedParty"}
