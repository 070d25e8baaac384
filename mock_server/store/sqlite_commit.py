"""Group commit for the SQLite store: the writes of concurrent requests share one transaction and one sync.

With `synchronous=FULL` each commit waits for an fsync of the WAL (milliseconds on a real disk); one
commit per request made that sync the ceiling of the store's throughput, and it blocked the event
loop meanwhile. Here every write is a function of the write connection (`Write`), queued through
`store.batching.Batcher`: one batch at a time runs in a dedicated writer thread (`BEGIN IMMEDIATE`,
each write under its own savepoint, `COMMIT`), and the writes queued while it syncs go together as
the next batch, so batches grow with the load by themselves and the loop keeps serving meanwhile.

A caller's `await` ends only after the `COMMIT` holding its write returned: nothing is acknowledged
before it is on disk. Outcomes follow `PostgresStore`'s rules: a write that raises (a duplicate id,
a version conflict) is rolled back to its savepoint and only its caller hears it; a batch whose
`COMMIT` fails (disk full, I/O error), or that SQLite rolls back as a whole, is undone entirely
and every caller of the batch gets the same 503 naming the store (no half-applied batch).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar, cast

from mock_server.http.errors import ApiError
from mock_server.store.batching import Batcher

T = TypeVar("T")
#: One write: runs on the write connection inside the batch's transaction, returns its caller's answer.
Write = Callable[[sqlite3.Connection], object]
#: The most writes one commit carries (a bound on one transaction's size and on a caller's wait).
BATCH_SIZE = 256


class GroupCommit:
    """`await commits(write)`: `write(db)`'s answer (or exception) once the commit holding it is done."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock, path: str) -> None:
        self._db = db
        self._lock = lock  # the write connection's: `SqliteStore.bulk()` holds it on the loop thread
        self._path = path
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tmf622-sqlite-writer")
        self._batches: Batcher[Write, object] = Batcher(self._run, max_in_flight=1, max_batch=BATCH_SIZE)

    async def __call__(self, write: Callable[[sqlite3.Connection], T]) -> T:
        return cast(T, await self._batches(write))

    async def _run(self, writes: list[Write]) -> Sequence[object]:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._thread, self._commit, writes)
        except sqlite3.Error as exc:
            raise ApiError(503, f"the SQLite store {self._path} could not commit: {exc}") from None

    def _commit(self, writes: list[Write]) -> list[object]:
        """In the writer thread: the writes in one transaction, each under a savepoint; raises (with
        everything rolled back) when the transaction as a whole is lost."""
        outcomes: list[object] = []
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                for write in writes:
                    outcomes.append(_one(db, write))
                db.execute("COMMIT")
            except BaseException:
                _roll_back(db)
                raise
        return outcomes

    def close(self) -> None:
        """Wait for the batch under way (its callers are answered), then stop the writer thread."""
        self._thread.shutdown(wait=True)


def _one(db: sqlite3.Connection, write: Write) -> object:
    """`write`'s answer, or its exception with its changes undone (the batch's others are kept)."""
    db.execute("SAVEPOINT write")
    try:
        answer = write(db)
    except Exception as exc:
        if not db.in_transaction:  # SQLite rolled the whole transaction back (disk full, I/O error)
            raise
        db.execute("ROLLBACK TO write")
        answer = exc
    db.execute("RELEASE write")
    return answer


def _roll_back(db: sqlite3.Connection) -> None:
    if db.in_transaction:
        with contextlib.suppress(sqlite3.Error):  # the original failure is the one to report
            db.execute("ROLLBACK")
