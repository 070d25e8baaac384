"""MemoryStore: CRUD semantics, copies, and indexes that answer without scanning (and agree with a scan)."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from mock_server.store import query as query_module
from mock_server.store.base import DuplicateIdError, read
from mock_server.store.memory import MemoryStore
from mock_server.store.query import Condition, SortKey, matches_all, parse_condition
from mock_server.versions.tmf622_v4.version import VERSION as V4
from tests.support.mock.mock_helpers import listed
from tests.support.mock.store_data import N, fill, order


@pytest.fixture
def store(aio: asyncio.Runner) -> MemoryStore:
    filled = MemoryStore(V4.catalogue)  # the orders' indexes, as the app gives them
    aio.run(fill(filled))
    return filled


@pytest.fixture
def predicate_calls(monkeypatch: pytest.MonkeyPatch) -> list[Condition]:
    """Every call of the shared filter predicate, i.e. every resource a query had to look at."""
    calls: list[Condition] = []
    real = query_module.matches

    def counting(resource: dict[str, Any], condition: Condition) -> bool:
        calls.append(condition)
        return real(resource, condition)

    monkeypatch.setattr(query_module, "matches", counting)
    return calls


async def test_crud_and_copies() -> None:
    store = MemoryStore()
    document = {"id": "a", "state": "acknowledged"}
    await store.add("productOrder", document)
    document["state"] = "mutated by the caller"
    fetched = await read(store, "productOrder", "a")
    assert fetched == {"id": "a", "state": "acknowledged"}
    assert fetched is not None
    fetched["state"] = "mutated again"
    assert await read(store, "productOrder", "a") == {"id": "a", "state": "acknowledged"}
    with pytest.raises(DuplicateIdError):
        await store.add("productOrder", {"id": "a"})
    assert await read(store, "cancelProductOrder", "a") is None
    assert await store.replace("productOrder", {"id": "a", "state": "held"})
    assert not await store.replace("productOrder", {"id": "zz"})
    assert await listed(store, "productOrder", [parse_condition("state", "held")], [], 0, 10) == (
        [{"id": "a", "state": "held"}],
        1,
    )
    assert await listed(store, "productOrder", [parse_condition("state", "acknowledged")], [], 0, 10) == (
        [],
        0,
    )
    assert await store.delete("productOrder", "a")
    assert not await store.delete("productOrder", "a")
    assert await listed(store, "productOrder", [parse_condition("id", "a")], [], 0, 10) == ([], 0)


async def test_reset_empties_every_collection(store: MemoryStore) -> None:
    await store.add("cancelProductOrder", {"id": "t", "productOrder": {"id": "o1"}})
    await store.reset()
    assert await listed(store, "productOrder", [], [], 0, 10) == ([], 0)
    assert await listed(
        store, "cancelProductOrder", [parse_condition("productOrder.id", "o1")], [], 0, 10
    ) == (
        [],
        0,
    )


@pytest.mark.parametrize(
    ("name", "value", "expected_total"),
    [
        ("id", "o500", 1),
        ("id", "o1,o2,nope", 2),
        ("state", "completed", N // 3),
        ("relatedParty.id", "p3", N // 5),
        ("relatedParty.id", "p3,p104", 273),
        ("orderDate", "'2026-11-27T10:05:00Z'", 1),
        ("orderDate.gte", "2026-11-27T10:16:00Z", N - 960),
        ("orderDate.lt", "2026-11-27T10:00:10.000Z", 10),
        ("externalId", "e3", N // 10),
    ],
)
async def test_indexed_filters_do_not_scan(
    store: MemoryStore, predicate_calls: list[Condition], name: str, value: str, expected_total: int
) -> None:
    page, total = await listed(store, "productOrder", [parse_condition(name, value)], [], 0, N)
    assert total == expected_total == len(page)
    assert predicate_calls == []


async def test_unindexed_filter_scans_only_index_candidates(
    store: MemoryStore, predicate_calls: list[Condition]
) -> None:
    _, total = await listed(store, "productOrder", [parse_condition("description", "d1")], [], 0, 10)
    assert total == len([n for n in range(N) if n % 7 == 1])
    assert len(predicate_calls) == N  # no index on description: every order is looked at
    predicate_calls.clear()
    conditions = [parse_condition("id", "o1,o8,o15"), parse_condition("description", "d1")]
    assert (await listed(store, "productOrder", conditions, [], 0, 10))[1] == 3
    assert len(predicate_calls) == 3  # only the id index's candidates


async def test_get_does_not_scan(store: MemoryStore, predicate_calls: list[Condition]) -> None:
    assert await read(store, "productOrder", "o999") == order(999)
    assert await read(store, "productOrder", "nope") is None
    assert predicate_calls == []


async def test_indexes_agree_with_a_full_scan(store: MemoryStore) -> None:
    """Random conditions and updates: the indexed answer is always the brute-force answer."""
    chooser = random.Random(622)
    documents = {f"o{n}": order(n) for n in range(N)}
    for round_number in range(200):
        victim = f"o{chooser.randrange(N)}"
        if round_number % 3 == 0:
            changed = {**documents[victim], "state": chooser.choice(["held", "completed"])}
            await store.replace("productOrder", changed)
            documents[victim] = changed
        conditions = [_random_condition(chooser) for _ in range(chooser.randint(1, 2))]
        page, total = await listed(store, "productOrder", conditions, [], 0, N)
        expected = [d for d in reversed(documents.values()) if matches_all(d, conditions)]
        assert (page, total) == (expected, len(expected)), conditions


def _random_condition(chooser: random.Random) -> Condition:
    minute, second = chooser.randrange(17), chooser.randrange(60)
    options = [
        ("id", f"o{chooser.randrange(N + 5)}"),
        ("state", chooser.choice(["acknowledged", "held", "completed", "x"])),
        ("relatedParty.id", f"p{chooser.randrange(5)},p{chooser.randrange(100, 111)}"),
        (
            f"orderDate.{chooser.choice(['eq', 'gt', 'gte', 'lt', 'lte'])}",
            f"2026-11-27T10:{minute:02d}:{second:02d}Z",
        ),
        ("externalId", f"e{chooser.randrange(12)}"),
    ]
    return parse_condition(*chooser.choice(options))


async def test_paging_and_sorting(store: MemoryStore) -> None:
    page, total = await listed(store, "productOrder", [], [], 10, 3)
    assert [o["id"] for o in page] == ["o989", "o988", "o987"]
    assert total == N
    ascending, _ = await listed(
        store, "productOrder", [parse_condition("state", "completed")], [SortKey(("orderDate",))], 0, 2
    )
    assert [o["id"] for o in ascending] == ["o2", "o5"]
