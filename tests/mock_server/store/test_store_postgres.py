"""PostgresStore: MemoryStore's behaviour (checked against it, as SqliteStore is), odd data, versions.

The behaviour tests of test_store_sqlite.py that are not about SQLite itself run here on PostgreSQL:
in this module their `sqlite_store` fixture is the PostgreSQL store under test.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from mock_server.http.errors import ApiError
from mock_server.store import postgres as postgres_module
from mock_server.store.base import WriteConflict, read, rewrite
from mock_server.store.postgres import PostgresStore
from mock_server.store.postgres_schema import encoded_key, redacted
from mock_server.store.query import parse_condition
from tests.support.mock.mock_helpers import listed
from tests.support.mock.store_contract import (
    test_crud_copies_and_duplicates,
    test_odd_ids_are_simply_not_found,
    test_same_answers_as_the_memory_store,
    test_values_orjson_cannot_keep_read_back_exactly_from_both_stores,
    test_values_sqlite_cannot_hold_as_is_still_match_like_in_memory,
)

__all__ = [  # collected here too, on the PostgreSQL store
    "test_crud_copies_and_duplicates",
    "test_odd_ids_are_simply_not_found",
    "test_same_answers_as_the_memory_store",
    "test_values_orjson_cannot_keep_read_back_exactly_from_both_stores",
    "test_values_sqlite_cannot_hold_as_is_still_match_like_in_memory",
]


@pytest.fixture
def sqlite_store(pg_url: Callable[[], str], aio: asyncio.Runner) -> Iterator[PostgresStore]:
    """The store under test of the imported tests: PostgreSQL, on a fresh schema."""
    store = PostgresStore(pg_url())
    aio.run(store.open())
    yield store
    aio.run(store.close())


@pytest.fixture
def second(sqlite_store: PostgresStore, aio: asyncio.Runner) -> Iterator[PostgresStore]:
    """Another process's view: a second store (its own pool) on the same schema."""
    store = PostgresStore(sqlite_store.conninfo)
    aio.run(store.open())
    yield store
    aio.run(store.close())


async def test_a_stale_version_is_refused_and_rewrite_applies_every_change(
    sqlite_store: PostgresStore, second: PostgresStore
) -> None:
    await sqlite_store.add("productOrder", {"id": "o", "note": []})
    stale = await sqlite_store.get("productOrder", "o")
    assert stale is not None
    assert await second.replace("productOrder", {"id": "o", "note": ["from the other replica"]})
    with pytest.raises(WriteConflict):
        await sqlite_store.replace("productOrder", {"id": "o", "note": ["lost"]}, expected=stale)

    reads: list[Any] = []

    async def current() -> Any:
        reads.append(await sqlite_store.get("productOrder", "o"))
        if len(reads) == 1:  # the other replica writes between this read and the write
            await second.replace("productOrder", {"id": "o", "note": ["from the other replica", "again"]})
        return reads[-1]

    changed = await rewrite(
        sqlite_store, "productOrder", current, lambda o: {**o, "note": [*o["note"], "mine"]}
    )
    assert changed is not None
    assert len(reads) == 2
    assert await read(second, "productOrder", "o") == {
        "id": "o",
        "note": ["from the other replica", "again", "mine"],
    }


async def test_a_delete_between_read_and_write_is_not_a_conflict(
    sqlite_store: PostgresStore, second: PostgresStore
) -> None:
    await sqlite_store.add("productOrder", {"id": "gone"})
    found = await sqlite_store.get("productOrder", "gone")
    assert await second.delete("productOrder", "gone")
    assert not await sqlite_store.replace("productOrder", {"id": "gone", "state": "held"}, expected=found)


async def test_filters_are_answered_by_the_jsonb_and_key_indexes(sqlite_store: PostgresStore) -> None:
    async with sqlite_store.bulk():
        for n in range(2000):
            party = [{"id": f"p{n % 50}"}]
            await sqlite_store.add(
                "productOrder", {"id": f"o{n}", "state": "held" if n % 7 else "x", "relatedParty": party}
            )
    async with sqlite_store.connection() as conn:
        await conn.execute("ANALYZE tmf622_resource")
        await conn.execute(
            "SET enable_seqscan = off"
        )  # 2,000 rows: a scan may be cheaper, the index must exist
        party_key = encoded_key("relatedParty.id", ("s", "p3"))
        searches: list[tuple[str, tuple[Any, ...]]] = [
            ("collection = 'productOrder' AND id = 'o5'", ()),
            ("keys && %s", ([party_key],)),
            ("keys && %s", ([encoded_key("state", ("s", "held"))],)),
        ]
        explain = "EXPLAIN SELECT body FROM tmf622_resource WHERE "
        plans = [
            "\n".join(row[0] for row in await (await conn.execute(explain + where, params)).fetchall())
            for where, params in searches
        ]
        await conn.execute("RESET enable_seqscan")
    assert all("Seq Scan" not in plan for plan in plans), plans
    assert "tmf622_resource_keys" in plans[1]
    assert "tmf622_resource_keys" in plans[2]
    assert (await listed(sqlite_store, "productOrder", [parse_condition("relatedParty.id", "p3")], [], 0, 5))[
        1
    ] == 40


