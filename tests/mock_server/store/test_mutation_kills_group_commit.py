"""The SQLite group commit as its callers see it when a commit fails, and when the store closes: every
caller of a lost batch hears the same 503 naming the store, none of the batch is kept, the next batch
commits; closing waits for the batch under way.

The writes are the store's own kind (functions of the write connection) on a file of the test's: a
commit that fails (a deferred foreign key, checked at COMMIT) or a transaction SQLite rolled back as a
whole (as after a full disk) are certain here, where the store's own writes would need a full disk.
Written for `make mutate` (mutation/README.md).
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mock_server.store.sqlite_commit import GroupCommit
from tests.support.mock.mock_helpers import TIMEOUT_S

SCHEMA = """
CREATE TABLE parent (id TEXT PRIMARY KEY);
CREATE TABLE child (id TEXT PRIMARY KEY, parent TEXT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
"""
#: SQLite's authorizer codes of BEGIN/COMMIT/ROLLBACK and of SAVEPOINT/RELEASE/ROLLBACK TO.
TRANSACTION = {sqlite3.SQLITE_TRANSACTION, sqlite3.SQLITE_SAVEPOINT}


@pytest.fixture
def path(sqlite_dir: Path) -> Path:
    return sqlite_dir / "commits.sqlite3"


@pytest.fixture
def commits(path: Path) -> Iterator[GroupCommit]:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.executescript(SCHEMA)
    db.execute("PRAGMA foreign_keys = ON")
    kept = GroupCommit(db, threading.RLock(), str(path))
    yield kept
    kept.close()
    db.close()


def stored(path: Path) -> list[str]:
    """The children committed, read through a connection of their own."""
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT id FROM child ORDER BY id")]


def child(name: str, parent: str | None = None) -> Callable[[sqlite3.Connection], str]:
    def write(db: sqlite3.Connection) -> str:
        db.execute("INSERT INTO child (id, parent) VALUES (?, ?)", (name, parent))
        return name

    return write


async def test_a_commit_that_fails_refuses_the_whole_batch_with_503_and_the_next_one_commits(
    commits: GroupCommit, path: Path
) -> None:
    batch = [child("a"), child("orphan", parent="none"), child("b")]
    outcomes = await asyncio.gather(*(commits(write) for write in batch), return_exceptions=True)
    assert [(type(o).__name__, getattr(o, "status", None), str(o)) for o in outcomes] == [
        ("ApiError", 503, f"the SQLite store {path} could not commit: FOREIGN KEY constraint failed")
    ] * 3
    assert stored(path) == []
    assert await commits(child("c")) == "c"  # the failed transaction was rolled back, not left open
    assert stored(path) == ["c"]


async def test_a_transaction_sqlite_rolled_back_refuses_the_whole_batch(
    commits: GroupCommit, path: Path
) -> None:
    def lost(db: sqlite3.Connection) -> None:
        db.execute("ROLLBACK")  # what SQLite does itself after some I/O errors
        raise sqlite3.OperationalError("disk I/O error")

    outcomes = await asyncio.gather(
        commits(child("a")), commits(lost), commits(child("b")), return_exceptions=True
    )
    assert {(type(o).__name__, str(o)) for o in outcomes} == {
        ("ApiError", f"the SQLite store {path} could not commit: disk I/O error")
    }
    assert stored(path) == []
    assert await commits(child("c")) == "c"
    assert stored(path) == ["c"]


async def test_a_write_that_fails_alone_is_undone_and_the_others_kept(
    commits: GroupCommit, path: Path
) -> None:
    def half(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO child (id) VALUES ('half')")
        raise ValueError("refused after writing")

    outcomes = await asyncio.gather(
        commits(child("a")), commits(half), commits(child("b")), return_exceptions=True
    )
    assert [str(o) for o in outcomes] == ["a", "refused after writing", "b"]
    assert stored(path) == ["a", "b"]


async def test_close_waits_for_the_batch_under_way(commits: GroupCommit, path: Path) -> None:
    started, release = threading.Event(), threading.Event()

    def slow(db: sqlite3.Connection) -> str:
        started.set()
        release.wait(TIMEOUT_S)
        return child("slow")(db)

    pending = asyncio.ensure_future(commits(slow))
    assert await asyncio.to_thread(started.wait, TIMEOUT_S)
    seen_at_close: list[list[str]] = []

    def close() -> None:
        commits.close()
        seen_at_close.append(stored(path))

    closer = threading.Thread(target=close)
    closer.start()
    closer.join(timeout=1.0)  # close has to be still waiting for the batch now
    release.set()
    closer.join(TIMEOUT_S)
    assert await pending == "slow"
    assert seen_at_close == [["slow"]]


def refuse_transactions(action: int, *_: object) -> int:
    return sqlite3.SQLITE_DENY if action in TRANSACTION else sqlite3.SQLITE_OK


async def test_a_rollback_that_fails_too_still_reports_the_first_failure(
    commits: GroupCommit, path: Path
) -> None:
    def locked_out(db: sqlite3.Connection) -> None:
        # From here on SQLite refuses every transaction statement, its ROLLBACKs included.
        db.set_authorizer(refuse_transactions)
        raise ValueError("refused after writing")

    outcomes = await asyncio.gather(commits(child("a")), commits(locked_out), return_exceptions=True)
    assert {(type(o).__name__, str(o)) for o in outcomes} == {
        ("ApiError", f"the SQLite store {path} could not commit: not authorized")
    }


async def test_writes_queued_while_a_batch_commits_all_go_in_the_next_one(
    commits: GroupCommit, path: Path
) -> None:
    """One commit in flight at a time: what arrives meanwhile waits, then shares one transaction."""
    started, release = threading.Event(), threading.Event()

    def slow(db: sqlite3.Connection) -> str:
        started.set()
        release.wait(TIMEOUT_S)
        return child("slow")(db)

    def committed_before(name: str) -> Callable[[sqlite3.Connection], int]:
        def write(db: sqlite3.Connection) -> int:
            child(name)(db)
            return len(stored(path))  # the rows committed before this write's transaction

        return write

    first = asyncio.ensure_future(commits(slow))
    assert await asyncio.to_thread(started.wait, TIMEOUT_S)
    early = [asyncio.ensure_future(commits(committed_before(f"early-{n}"))) for n in range(3)]
    for _ in range(5):  # loop turns: room for a second batch to start, if one could
        await asyncio.sleep(0)
    late = [asyncio.ensure_future(commits(committed_before(f"late-{n}"))) for n in range(3)]
    release.set()
    assert await first == "slow"
    assert await asyncio.gather(*early, *late) == [1] * 6  # one transaction after the first
