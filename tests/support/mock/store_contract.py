"""Behaviour every durable store shares with MemoryStore: collected by test_store_sqlite.py and
test_store_postgres.py, each giving `sqlite_store` its own store under test."""

from __future__ import annotations

import random
from typing import Any

import pytest

from mock_server.store.base import DuplicateIdError, Store, read
from mock_server.store.memory import MemoryStore
from mock_server.store.query import Condition, SortKey, parse_condition
from mock_server.store.sqlite import SqliteStore
from tests.support.mock.mock_helpers import listed
from tests.support.mock.store_data import N, order


async def test_crud_copies_and_duplicates(sqlite_store: SqliteStore) -> None:
    document = {"id": "a", "state": "acknowledged"}
    await sqlite_store.add("productOrder", document)
    document["state"] = "mutated by the caller"
    fetched = await read(sqlite_store, "productOrder", "a")
    assert fetched == {"id": "a", "state": "acknowledged"}
    with pytest.raises(DuplicateIdError, match="'a' already exists"):
        await sqlite_store.add("productOrder", {"id": "a"})
    assert await read(sqlite_store, "cancelProductOrder", "a") is None
    await sqlite_store.add(
        "cancelProductOrder", {"id": "a", "productOrder": {"id": "a"}}
    )  # ids are per collection
    assert await sqlite_store.replace("productOrder", {"id": "a", "state": "held"})
    assert not await sqlite_store.replace("productOrder", {"id": "zz"})
    assert await listed(sqlite_store, "productOrder", [parse_condition("state", "held")], [], 0, 10) == (
        [{"id": "a", "state": "held"}],
        1,
    )
    assert await listed(
        sqlite_store, "productOrder", [parse_condition("state", "acknowledged")], [], 0, 10
    ) == (
        [],
        0,
    )
    assert await sqlite_store.delete("productOrder", "a")
    assert not await sqlite_store.delete("productOrder", "a")
    assert await listed(sqlite_store, "productOrder", [parse_condition("id", "a")], [], 0, 10) == ([], 0)
    assert await read(sqlite_store, "cancelProductOrder", "a") is not None


def _random_condition(chooser: random.Random) -> Condition:
    minute, second = chooser.randrange(17), chooser.randrange(60)
    op = chooser.choice(["", ".eq", ".gt", ".gte", ".lt", ".lte"])
    options = [
        ("id", f"o{chooser.randrange(N + 5)},o{chooser.randrange(N)}"),
        ("state", chooser.choice(["acknowledged", "held", "completed", "x", "1", "true"])),
        ("relatedParty.id", f"p{chooser.randrange(5)},p{chooser.randrange(100, 111)}"),
        (f"orderDate{op}", f"2026-11-27T10:{minute:02d}:{second:02d}Z"),
        (f"orderDate{op}", chooser.choice(["2026-11-27", "abc", "7", "2026-11-27T10:05:00+01:00"])),
        (f"externalId{op}", f"e{chooser.randrange(12)}"),
        (f"description{op}", f"d{chooser.randrange(8)}"),
        (f"quantity{op}", str(chooser.randrange(-3, 40))),
    ]
    return parse_condition(*chooser.choice(options))


def _random_sort(chooser: random.Random) -> list[SortKey]:
    names = [("orderDate",), ("state",), ("quantity",), ("relatedParty", "id"), ("id",)]
    return [SortKey(chooser.choice(names), chooser.random() < 0.5) for _ in range(chooser.randrange(3))]


def _varied(n: int) -> dict[str, Any]:
    """Orders with mixed and missing values, so kinds (string, number, instant) and absences mix."""
    document = order(n)
    if n % 4 == 0:
        document["quantity"] = n % 37
    if n % 9 == 0:
        document["externalId"] = n  # a number where others have strings
    if n % 13 == 0:
        del document["orderDate"]
    if n % 17 == 0:
        document["orderDate"] = "not a date"
    return document


