"""SQLite group commit: concurrent writes share a commit, each caller hears its own outcome, and
read-modify-writes that now interleave lose no change (the body is the version)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mock_server.store.base import WriteConflict, read, rewrite
from mock_server.store.sqlite import SqliteStore
from tests.support.mock.mock_helpers import listed


@pytest.fixture
def store(sqlite_dir: Path) -> Iterator[SqliteStore]:
    kept = SqliteStore(str(sqlite_dir / "group.sqlite3"))
    yield kept
    kept.close()


def _commit_sizes(store: SqliteStore) -> list[int]:
    """Spy on the store's group commit: how many writes each commit carried, in order."""
    sizes: list[int] = []
    batches = store._commits._batches
    run = batches._run

    async def counted(writes: list[Any]) -> Any:
        sizes.append(len(writes))
        return await run(writes)

    batches._run = counted
    return sizes


async def test_concurrent_writes_share_a_commit_and_each_hears_its_own_outcome(store: SqliteStore) -> None:
    await store.add("productOrder", {"id": "old", "state": "acknowledged"})
    await store.add("productOrder", {"id": "doomed"})
    sizes = _commit_sizes(store)
    writes = [store.add("productOrder", {"id": f"new-{n}", "n": n}) for n in range(20)]
    writes += [
        store.add("productOrder", {"id": "old"}),  # taken before
        store.add("productOrder", {"id": "new-3"}),  # taken in this very batch
        store.replace("productOrder", {"id": "old", "state": "held"}),
        store.delete("productOrder", "doomed"),
    ]
    outcomes = await asyncio.gather(*writes, return_exceptions=True)
    assert outcomes[:20] == [None] * 20
    assert [type(outcome).__name__ for outcome in outcomes[20:22]] == ["DuplicateIdError"] * 2
    assert outcomes[22:] == [True, True]
    assert sizes == [24]  # one transaction, one sync for all of them
    assert await read(store, "productOrder", "new-3") == {"id": "new-3", "n": 3}  # the first one won
    assert await read(store, "productOrder", "old") == {"id": "old", "state": "held"}
    assert await read(store, "productOrder", "doomed") is None
    assert (await listed(store, "productOrder", [], [], 0, 0))[1] == 21  # the counts kept step


async def test_interleaved_read_modify_writes_lose_no_change(store: SqliteStore) -> None:
    await store.add("productOrder", {"id": "o", "note": []})

    async def append(text: str) -> None:
        changed = await rewrite(
            store,
            "productOrder",
            lambda: store.get("productOrder", "o"),
            lambda order: {**order, "note": [*order["note"], text]},
        )
        assert changed is not None

    # Many more than rewrite's CONFLICT_RETRIES: a read waits for the resource's queued write.
    await asyncio.gather(*(append(f"n{k}") for k in range(120)))
    found = await read(store, "productOrder", "o")
    assert found is not None
    assert sorted(found["note"]) == sorted(f"n{k}" for k in range(120))


async def test_a_stale_read_is_refused_and_a_deleted_one_is_not_replaced(store: SqliteStore) -> None:
    await store.add("productOrder", {"id": "o", "state": "acknowledged"})
    stale = await store.get("productOrder", "o")
    assert await store.replace("productOrder", {"id": "o", "state": "inProgress"})
    with pytest.raises(WriteConflict, match="changed by another request"):
        await store.replace("productOrder", {"id": "o", "state": "held"}, expected=stale)
    assert await read(store, "productOrder", "o") == {"id": "o", "state": "inProgress"}
    current = await store.get("productOrder", "o")
    assert await store.replace("productOrder", {"id": "o", "state": "held"}, expected=current)
    assert await store.delete("productOrder", "o")
    assert not await store.replace("productOrder", {"id": "o", "state": "x"}, expected=current)
