"""Unit tests of the query rules both stores share: parsing, the predicate, sorting, fields."""

from __future__ import annotations

import pytest

from mock_server.http.errors import ApiError
from mock_server.store.query import (
    Condition,
    SortKey,
    matches,
    parse_instant,
    parse_query,
    select_fields,
    sort_resources,
    split_values,
)

ORDER = {
    "id": "o1",
    "href": "h",
    "orderDate": "2026-11-27T10:00:00.123Z",
    "quantity": 3,
    "flag": True,
    "relatedParty": [{"id": "a"}, {"id": "b"}],
    "productOrderItem": [{"productOffering": {"id": "off"}}, {"productOffering": None}],
}


@pytest.mark.parametrize(
    ("raw", "values"),
    [
        ("a", ("a",)),
        ("a,b", ("a", "b")),
        ("'a,b',\"c\"", ("a,b", "c")),
        ("'x'", ("x",)),
        ("O'Brien", ("O'Brien",)),
        (" a , b ", ("a", "b")),
        ("'unclosed", ("'unclosed",)),
        ("", ("",)),
    ],
)
def test_split_values(raw: str, values: tuple[str, ...]) -> None:
    assert split_values(raw) == values


def test_instants_ignore_precision_and_offset() -> None:
    expected = parse_instant("2026-11-27T10:00:00Z")
    assert expected is not None
    assert parse_instant("2026-11-27T10:00:00.000Z") == expected
    assert parse_instant("2026-11-27T11:00:00+01:00") == expected
    assert parse_instant("2026-11-27T10:00:00") == expected
    assert parse_instant("not a date") is None
    assert parse_instant("2026-13-45T00:00:00Z") is None


@pytest.mark.parametrize(
    ("name", "op", "values", "expected"),
    [
        (("id",), "eq", ("o1",), True),
        (("id",), "eq", ("o2", "o1"), True),
        (("id",), "eq", ("o2",), False),
        (("orderDate",), "eq", ("2026-11-27T10:00:00.123000+00:00",), True),
        (("orderDate",), "gt", ("2026-11-27T10:00:00Z",), True),
        (("orderDate",), "lt", ("2026-11-27T10:00:00Z",), False),
        (("quantity",), "eq", ("3",), True),
        (("quantity",), "eq", ("3.0",), True),
        (("quantity",), "gte", ("4",), False),
        (("flag",), "eq", ("true",), True),
        (("relatedParty", "id"), "eq", ("b",), True),
        (("productOrderItem", "productOffering", "id"), "eq", ("off",), True),
        (("relatedParty",), "eq", ("a",), False),  # an array of objects is not a scalar
        (("missing",), "eq", ("",), False),
    ],
)
def test_predicate(name: tuple[str, ...], op: str, values: tuple[str, ...], expected: bool) -> None:
    assert matches(ORDER, Condition(name, op, values)) is expected  # type: ignore[arg-type]


def test_parse_query_separates_reserved_parameters() -> None:
    query = parse_query(
        [("fields", "state"), ("orderDate.gte", "'2026-01-01'"), ("sort", "-orderDate"), ("limit", "5")],
        100,
        10,
    )
    assert query.fields == frozenset({"state"})
    assert query.conditions == (Condition(("orderDate",), "gte", ("2026-01-01",)),)
    assert query.sort == (SortKey(("orderDate",), descending=True),)
    assert (query.offset, query.limit) == (0, 5)
    assert parse_query([("limit", "50")], 100, 10).limit == 10
    assert parse_query([], 100, 10).limit == 100


def test_parse_query_refuses_bad_numbers() -> None:
    with pytest.raises(ApiError) as caught:
        parse_query([("offset", "-3")], 100, 100)
    assert caught.value.status == 400
    assert "offset='-3'" in caught.value.message


def test_sort_is_stable_and_puts_missing_last() -> None:
    rows = [{"n": 2, "i": 0}, {"i": 1}, {"n": 1, "i": 2}, {"n": 2, "i": 3}]
    assert [r["i"] for r in sort_resources(rows, [SortKey(("n",))])] == [2, 0, 3, 1]
    assert [r["i"] for r in sort_resources(rows, [SortKey(("n",), descending=True)])] == [0, 3, 2, 1]


def test_select_fields_keeps_id_and_href() -> None:
    assert select_fields(ORDER, frozenset({"quantity", "bogus"})) == {"id": "o1", "href": "h", "quantity": 3}
    assert select_fields(ORDER, None) is ORDER
