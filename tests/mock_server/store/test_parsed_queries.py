"""Parsed list queries are kept by raw query string (issue 17): every answer stays the one parsing
again would give. Over real HTTP where a client can see it; the bound and the key directly."""

from __future__ import annotations

from collections.abc import Iterable

from mock_server.store.attributes import attributes_of
from mock_server.store.parsed_queries import ParsedQueries
from tests.support.mock.mock_helpers import BASE_PATH, TIMEOUT_S, Api, assert_error


def ids(api: Api, query: str) -> list[str]:
    response = api.http.get(f"{api.url('productOrder')}?{query}", timeout=TIMEOUT_S)
    assert response.status_code == 200
    return [order["id"] for order in response.json()]


def test_each_query_string_gets_its_own_page_every_time(api: Api) -> None:
    first = api.create_order(relatedParty=[{"id": "p1", "@referredType": "Individual"}])["id"]
    second = api.create_order(relatedParty=[{"id": "p2", "@referredType": "Individual"}])["id"]
    for _ in range(2):  # the second round reads the kept queries
        assert ids(api, "relatedParty.id=p1&limit=10") == [first]
        assert ids(api, "relatedParty.id=p2&limit=10") == [second]
        assert ids(api, "relatedParty.id=p1,p2&limit=1") == [second]
    third = api.create_order(relatedParty=[{"id": "p1", "@referredType": "Individual"}])["id"]
    assert ids(api, "relatedParty.id=p1&limit=10") == [third, first]  # the query is kept, not its page


def test_a_refused_query_is_refused_every_time(api: Api) -> None:
    for _ in range(2):
        assert_error(api.raw("GET", f"{BASE_PATH}/productOrder?limit=ten"), 400, "limit")


class Pairs:
    """The decoded parameters of one query string, counting how often they were asked for (parses)."""

    def __init__(self, *pairs: tuple[str, str]) -> None:
        self.pairs, self.parses = list(pairs), 0

    def __call__(self) -> Iterable[tuple[str, str]]:
        self.parses += 1
        return self.pairs


ORDERS = attributes_of("ProductOrder")


def test_a_query_is_parsed_once_per_string_and_limits() -> None:
    kept, raw, state = (
        ParsedQueries(size=4),
        "state=completed&limit=50",
        Pairs(("state", "completed"), ("limit", "50")),
    )
    assert kept.get(raw, state, 10, 100, ORDERS) is kept.get(raw, state, 10, 100, ORDERS)
    assert state.parses == 1
    assert kept.get(raw, state, 5, 100, ORDERS).limit == 50  # other limits: parsed again
    assert kept.get(raw, state, 10, 3, ORDERS).limit == 3
    assert state.parses == 3


def test_kept_queries_are_bounded() -> None:
    kept = ParsedQueries(size=2, max_chars=20)
    first, second, third = Pairs(("limit", "1")), Pairs(("limit", "2")), Pairs(("limit", "3"))
    for raw, pairs in (("limit=1", first), ("limit=2", second), ("limit=3", third)):
        kept.get(raw, pairs, 10, 100, ORDERS)
    assert kept.get("limit=1", first, 10, 100, ORDERS).limit == 1
    assert (first.parses, second.parses, third.parses) == (2, 1, 1)  # the oldest went first
    long = Pairs(("description", "x" * 30))
    for _ in range(2):
        kept.get(f"description={'x' * 30}", long, 10, 100, ORDERS)
    assert long.parses == 2  # past max_chars: never kept