async def test_same_answers_as_the_memory_store(sqlite_store: SqliteStore) -> None:
    """Random writes, filters, sorts and pages: both stores always give the same (page, total)."""
    memory, chooser = MemoryStore(), random.Random(622)
    stores: list[Store] = [memory, sqlite_store]
    for store in stores:
        async with store.bulk():
            for n in range(300):
                await store.add("productOrder", _varied(n))
    for round_number in range(300):
        victim = f"o{chooser.randrange(300)}"
        if round_number % 5 == 0:
            changed = {**_varied(int(victim[1:])), "state": chooser.choice(["held", "completed"])}
            assert await memory.replace("productOrder", changed) == await sqlite_store.replace(
                "productOrder", changed
            )
        elif round_number % 11 == 0:
            assert await memory.delete("productOrder", victim) == await sqlite_store.delete(
                "productOrder", victim
            )
        conditions = [_random_condition(chooser) for _ in range(chooser.randint(0, 2))]
        sort, offset, limit = _random_sort(chooser), chooser.randrange(20), chooser.randrange(1, 400)
        expected = await listed(memory, "productOrder", conditions, sort, offset, limit)
        assert await listed(sqlite_store, "productOrder", conditions, sort, offset, limit) == expected, (
            conditions,
            sort,
        )


@pytest.mark.parametrize(
    ("document", "query", "expected"),
    [
        ({"id": "s1", "relatedParty": [{"id": "\ud800"}]}, ("relatedParty.id", "\ud800"), 1),
        ({"id": "s2", "externalId": 2**80}, ("externalId", str(2**80)), 1),
        ({"id": "s3", "externalId": 2**80}, ("externalId.gt", "5"), 1),
        ({"id": "s4", "externalId": 2**80}, ("externalId.lt", str(2**80 + 1)), 1),
        ({"id": "s5", "externalId": 10**400}, ("externalId.gte", "1e999"), 0),
        ({"id": "s6", "externalId": 10**400}, ("externalId.gt", "1e300"), 1),
        ({"id": "s7", "externalId": float("nan")}, ("externalId.lt", "5"), 0),
        ({"id": "s8", "state": True}, ("state", "true"), 1),
        ({"id": "s9", "externalId": "\U0001f4a5"}, ("externalId.gt", "\uffff"), 1),
        ({"id": "s10", "externalId": "\ud800"}, ("externalId.lt", "\ue000"), 1),
    ],
)
async def test_values_sqlite_cannot_hold_as_is_still_match_like_in_memory(
    sqlite_store: SqliteStore, document: dict[str, Any], query: tuple[str, str], expected: int
) -> None:
    memory = MemoryStore()
    for store in (memory, sqlite_store):
        await store.add("productOrder", document)
    condition = parse_condition(*query)
    assert (await listed(sqlite_store, "productOrder", [condition], [], 0, 10))[1] == expected
    assert (await listed(memory, "productOrder", [condition], [], 0, 10))[1] == expected


@pytest.mark.parametrize("odd_id", ["\ud800", "a" * 300, "", "x/y"])
async def test_odd_ids_are_simply_not_found(sqlite_store: SqliteStore, odd_id: str) -> None:
    assert await read(sqlite_store, "productOrder", odd_id) is None
    assert not await sqlite_store.delete("productOrder", odd_id)
    assert not await sqlite_store.replace("productOrder", {"id": odd_id})
    with pytest.raises(ValueError, match="must be a UTF-8 string"):
        await sqlite_store.add("productOrder", {"id": "\ud800"})


@pytest.mark.parametrize(
    "value", [2**80, float("nan"), float("inf"), "\ud800", 2**64 - 1, -0.0, 1e300, True, [{"a": None}]]
)
async def test_values_orjson_cannot_keep_read_back_exactly_from_both_stores(
    sqlite_store: SqliteStore, value: Any
) -> None:
    memory = MemoryStore()
    for store in (memory, sqlite_store):
        await store.add("productOrder", {"id": "v", "note": value})
    expected = {"id": "v", "note": value}
    for store in (memory, sqlite_store):
        fetched = await read(store, "productOrder", "v")
        assert repr(fetched) == repr(expected)  # repr: NaN == NaN is False, and -0.0 == 0.0 is True
        assert type(fetched["note"]) is type(expected["note"])  # type: ignore[index]
