"""SqliteStore: MemoryStore's behaviour (checked against it), real indexes, durability, odd data."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from mock_server.store import query as query_module
from mock_server.store.base import DuplicateIdError, read
from mock_server.store.query import Condition, SortKey, parse_condition
from mock_server.store.sqlite import SqliteStore
from mock_server.versions.tmf622_v4.version import VERSION as V4
from tests.support.mock.mock_helpers import listed
from tests.support.mock.store_contract import (
    test_crud_copies_and_duplicates,
    test_odd_ids_are_simply_not_found,
    test_same_answers_as_the_memory_store,
    test_values_orjson_cannot_keep_read_back_exactly_from_both_stores,
    test_values_sqlite_cannot_hold_as_is_still_match_like_in_memory,
)
from tests.support.mock.store_data import N, fill, order

__all__ = [  # the store contract, collected here on SQLite
    "test_crud_copies_and_duplicates",
    "test_odd_ids_are_simply_not_found",
    "test_same_answers_as_the_memory_store",
    "test_values_orjson_cannot_keep_read_back_exactly_from_both_stores",
    "test_values_sqlite_cannot_hold_as_is_still_match_like_in_memory",
]


@pytest.fixture
def sqlite_store(sqlite_dir: Path) -> Any:
    store = SqliteStore(str(sqlite_dir / "orders.sqlite3"), V4.catalogue)  # the orders' indexes
    yield store
    store.close()


@pytest.fixture
def predicate_calls(monkeypatch: pytest.MonkeyPatch) -> list[Condition]:
    """Every call of the shared filter predicate: each one is a resource the query looked at."""
    calls: list[Condition] = []
    real = query_module.matches

    def counting(resource: dict[str, Any], condition: Condition) -> bool:
        calls.append(condition)
        return real(resource, condition)

    monkeypatch.setattr(query_module, "matches", counting)
    return calls


@pytest.fixture
def filled(sqlite_store: SqliteStore, aio: asyncio.Runner) -> SqliteStore:
    aio.run(fill(sqlite_store))  # one bulk: one sync instead of N
    return sqlite_store


async def test_reset_empties_every_collection(filled: SqliteStore) -> None:
    await filled.add("cancelProductOrder", {"id": "t", "productOrder": {"id": "o1"}})
    await filled.reset()
    assert await listed(filled, "productOrder", [], [], 0, 10) == ([], 0)
    assert await listed(
        filled, "cancelProductOrder", [parse_condition("productOrder.id", "o1")], [], 0, 10
    ) == (
        [],
        0,
    )
    await filled.add("productOrder", order(1))  # usable after a reset
    assert await read(filled, "productOrder", "o1") == order(1)


def test_wal_and_full_sync_so_an_ack_is_on_disk(sqlite_store: SqliteStore) -> None:
    check = sqlite3.connect(sqlite_store.path)
    try:
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        check.close()
    assert sqlite_store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


INDEXED = [
    ("id", "o500", 1),
    ("id", "o1,o2,nope", 2),
    ("state", "completed", N // 3),
    ("relatedParty.id", "p3", N // 5),
    ("relatedParty.id", "p3,p104", 273),
    ("orderDate", "'2026-11-27T10:05:00Z'", 1),
    ("orderDate.gte", "2026-11-27T10:16:00Z", N - 960),
    ("orderDate.lt", "2026-11-27T10:00:10.000Z", 10),
    ("externalId", "e3", N // 10),
]


@pytest.mark.parametrize(("name", "value", "expected_total"), INDEXED)
async def test_indexed_filters_use_sqlite_indexes_not_the_predicate(
    filled: SqliteStore, predicate_calls: list[Condition], name: str, value: str, expected_total: int
) -> None:
    condition = parse_condition(name, value)
    page, total = await listed(filled, "productOrder", [condition], [], 0, N)
    assert total == expected_total == len(page)
    assert predicate_calls == []
    plan = filled.query_plan("productOrder", [condition])
    assert not [step for step in plan if step.startswith("SCAN") and step != "SCAN page"], plan
    assert any("USING COVERING INDEX resource_key_lookup" in step for step in plan), plan
    if "," not in value and name in {"state", "relatedParty.id", "externalId", "id", "orderDate"}:
        assert not [step for step in plan if "TEMP B-TREE" in step], plan  # paged from the index: no sort


def test_other_conditions_are_checked_through_the_seq_index(filled: SqliteStore) -> None:
    conditions = [
        parse_condition("state", "completed"),
        parse_condition("relatedParty.id", "p3,p104"),
        parse_condition("orderDate.gte", "2026-11-27T10:05:00Z"),
    ]
    plan = filled.query_plan("productOrder", conditions)
    assert plan.count("SEARCH o USING INDEX resource_key_owner (seq=?)") == 2, plan
    assert not [step for step in plan if "TEMP B-TREE" in step or step.startswith("SCAN k")], plan


async def test_unindexed_filter_looks_only_at_index_candidates(
    filled: SqliteStore, predicate_calls: list[Condition]
) -> None:
    _, total = await listed(filled, "productOrder", [parse_condition("description", "d1")], [], 0, 10)
    assert total == len([n for n in range(N) if n % 7 == 1])
    assert len(predicate_calls) == N
    predicate_calls.clear()
    conditions = [parse_condition("id", "o1,o8,o15"), parse_condition("description", "d1")]
    assert (await listed(filled, "productOrder", conditions, [], 0, 10))[1] == 3
    assert len(predicate_calls) == 3


async def test_get_by_id_is_a_primary_key_search(filled: SqliteStore) -> None:
    assert await read(filled, "productOrder", "o999") == order(999)
    assert await read(filled, "productOrder", "nope") is None
    plan = filled._db.execute(
        "EXPLAIN QUERY PLAN SELECT body FROM resource WHERE collection = ? AND id = ?", ("productOrder", "o1")
    ).fetchall()
    assert "SEARCH resource USING INDEX" in plan[0][-1]


async def test_paging_and_sorting(filled: SqliteStore) -> None:
    page, total = await listed(filled, "productOrder", [], [], 10, 3)
    assert [o["id"] for o in page] == ["o989", "o988", "o987"]
    assert total == N
    ascending, _ = await listed(
        filled, "productOrder", [parse_condition("state", "completed")], [SortKey(("orderDate",))], 0, 2
    )
    assert [o["id"] for o in ascending] == ["o2", "o5"]
    tail = await listed(filled, "productOrder", [parse_condition("state", "completed")], [], 330, 10)
    assert tail == ([order(8), order(5), order(2)], N // 3)


async def test_everything_is_there_after_reopening(tmp_path: Path) -> None:
    path = str(tmp_path / "kept.sqlite3")
    first = SqliteStore(path)
    for n in range(20):
        await first.add("productOrder", order(n))
    await first.replace("productOrder", {**order(3), "state": "held"})
    await first.delete("productOrder", "o7")
    first.close()
    again = SqliteStore(path)
    try:
        page, total = await listed(again, "productOrder", [], [], 0, 100)
        assert total == 19
        assert [o["id"] for o in page] == [
            f"o{n}" for n in reversed(range(20)) if n != 7
        ]  # creation order kept
        assert await listed(again, "productOrder", [parse_condition("state", "held")], [], 0, 5) == (
            [page[-4]],
            1,
        )
        assert page[-4] == {**order(3), "state": "held"}
    finally:
        again.close()


def test_unusable_files_are_refused_naming_the_path(tmp_path: Path) -> None:
    garbage = tmp_path / "notes.txt"
    garbage.write_text("this is not a database, but long enough to have a header" * 20)
    with pytest.raises(ValueError, match=r"cannot use '.*notes\.txt' as the SQLite store"):
        SqliteStore(str(garbage))
    with pytest.raises(ValueError, match="missing-dir"):
        SqliteStore(str(tmp_path / "missing-dir" / "x.sqlite3"))
    other = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(other)
    connection.execute("PRAGMA user_version = 7")
    connection.close()
    with pytest.raises(ValueError, match="schema version 7"):
        SqliteStore(str(other))


async def test_bulk_is_all_or_nothing_and_single_writes_inside_it_too(sqlite_store: SqliteStore) -> None:
    await sqlite_store.add("productOrder", order(0))

    async def abandoned_bulk() -> None:
        async with sqlite_store.bulk():
            await sqlite_store.add("productOrder", order(1))
            await sqlite_store.delete("productOrder", "o0")
            raise RuntimeError("abandoned")

    with pytest.raises(RuntimeError, match="abandoned"):
        await abandoned_bulk()
    assert await listed(sqlite_store, "productOrder", [], [], 0, 10) == ([order(0)], 1)
    async with sqlite_store.bulk():
        await sqlite_store.add("productOrder", order(2))
        with pytest.raises(DuplicateIdError):
            await sqlite_store.add("productOrder", order(2))  # refused alone: the bulk goes on
        await sqlite_store.add("productOrder", order(3))
    assert (await listed(sqlite_store, "productOrder", [], [], 0, 10))[1] == 3
    assert not sqlite_store._db.in_transaction


async def test_version_1_files_are_upgraded_with_their_counts(sqlite_dir: Path) -> None:
    """A file written before the counts (and with `json` text bodies) opens, counts and reads right."""
    path = str(sqlite_dir / "v1.sqlite3")
    first = SqliteStore(path)
    async with first.bulk():
        for n in range(30):
            await first.add("productOrder", order(n))
    first.close()
    old = sqlite3.connect(path)
    rows = old.execute("SELECT seq, body FROM resource").fetchall()
    old.executemany(
        "UPDATE resource SET body = ? WHERE seq = ?", [(json.dumps(json.loads(b)), s) for s, b in rows]
    )
    old.executescript("DROP TABLE key_count; DROP TABLE resource_count; PRAGMA user_version = 1;")
    old.close()
    again = SqliteStore(path)
    try:
        assert again._db.execute("PRAGMA user_version").fetchone()[0] == 2
        assert await listed(again, "productOrder", [parse_condition("state", "completed")], [], 0, 3) == (
            [order(29), order(26), order(23)],
            10,
        )
        assert await listed(again, "productOrder", [], [], 0, 0) == ([], 30)
        assert await read(again, "productOrder", "o4") == order(4)
        found = await again.get("productOrder", "o4")
        assert found is not None
        assert json.loads(found.json()) == order(4)
        await again.delete("productOrder", "o29")
        await again.replace("productOrder", {**order(26), "state": "held"})
        assert await listed(again, "productOrder", [parse_condition("state", "completed")], [], 0, 1) == (
            [order(23)],
            8,
        )
    finally:
        again.close()
