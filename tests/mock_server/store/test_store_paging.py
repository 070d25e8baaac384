"""Both stores page lazily: a page of an indexed filter reads the page, not every match, and never sorts."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mock_server.store import indexes as indexes_module
from mock_server.store import memory as store_module
from mock_server.store.base import Store
from mock_server.store.indexes import BucketUnion
from mock_server.store.memory import MemoryStore
from mock_server.store.postgres import PostgresStore
from mock_server.store.query import Condition, Query, matches_all, parse_condition
from mock_server.store.sqlite import SqliteStore
from mock_server.versions.tmf622_v4.version import VERSION as V4
from tests.support.mock.mock_helpers import listed
from tests.support.mock.store_data import N, fill, order

STATES = ("acknowledged", "inProgress", "completed")


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, sqlite_dir: Path, aio: asyncio.Runner) -> Iterator[Store]:
    chosen: Any = MemoryStore(V4.catalogue)  # the orders' indexes, as the app gives them
    if request.param == "sqlite":
        chosen = SqliteStore(str(sqlite_dir / "p.sqlite3"), V4.catalogue)
    elif request.param == "postgresql":
        chosen = PostgresStore(request.getfixturevalue("pg_url")(), catalogue=V4.catalogue)
        aio.run(chosen.open())
    aio.run(fill(chosen))
    yield chosen
    if isinstance(chosen, PostgresStore):
        aio.run(chosen.close())
    elif isinstance(chosen, SqliteStore):
        chosen.close()


@pytest.fixture
def memory(aio: asyncio.Runner) -> MemoryStore:
    filled = MemoryStore(V4.catalogue)
    aio.run(fill(filled))
    return filled


@pytest.fixture
def work(memory: MemoryStore, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many resources `memory` decodes, index checks it makes and sorts it runs from now on."""
    counts = {"decoded": 0, "checked": 0, "sorted": 0}

    def counting(name: str, real: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(store_module, "thawed", counting("decoded", store_module.thawed))
    monkeypatch.setattr(BucketUnion, "__contains__", counting("checked", BucketUnion.__contains__))
    for module in (store_module, indexes_module):
        monkeypatch.setattr(module, "sorted", counting("sorted", sorted), raising=False)
    monkeypatch.setattr(store_module, "sort_resources", counting("sorted", store_module.sort_resources))
    return counts


def brute_force(conditions: list[Condition], documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for d in reversed(documents) if matches_all(d, conditions)]


async def test_a_page_of_a_big_bucket_reads_only_the_page(memory: MemoryStore, work: dict[str, int]) -> None:
    page, total = await listed(memory, "productOrder", [parse_condition("state", "completed")], [], 0, 10)
    assert [o["id"] for o in page] == [f"o{n}" for n in (998, 995, 992, 989, 986, 983, 980, 977, 974, 971)]
    assert total == N // 3
    assert work == {"decoded": 10, "checked": 0, "sorted": 0}


async def test_a_page_of_a_range_in_creation_order_reads_only_the_page(
    memory: MemoryStore, work: dict[str, int]
) -> None:
    page, total = await listed(
        memory, "productOrder", [parse_condition("orderDate.gte", "2026-11-27T10:00:30Z")], [], 7, 3
    )
    assert [o["id"] for o in page] == ["o992", "o991", "o990"]
    assert total == 970  # orderDate cycles every hour: 10:16:39 at most, so 970 orders from 10:00:30 on
    assert work == {"decoded": 3, "checked": 0, "sorted": 0}


async def test_intersections_walk_the_smallest_set_and_check_the_others(
    memory: MemoryStore, work: dict[str, int]
) -> None:
    documents = [order(n) for n in range(N)]
    conditions = [
        parse_condition("state", "completed"),  # 333 matches
        parse_condition("externalId", "e3"),  # 100 matches: the walked set
        parse_condition("relatedParty.id", "p3,p104"),  # 273 matches, on an array path
    ]
    page, total = await listed(memory, "productOrder", conditions, [], 2, 4)
    expected = brute_force(conditions, documents)
    assert (page, total) == (expected[2:6], len(expected))
    assert 0 < total < 100
    assert work["checked"] <= 2 * 100  # two other sets, checked for each of the 100 walked candidates
    assert work["decoded"] == 4
    assert work["sorted"] == 0


@pytest.mark.parametrize("offset", [0, 320, 330, 332, 333, 334, 10_000])
async def test_offset_windows_at_the_end_of_a_big_bucket(store: Store, offset: int) -> None:
    conditions = [parse_condition("state", "completed")]
    expected = brute_force(conditions, [order(n) for n in range(N)])
    assert await listed(store, "productOrder", conditions, [], offset, 10) == (
        expected[offset : offset + 10],
        333,
    )
    assert (await listed(store, "productOrder", [], [], N - 2 + offset, 5))[0] == [
        order(n) for n in reversed(range(N)) if n < 2 - offset
    ]


async def test_random_intersections_equal_a_full_scan(store: Store) -> None:
    """AND of 2 to 4 indexed conditions (values, OR of values, ranges) after random updates."""
    chooser, documents = random.Random(4), {f"o{n}": order(n) for n in range(N)}
    for round_number in range(60):
        victim = f"o{chooser.randrange(N)}"
        if round_number % 4 == 0:
            changed = {**documents[victim], "state": chooser.choice([*STATES, "held"])}
            await store.replace("productOrder", changed)
            documents[victim] = changed
        conditions = [_condition(chooser) for _ in range(chooser.randint(2, 4))]
        offset, limit = chooser.choice([0, 0, 5, 40]), chooser.choice([1, 10, 1000])
        expected = brute_force(conditions, list(documents.values()))
        page, total = await listed(store, "productOrder", conditions, [], offset, limit)
        assert (page, total) == (expected[offset : offset + limit], len(expected)), conditions


def _condition(chooser: random.Random) -> Condition:
    minute = chooser.randrange(17)
    options = [
        ("state", chooser.choice([*STATES, "held", f"{STATES[0]},{STATES[2]}"])),
        ("relatedParty.id", chooser.choice(["p1", "p2,p103", "p104"])),
        ("externalId", f"e{chooser.randrange(10)}"),
        (f"orderDate.{chooser.choice(['gt', 'gte', 'lt', 'lte'])}", f"2026-11-27T10:{minute:02d}:00Z"),
    ]
    return parse_condition(*chooser.choice(options))


async def test_back_dated_values_are_paged_in_creation_order_too(store: Store) -> None:
    """Order dates that do not grow with creation: a range's page is still newest first."""
    await store.reset()
    shuffled = list(range(200))
    random.Random(7).shuffle(shuffled)
    documents = [{**order(n), "id": f"b{i}"} for i, n in enumerate(shuffled)]
    for document in documents:
        await store.add("productOrder", document)
    for text in ("orderDate.gte=2026-11-27T10:01:00Z", "orderDate.lt=2026-11-27T10:02:30Z", "orderDate=bad"):
        conditions = [parse_condition(*text.split("="))]
        expected = brute_force(conditions, documents)
        assert await listed(store, "productOrder", conditions, [], 3, 20) == (
            expected[3:23],
            len(expected),
        ), text


async def test_json_reads_give_the_same_resources(store: Store) -> None:
    conditions = [parse_condition("relatedParty.id", "p4")]
    page = await store.query("productOrder", Query(tuple(conditions), offset=5, limit=7))
    assert ([json.loads(row) for row in page.json_rows()], page.total) == await listed(
        store, "productOrder", conditions, [], 5, 7
    )
    found = await store.get("productOrder", "o17")
    assert found is not None
    assert json.loads(found.json()) == order(17)
    assert await store.get("productOrder", "nope") is None