async def test_a_lost_connection_is_a_503_then_the_pool_reconnects(
    sqlite_store: PostgresStore, pg_cluster: Any
) -> None:
    await sqlite_store.add("productOrder", {"id": "kept"})
    pg_cluster.admin().execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
        " AND datname = current_database() AND backend_type = 'client backend'"
        " AND query NOT ILIKE '%pg_stat_activity%'"
    )

    async def read_until_refused() -> None:
        for _ in range(4):  # the pool may hold connections opened before the termination
            await read(sqlite_store, "productOrder", "kept")

    with pytest.raises(ApiError) as refused:
        await read_until_refused()
    assert refused.value.status == 503
    assert "PostgreSQL store postgresql://postgres@" in str(refused.value)
    assert redacted("postgresql://u:secret@h/db") == "postgresql://u:***@h/db"
    assert await read(sqlite_store, "productOrder", "kept") == {"id": "kept"}


async def test_no_connection_free_in_time_is_a_503_and_the_next_one_is_served(
    sqlite_store: PostgresStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres_module, "UNAVAILABLE_AFTER_S", 0.05)
    await sqlite_store.add("productOrder", {"id": "kept"})
    async with contextlib.AsyncExitStack() as held:
        for _ in range(sqlite_store.lender.size):  # every connection busy (slow requests)
            await held.enter_async_context(sqlite_store.connection())
        with pytest.raises(ApiError) as refused:
            await read(sqlite_store, "productOrder", "kept")
    assert refused.value.status == 503
    assert "no connection free" in str(refused.value)
    assert await read(sqlite_store, "productOrder", "kept") == {"id": "kept"}  # given back, lent again


def _batch_sizes(batcher: Any) -> list[int]:
    """Spy on a store's batcher: the sizes of the batches it sends, in order."""
    sizes: list[int] = []
    run = batcher._run

    async def counted(items: list[Any]) -> Any:
        sizes.append(len(items))
        return await run(items)

    batcher._run = counted
    return sizes


async def test_concurrent_posts_share_a_statement_and_each_hears_its_own_outcome(
    sqlite_store: PostgresStore,
) -> None:
    await sqlite_store.add("productOrder", {"id": "old"})
    sizes = _batch_sizes(sqlite_store._inserts)
    adds = [sqlite_store.add("productOrder", {"id": f"new-{n}", "n": n}) for n in range(20)]
    adds += [
        sqlite_store.add("productOrder", {"id": "old"}),
        sqlite_store.add("productOrder", {"id": "new-3"}),
    ]
    outcomes = await asyncio.gather(*adds, return_exceptions=True)
    assert outcomes[:20] == [None] * 20
    assert [type(outcome).__name__ for outcome in outcomes[20:]] == ["DuplicateIdError", "DuplicateIdError"]
    assert max(sizes) > 1
    assert sum(sizes) == 22
    assert await read(sqlite_store, "productOrder", "new-3") == {"id": "new-3", "n": 3}  # the first one won
    assert await read(sqlite_store, "productOrder", "old") == {"id": "old"}


async def test_a_batch_postgresql_refuses_is_written_row_by_row(
    sqlite_store: PostgresStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres_module, "_batch_insert", lambda rows, events: "SELECT refused(")
    await sqlite_store.add("productOrder", {"id": "taken"})
    adds = [sqlite_store.add("productOrder", {"id": name}) for name in ("a", "taken", "b")]
    outcomes = await asyncio.gather(*adds, return_exceptions=True)
    assert outcomes[0] is None
    assert outcomes[2] is None
    assert type(outcomes[1]).__name__ == "DuplicateIdError"
    assert [await read(sqlite_store, "productOrder", name) for name in ("a", "b")] == [
        {"id": "a"},
        {"id": "b"},
    ]


async def test_concurrent_gets_share_a_round_trip_and_each_gets_its_own_resource(
    sqlite_store: PostgresStore,
) -> None:
    await sqlite_store.add("productOrder", {"id": "same", "kind": "order"})
    await sqlite_store.add("cancelProductOrder", {"id": "same", "kind": "cancel"})
    sizes = _batch_sizes(sqlite_store._reads)
    wanted = [("productOrder", "same"), ("cancelProductOrder", "same"), ("productOrder", "none")] * 5
    found = await asyncio.gather(*(read(sqlite_store, collection, key) for collection, key in wanted))
    assert found == [{"id": "same", "kind": "order"}, {"id": "same", "kind": "cancel"}, None] * 5
    assert max(sizes) > 1
    assert sum(sizes) == 15


async def test_a_database_made_before_api_channels_gets_its_columns_at_start(
    pg_url: Callable[[], str],
) -> None:
    """Tables from before subscriptions had a `channel` and outbox rows a `collection` are completed."""
    import psycopg

    url = pg_url()
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute("DROP TABLE IF EXISTS tmf622_subscription, tmf622_outbox")  # a reused schema
        await conn.execute(
            "CREATE TABLE tmf622_subscription (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            " id text NOT NULL UNIQUE, callback text NOT NULL, query text)"
        )
        await conn.execute(
            "CREATE TABLE tmf622_outbox (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            " event_type text NOT NULL, resource bytea NOT NULL, field_path text[] NOT NULL)"
        )
    store = PostgresStore(url)
    await store.open()
    try:
        async with store.connection() as conn:
            cursor = await conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND column_name IN ('channel', 'collection')"
                " AND table_name IN ('tmf622_subscription', 'tmf622_outbox')"
            )
            found = set(await cursor.fetchall())
    finally:
        await store.close()
    assert found == {("tmf622_subscription", "channel"), ("tmf622_outbox", "collection")}
